/**
 * Small string helpers shared by the receipt rules. OCR text arrives already normalised by the reader
 * (extractors/ocr/normalize.ts); these only do what the rules need on top: whitespace collapsing,
 * case decisions and letter/digit look-alike repair inside tokens that must be numeric.
 */

/** Collapses runs of whitespace to one space and trims. */
export function squash(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/** Full-width ASCII variants and the ideographic space to ASCII (PDF text layers skip the OCR normaliser). */
export function halfWidth(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCharCode(code - 0xfee0);
    else if (code === 0x3000) out += ' ';
    else out += ch;
  }
  return out;
}

/** Letters only (ASCII and Han), for "how wordy is this line" decisions. */
export function letterCount(text: string): number {
  return (text.match(/[A-Za-z\p{Script=Han}]/gu) ?? []).length;
}

export function digitCount(text: string): number {
  return (text.match(/\d/g) ?? []).length;
}

/**
 * Share of upper-case letters among ASCII letters (1 when there are none). Receipts print headers in
 * capitals; OCR drops some of them to lower case, so a mostly-upper line is upper-cased as a whole.
 */
export function upperShare(text: string): number {
  const letters = text.match(/[A-Za-z]/g) ?? [];
  if (letters.length === 0) return 1;
  return letters.filter((c) => c >= 'A' && c <= 'Z').length / letters.length;
}

/** Upper-cases text when most of the page's letters are capitals (OCR case noise), else keeps it. */
export function caseLike(text: string, pageUpperShare: number): string {
  return pageUpperShare >= 0.75 ? text.toUpperCase() : text;
}

/**
 * Repairs OCR letter/digit confusions inside a token that must be numeric (dates, amounts):
 * O/o/D/Q→0, I/l/|/!/i/L/J→1, Z/z→2, S/s/$→5, B→8, G/b→6, g/q→9, T→7. Only ever applied to a span
 * already known to be a number by its shape.
 */
export function digitsFromLookalikes(token: string): string {
  const map: Record<string, string> = {
    O: '0', o: '0', D: '0', Q: '0', U: '0',
    I: '1', l: '1', '|': '1', '!': '1', i: '1', L: '1', J: '1',
    Z: '2', z: '2', S: '5', s: '5', B: '8', G: '6', b: '6', g: '9', q: '9', T: '7',
  };
  return token.replace(/[OoDQUIl|!iLJZzSsBGbgqT]/g, (c) => map[c] ?? c);
}

/**
 * Fewest edits (substitutions, insertions, deletions) that turn some substring of `text` into `word`:
 * approximate search (Sellers), so `TAXINVOCT` inside `BEINVMPLIPIEDTAXINVOCT` is 2 edits from TAXINVOICE.
 */
export function fuzzySubstringDistance(text: string, word: string): number {
  let prev = new Array<number>(text.length + 1).fill(0);
  for (let i = 1; i <= word.length; i += 1) {
    const cur = [i];
    for (let j = 1; j <= text.length; j += 1) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (word[i - 1] === text[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return Math.min(...prev);
}

/**
 * The character pairs at which two equal-length strings differ (`[["6", "5"]]` for `16.90` / `15.90`),
 * or null when their lengths differ: the shape of an OCR misread, one glyph read as another.
 */
export function mismatchedPairs(a: string, b: string): [string, string][] | null {
  if (a.length !== b.length) return null;
  const pairs: [string, string][] = [];
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) pairs.push([a[i]!, b[i]!]);
  return pairs;
}
