/**
 * CSV export for accountants. Streams rows from the database in keyset pages through csv-stringify, so
 * memory stays flat for any number of receipts. Defaults suit Excel: UTF-8 with a BOM (so Chinese
 * opens correctly) and CRLF line ends. Every cell that a spreadsheet could run as a formula is
 * neutralised.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Queryable } from '../db/database.js';

export const RECEIPT_COLUMNS = [
  'document_id',
  'source_file',
  'vendor_name',
  'vendor_address',
  'vendor_tax_id',
  'buyer_tax_id',
  'invoice_number',
  'date',
  'currency',
  'subtotal',
  'tax',
  'total',
  'payment_method',
  'needs_review',
  'review_reasons',
  'confidence',
  'extractor',
  'model',
  'processed_at',
  // Last, so files read by column position keep their columns.
  'duplicate_of',
] as const;

export const LINE_COLUMNS = [
  'document_id',
  'source_file',
  'vendor_name',
  'vendor_tax_id',
  'invoice_number',
  'date',
  'currency',
  'position',
  'description',
  'quantity',
  'unit_price',
  'amount',
  'needs_review',
  // The receipt's duplicate_of: a line of a purchase stored twice is booked once.
  'duplicate_of',
] as const;

export interface CsvExportOptions {
  /** Only receipts dated on or after this ISO date. */
  from?: string;
  /** Only receipts dated on or before this ISO date. */
  to?: string;
  /** Only receipts flagged for review. */
  needsReview?: boolean;
  /** One row per line item instead of one per receipt. */
  lines?: boolean;
  /** Byte-order mark at the start (default true: Excel needs it to read UTF-8). */
  bom?: boolean;
  /** CRLF line ends (default true). */
  crlf?: boolean;
  /** Rows fetched per query. */
  pageSize?: number;
}

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell a spreadsheet will not evaluate: text starting with = + - @ tab or CR gets a leading
 * apostrophe (OWASP's CSV-injection advice). A plain number such as -12.50 cannot run anything and is
 * left numeric so sums still work.
 */
export function neutralise(value: string): string {
  if (PLAIN_NUMBER.test(value)) return value;
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return neutralise(value.join('; '));
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return neutralise(String(value));
}

interface Cursor {
  document_id: number;
  position: number;
}

async function* receiptRows(db: Queryable, options: CsvExportOptions): AsyncGenerator<string[]> {
  const pageSize = options.pageSize ?? 1000;
  let after: Cursor = { document_id: 0, position: 0 };
  for (;;) {
    const result = options.lines
      ? await db.query<Record<string, unknown> & Cursor>(
          `SELECT l.document_id, l.source_file, l.vendor_name, r.vendor_tax_id, l.invoice_number, l.date, l.currency,
                  l.position, l.description, l.quantity, l.unit_price, l.amount, r.needs_review, r.duplicate_of
           FROM line_items_v l JOIN receipts_v r ON r.document_id = l.document_id
           WHERE (l.document_id, l.position) > ($1, $2)
             AND ($3::date IS NULL OR l.date >= $3::date) AND ($4::date IS NULL OR l.date <= $4::date)
             AND (NOT $5::boolean OR r.needs_review)
           ORDER BY l.document_id, l.position
           LIMIT $6`,
          [after.document_id, after.position, options.from ?? null, options.to ?? null, !!options.needsReview, pageSize],
        )
      : await db.query<Record<string, unknown> & Cursor>(
          `SELECT document_id, source_file, vendor_name, vendor_address, vendor_tax_id, buyer_tax_id, invoice_number,
                  date, currency, subtotal, tax, total, payment_method, needs_review, review_reasons, confidence,
                  extractor, model, processed_at, duplicate_of, 0 AS position
           FROM receipts_v
           WHERE document_id > $1
             AND ($2::date IS NULL OR date >= $2::date) AND ($3::date IS NULL OR date <= $3::date)
             AND (NOT $4::boolean OR needs_review)
           ORDER BY document_id
           LIMIT $5`,
          [after.document_id, options.from ?? null, options.to ?? null, !!options.needsReview, pageSize],
        );
    const columns = options.lines ? LINE_COLUMNS : RECEIPT_COLUMNS;
    for (const row of result.rows) {
      yield columns.map((column) => cell(column === 'confidence' && typeof row[column] === 'number' ? (row[column] as number).toFixed(2) : row[column]));
    }
    if (result.rows.length < pageSize) return;
    const last = result.rows.at(-1)!;
    after = { document_id: last.document_id, position: last.position };
  }
}

/** Streams the export into `out`; returns the number of data rows written. */
export async function exportCsv(db: Queryable, out: NodeJS.WritableStream, options: CsvExportOptions = {}): Promise<number> {
  const { stringify } = await import('csv-stringify');
  let rows = 0;
  const source = Readable.from(
    (async function* () {
      for await (const row of receiptRows(db, options)) {
        rows++;
        yield row;
      }
    })(),
  );
  const stringifier = stringify({
    header: true,
    columns: [...(options.lines ? LINE_COLUMNS : RECEIPT_COLUMNS)],
    bom: options.bom ?? true,
    record_delimiter: options.crlf === false ? 'unix' : 'windows',
    quoted_match: /[\r\n]/, // always quote multi-line cells (addresses), even though not strictly required
  });
  await pipeline(source, stringifier, out as Writable, { end: out !== process.stdout });
  return rows;
}

/** Writes the export to `file` atomically: a reader never sees a half-written CSV. */
export async function exportCsvToFile(db: Queryable, file: string, options: CsvExportOptions = {}): Promise<number> {
  const temp = `${file}.${process.pid}.partial`;
  try {
    const rows = await exportCsv(db, createWriteStream(temp), options);
    renameSync(temp, file);
    return rows;
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
