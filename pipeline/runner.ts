/**
 * The nightly run: discover -> register -> (per document) preprocess -> read -> commit.
 *
 * Phase 1 streams the folder and registers every file by content hash; the database becomes the queue.
 * Phase 2 claims documents from that queue in small batches and processes them with bounded
 * concurrency. Each document's results are committed in one transaction, so a kill -9 at any point
 * leaves every document either untouched, or fully written with its stage; the next run picks up the
 * rest. Per-document failures are recorded and the run carries on; only run-level problems (the
 * database going away, the lock held by another run) stop it.
 */
import { hostname } from 'node:os';
import { basename } from 'node:path';
import type { AdaptiveOcrStats, LanguageStats } from '../extractors/ocr/adaptive-ocr.js';
import type { PpOcrPoolStats } from '../extractors/ocr/ppocr/ppocr-pool.js';
import type { OcrPool, OcrPoolStats } from '../extractors/ocr/tesseract-pool.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { detectFileType, mimeOf } from './detect-type.js';
import { decodePath, discoverFiles, type DiscoveredFile } from './discover.js';
import { DocintelError, isDocintelError, toDocintelError, type ErrorCode } from './errors.js';
import { hashFile } from './hash.js';
import type { ProgressSink } from './progress.js';
import { withRunLock } from './run-lock.js';
import { classifyDocument } from './stages/classify.js';
import { extractReceipt, readEInvoiceQr } from './stages/extract.js';
import { fileError, loadFile, type LoadedFile } from './stages/load-file.js';
import { preprocess, type PreparedDocument } from './stages/preprocess.js';
import { saveReceipt } from './store/receipts.js';
import type { Limiter } from './limit.js';
import type { OllamaClient } from '../extractors/ollama/client.js';
import type { ReceiptRecord } from '../schemas/receipt.js';
import type { QrReceipt } from '../extractors/qr/einvoice-fields.js';
import { readPages } from './stages/read.js';
import type { QuarterTurn } from '../extractors/ocr/upright.js';
import {
  claimDocuments,
  findPath,
  markDone,
  markFailed,
  pathsOf,
  registerDocument,
  releaseClaim,
  requeueAbandoned,
  savePages,
  setDocumentFacts,
  storedPages,
  touchIfUnchanged,
  type DocumentRow,
  type Stage,
} from './store/documents.js';
import { flagDuplicateClaims, type DuplicateClaimCounts } from './store/duplicate-claims.js';
import { agreeSellerReadings, type ConsensusCounts } from './store/seller-consensus.js';

export interface RunOptions {
  /** The inbox to walk; without it only the queue in the database is processed (`docintel retry`). */
  folder?: string;
  /** Also retry documents that used up their attempts. */
  retryFailed?: boolean;
  /** Stop claiming new documents when aborted (SIGINT/SIGTERM); documents in flight finish. */
  signal?: AbortSignal;
  /** Test seam: called between registration and processing (e.g. to delete a registered file). */
  afterRegister?: () => Promise<void>;
  /** Set by the runner: aborts when the connection holding the run lock is lost (the run must stop). */
  lockLost?: AbortSignal;
}

/** Throws the lock-loss error once the run lock's connection is gone. */
function assertLockHeld(options: RunOptions): void {
  if (options.lockLost?.aborted) {
    const reason = options.lockLost.reason as unknown;
    throw new DocintelError('DB_UNREACHABLE', `Lost the database connection holding the run lock: ${errorText(reason)}`, {
      cause: reason,
      hint: 'The database restarted or went away mid-run. Documents in flight were not committed; run again once it is back and the next run finishes them.',
    });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface RunDeps {
  db: Database;
  config: Config;
  progress: ProgressSink;
  /** Creates the OCR pool on first use; the runner terminates it at the end. */
  createOcr: () => Promise<OcrPool>;
  /** The Ollama client (used with --extractor ollama), created on first use. */
  ollama: () => OllamaClient;
  /** Bounds Ollama calls in flight. */
  llmLimit: Limiter;
  version: string;
}

export interface FailedDocument {
  documentId: number;
  path: string;
  stage: string;
  code: string;
  message: string;
  attempts: number;
  /** No attempts left: stays failed until `docintel retry`. */
  final: boolean;
}

export interface RunSummary {
  runId: number;
  folder: string | null;
  status: 'finished' | 'interrupted' | 'failed';
  startedAt: string;
  finishedAt: string;
  wallMs: number;
  files: {
    seen: number;
    new: number;
    /** Same path, same size and mtime as last time: not read again. */
    unchanged: number;
    /** New path (copy or rename) of content already registered. */
    duplicate: number;
    /** Content changed at a known path, or a known path not yet done: hashed again. */
    rehashed: number;
    skipped: Record<string, number>;
  };
  documents: {
    queued: number;
    done: number;
    failed: number;
    failedByCode: Record<string, number>;
    /** Failed in earlier runs with no attempts left (not retried; see `docintel retry`). */
    leftFailed: number;
  };
  stageMs: Record<string, number>;
  /** Pages OCRed in this run and, in `auto` language mode, how the languages were used. */
  ocr?: { engine: string; pages: number; failed: number; languageMode?: string; languageUse?: LanguageStats; chinesePages?: number };
  /** Pages that read better turned by a quarter turn (scanned sideways or upside down) and were kept turned. */
  pagesTurned: number;
  /**
   * OCR passes over pages turned a quarter turn because they read weakly as they came (counted in
   * `ocr.pages` too): what trying the turns cost, mostly on photos with little text.
   */
  turnedReads: number;
  failures: FailedDocument[];
  /** Receipts whose seller tax id, name or address was set to what the seller's other receipts agree on. */
  sellerConsensus?: ConsensusCounts;
  /** Receipts flagged (or no longer flagged) as repeating an earlier document's purchase. */
  duplicateClaims?: DuplicateClaimCounts;
  runError?: { code: string; message: string; hint?: string };
}

/** How long a 'processing' claim may stand before another run takes it over (the worker died). */
const STALE_CLAIM_MS = 30 * 60 * 1000;
const BATCH = 8;

function increment(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/**
 * With `--extractor ollama` every receipt needs the vision model: if Ollama is down or the model is not
 * pulled, the run stops before touching a document (exit 2) instead of failing each one and using up
 * its attempts. Ollama going away mid-run still fails only the documents in flight (retried next run).
 */
async function requireVisionModel(config: Config): Promise<void> {
  const { checkOllama } = await import('../extractors/ollama/health.js');
  const health = await checkOllama({ host: config.ollamaHost, models: [{ name: config.visionModel, role: 'vision' }], timeoutMs: 5000 });
  if (!health.reachable) {
    throw new DocintelError('OLLAMA_UNREACHABLE', `Ollama is not reachable at ${health.host}${health.error ? ` (${health.error})` : ''}, and --extractor ollama needs it`, {
      hint: 'Start it with `ollama serve` (or fix OLLAMA_HOST), or run with --extractor offline. No document was touched.',
    });
  }
  const model = health.models[0];
  if (model && !model.present) {
    throw new DocintelError('OLLAMA_MODEL_MISSING', `The vision model ${config.visionModel} is not installed on Ollama at ${health.host}`, {
      hint: `Run \`${model.pullCommand ?? `ollama pull ${config.visionModel}`}\` on that machine, or choose another with --vision-model. No document was touched.`,
    });
  }
}

export async function runFolder(options: RunOptions, deps: RunDeps): Promise<RunSummary> {
  const { db, config, progress } = deps;
  await migrate(db);
  return withRunLock(db, async (lockLost) => {
    options = { ...options, lockLost };
    // Runs left 'running' by a process that died can no longer be running: we hold the lock.
    await db.query(`UPDATE runs SET status = 'interrupted', finished_at = now() WHERE status = 'running'`);
    await requeueAbandoned(db);
    if (config.extractor === 'ollama') await requireVisionModel(config);
    const started = new Date();
    const run = await db.query<{ id: number }>(
      `INSERT INTO runs (host, pid, folder, options, version) VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING id`,
      [hostname(), process.pid, options.folder ?? null, JSON.stringify({ retryFailed: !!options.retryFailed, extractor: config.extractor }), deps.version],
    );
    const runId = run.rows[0]!.id;
    progress.emit({ type: 'run-started', runId, folder: options.folder ?? '(queue only)' });
    const summary: RunSummary = {
      runId,
      folder: options.folder ?? null,
      status: 'finished',
      startedAt: started.toISOString(),
      finishedAt: '',
      wallMs: 0,
      files: { seen: 0, new: 0, unchanged: 0, duplicate: 0, rehashed: 0, skipped: {} },
      documents: { queued: 0, done: 0, failed: 0, failedByCode: {}, leftFailed: 0 },
      stageMs: {},
      pagesTurned: 0,
      turnedReads: 0,
      failures: [],
    };
    let ocr: Promise<OcrPool> | undefined;
    const getOcr = () => (ocr ??= deps.createOcr());
    try {
      if (options.folder !== undefined) await registerFolder(options.folder, options, deps, runId, summary);
      await options.afterRegister?.();
      if (!options.signal?.aborted) await processQueue(options, deps, runId, summary, getOcr);
      if (!options.signal?.aborted && config.sellerConsensus === 'on') {
        assertLockHeld(options);
        summary.sellerConsensus = await agreeSellerReadings(db);
      }
      // After the consensus: a seller's tax id corrected there is the one two copies are matched on.
      if (!options.signal?.aborted) {
        assertLockHeld(options);
        summary.duplicateClaims = await flagDuplicateClaims(db);
      }
      if (options.signal?.aborted) summary.status = 'interrupted';
    } catch (error) {
      summary.status = 'failed';
      const failure = toDocintelError(error);
      summary.runError = { code: failure.code, message: failure.message, ...(failure.hint ? { hint: failure.hint } : {}) };
      throw Object.assign(failure, { summary });
    } finally {
      const pool = ocr ? await ocr.catch(() => undefined) : undefined;
      if (pool) {
        // A plain pool has no language statistics; the adaptive reader (the pipeline's) adds them.
        const stats: OcrPoolStats & Partial<Pick<AdaptiveOcrStats, 'languageMode' | 'languageUse'> & Pick<PpOcrPoolStats, 'chinesePages'>> = pool.stats();
        summary.ocr = {
          engine: config.ocrEngine,
          pages: stats.recognized,
          failed: stats.failed,
          ...(stats.languageMode ? { languageMode: stats.languageMode } : {}),
          ...(stats.languageUse ? { languageUse: stats.languageUse } : {}),
          ...(stats.chinesePages !== undefined ? { chinesePages: stats.chinesePages } : {}),
        };
        await pool.terminate();
      }
      const left = await db
        .query<{ n: number }>(`SELECT count(*)::int AS n FROM documents WHERE status = 'failed' AND attempts >= $1`, [config.maxAttempts])
        .catch(() => ({ rows: [{ n: 0 }] }));
      summary.documents.leftFailed = Math.max(0, (left.rows[0]?.n ?? 0) - summary.failures.filter((f) => f.final).length);
      const finished = new Date();
      summary.finishedAt = finished.toISOString();
      summary.wallMs = finished.getTime() - started.getTime();
      await db
        .query(`UPDATE runs SET finished_at = now(), status = $2, counts = $3::jsonb WHERE id = $1`, [
          runId,
          summary.status,
          JSON.stringify({ files: summary.files, documents: summary.documents, stageMs: summary.stageMs }),
        ])
        .catch(() => {}); // the database may be what failed; the summary still reaches the operator
      progress.emit({ type: 'run-finished', runId, status: summary.status });
    }
    return summary;
  });
}

/** Phase 1: stream the folder and register what is new or changed. */
async function registerFolder(folder: string, options: RunOptions, deps: RunDeps, runId: number, summary: RunSummary): Promise<void> {
  const { db, config, progress } = deps;
  const files = discoverFiles(folder, {
    settleMs: config.settleSeconds * 1000,
    onSkip: (path, reason, detail) => {
      increment(summary.files.skipped, reason);
      progress.emit({ type: 'skipped', path, reason, ...(detail ? { detail } : {}) });
    },
  });
  for await (const file of files) {
    if (options.signal?.aborted) return;
    assertLockHeld(options);
    summary.files.seen++;
    if (await touchIfUnchanged(db, file.path, file.size, file.mtimeMs)) {
      summary.files.unchanged++;
      progress.emit({ type: 'skipped', path: file.path, reason: 'unchanged' });
      continue;
    }
    if (await findPath(db, file.path)) summary.files.rehashed++;
    await registerFile(file, deps, runId, summary);
  }
  progress.emit({ type: 'discovered', total: summary.files.seen });
}

async function registerFile(file: DiscoveredFile, deps: RunDeps, runId: number, summary: RunSummary): Promise<void> {
  const { db, progress } = deps;
  let hashed;
  try {
    hashed = await hashFile(file.pathBytes);
  } catch (error) {
    // Unreadable or vanished before registration: there is no document to record it on yet (no
    // hash), so it is reported in the run summary and tried again next run.
    const failure = fileError(error, file.path);
    increment(summary.files.skipped, failure.code === 'FILE_VANISHED' ? 'vanished' : 'unreadable');
    progress.emit({ type: 'skipped', path: file.path, reason: failure.code, detail: failure.message });
    return;
  }
  const type = detectFileType(hashed.head);
  const { documentId, isNew } = await db.transaction((tx) =>
    registerDocument(tx, {
      sha256: hashed.sha256,
      path: file.path,
      pathIsEscaped: file.pathIsEscaped,
      fileName: basename(file.path),
      size: hashed.size,
      mtimeMs: file.mtimeMs,
      mime: type ? mimeOf(type) : null,
      fileType: type ?? null,
      runId,
    }),
  );
  if (isNew) summary.files.new++;
  else summary.files.duplicate++;
  progress.emit({ type: 'registered', path: file.path, documentId, isNew });
}

/** Phase 2: claim and process documents with bounded concurrency until the queue is empty. */
async function processQueue(
  options: RunOptions,
  deps: RunDeps,
  runId: number,
  summary: RunSummary,
  getOcr: () => Promise<OcrPool>,
): Promise<void> {
  const { db, config, progress } = deps;
  const queued = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM documents
     WHERE status IN ('pending', 'processing') OR (status = 'failed' AND ($1::boolean OR attempts < $2))`,
    [!!options.retryFailed, config.maxAttempts],
  );
  summary.documents.queued = queued.rows[0]?.n ?? 0;
  progress.emit({ type: 'queue', total: summary.documents.queued });
  if (summary.documents.queued === 0) return;

  const worker = `${hostname()}:${process.pid}:${runId}`;
  const concurrency = Math.max(1, config.ocrWorkers);
  const seen = new Set<number>();
  let runError: unknown;
  const inFlight = new Set<Promise<void>>();
  let buffer: DocumentRow[] = [];
  let exhausted = false;

  const next = async (): Promise<DocumentRow | undefined> => {
    if (buffer.length === 0 && !exhausted) {
      const claimed = await claimDocuments(db, {
        worker,
        runId,
        limit: BATCH,
        maxAttempts: config.maxAttempts,
        retryFailed: !!options.retryFailed,
        staleAfterMs: STALE_CLAIM_MS,
      });
      // The claim query never returns a document this run already failed, so `seen` is only a guard.
      buffer = claimed.filter((doc) => !seen.has(doc.id));
      if (buffer.length === 0) exhausted = true;
    }
    return buffer.shift();
  };

  const releaseUnstarted = async () => {
    for (const doc of buffer.splice(0)) await releaseClaim(db, doc.id).catch(() => {});
  };

  while (!runError) {
    if (options.signal?.aborted) break;
    try {
      assertLockHeld(options);
    } catch (error) {
      runError = error;
      break;
    }
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (runError || options.signal?.aborted) break;
    let doc: DocumentRow | undefined;
    try {
      doc = await next();
    } catch (error) {
      runError = error;
      break;
    }
    if (!doc) break;
    seen.add(doc.id);
    const task = processDocument(doc, deps, summary, getOcr).catch((error: unknown) => {
      runError ??= error;
    });
    const tracked = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }
  await Promise.all(inFlight);
  await releaseUnstarted();
  if (runError) throw runError;
}

/** Errors that mean the run cannot go on (the database went away), as opposed to a bad document. */
function isRunLevel(error: unknown): boolean {
  return isDocintelError(error) && (error.code === 'DB_UNREACHABLE' || error.code === 'DB_QUERY_FAILED');
}

async function processDocument(doc: DocumentRow, deps: RunDeps, summary: RunSummary, getOcr: () => Promise<OcrPool>): Promise<void> {
  const { db, config, progress } = deps;
  const startedAt = performance.now();
  let stage: Stage = 'preprocess';
  let path = doc.original_path;
  const timed = async <T>(name: Stage, fn: () => Promise<T>): Promise<T> => {
    stage = name;
    progress.emit({ type: 'stage', documentId: doc.id, stage: name });
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      increment(summary.stageMs, name, Math.round(performance.now() - t0));
    }
  };
  progress.emit({ type: 'document-started', documentId: doc.id, path, attempt: doc.attempts });
  try {
    let file: LoadedFile | undefined;
    const getFile = async (): Promise<LoadedFile> => {
      if (file) return file;
      const candidates = await pathsOf(db, doc.id);
      let lastError: unknown;
      for (const candidate of candidates) {
        try {
          file = await loadFile(decodePath(candidate.path, candidate.path_is_escaped), candidate.path, config.maxFileMb * 2 ** 20);
          path = candidate.path;
          return file;
        } catch (error) {
          lastError = error;
          // Another copy of the same content may still be there.
          if (isDocintelError(error) && error.code === 'FILE_VANISHED') continue;
          throw error;
        }
      }
      throw lastError ?? new DocintelError('FILE_VANISHED', `No file of document ${doc.id} is left on disk`);
    };
    let prepared: PreparedDocument | undefined;
    const prepare = async (): Promise<PreparedDocument> => (prepared ??= await preprocess((await getFile()).bytes, path, config));

    // Text already stored by an earlier run (interrupted before a later stage) is reused, not re-OCRed,
    // with the quarter turn each page read best at, so QR decoding and the model see the page upright too.
    const stored = await storedPages(db, doc.id);
    let pages = stored.pages;
    let turns: readonly QuarterTurn[] = stored.turns;
    if (pages.length === 0) {
      await timed('preprocess', prepare);
      const read = await timed('read', async () =>
        readPages(await prepare(), { ocr: getOcr, maxImagePixels: config.maxImageMegapixels * 1_000_000 }),
      );
      pages = read.pages;
      turns = read.turns;
      summary.pagesTurned += read.turns.filter((turn) => turn !== 0).length;
      summary.turnedReads += read.turnedReads;
      await timed('commit', () =>
        db.transaction(async (tx) => {
          await savePages(tx, doc.id, read.pages, read.turns, read.engine);
          await setDocumentFacts(tx, doc.id, { pageCount: read.pageCount, stage: 'read' });
        }),
      );
    }

    const pageImages = async (): Promise<Uint8Array[]> => {
      const current = await prepare();
      if (current.type !== 'pdf') {
        return Promise.all(current.frames.map(async (frame, i) => (turns[i] ? (await current.turn(i, turns[i]!)).png : frame.png)));
      }
      // The PDF was closed after reading: open it again to render the first pages for QR and the model.
      prepared = undefined;
      const reopened = await prepare();
      if (reopened.type !== 'pdf') return [];
      try {
        const images: Uint8Array[] = [];
        for (let n = 1; n <= Math.min(2, reopened.pdf.pageCount); n++) {
          const { png } = await reopened.pdf.renderPage(n, { dpi: 200 });
          const turn = turns[n - 1] ?? 0;
          images.push(turn === 0 ? png : await (await import('sharp')).default(png).rotate(turn).png().toBuffer());
        }
        return images;
      } finally {
        await reopened.pdf.close();
        prepared = undefined;
      }
    };
    let classification = await timed('classify', async () => classifyDocument(pages, doc.file_type));
    // An e-invoice photo whose text OCR could not read (small, blurred thermal print) still carries its
    // QR codes: a camera image that does not read as a receipt is checked for them (20-100 ms) before
    // it is filed as a photo, and one that has them is an invoice with exact values.
    let qr: QrReceipt | null | undefined;
    if (classification.kind !== 'receipt' && classification.kind !== 'invoice' && doc.file_type !== 'pdf') {
      // A decoder failure only means no codes: it must not fail a document that was fine without them.
      qr = (await timed('classify', async () => readEInvoiceQr(await pageImages()).catch(() => undefined))) ?? null;
      if (qr) classification = { ...classification, kind: 'invoice', locale: 'TW' };
    }
    let receipt: ReceiptRecord | undefined;
    if (classification.kind === 'receipt' || classification.kind === 'invoice') {
      receipt = await timed('extract', () =>
        extractReceipt(pages, classification, { config, pageImages, ollama: deps.ollama, llmLimit: deps.llmLimit, ...(qr !== undefined ? { qr } : {}) }),
      );
    }
    const finalStage: Stage = receipt ? 'validate' : 'classify';
    await timed('commit', () =>
      db.transaction(async (tx) => {
        await setDocumentFacts(tx, doc.id, { kind: classification.kind, stage: finalStage });
        if (receipt) await saveReceipt(tx, doc.id, receipt);
        else await tx.query('DELETE FROM receipts WHERE document_id = $1', [doc.id]);
        await markDone(tx, doc.id, finalStage);
      }),
    );
    summary.documents.done++;
    progress.emit({ type: 'document-done', documentId: doc.id, path, pages: pages.length, ms: Math.round(performance.now() - startedAt) });
  } catch (error) {
    if (isRunLevel(error)) throw error;
    const failure = toDocintelError(error, 'INTERNAL', `Unexpected error in stage ${stage}`);
    const final = doc.attempts >= config.maxAttempts;
    await db.transaction((tx) => markFailed(tx, doc.id, stage, failure.code as ErrorCode, failure.message));
    summary.documents.failed++;
    increment(summary.documents.failedByCode, failure.code);
    summary.failures.push({ documentId: doc.id, path, stage, code: failure.code, message: failure.message, attempts: doc.attempts, final });
    progress.emit({ type: 'document-failed', documentId: doc.id, path, stage, code: failure.code, message: failure.message, final });
  }
}
