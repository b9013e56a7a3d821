/**
 * Recognised text regions into the reader-neutral lines of extractors/types.ts.
 *
 * PP-OCR detects segments, not lines: `TOTAL:` and `9.00` on one printed row are two regions. Rows are
 * rebuilt here, as tesseract (page segmentation 6) delivers them, so the receipt rules see `TOTAL: 9.00`
 * on one line whichever engine read the page, along the page's tilt.
 */
import type { BoundingBox, TextLine, TextWord } from '../../types.js';
import { normalizeOcrText } from '../normalize.js';

export interface RecognisedRegion {
  bbox: BoundingBox;
  /** Words as the model read them; normalised here, like tesseract's. */
  words: TextWord[];
  /** dy/dx of the segment's long axis, when the detector measured it (text-regions.ts). */
  slope?: number;
}

/** Where a segment sits across the (tilted) rows. */
interface RowPlacement {
  box: BoundingBox;
  /** Vertical centre moved along the page's slope to x = 0. */
  centre: number;
  /** Half the height of its text. */
  half: number;
}

/** Steeper than this (about 11 degrees) is no page tilt but a stamp or a handwritten note. */
const MAX_PAGE_SLOPE = 0.2;

export function regionsToLines(regions: readonly RecognisedRegion[]): TextLine[] {
  const withText = regions.filter((region) => region.words.length > 0);
  const slope = pageSlope(withText);
  const placed = withText.map((region) => ({ region, ...rowGeometry(region.bbox, slope) }));
  const rows: (typeof placed)[] = [];
  for (const item of [...placed].sort((a, b) => a.centre - b.centre)) {
    const row = rows.find((candidate) => candidate.every((member) => sameRow(member, item)));
    if (row) row.push(item);
    else rows.push([item]);
  }
  return rows.map((row) => toLine(row.map((item) => item.region).sort((a, b) => a.bbox.x0 - b.bbox.x0)));
}

/**
 * The tilt of the page: the median slope of its long segments (a photographed receipt is rarely level;
 * over a 1000 px wide page a 2 degree tilt puts an amount 35 px above its label, a whole row).
 */
function pageSlope(regions: readonly RecognisedRegion[]): number {
  return medianSlope(regions.map((region) => ({ width: region.bbox.x1 - region.bbox.x0, height: region.bbox.y1 - region.bbox.y0, slope: region.slope })));
}

/**
 * The median slope of the segments at least three times as wide as high (a short segment's own slope is
 * noise); 0 when there are none or the median is past MAX_PAGE_SLOPE.
 */
export function medianSlope(segments: ReadonlyArray<{ width: number; height: number; slope: number | undefined }>): number {
  const slopes = segments
    .filter((segment) => segment.slope !== undefined && segment.width >= 3 * segment.height)
    .map((segment) => segment.slope!)
    .sort((a, b) => a - b);
  if (slopes.length === 0) return 0;
  const median = slopes[Math.floor(slopes.length / 2)]!;
  return Math.abs(median) > MAX_PAGE_SLOPE ? 0 : median;
}

/** The placement of one segment along the page's slope (see RowPlacement). */
function rowGeometry(box: BoundingBox, slope: number): RowPlacement {
  const height = box.y1 - box.y0;
  // An upright box around a tilted segment is taller than the text by the tilt over its width.
  const textHeight = Math.max(height - Math.abs(slope) * (box.x1 - box.x0), 0.4 * height);
  return { box, centre: (box.y0 + box.y1) / 2 - slope * ((box.x0 + box.x1) / 2), half: textHeight / 2 };
}

/**
 * Same row: each centre lies within the other's text height (not a mere overlap: tall headers and a
 * small line under them overlap), and the two do not share a column (stacked segments are two rows).
 * Neighbours on one row overlap a little too: the detector grows every segment back by a few pixels,
 * and a narrow one (`(` beside `2.83 UNIT`, 30 px wide) overlapped its neighbour by a third of its
 * width, so `1 * RM 2.83 UNIT (0.17) = RM 2.83` became two rows and the item was read twice. A shared
 * column is an overlap wider than the lower segment is high as well.
 */
function sameRow(a: RowPlacement, b: RowPlacement): boolean {
  const overlapX = Math.min(a.box.x1, b.box.x1) - Math.max(a.box.x0, b.box.x0);
  const lowest = Math.min(a.box.y1 - a.box.y0, b.box.y1 - b.box.y0);
  if (overlapX > 0.25 * Math.min(a.box.x1 - a.box.x0, b.box.x1 - b.box.x0) && overlapX > lowest) return false;
  const distance = Math.abs(a.centre - b.centre);
  return distance <= a.half && distance <= b.half;
}

function toLine(row: readonly RecognisedRegion[]): TextLine {
  const rawWords = row.flatMap((region) => region.words);
  const rawText = rawWords.map((word) => word.text).join(' ');
  const words = rawWords.map((word) => ({ ...word, text: normalizeOcrText(word.text) }));
  return {
    text: normalizeOcrText(rawText),
    rawText,
    confidence: words.reduce((sum, word) => sum + word.confidence, 0) / words.length,
    bbox: {
      x0: Math.min(...row.map((region) => region.bbox.x0)),
      y0: Math.min(...row.map((region) => region.bbox.y0)),
      x1: Math.max(...row.map((region) => region.bbox.x1)),
      y1: Math.max(...row.map((region) => region.bbox.y1)),
    },
    words,
  };
}
