import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLanguageData, prepareLanguageDirectory, requireLanguageData } from '../../extractors/ocr/lang-data.js';
import { createOcrPool } from '../../extractors/ocr/tesseract-pool.js';
import { DocintelError } from '../../pipeline/errors.js';

/** A fake node_modules: `@tesseract.js-data/<lang>/4.0.0_best_int/<lang>.traineddata.gz` per entry. */
const fixtureRoot = mkdtempSync(join(tmpdir(), 'docintel-langdata-test-'));
function fakePackages(files: Record<string, Buffer | null>): (packageName: string) => string {
  const root = mkdtempSync(join(fixtureRoot, 'pkgs-'));
  for (const [language, content] of Object.entries(files)) {
    const dir = join(root, '@tesseract.js-data', language, '4.0.0_best_int');
    mkdirSync(dir, { recursive: true });
    if (content !== null) writeFileSync(join(dir, `${language}.traineddata.gz`), content);
  }
  return (packageName) => {
    const language = packageName.split('/')[1] ?? '';
    if (!(language in files)) throw new Error(`Cannot find module '${packageName}'`);
    return join(root, packageName);
  };
}

afterAll(() => rmSync(fixtureRoot, { recursive: true, force: true }));

describe('checkLanguageData', () => {
  it('finds the installed eng and chi_tra data in the npm packages', async () => {
    const statuses = await checkLanguageData(['eng', 'chi_tra']);
    expect(statuses.map((s) => [s.language, s.present])).toEqual([
      ['eng', true],
      ['chi_tra', true],
    ]);
    for (const status of statuses) {
      expect(status.path).toMatch(/@tesseract\.js-data[\\/](eng|chi_tra)[\\/]4\.0\.0_best_int[\\/](eng|chi_tra)\.traineddata\.gz$/);
    }
  });

  it('reports each kind of problem without throwing', async () => {
    const resolvePackageDir = fakePackages({ eng: gzipSync(Buffer.from('x')), deu: null, fra: Buffer.from('not gzip'), spa: Buffer.alloc(0) });
    const statuses = await checkLanguageData(['eng', 'deu', 'fra', 'spa', 'xyz', '../etc'], { resolvePackageDir });
    const byLanguage = Object.fromEntries(statuses.map((s) => [s.language, s]));
    expect(byLanguage.eng?.present).toBe(true);
    expect(byLanguage.deu).toMatchObject({ present: false, problem: expect.stringMatching(/missing/) });
    expect(byLanguage.fra).toMatchObject({ present: false, problem: expect.stringMatching(/gzip/) });
    expect(byLanguage.spa).toMatchObject({ present: false, problem: expect.stringMatching(/empty/) });
    expect(byLanguage.xyz).toMatchObject({ present: false, packageName: '@tesseract.js-data/xyz', problem: expect.stringMatching(/not installed/) });
    expect(byLanguage['../etc']).toMatchObject({ present: false, problem: expect.stringMatching(/not a tesseract language code/) });
  });
});

describe('requireLanguageData', () => {
  it('throws OCR_LANGUAGE_DATA_MISSING naming the language and the package to reinstall', async () => {
    const error = await requireLanguageData(['eng', 'xyz']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocintelError);
    expect((error as DocintelError).code).toBe('OCR_LANGUAGE_DATA_MISSING');
    expect((error as DocintelError).message).toContain('xyz');
    expect((error as DocintelError).hint).toContain('npm install @tesseract.js-data/xyz');
  });
});

describe('prepareLanguageDirectory', () => {
  it('links files from separate packages into one private langPath and removes it on dispose', async () => {
    const statuses = await requireLanguageData(['eng', 'chi_tra']);
    const dir = await prepareLanguageDirectory(statuses);
    const { readdirSync, existsSync, statSync } = await import('node:fs');
    expect(readdirSync(dir.path).sort()).toEqual(['chi_tra.traineddata.gz', 'eng.traineddata.gz']);
    expect(statSync(dir.path).mode & 0o077).toBe(0);
    await dir.dispose();
    expect(existsSync(dir.path)).toBe(false);
  });
});

describe('createOcrPool with bad language data', () => {
  it('rejects before starting a worker when a language is missing (no crash)', async () => {
    const error = await createOcrPool({ languages: ['eng', 'klingon'], size: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocintelError);
    expect((error as DocintelError).code).toBe('OCR_LANGUAGE_DATA_MISSING');
  });

  it('fails the page, not the process, when gzip data is not traineddata', async () => {
    // Passes the file checks (gzip magic) but tesseract cannot load it: without an errorHandler
    // tesseract.js would throw from its message listener and end the process.
    const resolvePackageDir = fakePackages({ eng: gzipSync(Buffer.from('definitely not a traineddata file')) });
    const pool = await createOcrPool({ languages: ['eng'], size: 1, languageData: { resolvePackageDir }, startTimeoutMs: 30_000 });
    try {
      const png = Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAG7buVgAAAABJRU5ErkJggg==',
        'base64',
      );
      const error = await pool.recognize(png).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DocintelError);
      expect((error as DocintelError).code).toBe('OCR_FAILED');
      expect((error as DocintelError).hint).toMatch(/doctor/);
    } finally {
      await pool.terminate();
    }
  });
});
