import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { preprocessImage } from '../../extractors/image/preprocess.js';
import { createOcrPool } from '../../extractors/ocr/tesseract-pool.js';
import { buildEInvoiceQrPayloads } from '../../extractors/qr/einvoice-payload.js';
import { createOllamaClient } from '../../extractors/ollama/client.js';
import { createLimiter } from '../../pipeline/limit.js';
import { loadConfig, type Config } from '../../pipeline/config.js';
import type { Database } from '../../pipeline/db/database.js';
import { DocintelError } from '../../pipeline/errors.js';
import { fileError } from '../../pipeline/stages/load-file.js';
import { silentSink } from '../../pipeline/progress.js';
import { RUN_LOCK_ARGS, RUN_LOCK_CLASS } from '../../pipeline/run-lock.js';
import { runFolder, type RunOptions } from '../../pipeline/runner.js';
import { formatSummary } from '../../pipeline/summary.js';
import { databaseTargets, type TestDatabase } from '../support/databases.js';
import { startOllamaTestServer, type OllamaTestServer } from '../support/ollama-server.js';
import { pngClaiming, textImage, textPdf } from '../support/fixtures.js';

const old = new Date(Date.now() - 3600_000);
const pdfsDev = join(process.cwd(), '..', 'shared', 'data', 'pdfs-dev');

function put(folder: string, name: string | Buffer, bytes: Buffer | string): void {
  const path = typeof name === 'string' ? join(folder, name) : Buffer.concat([Buffer.from(`${folder}/`), name]);
  if (typeof path === 'string') mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
  utimesSync(path, old, old);
}

function services(config: Config) {
  return {
    createOcr: () => createOcrPool({ languages: config.ocrLanguages, size: 1 }),
    ollama: () => createOllamaClient({ host: config.ollamaHost, timeoutMs: config.ollamaTimeoutMs, retries: config.ollamaRetries, backoffMs: 10 }),
    llmLimit: createLimiter(1),
  };
}

function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ env: { DOCINTEL_OCR_LANGUAGES: 'eng', DOCINTEL_OCR_WORKERS: '1', DOCINTEL_SETTLE_SECONDS: '0' } }).config, ...overrides };
}

async function counts(db: Database) {
  const row = await db.query<{ documents: number; paths: number; pages: number; done: number; failed: number }>(
    `SELECT (SELECT count(*) FROM documents)::int AS documents, (SELECT count(*) FROM document_paths)::int AS paths,
            (SELECT count(*) FROM pages)::int AS pages,
            (SELECT count(*) FROM documents WHERE status = 'done')::int AS done,
            (SELECT count(*) FROM documents WHERE status = 'failed')::int AS failed`,
  );
  return row.rows[0]!;
}

describe.each(databaseTargets)('nightly run on $name', (target) => {
  let t: TestDatabase;
  let folder: string;
  let goodPng: Buffer;
  let goodPdf: Buffer;

  beforeAll(async () => {
    goodPng = await textImage(['CORNER MART', 'TOTAL 12.50'], { fontSize: 32 });
    goodPdf = await textPdf(['Invoice INV-2024-0042', 'Total due 99.00']);
  });
  beforeEach(async () => {
    t = await target.create();
    folder = mkdtempSync(join(tmpdir(), 'docintel-run-'));
  });
  afterEach(async () => {
    await t.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  const run = (config: Config, options: Partial<RunOptions> = {}) =>
    runFolder(
      { folder, ...options },
      { db: t.db, config, progress: silentSink(), version: 'test', ...services(config) },
    );

  /** A run whose database goes away at the first query holding `sqlPart`; what it threw. */
  const runWithDatabaseLostAt = (sqlPart: string): Promise<unknown> => {
    const failing = new Proxy(t.db, {
      get(target, key, receiver) {
        if (key !== 'query') return Reflect.get(target, key, receiver) as unknown;
        return async (sql: string, params?: readonly unknown[]) => {
          if (sql.includes(sqlPart)) throw new DocintelError('DB_UNREACHABLE', 'connection terminated');
          return target.query(sql, params);
        };
      },
    });
    const config = testConfig();
    return runFolder({ folder }, { db: failing, config, progress: silentSink(), version: 'test', ...services(config) }).catch((e: unknown) => e);
  };

  it('processes good files, records a clear error for each hostile one, and carries on', async () => {
    const truncatedJpeg = (await textImage(['cut'], { format: 'jpeg' })).subarray(0, 300);
    put(folder, 'good.png', goodPng);
    put(folder, 'text-layer.pdf', goodPdf);
    put(folder, 'empty.jpg', Buffer.alloc(0));
    put(folder, 'truncated.jpg', truncatedJpeg);
    put(folder, 'notes.jpg', 'this is a text file wearing a .jpg extension\n');
    put(folder, 'bomb.png', pngClaiming(30000, 30000));
    put(folder, 'corrupt.pdf', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 0x41)]));
    put(folder, 'truncated.pdf', goodPdf.subarray(0, Math.floor(goodPdf.length / 3)));
    put(folder, 'sub dir/name with spaces.png', await textImage(['SPACES OK']));

    const summary = await run(testConfig());
    expect(summary.status).toBe('finished');
    expect(summary.files.new).toBe(9);
    expect(summary.documents.done).toBe(3);
    expect(summary.documents.failedByCode).toEqual({
      FILE_EMPTY: 1,
      IMAGE_CORRUPT: 1,
      UNSUPPORTED_TYPE: 1,
      IMAGE_TOO_LARGE: 1,
      PDF_CORRUPT: 2,
    });
    for (const failure of summary.failures) {
      expect(failure.message.length).toBeGreaterThan(10);
      expect(failure.path.startsWith(folder)).toBe(true);
    }
    // Two images were OCRed; the PDF had a text layer.
    expect(summary.ocr).toMatchObject({ pages: 2, failed: 0 });
    const bomb = summary.failures.find((f) => f.path.endsWith('bomb.png'));
    expect(bomb?.message).toMatch(/30000/);

    const pages = await t.db.query<{ file_name: string; source: string; text: string }>(
      `SELECT d.file_name, p.source, p.text FROM pages p JOIN documents d ON d.id = p.document_id ORDER BY d.file_name`,
    );
    const byName = Object.fromEntries(pages.rows.map((r) => [r.file_name, r]));
    expect(byName['good.png']?.source).toBe('ocr');
    expect(byName['good.png']?.text).toMatch(/TOTAL\s+12\.50/);
    expect(byName['text-layer.pdf']?.source).toBe('text-layer');
    expect(byName['text-layer.pdf']?.text).toContain('INV-2024-0042');
    expect(byName['name with spaces.png']?.text).toMatch(/SPACES/);
    const failed = await t.db.query<{ error_code: string; stage: string; attempts: number }>(
      `SELECT error_code, stage, attempts FROM documents WHERE file_name = 'notes.jpg'`,
    );
    expect(failed.rows[0]).toEqual({ error_code: 'UNSUPPORTED_TYPE', stage: 'preprocess', attempts: 1 });
  });

  it('a second run creates nothing new; copies and renames only add a path', async () => {
    put(folder, 'a.png', goodPng);
    put(folder, 'b.pdf', goodPdf);
    put(folder, 'empty.jpg', Buffer.alloc(0));
    const first = await run(testConfig());
    expect(first.documents.done).toBe(2);
    const before = await counts(t.db);

    const second = await run(testConfig());
    expect(second.files.unchanged).toBe(3);
    expect(second.files.new).toBe(0);
    expect(second.documents.done).toBe(0);
    // The failed file is retried (attempt 2 of 3) but still adds no row.
    expect(second.documents.failed).toBe(1);
    expect(await counts(t.db)).toEqual(before);

    copyFileSync(join(folder, 'a.png'), join(folder, 'copy of a.png'));
    utimesSync(join(folder, 'copy of a.png'), old, old);
    const third = await run(testConfig());
    expect(third.files.duplicate).toBe(1);
    expect(third.files.new).toBe(0);
    const after = await counts(t.db);
    expect(after.documents).toBe(before.documents);
    expect(after.paths).toBe(before.paths + 1);
    expect(after.pages).toBe(before.pages);
  });

  it('flags the second file of one purchase for review, naming the first, and a re-run keeps one flag', async () => {
    const receipt = (number: string, extra: string[] = []) =>
      textPdf(['CORNER MART SDN BHD', 'GST ID NO: 001234567890', `RECEIPT NO: ${number}`, 'DATE: 05/03/2024', 'COFFEE 1 X 12.50 12.50', 'TOTAL 12.50', ...extra]);
    put(folder, '1-original.pdf', await receipt('CS00012345'));
    put(folder, '2-second-coffee.pdf', await receipt('CS00012346'));
    put(folder, '3-reprint.pdf', await receipt('CS00012345', ['REPRINT']));
    const first = await run(testConfig());
    expect(first.documents.done).toBe(3);
    expect(first.duplicateClaims).toEqual({ flagged: 1, cleared: 0 });
    expect(formatSummary(first)).toMatch(/duplicate claims \(one purchase, two files\)\n\s+flagged for review\s+1\n/);
    const stored = async () =>
      (
        await t.db.query<{ file_name: string; invoice_number: string; duplicate_file: string | null; needs_review: boolean; review_reasons: string[] }>(
          `SELECT d.file_name, r.invoice_number, o.file_name AS duplicate_file, r.needs_review, r.review_reasons
           FROM receipts_v r JOIN documents d ON d.id = r.document_id LEFT JOIN documents o ON o.id = r.duplicate_of ORDER BY d.file_name`,
        )
      ).rows;
    const rows = await stored();
    expect(rows.map((r) => [r.file_name, r.invoice_number, r.duplicate_file, r.needs_review])).toEqual([
      ['1-original.pdf', 'CS00012345', null, false],
      ['2-second-coffee.pdf', 'CS00012346', null, false],
      ['3-reprint.pdf', 'CS00012345', '1-original.pdf', true],
    ]);
    expect(rows[2]!.review_reasons).toEqual([expect.stringMatching(/^duplicate_claim: same invoice number CS00012345 as document \d+ \(.*1-original\.pdf\)/)]);

    const second = await run(testConfig());
    expect(second.duplicateClaims).toEqual({ flagged: 0, cleared: 0 });
    expect(await stored()).toEqual(rows);
  });

  it('fails the run when the database fails during the duplicate check, and the next run flags the copy', async () => {
    const receipt = (extra: string[] = []) =>
      textPdf(['CORNER MART SDN BHD', 'GST ID NO: 001234567890', 'RECEIPT NO: CS00012345', 'DATE: 05/03/2024', 'TOTAL 12.50', ...extra]);
    put(folder, 'original.pdf', await receipt());
    put(folder, 'reprint.pdf', await receipt(['REPRINT']));
    // The database goes away just as the check looks for pairs.
    const error = await runWithDatabaseLostAt('JOIN receipts earlier');
    expect(error).toMatchObject({ code: 'DB_UNREACHABLE' });
    expect((error as { summary?: { status: string; documents: { done: number } } }).summary).toMatchObject({ status: 'failed', documents: { done: 2 } });
    const before = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM receipts WHERE duplicate_of IS NOT NULL`);
    expect(before.rows[0]!.n).toBe(0);

    const again = await run(testConfig());
    expect(again.documents.done).toBe(0);
    expect(again.duplicateClaims).toEqual({ flagged: 1, cleared: 0 });
  });

  // Three receipts of one seller, read by OCR (the consensus corrects OCR readings, not a text layer's).
  const sellerReceipt = (name: string, day: number) =>
    textImage([name, 'GST ID NO: 002139201536', 'TAX INVOICE', `DATE: ${day}/03/2018`, 'PEN 2 X 1.50 3.00', 'TOTAL 3.00'], { fontSize: 28 });

  it('ends with the receipts of one seller agreeing on its name, a correction a second run keeps', async () => {
    put(folder, 'a.png', await sellerReceipt('LIAN HING STATIONERY SDN BHD', 12));
    put(folder, 'b.png', await sellerReceipt('LIAN HING STATIONERY SDN BHD', 13));
    put(folder, 'c.png', await sellerReceipt('LAN HING STATIONERY SDN BHD', 14));
    const first = await run(testConfig());
    expect(first.documents.done).toBe(3);
    expect(first.sellerConsensus).toEqual({ taxIds: 0, names: 1, addresses: 0 });
    const names = await t.db.query<{ file_name: string; vendor_name: string; vendor_tax_id: string; checks: string[] }>(
      `SELECT d.file_name, r.vendor_name, r.vendor_tax_id, ARRAY(SELECT v->>'check' FROM jsonb_array_elements(r.validations) v WHERE v->>'check' = 'vendor_consensus') AS checks
       FROM receipts r JOIN documents d ON d.id = r.document_id ORDER BY d.file_name`,
    );
    expect(names.rows.map((r) => [r.file_name, r.vendor_name, r.vendor_tax_id, r.checks])).toEqual([
      ['a.png', 'LIAN HING STATIONERY SDN BHD', '002139201536', []],
      ['b.png', 'LIAN HING STATIONERY SDN BHD', '002139201536', []],
      ['c.png', 'LIAN HING STATIONERY SDN BHD', '002139201536', ['vendor_consensus']],
    ]);
    expect(formatSummary(first)).toMatch(/tax ids corrected\s+0\n\s+names corrected\s+1\n\s+addresses corrected\s+0/);
    const second = await run(testConfig());
    expect(second.sellerConsensus).toEqual({ taxIds: 0, names: 0, addresses: 0 });
  });

  it('fails the run when the database fails during the seller consensus, and the next run finishes it', async () => {
    put(folder, 'a.png', await sellerReceipt('LIAN HING STATIONERY SDN BHD', 12));
    put(folder, 'b.png', await sellerReceipt('LIAN HING STATIONERY SDN BHD', 13));
    put(folder, 'c.png', await sellerReceipt('LAN HING STATIONERY SDN BHD', 14));
    // The database goes away just as the consensus reads the sellers' receipts.
    const error = await runWithDatabaseLostAt('FROM receipts WHERE vendor_tax_id IS NOT NULL');
    expect(error).toMatchObject({ code: 'DB_UNREACHABLE' });
    expect((error as { summary?: { status: string; documents: { done: number } } }).summary).toMatchObject({ status: 'failed', documents: { done: 3 } });
    const before = await t.db.query<{ vendor_name: string }>(`SELECT vendor_name FROM receipts ORDER BY vendor_name`);
    expect(before.rows.map((r) => r.vendor_name)[0]).toBe('LAN HING STATIONERY SDN BHD');

    const again = await run(testConfig());
    expect(again.documents.done).toBe(0);
    expect(again.sellerConsensus).toEqual({ taxIds: 0, names: 1, addresses: 0 });
    const after = await t.db.query<{ vendor_name: string }>(`SELECT DISTINCT vendor_name FROM receipts`);
    expect(after.rows.map((r) => r.vendor_name)).toEqual(['LIAN HING STATIONERY SDN BHD']);
  });

  it('keeps every reading as read with --seller-consensus off', async () => {
    put(folder, 'a.png', await sellerReceipt('LIAN HING STATIONERY SDN BHD', 12));
    put(folder, 'b.png', await sellerReceipt('LIAN HING STATIONERY SDN BHD', 13));
    put(folder, 'c.png', await sellerReceipt('LAN HING STATIONERY SDN BHD', 14));
    const summary = await run(testConfig({ sellerConsensus: 'off' }));
    expect(summary.documents.done).toBe(3);
    expect(summary.sellerConsensus).toBeUndefined();
    const names = await t.db.query<{ vendor_name: string }>(`SELECT vendor_name FROM receipts ORDER BY vendor_name`);
    expect(names.rows.map((r) => r.vendor_name)).toEqual(['LAN HING STATIONERY SDN BHD', 'LIAN HING STATIONERY SDN BHD', 'LIAN HING STATIONERY SDN BHD']);
  });

  it('leaves a document failed after its attempts until asked to retry', async () => {
    put(folder, 'empty.jpg', Buffer.alloc(0));
    const config = testConfig({ maxAttempts: 2 });
    await run(config);
    const second = await run(config);
    expect(second.failures[0]?.final).toBe(true);
    const third = await run(config);
    expect(third.documents.queued).toBe(0);
    expect(third.documents.leftFailed).toBe(1);
    const retried = await run(config, { retryFailed: true });
    expect(retried.documents.failed).toBe(1);
    const row = await t.db.query<{ attempts: number }>(`SELECT attempts FROM documents`);
    expect(row.rows[0]?.attempts).toBe(3);
  });

  it('records a file deleted between discovery and reading as FILE_VANISHED, then finishes when it is back', async () => {
    put(folder, 'gone.png', goodPng);
    const summary = await run(testConfig(), { afterRegister: async () => rmSync(join(folder, 'gone.png')) });
    expect(summary.documents.failedByCode).toEqual({ FILE_VANISHED: 1 });
    expect(summary.failures[0]?.message).toContain('gone.png');
    put(folder, 'gone.png', goodPng);
    const again = await run(testConfig());
    expect(again.documents.done).toBe(1);
    expect((await counts(t.db)).documents).toBe(1);
  });

  it('maps permission and other file errors to codes a person can act on', () => {
    const denied = fileError(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }), '/inbox/x.jpg');
    expect(denied.code).toBe('FILE_UNREADABLE');
    expect(denied.message).toBe('No permission to read /inbox/x.jpg');
    expect(denied.hint).toContain('read access');
    expect(fileError(Object.assign(new Error('gone'), { code: 'ENOENT' }), '/a').code).toBe('FILE_VANISHED');
  });

  it.skipIf(process.getuid?.() === 0)('records an unreadable file (permissions) and carries on', async () => {
    put(folder, 'locked.png', goodPng);
    const { chmodSync } = await import('node:fs');
    chmodSync(join(folder, 'locked.png'), 0o000);
    const summary = await run(testConfig());
    expect(summary.files.skipped.unreadable ?? summary.documents.failedByCode.FILE_UNREADABLE).toBe(1);
  });

  it.runIf(process.getuid?.() === 0)('records an unreadable file (a path the OS refuses to open) and carries on', async () => {
    // As root no permission bit stops a read, so make the registered path unopenable another way:
    // replace the file with a directory of the same name after registration.
    put(folder, 'locked.png', goodPng);
    const summary = await run(testConfig(), {
      afterRegister: async () => {
        rmSync(join(folder, 'locked.png'));
        mkdirSync(join(folder, 'locked.png'));
      },
    });
    expect(summary.documents.failedByCode).toEqual({ FILE_UNREADABLE: 1 });
  });

  it.runIf(existsPdfsDev())('fails an encrypted PDF without the password as PASSWORD_REQUIRED', async () => {
    copyFileSync(join(pdfsDev, 'issue6010_1.pdf'), join(folder, 'locked.pdf'));
    utimesSync(join(folder, 'locked.pdf'), old, old);
    const summary = await run(testConfig());
    expect(summary.documents.failedByCode).toEqual({ PASSWORD_REQUIRED: 1 });
  });

  it('files a photo of an e-invoice whose text cannot be read by its QR codes, with exact values', async () => {
    // Only the two codes of a 證明聯, no readable text: OCR finds next to nothing, so by its text this
    // is a photo; the QR codes make it an invoice.
    const { left, right } = buildEInvoiceQrPayloads({
      invoiceNumber: 'AB12345678',
      date: '2024-03-15',
      randomCode: '9021',
      untaxedAmount: '300',
      totalAmount: '315',
      buyerTaxId: null,
      sellerTaxId: '22099131',
      items: [{ name: '鮮奶', quantity: '3', unitPrice: '105' }],
    });
    const code = (content: string) => QRCode.toBuffer(content, { type: 'png', width: 280, margin: 2, errorCorrectionLevel: 'M' });
    const photo = await sharp({ create: { width: 660, height: 360, channels: 3, background: '#ffffff' } })
      .composite([
        { input: await code(left), left: 40, top: 40 },
        { input: await code(right), left: 340, top: 40 },
      ])
      .jpeg({ quality: 90 })
      .toBuffer();
    put(folder, 'einvoice-photo.jpg', photo);
    const summary = await run(testConfig());
    expect(summary.documents.done).toBe(1);
    const row = await t.db.query<{ kind: string; invoice_number: string; total: string; vendor_tax_id: string; date: string }>(
      'SELECT kind, invoice_number, total, vendor_tax_id, date FROM receipts_v',
    );
    expect(row.rows).toEqual([{ kind: 'invoice', invoice_number: 'AB12345678', total: '315', vendor_tax_id: '22099131', date: '2024-03-15' }]);
  });

  it('with --extractor ollama, stops before touching a document when Ollama or the vision model is missing', async () => {
    put(folder, 'receipt.pdf', goodPdf);
    const server = await startOllamaTestServer({ models: ['bge-m3'] });
    try {
      const missing = await run(testConfig({ extractor: 'ollama', ollamaHost: server.url })).catch((e: unknown) => e);
      expect(missing).toMatchObject({ code: 'OLLAMA_MODEL_MISSING' });
      expect((missing as { hint?: string }).hint).toContain('ollama pull qwen2.5vl:7b');
      expect((await counts(t.db)).documents).toBe(0);

      server.models.push('qwen2.5vl:7b');
      server.setDefaultChat(() => ({ json: { ...emptyLlmReceipt(), vendor_name: 'CORNER MART', total: '99.00' } }));
      const summary = await run(testConfig({ extractor: 'ollama', ollamaHost: server.url }));
      expect(summary.documents.done).toBe(1);
      const row = await t.db.query<{ extractor: string; model: string; total: string }>('SELECT extractor, model, total FROM receipts_v');
      expect(row.rows).toEqual([{ extractor: 'ollama', model: 'qwen2.5vl:7b', total: '99.00' }]);
      expect(server.requestsTo('/api/chat')).toHaveLength(1);
    } finally {
      await server.close();
    }
    const closed = await startOllamaTestServer();
    const deadHost = closed.url;
    await closed.close();
    put(folder, 'another.pdf', await textPdf(['Invoice INV-2024-0043', 'Total due 10.00']));
    const unreachable = await run(testConfig({ extractor: 'ollama', ollamaHost: deadHost })).catch((e: unknown) => e);
    expect(unreachable).toMatchObject({ code: 'OLLAMA_UNREACHABLE' });
    expect((unreachable as Error).message).toContain(deadHost);
    expect((await counts(t.db)).documents).toBe(1);
  });

  it.runIf(target.name === 'postgres')('stops with DB_UNREACHABLE when the database drops its connections mid-run, and the next run finishes the job', async () => {
    for (let i = 0; i < 3; i++) put(folder, `r${i}.pdf`, await textPdf([`Invoice INV-${i}`, `Total due ${i}.00`]));
    const admin = await t.openAnother();
    try {
      // What a server restart does to every session: the one holding the run lock included.
      const dropConnections = async () => {
        // Only this test's sessions (named after its schema): other test files share the database.
        const appName = new URL(t.location).searchParams.get('application_name');
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()', [appName]);
        await new Promise((resolve) => setTimeout(resolve, 300));
      };
      const error = await run(testConfig(), { afterRegister: dropConnections }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'DB_UNREACHABLE' });
      expect((error as Error).message).toMatch(/run lock/);
      expect((error as { summary?: { status: string } }).summary?.status).toBe('failed');
    } finally {
      await admin.close();
    }
    const again = await run(testConfig());
    expect(again.documents.done).toBe(3);
    expect(await counts(t.db)).toMatchObject({ documents: 3, pages: 3, done: 3, failed: 0 });
  });

  it('reads a page scanned sideways (no EXIF tag to say so) turned upright, and counts it', async () => {
    const { sideways } = await sidewaysReceipt();
    put(folder, 'sideways.png', sideways);
    const summary = await run(testConfig());
    expect(summary.documents.done).toBe(1);
    expect(summary.pagesTurned).toBe(1);
    // Read as it came, then turned by one to three quarter turns: every pass counts as a page read.
    expect(summary.turnedReads).toBeGreaterThanOrEqual(1);
    expect(summary.ocr?.pages).toBe(1 + summary.turnedReads);
    expect(formatSummary(summary)).toMatch(/turned upright\s+1/);
    const page = await t.db.query<{ text: string; width: number; height: number }>('SELECT text, width, height FROM pages');
    expect(page.rows[0]!.text).toContain('CORNER MART');
    expect(page.rows[0]!.text).toContain('CS-20481');
    // The stored page is the one read upright: the file turned back a quarter turn clockwise. (This
    // asserted width > height, which a page cropped to its text need not be; it held only while the
    // turn kept was 180°, the text running down the page, which tesseract also reads.)
    const [upright90] = await preprocessImage(sideways, { rotate: 90 });
    expect(page.rows[0]).toMatchObject({ width: upright90!.width, height: upright90!.height });
    expect(upright90!.width).not.toBe(upright90!.height);
  });

  it('shows the vision model a page scanned sideways as it was read: turned upright', async () => {
    const { sideways } = await sidewaysReceipt();
    put(folder, 'sideways.png', sideways);
    const server = await startOllamaTestServer({ models: ['qwen2.5vl:7b'] });
    try {
      server.setDefaultChat(() => ({ json: { ...emptyLlmReceipt(), vendor_name: 'CORNER MART SDN BHD', total: '12.50' } }));
      const summary = await run(testConfig({ extractor: 'ollama', ollamaHost: server.url }));
      expect(summary.documents.done).toBe(1);
      expect(summary.pagesTurned).toBe(1);
      // Exactly the page the read stage kept: prepared again a quarter turn clockwise.
      const [turned] = await preprocessImage(sideways, { rotate: 90 });
      expect(imagesSentTo(server)).toEqual([turned!.png.toString('base64')]);
    } finally {
      await server.close();
    }
  });

  it('finishes a sideways page an earlier run read and stored, showing the model the page turned upright as it was read', async () => {
    const { sideways } = await sidewaysReceipt();
    put(folder, 'sideways.png', sideways);
    const server = await startOllamaTestServer({ models: ['qwen2.5vl:7b'] });
    try {
      // The model server fails every call: the page is read and stored, then the document fails at extract.
      server.setDefaultChat({ type: 'http', status: 500 });
      const first = await run(testConfig({ extractor: 'ollama', ollamaHost: server.url }));
      expect(first.documents.failed).toBe(1);
      expect(first.pagesTurned).toBe(1);
      const stored = await t.db.query<{ turn: number }>('SELECT turn FROM pages');
      expect(stored.rows.map((r) => Number(r.turn))).toEqual([90]);
      server.reset();
      server.setDefaultChat(() => ({ json: { ...emptyLlmReceipt(), vendor_name: 'CORNER MART SDN BHD', total: '12.50' } }));
      const second = await run(testConfig({ extractor: 'ollama', ollamaHost: server.url }));
      expect(second.documents.done).toBe(1);
      // The stored text is reused (no page read again, so none turned again) ...
      expect(second.pagesTurned).toBe(0);
      expect(second.ocr?.pages ?? 0).toBe(0);
      // ... and the model still gets the page as it was read: turned a quarter turn clockwise.
      const [turned] = await preprocessImage(sideways, { rotate: 90 });
      expect(imagesSentTo(server)).toEqual([turned!.png.toString('base64')]);
    } finally {
      await server.close();
    }
  });

  it('shows the vision model a scanned PDF page that lies on its side turned upright', async () => {
    const { upright, sideways } = await sidewaysReceipt();
    const { width, height } = await sharp(upright).metadata();
    expect(Math.abs(width! / height! - 1)).toBeGreaterThan(0.1); // else turned and not turned look alike
    // An image-only PDF, as a scanner makes one, its page the size of the image at 300 dpi.
    const pdf = await PDFDocument.create();
    const image = await pdf.embedPng(sideways);
    const points = { width: (image.width * 72) / 300, height: (image.height * 72) / 300 };
    pdf.addPage([points.width, points.height]).drawImage(image, { x: 0, y: 0, ...points });
    put(folder, 'sideways.pdf', Buffer.from(await pdf.save()));
    const server = await startOllamaTestServer({ models: ['qwen2.5vl:7b'] });
    try {
      server.setDefaultChat(() => ({ json: { ...emptyLlmReceipt(), vendor_name: 'CORNER MART SDN BHD', total: '12.50' } }));
      const summary = await run(testConfig({ extractor: 'ollama', ollamaHost: server.url }));
      expect(summary.documents.done).toBe(1);
      expect(summary.pagesTurned).toBe(1);
      // The page rendered for the model is turned as it was read: it has the upright receipt's shape.
      const sent = imagesSentTo(server);
      expect(sent).toHaveLength(1);
      const shown = await sharp(Buffer.from(sent[0]!, 'base64')).metadata();
      expect(shown.width! / shown.height!).toBeCloseTo(width! / height!, 1);
    } finally {
      await server.close();
    }
  });

  it('caps pages per document', async () => {
    put(folder, 'long.pdf', await textPdf(['page'], 5));
    const summary = await run(testConfig({ maxPages: 3 }));
    expect(summary.documents.failedByCode).toEqual({ TOO_MANY_PAGES: 1 });
  });

  it('refuses to start while another run holds the lock', async () => {
    put(folder, 'a.pdf', goodPdf);
    if (target.name === 'postgres') {
      const other = await t.openAnother();
      await other.withConnection(async (conn) => {
        await conn.query(`SELECT pg_advisory_lock(${RUN_LOCK_ARGS})`);
        const error = await run(testConfig()).catch((e: unknown) => e);
        expect((error as { code?: string }).code).toBe('RUN_LOCKED');
        expect((error as Error).message).toMatch(/Another run is in progress/);
        await conn.query(`SELECT pg_advisory_unlock(${RUN_LOCK_ARGS})`);
        // A run on another schema of the same database (another installation, a parallel test) does not
        // hold this one up.
        await conn.query(`SELECT pg_advisory_lock(${RUN_LOCK_CLASS}, hashtext('another_installation'))`);
        const summary = await run(testConfig());
        expect(summary.documents.done).toBe(1);
        await conn.query(`SELECT pg_advisory_unlock(${RUN_LOCK_CLASS}, hashtext('another_installation'))`);
      });
    } else {
      // One PGlite database belongs to one process; a second process is refused when it opens the
      // directory (tested through the CLI in run-cli.test.ts).
      const summary = await run(testConfig());
      expect(summary.documents.done).toBe(1);
    }
  });
});

/** A model answer with every receipt field empty, to override field by field. */
/** A till receipt, and the same turned a quarter turn anticlockwise with no EXIF tag: a scan laid in sideways. */
async function sidewaysReceipt(): Promise<{ upright: Buffer; sideways: Buffer }> {
  const upright = await textImage(
    ['CORNER MART SDN BHD', 'NO 12 JALAN CONTOH 3/4', '43000 KAJANG SELANGOR', 'INVOICE NO CS-20481', 'DATE 14/03/2024 12:34', 'MILK 1L 2 x 6.25 12.50', 'SUBTOTAL 12.50', 'TOTAL 12.50', 'CASH 20.00', 'CHANGE 7.50', 'THANK YOU COME AGAIN'],
    { fontSize: 32 },
  );
  return { upright, sideways: await sharp(upright).rotate(270).png().toBuffer() };
}

/** The images (base64) of the model server's first chat request. */
function imagesSentTo(server: OllamaTestServer): string[] {
  const [chat] = server.requestsTo('/api/chat');
  return (chat!.body as { messages: Array<{ images?: string[] }> }).messages.flatMap((m) => m.images ?? []);
}

function emptyLlmReceipt(): Record<string, unknown> {
  return {
    vendor_name: null,
    vendor_address: null,
    vendor_tax_id: null,
    buyer_tax_id: null,
    invoice_number: null,
    date: null,
    currency: null,
    subtotal: null,
    tax: null,
    total: null,
    payment_method: null,
    line_items: [],
  };
}

function existsPdfsDev(): boolean {
  return existsSync(join(pdfsDev, 'issue6010_1.pdf'));
}
