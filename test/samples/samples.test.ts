import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeEInvoiceCodes, parseEInvoiceLeft } from '../../extractors/qr/einvoice-payload.js';
import { fontFingerprints, FONT_INSTALL_HINT, missingFonts } from '../../samples/fonts.js';
import { generateSamples, MANIFEST_FILE } from '../../samples/generate.js';
import type { Manifest, ManifestEntry, ReceiptTruth } from '../../samples/manifest.js';

const dir = join(import.meta.dirname, '..', '..', 'samples', 'documents');
const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
const entry = (file: string): ManifestEntry => {
  const found = manifest.documents.find((d) => d.file === file);
  if (!found) throw new Error(`manifest has no ${file}`);
  return found;
};
const bytesOf = (file: string) => readFileSync(join(dir, file));
const cents = (value: string | undefined) => Math.round(Number(value ?? 'NaN') * 100);

const MAGIC: Record<ManifestEntry['media_type'], number[]> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'application/pdf': [...Buffer.from('%PDF-')],
};

describe('samples/documents', () => {
  it('has a manifest listing every kind of document once', () => {
    expect(manifest.version).toBe(1);
    const files = manifest.documents.map((d) => d.file);
    expect(new Set(files).size).toBe(files.length);
    expect(files.sort()).toEqual(['einvoice-tw.png', 'invoice-tw-triplicate.pdf', 'receipt-en-photo.jpg', 'receipt-en-scanned.pdf', 'site-photo.jpg']);
    for (const d of manifest.documents) expect(['receipt', 'invoice', 'site_photo']).toContain(d.kind);
  });

  it.each(manifest.documents.map((d) => [d.file, d] as const))('%s exists, is small, has the right magic bytes and the listed hash', (file, d) => {
    const path = join(dir, file);
    expect(existsSync(path)).toBe(true);
    const size = statSync(path).size;
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThan(400 * 1024);
    const bytes = bytesOf(file);
    expect([...bytes.subarray(0, MAGIC[d.media_type].length)]).toEqual(MAGIC[d.media_type]);
    expect(bytes.length).toBe(d.bytes);
    expect(createHash('sha256').update(bytes).digest('hex'), `${file} differs from manifest.json: run \`npm run samples\``).toBe(d.sha256);
  });

  it('stores the receipt photo on its side with EXIF orientation 6, upright once applied', async () => {
    const d = entry('receipt-en-photo.jpg');
    const meta = await sharp(bytesOf(d.file)).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.orientation).toBe(6);
    expect(meta.orientation).toBe(d.exif?.orientation);
    // Stored landscape, displayed portrait: a reader that ignores EXIF sees the receipt sideways.
    expect(meta.width).toBeGreaterThan(meta.height);
    expect(meta.autoOrient.height).toBeGreaterThan(meta.autoOrient.width);
    expect(meta.exif?.toString('latin1')).toContain(d.exif?.date_time_original);
  });

  it('gives the site photo EXIF orientation 1 and DateTimeOriginal', async () => {
    const d = entry('site-photo.jpg');
    const meta = await sharp(bytesOf(d.file)).metadata();
    expect([meta.format, meta.width, meta.height, meta.orientation]).toEqual(['jpeg', 1024, 768, 1]);
    expect(meta.exif?.toString('latin1')).toContain('2024:03:14 09:12:30');
  });

  it('writes fixed dates into both PDFs', async () => {
    const triplicate = await PDFDocument.load(bytesOf('invoice-tw-triplicate.pdf'), { updateMetadata: false });
    expect(triplicate.getCreationDate()?.toISOString()).toBe('2024-02-04T02:00:00.000Z');
    expect(triplicate.getModificationDate()?.toISOString()).toBe('2024-02-04T02:00:00.000Z');
    const scanned = await PDFDocument.load(bytesOf('receipt-en-scanned.pdf'), { updateMetadata: false });
    expect(scanned.getCreationDate()?.toISOString()).toBe('2024-02-27T08:30:00.000Z');
    expect(scanned.getPageCount()).toBe(1);
  });

  it('keeps the Chinese text of the triplicate invoice as a text layer, and none in the scan', async () => {
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const pageText = async (file: string) => {
      const doc = await pdfjs.getDocument({ data: new Uint8Array(bytesOf(file)), useSystemFonts: false, isEvalSupported: false }).promise;
      const page = await doc.getPage(1);
      const content = await page.getTextContent();
      const text = content.items.map((item) => ('str' in item ? item.str : '')).join('');
      await doc.destroy();
      return text;
    };
    const text = await pageText('invoice-tw-triplicate.pdf');
    for (const expected of ['統一發票(三聯式)', '中華民國113年02月04日', 'MT-56120938', '29673504', '84206195', '13,965', '壹萬參仟玖佰陸拾伍元整']) {
      expect(text).toContain(expected);
    }
    expect((await pageText('receipt-en-scanned.pdf')).trim()).toBe('');
  });

  it.each(manifest.documents.filter((d) => d.kind !== 'site_photo').map((d) => [d.file, d.ground_truth as ReceiptTruth] as const))(
    '%s ground truth adds up',
    (file, truth) => {
      const items = truth.line_items.reduce((sum, item) => sum + cents(item.amount), 0);
      for (const item of truth.line_items) expect(Number(item.quantity) * cents(item.unit_price)).toBe(cents(item.amount));
      expect(truth.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (truth.currency === 'TWD' && file.startsWith('einvoice')) {
        // B2C e-invoice: prices include tax; untaxed = round(total / 1.05).
        expect(items).toBe(cents(truth.total));
        expect(cents(truth.subtotal)).toBe(Math.round(cents(truth.total) / 1.05 / 100) * 100);
      } else {
        expect(items).toBe(cents(truth.subtotal));
      }
      const rounding = cents(truth.rounding ?? '0');
      const expectedTotal = cents(truth.subtotal) + cents(truth.tax);
      expect([expectedTotal, expectedTotal + rounding]).toContain(cents(truth.total));
      if (truth.payment) expect(cents(truth.payment.tendered) - cents(truth.payment.change)).toBeGreaterThanOrEqual(cents(truth.total) - 5);
    },
  );

  it('has e-invoice QR payloads that parse back to the printed fields', () => {
    const d = entry('einvoice-tw.png');
    const truth = d.ground_truth as ReceiptTruth;
    expect(d.qr?.right.startsWith('**')).toBe(true);
    expect(parseEInvoiceLeft(d.qr?.left ?? '')).toMatchObject({
      invoiceNumber: truth.invoice_number.replace('-', ''),
      date: truth.date,
      rocDate: '1130204',
      randomCode: '3851',
      untaxedAmount: truth.subtotal,
      totalAmount: truth.total,
      buyerTaxId: null,
      sellerTaxId: truth.vendor_tax_id,
      itemCountInCode: truth.line_items.length,
      encoding: 'utf8',
    });
    const merged = mergeEInvoiceCodes([d.qr?.left ?? '', d.qr?.right ?? '']);
    expect(merged?.items).toEqual(truth.line_items.map((item) => ({ name: item.description, quantity: item.quantity, unitPrice: item.unit_price })));
  });

  it('prints the QR codes and the Code 39 barcode the manifest lists', async () => {
    const { prepareZXingModule, readBarcodes } = await import('zxing-wasm/reader');
    const wasm = readFileSync(join(import.meta.dirname, '..', '..', 'node_modules', 'zxing-wasm', 'dist', 'reader', 'zxing_reader.wasm'));
    // Load the bundled binary: by default zxing-wasm fetches it from a CDN.
    prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer }, fireImmediately: true });
    const d = entry('einvoice-tw.png');
    const { data, info } = await sharp(bytesOf(d.file)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const results = await readBarcodes(
      { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, colorSpace: 'srgb' },
      { formats: ['QRCode', 'Code39'], maxNumberOfSymbols: 4 },
    );
    const texts = results.filter((r) => r.isValid).map((r) => r.text);
    expect(texts).toEqual(expect.arrayContaining([d.qr?.left, d.qr?.right, d.barcode]));
    expect(d.barcode).toBe('11302KV839204173851');
  });
});

describe('samples/generate.ts', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'docintel-samples-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('regenerates the committed files byte for byte', async (ctx) => {
    const missing = missingFonts();
    ctx.skip(missing.length > 0, `fonts missing (${missing.map((f) => f.path).join(', ')}); install with \`${FONT_INSTALL_HINT}\` to check regeneration`);
    const installed = fontFingerprints();
    const differing = Object.keys(manifest.fonts).filter((path) => installed[path] !== manifest.fonts[path]);
    ctx.skip(differing.length > 0, `installed fonts differ from those the samples were made with (${differing.join(', ')}): byte comparison is meaningless`);
    await generateSamples(tmp);
    for (const file of [...manifest.documents.map((d) => d.file), MANIFEST_FILE]) {
      expect(Buffer.compare(readFileSync(join(tmp, file)), bytesOf(file)), `${file} changed on regeneration: run \`npm run samples\` and commit`).toBe(0);
    }
  }, 120_000);
});
