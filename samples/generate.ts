/**
 * Generates the sample documents in samples/documents/ and their ground truth (.manifest.json):
 *
 *   npm run samples            # build, then node dist/samples/generate.js [outDir]
 *
 * Deterministic: fixed seeds, fixed PDF dates, no clock or randomness, so the same fonts and library
 * versions give the same bytes. The committed files need no fonts; regenerating does (see fonts.ts).
 */
import { createHash } from 'node:crypto';
import { packageRoot } from '../pipeline/paths.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEInvoiceQrPayloads } from '../extractors/qr/einvoice-payload.js';
import { EINVOICE, einvoiceBarcodeText, einvoiceFigures, einvoiceTruth, renderEInvoicePng } from './einvoice-tw.js';
import {
  PHOTO_ORIENTATION,
  PHOTO_RECEIPT,
  PHOTO_TAKEN,
  receiptTruth,
  renderReceiptPhoto,
  renderScannedReceiptPdf,
  SCANNED_RECEIPT,
} from './english-receipts.js';
import { FONT_INSTALL_HINT, fontFingerprints, missingFonts } from './fonts.js';
import { renderTriplicatePdf, TRIPLICATE_INVOICE, triplicateTruth } from './invoice-tw-pdf.js';
import type { EInvoiceQrTruth, Manifest, ManifestEntry } from './manifest.js';
import { renderSitePhoto, SITE_PHOTO_TAKEN, SITE_PHOTO_TRUTH } from './site-photo.js';

// Hidden (dot) file: docintel skips hidden files, so running over samples/documents sees only documents.
export const MANIFEST_FILE = '.manifest.json';

/** `<packageRoot>/samples/documents`: next to the generator's source, not its compiled copy in dist/. */
export function defaultOutDir(): string {
  return join(packageRoot, 'samples', 'documents');
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Options for {@link generateSamples}. */
export interface GenerateOptions {
  /** Write the files (default true); false only computes them and the manifest. */
  write?: boolean;
}

/** The generated files (name → bytes) and the manifest describing them. */
export interface GeneratedSamples {
  files: Map<string, Uint8Array>;
  manifest: Manifest;
}

/** The QR code texts of the sample e-invoice, built by the extractors' encoder (never encoded here). */
export function einvoiceQrPayloads(): EInvoiceQrTruth {
  const f = einvoiceFigures(EINVOICE);
  return buildEInvoiceQrPayloads({
    invoiceNumber: EINVOICE.invoiceNumber,
    date: EINVOICE.date,
    randomCode: EINVOICE.randomCode,
    untaxedAmount: String(f.untaxed),
    totalAmount: String(f.total),
    buyerTaxId: null,
    sellerTaxId: EINVOICE.sellerTaxId,
    items: f.lines.map((line) => ({ name: line.description, quantity: String(line.quantity), unitPrice: String(line.unitPrice) })),
  });
}

/**
 * Renders every sample into `outDir` (created if missing) and writes manifest.json last. Throws when a
 * font is missing rather than let librsvg substitute another face and silently change the samples.
 */
export async function generateSamples(outDir: string, options: GenerateOptions = {}): Promise<GeneratedSamples> {
  const missing = missingFonts();
  if (missing.length) {
    throw new Error(
      `[samples] Cannot regenerate the samples: missing font files ${missing.map((f) => f.path).join(', ')}. ` +
        `Install them with \`${FONT_INSTALL_HINT}\` (the committed samples need no fonts).`,
    );
  }
  const files = new Map<string, Uint8Array>();
  const documents: ManifestEntry[] = [];
  const add = (file: string, bytes: Uint8Array, entry: Omit<ManifestEntry, 'file' | 'bytes' | 'sha256'>) => {
    files.set(file, bytes);
    documents.push({ file, ...entry, bytes: bytes.length, sha256: sha256(bytes) });
  };

  const photo = await renderReceiptPhoto();
  add('receipt-en-photo.jpg', photo.jpeg, {
    kind: 'receipt',
    media_type: 'image/jpeg',
    description:
      'English (Malaysian) cash receipt photographed with a phone: rotated 2°, on a wooden table, blur and noise; ' +
      'pixels stored on their side with EXIF orientation 6. TOTAL is printed before ROUNDING, so total excludes rounding.',
    languages: ['en'],
    source: 'photo',
    exif: { orientation: PHOTO_ORIENTATION, date_time_original: PHOTO_TAKEN },
    pixels: { width: photo.width, height: photo.height },
    ground_truth: receiptTruth(PHOTO_RECEIPT),
  });

  const qr = einvoiceQrPayloads();
  const einvoice = await renderEInvoicePng(qr, EINVOICE);
  add('einvoice-tw.png', einvoice.png, {
    kind: 'receipt',
    media_type: 'image/png',
    description:
      'Taiwan 電子發票證明聯 (B2C e-invoice proof copy, 57 mm thermal roll) with Code 39 barcode, the two QR codes, and the 交易明細 below. ' +
      'The QR verification field is the encoder placeholder (no seller AES key).',
    languages: ['zh-Hant'],
    source: 'image',
    pixels: { width: einvoice.width, height: einvoice.height },
    ground_truth: einvoiceTruth(EINVOICE),
    qr,
    barcode: einvoiceBarcodeText(EINVOICE),
  });

  const triplicate = await renderTriplicatePdf(new Date(`${TRIPLICATE_INVOICE.date}T10:00:00+08:00`));
  add('invoice-tw-triplicate.pdf', triplicate, {
    kind: 'invoice',
    media_type: 'application/pdf',
    description: 'Taiwan 統一發票(三聯式) (B2B triplicate uniform invoice, 收執聯 copy) as a text PDF with an embedded Traditional Chinese font subset.',
    languages: ['zh-Hant'],
    source: 'text-layer',
    ground_truth: triplicateTruth(TRIPLICATE_INVOICE),
  });

  const scanned = await renderScannedReceiptPdf(new Date('2024-02-27T16:30:00+08:00'));
  add('receipt-en-scanned.pdf', scanned.pdf, {
    kind: 'receipt',
    media_type: 'application/pdf',
    description:
      'English (Singapore) tax invoice scanned at 200 dpi greyscale, slightly skewed, as the only image of a one-page PDF with no text layer. ' +
      'ROUNDING ADJ is printed before TOTAL, so total includes rounding.',
    languages: ['en'],
    source: 'scan',
    pixels: { width: scanned.width, height: scanned.height },
    ground_truth: receiptTruth(SCANNED_RECEIPT),
  });

  const site = await renderSitePhoto();
  add('site-photo.jpg', site.jpeg, {
    kind: 'site_photo',
    media_type: 'image/jpeg',
    description: 'Synthetic construction-site photo: scaffold in front of a concrete frame, a worker with a yellow hard hat and hi-vis vest, a traffic cone.',
    languages: [],
    source: 'photo',
    exif: { orientation: 1, date_time_original: SITE_PHOTO_TAKEN },
    pixels: { width: site.width, height: site.height },
    ground_truth: SITE_PHOTO_TRUTH,
  });

  const manifest: Manifest = {
    version: 1,
    generator: 'samples/generate.ts (npm run samples)',
    fonts: fontFingerprints(),
    documents,
  };
  if (options.write !== false) {
    mkdirSync(outDir, { recursive: true });
    for (const [file, bytes] of files) writeFileSync(join(outDir, file), bytes);
    writeFileSync(join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  return { files, manifest };
}

async function main(): Promise<void> {
  const outDir = resolve(process.argv[2] ?? defaultOutDir());
  const { manifest } = await generateSamples(outDir);
  for (const doc of manifest.documents) console.log(`${doc.file.padEnd(28)} ${String(doc.bytes).padStart(7)} bytes  ${doc.sha256.slice(0, 12)}`);
  console.log(`[samples] wrote ${manifest.documents.length} documents and ${MANIFEST_FILE} to ${outDir}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
