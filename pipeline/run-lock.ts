/**
 * One run at a time per database schema. PostgreSQL: a session advisory lock held on a dedicated
 * connection for the whole run (released by the server if the process dies), keyed by the schema the
 * records live in, so two installations in one database (or two test schemas) do not exclude each
 * other. PGlite: the data-directory lock taken when the database is opened already excludes other
 * processes; the advisory lock is then trivially ours.
 */
import type { Database, Queryable } from './db/database.js';
import { DocintelError } from './errors.js';

/** 'docr' as an int4: the first key of the two-key advisory lock; the second is the schema's hash. */
export const RUN_LOCK_CLASS = 0x646f6372;
/** The lock's two keys as SQL, for `pg_try_advisory_lock(...)` and `pg_advisory_unlock(...)`. */
export const RUN_LOCK_ARGS = `${RUN_LOCK_CLASS}, hashtext(current_schema())`;

/**
 * Runs `fn` holding the run lock. `lockLost` aborts when the connection holding the lock is dropped by
 * the server (a restart): the run no longer excludes others and must stop.
 */
export async function withRunLock<T>(db: Database, fn: (lockLost: AbortSignal) => Promise<T>): Promise<T> {
  return db.withConnection(async (conn, lost) => {
    const got = await conn.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${RUN_LOCK_ARGS}) AS locked`);
    if (!got.rows[0]?.locked) throw await lockedError(conn);
    try {
      return await fn(lost);
    } finally {
      await conn.query(`SELECT pg_advisory_unlock(${RUN_LOCK_ARGS})`).catch(() => {});
    }
  });
}

async function lockedError(q: Queryable): Promise<DocintelError> {
  const running = await q
    .query<{ started_at: Date; host: string; pid: number }>(
      `SELECT started_at, host, pid FROM runs WHERE status = 'running' ORDER BY id DESC LIMIT 1`,
    )
    .catch(() => ({ rows: [] as { started_at: Date; host: string; pid: number }[] }));
  const owner = running.rows[0];
  const since = owner ? ` since ${owner.started_at.toISOString()} on ${owner.host} (pid ${owner.pid})` : '';
  return new DocintelError('RUN_LOCKED', `Another run is in progress${since}`, {
    hint: 'Wait for it to finish; runs take the documents the other left. Nothing was changed.',
    details: owner ? { ...owner } : {},
  });
}
