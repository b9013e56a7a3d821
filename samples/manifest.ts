/**
 * The shape of samples/documents/.manifest.json: one entry per generated document with the ground truth a
 * test or an evaluation can check against. Only values that are printed on (or encoded in) the document
 * appear; money is a decimal string exactly as the amount reads, compare it numerically.
 */

export type SampleKind = 'receipt' | 'invoice' | 'site_photo';

export interface LineItemTruth {
  description: string;
  quantity: string;
  unit_price: string;
  amount: string;
}

/** Ground truth for a receipt or an invoice (field names follow the `receipts` table). */
export interface ReceiptTruth {
  vendor_name: string;
  /** Address as printed, lines joined with a space (each line keeps its own commas). */
  vendor_address?: string;
  vendor_phone?: string;
  vendor_tax_id?: string;
  buyer_name?: string;
  buyer_tax_id?: string;
  invoice_number: string;
  /** ISO date, YYYY-MM-DD. */
  date: string;
  /** HH:MM or HH:MM:SS as printed, when printed. */
  time?: string;
  /** ISO 4217. */
  currency: string;
  subtotal?: string;
  tax?: string;
  /** Tax rate as a decimal string, e.g. "0.06". */
  tax_rate?: string;
  /** The amount on the TOTAL line. */
  total: string;
  /** The ROUNDING line, signed, when printed. */
  rounding?: string;
  payment?: { method: string; tendered: string; change: string };
  line_items: LineItemTruth[];
}

/** What a synthetic site photo shows, for the site-check stage. */
export interface SitePhotoTruth {
  /** EXIF DateTimeOriginal as ISO local time (no zone: EXIF carries none). */
  captured_at: string;
  camera: { make: string; model: string };
  /** Objects drawn in the scene. */
  objects: string[];
  /** Plain-language notes about what can and cannot be judged from the picture. */
  notes: string[];
}

export interface EInvoiceQrTruth {
  left: string;
  right: string;
}

export interface ManifestEntry {
  file: string;
  kind: SampleKind;
  media_type: 'image/jpeg' | 'image/png' | 'application/pdf';
  /** Size and SHA-256 of the committed file, so a test notices a stale or edited sample. */
  bytes: number;
  sha256: string;
  description: string;
  languages: string[];
  /** How the pixels or text got there: `text-layer` PDFs need no OCR. */
  source: 'photo' | 'scan' | 'image' | 'text-layer';
  /** EXIF values written into a JPEG. */
  exif?: { orientation: number; date_time_original?: string };
  /** Pixel size as stored (before EXIF orientation), for images and for the scanned page. */
  pixels?: { width: number; height: number };
  ground_truth: ReceiptTruth | SitePhotoTruth;
  /** Taiwan e-invoice: the two QR code texts exactly as encoded. */
  qr?: EInvoiceQrTruth;
  /** Taiwan e-invoice: the Code 39 barcode text (period + invoice number + random code). */
  barcode?: string;
}

export interface Manifest {
  /** Bumped when the manifest layout changes. */
  version: 1;
  generator: string;
  /** SHA-256 of each font file used, by path: the same fonts (and library versions) give the same bytes. */
  fonts: Record<string, string>;
  documents: ManifestEntry[];
}
