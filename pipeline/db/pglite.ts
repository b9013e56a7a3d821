import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { DocintelError } from '../errors.js';
import type { Database, Queryable, QueryResult } from './database.js';
import { acquireDirectoryLock } from './dir-lock.js';
import { toDatabaseError } from './pg-errors.js';

export interface PgliteOptions {
  /** Directory holding the database files; default ./.docintel/db. `memory://` for a throwaway one. */
  dataDir: string;
  /** Start from a dump made with `dumpDataDir` (tests clone a template instead of running initdb). */
  loadDataDir?: Blob;
}

type Runner = Pick<PGlite, 'query' | 'exec'> | Transaction;

function wrap(runner: Runner): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      try {
        const result = await runner.query<R>(sql, params as unknown[] | undefined);
        return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
      } catch (error) {
        throw toDatabaseError(error, sql);
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await runner.exec(sql);
      } catch (error) {
        throw toDatabaseError(error, sql);
      }
    },
  };
}

/**
 * Opens the embedded database. PGlite is a single-process database: two processes writing the same
 * directory would corrupt it, so the directory is locked for as long as it is open and a second
 * process gets a clear RUN_LOCKED error instead.
 */
export async function openPglite(options: PgliteOptions): Promise<Database> {
  const inMemory = options.dataDir.startsWith('memory://');
  const location = inMemory ? options.dataDir : resolve(options.dataDir);
  let releaseLock: () => void = () => {};
  if (!inMemory) {
    mkdirSync(location, { recursive: true });
    releaseLock = acquireDirectoryLock(location, 'the embedded database');
  }
  let db: PGlite;
  try {
    const [{ PGlite: PGliteClass, types }, { vector }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-pgvector'),
    ]);
    db = await PGliteClass.create({
      ...(inMemory ? {} : { dataDir: location }),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      extensions: { vector },
      // DATE as 'YYYY-MM-DD' text, the same as the pg adapter.
      parsers: { [types.DATE]: (value: string) => value },
    });
  } catch (error) {
    releaseLock();
    throw new DocintelError('DB_UNREACHABLE', `Cannot open the embedded database in ${location}`, {
      cause: error,
      hint: 'The directory may be damaged or written by a newer PGlite; move it aside or set --data-dir to a new directory.',
    });
  }

  // PGlite runs one statement at a time; transactions are serialised by the library itself.
  return {
    kind: 'pglite',
    location,
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    // In-process: the connection cannot be lost while the process lives.
    withConnection: (fn) => fn(wrap(db), new AbortController().signal),
    dumpDataDir: () => db.dumpDataDir('none'),
    async close() {
      try {
        if (!db.closed) await db.close();
      } finally {
        releaseLock();
      }
    },
  };
}
