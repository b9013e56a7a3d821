/**
 * The one database interface the rest of docintel sees. Two adapters implement it: PostgreSQL through
 * `pg` (pipeline/db/pg.ts) and embedded PGlite (pipeline/db/pglite.ts). Both return values in the same
 * shapes, so code and tests never branch on the backend:
 * - int8 / bigserial ids as JS numbers (ids stay far below 2^53),
 * - NUMERIC as decimal strings (money is never a float),
 * - DATE as 'YYYY-MM-DD' strings (no time-zone shift), TIMESTAMPTZ as Date,
 * - JSONB as parsed values, text[] as string arrays,
 * - vectors as text; convert with `toVectorSql` / `fromVectorSql` below.
 */
import { fromSql, toSql } from 'pgvector';

export interface QueryResult<R> {
  rows: R[];
  /** Rows affected (INSERT/UPDATE/DELETE) or returned (SELECT). */
  rowCount: number;
}

export interface Queryable {
  /** Runs one parameterised statement ($1, $2, ...). */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type DatabaseKind = 'postgres' | 'pglite';

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** Where it lives, for messages: a URL without password, or the PGlite data directory. */
  readonly location: string;
  /**
   * Runs `fn` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws
   * (the error is re-thrown).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one dedicated connection outside a transaction, for session state such as an
   * advisory lock held for a whole run. `lost` aborts (reason: a DB_UNREACHABLE DocintelError) when the
   * server drops that connection, e.g. on a restart: session state such as the lock is gone with it.
   */
  withConnection<T>(fn: (conn: Queryable, lost: AbortSignal) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** PGlite only: a snapshot of the whole database (used by tests to clone a template). */
  dumpDataDir?: () => Promise<Blob>;
}

/** A vector as the text form pgvector accepts as a parameter, e.g. '[1,2,3]'. */
export function toVectorSql(values: readonly number[]): string {
  return toSql([...values]) as string;
}

/** A vector read back as text (select embedding::text) to numbers. */
export function fromVectorSql(text: string): number[] {
  return fromSql(text) as number[];
}
