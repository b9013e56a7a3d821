/**
 * Stage `read`: text per page. PDF pages use their text layer when it holds real text, and are rendered
 * and OCRed when it is empty or garbage (scans, broken encodings); image frames are OCRed. A page OCR
 * reads badly is also read turned by quarter turns, for scans put in sideways (extractors/ocr/upright.ts).
 */
import type { OcrPool } from '../../extractors/ocr/tesseract-pool.js';
import type { PageText } from '../../extractors/types.js';
import { readUpright, type QuarterTurn, type UprightReading } from '../../extractors/ocr/upright.js';
import type { PreparedDocument } from './preprocess.js';

export interface ReadDeps {
  /** The shared OCR pool, created on first use (a run with nothing to OCR starts no worker). */
  ocr: () => Promise<OcrPool>;
  /** Resolution for rendering scanned PDF pages; 300 dpi reads small receipt print well. */
  renderDpi?: number;
  maxImagePixels: number;
}

export interface ReadResult {
  pages: PageText[];
  /** Clockwise quarter turn each page was read at (0 unless it read better turned; always 0 for a text layer). */
  turns: QuarterTurn[];
  /** OCR passes over pages turned a quarter turn, tried because the page read weakly as it came. */
  turnedReads: number;
  pageCount: number;
  /**
   * Which engines produced the text, each page's own joined with '+', e.g. 'pdfjs-text-layer+ppocr v4
   * (onnxruntime)'; stored for a page that does not name its engine.
   */
  engine: string;
}

export async function readPages(prepared: PreparedDocument, deps: ReadDeps): Promise<ReadResult> {
  const pages: PageText[] = [];
  const turns: QuarterTurn[] = [];
  const engines = new Set<string>();
  let turnedReads = 0;
  const keep = ({ page, turn, reads }: UprightReading): void => {
    pages.push(page);
    turns.push(turn);
    turnedReads += reads - 1;
    engines.add(page.engine ?? 'tesseract.js');
  };
  if (prepared.type !== 'pdf') {
    const pool = await deps.ocr();
    for (const [index, frame] of prepared.frames.entries()) {
      keep(
        await readUpright(async (turn) => {
          const image = turn === 0 ? frame : await prepared.turn(index, turn);
          return pool.recognize(image.png, index + 1);
        }),
      );
    }
    return { pages, turns, turnedReads, pageCount: prepared.frames.length, engine: [...engines].join('+') };
  }
  const { pdf } = prepared;
  try {
    for (let pageNo = 1; pageNo <= pdf.pageCount; pageNo++) {
      const layer = await pdf.readTextLayer(pageNo);
      if (layer.quality.usable) {
        const { quality: _quality, ...page } = layer;
        pages.push(page);
        turns.push(0);
        engines.add('pdfjs-text-layer');
        continue;
      }
      const rendered = await pdf.renderPage(pageNo, { dpi: deps.renderDpi ?? 300 });
      const { preprocessImage } = await import('../../extractors/image/preprocess.js');
      const pool = await deps.ocr();
      keep(
        await readUpright(async (turn) => {
          const [frame] = await preprocessImage(rendered.png, { maxInputPixels: deps.maxImagePixels, maxPages: 1, source: `page ${pageNo}`, rotate: turn });
          return pool.recognize(frame!.png, pageNo);
        }),
      );
    }
  } finally {
    await pdf.close();
  }
  return { pages, turns, turnedReads, pageCount: pdf.pageCount, engine: [...engines].join('+') };
}
