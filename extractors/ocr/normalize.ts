/**
 * Normalisation of OCR artefacts that matter downstream (amount, date, tax-id and invoice-number
 * parsing, full-text search). Pure string functions; readers keep the raw text next to the result
 * (`TextLine.rawText`, `PageText.rawText`) so evidence can always be shown exactly as read.
 *
 * What is changed, in this order (see `normalizeOcrText`):
 * 1. Full-width forms to ASCII: U+FF01..U+FF5E (！..～, e.g. ０-９, Ａ-Ｚ, ＄, ：, ，) map to U+0021..U+007E,
 *    the ideographic space U+3000 to a plain space. Taiwan invoices print amounts and 統一編號 in
 *    full-width digits, and tesseract's chi_tra model emits full-width punctuation next to Han text.
 *    CJK punctuation outside that block (、。「」) is left alone: it is not an ASCII look-alike.
 * 2. The New Taiwan dollar sign: tesseract reads `NT$` as `NTS`, `NT S`, `NT $` or `NT＄`; all become
 *    `NT$`. `NTS`/`NT S` only directly before an amount, and `NT` never after a letter, so words such
 *    as `CENTS` or `PAYMENTS 3` are untouched.
 * 3. Stray single spaces between two CJK characters (`統 一 編 號` → `統一編號`): tesseract separates
 *    Han glyphs it segmented as words even with `preserve_interword_spaces`. Runs of two or more
 *    spaces are kept, because with `preserve_interword_spaces` they are column gaps (品名  數量).
 * 4. Trailing whitespace at the end of each line is removed.
 * Nothing else (no case folding, no NFKC: that would also rewrite ㈱, ²) so downstream rules decide.
 */

const FULL_WIDTH_START = 0xff01;
const FULL_WIDTH_END = 0xff5e;
/** Distance from a full-width form to its ASCII counterpart (U+FF01 - U+0021). */
const FULL_WIDTH_OFFSET = 0xfee0;
const IDEOGRAPHIC_SPACE = 0x3000;

/** Full-width ASCII variants (U+FF01..U+FF5E) and the ideographic space to their ASCII forms. */
export function toHalfWidth(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= FULL_WIDTH_START && code <= FULL_WIDTH_END) out += String.fromCharCode(code - FULL_WIDTH_OFFSET);
    else if (code === IDEOGRAPHIC_SPACE) out += ' ';
    else out += char;
  }
  return out;
}

// `NT` not preceded by a letter (so `PRINT $5` or `CENTS` never match), then the misread dollar sign.
const NT_DOLLAR_SPACED = /(?<![A-Za-z])NT[ \t]*[$＄]/g;
// `S` stands in for `$` only when an amount follows, otherwise `NTS` could be an abbreviation.
const NT_DOLLAR_AS_S = /(?<![A-Za-z])NT[ \t]*S(?=[ \t]*[0-9０-９])/g;

/** `NTS 100`, `NT $100`, `NT＄100`, `NT S100` → `NT$ 100`, `NT$100`, ... (spacing after the sign kept). */
export function normalizeCurrencySigns(text: string): string {
  return text.replace(NT_DOLLAR_SPACED, 'NT$').replace(NT_DOLLAR_AS_S, 'NT$');
}

// Han ideographs plus CJK symbols/punctuation and Bopomofo: the characters tesseract may split apart.
const CJK = String.raw`\p{Script=Han}\u3001-\u303f\u3105-\u312f`;
const CJK_SINGLE_SPACE = new RegExp(`(?<=[${CJK}]) (?=[${CJK}])`, 'gu');

/** Removes one stray space between two CJK characters; keeps longer runs (column gaps). */
export function removeCjkSpaces(text: string): string {
  // A run of 2+ spaces must survive, so only a space with a CJK character directly on both sides goes.
  return text.replace(CJK_SINGLE_SPACE, '');
}

/** The full normalisation applied to every OCR line and word (see the file comment for the rules). */
export function normalizeOcrText(raw: string): string {
  const text = removeCjkSpaces(normalizeCurrencySigns(toHalfWidth(raw)));
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/u, ''))
    .join('\n');
}
