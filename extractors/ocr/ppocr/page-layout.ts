/**
 * Recognised text regions into the reader-neutral lines of extractors/types.ts.
 *
 * PP-OCR detects segments, not lines: `TOTAL:` and `9.00` on one printed row are two regions. Rows are
 * rebuilt here, as tesseract (page segmentation 6) delivers them, so the receipt rules see `TOTAL: 9.00`
 * on one line whichever engine read the page. Two regions share a row when each one's vertical middle
 * lies inside the other's extent (not a mere overlap: tall headers and a small line under them overlap).
 */
import type { BoundingBox, TextLine, TextWord } from '../../types.js';
import { normalizeOcrText } from '../normalize.js';

export interface RecognisedRegion {
  bbox: BoundingBox;
  /** Words as the model read them; normalised here, like tesseract's. */
  words: TextWord[];
}

export function regionsToLines(regions: readonly RecognisedRegion[]): TextLine[] {
  const withText = regions.filter((region) => region.words.length > 0);
  const rows: RecognisedRegion[][] = [];
  for (const region of [...withText].sort((a, b) => middle(a.bbox) - middle(b.bbox))) {
    const row = rows.find((candidate) => candidate.every((member) => sameRow(member.bbox, region.bbox)));
    if (row) row.push(region);
    else rows.push([region]);
  }
  return rows
    .map((row) => toLine(row.sort((a, b) => a.bbox.x0 - b.bbox.x0)))
    .sort((a, b) => a.bbox.y0 - b.bbox.y0 || a.bbox.x0 - b.bbox.x0);
}

function middle(box: BoundingBox): number {
  return (box.y0 + box.y1) / 2;
}

function sameRow(a: BoundingBox, b: BoundingBox): boolean {
  const overlapsInX = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 0.25 * Math.min(a.x1 - a.x0, b.x1 - b.x0);
  // Two regions stacked in one column are two rows even when the detector drew them touching.
  if (overlapsInX) return false;
  return middle(a) >= b.y0 && middle(a) <= b.y1 && middle(b) >= a.y0 && middle(b) <= a.y1;
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
