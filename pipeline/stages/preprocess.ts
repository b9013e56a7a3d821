/**
 * Stage `preprocess`: decides the file type from its content and prepares it for reading: images are
 * oriented, cleaned and scaled with sharp (one frame per TIFF page); PDFs are opened (passwords tried)
 * and checked against the page cap.
 */
import type { PreprocessedImage } from '../../extractors/image/preprocess.js';
import type { PdfDocument } from '../../extractors/pdf/pdf-reader.js';
import type { Config } from '../config.js';
import { detectFileType, mimeOf, type FileType } from '../detect-type.js';
import { DocintelError } from '../errors.js';

export type PreparedDocument =
  | {
      type: Exclude<FileType, 'pdf'>;
      mime: string;
      frames: PreprocessedImage[];
      /** Frame `frame` prepared again, turned clockwise by `degrees` (a page scanned sideways; extractors/ocr/upright.ts). */
      turn: (frame: number, degrees: 90 | 180 | 270) => Promise<PreprocessedImage>;
    }
  | { type: 'pdf'; mime: string; pdf: PdfDocument };

export type PreprocessConfig = Pick<Config, 'maxPages' | 'maxImageMegapixels' | 'pdfPasswords'>;

export async function preprocess(bytes: Buffer, path: string, config: PreprocessConfig): Promise<PreparedDocument> {
  const type = detectFileType(bytes.subarray(0, 4096));
  if (!type) {
    throw new DocintelError('UNSUPPORTED_TYPE', `${path} is not a JPEG, PNG, TIFF, WebP, HEIC or PDF file (judged by its content)`, {
      hint: 'Convert it to PDF or an image; a file whose extension lies about its content is judged by its content.',
      details: { head: bytes.subarray(0, 16).toString('hex') },
    });
  }
  const mime = mimeOf(type);
  if (type === 'pdf') {
    const { openPdf } = await import('../../extractors/pdf/pdf-reader.js');
    // pdf.js may transfer (detach) the buffer it is given: hand it a copy, never the caller's bytes.
    const pdf = await openPdf(new Uint8Array(bytes), { passwords: config.pdfPasswords, maxPages: config.maxPages, source: path });
    return { type, mime, pdf };
  }
  const { preprocessImage } = await import('../../extractors/image/preprocess.js');
  const options = { maxInputPixels: config.maxImageMegapixels * 1_000_000, maxPages: config.maxPages, source: path };
  // preprocessImage enforces maxPages (TOO_MANY_PAGES) before decoding any frame.
  const frames = await preprocessImage(bytes, options);
  // Kept: the read stage prepares a turned frame to read it, and QR decoding and the model ask for the
  // same frame again.
  const turned = new Map<string, Promise<PreprocessedImage>>();
  const turn = (frame: number, degrees: 90 | 180 | 270): Promise<PreprocessedImage> => {
    const key = `${frame}:${degrees}`;
    let image = turned.get(key);
    if (!image) {
      image = preprocessImage(bytes, { ...options, frame, rotate: degrees }).then((images) => images[0]!);
      turned.set(key, image);
    }
    return image;
  };
  return { type, mime, frames, turn };
}
