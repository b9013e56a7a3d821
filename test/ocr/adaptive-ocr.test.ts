import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdaptiveOcr, type AdaptiveOcr } from '../../extractors/ocr/adaptive-ocr.js';
import { DocintelError } from '../../pipeline/errors.js';
import { textImage } from '../support/fixtures.js';

// Real tesseract.js workers with the packaged eng and chi_tra data: the point is what the languages
// actually read. One reader for the whole file, pages in a fixed order because the reader remembers
// whether the last page held Chinese.
const ENGLISH = ['BRANCH 123 TAIPEI', 'MILK 1L   2 x 95.00   190.00', 'BREAD            45.00', 'TOTAL           235.00', 'THANK YOU'];
const MIXED = ['STARBUCKS COFFEE', '統一星巴克股份有限公司', 'TAX ID 12345676', 'LATTE GRANDE    150.00', 'TOTAL NT$       150.00'];
const SITE_PHOTO = '003357_jpg.rf.9867f91e88089bb68dc95947d5116d14.jpg';
const CHINESE = ['範例生活百貨股份有限公司', '電子發票證明聯', '品名 數量 單價 金額', '鮮奶 2 95 190', '總計 235'];

describe('adaptive OCR languages (auto)', () => {
  let reader: AdaptiveOcr;
  const images: Record<string, Buffer> = {};

  beforeAll(async () => {
    reader = await createAdaptiveOcr({ languages: ['eng', 'chi_tra'], size: 1, pageSegMode: '6' });
    images.english = await textImage(ENGLISH, { width: 700 });
    images.mixed = await textImage(MIXED, { width: 700 });
    images.chinese = await textImage(CHINESE, { width: 700 });
  }, 60_000);

  afterAll(async () => {
    await reader?.terminate();
  });

  it('reads an English page with eng alone', async () => {
    const page = await reader.recognize(images.english!, 1);
    expect(page.engine).toBe('tesseract.js eng');
    expect(page.text).toContain('TOTAL');
    expect(page.text).toContain('235.00');
    expect(reader.stats().languageUse).toMatchObject({ firstLanguageOnly: 1, escalated: 0, direct: 0 });
  }, 60_000);

  it('re-reads only the Chinese line of an English page, keeping boxes in page coordinates', async () => {
    const page = await reader.recognize(images.mixed!, 2);
    expect(page.engine).toBe('tesseract.js eng; lines chi_tra');
    const han = page.lines.find((l) => l.text.includes('星巴克'));
    expect(han?.text.replace(/\s/g, '')).toBe('統一星巴克股份有限公司');
    // The second printed line (line height 42 px at font size 28) stays where it was printed.
    expect(han!.bbox.y0).toBeGreaterThan(40);
    expect(han!.bbox.y1).toBeLessThan(100);
    for (const word of han!.words) expect(word.bbox.y0).toBeGreaterThanOrEqual(han!.bbox.y0);
    // English lines are the eng reading, untouched.
    expect(page.text).toContain('LATTE GRANDE');
    expect(page.text.split('\n')).toHaveLength(page.lines.length);
    expect(page.confidence).toBeGreaterThan(0.8);
    const use = reader.stats().languageUse;
    expect(use.linesReplaced).toBe(1);
    expect(use.linesRetried).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('reads Chinese pages with all languages, and starts pages with all of them while Chinese is common', async () => {
    // Recent pages so far: english, mixed (both kept with eng). The reader starts with all languages
    // once at least 40% of the last 8 pages needed them (RecentPages).
    const first = await reader.recognize(images.chinese!, 1);
    expect(first.engine).toBe('tesseract.js eng+chi_tra');
    expect(first.text.replace(/\s/g, '')).toContain('電子發票證明聯');
    expect(reader.stats().languageUse).toMatchObject({ escalated: 1, direct: 0 }); // 1 of 3 needed chi_tra

    await reader.recognize(images.chinese!, 1);
    expect(reader.stats().languageUse).toMatchObject({ escalated: 2, direct: 0 }); // now 2 of 4

    const third = await reader.recognize(images.chinese!, 1);
    expect(third.engine).toBe('tesseract.js eng+chi_tra');
    expect(reader.stats().languageUse).toMatchObject({ escalated: 2, direct: 1 }); // no English read first

    // English pages are read with all languages while Chinese stays common among the recent pages
    // (3 of 6, 3 of 7, 3 of 8), then with eng alone again.
    for (let i = 0; i < 3; i++) expect((await reader.recognize(images.english!, 1)).engine).toBe('tesseract.js eng+chi_tra');
    const back = await reader.recognize(images.english!, 1);
    expect(back.engine).toBe('tesseract.js eng');
    expect(back.text).toContain('TOTAL');
    expect(reader.stats().languageUse).toMatchObject({ escalated: 2, direct: 4 });
  }, 120_000);

  it('counts its reads and reports INTERRUPTED once terminated', async () => {
    const local = await createAdaptiveOcr({ languages: ['eng', 'chi_tra'], size: 1, pageSegMode: '6' });
    await local.terminate();
    await expect(local.recognize(images.english!, 1)).rejects.toSatisfy((error: unknown) => error instanceof DocintelError && error.code === 'INTERRUPTED');
    expect(local.stats()).toMatchObject({ recognized: 0, failed: 1 });
  }, 60_000);
});

describe('adaptive OCR languages (all)', () => {
  it('reads every page with every language and keeps no language statistics', async () => {
    const reader = await createAdaptiveOcr({ languages: ['eng', 'chi_tra'], languageMode: 'all', size: 1, pageSegMode: '6' });
    try {
      const page = await reader.recognize(await textImage(ENGLISH, { width: 700 }), 1);
      expect(page.engine).toBe('tesseract.js eng+chi_tra');
      expect(page.text).toContain('TOTAL');
      expect(reader.stats()).toMatchObject({ languageMode: 'all', languageUse: { firstLanguageOnly: 0, escalated: 0, direct: 0, linesRetried: 0 } });
    } finally {
      await reader.terminate();
    }
  }, 60_000);

  it('treats a single configured language as all', async () => {
    const reader = await createAdaptiveOcr({ languages: ['eng'], size: 1, pageSegMode: '6' });
    try {
      const page = await reader.recognize(await textImage(['TOTAL 12.00'], { width: 400 }), 1);
      expect(page.engine).toBe('tesseract.js eng');
      expect(reader.languages).toEqual(['eng']);
    } finally {
      await reader.terminate();
    }
  }, 60_000);
});

describe('adaptive OCR languages on scene photos', () => {
  // A real construction-site photo (../shared/data, present on development machines): English reads it
  // as low-confidence noise and chi_tra finds no Chinese in it either.
  const photoPath = join(process.cwd(), '..', 'shared', 'data', 'site-dev', 'test', 'images', SITE_PHOTO);

  it.skipIf(!existsSync(photoPath))('reads a run of photos English reads poorly with all languages at once, not twice each', async () => {
    const { preprocessImage } = await import('../../extractors/image/preprocess.js');
    const [frame] = await preprocessImage(readFileSync(photoPath), { maxPages: 1 });
    const reader = await createAdaptiveOcr({ languages: ['eng', 'chi_tra'], size: 1, pageSegMode: '6' });
    try {
      const first = await reader.recognize(frame!.png, 1);
      expect(first.text.match(/\p{Script=Han}/gu)?.length ?? 0).toBeLessThan(10);
      expect(reader.stats().languageUse).toMatchObject({ escalated: 1, direct: 0 });
      await reader.recognize(frame!.png, 1);
      expect(reader.stats().languageUse).toMatchObject({ escalated: 1, direct: 1 });
    } finally {
      await reader.terminate();
    }
  }, 120_000);
});
