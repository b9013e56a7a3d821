/**
 * Stage `read`: text per page. PDF pages use their text layer when it holds real text, and are rendered
 * and OCRed when it is empty or garbage (scans, broken encodings); image frames are OCRed.
 */
import type { OcrPool } from '../../extractors/ocr/tesseract-pool.js';
import type { PageText } from '../../extractors/types.js';
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
  pageCount: number;
  /** Which engines produced the text, e.g. 'pdfjs-text-layer+tesseract.js'. */
  engine: string;
}

export async function readPages(prepared: PreparedDocument, deps: ReadDeps): Promise<ReadResult> {
  const pages: PageText[] = [];
  const engines = new Set<string>();
  if (prepared.type !== 'pdf') {
    const pool = await deps.ocr();
    for (const [index, frame] of prepared.frames.entries()) {
      pages.push(await pool.recognize(frame.png, index + 1));
    }
    engines.add('tesseract.js');
    return { pages, pageCount: prepared.frames.length, engine: [...engines].join('+') };
  }
  const { pdf } = prepared;
  try {
    for (let pageNo = 1; pageNo <= pdf.pageCount; pageNo++) {
      const layer = await pdf.readTextLayer(pageNo);
      if (layer.quality.usable) {
        const { quality: _quality, ...page } = layer;
        pages.push(page);
        engines.add('pdfjs-text-layer');
        continue;
      }
      const rendered = await pdf.renderPage(pageNo, { dpi: deps.renderDpi ?? 300 });
      const { preprocessImage } = await import('../../extractors/image/preprocess.js');
      const [frame] = await preprocessImage(rendered.png, { maxInputPixels: deps.maxImagePixels, maxPages: 1, source: `page ${pageNo}` });
      const pool = await deps.ocr();
      pages.push(await pool.recognize(frame!.png, pageNo));
      engines.add('tesseract.js');
    }
  } finally {
    await pdf.close();
  }
  return { pages, pageCount: pdf.pageCount, engine: [...engines].join('+') };
}
