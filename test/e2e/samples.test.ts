/**
 * End to end, as a new user runs it: the CLI over samples/documents on the embedded database, then the
 * CSV export read back with a real CSV parser and checked field by field against the samples' ground
 * truth (samples/documents/.manifest.json).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareDecimal } from '../../extractors/rules/amounts.js';
import { openPglite } from '../../pipeline/db/pglite.js';
import { projectRoot, runCli, type CliResult } from '../support/cli.js';

interface Truth {
  vendor_name?: string;
  vendor_address?: string;
  vendor_tax_id?: string;
  buyer_tax_id?: string;
  invoice_number?: string;
  date?: string;
  currency?: string;
  subtotal?: string;
  tax?: string;
  total?: string;
}
interface ManifestDocument {
  file: string;
  kind: string;
  ground_truth: Truth;
}

const samples = join(projectRoot, 'samples', 'documents');
const manifest = JSON.parse(readFileSync(join(samples, '.manifest.json'), 'utf8')) as { documents: ManifestDocument[] };

/**
 * Fields the offline path must get exactly right on each sample. The e-invoice's come from its QR code;
 * the others from the printed text (OCR or the PDF text layer).
 */
const EXACT: Record<string, (keyof Truth)[]> = {
  'einvoice-tw.png': ['vendor_address', 'vendor_tax_id', 'invoice_number', 'date', 'currency', 'subtotal', 'tax', 'total'],
  // The seller's address is in its stamp; the buyer's, in the block under 買受人, is not it.
  'invoice-tw-triplicate.pdf': ['vendor_address', 'vendor_tax_id', 'buyer_tax_id', 'invoice_number', 'date', 'currency', 'subtotal', 'tax', 'total'],
  'receipt-en-photo.jpg': ['vendor_name', 'vendor_tax_id', 'date', 'currency', 'total'],
  'receipt-en-scanned.pdf': ['vendor_name', 'vendor_tax_id', 'date', 'currency', 'total'],
};

/**
 * docintel's `total` is the amount payable, after any rounding adjustment (what an accountant books).
 * The photographed receipt prints TOTAL 25.18 and then ROUNDING +0.02, so its payable total is 25.20;
 * the scanned one prints ROUNDING before TOTAL, so its printed TOTAL is already the payable amount.
 */
const PAYABLE_TOTAL: Record<string, string> = { 'receipt-en-photo.jpg': '25.20' };

function same(field: keyof Truth, expected: string, actual: string): boolean {
  if (['subtotal', 'tax', 'total'].includes(field)) return actual !== '' && compareDecimal(expected, actual) === 0;
  if (field === 'invoice_number') return expected.replace(/-/g, '') === actual.replace(/-/g, '');
  return expected === actual;
}

// Both OCR engines run the whole job: the default tesseract reader, and PP-OCR (`--ocr-engine ppocr`),
// which hands the Chinese e-invoice to tesseract and must still get every field exact.
describe.each(['tesseract', 'ppocr'] as const)('docintel over samples/ (--ocr-engine %s)', (ocrEngine) => {
  let work: string;
  let env: Record<string, string>;
  let run: CliResult;
  let rows: Record<string, string>[];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'docintel-e2e-'));
    env = { DOCINTEL_DATA_DIR: join(work, 'db'), DOCINTEL_LOG_FORMAT: 'json', DOCINTEL_SETTLE_SECONDS: '0', DOCINTEL_OCR_ENGINE: ocrEngine };
    run = await runCli(['run', samples, '--report', join(work, 'run.json')], { env, timeoutMs: 300_000 });
    const exported = await runCli(['export', 'csv', '-o', join(work, 'out.csv')], { env });
    expect(exported.code, exported.stderr).toBe(0);
    rows = parse(readFileSync(join(work, 'out.csv')), { bom: true, columns: true }) as Record<string, string>[];
  }, 300_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('processes every sample and exits 0', () => {
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(work, 'run.json'), 'utf8')) as { files: { new: number; skipped: Record<string, number> }; documents: { done: number; failed: number } };
    expect(report.files.new).toBe(manifest.documents.length);
    expect(report.files.skipped.hidden).toBe(1); // the manifest
    expect(report.documents).toMatchObject({ done: manifest.documents.length, failed: 0 });
  });

  it('classifies each document as the manifest says', async () => {
    const db = await openPglite({ dataDir: env.DOCINTEL_DATA_DIR! });
    try {
      const kinds = await db.query<{ file_name: string; kind: string }>('SELECT file_name, kind FROM documents_v ORDER BY file_name');
      const expected = Object.fromEntries(manifest.documents.map((d) => [d.file, d.kind === 'invoice' ? ['invoice', 'receipt'] : d.kind === 'receipt' ? ['receipt', 'invoice'] : [d.kind]]));
      for (const row of kinds.rows) expect(expected[row.file_name], row.file_name).toContain(row.kind);
    } finally {
      await db.close();
    }
  });

  it('records on each page what read it: the text layer, or which OCR languages', async () => {
    const db = await openPglite({ dataDir: env.DOCINTEL_DATA_DIR! });
    try {
      const pages = await db.query<{ file_name: string; engine: string }>(
        'SELECT d.file_name, p.engine FROM pages p JOIN documents d ON d.id = p.document_id ORDER BY d.file_name, p.page_no',
      );
      const engine = Object.fromEntries(pages.rows.map((r) => [r.file_name, r.engine]));
      expect(engine['invoice-tw-triplicate.pdf']).toBe('pdfjs-text-layer');
      // Chinese print: tesseract needs chi_tra whichever way the adaptive reader got there; PP-OCR reads it
      // itself (and gives it in Traditional characters, which the field checks above rely on).
      expect(engine['einvoice-tw.png']).toBe(ocrEngine === 'tesseract' ? 'tesseract.js eng+chi_tra' : 'ppocr v4 (onnxruntime)');
      for (const file of ['receipt-en-photo.jpg', 'receipt-en-scanned.pdf', 'site-photo.jpg']) {
        if (ocrEngine === 'tesseract') expect(engine[file], file).toMatch(/^tesseract\.js (?:eng|eng\+chi_tra)(?:; lines chi_tra)?$/);
        else expect(engine[file], file).toBe('ppocr v4 (onnxruntime)');
      }
    } finally {
      await db.close();
    }
  });

  it("never reports the buyer as the seller: the triplicate invoice's seller is only in its stamp", () => {
    const row = rows.find((r) => (r.source_file ?? '').endsWith('/invoice-tw-triplicate.pdf'))!;
    expect(row.vendor_name).not.toContain('測試營造');
    expect(row.vendor_address).not.toContain('新竹縣');
    expect(row.needs_review).toBe('true');
  });

  it.each(Object.entries(EXACT))('%s: the fields come out exact', (file, fields) => {
    const truth = manifest.documents.find((d) => d.file === file)!.ground_truth;
    const row = rows.find((r) => (r.source_file ?? '').endsWith(`/${file}`));
    expect(row, `${file} has no receipt row`).toBeDefined();
    const expected = { ...truth, ...(PAYABLE_TOTAL[file] ? { total: PAYABLE_TOTAL[file] } : {}) };
    const wrong = fields.filter((field) => !same(field, expected[field]!, row![field] ?? '')).map((field) => `${field}: expected ${expected[field]}, got ${row![field]}`);
    expect(wrong).toEqual([]);
  });

  it('a second run creates nothing new', async () => {
    const again = await runCli(['run', samples], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/unchanged \(not read again\)\s+5/);
    expect(again.stdout).toMatch(/new documents\s+0/);
  });
});
