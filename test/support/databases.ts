/**
 * Database fixtures for the storage suites. Every suite runs on PGlite always and on PostgreSQL with
 * pgvector when TEST_DATABASE_URL is set (CI sets it). Each PostgreSQL test gets its own schema, dropped
 * afterwards unless KEEP_TEST_SCHEMAS=1 (to inspect a failure with psql).
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../../pipeline/db/database.js';
import { openPglite } from '../../pipeline/db/pglite.js';
import { openPostgres } from '../../pipeline/db/pg.js';

export interface DatabaseTarget {
  name: 'pglite' | 'postgres';
  /** Opens a fresh, empty database (a new in-memory PGlite, or a new schema). */
  create(): Promise<TestDatabase>;
}

export interface TestDatabase {
  db: Database;
  /** Opens a second, independent connection to the same database (for concurrency tests). */
  openAnother(): Promise<Database>;
  /** The URL (postgres) or data dir (pglite) of this database. */
  location: string;
  dispose(): Promise<void>;
}

export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;

function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema},public`);
  // Names this test's sessions in pg_stat_activity, so a test can drop its own connections only.
  parsed.searchParams.set('application_name', schema);
  return parsed.toString();
}

// initdb inside PGlite costs seconds; each worker makes one empty database and clones its snapshot.
let template: Promise<Blob> | undefined;
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const db = await openPglite({ dataDir: 'memory://' });
    try {
      return await db.dumpDataDir!();
    } finally {
      await db.close();
    }
  })();
  return template;
}

const pglite: DatabaseTarget = {
  name: 'pglite',
  async create() {
    const db = await openPglite({ dataDir: 'memory://', loadDataDir: await pgliteTemplate() });
    return {
      db,
      location: 'memory://',
      openAnother: async () => db,
      dispose: () => db.close(),
    };
  },
};

function postgres(url: string): DatabaseTarget {
  return {
    name: 'postgres',
    async create() {
      let admin: Database;
      try {
        admin = await openPostgres({ url, connectTimeoutMs: 5000 });
      } catch (error) {
        throw new Error(
          `TEST_DATABASE_URL is set (${url}) but PostgreSQL is unreachable: ${(error as Error).message}. ` +
            'Start it with `pg_ctlcluster --skip-systemctl-redirect 15 main start` and create the database ' +
            '(`createdb -h 127.0.0.1 -U postgres docintel_test`), or unset TEST_DATABASE_URL to run on PGlite only.',
          { cause: error },
        );
      }
      const schema = `t_${randomBytes(6).toString('hex')}`;
      await admin.exec(`CREATE SCHEMA ${schema}`);
      const scopedUrl = withSearchPath(url, schema);
      const opened: Database[] = [];
      const open = async () => {
        const db = await openPostgres({ url: scopedUrl });
        opened.push(db);
        return db;
      };
      const db = await open();
      return {
        db,
        location: scopedUrl,
        openAnother: open,
        async dispose() {
          for (const each of opened) await each.close().catch(() => {});
          if (!process.env.KEEP_TEST_SCHEMAS) await admin.exec(`DROP SCHEMA ${schema} CASCADE`);
          await admin.close();
        },
      };
    },
  };
}

/** PGlite always; PostgreSQL when TEST_DATABASE_URL is set. */
export const databaseTargets: DatabaseTarget[] = [pglite, ...(testDatabaseUrl ? [postgres(testDatabaseUrl)] : [])];
