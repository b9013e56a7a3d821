/**
 * PP-OCR's reading of a Taiwan document, in the characters it was printed in.
 *
 * The recogniser's dictionary is mostly Simplified Chinese: on a Taiwan invoice it reads 統一編號 as
 * 统一编號 and 營業稅 as 营业税, while its digits and Latin letters are far better than tesseract's
 * (tw-dev `1_business_invoice`: every amount, tax id and the invoice number right, where tesseract read
 * none of the totals). OpenCC (opencc-js, dictionaries bundled in the package) converts its Simplified
 * characters to Taiwan Traditional, phrase-aware.
 *
 * Characters that are also ordinary Traditional ones are kept as read: OpenCC turns 台 into 臺 (臺中市
 * for a printed 台中市) and 里 into 裡, but a Taiwan print uses them as they are.
 */
import type { PageText, TextLine } from '../../types.js';

type Convert = (text: string) => string;

/** Characters OpenCC may change that a Taiwan document prints as they are (addresses, names). */
const ALSO_TRADITIONAL = new Set([...'台里后面松范谷余干系丑斗征冲只布']);

let converter: Promise<Convert> | null = null;

async function simplifiedToTaiwan(): Promise<Convert> {
  converter ??= import('opencc-js').then((OpenCC) => OpenCC.Converter({ from: 'cn', to: 'tw' }));
  return converter;
}

/** `text` with Simplified characters in Taiwan Traditional, keeping ALSO_TRADITIONAL as read. */
export function keepAlsoTraditional(original: string, converted: string): string {
  const before = [...original];
  const after = [...converted];
  // OpenCC's phrase conversion keeps one character for one; if it ever did not, keep its output whole.
  if (before.length !== after.length) return converted;
  return after.map((char, i) => (ALSO_TRADITIONAL.has(before[i]!) ? before[i]! : char)).join('');
}

/** The page with every line, word and its text in Taiwan Traditional characters. */
export async function pageToTraditional(page: PageText): Promise<PageText> {
  const convert = await simplifiedToTaiwan();
  const traditional = (text: string) => keepAlsoTraditional(text, convert(text));
  const lines: TextLine[] = page.lines.map((line) => ({
    ...line,
    text: traditional(line.text),
    rawText: traditional(line.rawText),
    words: line.words.map((word) => ({ ...word, text: traditional(word.text) })),
  }));
  return { ...page, text: traditional(page.text), rawText: traditional(page.rawText), lines };
}
