import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../pipeline/db/database.js';
import { migrate } from '../../pipeline/db/migrate.js';
import { agreeSellerReadings } from '../../pipeline/store/seller-consensus.js';
import { saveReceipt } from '../../pipeline/store/receipts.js';
import type { FieldSource, ReceiptFields } from '../../schemas/receipt.js';
import { databaseTargets, type TestDatabase } from '../support/databases.js';
import { receiptRecord } from '../receipt/helpers.js';

let documents = 0;

/** A stored receipt of seller `taxId` with the name and address as read (by OCR rules, or another source). */
async function store(db: Database, taxId: string | null, name: string, address: string, source: FieldSource = 'rules'): Promise<number> {
  documents += 1;
  const doc = await db.query<{ id: number }>(`INSERT INTO documents (sha256, original_path, file_name, size_bytes) VALUES ($1, $2, $3, 1) RETURNING id`, [
    documents.toString(16).padStart(64, '0'),
    `/inbox/r${documents}.jpg`,
    `r${documents}.jpg`,
  ]);
  const record = receiptRecord({
    vendorName: { value: name, confidence: 0.8, source, evidence: { page: 1, text: name } },
    vendorAddress: { value: address, confidence: 0.7, source: 'rules' },
    vendorTaxId: { value: taxId, confidence: 0.9, source },
    total: { value: '10.00', confidence: 0.9, source: 'rules' },
  });
  await db.transaction((tx) => saveReceipt(tx, doc.rows[0]!.id, record));
  return doc.rows[0]!.id;
}

const ADDRESS = 'NO.32 & 33, JALAN SR 1/9, SEKSYEN 9, TAMAN SERDANG RAYA, 43300 SERI KEMBANGAN';

describe.each(databaseTargets)('seller consensus in the store on $name', (target) => {
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

  it('corrects the column and the field record, notes it, keeps the evidence, and a second pass changes nothing', async () => {
    await store(db, '002139201536', 'LIAN HING STATIONERY SDN BHD', ADDRESS);
    await store(db, '002139201536', 'LIAN HING STATIONERY SDN BHD', ADDRESS);
    const slip = await store(db, '002139201536', 'LAN HING STATIONERY SDN BHD', 'NO.32& 33, JALAN SR 1/9,SEKSYEN 9, TAMAN SERDANG RAYA, 43300 SERI KEMBANGAN');
    // Another seller, and a receipt with no tax id, are left alone.
    await store(db, '000181747712', '9 SPEED MART S/B', 'LOT 2811');
    await store(db, null, 'LAN HING STATIONERY SDN BHD', ADDRESS);

    expect(await agreeSellerReadings(db)).toEqual({ taxIds: 0, names: 1, addresses: 1 });
    const { rows } = await db.query<{ vendor_name: string; vendor_address: string; fields: ReceiptFields; validations: { check: string; detail: string; fields: string[] }[] }>(
      `SELECT vendor_name, vendor_address, fields, validations FROM receipts WHERE document_id = $1`,
      [slip],
    );
    const row = rows[0]!;
    expect(row.vendor_name).toBe('LIAN HING STATIONERY SDN BHD');
    expect(row.vendor_address).toBe(ADDRESS);
    expect(row.fields.vendorName).toEqual({ value: 'LIAN HING STATIONERY SDN BHD', confidence: 0.8, source: 'rules', evidence: { page: 1, text: 'LAN HING STATIONERY SDN BHD' } });
    expect(row.fields.vendorAddress.value).toBe(ADDRESS);
    expect(row.validations.map((v) => [v.check, v.fields])).toEqual([
      ['vendor_consensus', ['vendorName']],
      ['vendor_consensus', ['vendorAddress']],
    ]);
    expect(row.validations[0]!.detail).toContain('read "LAN HING STATIONERY SDN BHD"; 2 other receipts of seller 002139201536');
    // The README's query for every correction made so far.
    const listed = await db.query<{ document_id: number; correction: string }>(
      `SELECT document_id, vendor_name, v->>'detail' AS correction FROM receipts, jsonb_array_elements(validations) v WHERE v->>'check' = 'vendor_consensus' ORDER BY document_id`,
    );
    expect(listed.rows.map((r) => r.document_id)).toEqual([slip, slip]);
    expect(listed.rows[1]!.correction).toContain('give the address');

    const untouched = await db.query<{ vendor_name: string }>(`SELECT vendor_name FROM receipts WHERE vendor_tax_id IS NULL OR vendor_tax_id = '000181747712' ORDER BY id`);
    expect(untouched.rows.map((r) => r.vendor_name)).toEqual(['9 SPEED MART S/B', 'LAN HING STATIONERY SDN BHD']);

    expect(await agreeSellerReadings(db)).toEqual({ taxIds: 0, names: 0, addresses: 0 });
    const again = await db.query<{ n: number }>(`SELECT jsonb_array_length(validations)::int AS n FROM receipts WHERE document_id = $1`, [slip]);
    expect(again.rows[0]!.n).toBe(2);
  });

  it("moves a receipt whose tax id is one character off a known seller's to that seller, in the column and the record", async () => {
    for (let n = 0; n < 3; n += 1) await store(db, '000656195584', 'UNIHAKKA INTERNATIONAL SDN BHD', '12, JALAN TAMPOI 7/4');
    const slip = await store(db, '000658195584', 'UNIHAKKA INTERNATIONAL SDN BHD', '12, JALAN TAMPOI 7/4');
    expect(await agreeSellerReadings(db)).toEqual({ taxIds: 1, names: 0, addresses: 0 });
    const { rows } = await db.query<{ vendor_tax_id: string; fields: ReceiptFields; validations: { detail: string }[] }>(
      `SELECT vendor_tax_id, fields, validations FROM receipts WHERE document_id = $1`,
      [slip],
    );
    expect(rows[0]!.vendor_tax_id).toBe('000656195584');
    expect(rows[0]!.fields.vendorTaxId.value).toBe('000656195584');
    expect(rows[0]!.validations[0]!.detail).toBe('read "000658195584"; 3 receipts of the seller of this name carry the tax id "000656195584"');
    expect(await agreeSellerReadings(db)).toEqual({ taxIds: 0, names: 0, addresses: 0 });
  });

  it('never changes a name or tax id read from a text layer or a QR code', async () => {
    await store(db, '002139201536', 'LIAN HING STATIONERY SDN BHD', ADDRESS);
    await store(db, '002139201536', 'LIAN HING STATIONERY SDN BHD', ADDRESS);
    const printed = await store(db, '002139201536', 'LAN HING STATIONERY SDN BHD', ADDRESS, 'text-layer');
    const qr = await store(db, '002139201537', 'LIAN HING STATIONERY SDN BHD', ADDRESS, 'qr');
    expect(await agreeSellerReadings(db)).toEqual({ taxIds: 0, names: 0, addresses: 0 });
    const { rows } = await db.query<{ document_id: number; vendor_name: string; vendor_tax_id: string }>(`SELECT document_id, vendor_name, vendor_tax_id FROM receipts WHERE document_id IN ($1, $2) ORDER BY document_id`, [printed, qr]);
    expect(rows.map((r) => [r.vendor_name, r.vendor_tax_id])).toEqual([
      ['LAN HING STATIONERY SDN BHD', '002139201536'],
      ['LIAN HING STATIONERY SDN BHD', '002139201537'],
    ]);
  });

  it('corrects a receipt of an earlier run once later receipts make the majority', async () => {
    const early = await store(db, '002139201536', 'LAN HING STATIONERY SDN BHD', ADDRESS);
    await store(db, '002139201536', 'LIAN HING STATIONERY SDN BHD', ADDRESS);
    expect(await agreeSellerReadings(db)).toEqual({ taxIds: 0, names: 0, addresses: 0 });
    await store(db, '002139201536', 'LIAN HING STATIONERY SDN BHD', ADDRESS);
    expect(await agreeSellerReadings(db)).toEqual({ taxIds: 0, names: 1, addresses: 0 });
    const { rows } = await db.query<{ vendor_name: string }>(`SELECT vendor_name FROM receipts WHERE document_id = $1`, [early]);
    expect(rows[0]!.vendor_name).toBe('LIAN HING STATIONERY SDN BHD');
  });
});
