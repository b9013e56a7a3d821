/**
 * The GST summary table Malaysian receipts print after the payment (`GST Summary Amount(RM) Tax(RM)` /
 * `SR @ 6% 35.00 2.10` / `ZRL = 0% 8.20 0.00`): on many slips the only place the tax appears. Each
 * rate row gives the taxed amount and its tax; the table is believed only when every rate row's tax is
 * the rate applied to its amount (within a few sen), so a misread figure is never taken.
 * A service charge row (`SVC SERVICE CHARGE 10 150.00 15.00`) is read the same way and kept apart.
 */
import type { Row } from './layout.js';
import { addDecimal, percentOf, withinDecimal } from '../rules/amounts.js';
import { findAmounts } from './money.js';

export interface TaxSummaryRow {
  /** Rate in percent, as printed (`6`, `0`, `10`). */
  rate: string;
  net: string;
  tax: string;
  row: Row;
}

export interface TaxSummary {
  /** The GST rows (standard and zero rated). */
  taxRows: TaxSummaryRow[];
  /** Their tax added up. */
  tax: string;
  /** Service charge rows, when the table lists them. */
  serviceCharges: TaxSummaryRow[];
}

/** `GST Summary`, `Tax Summar`, `GSTSummary`, `CST Sumary` (G read as C). */
const SUMMARY_TITLE = /(?:GST|TAX|CST|6ST)\s*SUM{1,2}/i;
/** How far below its title the table's rows are looked for. */
const TABLE_ROWS = 4;
const SERVICE = /\bSVC\b|SERVICE/i;
/** `6%`, `@6%`, `GST6%`, `(06%)`. */
const RATE_PERCENT = /(\d{1,2}(?:\.\d{1,2})?)\s*%/;
/** The rate as a bare column right before the amount (`SR 6 106.10 6.37`, `SR 6.00 26.00 1.56`). */
const RATE_COLUMN = /(?:^|\s)(\d{1,2}(?:\.\d{1,2})?)\s*$/;

export function readTaxSummary(rows: readonly Row[]): TaxSummary | null {
  const title = rows.findIndex((row) => SUMMARY_TITLE.test(row.text));
  if (title < 0) return null;
  const taxRows: TaxSummaryRow[] = [];
  const serviceCharges: TaxSummaryRow[] = [];
  for (const row of rows.slice(title, title + 1 + TABLE_ROWS)) {
    const amounts = findAmounts(row.text);
    if (amounts.length < 2 || /TOTAL/i.test(row.text)) continue;
    const netAmount = amounts[amounts.length - 2]!;
    const rate = RATE_PERCENT.exec(row.text)?.[1] ?? RATE_COLUMN.exec(row.text.slice(0, netAmount.index))?.[1];
    if (rate === undefined) continue;
    const net = netAmount.value;
    const tax = amounts[amounts.length - 1]!.value;
    // A rate row that does not add up is misread, and a table missing one of its rows is no total of
    // the tax (`S=GST @6%` unread, `Z=GST @0% 0.00 0.00` read would say the tax is 0.00).
    if (!taxAtRate(net, rate, tax)) return null;
    (SERVICE.test(row.text) ? serviceCharges : taxRows).push({ rate, net, tax, row });
  }
  if (taxRows.length === 0) return null;
  return { taxRows, tax: addDecimal(...taxRows.map((r) => r.tax)), serviceCharges };
}

/**
 * Whether `tax` is `rate` percent of `net`, within 5 sen: slips that tax each item and add the results
 * up drift a few sen from the rate of the sum (`S=GST @6% 122.00 7.30`, 7.32 at the rate).
 */
function taxAtRate(net: string, rate: string, tax: string): boolean {
  return withinDecimal(percentOf(net, rate, 2), tax, TAX_DRIFT);
}

const TAX_DRIFT = '0.05';
