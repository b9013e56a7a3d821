import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../pipeline/db/database.js';
import { migrate } from '../../pipeline/db/migrate.js';
import { flagDuplicateClaims } from '../../pipeline/store/duplicate-claims.js';
import { saveReceipt } from '../../pipeline/store/receipts.js';
import type { ReceiptRecord } from '../../schemas/receipt.js';
import { databaseTargets, type TestDatabase } from '../support/databases.js';
import { receiptRecord } from '../receipt/helpers.js';

let documents = 0;
/** Each stored document's file, by id. */
const files = new Map<number, string>();

interface Purchase {
  taxId?: string | null;
  name?: string;
  number?: string | null;
  date?: string | null;
  total?: string | null;
  reasons?: string[];
}

function record(p: Purchase): ReceiptRecord {
  const field = (value: string | null | undefined) => ({ value: value ?? null, confidence: 0.9, source: 'rules' as const });
  return {
    ...receiptRecord({
      vendorName: field(p.name ?? 'UNIHAKKA INTERNATIONAL SDN BHD'),
      vendorTaxId: field(p.taxId === undefined ? '000306020352' : p.taxId),
      invoiceNumber: field(p.number),
      date: field(p.date === undefined ? '2018-01-26' : p.date),
      total: field(p.total === undefined ? '8.70' : p.total),
    }),
    needsReview: (p.reasons ?? []).length > 0,
    reviewReasons: p.reasons ?? [],
  };
}

/** A document of its own file, with the receipt read from it. */
async function store(db: Database, p: Purchase): Promise<number> {
  documents += 1;
  const doc = await db.query<{ id: number }>(`INSERT INTO documents (sha256, original_path, file_name, size_bytes) VALUES ($1, $2, $3, 1) RETURNING id`, [
    `1${documents.toString(16).padStart(63, '0')}`,
    `/inbox/r${documents}.jpg`,
    `r${documents}.jpg`,
  ]);
  const id = Number(doc.rows[0]!.id);
  files.set(id, `/inbox/r${documents}.jpg`);
  await db.transaction((tx) => saveReceipt(tx, id, record(p)));
  return id;
}

interface Row {
  document_id: number;
  duplicate_of: number | null;
  needs_review: boolean;
  review_reasons: string[];
  validations: { check: string; detail: string }[];
}

async function rows(db: Database): Promise<Map<number, Row>> {
  const { rows } = await db.query<Row>(
    `SELECT document_id, duplicate_of, needs_review, review_reasons, validations FROM receipts ORDER BY document_id`,
  );
  return new Map(rows.map((r) => [Number(r.document_id), { ...r, duplicate_of: r.duplicate_of === null ? null : Number(r.duplicate_of) }]));
}

describe.each(databaseTargets)('duplicate claims in the store on $name', (target) => {
  let t: TestDatabase;
  let db: Database;

  beforeEach(async () => {
    t = await target.create();
    db = t.db;
    await migrate(db);
  });
  afterEach(async () => {
    await t?.dispose();
  });

  it('flags the later copy of a purchase for review, naming the earlier document, and a second pass changes nothing', async () => {
    const original = await store(db, { number: 'OR18012601160207' });
    const photo = await store(db, { number: 'OR18012601160207', total: '8.7' });
    const scan = await store(db, { taxId: null, date: '2018-01-26', total: '8.70' }); // no number, no tax id: same name, day, total
    const otherCoffee = await store(db, { number: 'OR18012601160208' });
    const otherShop = await store(db, { taxId: '000123456789', name: 'OTHER SHOP' });

    expect(await flagDuplicateClaims(db)).toEqual({ flagged: 2, cleared: 0 });
    const after = await rows(db);
    expect([...after.values()].map((r) => [r.document_id, r.duplicate_of])).toEqual([
      [original, null],
      [photo, original],
      [scan, original],
      [otherCoffee, null],
      [otherShop, null],
    ]);
    const flagged = after.get(photo)!;
    expect(flagged.needs_review).toBe(true);
    expect(flagged.review_reasons).toEqual([
      `duplicate_claim: same invoice number OR18012601160207 as document ${original} (${files.get(original)}): the same purchase stored twice?`,
    ]);
    expect(flagged.validations.map((v) => v.check)).toEqual(['duplicate_claim']);
    expect(after.get(scan)!.review_reasons[0]).toContain('same seller, date 2018-01-26 and total 8.70 as document');
    expect(after.get(original)!.needs_review).toBe(false);

    // The view analysts query shows it, and the second pass finds nothing to change.
    const view = await db.query<{ document_id: number }>(`SELECT document_id FROM receipts_v WHERE duplicate_of IS NOT NULL ORDER BY document_id`);
    expect(view.rows.map((r) => Number(r.document_id))).toEqual([photo, scan]);
    expect(await flagDuplicateClaims(db)).toEqual({ flagged: 0, cleared: 0 });
    const again = await rows(db);
    expect(again.get(photo)!.review_reasons).toHaveLength(1);
    expect(again.get(photo)!.validations).toHaveLength(1);
  });

  it('finds two scans of one slip whose numbers OCR read apart, when one of them lost its total', async () => {
    const original = await store(db, { number: 'OR18030502160349', total: '8.20' });
    const noTotal = await store(db, { number: 'QR18030502160349', total: null });
    const nextSlip = await store(db, { number: 'OR18030502160350', total: null });
    // Not looked for (mayRepeat): one total of the seller on another day, or with its date lost.
    const noDate = await store(db, { number: '0R18030502160349', date: null, total: '8.20' });
    expect(await flagDuplicateClaims(db)).toEqual({ flagged: 1, cleared: 0 });
    const after = await rows(db);
    expect([noTotal, nextSlip, noDate].map((id) => after.get(id)!.duplicate_of)).toEqual([original, null, null]);
  });

  it('takes the flag off when the earlier document is read again and no longer matches, keeping the other reasons', async () => {
    const original = await store(db, {});
    const copy = await store(db, { reasons: ['low_confidence_vendorName: 0.40'] });
    expect(await flagDuplicateClaims(db)).toEqual({ flagged: 1, cleared: 0 });
    expect((await rows(db)).get(copy)!.review_reasons).toHaveLength(2);

    // Read again (a better model, say): the original's total is 18.70 after all.
    await db.transaction((tx) => saveReceipt(tx, original, record({ total: '18.70' })));
    expect(await flagDuplicateClaims(db)).toEqual({ flagged: 0, cleared: 1 });
    const row = (await rows(db)).get(copy)!;
    expect(row.duplicate_of).toBeNull();
    expect(row.review_reasons).toEqual(['low_confidence_vendorName: 0.40']);
    expect(row.validations).toEqual([]);
    expect(row.needs_review).toBe(true);
  });

  it('writes the note again when the earlier document is read again and still matches, on another basis', async () => {
    const original = await store(db, { number: 'OR18012601160207' });
    const copy = await store(db, { number: 'OR18012601160207' });
    await flagDuplicateClaims(db);
    expect((await rows(db)).get(copy)!.review_reasons[0]).toContain('same invoice number OR18012601160207');
    // Read again, the original's number is lost: the same seller, date and total still make it one purchase.
    await db.transaction((tx) => saveReceipt(tx, original, record({})));
    expect(await flagDuplicateClaims(db)).toEqual({ flagged: 1, cleared: 0 });
    const row = (await rows(db)).get(copy)!;
    expect(row.duplicate_of).toBe(original);
    expect(row.review_reasons).toEqual([`duplicate_claim: same seller, date 2018-01-26 and total 8.70 as document ${original} (${files.get(original)}): the same purchase stored twice?`]);
    expect(row.validations.map((v) => v.check)).toEqual(['duplicate_claim']);
    expect(await flagDuplicateClaims(db)).toEqual({ flagged: 0, cleared: 0 });
  });

  it('clears needs_review with the flag when the claim was the only reason', async () => {
    const original = await store(db, {});
    const copy = await store(db, {});
    await flagDuplicateClaims(db);
    expect((await rows(db)).get(copy)!.needs_review).toBe(true);
    await db.query(`DELETE FROM documents WHERE id = $1`, [original]);
    expect(await flagDuplicateClaims(db)).toEqual({ flagged: 0, cleared: 1 });
    const row = (await rows(db)).get(copy)!;
    expect(row.needs_review).toBe(false);
    expect(row.review_reasons).toEqual([]);
  });

  it('finds a copy among a thousand receipts of one seller, by joining on indexed columns', async () => {
    // 1000 receipts of one seller with distinct numbers, ten on each day and total: candidates by date
    // and total are many, duplicates none.
    await db.transaction(async (tx) => {
      for (let i = 0; i < 1000; i += 1) {
        documents += 1;
        const doc = await tx.query<{ id: number }>(`INSERT INTO documents (sha256, original_path, file_name, size_bytes) VALUES ($1, $2, $3, 1) RETURNING id`, [
          `2${documents.toString(16).padStart(63, '0')}`,
          `/bulk/${i}.jpg`,
          `${i}.jpg`,
        ]);
        await saveReceipt(tx, Number(doc.rows[0]!.id), record({ number: `CS${String(i).padStart(6, '0')}`, date: `2018-01-${String(1 + (i % 20)).padStart(2, '0')}`, total: `${1 + (i % 5)}.00` }));
      }
    });
    const copy = await store(db, { number: 'CS000234', date: '2018-01-15', total: '5.00' });
    expect(await flagDuplicateClaims(db)).toEqual({ flagged: 1, cleared: 0 });
    const { rows: flagged } = await db.query<{ document_id: number; file: string }>(
      `SELECT r.document_id, o.original_path AS file FROM receipts_v r JOIN documents o ON o.id = r.duplicate_of WHERE r.duplicate_of IS NOT NULL`,
    );
    expect(flagged.map((r) => [Number(r.document_id), r.file])).toEqual([[copy, '/bulk/234.jpg']]);
  });
});
