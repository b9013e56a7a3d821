/**
 * Pages scanned sideways or upside down. An EXIF tag turns a phone photo upright, but a scanner's TIFF
 * or PDF, or a photo whose tag was stripped, carries none. No sroie-dev receipt turned by a quarter turn
 * kept a single field (mean 0.000): read sideways, PP-OCR finds little and trusts none of it.
 *
 * A page is read as it comes. Only when that reading is weak (mayBeTurned) is it read again turned by
 * 90°, 180° and 270°, and the strongest reading kept if it reads like a document. Measured with PP-OCR
 * on sroie-dev: upright receipts read at a mean word confidence of 0.78 and above (Taiwan invoices 0.68
 * and above), the same receipts turned 90° at 0.70 and below, turned 180° at 0.57 and below. A turned
 * reading replaces the one kept only when it is clearly stronger (TURN_ADVANTAGE), so a page that is
 * upright but hard to read (a faded invoice) keeps its reading; a photo of a scene, which shows few
 * lines either way (MIN_DOCUMENT_LINES), is not tried beyond a quarter turn.
 */
import type { PageText } from '../types.js';
import { PPOCR_ENGINE_NAME } from './ppocr/models.js';

export type QuarterTurn = 0 | 90 | 180 | 270;

/** Mean word confidence below which a page PP-OCR read is also read turned. */
export const MISORIENTED_CONFIDENCE = 0.72;
/**
 * The same for a page tesseract read (`--ocr-engine tesseract`): 12 sroie-dev receipts turned 90° read
 * at 0.37 to 0.49, and 3 of 98 upright ones below 0.5 (at PP-OCR's 0.72, 34 of 98 upright pages would be
 * read four times).
 */
export const TESSERACT_MISORIENTED_CONFIDENCE = 0.5;
/**
 * Reading strength (readingStrength) below which a page is also read turned unless its confidence is
 * SURE_CONFIDENCE: one receipt read sideways gave 11 letters and digits at a mean confidence of 0.77.
 * Upright, sroie-dev receipts give 368 and more, Taiwan invoices 176 and more.
 */
export const WEAK_READING = 100;
/** Mean word confidence at which a page that read little is still taken as upright (a sideways read: 0.70 at most, once 0.77). */
export const SURE_CONFIDENCE = 0.9;
/**
 * Lines a page shows as it came or turned 90° for the other turns to be tried. The 82 site-dev photos show
 * 6 at most (43 none); sideways sroie-dev receipts show 12 or more in one of the two (as they came, as
 * few as 2). Without this, every photo of a scene was read four times (a full run 97 s -> 145 s).
 */
export const MIN_DOCUMENT_LINES = 8;
/** How many times stronger a turned reading must be to replace the reading kept so far. */
export const TURN_ADVANTAGE = 1.5;

/**
 * How much a reading says: its letters and digits, each weighted by its word's confidence. A page read
 * the wrong way up gives few words, mostly confident about nothing.
 */
export function readingStrength(page: PageText): number {
  let strength = 0;
  for (const line of page.lines) {
    for (const word of line.words) strength += word.confidence * (word.text.match(/[\p{L}\p{N}]/gu)?.length ?? 0);
  }
  return strength;
}

/** Whether a reading is weak enough that the page may be turned (see the file comment). */
export function mayBeTurned(page: PageText): boolean {
  // tesseract's confidences run lower, upright and turned alike, and it reads many letters off a
  // turned page: only its confidence tells them apart.
  if (page.engine !== PPOCR_ENGINE_NAME) return page.confidence < TESSERACT_MISORIENTED_CONFIDENCE;
  if (page.confidence < MISORIENTED_CONFIDENCE) return true;
  // A short text read with near certainty (a ticket stub, a label) is upright as it is.
  return readingStrength(page) < WEAK_READING && page.confidence < SURE_CONFIDENCE;
}

function linesRead(page: PageText): number {
  return page.lines.filter((line) => line.words.length > 0).length;
}

export interface UprightReading {
  page: PageText;
  /** Clockwise quarter turn the kept reading was made at. */
  turn: QuarterTurn;
  /** How many times the page was read: 1, or up to 4 when its first reading was weak. */
  reads: number;
}

/**
 * Reads a page as it comes and, when that reading is weak, turned by each other quarter turn; keeps the
 * strongest. `read(turn)` prepares the page turned clockwise by `turn` and reads it.
 */
export async function readUpright(read: (turn: QuarterTurn) => Promise<PageText>): Promise<UprightReading> {
  const first = await read(0);
  let best = { page: first, turn: 0 as QuarterTurn };
  let reads = 1;
  if (!mayBeTurned(first)) return { ...best, reads };
  let bestStrength = readingStrength(first);
  for (const turn of [90, 180, 270] as const) {
    const page = await read(turn);
    reads += 1;
    const strength = readingStrength(page);
    // A turn is kept only for a page it makes read like a document: a scene photo turned on its side
    // reads a stray letter or two more than upright (17 of 82 site-dev photos were turned for that).
    // It must also clearly beat the turn kept so far: tesseract reads a page turned 90° too far (its text
    // running down the page) nearly as well as upright, and was seen to score it a little higher.
    if (strength > bestStrength * TURN_ADVANTAGE && strength >= WEAK_READING) {
      best = { page, turn };
      bestStrength = strength;
    }
    // Few lines as it came and on its side: a photo of a scene, not a turned document; 180° and 270°
    // are not tried. (A sideways receipt may read as almost nothing, sized wrong for its lines, but its
    // lines show when it is turned either way.)
    if (turn === 90 && Math.max(linesRead(first), linesRead(page)) < MIN_DOCUMENT_LINES) break;
  }
  return { ...best, reads };
}
