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

/** Smallest file our header check accepts: 24 entries, only the LSTM one (17) present. */
function fakeTraineddata(): Buffer {
  const header = Buffer.alloc(4 + 24 * 8);
  header.writeUInt32LE(24, 0);
  for (let i = 0; i < 24; i++) header.writeBigInt64LE(i === 17 ? BigInt(header.length) : -1n, 4 + i * 8);
  return Buffer.concat([header, Buffer.from('lstm network bytes')]);
}

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
    const legacyOnly = fakeTraineddata();
    legacyOnly.writeBigInt64LE(-1n, 4 + 17 * 8);
    legacyOnly.writeBigInt64LE(BigInt(4 + 24 * 8), 4 + 3 * 8);
    const resolvePackageDir = fakePackages({
      eng: gzipSync(fakeTraineddata()),
      deu: null,
      fra: Buffer.from('not gzip'),
      spa: Buffer.alloc(0),
      ita: gzipSync(fakeTraineddata()).subarray(0, 30),
      por: gzipSync(Buffer.from('gzip, but not traineddata at all')),
      nld: gzipSync(legacyOnly),
    });
    const statuses = await checkLanguageData(['eng', 'deu', 'fra', 'spa', 'ita', 'por', 'nld', 'xyz', '../etc'], { resolvePackageDir });
    const byLanguage = Object.fromEntries(statuses.map((s) => [s.language, s]));
    expect(byLanguage.eng?.present).toBe(true);
    expect(byLanguage.deu).toMatchObject({ present: false, problem: expect.stringMatching(/missing/) });
    expect(byLanguage.fra).toMatchObject({ present: false, problem: expect.stringMatching(/not gzip/) });
    expect(byLanguage.spa).toMatchObject({ present: false, problem: expect.stringMatching(/empty/) });
    expect(byLanguage.ita).toMatchObject({ present: false, problem: expect.stringMatching(/truncated or corrupt/) });
    expect(byLanguage.por).toMatchObject({ present: false, problem: expect.stringMatching(/not traineddata/) });
    expect(byLanguage.nld).toMatchObject({ present: false, problem: expect.stringMatching(/no LSTM/) });
    expect(byLanguage.xyz).toMatchObject({ present: false, packageName: '@tesseract.js-data/xyz', problem: expect.stringMatching(/not installed/) });
    expect(byLanguage['../etc']).toMatchObject({ present: false, problem: expect.stringMatching(/not a tesseract language code/) });
  });

  it('accepts both builds shipped in the packages', async () => {
    const legacy = await checkLanguageData(['eng', 'chi_tra'], { build: '4.0.0' });
    expect(legacy.map((s) => s.present)).toEqual([true, true]);
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

  it('refuses gzip data that is not traineddata before any worker loads it', async () => {
    // Init would fail on it, and tesseract.js v7 then throws from its message listener: a crash.
    const resolvePackageDir = fakePackages({ eng: gzipSync(Buffer.from('definitely not a traineddata file')) });
    const error = await createOcrPool({ languages: ['eng'], size: 1, languageData: { resolvePackageDir } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocintelError);
    expect((error as DocintelError).code).toBe('OCR_LANGUAGE_DATA_MISSING');
    expect((error as DocintelError).message).toMatch(/not traineddata/);
  });
});
