/**
 * Shapes shared between the readers (OCR, PDF text layer) and the extractors. Coordinates are pixels of
 * the page image the reader worked on (for a PDF text layer: points at 72 dpi of the rotated page), with
 * the origin top-left, so every later stage can reason about layout the same way.
 */
export interface BoundingBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface TextWord {
  text: string;
  /** 0..1; 1 for a PDF text layer. */
  confidence: number;
  bbox: BoundingBox;
}

export interface TextLine {
  /** Normalised text (see extractors/ocr/normalize.ts). */
  text: string;
  /** Text exactly as the reader produced it. */
  rawText: string;
  /** 0..1 */
  confidence: number;
  bbox: BoundingBox;
  words: TextWord[];
}

export type PageSource = 'text-layer' | 'ocr';

export interface PageText {
  /** 1-based page number within the document. */
  pageNo: number;
  source: PageSource;
  /** Normalised full text, lines separated by \n. */
  text: string;
  /** Raw text as produced by the reader. */
  rawText: string;
  /** Mean confidence 0..1 (1 for a text layer). */
  confidence: number;
  width: number;
  height: number;
  lines: TextLine[];
  /**
   * What read this page when the reader knows more than the document's engine, e.g.
   * `tesseract.js eng` or `tesseract.js eng+chi_tra` (adaptive-ocr.ts chooses languages per page).
   */
  engine?: string;
}
