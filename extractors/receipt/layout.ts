/**
 * Layout: turns the reader's lines (OCR lines or ground-truth phrases, any order) into rows in reading
 * order. Receipts put a label on the left and its value far to the right; OCR often returns them as two
 * lines, so lines whose vertical extents overlap enough are merged into one row, left to right.
 */
import type { BoundingBox, PageText, TextLine } from '../types.js';
import { halfWidth, squash } from './text.js';

export interface Segment {
  text: string;
  bbox: BoundingBox;
  confidence: number;
}

export interface Row {
  /** 1-based page number. */
  page: number;
  /** Index of the row in reading order over all pages. */
  index: number;
  /** Segment texts left to right, joined with one space. */
  text: string;
  /** The pieces of the row, left to right. */
  segments: Segment[];
  bbox: BoundingBox;
  /** Mean confidence of the segments. */
  confidence: number;
  /** Page size, for relative positions. */
  pageWidth: number;
  pageHeight: number;
}

export interface LayoutOptions {
  /** Share of the smaller height two lines must overlap vertically to share a row. Default 0.5. */
  minOverlap?: number;
}

function union(a: BoundingBox, b: BoundingBox): BoundingBox {
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

function verticalOverlap(a: BoundingBox, b: BoundingBox): number {
  const overlap = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  const smaller = Math.min(a.y1 - a.y0, b.y1 - b.y0);
  return smaller <= 0 ? 0 : overlap / smaller;
}

function horizontalOverlap(a: BoundingBox, b: BoundingBox): number {
  const overlap = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const smaller = Math.min(a.x1 - a.x0, b.x1 - b.x0);
  return smaller <= 0 ? 0 : overlap / smaller;
}

function lineSegment(line: TextLine): Segment | null {
  const text = squash(halfWidth(line.text));
  if (!text) return null;
  return { text, bbox: line.bbox, confidence: line.confidence };
}

/**
 * Rows of one page. A line joins a row when it overlaps the row's last-added segment vertically by
 * `minOverlap` of the smaller height and does not overlap any of its segments horizontally (two lines
 * stacked closely are different rows even when their boxes touch).
 */
export function pageRows(page: PageText, options: LayoutOptions = {}): Omit<Row, 'index'>[] {
  const minOverlap = options.minOverlap ?? 0.5;
  const segments = page.lines
    .map(lineSegment)
    .filter((s): s is Segment => s !== null)
    .sort((a, b) => (a.bbox.y0 + a.bbox.y1) / 2 - (b.bbox.y0 + b.bbox.y1) / 2);
  const rows: { segments: Segment[]; bbox: BoundingBox }[] = [];
  for (const seg of segments) {
    let best: { row: (typeof rows)[number]; score: number } | null = null;
    // Only the last few rows can be on the same line: segments are sorted by centre.
    for (let i = Math.max(0, rows.length - 4); i < rows.length; i += 1) {
      const row = rows[i]!;
      if (row.segments.some((s) => horizontalOverlap(s.bbox, seg.bbox) > 0.2)) continue;
      const score = Math.max(...row.segments.map((s) => verticalOverlap(s.bbox, seg.bbox)));
      if (score >= minOverlap && (!best || score > best.score)) best = { row, score };
    }
    if (best) {
      best.row.segments.push(seg);
      best.row.bbox = union(best.row.bbox, seg.bbox);
    } else {
      rows.push({ segments: [seg], bbox: { ...seg.bbox } });
    }
  }
  return rows
    .map((row) => {
      const segs = [...row.segments].sort((a, b) => a.bbox.x0 - b.bbox.x0);
      return {
        page: page.pageNo,
        text: segs.map((s) => s.text).join(' '),
        segments: segs,
        bbox: row.bbox,
        confidence: segs.reduce((sum, s) => sum + s.confidence, 0) / segs.length,
        pageWidth: page.width,
        pageHeight: page.height,
      };
    })
    .sort((a, b) => a.bbox.y0 + a.bbox.y1 - (b.bbox.y0 + b.bbox.y1));
}

/** Rows of all pages in reading order (page by page, top to bottom). */
export function buildRows(pages: PageText[], options: LayoutOptions = {}): Row[] {
  const rows: Row[] = [];
  for (const page of [...pages].sort((a, b) => a.pageNo - b.pageNo)) {
    for (const row of pageRows(page, options)) rows.push({ ...row, index: rows.length });
  }
  return rows;
}

/**
 * Splits a row into label and value at a label pattern: `DATE: 25/12/2018`, or `TOTAL` with `9.00`
 * in the right-most segment. Returns the text after the label on the same row.
 */
export function valueAfter(row: Row, label: RegExp): string | null {
  const m = label.exec(row.text);
  if (!m) return null;
  return row.text.slice(m.index + m[0].length).replace(/^[\s:;.=-]+/, '').trim();
}

/** Text of the rows between two indexes (inclusive), one per line. */
export function rowsText(rows: Row[]): string {
  return rows.map((r) => r.text).join('\n');
}
