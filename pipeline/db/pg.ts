import type pg from 'pg';
import { DocintelError } from '../errors.js';
import type { Database, Queryable, QueryResult } from './database.js';
import { toDatabaseError } from './pg-errors.js';

export interface PostgresOptions {
  /** postgres://user:pass@host:port/db — from DATABASE_URL or --database-url. */
  url: string;
  /** Pool size; default 4 (OCR, not the database, is the bottleneck). */
  maxConnections?: number;
  /** Connect timeout in milliseconds; default 10000. */
  connectTimeoutMs?: number;
}

const INT8_OID = 20;
const DATE_OID = 1082;

/** Connection-level failures: the server is down, restarting, or unreachable. */
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', '3D000', '28P01', '28000']);
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable DATABASE_URL>';
  }
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && (CONNECTION_SQLSTATES.has(code) || CONNECTION_ERRNOS.has(code))) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}

function unreachable(location: string, error: unknown): DocintelError {
  const reason = error instanceof Error ? error.message : String(error);
  return new DocintelError('DB_UNREACHABLE', `Cannot reach PostgreSQL at ${location}: ${reason}`, {
    cause: error,
    hint:
      'Check that the server is running (e.g. `pg_ctlcluster 15 main start`), that the database exists ' +
      '(`createdb NAME`), and DATABASE_URL; or unset DATABASE_URL to use the embedded database.',
  });
}

/** Opens a pool and checks the server answers, so a bad URL fails here and not mid-run. */
export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const { default: pgModule } = await import('pg');
  const location = redactUrl(options.url);
  // Per-pool type parsers (not the global registry) so both adapters return the same shapes.
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === INT8_OID) return (value: string) => {
        const n = Number(value);
        return Number.isSafeInteger(n) ? n : value;
      };
      if (oid === DATE_OID) return (value: string) => value;
      return pgModule.types.getTypeParser(oid, format as 'text');
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
  const pool = new pgModule.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    types,
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});

  const run = async <R>(client: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
    try {
      const raw: pg.QueryResult | pg.QueryResult[] = await client.query(sql, params as unknown[] | undefined);
      // A script of several statements (exec) yields one result per statement; report the last.
      const result = Array.isArray(raw) ? raw.at(-1) : raw;
      if (!result) return { rows: [], rowCount: 0 };
      return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
    } catch (error) {
      if (isConnectionError(error)) throw unreachable(location, error);
      throw toDatabaseError(error, sql);
    }
  };

  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    query: (sql, params) => run(client, sql, params),
    exec: async (sql) => {
      await run(client, sql);
    },
  });

  /**
   * A checked-out client. While checked out, a client whose server goes away (restart, admin
   * termination) emits 'error' on itself, not on the pool, and an unlistened 'error' ends the process:
   * every checkout listens until it is released, and `lost` aborts with DB_UNREACHABLE.
   */
  const connect = async (): Promise<{ client: pg.PoolClient; lost: AbortSignal; release: (destroy?: boolean) => void }> => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw unreachable(location, error);
    }
    const controller = new AbortController();
    const onError = (error: Error) => controller.abort(unreachable(location, error));
    client.on('error', onError);
    return {
      client,
      lost: controller.signal,
      release: (destroy = false) => {
        client.off('error', onError);
        // A client that lost its server is not returned to the pool.
        client.release(destroy || controller.signal.aborted);
      },
    };
  };

  const probe = await connect();
  probe.release();

  return {
    kind: 'postgres',
    location,
    ...wrap(pool),
    async transaction(fn) {
      const { client, release } = await connect();
      let broken = false;
      try {
        await run(client, 'BEGIN');
        const result = await fn(wrap(client));
        await run(client, 'COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true; // the connection is gone; do not return it to the pool
        }
        throw error;
      } finally {
        release(broken);
      }
    },
    async withConnection(fn) {
      const { client, lost, release } = await connect();
      try {
        return await fn(wrap(client), lost);
      } finally {
        // Session state (advisory locks) must not leak to the next user of this connection.
        release(true);
      }
    },
    async close() {
      await pool.end();
    },
  };
}
