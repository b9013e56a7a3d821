/**
 * A pool of tesseract.js workers (one wasm tesseract per worker thread, one per core by default) that
 * reads page images into `PageText`. Workers are started on demand, reused across documents, and
 * replaced when one dies or hangs; a page that fails only fails itself.
 *
 * tesseract.js quirks this file works around (v7.0.0):
 * - A rejected job with no `errorHandler` is re-thrown inside its message listener: an uncaught
 *   exception that ends the process. We always pass one and rely on the returned promise instead.
 * - When `Init` fails (bad traineddata) the worker answers the job twice (reject, then resolve) and
 *   the second answer throws inside the listener: a crash no option prevents. `createWorker` itself
 *   never settles. So the language files are verified before any worker exists (lang-data.ts checks
 *   the traineddata header), and each start still races its own `errorHandler` and a timeout for the
 *   failures that do not crash (unreadable or corrupt gzip).
 * - The default `cacheMethod` writes `<lang>.traineddata` into the working directory: we use `none`.
 * - Lines and words are only returned with the `blocks: true` output (off by default since v6).
 */
import { availableParallelism } from 'node:os';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import type Tesseract from 'tesseract.js';
import { DocintelError, errorMessage } from '../../pipeline/errors.js';
import type { BoundingBox, PageText, TextLine, TextWord } from '../types.js';
import { prepareLanguageDirectory, requireLanguageData, type LanguageDataOptions } from './lang-data.js';
import { normalizeOcrText } from './normalize.js';

export interface OcrPoolOptions {
  /** Tesseract languages in priority order (the first is tried first for every word). Default `['eng', 'chi_tra']`. */
  languages?: string[];
  /** Number of workers, each a thread using one core while it reads. Default `os.availableParallelism()`. */
  size?: number;
  /** Where the traineddata comes from; default build `4.0.0_best_int` of `@tesseract.js-data/*` (see lang-data.ts). */
  languageData?: LanguageDataOptions;
  /**
   * Tesseract page segmentation mode. Default `'3'` (automatic layout, as the tesseract CLI). tesseract.js
   * otherwise uses the library default 6 (one uniform block). Measured on 24 SROIE receipts, interleaved:
   * PSM 3 1763 ms/page, CER 0.156; PSM 6 2178 ms, CER 0.142. PSM 6 keeps each printed row on one line
   * (a slightly better CER in reading order) but merges columns of forms and A4 invoices into one block;
   * the receipt rules rebuild rows from the boxes anyway (extractors/receipt/layout.ts), so the 19%
   * faster PSM 3 is the pool's default. The pipeline passes 6 for receipts all the same, because PSM 3
   * drops right-aligned amount columns (pipeline/services.ts has the figures). (PSM 4: CER 0.183.
   * `tessedit_do_invert=0` saves ~9% on English SROIE pages at the same CER, but loses white-on-black
   * headers, so it is left on for pages; adaptive-ocr.ts turns it off for its single-line re-reads.)
   */
  pageSegMode?: string;
  /** Extra tesseract parameters set once on every worker. Default none. */
  parameters?: Record<string, string>;
  /** Milliseconds a worker may take to start (load wasm and traineddata). Default 60 000. */
  startTimeoutMs?: number;
  /** Milliseconds one page may take; past it the worker is killed and replaced. Default 180 000. */
  recognizeTimeoutMs?: number;
  /** Largest page image accepted, in pixels; bigger ones would exhaust the wasm heap. Default 40 000 000. */
  maxPixels?: number;
}

export interface OcrPoolStats {
  /** Configured number of workers. */
  size: number;
  /** Workers currently started (or starting). */
  workers: number;
  /** Pages being read right now (never above `size`). */
  busy: number;
  /** Pages waiting for a worker. */
  queued: number;
  /** Highest `busy` seen since the pool was created. */
  maxBusy: number;
  /** Pages read successfully. */
  recognized: number;
  /** Pages that failed. */
  failed: number;
  /** Workers replaced after dying, hanging or failing to start. */
  restarts: number;
}

export interface OcrPool {
  /** Number of workers. */
  readonly size: number;
  /** Languages every worker was started with. */
  readonly languages: readonly string[];
  /**
   * Reads one page image (PNG preferred; any format tesseract reads works). Boxes are pixels of this
   * image, confidences 0..1, `text` normalised (normalize.ts) and `rawText` as tesseract produced it.
   * Rejects with OCR_FAILED (or IMAGE_TOO_LARGE, INTERRUPTED) and leaves the pool usable.
   */
  recognize(image: Buffer, pageNo?: number): Promise<PageText>;
  /** Counters for progress output and tests. */
  stats(): OcrPoolStats;
  /** Stops every worker now; queued and running pages reject with INTERRUPTED. Idempotent. */
  terminate(): Promise<void>;
}

const DEFAULT_LANGUAGES = ['eng', 'chi_tra'];

/**
 * Init-only tesseract parameters. chi_tra's traineddata asks tesseract to load `chi_tra_vert` (vertical
 * text) as a sub-language whenever chi_tra comes first; the npm package does not ship it, so every
 * worker start printed "Failed loading language" with a garbled name. Sub-languages come only from the
 * configured list.
 */
const INIT_PARAMETERS = { tessedit_load_sublangs: '' };
const LSTM_ONLY = 1;

interface Job {
  image: Buffer;
  pageNo: number;
  width: number;
  height: number;
  resolve: (page: PageText) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Tesseract.Worker | null;
  starting: Promise<Tesseract.Worker> | null;
  busy: boolean;
  /** Rejects the page in flight when the thread dies. */
  onDeath: ((error: Error) => void) | null;
}

/** Creates a pool after checking the language data (OCR_LANGUAGE_DATA_MISSING before any worker exists). */
export async function createOcrPool(options: OcrPoolOptions = {}): Promise<OcrPool> {
  const languages = options.languages ?? DEFAULT_LANGUAGES;
  const size = options.size ?? availableParallelism();
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const recognizeTimeoutMs = options.recognizeTimeoutMs ?? 180_000;
  const maxPixels = options.maxPixels ?? 40_000_000;
  validateOptions({ languages, size, startTimeoutMs, recognizeTimeoutMs, maxPixels });

  const statuses = await requireLanguageData(languages, options.languageData);
  const languageDir = await prepareLanguageDirectory(statuses);
  const parameters: Record<string, string> = {
    tessedit_pageseg_mode: options.pageSegMode ?? '3',
    // Without it tesseract collapses column gaps to one space and puts spaces between Han characters.
    preserve_interword_spaces: '1',
    // Keeps tesseract's diagnostics ("Image too small to scale!!") out of docintel's own output.
    debug_file: '/dev/null',
    ...options.parameters,
  };

  const slots: Slot[] = Array.from({ length: size }, () => ({ worker: null, starting: null, busy: false, onDeath: null }));
  const queue: Job[] = [];
  const counters = { maxBusy: 0, recognized: 0, failed: 0, restarts: 0 };
  let closed = false;
  let tesseractModule: typeof Tesseract | undefined;

  async function loadTesseract(): Promise<typeof Tesseract> {
    // Lazy: tesseract.js is only needed once a page is read, and `docintel --help` must start instantly.
    tesseractModule ??= (await import('tesseract.js')).default;
    return tesseractModule;
  }

  async function startWorker(slot: Slot): Promise<Tesseract.Worker> {
    const tesseract = await loadTesseract();
    let failStart: (error: unknown) => void = () => {};
    const startFailed = new Promise<never>((_, reject) => {
      failStart = reject;
    });
    const created = tesseract.createWorker(languages, LSTM_ONLY, {
      langPath: languageDir.path,
      gzip: true,
      cacheMethod: 'none',
      // Every job rejection also lands here; the job's own promise reports it. During start-up this is
      // the only signal that Init failed.
      errorHandler: (error: unknown) => failStart(error),
    // The typings list only the dawg switches, but any init-only parameter is passed through to Init.
    }, INIT_PARAMETERS as unknown as Partial<Tesseract.InitOptions>);
    // Parameters are part of the start: a worker that cannot take them is not usable.
    const boot = (async () => {
      const started = await Promise.race([created, startFailed]);
      await started.setParameters(parameters);
      return started;
    })();
    let worker: Tesseract.Worker;
    try {
      worker = await withTimeout(boot, startTimeoutMs, 'starting an OCR worker');
    } catch (cause) {
      created.then((late) => late.terminate()).catch(() => {});
      throw new DocintelError('OCR_FAILED', `Cannot start an OCR worker for ${languages.join('+')}: ${errorMessage(cause)}`, {
        cause,
        hint: 'Run `docintel doctor` to check the OCR language data; reinstall with `npm ci` if it reports a problem.',
      });
    }
    failStart = () => {};
    if (closed) {
      await worker.terminate().catch(() => {});
      throw new DocintelError('INTERRUPTED', 'The OCR pool was terminated while a worker was starting');
    }
    watchThread(slot, worker);
    return worker;
  }

  /** Listens for the worker thread ending: an unlistened 'error' event would crash the process. */
  function watchThread(slot: Slot, worker: Tesseract.Worker): void {
    const thread = (worker as unknown as { worker?: ThreadWorker }).worker;
    if (thread === undefined || typeof thread.on !== 'function') return;
    const died = (error: Error): void => {
      // A worker we discarded or terminated ourselves also exits; only the slot's current one matters.
      if (slot.worker !== worker) return;
      slot.worker = null;
      counters.restarts += 1;
      slot.onDeath?.(error);
    };
    thread.on('error', (error: Error) => died(error));
    thread.on('exit', (code: number) => died(new Error(`OCR worker thread exited with code ${code}`)));
  }

  async function ensureWorker(slot: Slot): Promise<Tesseract.Worker> {
    if (slot.worker !== null) return slot.worker;
    slot.starting ??= startWorker(slot);
    try {
      const worker = await slot.starting;
      slot.worker = worker;
      return worker;
    } finally {
      slot.starting = null;
    }
  }

  async function discardWorker(slot: Slot): Promise<void> {
    const worker = slot.worker;
    slot.worker = null;
    if (worker === null) return;
    counters.restarts += 1;
    await worker.terminate().catch(() => {});
  }

  function pump(): void {
    while (!closed && queue.length > 0) {
      // Prefer a started idle worker so documents reuse warm workers; start a new one only if none is idle.
      const slot = slots.find((s) => !s.busy && s.worker !== null) ?? slots.find((s) => !s.busy);
      if (slot === undefined) return;
      const job = queue.shift();
      if (job === undefined) return;
      slot.busy = true;
      void run(slot, job);
    }
  }

  async function run(slot: Slot, job: Job): Promise<void> {
    counters.maxBusy = Math.max(counters.maxBusy, busyCount());
    try {
      const worker = await ensureWorker(slot);
      const death = new Promise<never>((_, reject) => {
        slot.onDeath = reject;
      });
      const recognized = worker.recognize(job.image, {}, { text: false, blocks: true });
      let result: Tesseract.RecognizeResult;
      try {
        result = await withTimeout(Promise.race([recognized, death]), recognizeTimeoutMs, `reading page ${job.pageNo}`);
      } catch (cause) {
        // A timeout or a dead thread leaves the worker in an unknown state: replace it. A plain
        // rejection (unreadable image) leaves tesseract's state intact, so the worker is kept.
        if (cause instanceof TimeoutError || slot.worker !== worker) await discardWorker(slot);
        throw cause;
      }
      counters.recognized += 1;
      job.resolve(toPageText(result.data, job.pageNo, job.width, job.height));
    } catch (cause) {
      counters.failed += 1;
      job.reject(
        cause instanceof DocintelError
          ? cause
          : new DocintelError('OCR_FAILED', `OCR failed on page ${job.pageNo}: ${errorMessage(cause)}`, {
              cause,
              hint:
                cause instanceof TimeoutError
                  ? `The page took longer than ${recognizeTimeoutMs} ms; it is retried on the next run.`
                  : 'The page image could not be read by tesseract; check the file opens in an image viewer.',
              details: { pageNo: job.pageNo },
            }),
      );
    } finally {
      slot.onDeath = null;
      slot.busy = false;
      pump();
    }
  }

  function busyCount(): number {
    return slots.filter((slot) => slot.busy).length;
  }

  async function recognize(image: Buffer, pageNo = 1): Promise<PageText> {
    if (closed) throw interrupted(pageNo);
    const { width, height } = await imageSize(image, pageNo);
    if (width * height > maxPixels) {
      throw new DocintelError('IMAGE_TOO_LARGE', `Page ${pageNo} is ${width}x${height} px, more than the OCR limit of ${maxPixels} pixels`, {
        hint: 'Preprocess the image first (preprocessImage scales it to a size tesseract reads well).',
        details: { pageNo, width, height, maxPixels },
      });
    }
    return new Promise<PageText>((resolve, reject) => {
      queue.push({ image, pageNo, width, height, resolve, reject });
      pump();
    });
  }

  async function terminate(): Promise<void> {
    if (closed) return;
    closed = true;
    for (const job of queue.splice(0)) job.reject(interrupted(job.pageNo));
    await Promise.all(
      slots.map(async (slot) => {
        const pending = slot.starting;
        slot.onDeath?.(new DocintelError('INTERRUPTED', 'The OCR pool was terminated while a page was being read'));
        const worker = slot.worker ?? (pending ? await pending.catch(() => null) : null);
        slot.worker = null;
        if (worker !== null) await worker.terminate().catch(() => {});
      }),
    );
    await languageDir.dispose().catch(() => {});
  }

  return {
    size,
    languages: [...languages],
    recognize,
    stats: () => ({
      size,
      workers: slots.filter((slot) => slot.worker !== null || slot.starting !== null).length,
      busy: busyCount(),
      queued: queue.length,
      maxBusy: counters.maxBusy,
      recognized: counters.recognized,
      failed: counters.failed,
      restarts: counters.restarts,
    }),
    terminate,
  };
}

function validateOptions(o: { languages: unknown; size: number; startTimeoutMs: number; recognizeTimeoutMs: number; maxPixels: number }): void {
  const bad = (option: string, expected: string, value: unknown): DocintelError =>
    new DocintelError('CONFIG_INVALID', `[ocr] Expected ${expected} for option ${option} but received ${JSON.stringify(value)}`, {
      hint: `Fix the OCR option ${option}.`,
    });
  if (!Array.isArray(o.languages) || o.languages.length === 0 || !o.languages.every((l) => typeof l === 'string' && l !== '')) {
    throw bad('languages', 'a non-empty list of tesseract language codes', o.languages);
  }
  if (!Number.isInteger(o.size) || o.size < 1) throw bad('size', 'an integer >= 1', o.size);
  for (const [name, value] of [
    ['startTimeoutMs', o.startTimeoutMs],
    ['recognizeTimeoutMs', o.recognizeTimeoutMs],
    ['maxPixels', o.maxPixels],
  ] as const) {
    if (!Number.isFinite(value) || value <= 0) throw bad(name, 'a positive number', value);
  }
}

class TimeoutError extends Error {}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`timed out after ${ms} ms ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function interrupted(pageNo: number): DocintelError {
  return new DocintelError('INTERRUPTED', `OCR of page ${pageNo} was cancelled: the OCR pool is terminated`, {
    hint: 'The document is retried on the next run.',
    details: { pageNo },
  });
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Page size from the PNG header (no decode); other formats go through sharp's header reader. */
async function imageSize(image: Buffer, pageNo: number): Promise<{ width: number; height: number }> {
  if (image.length >= 24 && image.subarray(0, 8).equals(PNG_SIGNATURE) && image.toString('latin1', 12, 16) === 'IHDR') {
    return { width: image.readUInt32BE(16), height: image.readUInt32BE(20) };
  }
  try {
    const sharp = (await import('sharp')).default;
    const meta = await sharp(image).metadata();
    if (meta.width !== undefined && meta.height !== undefined) return { width: meta.width, height: meta.height };
  } catch (cause) {
    throw new DocintelError('OCR_FAILED', `OCR input for page ${pageNo} is not a readable image: ${errorMessage(cause)}`, {
      cause,
      hint: 'Pass the PNG produced by preprocessImage.',
      details: { pageNo },
    });
  }
  throw new DocintelError('OCR_FAILED', `OCR input for page ${pageNo} has no dimensions`, { hint: 'Pass the PNG produced by preprocessImage.' });
}

function toBox(bbox: Tesseract.Bbox): BoundingBox {
  return { x0: bbox.x0, y0: bbox.y0, x1: bbox.x1, y1: bbox.y1 };
}

function toConfidence(percent: number): number {
  return Number.isFinite(percent) ? Math.min(1, Math.max(0, percent / 100)) : 0;
}

/** Flattens tesseract's block → paragraph → line → word tree into our reading-order lines. */
export function toPageText(page: Tesseract.Page, pageNo: number, width: number, height: number): PageText {
  const lines: TextLine[] = [];
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        // A line's text ends with one or more newlines (two at a paragraph end); none may stay inside
        // it, or the page text would have more lines than `lines`.
        const rawText = line.text.replace(/[\r\n]+$/u, '').replace(/[\r\n]+/gu, ' ');
        if (rawText.trim() === '') continue;
        const words: TextWord[] = line.words
          .filter((word) => word.text.trim() !== '')
          .map((word) => ({ text: normalizeOcrText(word.text), confidence: toConfidence(word.confidence), bbox: toBox(word.bbox) }));
        lines.push({
          text: normalizeOcrText(rawText),
          rawText,
          confidence: toConfidence(line.confidence),
          bbox: toBox(line.bbox),
          words,
        });
      }
    }
  }
  return {
    pageNo,
    source: 'ocr',
    text: lines.map((line) => line.text).join('\n'),
    rawText: lines.map((line) => line.rawText).join('\n'),
    confidence: lines.length === 0 ? 0 : toConfidence(page.confidence),
    width,
    height,
    lines,
  };
}
