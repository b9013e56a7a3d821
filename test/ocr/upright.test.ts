import { readFile } from 'node:fs/promises';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPpOcrPool, type PpOcrPool } from '../../extractors/ocr/ppocr/ppocr-pool.js';
import { PPOCR_ENGINE_NAME } from '../../extractors/ocr/ppocr/models.js';
import { MIN_DOCUMENT_LINES, MISORIENTED_CONFIDENCE, TESSERACT_MISORIENTED_CONFIDENCE, mayBeTurned, readingStrength, readUpright, type QuarterTurn } from '../../extractors/ocr/upright.js';
import type { PageText } from '../../extractors/types.js';
import { preprocess } from '../../pipeline/stages/preprocess.js';
import { readPages } from '../../pipeline/stages/read.js';

/** A page PP-OCR read (or `engine`) whose words are `words` (text and confidence). */
function pageOf(words: Array<[string, number]>, engine = PPOCR_ENGINE_NAME): PageText {
  const box = { x0: 0, y0: 0, x1: 10, y1: 10 };
  const confidence = words.length === 0 ? 0 : words.reduce((sum, [, c]) => sum + c, 0) / words.length;
  return {
    pageNo: 1,
    source: 'ocr',
    text: words.map(([t]) => t).join(' '),
    rawText: words.map(([t]) => t).join(' '),
    confidence,
    width: 100,
    height: 100,
    // One word a line: readUpright counts lines to tell a document from a scene.
    lines: words.map(([text, c]) => ({ text, rawText: text, confidence: c, bbox: box, words: [{ text, confidence: c, bbox: box }] })),
    engine,
  };
}

/** A page of `count` lines of the one word `text`. */
function linesOf(count: number, text: string, confidence: number): PageText {
  return pageOf(Array.from({ length: count }, (): [string, number] => [text, confidence]));
}

const RECEIPT = pageOf(Array.from({ length: 40 }, (_, i): [string, number] => [`SUBTOTAL${i}`, 0.95]));
const SIDEWAYS = pageOf([
  ['Z', 0.8],
  ['S', 0.7],
  ['9', 0.6],
]);
/** A receipt upside down: many lines, read as garbage. */
const UPSIDE_DOWN = linesOf(20, 'x', 0.4);

/** A reader that gives `pages[turn]` (an upside-down reading for a turn not listed) and records the turns asked. */
function readerOf(pages: Partial<Record<QuarterTurn, PageText>>): { read: (turn: QuarterTurn) => Promise<PageText>; turns: QuarterTurn[] } {
  const turns: QuarterTurn[] = [];
  return {
    turns,
    read: async (turn) => {
      turns.push(turn);
      return pages[turn] ?? UPSIDE_DOWN;
    },
  };
}

describe('readUpright', () => {
  it('reads a page that reads well once, as it came', async () => {
    const reader = readerOf({ 0: RECEIPT });
    expect(await readUpright(reader.read)).toEqual({ page: RECEIPT, turn: 0, reads: 1 });
    expect(reader.turns).toEqual([0]);
  });

  it('tries every other quarter turn on a weak reading and keeps the strongest', async () => {
    const reader = readerOf({ 0: SIDEWAYS, 270: RECEIPT });
    expect(await readUpright(reader.read)).toEqual({ page: RECEIPT, turn: 270, reads: 4 });
    expect(reader.turns).toEqual([0, 90, 180, 270]);
  });

  it('keeps a weak page as it came unless a turn reads clearly (1.5x) stronger', async () => {
    const faded = pageOf(Array.from({ length: 12 }, (): [string, number] => ['TOTAL', 0.6]));
    const alsoFaded = pageOf(Array.from({ length: 15 }, (): [string, number] => ['TOTAL', 0.6]));
    expect((await readUpright(readerOf({ 0: faded, 90: alsoFaded }).read)).turn).toBe(0);
  });

  it('stops at a quarter turn when a page shows few lines either way, and keeps no turn that does not read like a document', async () => {
    const scene = readerOf({ 0: pageOf([]), 90: linesOf(MIN_DOCUMENT_LINES - 1, 'EXIT', 0.5) });
    expect(await readUpright(scene.read)).toMatchObject({ turn: 0, reads: 2 });
    expect(scene.turns).toEqual([0, 90]);
    // A sideways receipt can read as almost nothing as it came (sized wrong for its lines); turned 90°
    // it is upside down, many lines of garbage; turned 270° it reads.
    const blank = readerOf({ 0: pageOf([]), 90: linesOf(MIN_DOCUMENT_LINES, 'x', 0.4), 270: RECEIPT });
    expect((await readUpright(blank.read)).turn).toBe(270);
    expect(blank.turns).toEqual([0, 90, 180, 270]);
    // A busy scene (a shop front) turned reads a few stray letters more: 1.5x stronger, still no document.
    const street = readerOf({ 0: linesOf(MIN_DOCUMENT_LINES, 'X', 0.4), 90: linesOf(MIN_DOCUMENT_LINES, 'X', 0.3), 180: linesOf(MIN_DOCUMENT_LINES, 'EXIT', 0.6) });
    expect((await readUpright(street.read)).turn).toBe(0);
    expect(street.turns).toEqual([0, 90, 180, 270]);
  });

  it('counts letters and digits by confidence, and calls a page weak by confidence or by how little it read', () => {
    expect(readingStrength(pageOf([['RM12.50', 0.5]]))).toBe(3); // R M 1 2 5 0 at 0.5: the point does not count
    expect(mayBeTurned(RECEIPT)).toBe(false);
    expect(mayBeTurned(SIDEWAYS)).toBe(true); // 0.7 confident, but only 3 characters
    expect(mayBeTurned(pageOf(Array.from({ length: 60 }, (): [string, number] => ['WORD', MISORIENTED_CONFIDENCE - 0.05])))).toBe(true);
    // A short label read with near certainty is upright: no page is read four times for two words.
    expect(mayBeTurned(pageOf([['SPACES', 0.97], ['OK', 0.99]]))).toBe(false);
  });

  it('holds a page tesseract read to its own, lower, confidence scale', () => {
    const words = (confidence: number) => Array.from({ length: 60 }, (): [string, number] => ['WORD', confidence]);
    expect(mayBeTurned(pageOf(words(0.6), 'tesseract.js eng'))).toBe(false);
    expect(mayBeTurned(pageOf(words(TESSERACT_MISORIENTED_CONFIDENCE - 0.05), 'tesseract.js eng'))).toBe(true);
    // The plain tesseract pool names no engine on its pages.
    expect(mayBeTurned({ ...pageOf(words(0.6)), engine: undefined })).toBe(false);
    expect(mayBeTurned(pageOf(words(0.6)))).toBe(true); // the same page from PP-OCR is weak
  });
});

describe('a receipt scanned sideways, through the preprocess and read stages with PP-OCR', () => {
  let pool: PpOcrPool;
  let sideways: Buffer;

  beforeAll(async () => {
    pool = await createPpOcrPool({ size: 1 });
    // The sample photo turned upright by its EXIF tag, then a quarter turn more, saved without EXIF:
    // what a scanner gives for a receipt laid in sideways.
    const photo = await readFile(new URL('../../samples/documents/receipt-en-photo.jpg', import.meta.url));
    const upright = await sharp(photo).rotate().toBuffer();
    sideways = await sharp(upright).rotate(90).jpeg({ quality: 92 }).toBuffer();
    expect((await sharp(sideways).metadata()).orientation).toBeUndefined();
  }, 60_000);

  afterAll(async () => {
    await pool?.terminate();
  });

  it('reads it turned the right way: vendor, invoice number and total', async () => {
    const config = { maxPages: 10, maxImageMegapixels: 100, pdfPasswords: [] };
    const prepared = await preprocess(sideways, 'sideways.jpg', config);
    if (prepared.type === 'pdf') throw new Error('an image was taken for a PDF');
    // As it came, the page reads weakly: this is what the turn is for.
    const asItCame = await pool.recognize(prepared.frames[0]!.png, 1);
    expect(mayBeTurned(asItCame)).toBe(true);
    expect(asItCame.text).not.toContain('KEDAI SAMPEL');

    const { pages, engine } = await readPages(prepared, { ocr: async () => pool, maxImagePixels: 100_000_000 });
    expect(pages).toHaveLength(1);
    // The document names the engine that read it (it said tesseract.js for every OCRed page).
    expect(engine).toBe(PPOCR_ENGINE_NAME);
    expect(pages[0]!.text).toContain('KEDAI SAMPEL MAJU');
    expect(pages[0]!.text).toContain('CS24031400871');
    expect(pages[0]!.height).toBeGreaterThan(pages[0]!.width); // a till receipt is taller than wide
  }, 60_000);

  it('reads a scanned PDF page that lies on its side turned the right way', async () => {
    // An image-only PDF, as a scanner makes one: no text layer, the receipt on its side.
    const pdf = await PDFDocument.create();
    const image = await pdf.embedJpg(sideways);
    pdf.addPage([image.width * 0.36, image.height * 0.36]).drawImage(image, { x: 0, y: 0, width: image.width * 0.36, height: image.height * 0.36 });
    const prepared = await preprocess(Buffer.from(await pdf.save()), 'sideways.pdf', { maxPages: 10, maxImageMegapixels: 100, pdfPasswords: [] });
    expect(prepared.type).toBe('pdf');
    const { pages, turns, engine } = await readPages(prepared, { ocr: async () => pool, maxImagePixels: 100_000_000 });
    expect(pages[0]!.source).toBe('ocr');
    expect(engine).toBe(PPOCR_ENGINE_NAME);
    expect(turns[0]).not.toBe(0);
    expect(pages[0]!.text).toContain('KEDAI SAMPEL MAJU');
  }, 60_000);
});
