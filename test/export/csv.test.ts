import { mkdtempSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../pipeline/db/database.js';
import { migrate } from '../../pipeline/db/migrate.js';
import { exportCsv, exportCsvToFile, LINE_COLUMNS, neutralise, RECEIPT_COLUMNS } from '../../pipeline/export/csv.js';
import { databaseTargets, type TestDatabase } from '../support/databases.js';

interface ReceiptSeed {
  file: string;
  vendor: string | null;
  address?: string | null;
  date: string | null;
  total: string | null;
  needsReview?: boolean;
  reasons?: string[];
  lines?: { description: string; quantity: string | null; amount: string | null }[];
}

async function seed(db: Database, receipts: ReceiptSeed[]): Promise<void> {
  let n = 0;
  for (const r of receipts) {
    n++;
    const doc = await db.query<{ id: number }>(
      `INSERT INTO documents (sha256, original_path, file_name, size_bytes, status, stage, processed_at)
       VALUES ($1, $2, $3, 1, 'done', 'validate', '2024-03-01T10:00:00Z') RETURNING id`,
      [n.toString(16).padStart(64, '0'), r.file, r.file.split('/').pop()],
    );
    const receipt = await db.query<{ id: number }>(
      `INSERT INTO receipts (document_id, vendor_name, vendor_address, invoice_date, currency, total, tax, needs_review, review_reasons, confidence, extractor)
       VALUES ($1, $2, $3, $4, 'TWD', $5, '0.10', $6, $7, 0.875, 'offline') RETURNING id`,
      [doc.rows[0]!.id, r.vendor, r.address ?? null, r.date, r.total, r.needsReview ?? false, r.reasons ?? []],
    );
    for (const [i, line] of (r.lines ?? []).entries()) {
      await db.query(`INSERT INTO line_items (receipt_id, position, description, quantity, amount) VALUES ($1, $2, $3, $4, $5)`, [
        receipt.rows[0]!.id,
        i + 1,
        line.description,
        line.quantity,
        line.amount,
      ]);
    }
  }
}

function collector(): { stream: Writable; text: () => Buffer } {
  const chunks: Buffer[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(Buffer.from(chunk));
        callback();
      },
    }),
    text: () => Buffer.concat(chunks),
  };
}

describe('neutralise', () => {
  it.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+886 2 1234', "'+886 2 1234"],
    ['-cmd', "'-cmd"],
    ['@SUM(1)', "'@SUM(1)"],
    ['\tTAB', "'\tTAB"],
    ['\rCR', "'\rCR"],
    ['-12.50', '-12.50'],
    ['1234567.89', '1234567.89'],
    ['全聯福利中心', '全聯福利中心'],
  ])('%j -> %j', (input, expected) => expect(neutralise(input)).toBe(expected));
});

describe.each(databaseTargets)('CSV export on $name', (target) => {
  let t: TestDatabase;
  let dir: string;
  beforeEach(async () => {
    t = await target.create();
    await migrate(t.db);
    dir = mkdtempSync(join(tmpdir(), 'docintel-csv-'));
  });
  afterEach(async () => {
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes UTF-8 with BOM and CRLF that a CSV parser reads back exactly, formulas neutralised', async () => {
    await seed(t.db, [
      { file: '/inbox/a.jpg', vendor: '全聯福利中心 "信義店", 台北', address: '台北市信義區\n松仁路 100 號', date: '2024-03-05', total: '1234567.89' },
      { file: '/inbox/=evil.jpg', vendor: '=HYPERLINK("http://x","click")', date: '2024-01-31', total: '0.30', needsReview: true, reasons: ['total_mismatch', 'date_unclear'] },
    ]);
    // The second repeats the first's purchase (set by the end-of-run pass, pipeline/store/duplicate-claims.ts).
    await t.db.query(`UPDATE receipts SET duplicate_of = (SELECT min(document_id) FROM receipts) WHERE document_id = (SELECT max(document_id) FROM receipts)`);
    const out = collector();
    const rows = await exportCsv(t.db, out.stream);
    expect(rows).toBe(2);
    const bytes = out.text();
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.split('\r\n')[0]).toBe(`\ufeff${RECEIPT_COLUMNS.join(',')}`);
    expect(text.replace(/\r\n/g, '').includes('\n')).toBe(true); // only the quoted address holds a bare LF
    const records = parse(text, { bom: true, columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(2);
    const [a, b] = records;
    expect(a!.vendor_name).toBe('全聯福利中心 "信義店", 台北');
    expect(a!.vendor_address).toBe('台北市信義區\n松仁路 100 號');
    expect(a!.total).toBe('1234567.89');
    expect(a!.date).toBe('2024-03-05');
    expect(a!.needs_review).toBe('false');
    expect(a!.confidence).toBe('0.88');
    expect(a!.processed_at).toBe('2024-03-01T10:00:00.000Z');
    expect(b!.vendor_name).toBe(`'=HYPERLINK("http://x","click")`);
    expect(b!.source_file).toBe(`/inbox/=evil.jpg`);
    expect(b!.review_reasons).toBe('total_mismatch; date_unclear');
    expect(b!.total).toBe('0.30');
    expect(a!.duplicate_of).toBe('');
    expect(b!.duplicate_of).toBe(a!.document_id);
  });

  it('filters by date range and review flag, and exports line items with the receipt keys', async () => {
    await seed(t.db, [
      { file: '/i/jan.jpg', vendor: 'Jan Shop', date: '2024-01-15', total: '10.00', lines: [{ description: '礦泉水', quantity: '2', amount: '40' }] },
      { file: '/i/feb.jpg', vendor: 'Feb Shop', date: '2024-02-29', total: '20.00', needsReview: true, lines: [{ description: '@risky', quantity: null, amount: '-5.00' }, { description: '便當', quantity: '1', amount: '85' }] },
      { file: '/i/mar.jpg', vendor: 'Mar Shop', date: '2024-03-01', total: '30.00' },
      { file: '/i/nodate.jpg', vendor: 'No Date', date: null, total: '5.00' },
    ]);
    const range = collector();
    await exportCsv(t.db, range.stream, { from: '2024-01-01', to: '2024-02-29' });
    const inRange = parse(range.text(), { bom: true, columns: true }) as Record<string, string>[];
    expect(inRange.map((r) => r.vendor_name)).toEqual(['Jan Shop', 'Feb Shop']);

    const review = collector();
    await exportCsv(t.db, review.stream, { needsReview: true, bom: false, crlf: false });
    const reviewText = review.text().toString('utf8');
    expect(reviewText.startsWith('document_id,')).toBe(true);
    expect(reviewText).not.toContain('\r\n');
    expect((parse(reviewText, { columns: true }) as Record<string, string>[]).map((r) => r.vendor_name)).toEqual(['Feb Shop']);

    // Feb's receipt repeats Jan's purchase: each of its lines says so.
    const jan = (await t.db.query<{ id: number }>(`SELECT document_id AS id FROM receipts WHERE vendor_name = 'Jan Shop'`)).rows[0]!.id;
    await t.db.query(`UPDATE receipts SET duplicate_of = $1 WHERE vendor_name = 'Feb Shop'`, [jan]);
    const lines = collector();
    await exportCsv(t.db, lines.stream, { lines: true });
    const lineRows = parse(lines.text(), { bom: true, columns: true }) as Record<string, string>[];
    expect(Object.keys(lineRows[0]!)).toEqual([...LINE_COLUMNS]);
    expect(lineRows.map((r) => [r.vendor_name, r.position, r.description, r.amount, r.duplicate_of])).toEqual([
      ['Jan Shop', '1', '礦泉水', '40', ''],
      ['Feb Shop', '1', "'@risky", '-5.00', String(jan)],
      ['Feb Shop', '2', '便當', '85', String(jan)],
    ]);
  });

  it('streams a large export in pages and writes a file atomically', async () => {
    const count = 2500;
    await t.db.query(
      `INSERT INTO documents (sha256, original_path, file_name, size_bytes, status, stage)
       SELECT lpad(to_hex(g), 64, '0'), '/big/' || g || '.jpg', g || '.jpg', 1, 'done', 'validate' FROM generate_series(1, $1) g`,
      [count],
    );
    await t.db.query(
      `INSERT INTO receipts (document_id, vendor_name, total, extractor) SELECT id, 'Shop ' || id, (id * 1.01)::numeric(12,2), 'offline' FROM documents`,
    );
    const file = join(dir, 'all.csv');
    const rows = await exportCsvToFile(t.db, file, {});
    expect(rows).toBe(count);
    const records = parse(readFileSync(file), { bom: true, columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(count);
    expect(new Set(records.map((r) => r.document_id)).size).toBe(count);
    expect(records.at(-1)!.total).toBe((count * 1.01).toFixed(2));
    expect(readdirSync(dir)).toEqual(['all.csv']); // no temp file left behind

    // Paging: a page size far below the row count still yields every row once, in order.
    const paged = collector();
    expect(await exportCsv(t.db, paged.stream, { pageSize: 333 })).toBe(count);
    const ids = (parse(paged.text(), { bom: true, columns: true }) as Record<string, string>[]).map((r) => Number(r.document_id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(existsSync(`${file}.${process.pid}.partial`)).toBe(false);
  });
});
