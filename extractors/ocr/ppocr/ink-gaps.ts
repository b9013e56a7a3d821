/**
 * Whether a comma is followed by a space, measured in the pixels instead of asked of the model.
 *
 * PP-OCR's space class is a good word-break signal between letters (ctc.ts) but close to chance right
 * after a comma: `NO 37,JALAN MANIS 7,TAMAN` from a print that clearly reads `NO 37, JALAN MANIS 7,
 * TAMAN`. The print itself answers it: the blank columns between the comma's ink and the next glyph's are
 * a letter gap (narrow) or a letter gap plus a space (wide). Compared with the line's height, which the
 * crop fixes at 48 px, so the same measure holds for every font size.
 */
import type { DecodedCharacter } from './ctc.js';

/**
 * A blank run after a comma at least this many crop heights wide holds a space. On the sroie-dev
 * receipts the gaps after commas fall in two groups, up to 0.13 (`TAMPOI,81200`, printed tight) and from
 * 0.5 (`JEJAKA, TAMAN`), with a few between; address exact accuracy was 0.46 at 0.12, 0.50 at 0.15 and
 * 0.49 at 0.18 (0.48 with the model's own space signal). Measured again with the comma's own ink found
 * (lowMarkColumns): 0.64 at 0.15 and 0.63 at 0.22; half the line's character pitch instead, 0.62. And
 * in the line's own rows (lineBand): 0.65 at 0.15, 0.63 at 0.24; as a share of the band's height
 * instead of the crop's, 0.65 at 0.24 and 0.62 at 0.3; half the character pitch, 0.65, 0.6 of it, 0.62.
 * Tight prints measure up to about 0.23 (`67,JLN`, `9/1,D'sara`, and `K3-113,JL`, whose key has the
 * space this threshold now reads), spaced ones from about 0.13: fonts differ, and no one threshold
 * separates them.
 */
export const COMMA_SPACE_GAP = 0.15;

/**
 * Sets `spaceAfter` of the commas in `chars` (not those of thousands, nor before Chinese) from the ink
 * of `pixels` (the crop the model read, `width` × `height`, 8-bit grey, dark text on light): 1 when a
 * space follows, 0 when the next glyph follows at letter spacing. A comma whose ink cannot be found
 * keeps the model's value.
 */
export function spaceCommasByInk(chars: DecodedCharacter[], pixels: Uint8Array, width: number, height: number, steps: number): void {
  if (!chars.some((c) => c.char === ',' || c.char === '.')) return;
  // Only the line's own rows: a crop of a tilted or tightly set line takes in the descenders of the line
  // above and the tops of the one below, which fill the blank after a comma (`28,JALAN` for `28, JALAN`).
  const band = lineBand(pixels, width, height);
  const rows = pixels.subarray(band.top * width, (band.bottom + 1) * width);
  const extents = columnExtents(rows, width, band.bottom - band.top + 1);
  const ink = inkOf(extents, width);
  const lowMarks = lowMarksOf(extents, width);
  const stepWidth = width / steps;
  for (let i = 0; i < chars.length - 1; i += 1) {
    const char = chars[i]!;
    const before = chars[i - 1]?.char ?? '';
    const after = chars[i + 1]!.char;
    // Thousands (`1,234`) and Chinese text keep the model's reading: neither takes a space.
    // A point between a number and a word is the comma of a thermal print read as a point
    // (`33.JALAN`), which the address rules make a comma again; other points keep the model's spacing.
    const commaLike = char.char === ',' || (char.char === '.' && /\d/.test(before) && /[A-Za-z]/.test(after));
    if (!commaLike || after === ' ' || (/\d/.test(before) && /\d/.test(after)) || /\p{Script=Han}/u.test(after)) continue;
    const gap = gapAfter(ink, Math.round((char.step + 0.5) * stepWidth), Math.round(stepWidth * 1.5), lowMarks);
    if (gap === null) continue;
    char.spaceAfter = gap >= COMMA_SPACE_GAP * height ? 1 : 0;
  }
}

/**
 * The grey level under which a pixel is ink: the middle of the crop's dark (2nd percentile) and light
 * (90th) levels; null for a crop too flat to hold print.
 */
function inkThreshold(pixels: Uint8Array): number | null {
  // Percentiles from a histogram: a line crop is up to 150 000 pixels, and this runs twice for each
  // line with a comma.
  const histogram = new Uint32Array(256);
  for (const value of pixels) histogram[value]! += 1;
  const level = (rank: number): number => {
    let seen = 0;
    for (let value = 0; value < 256; value += 1) {
      seen += histogram[value]!;
      if (seen > rank) return value;
    }
    return 255;
  };
  const dark = level(Math.floor(pixels.length * 0.02));
  const light = level(Math.floor(pixels.length * 0.9));
  return light - dark < 40 ? null : (dark + light) / 2;
}

/**
 * The rows of the line a crop was made for: from its middle row up and down to the first row nearly
 * free of ink (under 2% of the inkiest row's count), or to the crop's edge. The print of the lines
 * above and below, where the crop takes some in, lies beyond those blank rows.
 */
export function lineBand(pixels: Uint8Array, width: number, height: number): { top: number; bottom: number } {
  const whole = { top: 0, bottom: height - 1 };
  const threshold = inkThreshold(pixels);
  if (threshold === null) return whole;
  const counts = new Array<number>(height).fill(0);
  for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) if (pixels[y * width + x]! < threshold) counts[y]! += 1;
  const valley = Math.max(1, 0.02 * Math.max(...counts));
  const middle = Math.floor(height / 2);
  let top = middle;
  while (top > 0 && counts[top - 1]! > valley) top -= 1;
  let bottom = middle;
  while (bottom < height - 1 && counts[bottom + 1]! > valley) bottom += 1;
  // A middle row that is itself blank (a crop off the line) tells nothing: measure the whole crop.
  return counts[middle]! <= valley ? whole : { top, bottom };
}

/** Per column of a crop, the first and last row holding ink (inkThreshold), -1 for a blank column. */
interface ColumnExtents {
  top: Int32Array;
  bottom: Int32Array;
}

/** The ink of each column, in one pass; null for a crop too flat to hold print. */
function columnExtents(pixels: Uint8Array, width: number, height: number): ColumnExtents | null {
  const threshold = inkThreshold(pixels);
  if (threshold === null) return null;
  const top = new Int32Array(width).fill(-1);
  const bottom = new Int32Array(width).fill(-1);
  for (let x = 0; x < width; x += 1) {
    for (let y = 0; y < height; y += 1) {
      if (pixels[y * width + x]! < threshold) {
        if (top[x]! < 0) top[x] = y;
        bottom[x] = y;
      }
    }
  }
  return { top, bottom };
}

function inkOf(extents: ColumnExtents | null, width: number): boolean[] {
  return extents ? Array.from(extents.top, (top) => top >= 0) : new Array<boolean>(width).fill(false);
}

/**
 * Per column, whether it holds ink only in the lower part of the line: the marks of a comma or a point.
 * The line's text band runs from the 10th percentile of the columns' topmost ink to the 90th of their
 * lowest; a column whose topmost ink is below the band's middle holds a low mark.
 */
function lowMarksOf(extents: ColumnExtents | null, width: number): boolean[] {
  const low: boolean[] = new Array<boolean>(width).fill(false);
  if (!extents) return low;
  const tops = [...extents.top].filter((y) => y >= 0).sort((a, b) => a - b);
  const bottoms = [...extents.bottom].filter((y) => y >= 0).sort((a, b) => a - b);
  if (tops.length === 0) return low;
  const middle = (tops[Math.floor(tops.length * 0.1)]! + bottoms[Math.floor(bottoms.length * 0.9)]!) / 2;
  for (let x = 0; x < width; x += 1) low[x] = extents.top[x]! >= 0 && extents.top[x]! > middle;
  return low;
}

/** Per column, whether it holds ink (inkThreshold). */
export function inkColumns(pixels: Uint8Array, width: number, height: number): boolean[] {
  return inkOf(columnExtents(pixels, width, height), width);
}

/** Per column, whether it holds a low mark (lowMarksOf). */
export function lowMarkColumns(pixels: Uint8Array, width: number, height: number): boolean[] {
  return lowMarksOf(columnExtents(pixels, width, height), width);
}

/**
 * Width of the blank run that follows the ink run nearest to column `at` (within `reach`, the left one
 * on a tie), or null when no ink lies there or nothing follows it. With `lowMarks`, a run of low marks
 * (a comma's ink) within reach is taken before any nearer run: a comma read a step late sits nearer
 * the letter before it (`B,` of `1851-B, JALAN`), whose gap is no word space.
 */
export function gapAfter(ink: readonly boolean[], at: number, reach: number, lowMarks?: readonly boolean[]): number | null {
  if (lowMarks) {
    const gap = gapAfterLowMark(ink, lowMarks, at, reach);
    if (gap !== undefined) return gap;
  }
  let start = -1;
  for (let d = 0; d <= reach; d += 1) {
    // Left first: CTC emits a glyph at or after its middle, so the comma's ink is rather to the left.
    if (ink[at - d]) {
      start = at - d;
      break;
    }
    if (ink[at + d]) {
      start = at + d;
      break;
    }
  }
  if (start < 0) return null;
  let end = start;
  while (end + 1 < ink.length && ink[end + 1]) end += 1;
  let next = end + 1;
  while (next < ink.length && !ink[next]) next += 1;
  if (next >= ink.length) return null;
  return next - end - 1;
}

/** The gap after the run of low-mark ink nearest `at` within `reach` (undefined when there is none). */
function gapAfterLowMark(ink: readonly boolean[], lowMarks: readonly boolean[], at: number, reach: number): number | null | undefined {
  for (let d = 0; d <= reach; d += 1) {
    for (const x of [at - d, at + d]) {
      if (x < 0 || x >= ink.length || !ink[x]) continue;
      // The whole ink run around x must be low: a comma touching a letter is part of the letter's run.
      let from = x;
      while (from > 0 && ink[from - 1]) from -= 1;
      let to = x;
      while (to + 1 < ink.length && ink[to + 1]) to += 1;
      let allLow = true;
      for (let c = from; c <= to && allLow; c += 1) allLow = lowMarks[c]!;
      if (!allLow) continue;
      let next = to + 1;
      while (next < ink.length && !ink[next]) next += 1;
      return next >= ink.length ? null : next - to - 1;
    }
  }
  return undefined;
}
