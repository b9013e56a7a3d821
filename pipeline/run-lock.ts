/**
 * One run at a time per database. PostgreSQL: a session advisory lock held on a dedicated connection
 * for the whole run (released by the server if the process dies). PGlite: the data-directory lock taken
 * when the database is opened already excludes other processes; the advisory lock is then trivially ours.
 */
import type { Database, Queryable } from './db/database.js';
import { DocintelError } from './errors.js';

/** 'docintel-run' folded into an int8. */
export const RUN_LOCK_KEY = 0x646f6372756e6e31n;

/**
 * Runs `fn` holding the run lock. `lockLost` aborts when the connection holding the lock is dropped by
 * the server (a restart): the run no longer excludes others and must stop.
 */
export async function withRunLock<T>(db: Database, fn: (lockLost: AbortSignal) => Promise<T>): Promise<T> {
  return db.withConnection(async (conn, lost) => {
    const got = await conn.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RUN_LOCK_KEY.toString()]);
    if (!got.rows[0]?.locked) throw await lockedError(conn);
    try {
      return await fn(lost);
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1)', [RUN_LOCK_KEY.toString()]).catch(() => {});
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
