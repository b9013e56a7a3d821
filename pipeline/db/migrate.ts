import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DocintelError } from '../errors.js';
import { sqlDir } from '../paths.js';
import type { Database, Queryable } from './database.js';
import { sqlstateOf } from './pg-errors.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date;
}

export interface MigrationStatus {
  known: number;
  applied: number;
  pending: Migration[];
  latestKnown: number;
  latestApplied: number;
}

/** Database-wide advisory lock key for migrations ('docintel' as ASCII, fits in int8). */
export const MIGRATION_LOCK_KEY = 0x646f63696e74656cn;

const FILE_PATTERN = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n'), 'utf8').digest('hex');
}

/** Reads sql/NNN_name.sql in order; a gap or a duplicate number is a packaging bug and fails loudly. */
export async function loadMigrations(dir: string = sqlDir): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_PATTERN.exec(file);
    if (!match) {
      throw new DocintelError('MIGRATION_FAILED', `Migration file name ${file} in ${dir} is not NNN_name.sql`, {
        hint: 'Rename it to the next number, e.g. 002_add_things.sql.',
      });
    }
    const version = Number(match[1]);
    const expected = migrations.length + 1;
    if (version !== expected) {
      throw new DocintelError('MIGRATION_FAILED', `Migration ${file} should be number ${String(expected).padStart(3, '0')}`, {
        hint: 'Migrations are numbered 001, 002, ... without gaps or duplicates.',
      });
    }
    const sql = await readFile(join(dir, file), 'utf8');
    migrations.push({ version, name: match[2] ?? file, sql, checksum: checksumOf(sql) });
  }
  return migrations;
}

const CREATE_TABLE = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version     integer PRIMARY KEY,
  name        text NOT NULL,
  checksum    text NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now()
)`;

async function lock(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
}

async function readApplied(q: Queryable): Promise<AppliedMigration[]> {
  const exists = await q.query<{ present: boolean }>(
    `SELECT to_regclass('schema_migrations') IS NOT NULL AS present`,
  );
  if (!exists.rows[0]?.present) return [];
  const result = await q.query<AppliedMigration>(
    'SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version',
  );
  return result.rows;
}

/**
 * Compares what the database has applied with the files: a changed applied file, a missing one, or a
 * database migrated by a newer docintel are errors that stop everything (running on a schema the code
 * does not know would corrupt data).
 */
function verify(applied: AppliedMigration[], known: Migration[]): Migration[] {
  const byVersion = new Map(known.map((m) => [m.version, m]));
  const latestKnown = known.at(-1)?.version ?? 0;
  for (const row of applied) {
    const file = byVersion.get(row.version);
    if (!file) {
      if (row.version > latestKnown) {
        throw new DocintelError(
          'DB_NEWER_THAN_CODE',
          `The database has migration ${row.version} (${row.name}) but this docintel only knows up to ${latestKnown}`,
          { hint: 'Upgrade docintel (a newer version migrated this database), or point it at another database.' },
        );
      }
      throw new DocintelError('MIGRATION_MISSING', `Applied migration ${row.version} (${row.name}) has no file in sql/`, {
        hint: 'Restore the file from version control; applied migrations must never be deleted.',
      });
    }
    if (file.checksum !== row.checksum) {
      throw new DocintelError(
        'MIGRATION_CHANGED',
        `Migration ${String(row.version).padStart(3, '0')}_${row.name}.sql was changed after it was applied`,
        {
          hint: 'Restore the original file and put the change in a new migration (the next number).',
          details: { version: row.version, applied: row.checksum, file: file.checksum },
        },
      );
    }
  }
  const appliedVersions = new Set(applied.map((row) => row.version));
  return known.filter((m) => !appliedVersions.has(m.version));
}

export async function migrationStatus(db: Queryable, known?: Migration[]): Promise<MigrationStatus> {
  const migrations = known ?? (await loadMigrations());
  const applied = await readApplied(db);
  const pending = verify(applied, migrations);
  return {
    known: migrations.length,
    applied: applied.length,
    pending,
    latestKnown: migrations.at(-1)?.version ?? 0,
    latestApplied: applied.at(-1)?.version ?? 0,
  };
}

function explainFailure(error: unknown, migration: Migration): DocintelError {
  const state = sqlstateOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (/extension "vector"/i.test(message) || (state === '0A000' && /vector/i.test(message))) {
    return new DocintelError('PGVECTOR_MISSING', 'The PostgreSQL server has no pgvector extension installed', {
      cause: error,
      hint:
        'Install pgvector on the server (Debian/Ubuntu: postgresql-NN-pgvector; on Debian bookworm build it: ' +
        'see .ci/ensure-pgvector.sh), then run `docintel migrate` again.',
    });
  }
  return new DocintelError(
    'MIGRATION_FAILED',
    `Migration ${String(migration.version).padStart(3, '0')}_${migration.name}.sql failed and was rolled back: ${message}`,
    { cause: error, hint: 'Nothing of this migration was applied. Fix the cause and run `docintel migrate` again.' },
  );
}

/**
 * Applies pending migrations, each in its own transaction under a database-wide advisory lock, so two
 * processes migrating at once apply each migration exactly once: the second waits for the lock, then
 * re-reads what is applied. Returns the migrations this call applied.
 */
export async function migrate(db: Database, known?: Migration[]): Promise<Migration[]> {
  const migrations = known ?? (await loadMigrations());
  // The bookkeeping table itself is created under the same lock: CREATE TABLE IF NOT EXISTS is not
  // safe against a concurrent creator in PostgreSQL.
  await db.transaction(async (tx) => {
    await lock(tx);
    await tx.exec(CREATE_TABLE);
  });
  const applied: Migration[] = [];
  for (;;) {
    const next = await db.transaction(async (tx) => {
      await lock(tx);
      const pending = verify(await readApplied(tx), migrations);
      const migration = pending[0];
      if (!migration) return undefined;
      try {
        await tx.exec(migration.sql);
      } catch (error) {
        throw explainFailure(error, migration);
      }
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      return migration;
    });
    if (!next) return applied;
    applied.push(next);
  }
}

/** Fails with DB_NOT_MIGRATED (or a verification error) unless every known migration is applied. */
export async function assertMigrated(db: Queryable): Promise<void> {
  const status = await migrationStatus(db);
  if (status.pending.length > 0) {
    throw new DocintelError(
      'DB_NOT_MIGRATED',
      `The database is missing ${status.pending.length} migration(s) (at ${status.latestApplied}, code has ${status.latestKnown})`,
      { hint: 'Run `docintel migrate`.' },
    );
  }
}
