/**
 * Document state in the database: registration, claiming, stage results and failures. All SQL about
 * the `documents`, `document_paths` and `pages` tables lives here, parameterised.
 */
import type { QuarterTurn } from '../../extractors/ocr/upright.js';
import type { PageText } from '../../extractors/types.js';
import type { Queryable } from '../db/database.js';
import type { ErrorCode } from '../errors.js';

export type DocumentStatus = 'pending' | 'processing' | 'done' | 'failed';
export type Stage = 'register' | 'preprocess' | 'read' | 'classify' | 'extract' | 'validate' | 'embed' | 'commit';

export interface DocumentRow {
  id: number;
  sha256: string;
  original_path: string;
  file_name: string;
  size_bytes: number;
  mime: string | null;
  file_type: string | null;
  status: DocumentStatus;
  stage: Stage;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
}

export interface KnownPath {
  document_id: number;
  size_bytes: number;
  mtime_ms: number;
  status: DocumentStatus;
  attempts: number;
}

/** What we know of a path from earlier runs, to skip unchanged files without reading them. */
export async function findPath(q: Queryable, path: string): Promise<KnownPath | undefined> {
  const result = await q.query<KnownPath>(
    `SELECT p.document_id, p.size_bytes, p.mtime_ms, d.status, d.attempts
     FROM document_paths p JOIN documents d ON d.id = p.document_id
     WHERE p.path = $1`,
    [path],
  );
  return result.rows[0];
}

/**
 * The nightly re-run's hot path, one statement per file: when the path is known with the same size and
 * mtime, marks it seen and returns true (the file is not read again).
 */
export async function touchIfUnchanged(q: Queryable, path: string, size: number, mtimeMs: number): Promise<boolean> {
  const result = await q.query(
    'UPDATE document_paths SET last_seen_at = now() WHERE path = $1 AND size_bytes = $2 AND mtime_ms = $3',
    [path, size, mtimeMs],
  );
  return result.rowCount > 0;
}

export interface RegisterInput {
  sha256: string;
  path: string;
  pathIsEscaped: boolean;
  fileName: string;
  size: number;
  mtimeMs: number;
  mime: string | null;
  fileType: string | null;
  runId: number;
}

/**
 * Registers a file by content hash in one transaction. A hash seen before (a copy or a rename) creates
 * no new document; the path is recorded against the existing one. Returns whether it was new.
 */
export async function registerDocument(q: Queryable, input: RegisterInput): Promise<{ documentId: number; isNew: boolean }> {
  const inserted = await q.query<{ id: number }>(
    `INSERT INTO documents (sha256, original_path, file_name, size_bytes, mime, file_type, first_run_id, last_run_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
     ON CONFLICT (sha256) DO NOTHING
     RETURNING id`,
    [input.sha256, input.path, input.fileName, input.size, input.mime, input.fileType, input.runId],
  );
  let documentId = inserted.rows[0]?.id;
  const isNew = documentId !== undefined;
  if (documentId === undefined) {
    const existing = await q.query<{ id: number }>('SELECT id FROM documents WHERE sha256 = $1', [input.sha256]);
    documentId = existing.rows[0]!.id;
  }
  // A path whose content changed now points at the new content's document.
  await q.query(
    `INSERT INTO document_paths (path, path_is_escaped, document_id, size_bytes, mtime_ms)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (path) DO UPDATE
       SET document_id = EXCLUDED.document_id, size_bytes = EXCLUDED.size_bytes,
           mtime_ms = EXCLUDED.mtime_ms, last_seen_at = now()`,
    [input.path, input.pathIsEscaped, documentId, input.size, input.mtimeMs],
  );
  return { documentId, isNew };
}

/**
 * Claims up to `limit` documents that need work, marking them processing by `worker`. FOR UPDATE SKIP
 * LOCKED lets several workers (processes or machines on one PostgreSQL) share the queue; a claim older
 * than `staleAfterMs` belongs to a worker that died and is taken over.
 */
export async function claimDocuments(
  q: Queryable,
  options: { worker: string; runId: number; limit: number; maxAttempts: number; retryFailed: boolean; staleAfterMs: number; onlyIds?: number[] },
): Promise<DocumentRow[]> {
  const result = await q.query<DocumentRow>(
    `WITH next AS (
       SELECT id FROM documents
       WHERE (status = 'pending'
              OR (status = 'processing' AND (claimed_at IS NULL OR claimed_at < now() - make_interval(secs => $5::float8 / 1000)))
              OR (status = 'failed' AND ($4::boolean OR attempts < $3) AND last_run_id IS DISTINCT FROM $7))
         AND ($6::bigint[] IS NULL OR id = ANY($6::bigint[]))
       ORDER BY id
       LIMIT $2
       FOR UPDATE SKIP LOCKED
     )
     UPDATE documents d
        SET status = 'processing', claimed_by = $1, claimed_at = now(), attempts = d.attempts + 1,
            error_code = NULL, error_message = NULL,
            last_run_id = $7, updated_at = now()
       FROM next WHERE d.id = next.id
     RETURNING d.id, d.sha256, d.original_path, d.file_name, d.size_bytes, d.mime, d.file_type,
               d.status, d.stage, d.attempts, d.error_code, d.error_message`,
    [options.worker, options.limit, options.maxAttempts, options.retryFailed, options.staleAfterMs, options.onlyIds ?? null, options.runId],
  );
  return result.rows.sort((a, b) => a.id - b.id);
}

/** Every path known for a document, the original first, for reading it (the original may be gone). */
export async function pathsOf(q: Queryable, documentId: number): Promise<{ path: string; path_is_escaped: boolean }[]> {
  const result = await q.query<{ path: string; path_is_escaped: boolean }>(
    `SELECT p.path, p.path_is_escaped FROM document_paths p JOIN documents d ON d.id = p.document_id
     WHERE p.document_id = $1 ORDER BY (p.path = d.original_path) DESC, p.last_seen_at DESC`,
    [documentId],
  );
  return result.rows;
}

/** A document's stored pages, and the quarter turn each was read at (sql/003_page_turn.sql). */
export interface StoredPages {
  pages: PageText[];
  turns: QuarterTurn[];
}

export async function storedPages(q: Queryable, documentId: number): Promise<StoredPages> {
  const result = await q.query<{ page_no: number; source: PageText['source']; text: string; raw_text: string; confidence: number | null; width: number | null; height: number | null; lines: PageText['lines']; engine: string; turn: number }>(
    'SELECT page_no, source, text, raw_text, confidence, width, height, lines, engine, turn FROM pages WHERE document_id = $1 ORDER BY page_no',
    [documentId],
  );
  return {
    pages: result.rows.map((row) => ({
      pageNo: row.page_no,
      source: row.source,
      text: row.text,
      rawText: row.raw_text,
      confidence: row.confidence ?? 0,
      width: row.width ?? 0,
      height: row.height ?? 0,
      lines: row.lines,
      engine: row.engine,
    })),
    // The column's CHECK allows only quarter turns.
    turns: result.rows.map((row) => Number(row.turn) as QuarterTurn),
  };
}

/**
 * Replaces a document's pages (all or nothing: call inside a transaction). `turns[i]` is the quarter
 * turn page i was read at (0 when missing); `engine` names the reader of pages that do not name their own.
 */
export async function savePages(q: Queryable, documentId: number, pages: PageText[], turns: readonly QuarterTurn[], engine: string): Promise<void> {
  await q.query('DELETE FROM pages WHERE document_id = $1', [documentId]);
  for (const [index, page] of pages.entries()) {
    await q.query(
      `INSERT INTO pages (document_id, page_no, source, text, raw_text, confidence, width, height, lines, engine, turn)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)`,
      [documentId, page.pageNo, page.source, page.text, page.rawText, clamp01(page.confidence), Math.round(page.width), Math.round(page.height), JSON.stringify(page.lines), page.engine ?? engine, turns[index] ?? 0],
    );
  }
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

export async function setDocumentFacts(q: Queryable, documentId: number, facts: { pageCount?: number; kind?: string | null; stage: Stage }): Promise<void> {
  await q.query(
    `UPDATE documents SET page_count = COALESCE($2, page_count), kind = COALESCE($3, kind), stage = $4, updated_at = now()
     WHERE id = $1`,
    [documentId, facts.pageCount ?? null, facts.kind ?? null, facts.stage],
  );
}

export async function markDone(q: Queryable, documentId: number, stage: Stage): Promise<void> {
  await q.query(
    `UPDATE documents SET status = 'done', stage = $2, error_code = NULL, error_message = NULL,
            claimed_by = NULL, claimed_at = NULL, processed_at = now(), updated_at = now()
     WHERE id = $1`,
    [documentId, stage],
  );
}

export async function markFailed(q: Queryable, documentId: number, stage: Stage, code: ErrorCode, message: string): Promise<void> {
  await q.query(
    `UPDATE documents SET status = 'failed', stage = $2, error_code = $3, error_message = $4,
            claimed_by = NULL, claimed_at = NULL, updated_at = now()
     WHERE id = $1`,
    [documentId, stage, code, message.slice(0, 4000)],
  );
}

/**
 * At the start of a run (holding the run lock, so no other run is alive): documents left 'processing'
 * by a run that was killed go back to the queue. Their attempt stays counted, so a file that kills the
 * process every time ends up failed instead of looping forever.
 */
export async function requeueAbandoned(q: Queryable): Promise<number> {
  const result = await q.query(
    `UPDATE documents SET status = 'pending', claimed_by = NULL, claimed_at = NULL, updated_at = now()
     WHERE status = 'processing'`,
  );
  return result.rowCount;
}

/** Gives back a claim without counting the attempt (the run was interrupted, not the document). */
export async function releaseClaim(q: Queryable, documentId: number): Promise<void> {
  await q.query(
    `UPDATE documents SET status = 'pending',
            attempts = GREATEST(attempts - 1, 0), claimed_by = NULL, claimed_at = NULL, updated_at = now()
     WHERE id = $1 AND status = 'processing'`,
    [documentId],
  );
}

/** Puts failed documents back in the queue with fresh attempts (`docintel retry`). */
export async function resetFailed(q: Queryable, ids?: number[]): Promise<number> {
  const result = await q.query(
    `UPDATE documents SET status = 'pending', attempts = 0, error_code = NULL, error_message = NULL, updated_at = now()
     WHERE status = 'failed' AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[]))`,
    [ids ?? null],
  );
  return result.rowCount;
}
