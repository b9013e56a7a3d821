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

let converters: Promise<{ toTaiwan: Convert; toSimplified: Convert }> | null = null;

async function openCc(): Promise<{ toTaiwan: Convert; toSimplified: Convert }> {
  converters ??= import('opencc-js').then((OpenCC) => ({
    toTaiwan: OpenCC.Converter({ from: 'cn', to: 'tw' }),
    toSimplified: OpenCC.Converter({ from: 'tw', to: 'cn' }),
  }));
  return converters;
}

/**
 * Whether a PP-OCR reading comes from a print in Traditional characters. The model writes the
 * Traditional characters its dictionary has (發票, 號碼, 買) and Simplified ones for the rest, so a
 * Taiwan print reads as a mix: on the tw-dev photos 7 to 140 Traditional-only characters, at least 0.35
 * of the Simplified-only count. A print in Simplified characters (a mainland or Malaysian receipt)
 * yields almost none, and must not be converted.
 */
export async function looksTraditional(text: string): Promise<boolean> {
  const { toTaiwan, toSimplified } = await openCc();
  let traditional = 0;
  let simplified = 0;
  for (const char of text) {
    if (!/\p{Script=Han}/u.test(char)) continue;
    if (toSimplified(char) !== char) traditional += 1;
    else if (toTaiwan(char) !== char && !ALSO_TRADITIONAL.has(char)) simplified += 1;
  }
  return traditional >= 3 && traditional >= 0.2 * simplified;
}

/** `text` with Simplified characters in Taiwan Traditional, keeping ALSO_TRADITIONAL as read. */
export function keepAlsoTraditional(original: string, converted: string): string {
  const before = [...original];
  const after = [...converted];
  // OpenCC's phrase conversion keeps one character for one; if it ever did not, keep its output whole.
  if (before.length !== after.length) return converted;
  return after.map((char, i) => (ALSO_TRADITIONAL.has(before[i]!) ? before[i]! : char)).join('');
}

/**
 * Invoice labels PP-OCR misreads on Taiwan prints, seen on the tw-dev photos: 總 as 德 (德計), 計 split
 * into its two halves (總言十), 營 as 管 or 譽 (管業稅), 稅 as 脫 (脫額), and the 銷 of 銷售額 lost at
 * a line's start. Each pair is a label the extraction rules look for and a reading that is no word on an
 * invoice; nothing else is touched.
 */
const LABEL_MISREADS: ReadonlyArray<readonly [RegExp, string]> = [
  [/(?<=[總合小德])言十/gu, '計'],
  [/德(?=\s*計)/gu, '總'],
  [/[管譽誉](?=業\s*稅)/gu, '營'],
  [/脫(?=額)/gu, '稅'],
  [/^售額/u, '銷售額'],
];

export function repairLabelMisreads(text: string): string {
  return (
    LABEL_MISREADS.reduce((out, [pattern, label]) => out.replace(pattern, label), text)
      // 賣 and 買 both read as 黃: an e-invoice prints `賣方 … 買方 …` on one row, seller first.
      .replace(/黃方(?=\s*[:：]?\s*\d{8}.*黃方\s*[:：]?\s*\d{8})/u, '賣方')
      .replace(/(?<=賣方\s*[:：]?\s*\d{8}.*)黃方(?=\s*[:：]?\s*\d{8})/u, '買方')
  );
}

/** The page with its text, lines and words in Taiwan Traditional characters, labels repaired. */
export async function pageToTraditional(page: PageText): Promise<PageText> {
  const { toTaiwan } = await openCc();
  const traditional = (text: string) => repairLabelMisreads(keepAlsoTraditional(text, toTaiwan(text)));
  const lines: TextLine[] = page.lines.map((line) => ({
    ...line,
    text: traditional(line.text),
    words: line.words.map((word) => ({ ...word, text: traditional(word.text) })),
  }));
  // rawText stays what the model read, Simplified characters and all.
  return { ...page, text: page.text.split('\n').map(traditional).join('\n'), lines };
}
