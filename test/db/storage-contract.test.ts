import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../pipeline/db/database.js';
import { checksumOf, loadMigrations, migrate, migrationStatus, type Migration } from '../../pipeline/db/migrate.js';
import { insertChunk, nearestChunks } from '../../pipeline/db/vectors.js';
import { DocintelError } from '../../pipeline/errors.js';
import { sqlstateOf } from '../../pipeline/db/pg-errors.js';
import { savePages, storedPages } from '../../pipeline/store/documents.js';
import type { QuarterTurn } from '../../extractors/ocr/upright.js';
import type { PageText } from '../../extractors/types.js';
import { databaseTargets, type TestDatabase } from '../support/databases.js';

const sha = (n: number) => n.toString(16).padStart(64, '0');

async function insertDocument(db: Pick<Database, 'query'>, n: number): Promise<number> {
  const result = await db.query<{ id: number }>(
    `INSERT INTO documents (sha256, original_path, file_name, size_bytes) VALUES ($1, $2, $3, $4) RETURNING id`,
    [sha(n), `/inbox/doc-${n}.jpg`, `doc-${n}.jpg`, 1000 + n],
  );
  return result.rows[0]!.id;
}

function pageOf(text: string): PageText {
  return { pageNo: 1, source: 'ocr', text, rawText: text, confidence: 0.9, width: 800, height: 1200, lines: [] };
}

/** A deterministic unit vector pointing mostly along axis `axis`. */
function unitVector(dims: number, axis: number, noise: number): number[] {
  const v = Array.from({ length: dims }, (_, i) => (i === axis ? 1 : Math.sin(i * 12.9898 + axis * 78.233 + noise) * 0.05));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

describe.each(databaseTargets)('storage contract on $name', (target) => {
  let t: TestDatabase;
  let db: Database;

  beforeEach(async () => {
    t = await target.create();
    db = t.db;
  });
  afterEach(async () => {
    await t?.dispose();
  });

  it('migrates an empty database to the latest version with every table and view', async () => {
    const known = await loadMigrations();
    const applied = await migrate(db);
    expect(applied.map((m) => m.version)).toEqual(known.map((m) => m.version));
    const relations = await db.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c
       WHERE c.relname = ANY($1) AND pg_table_is_visible(c.oid) ORDER BY 1`,
      [['runs', 'documents', 'document_paths', 'pages', 'receipts', 'line_items', 'site_findings', 'chunks', 'documents_v', 'receipts_v', 'line_items_v', 'site_findings_v']],
    );
    expect(relations.rows.map((r) => r.name)).toHaveLength(12);
    const vector = await db.query<{ extversion: string }>(`SELECT extversion FROM pg_extension WHERE extname = 'vector'`);
    expect(vector.rows[0]?.extversion).toMatch(/^0\.\d+\.\d+$/);
  });

  it('writes Taiwan invoice numbers filed before version 2 in their 10 characters, column and field record', async () => {
    const known = await loadMigrations();
    await migrate(db, known.slice(0, 1));
    const insert = async (n: number, currency: string, number: string) => {
      const documentId = await insertDocument(db, n);
      await db.query(
        `INSERT INTO receipts (document_id, invoice_number, currency, fields, extractor) VALUES ($1, $2, $3, $4::jsonb, 'offline')`,
        [documentId, number, currency, JSON.stringify({ invoiceNumber: { value: number, confidence: 1, source: 'qr' } })],
      );
    };
    await insert(1, 'TWD', 'KV-83920417');
    await insert(2, 'MYR', 'CS-12345678');
    await insert(3, 'TWD', 'TC23747161');
    await migrate(db, known);
    const rows = await db.query<{ invoice_number: string; field: string }>(`SELECT invoice_number, fields->'invoiceNumber'->>'value' AS field FROM receipts ORDER BY document_id`);
    expect(rows.rows).toEqual([
      { invoice_number: 'KV83920417', field: 'KV83920417' },
      { invoice_number: 'CS-12345678', field: 'CS-12345678' },
      { invoice_number: 'TC23747161', field: 'TC23747161' },
    ]);
  });

  it('keeps the quarter turn each page was read at: pages stored before version 3 were read as they came', async () => {
    const known = await loadMigrations();
    await migrate(db, known.slice(0, 2));
    const before = await insertDocument(db, 1);
    await db.query(`INSERT INTO pages (document_id, page_no, source, text, raw_text, engine) VALUES ($1, 1, 'ocr', 'TOTAL 9.00', 'TOTAL 9.00', 'tesseract.js')`, [before]);
    await migrate(db, known);
    const old = await db.query<{ turn: number }>('SELECT turn FROM pages WHERE document_id = $1', [before]);
    expect(old.rows.map((r) => Number(r.turn))).toEqual([0]);
    const after = await insertDocument(db, 2);
    await savePages(db, after, [pageOf('TOTAL 9.00')], [90], 'ppocr');
    const page = await storedPages(db, after);
    expect(page.turns).toEqual([90]);
    expect(page.pages[0]).toMatchObject({ pageNo: 1, text: 'TOTAL 9.00', engine: 'ppocr' });
    // Only quarter turns: anything else is a bug upstream, refused rather than stored.
    const bad = await savePages(db, after, [pageOf('TOTAL 9.00')], [45 as QuarterTurn], 'ppocr').catch((e: unknown) => e);
    expect(sqlstateOf(bad)).toBe('23514');
  });

  it('migrating twice is a no-op', async () => {
    await migrate(db);
    const again = await migrate(db);
    expect(again).toEqual([]);
    const status = await migrationStatus(db);
    expect(status.pending).toEqual([]);
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows.rows[0]?.n).toBe(status.known);
  });

  it('refuses a migration that changed after it was applied', async () => {
    const known = await loadMigrations();
    await migrate(db, known);
    const changed: Migration[] = known.map((m, i) =>
      i === 0 ? { ...m, sql: `${m.sql}\n-- edited`, checksum: checksumOf(`${m.sql}\n-- edited`) } : m,
    );
    const error = await migrate(db, changed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocintelError);
    expect((error as DocintelError).code).toBe('MIGRATION_CHANGED');
    expect((error as DocintelError).message).toContain('001_initial.sql was changed');
    expect((error as DocintelError).hint).toMatch(/new migration/);
  });

  it('refuses a database migrated by a newer docintel', async () => {
    await migrate(db);
    await db.query(`INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'future', 'x')`);
    const error = await migrate(db).catch((e: unknown) => e);
    expect((error as DocintelError).code).toBe('DB_NEWER_THAN_CODE');
    await expect(migrationStatus(db)).rejects.toMatchObject({ code: 'DB_NEWER_THAN_CODE' });
  });

  it('rolls back a failing migration completely and names it', async () => {
    const known = await loadMigrations();
    await migrate(db, known);
    const broken = `CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;`;
    const withBroken = [...known, { version: known.length + 1, name: 'broken', sql: broken, checksum: checksumOf(broken) }];
    const error = await migrate(db, withBroken).catch((e: unknown) => e);
    expect((error as DocintelError).code).toBe('MIGRATION_FAILED');
    expect((error as DocintelError).message).toContain(`${String(known.length + 1).padStart(3, '0')}_broken.sql`);
    const table = await db.query<{ present: boolean }>(`SELECT to_regclass('half_done') IS NOT NULL AS present`);
    expect(table.rows[0]?.present).toBe(false);
    expect((await migrationStatus(db, withBroken)).pending.map((m) => m.name)).toEqual(['broken']);
  });

  it('applies each migration once when two migrators race', async () => {
    const other = await t.openAnother();
    const [a, b] = await Promise.all([migrate(db), migrate(other)]);
    const known = await loadMigrations();
    expect(a.length + b.length).toBe(known.length);
    const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.rows.map((r) => r.version)).toEqual(known.map((m) => m.version));
  });

  it('finds nearest neighbours through the HNSW index', async () => {
    await migrate(db);
    const documentId = await insertDocument(db, 1);
    for (let axis = 0; axis < 60; axis++) {
      await insertChunk(db, {
        documentId,
        pageNo: 1,
        chunkNo: axis,
        text: `chunk along axis ${axis}`,
        embedding: unitVector(256, axis, 0),
        embeddingModel: 'hash-ngram-256',
      });
    }
    // A chunk of another model and dimension lives in the same table without disturbing the search.
    await insertChunk(db, { documentId, pageNo: 1, chunkNo: 0, text: 'bge chunk', embedding: unitVector(1024, 7, 0), embeddingModel: 'bge-m3' });

    const query = unitVector(256, 42, 1);
    const matches = await nearestChunks(db, 'hash-ngram-256', query, 3);
    expect(matches[0]?.text).toBe('chunk along axis 42');
    expect(matches[0]!.distance).toBeLessThan(matches[1]!.distance);
    expect(matches).toHaveLength(3);

    const plan = await db.transaction(async (tx) => {
      await tx.exec('SET LOCAL enable_seqscan = off');
      const result = await tx.query<Record<string, string>>(
        `EXPLAIN SELECT id FROM chunks WHERE embedding_model = 'hash-ngram-256'
         ORDER BY embedding::vector(256) <=> $1::vector(256) LIMIT 3`,
        [`[${query.join(',')}]`],
      );
      return result.rows.map((row) => Object.values(row).join(' ')).join('\n');
    });
    expect(plan).toContain('chunks_embedding_hash256_idx');
  });

  it('round-trips NUMERIC money exactly', async () => {
    await migrate(db);
    const documentId = await insertDocument(db, 2);
    await db.query(
      `INSERT INTO receipts (document_id, subtotal, tax, total, extractor) VALUES ($1, $2, $3, $4, 'test')`,
      [documentId, '1234567.89', '0.10', '0.20'],
    );
    const row = await db.query<{ subtotal: string; sum: string; float_sum: number }>(
      `SELECT subtotal, tax + total AS sum, (0.1::float8 + 0.2::float8) AS float_sum FROM receipts WHERE document_id = $1`,
      [documentId],
    );
    expect(row.rows[0]?.subtotal).toBe('1234567.89');
    expect(row.rows[0]?.sum).toBe('0.30');
    // The float the schema avoids: proves the comparison above can fail.
    expect(row.rows[0]?.float_sum).not.toBe(0.3);
    const view = await db.query<{ total: string; date: string | null }>(`SELECT total, date FROM receipts_v WHERE document_id = $1`, [documentId]);
    expect(view.rows[0]?.total).toBe('0.20');
  });

  it('returns dates as YYYY-MM-DD strings on both backends', async () => {
    await migrate(db);
    const documentId = await insertDocument(db, 3);
    await db.query(`INSERT INTO receipts (document_id, invoice_date, extractor) VALUES ($1, $2, 'test')`, [documentId, '2024-02-04']);
    const row = await db.query<{ date: string; id: number }>(`SELECT date, document_id AS id FROM receipts_v`);
    expect(row.rows[0]).toEqual({ date: '2024-02-04', id: documentId });
  });

  it('surfaces constraint violations as clear errors', async () => {
    await migrate(db);
    await insertDocument(db, 4);
    const duplicate = await insertDocument(db, 4).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(DocintelError);
    expect((duplicate as DocintelError).code).toBe('DB_CONSTRAINT_VIOLATION');
    expect((duplicate as DocintelError).message).toMatch(/duplicate value.*documents_sha256_key/);

    const badStatus = await db
      .query(`INSERT INTO documents (sha256, original_path, file_name, size_bytes, status) VALUES ($1, 'a', 'a', 1, 'exploded')`, [sha(5)])
      .catch((e: unknown) => e);
    expect((badStatus as DocintelError).code).toBe('DB_CONSTRAINT_VIOLATION');
    expect((badStatus as DocintelError).message).toMatch(/value not allowed/);

    const orphan = await db
      .query(`INSERT INTO pages (document_id, page_no, source, text, raw_text, engine) VALUES (999999, 1, 'ocr', '', '', 'x')`)
      .catch((e: unknown) => e);
    expect((orphan as DocintelError).message).toMatch(/reference to a missing row/);
  });

  it('rolls back a transaction that throws and commits one that does not', async () => {
    await migrate(db);
    await expect(
      db.transaction(async (tx) => {
        await insertDocument(tx, 6);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const committed = await db.transaction(async (tx) => insertDocument(tx, 7));
    const rows = await db.query<{ sha256: string; id: number }>('SELECT sha256, id FROM documents ORDER BY id');
    expect(rows.rows.map((r) => r.sha256)).toEqual([sha(7)]);
    expect(rows.rows[0]?.id).toBe(committed);
  });

  it('deletes a document with everything that hangs off it', async () => {
    await migrate(db);
    const documentId = await insertDocument(db, 8);
    const receipt = await db.query<{ id: number }>(`INSERT INTO receipts (document_id, extractor) VALUES ($1, 'test') RETURNING id`, [documentId]);
    await db.query(`INSERT INTO line_items (receipt_id, position, description, amount) VALUES ($1, 1, '礦泉水', '20')`, [receipt.rows[0]!.id]);
    await db.query(`INSERT INTO pages (document_id, page_no, source, text, raw_text, engine) VALUES ($1, 1, 'ocr', 'x', 'x', 't')`, [documentId]);
    await db.query('DELETE FROM documents WHERE id = $1', [documentId]);
    const left = await db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM receipts)::int + (SELECT count(*) FROM line_items)::int + (SELECT count(*) FROM pages)::int AS n`,
    );
    expect(left.rows[0]?.n).toBe(0);
  });
});
