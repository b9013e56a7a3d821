/**
 * Where tesseract's language data comes from: the `@tesseract.js-data/<lang>` npm packages, never a
 * CDN (the nightly run must work offline and must not change behaviour when a CDN file changes).
 *
 * Each package ships two builds of `<lang>.traineddata.gz`:
 * - `4.0.0`: legacy engine + LSTM (tessdata repo). The legacy part is dead weight for OEM LSTM_ONLY.
 * - `4.0.0_best_int`: LSTM only (integerised "best" networks).
 * We use `4.0.0_best_int`. Measured on this machine (tesseract.js 7, eng+chi_tra, one worker, the
 * builds interleaved page by page on 12 SROIE receipts, preprocessed as in preprocess.ts):
 *
 * | build          | gz size eng + chi_tra | worker RSS | start + first page | CPU ms/page | mean CER |
 * |----------------|-----------------------|------------|--------------------|-------------|----------|
 * | 4.0.0_best_int | 2.9 + 1.6 MB          | ~150 MB    | 3.9 s              | 1728        | 0.163    |
 * | 4.0.0          | 11 + 26 MB            | ~530 MB    | 4.4 s              | 1604        | 0.168    |
 *
 * Speed is the same within this machine's noise (±10%): the eng LSTM network is the same in both
 * (combine_tessdata -d: 1,487,5xx bytes, same net spec), and the 54 MB legacy part of 4.0.0 chi_tra is
 * never used by OEM LSTM_ONLY. chi_tra differs: best_int (the network Debian ships as tessdata_fast)
 * read tw-dev 7_triple_invoice's printed Chinese correctly (統一編號, 應稅、零稅率、免稅之銷售額應分別
 * 開立統一發票) where 4.0.0 produced look-alike nonsense (活應貌、零猁率、克狼之鉗管續應). With one worker
 * per core, 4.0.0 would also cost ~380 MB more per worker.
 */
import { constants as fsConstants } from 'node:fs';
import { access, copyFile, mkdtemp, readFile, rm, stat, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DocintelError } from '../../pipeline/errors.js';

/** The folder inside each `@tesseract.js-data/<lang>` package; see the file comment for the choice. */
export type TraineddataBuild = '4.0.0_best_int' | '4.0.0';

/** Default build: LSTM-only, small and fast to load. */
export const DEFAULT_TRAINEDDATA_BUILD: TraineddataBuild = '4.0.0_best_int';

export interface LanguageDataStatus {
  /** Tesseract language code, e.g. `eng`, `chi_tra`. */
  language: string;
  /** The npm package that provides it. */
  packageName: string;
  /** Absolute path of the `.traineddata.gz` file (where it was expected when missing). */
  path: string;
  /** True when the file exists and holds loadable traineddata (gzip, consistent header, LSTM model). */
  present: boolean;
  /** Why it is not present (package not installed, file missing, invalid code). */
  problem?: string;
}

export interface LanguageDataOptions {
  /** Which build folder to use. Default `4.0.0_best_int`. */
  build?: TraineddataBuild;
  /**
   * Folder of an installed package, throwing when it is not installed. Default: Node's resolution from
   * this file (`require.resolve('<package>/package.json')`). Tests point it at fixtures.
   */
  resolvePackageDir?: (packageName: string) => string;
}

const require = createRequire(import.meta.url);
const gunzipAsync = promisify(gunzip);

// Codes are joined into a file path: anything but a plain identifier could leave the package folder.
const LANGUAGE_CODE = /^[a-z][a-z0-9_]*$/;

/** Per-language status of the traineddata files; never throws (used by `docintel doctor`). */
export async function checkLanguageData(
  languages: readonly string[],
  options: LanguageDataOptions = {},
): Promise<LanguageDataStatus[]> {
  const build = options.build ?? DEFAULT_TRAINEDDATA_BUILD;
  const resolvePackageDir = options.resolvePackageDir ?? defaultResolvePackageDir;
  return Promise.all(languages.map((language) => checkOne(language, build, resolvePackageDir)));
}

function defaultResolvePackageDir(packageName: string): string {
  return dirname(require.resolve(`${packageName}/package.json`));
}

async function checkOne(
  language: string,
  build: TraineddataBuild,
  resolvePackageDir: (packageName: string) => string,
): Promise<LanguageDataStatus> {
  const packageName = `@tesseract.js-data/${language}`;
  const fileName = `${language}.traineddata.gz`;
  if (!LANGUAGE_CODE.test(language)) {
    return { language, packageName, path: '', present: false, problem: `"${language}" is not a tesseract language code` };
  }
  let packageDir: string;
  try {
    packageDir = resolvePackageDir(packageName);
  } catch {
    return {
      language,
      packageName,
      path: join('node_modules', packageName, build, fileName),
      present: false,
      problem: `package ${packageName} is not installed`,
    };
  }
  const path = join(packageDir, build, fileName);
  try {
    await access(path, fsConstants.R_OK);
    const info = await stat(path);
    if (!info.isFile() || info.size === 0) return { language, packageName, path, present: false, problem: 'file is empty' };
  } catch {
    return { language, packageName, path, present: false, problem: 'file is missing or unreadable' };
  }
  const problem = await traineddataProblem(path);
  if (problem !== null) return { language, packageName, path, present: false, problem };
  return { language, packageName, path, present: true };
}

/** Entries in a tesseract 4/5 traineddata file (TessdataType); 17 is the LSTM network. */
const TESSDATA_NUM_ENTRIES = 24;
const TESSDATA_LSTM = 17;
/** tessdatamanager.cpp rejects a header claiming more entries than this. */
const MAX_TESSDATA_ENTRIES = 1000;

/**
 * Why the file would fail tesseract's Init, or null when it looks loadable: gzip that inflates to a
 * traineddata whose offset table is consistent and has an LSTM entry (we run OEM LSTM_ONLY). This
 * matters beyond a nicer message: when Init fails, tesseract.js v7's worker reports the job as both
 * rejected and resolved, and the second message throws inside its listener: an uncaught exception
 * that ends the process whatever `errorHandler` is set. Costs ~30 ms for the best_int files.
 */
async function traineddataProblem(path: string): Promise<string | null> {
  const compressed = await readFile(path);
  // tesseract.js only gunzips when it sees the gzip magic; anything else would reach Init as is.
  if (compressed[0] !== 0x1f || compressed[1] !== 0x8b) return 'file is not gzip data';
  let data: Buffer;
  try {
    data = await gunzipAsync(compressed);
  } catch {
    return 'file is not valid gzip data (truncated or corrupt)';
  }
  if (data.length < 4) return 'file is not traineddata (too short)';
  const entries = data.readUInt32LE(0);
  if (entries < 1 || entries > MAX_TESSDATA_ENTRIES) return 'file is not traineddata (bad header)';
  const tableEnd = 4 + entries * 8;
  if (data.length < tableEnd) return 'file is not traineddata (truncated header)';
  let previous = tableEnd;
  let lstm = false;
  for (let i = 0; i < entries; i++) {
    const offset = Number(data.readBigInt64LE(4 + i * 8));
    if (offset === -1) continue;
    if (offset < previous || offset > data.length) return 'file is not traineddata (inconsistent offsets)';
    previous = offset;
    if (i === TESSDATA_LSTM && i < TESSDATA_NUM_ENTRIES) lstm = true;
  }
  if (!lstm) return 'traineddata has no LSTM model (legacy-only data cannot be used)';
  return null;
}

/**
 * Verifies every language's data and throws OCR_LANGUAGE_DATA_MISSING naming each missing one. Must run
 * before any tesseract.js worker exists: a worker given a bad path either crashes the process (no
 * errorHandler) or never settles (with one).
 */
export async function requireLanguageData(
  languages: readonly string[],
  options: LanguageDataOptions = {},
): Promise<LanguageDataStatus[]> {
  if (languages.length === 0) {
    throw new DocintelError('OCR_LANGUAGE_DATA_MISSING', 'No OCR language configured', {
      hint: 'Configure at least one language, e.g. eng or chi_tra.',
    });
  }
  const statuses = await checkLanguageData(languages, options);
  const missing = statuses.filter((status) => !status.present);
  if (missing.length > 0) {
    const list = missing.map((status) => `${status.language} (${status.problem ?? 'missing'}: ${status.path})`).join(', ');
    const packages = missing.map((status) => status.packageName).join(' ');
    throw new DocintelError('OCR_LANGUAGE_DATA_MISSING', `OCR language data missing for ${list}`, {
      hint: `Reinstall the language packages with \`npm install ${packages}\` (or \`npm ci\`), or remove the language from the configuration.`,
      details: { languages: missing.map((status) => status.language) },
    });
  }
  return statuses;
}

/** A directory holding `<lang>.traineddata.gz` for every language, for tesseract.js's single `langPath`. */
export interface LanguageDirectory {
  /** Pass as `langPath` (with `gzip: true`). */
  path: string;
  /** Removes the directory when it was created for this pool (no-op otherwise). */
  dispose(): Promise<void>;
}

/**
 * tesseract.js reads every language from one `langPath`, but each language lives in its own package
 * folder. (Its `{ code, data }` language objects would avoid this, but v7 passes `data` instead of
 * `code` to Init, so they cannot be used.) When the files are not already side by side we make a
 * private directory (mkdtemp, mode 0700) of symlinks to the package files, so no data is copied and
 * nothing another user wrote to /tmp can be picked up. Copies are the fallback where symlinks are not
 * allowed (Windows without developer mode).
 */
export async function prepareLanguageDirectory(statuses: readonly LanguageDataStatus[]): Promise<LanguageDirectory> {
  const dirs = new Set(statuses.map((status) => dirname(status.path)));
  const [only] = dirs;
  if (dirs.size === 1 && only !== undefined) return { path: only, dispose: async () => {} };
  const path = await mkdtemp(join(tmpdir(), 'docintel-tessdata-'));
  try {
    for (const status of statuses) {
      const link = join(path, `${status.language}.traineddata.gz`);
      try {
        await symlink(status.path, link);
      } catch {
        await copyFile(status.path, link);
      }
    }
  } catch (cause) {
    await rm(path, { recursive: true, force: true });
    throw new DocintelError('OCR_LANGUAGE_DATA_MISSING', `Cannot prepare OCR language data in ${path}`, {
      cause,
      hint: 'Check that the temporary directory (TMPDIR) is writable.',
    });
  }
  return { path, dispose: () => rm(path, { recursive: true, force: true }) };
}
