/**
 * The pdf.js reader on real-world PDFs (the pdf.js bug-report files in ../shared/data/pdfs-dev, used by
 * path and never copied) and on PDFs generated here with pdf-lib, whose words sit at known places.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PDFDocument, StandardFonts, degrees, type PDFFont, type PDFPage } from 'pdf-lib';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { assessTextLayer, openPdf, type PdfDocument, type PdfPageText } from '../../extractors/pdf/pdf-reader.js';
import type { BoundingBox, TextWord } from '../../extractors/types.js';
import { DocintelError } from '../../pipeline/errors.js';

const DEV_DIR = process.env.DOCINTEL_PDFS_DEV ?? fileURLToPath(new URL('../../../shared/data/pdfs-dev/', import.meta.url));
const HAVE_DEV = existsSync(DEV_DIR);
if (!HAVE_DEV) {
  console.warn(`[test/pdf] ${DEV_DIR} is missing: the real-PDF cases are skipped (set DOCINTEL_PDFS_DEV to point elsewhere).`);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const open: PdfDocument[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((doc) => doc.close()));
});

async function openTracked(bytes: Uint8Array, options: Parameters<typeof openPdf>[1] = {}): Promise<PdfDocument> {
  const doc = await openPdf(bytes, options);
  open.push(doc);
  return doc;
}

function devFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${DEV_DIR}/${name}.pdf`));
}

async function rejection(promise: Promise<unknown>): Promise<DocintelError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DocintelError);
    return error as DocintelError;
  }
  throw new Error('expected a rejection');
}

function findWord(page: PdfPageText, text: string): TextWord {
  const word = page.lines.flatMap((line) => line.words).find((w) => w.text === text);
  if (!word) throw new Error(`no word "${text}" on page ${page.pageNo}; lines: ${page.lines.map((l) => l.text).join(' | ')}`);
  return word;
}

/** Share of dark pixels inside a box (points) of a page rendered at `dpi`: ink under a word's box. */
async function inkIn(png: Buffer, box: BoundingBox, dpi: number): Promise<number> {
  const scale = dpi / 72;
  const meta = await sharp(png).metadata();
  const left = Math.max(0, Math.floor(box.x0 * scale));
  const top = Math.max(0, Math.floor(box.y0 * scale));
  const width = Math.min((meta.width ?? 0) - left, Math.ceil((box.x1 - box.x0) * scale));
  const height = Math.min((meta.height ?? 0) - top, Math.ceil((box.y1 - box.y0) * scale));
  const { data, info } = await sharp(png).extract({ left, top, width, height }).greyscale().raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  for (const value of data) if (value < 128) dark++;
  return dark / (info.width * info.height);
}

describe.skipIf(!HAVE_DEV)('pdfs-dev: real-world PDFs', () => {
  it('issue7229 (scanned, no text layer): quality unusable, both pages render with ink', async () => {
    const doc = await openTracked(devFile('issue7229'), { source: 'issue7229.pdf' });
    expect(doc.pageCount).toBe(2);
    expect(doc.encrypted).toBe(false);
    for (const pageNo of [1, 2]) {
      const layer = await doc.readTextLayer(pageNo);
      expect(layer.source).toBe('text-layer');
      expect(layer.lines).toEqual([]);
      expect(layer.quality).toMatchObject({ usable: false, reason: 'empty', charCount: 0 });
      const rendered = await doc.renderPage(pageNo, { dpi: 72 });
      expect(rendered.png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(rendered).toMatchObject({ width: 596, height: 842, dpi: 72 });
      const stats = await sharp(rendered.png).stats();
      // A blank (failed) render would be uniformly white.
      expect(stats.channels[0]!.min).toBeLessThan(100);
      expect(stats.isOpaque).toBe(true);
    }
  });

  it('issue14415 (OCR layer, page rotated 180): text reads upright, in order, with boxes over the ink', async () => {
    const doc = await openTracked(devFile('issue14415'));
    const page = await doc.readTextLayer(1);
    expect(page).toMatchObject({ pageNo: 1, source: 'text-layer', confidence: 1, width: 612, height: 792 });
    expect(page.quality.usable).toBe(true);
    const lines = page.lines.map((line) => line.text);
    expect(lines[0]).toBe('Authority');
    expect(lines[1]).toMatch(/^This agreement hereby states that both \[Client\. Company\]/);
    expect(page.text.indexOf('legally necessary')).toBeGreaterThan(page.text.indexOf('This agreement'));
    // Upright after rotation: the heading sits top-left of the displayed page (unrotated it would be bottom-right).
    const heading = findWord(page, 'Authority');
    expect(heading.bbox.x0).toBeLessThan(60);
    expect(heading.bbox.y1).toBeLessThan(100);
    expect(heading.bbox.x1 - heading.bbox.x0).toBeGreaterThan(heading.bbox.y1 - heading.bbox.y0);
    // The render applies the same rotation: there is ink under the words' boxes, none at the mirrored place.
    const dpi = 100;
    const rendered = await doc.renderPage(1, { dpi });
    expect(rendered).toMatchObject({ width: 850, height: 1100 });
    for (const text of ['Authority', 'agreement', 'necessary']) {
      expect(await inkIn(rendered.png, findWord(page, text).bbox, dpi)).toBeGreaterThan(0.05);
    }
    const mirrored = { x0: 612 - heading.bbox.x1, y0: 792 - heading.bbox.y1, x1: 612 - heading.bbox.x0, y1: 792 - heading.bbox.y0 };
    expect(await inkIn(rendered.png, mirrored, dpi)).toBe(0);
  });

  it('issue19182 (Traditional Chinese/English form): real CJK text from the text layer (CMaps loaded)', async () => {
    const doc = await openTracked(devFile('issue19182'));
    const page = await doc.readTextLayer(1);
    expect(page.text).toContain('中 文 姓 名');
    expect(page.text).toContain('Name in Chinese');
    // 𥕛 is outside the BMP (CJK Extension B): it must arrive as one character, not mangled surrogates.
    expect(page.text).toContain('胡駿𥕛');
    expect(page.quality).toMatchObject({ usable: true, reason: 'ok', badCharRatio: 0 });
    expect(page.quality.cjkCount).toBeGreaterThanOrEqual(7);
    // Sparse, but no image under it: the text layer is all there is (the unembedded CJK font renders as boxes).
    expect(page.quality.imageCoverage).toBe(0);
    // Label and value share a row.
    expect(page.lines.map((line) => line.text)).toContain('Name in Chinese 胡駿𥕛');
  });

  it('issue7665 (encrypted, empty user password): opens without any configured password', async () => {
    const doc = await openTracked(devFile('issue7665'));
    expect(doc.encrypted).toBe(true);
    const page = await doc.readTextLayer(1);
    expect(page.text).toBe('Issue 7665');
  });

  it('issue6010_1 (needs a user password): PASSWORD_REQUIRED with a hint, never a crash or a hang', async () => {
    const none = await rejection(openPdf(devFile('issue6010_1'), { source: 'issue6010_1.pdf' }));
    expect(none.code).toBe('PASSWORD_REQUIRED');
    expect(none.message).toContain('issue6010_1.pdf');
    expect(none.hint).toContain('--pdf-password');
    // Wrong passwords (and '' which pdf.js would ask about forever) still end in the same clean error.
    const wrong = await rejection(openPdf(devFile('issue6010_1'), { source: 'issue6010_1.pdf', passwords: ['', 'nope', 'ABC'] }));
    expect(wrong.code).toBe('PASSWORD_REQUIRED');
    expect(wrong.message).toContain('2 configured password');
  });

  it('issue6010_1 opens with its password ("abc", from the pdf.js test suite) after a wrong one', async () => {
    const doc = await openTracked(devFile('issue6010_1'), { passwords: ['wrong', 'abc'] });
    expect(doc.encrypted).toBe(true);
    expect((await doc.readTextLayer(1)).text).toContain('Issue 6010');
  });

  it('helloworld-bad (broken xref): recovers and reads "Hello, world!"', async () => {
    const doc = await openTracked(devFile('helloworld-bad'));
    const page = await doc.readTextLayer(1);
    expect(page.text).toBe('Hello, world!');
    expect(page.lines[0]!.words.map((w) => w.text)).toEqual(['Hello,', 'world!']);
    expect(page.quality.usable).toBe(true);
  });
});

describe('generated PDFs', () => {
  const SIZE = 12;

  /** Advance width as drawn: pdf-lib's widthOfTextAtSize adds kerning that its drawText (a plain Tj) does not apply. */
  function advance(font: PDFFont, text: string): number {
    return Array.from(text).reduce((sum, char) => sum + font.widthOfTextAtSize(char, SIZE), 0);
  }

  function draw(page: PDFPage, font: PDFFont, text: string, x: number, y: number): void {
    page.drawText(text, { x, y, size: SIZE, font });
  }

  it('groups text into lines by baseline and x order, with word boxes where the words were drawn', async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const page = pdf.addPage([400, 300]);
    // Drawn out of reading order on purpose: the order must come from the geometry.
    draw(page, font, '12.50', 300, 180);
    draw(page, font, 'Total', 40, 180);
    draw(page, font, 'Invoice No. AB-12345678', 40, 250);
    draw(page, font, '3.50', 300, 200);
    draw(page, font, 'Date 2024-02-04', 40, 230);
    draw(page, font, 'Coffee', 40, 200);
    // One word split over two text objects that touch.
    draw(page, font, 'Hel', 40, 150);
    draw(page, font, 'lo', 40 + advance(font, 'Hel'), 150);
    // Fake bold: the same word overprinted with a small offset is one word, not two.
    draw(page, font, 'TOTAL', 40, 120);
    draw(page, font, 'TOTAL', 40.4, 120);
    const doc = await openTracked(await pdf.save());

    const result = await doc.readTextLayer(1);
    expect(result).toMatchObject({ width: 400, height: 300, source: 'text-layer', confidence: 1 });
    expect(result.lines.map((line) => line.text)).toEqual([
      'Invoice No. AB-12345678',
      'Date 2024-02-04',
      'Coffee 3.50',
      'Total 12.50',
      'Hello',
      'TOTAL',
    ]);
    expect(result.text.split('\n')).toHaveLength(6);
    expect(result.quality).toMatchObject({ usable: true, reason: 'ok' });

    const expectBox = (word: TextWord, x: number, baselineFromBottom: number, text: string): void => {
      const baseline = 300 - baselineFromBottom;
      expect(word.confidence).toBe(1);
      expect(word.bbox.x0).toBeCloseTo(x, 0);
      expect(word.bbox.x1).toBeCloseTo(x + advance(font, text), 0);
      expect(word.bbox.y0).toBeGreaterThan(baseline - SIZE * 1.1);
      expect(word.bbox.y0).toBeLessThan(baseline - SIZE * 0.5);
      expect(word.bbox.y1).toBeGreaterThanOrEqual(baseline);
      expect(word.bbox.y1).toBeLessThan(baseline + SIZE * 0.4);
    };
    expectBox(findWord(result, 'Coffee'), 40, 200, 'Coffee');
    expectBox(findWord(result, '3.50'), 300, 200, '3.50');
    expectBox(findWord(result, 'Total'), 40, 180, 'Total');
    expectBox(findWord(result, 'Hello'), 40, 150, 'Hello');
    expectBox(findWord(result, 'TOTAL'), 40, 120, 'TOTAL');
    // Words inside one text item get proportional boxes: the last ends where the item ends, the first starts where it starts.
    const invoice = result.lines[0]!;
    expect(invoice.words.map((w) => w.text)).toEqual(['Invoice', 'No.', 'AB-12345678']);
    expect(invoice.words[0]!.bbox.x0).toBeCloseTo(40, 0);
    expect(invoice.words[2]!.bbox.x1).toBeCloseTo(40 + advance(font, 'Invoice No. AB-12345678'), 0);
    const idStart = 40 + advance(font, 'Invoice No. ');
    expect(Math.abs(invoice.words[2]!.bbox.x0 - idStart)).toBeLessThan(8);
    // Line boxes enclose their words; lines go down the page.
    const coffee = result.lines[2]!;
    expect(coffee.bbox.x0).toBeCloseTo(40, 0);
    expect(coffee.bbox.x1).toBeCloseTo(300 + advance(font, '3.50'), 0);
    const tops = result.lines.map((line) => line.bbox.y0);
    expect([...tops].sort((a, b) => a - b)).toEqual(tops);
  });

  it('applies /Rotate through the viewport: text drawn for a page rotated 90 comes out upright', async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const page = pdf.addPage([300, 500]);
    page.setRotation(degrees(90));
    // In user space the text runs up the page; displayed a quarter turn clockwise it runs left to right.
    page.drawText('First line here', { x: 60, y: 40, size: SIZE, font, rotate: degrees(90) });
    page.drawText('Second line', { x: 90, y: 40, size: SIZE, font, rotate: degrees(90) });
    const doc = await openTracked(await pdf.save());
    const result = await doc.readTextLayer(1);
    expect(result).toMatchObject({ width: 500, height: 300 });
    expect(result.lines.map((line) => line.text)).toEqual(['First line here', 'Second line']);
    const first = findWord(result, 'First');
    expect(first.bbox.x0).toBeCloseTo(40, 0);
    expect(first.bbox.y1).toBeGreaterThanOrEqual(60);
    expect(first.bbox.y0).toBeGreaterThan(60 - SIZE * 1.1);
    expect(first.bbox.x1 - first.bbox.x0).toBeGreaterThan(first.bbox.y1 - first.bbox.y0);

    const rendered = await doc.renderPage(1, { dpi: 144 });
    expect(rendered).toMatchObject({ width: 1000, height: 600 });
    expect(await inkIn(rendered.png, first.bbox, 144)).toBeGreaterThan(0.05);
  });

  it('judges a page with a full-page image and a stray line of text a scan, and the same text alone real', async () => {
    const image = await sharp({ create: { width: 120, height: 170, channels: 3, background: '#d8d8d8' } }).png().toBuffer();
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const scan = pdf.addPage([595, 842]);
    scan.drawImage(await pdf.embedPng(image), { x: 0, y: 0, width: 595, height: 842 });
    draw(scan, font, 'Scanned with CamScanner', 200, 20);
    const plain = pdf.addPage([595, 842]);
    draw(plain, font, 'Scanned with CamScanner', 200, 20);
    const doc = await openTracked(await pdf.save());

    const scanned = await doc.readTextLayer(1);
    expect(scanned.text).toBe('Scanned with CamScanner');
    expect(scanned.quality).toMatchObject({ usable: false, reason: 'sparse-text-over-image' });
    expect(scanned.quality.imageCoverage).toBeGreaterThan(0.95);
    const alone = await doc.readTextLayer(2);
    expect(alone.quality).toMatchObject({ usable: true, reason: 'ok', imageCoverage: 0 });
  });

  it('renders at the requested dpi, white behind the page, and caps the pixel count', async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage([200, 100]);
    const doc = await openTracked(await pdf.save());
    const full = await doc.renderPage(1, { dpi: 144 });
    expect(full).toMatchObject({ width: 400, height: 200, dpi: 144 });
    const stats = await sharp(full.png).stats();
    expect(stats.channels.slice(0, 3).map((c) => c.min)).toEqual([255, 255, 255]);
    expect(stats.isOpaque).toBe(true);
    const capped = await doc.renderPage(1, { dpi: 600, maxPixels: 20_000 });
    expect(capped.width * capped.height).toBeLessThanOrEqual(20_000 * 1.02);
    expect(capped.dpi).toBeLessThan(600);
    expect(capped.width / capped.height).toBeCloseTo(2, 1);
    const defaults = await doc.renderPage(1);
    expect(defaults).toMatchObject({ width: Math.round((200 * 300) / 72), dpi: 300 });
  });

  it('a truncated PDF is PDF_CORRUPT and names the input', async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    draw(pdf.addPage([300, 300]), font, 'half a document', 20, 200);
    const bytes = await pdf.save();
    const error = await rejection(openPdf(bytes.slice(0, Math.floor(bytes.length / 2)), { source: 'inbox/cut.pdf' }));
    expect(error.code).toBe('PDF_CORRUPT');
    expect(error.message).toContain('inbox/cut.pdf');
    expect(error.hint).toBeTruthy();
    expect(error.cause).toBeDefined();
  });

  it('an empty input is FILE_EMPTY; bytes that are not a PDF are PDF_CORRUPT', async () => {
    const empty = await rejection(openPdf(new Uint8Array(0), { source: 'empty.pdf' }));
    expect(empty.code).toBe('FILE_EMPTY');
    expect(empty.message).toContain('empty.pdf');
    const text = await rejection(openPdf(new TextEncoder().encode('just some text, not a PDF'), { source: 'note.pdf' }));
    expect(text.code).toBe('PDF_CORRUPT');
  });

  it('more pages than maxPages is TOO_MANY_PAGES (default 50); within the limit it opens', async () => {
    const pdf = await PDFDocument.create();
    for (let i = 0; i < 60; i++) pdf.addPage([100, 100]);
    const bytes = await pdf.save();
    const explicit = await rejection(openPdf(bytes, { maxPages: 50, source: 'long.pdf' }));
    expect(explicit.code).toBe('TOO_MANY_PAGES');
    expect(explicit.message).toBe('long.pdf has 60 pages, above the limit of 50');
    expect(explicit.hint).toContain('--max-pages');
    expect((await rejection(openPdf(bytes))).code).toBe('TOO_MANY_PAGES');
    const doc = await openTracked(bytes, { maxPages: 60 });
    expect(doc.pageCount).toBe(60);
  });

  it('accepts a Buffer, leaves the caller’s bytes intact, rejects bad page numbers, and closes twice', async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    draw(pdf.addPage([300, 300]), font, 'Buffer input works fine', 20, 200);
    const saved = await pdf.save();
    const buffer = Buffer.from(saved);
    const length = buffer.byteLength;
    const doc = await openPdf(buffer);
    expect(buffer.byteLength).toBe(length);
    // pdf.js transfers the ArrayBuffer it is given; the reader hands it a copy so the caller's stays usable.
    await (await openTracked(saved)).close();
    expect(saved.byteLength).toBe(length);
    expect(saved.buffer.byteLength).toBeGreaterThan(0);
    expect((await doc.readTextLayer(1)).text).toBe('Buffer input works fine');
    await expect(doc.readTextLayer(2)).rejects.toThrow(/no page 2/);
    await expect(doc.renderPage(0)).rejects.toThrow(/no page 0/);
    await doc.close();
    await doc.close();
    await expect(doc.readTextLayer(1)).rejects.toThrow(/closed/);
  });
});

describe('assessTextLayer', () => {
  const A4 = { width: 595, height: 842 };
  const receipt = [
    'FAMILYMART CONVENIENCE STORE',
    'No. 12, Jalan Besar, 50000 Kuala Lumpur',
    'Date: 25/12/2018  Time: 14:03',
    '2 x Mineral Water 500ml      3.00',
    '1 x Curry Puff               2.50',
    '1 x Teh Tarik Kotak          1.90',
    'SUBTOTAL                     7.40',
    'ROUNDING                     0.00',
    'TOTAL                        7.40',
    'CASH                        10.00',
    'CHANGE                       2.60',
    'Thank you, please come again',
  ].join('\n');

  it('accepts real text, Latin and CJK', () => {
    expect(assessTextLayer(receipt, A4)).toMatchObject({ usable: true, reason: 'ok', badCharRatio: 0 });
    const invoice = '電子發票證明聯\n2024年02-03月\nAB-12345678\n2024-02-04 10:21:33\n隨機碼 1234 總計 150\n賣方 12345678 買方 87654321\n全聯實業股份有限公司 台北市中山區';
    const quality = assessTextLayer(invoice, { width: 164, height: 400 });
    expect(quality).toMatchObject({ usable: true, reason: 'ok' });
    expect(quality.cjkCount).toBeGreaterThan(20);
  });

  it('rejects empty layers and stray text on a big page (without an image measurement)', () => {
    expect(assessTextLayer('', A4)).toMatchObject({ usable: false, reason: 'empty', charCount: 0 });
    expect(assessTextLayer(' 1 \n', A4).reason).toBe('empty');
    expect(assessTextLayer('Scanned with CamScanner', A4)).toMatchObject({ usable: false, reason: 'too-little-text' });
    // The same words on a small page are dense enough.
    expect(assessTextLayer('Scanned with CamScanner', { width: 200, height: 100 }).usable).toBe(true);
  });

  it('decides sparse pages by image coverage when it is known', () => {
    expect(assessTextLayer('Scanned with CamScanner', { ...A4, imageCoverage: 0.98 }).reason).toBe('sparse-text-over-image');
    expect(assessTextLayer('Scanned with CamScanner', { ...A4, imageCoverage: 0 })).toMatchObject({ usable: true, imageCoverage: 0 });
    // Dense text is trusted even over a full-page image (a scan with a good OCR layer).
    expect(assessTextLayer(receipt.repeat(2), { ...A4, imageCoverage: 1 }).usable).toBe(true);
  });

  it('rejects broken encodings: replacement, private-use and control characters, (cid:N) glyphs', () => {
    const broken = (char: string): string => receipt.replace(/[aeiou]/g, char);
    expect(assessTextLayer(broken('\ufffd'), A4).reason).toBe('garbage-characters');
    expect(assessTextLayer(broken('\ue01f'), A4).reason).toBe('garbage-characters');
    expect(assessTextLayer(broken('\u0003'), A4).reason).toBe('garbage-characters');
    const cids = Array.from({ length: 80 }, (_, i) => `(cid:${i + 3})`).join('');
    const quality = assessTextLayer(cids, A4);
    expect(quality).toMatchObject({ usable: false, reason: 'garbage-characters', charCount: 80 });
  });

  it('rejects symbol soup, glyphs scattered one per word, missing word breaks and vowel-less words', () => {
    expect(assessTextLayer('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'.repeat(8), A4).reason).toBe('mostly-symbols');
    expect(assessTextLayer('T O T A L A M O U N T D U E T O D A Y P L E A S E P A Y N O W T H A N K S'.repeat(3), A4).reason).toBe('fragmented-words');
    const noBreaks = Array.from({ length: 20 }, () => 'TotalAmountDueBeforeTheEndOfTheMonthInclusive').join('\n');
    expect(assessTextLayer(noBreaks, A4).reason).toBe('no-word-breaks');
    const shifted = Array.from({ length: 30 }, () => 'Wkqx bcdfg hjklm npqrst vwxz').join('\n');
    expect(assessTextLayer(shifted, A4).reason).toBe('unreadable-words');
  });
});
