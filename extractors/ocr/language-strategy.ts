/**
 * Which OCR languages a page needs, decided from a read with the first language alone. Pure functions;
 * adaptive-ocr.ts applies them.
 *
 * Why: with `eng+chi_tra` tesseract tries chi_tra on every word English reads with less than full
 * certainty, and on receipts that is most numbers and codes. Reading an English receipt with both
 * languages costs 1.7-1.9x an English-only read for the same text (SROIE: 734 vs 442 ms per page,
 * CER 0.155 vs 0.161; 100 receipts 62 s vs 33 s on 2 cores). So a page is read with the first language,
 * and with all of them only where that read shows text the first language cannot read.
 *
 * The signals, measured on an English-only read (eng, best_int data, page segmentation 6):
 * - Pages that are mostly Chinese: page confidence 0.23-0.44 and 57-91% of words under 0.5 on the
 *   eight tw-dev photos and the generated 電子發票; English SROIE receipts score 0.43-0.95 (7 of 100
 *   under 0.6) and at most 63% low words. A page under PAGE_CONFIDENCE_FLOOR, or with at least
 *   LOW_WORD_SHARE_CEILING of its words under LOW_WORD_CONFIDENCE, is read again with all languages.
 * - One Chinese line on an English page (a vendor name, an item): English reads it as garbage with a
 *   line confidence of 0-0.1, while the rest of the page stays above 0.9. Such lines (under
 *   SUSPECT_LINE_CONFIDENCE) are re-read alone with the other languages first and replaced when the
 *   new reading is mostly script the first language does not write, and confident (isBetterLine). English receipts also have
 *   such lines (logos, barcodes, smudges: 63 of 100 SROIE pages have one, 12 have three or more), which
 *   is why only those lines are re-read, not the page.
 */
import type { PageText, TextLine } from '../types.js';

/** `auto`: first language, others where needed (above). `all`: every language on every page. */
export type OcrLanguageMode = 'auto' | 'all';

/** Under this page confidence the first-language read is not trusted and the page is read with all. */
export const PAGE_CONFIDENCE_FLOOR = 0.6;
/** A word under this confidence counts as low. */
export const LOW_WORD_CONFIDENCE = 0.5;
/** At or above this share of low words the page is read with all languages. */
export const LOW_WORD_SHARE_CEILING = 0.5;
/** A line under this confidence (first language only) is re-read with all languages. */
export const SUSPECT_LINE_CONFIDENCE = 0.15;
/** More suspect lines than this: one page read with all languages is cheaper than many line reads. */
export const MAX_SUSPECT_LINES = 8;
/** A page holding at least this many letters of another script needed the other languages. */
export const NEEDED_FOREIGN_LETTERS = 10;
/** How many recent pages the reader remembers to choose how to start the next one. */
export const RECENT_PAGES = 8;
/**
 * Start a page with all languages when at least this share of the recent pages needed them. Reading
 * first-language-first costs E + p*A per page (p: share of pages that need all languages, E and A the
 * cost of a first-language and an all-language read); starting with all costs A. With E/A about 0.6
 * (SROIE: 442 vs 734 ms; tw-dev: 0.5-0.7) first-language-first wins while p < 1 - E/A, about 0.4.
 */
export const DIRECT_SHARE = 0.4;

/**
 * The reader's memory of recent pages: whether each needed a read with all languages (it held the other
 * script, or the first language read it poorly). A folder of Chinese invoices or of site photos is read
 * with all languages straight away after its first pages, a folder of English receipts with English
 * first, and a mixed folder by its mix.
 */
export class RecentPages {
  private readonly needed: boolean[] = [];

  record(neededOtherLanguages: boolean): void {
    this.needed.push(neededOtherLanguages);
    if (this.needed.length > RECENT_PAGES) this.needed.shift();
  }

  /** Whether the next page should skip the first-language read. */
  startWithAll(): boolean {
    if (this.needed.length === 0) return false;
    return this.needed.filter(Boolean).length / this.needed.length >= DIRECT_SHARE;
  }
}

/** The script each supported language writes; letters outside it are "foreign" to that language. */
const LANGUAGE_SCRIPT: Record<string, RegExp> = {
  eng: /\p{Script=Latin}/u,
  chi_tra: /\p{Script=Han}/u,
  chi_sim: /\p{Script=Han}/u,
};

/** True when the first-language read of a page is too poor to keep (see the module comment). */
export function pageNeedsAllLanguages(page: PageText): boolean {
  if (page.lines.length === 0) return false;
  if (page.confidence < PAGE_CONFIDENCE_FLOOR) return true;
  const words = page.lines.flatMap((line) => line.words);
  if (words.length === 0) return false;
  const low = words.filter((word) => word.confidence < LOW_WORD_CONFIDENCE).length;
  return low / words.length >= LOW_WORD_SHARE_CEILING;
}

/** Indexes of lines that read as garbage in the first language: candidates for another script. */
export function suspectLines(page: PageText): number[] {
  const suspects: number[] = [];
  page.lines.forEach((line, index) => {
    // One character is too little to tell a Han glyph from a speck or a rule.
    if (line.confidence < SUSPECT_LINE_CONFIDENCE && line.text.replace(/\s/gu, '').length >= 2) suspects.push(index);
  });
  return suspects;
}

/**
 * Han characters that are single strokes: what a model that knows Han makes of dashes, rules and bars
 * (a dotted separator line comes back as `一一一一一`). They prove nothing about the script of a line.
 */
const STROKE_LOOKALIKES = new Set(['一', '丨', '丶', '丿', '乀', '乁']);

/** Letters in `text` that `language` does not write (e.g. Han characters for eng), stroke look-alikes aside. */
export function foreignLetterCount(text: string, language: string): number {
  const own = LANGUAGE_SCRIPT[language];
  let count = 0;
  for (const char of text) {
    if (!/\p{L}/u.test(char) || STROKE_LOOKALIKES.has(char)) continue;
    // A language we know no script for: every letter is its own, so nothing is foreign.
    if (own !== undefined && !own.test(char)) count += 1;
  }
  return count;
}

/**
 * A re-read line must be this confident to replace the first reading. Measured on re-reads with
 * chi_tra first: real Han lines (generated receipts, the generated 電子發票) came back at 0.89-0.95;
 * logos, barcodes and smudges on SROIE receipts at 0.00-0.54, often as a few stray Han characters.
 */
export const REPLACEMENT_MIN_CONFIDENCE = 0.7;

/** Whether `replacement` (read with the other languages) should take the place of `original`. */
export function isBetterLine(original: TextLine, replacement: TextLine, primaryLanguage: string): boolean {
  const letters = [...replacement.text].filter((char) => /\p{L}/u.test(char)).length;
  const foreign = foreignLetterCount(replacement.text, primaryLanguage);
  return (
    // Two foreign letters at least: one stray character is what smudges come back as.
    foreign >= 2 &&
    // Mostly the other script: a line of Latin garbage with one stray Han character is not a Han line.
    foreign * 2 >= letters &&
    replacement.confidence >= REPLACEMENT_MIN_CONFIDENCE &&
    replacement.confidence > original.confidence
  );
}

/** Mean word confidence, as tesseract computes a page's; used after lines were replaced. */
export function meanWordConfidence(lines: readonly TextLine[]): number {
  const words = lines.flatMap((line) => line.words);
  if (words.length === 0) return 0;
  return words.reduce((sum, word) => sum + word.confidence, 0) / words.length;
}
