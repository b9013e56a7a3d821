import { describe, expect, it } from 'vitest';
import { checkOcr, installedOcr, type Check, type OcrProbes } from '../../pipeline/commands/doctor.js';

const languages: Array<'eng' | 'chi_tra'> = ['eng', 'chi_tra'];

function probes(overrides: Partial<OcrProbes>): OcrProbes {
  return {
    languageData: async (codes) => codes.map((language) => ({ language, present: true, path: `/pkg/${language}.traineddata.gz` })),
    ppocrModels: async () => '/pkg/models/ch_PP-OCRv4_rec_infer.onnx',
    ...overrides,
  };
}

async function run(ocrEngine: 'ppocr' | 'tesseract', overrides: Partial<OcrProbes>): Promise<Check[]> {
  const checks: Check[] = [];
  await checkOcr({ ocrEngine, ocrLanguages: languages }, checks, probes(overrides));
  return checks;
}

const statusOf = (checks: Check[], name: string) => checks.find((c) => c.name === name)?.status;

describe('doctor: OCR checks on a broken install', () => {
  const modelsMissing: Partial<OcrProbes> = {
    ppocrModels: async () => {
      throw new Error('The PP-OCR models cannot be loaded: /pkg/models/ch_PP-OCRv4_rec_infer.onnx is missing.');
    },
  };
  const chiTraMissing: Partial<OcrProbes> = {
    languageData: async (codes) => codes.map((language) => ({ language, present: language !== 'chi_tra', path: `/pkg/${language}.traineddata.gz` })),
  };

  it('fails on missing PP-OCR models when PP-OCR is the engine, and says how to fix it', async () => {
    const checks = await run('ppocr', modelsMissing);
    const ppocr = checks.find((c) => c.name === 'ocr:ppocr')!;
    expect(ppocr.status).toBe('fail');
    expect(ppocr.detail).toMatch(/rec_infer\.onnx is missing/);
    expect(ppocr.hint).toMatch(/npm ci/);
    expect(statusOf(checks, 'ocr:eng')).toBe('ok');
  });

  it('only warns about missing PP-OCR models when tesseract is the engine', async () => {
    expect(statusOf(await run('tesseract', modelsMissing), 'ocr:ppocr')).toBe('warn');
  });

  it('fails on missing language data for the tesseract engine, warns for PP-OCR', async () => {
    const tesseract = await run('tesseract', chiTraMissing);
    expect(statusOf(tesseract, 'ocr:chi_tra')).toBe('fail');
    expect(tesseract.find((c) => c.name === 'ocr:chi_tra')!.hint).toMatch(/@tesseract\.js-data\/chi_tra/);
    expect(statusOf(tesseract, 'ocr:eng')).toBe('ok');
    expect(statusOf(await run('ppocr', chiTraMissing), 'ocr:chi_tra')).toBe('warn');
  });

  it('reports a probe that throws as one check instead of failing the whole doctor', async () => {
    const broken: Partial<OcrProbes> = {
      languageData: async () => {
        throw new Error('cannot read package folder');
      },
    };
    expect(statusOf(await run('tesseract', broken), 'ocr')).toBe('fail');
    expect(statusOf(await run('ppocr', broken), 'ocr')).toBe('warn');
  });

  it('passes on this install (the real probes)', async () => {
    const checks: Check[] = [];
    await checkOcr({ ocrEngine: 'ppocr', ocrLanguages: languages }, checks, installedOcr);
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['ocr:eng', 'ok'],
      ['ocr:chi_tra', 'ok'],
      ['ocr:ppocr', 'ok'],
    ]);
  });
});
