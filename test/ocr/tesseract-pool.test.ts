import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preprocessImage } from '../../extractors/image/preprocess.js';
import { createOcrPool, type OcrPool } from '../../extractors/ocr/tesseract-pool.js';
import type { PageText } from '../../extractors/types.js';
import { DocintelError } from '../../pipeline/errors.js';

// OCR is slow on a 2-core machine: one shared pool, a handful of recognitions in total.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sroie = join(root, '..', 'shared', 'data', 'sroie-dev');
const SROIE_ID = 'X51005447840';

/** White PNG with each line drawn at its x offset (separate <text> elements keep real gaps). */
async function render(lines: { y: number; parts: { x: number; text: string }[] }[], width: number, height: number, fontSize = 32): Promise<Buffer> {
  const texts = lines
    .flatMap((line) => line.parts.map((part) => `<text x="${part.x}" y="${line.y}" font-family="DejaVu Sans, sans-serif" font-size="${fontSize}">${part.text}</text>`))
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${texts}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

const squash = (text: string) => text.replace(/\s+/g, '').toUpperCase();

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function expectWellFormed(page: PageText, width: number, height: number): void {
  expect(page.source).toBe('ocr');
  expect(page.width).toBe(width);
  expect(page.height).toBe(height);
  expect(page.confidence).toBeGreaterThan(0);
  expect(page.confidence).toBeLessThanOrEqual(1);
  expect(page.text.split('\n')).toHaveLength(page.lines.length);
  for (const line of page.lines) {
    expect(line.confidence).toBeGreaterThanOrEqual(0);
    expect(line.confidence).toBeLessThanOrEqual(1);
    expect(line.words.length).toBeGreaterThan(0);
    for (const word of line.words) {
      expect(word.confidence).toBeGreaterThanOrEqual(0);
      expect(word.confidence).toBeLessThanOrEqual(1);
      expect(word.bbox.x0).toBeGreaterThanOrEqual(line.bbox.x0);
      expect(word.bbox.x1).toBeLessThanOrEqual(line.bbox.x1);
      expect(word.bbox.x1).toBeLessThanOrEqual(width);
      expect(word.bbox.y1).toBeLessThanOrEqual(height);
    }
  }
}

describe('OCR pool (tesseract.js, eng+chi_tra)', () => {
  let pool: OcrPool;
  beforeAll(async () => {
    pool = await createOcrPool({ size: 2 });
  });
  afterAll(async () => {
    await pool?.terminate();
  });

  it('reads generated text with boxes in image coordinates and keeps column gaps', async () => {
    const png = await render(
      [
        { y: 60, parts: [{ x: 30, text: 'INVOICE AB12345678' }] },
        { y: 130, parts: [{ x: 30, text: 'ITEM' }, { x: 420, text: 'AMOUNT' }] },
        { y: 200, parts: [{ x: 30, text: 'TOTAL' }, { x: 420, text: '12.50' }] },
      ],
      700,
      240,
    );
    const page = await pool.recognize(png, 3);
    expect(page.pageNo).toBe(3);
    expectWellFormed(page, 700, 240);
    expect(page.text).toContain('AB12345678');
    expect(page.text).toContain('12.50');
    // preserve_interword_spaces: the column gap survives as several spaces in the raw text.
    expect(page.rawText).toMatch(/ITEM {2,}AMOUNT/);
    const total = page.lines.flatMap((line) => line.words).find((word) => word.text === 'TOTAL');
    expect(total).toBeDefined();
    // Drawn at x=30, baseline y=200, 32 px font: the box must sit there.
    expect(total!.bbox.x0).toBeGreaterThanOrEqual(25);
    expect(total!.bbox.x0).toBeLessThanOrEqual(40);
    expect(total!.bbox.y1).toBeGreaterThanOrEqual(195);
    expect(total!.bbox.y1).toBeLessThanOrEqual(205);
  });

  it.skipIf(!existsSync(join(sroie, 'img', `${SROIE_ID}.jpg`)))('reads a SROIE receipt: known words found, CER bounded, boxes map back', async () => {
    const groundTruth = readFileSync(join(sroie, 'box', `${SROIE_ID}.txt`), 'utf8')
      .split(/\r?\n/)
      .filter(Boolean)
      .map((line) => {
        const fields = line.split(',');
        return { box: fields.slice(0, 8).map(Number), text: fields.slice(8).join(',') };
      });
    const [frame] = await preprocessImage(readFileSync(join(sroie, 'img', `${SROIE_ID}.jpg`)));
    const page = await pool.recognize(frame!.png);
    expectWellFormed(page, frame!.width, frame!.height);

    const truth = squash(groundTruth.map((line) => line.text).join(''));
    const cer = levenshtein(squash(page.text), truth) / truth.length;
    expect(cer).toBeLessThan(0.12); // measured 0.03

    const word = page.lines.flatMap((line) => line.words).find((w) => w.text === 'PASARAYA');
    expect(word).toBeDefined();
    // Box file: "126,185,826,185,826,233,126,233,PASARAYA BORONG PINTAR"; OCR box / scale + crop = original px.
    const centreX = (word!.bbox.x0 + word!.bbox.x1) / 2 / frame!.scale + frame!.crop.left;
    const centreY = (word!.bbox.y0 + word!.bbox.y1) / 2 / frame!.scale + frame!.crop.top;
    expect(centreX).toBeGreaterThan(126);
    expect(centreX).toBeLessThan(826);
    expect(centreY).toBeGreaterThan(185);
    expect(centreY).toBeLessThan(233);
  });

  it('never runs more pages at once than its size, and reuses its workers', async () => {
    const labels = ['ALPHA 1', 'BRAVO 2', 'DELTA 4', 'ECHO 5', 'GOLF 7'];
    const images = await Promise.all(labels.map((label) => render([{ y: 60, parts: [{ x: 20, text: label }] }], 300, 90)));
    let highest = 0;
    const sampler = setInterval(() => {
      const stats = pool.stats();
      highest = Math.max(highest, stats.busy);
      expect(stats.workers).toBeLessThanOrEqual(2);
    }, 2);
    try {
      const pages = await Promise.all(images.map((png, i) => pool.recognize(png, i + 1)));
      expect(pages.map((page) => squash(page.text))).toEqual(labels.map(squash));
      expect(pages.map((page) => page.pageNo)).toEqual([1, 2, 3, 4, 5]);
    } finally {
      clearInterval(sampler);
    }
    const stats = pool.stats();
    expect(highest).toBeLessThanOrEqual(2);
    expect(stats.maxBusy).toBe(2);
    expect(stats.workers).toBe(2);
    expect(stats.restarts).toBe(0);
    expect(stats.queued).toBe(0);
  });

  it('fails an unreadable page without poisoning the worker', async () => {
    const good = await render([{ y: 60, parts: [{ x: 20, text: 'RECEIPT 42' }] }], 320, 90);
    // A real PNG header (so the size check passes) with the image data cut off: tesseract rejects it.
    const broken = good.subarray(0, 60);
    const before = pool.stats();
    const error = await pool.recognize(broken, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocintelError);
    expect((error as DocintelError).code).toBe('OCR_FAILED');
    expect((error as DocintelError).message).toContain('page 2');

    const garbage = await pool.recognize(Buffer.from('not an image'), 1).catch((e: unknown) => e);
    expect((garbage as DocintelError).code).toBe('OCR_FAILED');

    const page = await pool.recognize(good);
    expect(squash(page.text)).toBe('RECEIPT42');
    const after = pool.stats();
    expect(after.restarts).toBe(before.restarts);
    expect(after.failed).toBe(before.failed + 1);
  });
});

describe('OCR pool lifecycle', () => {
  it('replaces a worker that exceeds the page timeout, and terminates cleanly', async () => {
    const pool = await createOcrPool({ languages: ['eng'], size: 1, recognizeTimeoutMs: 1 });
    const png = await render([{ y: 60, parts: [{ x: 20, text: 'SLOW PAGE' }] }], 320, 90);
    const error = await pool.recognize(png, 5).catch((e: unknown) => e);
    expect((error as DocintelError).code).toBe('OCR_FAILED');
    expect((error as DocintelError).hint).toMatch(/longer than 1 ms/);
    expect(pool.stats()).toMatchObject({ workers: 0, busy: 0, restarts: 1, failed: 1 });
    await pool.terminate();
    await pool.terminate();
    const after = await pool.recognize(png).catch((e: unknown) => e);
    expect((after as DocintelError).code).toBe('INTERRUPTED');
  });

  it('rejects bad options with the option name', async () => {
    await expect(createOcrPool({ size: 0 })).rejects.toThrow(/option size/);
    await expect(createOcrPool({ languages: [] })).rejects.toThrow(/option languages/);
  });
});

describe('OCR pool with Chinese first', () => {
  it('starts chi_tra+eng workers without tesseract asking for the unshipped chi_tra_vert', async () => {
    // In a child process: the message would come from the wasm's stderr, not from a rejection.
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const poolJs = join(root, 'dist', 'extractors', 'ocr', 'tesseract-pool.js');
    expect(existsSync(poolJs)).toBe(true);
    const image = await render([{ y: 60, parts: [{ x: 20, text: 'TOTAL 150.00' }] }], 400, 100);
    const script = `
      const { createOcrPool } = await import(${JSON.stringify(poolJs)});
      const pool = await createOcrPool({ languages: ['chi_tra', 'eng'], size: 1 });
      const page = await pool.recognize(Buffer.from(${JSON.stringify(image.toString('base64'))}, 'base64'), 1);
      console.log(JSON.stringify(page.text));
      await pool.terminate();`;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(stderr).not.toMatch(/Failed loading language|Error opening data file/);
    expect(JSON.parse(stdout.trim())).toMatch(/TOTAL\s*150\.00/);
  }, 60_000);
});
