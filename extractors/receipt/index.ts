/**
 * The offline receipt extractor: layout-aware rules over OCR or text-layer lines, no model. Each field
 * keeps the row it was read from as evidence, and arithmetic cross-checks (items vs subtotal, subtotal +
 * tax vs total, cash - change) raise or lower the confidences.
 */
import type { PageText } from '../types.js';
import type { FieldSource, LineItem, ReceiptFields, ReceiptRecord, ValidationResult } from '../../schemas/receipt.js';
import { emptyField } from '../../schemas/receipt.js';
import { blocksReview, isTaiwanBusinessTax, linesSum, subtotalPlusTax } from '../checks/validate-receipt.js';
import { findTaiwanAddress } from './address-tw.js';
import { findAddress } from './address.js';
import { findDates, type DateLocale } from './dates.js';
import { detectCurrencyCode, findBuyerTaxId, findInvoiceNumber, findPaymentMethod, findVendorTaxId } from './identifiers.js';
import { buildRows, type Row } from './layout.js';
import { findLineItems, isTableHeader, repairMisreadAmount, repairMisreadQuantities } from './line-items.js';
import { isPositive } from './money.js';
import { findInvoicePeriod, inInvoicePeriod } from '../rules/taiwan.js';
import { addDecimal, compareDecimal, subtractDecimal } from '../rules/amounts.js';
import { repairAddressText, repairHeaderText } from './ocr-repair.js';
import { caseLike, upperShare } from './text.js';
import { findTotals, isDiscount } from './totals.js';
import { findLabelledSeller, findStampedSeller, findVendor } from './vendor.js';
import { headerRows, LEGAL_FORM } from './header.js';

export interface OfflineOptions {
  /** Decides day-first vs month-first dates, ROC dates and the default currency. Default `'MY'`. */
  locale?: DateLocale;
  /** Reference date for plausibility (no receipt from the future). Default the current time. */
  now?: Date;
  /** Earliest plausible receipt year. Default 2000. */
  minYear?: number;
  /**
   * Letter case of vendor name and address: `upper` folds OCR case noise (`Jalan Tampol` → `JALAN
   * TAMPOL`), `keep` leaves the text as read. Default `upper` for MY (names and addresses are printed and
   * filed in capitals there), `keep` otherwise.
   */
  nameCase?: 'upper' | 'keep';
}

const clamp = (x: number) => Math.max(0, Math.min(1, x));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** A row OCR read this unsure of bounds the confidence of a name read from it. */
const UNSURE_ROW = 0.5;

/**
 * A name OCR read unsure of (a Chinese character seen but not read: ppocr/unread-glyphs.ts) is no surer
 * than the rows it was read from; only rows whose text is in the name count (the vendor's evidence may
 * hold a row above it, like a triplicate's `買受人為非營業人者本聯作廢` notice).
 */
function nameRowsConfidence(name: string, rows: readonly Row[]): number {
  const compact = (t: string) => t.replace(/\s+/g, '').toUpperCase();
  const inName = rows.filter((row) => compact(name).includes(compact(row.text)));
  return Math.min(1, ...inName.map((row) => (row.confidence < UNSURE_ROW ? row.confidence : 1)));
}

function evidenceOf(rows: Row[]): { page: number; box: { x0: number; y0: number; x1: number; y1: number }; text: string } | undefined {
  const first = rows[0];
  if (!first) return undefined;
  const box = rows.reduce(
    (b, r) => ({ x0: Math.min(b.x0, r.bbox.x0), y0: Math.min(b.y0, r.bbox.y0), x1: Math.max(b.x1, r.bbox.x1), y1: Math.max(b.y1, r.bbox.y1) }),
    { ...first.bbox },
  );
  return { page: first.page, box, text: rows.map((r) => r.text).join('\n') };
}

/** Extracts a receipt record from page text with rules only (extractor 'offline', model null). */
export function extractReceiptOffline(pages: PageText[], options: OfflineOptions = {}): ReceiptRecord {
  const locale = options.locale ?? 'MY';
  const now = options.now ?? new Date();
  const source: FieldSource = pages.length > 0 && pages.every((p) => p.source === 'text-layer') ? 'text-layer' : 'rules';
  const rows = buildRows(pages);
  const allText = rows.map((r) => r.text).join('\n');
  const upper = (options.nameCase ?? (locale === 'MY' ? 'upper' : 'keep')) === 'upper' ? 1 : upperShare(allText);
  const fixHeader = (t: string) => repairHeaderText(caseLike(t, upper), { stripHan: locale !== 'TW' });
  const empty = () => emptyField(source);
  const text = (value: string | null, confidence: number, ev: Row[]) =>
    value ? { value, confidence: clamp(confidence), source, evidence: evidenceOf(ev) } : empty();

  const headerVendor = findVendor(rows);
  // Taiwan addresses have a shape of their own, found wherever the layout puts them (address-tw.ts).
  const taiwanAddress = locale === 'TW' ? findTaiwanAddress(rows) : null;
  const address = taiwanAddress ? { address: taiwanAddress.address, rows: [taiwanAddress.row] } : findAddress(rows, headerVendor?.rows[headerVendor.rows.length - 1] ?? null);
  // A seller named with its label (`賣方: 大成建材行`) is the seller, wherever it is printed; a
  // handwritten uniform invoice names it only in its stamp.
  const headerCompany = headerVendor && LEGAL_FORM.test(headerVendor.name) ? headerVendor : null;
  const vendor = findLabelledSeller(rows) ?? headerCompany ?? (locale === 'TW' ? findStampedSeller(rows) : null) ?? headerVendor;
  const dates = findDates(rows, { locale, now, minYear: options.minYear });
  // A uniform invoice is dated inside the two-month period its header prints (`113年11-12月份`): a
  // date read outside it is misread, unless it is the only date there is.
  const period = locale === 'TW' ? findInvoicePeriod(allText) : null;
  const bestDate = (period ? dates.find((d) => inInvoicePeriod(d.iso, period)) : undefined) ?? dates[0] ?? null;
  // Taiwan prints whole dollars, in Latin rows too (`Total NT$55`).
  const wholeDollars = locale === 'TW';
  const totals = findTotals(rows, { wholeDollars });
  const invoice = findInvoiceNumber(rows, locale);
  const vendorTax = findVendorTaxId(rows, locale);
  const buyerTax = locale === 'TW' ? findBuyerTaxId(rows) : null;
  const changeGiven = totals.change && isPositive(totals.change.value) ? totals.change.row : null;
  const payment = findPaymentMethod(rows, totals.total?.row ?? null, { wholeDollars, changeGiven });
  const currency = detectCurrencyCode(allText, locale);

  const header = headerRows(rows);
  // Items start after the seller's block. The header runs on to the first body keyword (DATE, QTY…) or
  // half the page; a receipt that prints its items straight under the address (`-INVOICE-`, then the
  // first item) would lose them to it.
  const sellerEnd = Math.max(headerVendor?.rows.at(-1)?.index ?? -1, address?.rows.at(-1)?.index ?? -1);
  const bodyStart = sellerEnd >= 0 && sellerEnd + 1 < header.length ? sellerEnd + 1 : header.length;
  const firstSummary = totals.amounts.find((a) => a.kind === 'total' || a.kind === 'subtotal')?.row.index ?? rows.length;
  let lineItems: LineItem[] = findLineItems(rows, bodyStart, firstSummary, { wholeDollars });
  if (lineItems.length === 0 && locale === 'TW' && firstSummary < rows.length) {
    // An e-invoice prints its total in the header (`隨機碼:9876 總計:260`) and the items under it, with
    // or without a table header.
    const table = rows.findIndex((r) => r.index > firstSummary && isTableHeader(r.text));
    const from = table > 0 ? table : firstSummary + 1;
    const end = totals.amounts.find((a) => (a.kind === 'total' || a.kind === 'subtotal') && a.row.index > from)?.row.index ?? rows.length;
    lineItems = findLineItems(rows, from, end, { wholeDollars });
  }

  const validations: ValidationResult[] = [];
  const reasons: string[] = [];
  const total = totals.total?.value ?? null;
  const subtotal = totals.subtotal?.value ?? null;
  // A Taiwan invoice whose 營業稅 row OCR could not read (`營業稅: 475 0`): total − sales, when that is the
  // 5% business tax of the sales (the check the validator runs, here used to recover it).
  const salesTax = !totals.tax && locale === 'TW' && subtotal && total ? taiwanTaxFromSales(subtotal, total) : null;
  const tax = totals.tax?.value ?? salesTax;
  let totalConfidence = totals.total ? sigmoid(totals.total.score - 2) : 0;
  if (total && subtotal && tax) {
    // With every charge printed after the subtotal (`SERVICE CHARGE 10%`, `SST 6%`) and the rounding line.
    const check = subtotalPlusTax({ subtotal, tax, total, charges: totals.charges.map((c) => c.value), rounding: totals.rounding?.value ?? null });
    validations.push({ check: 'subtotal_plus_tax_is_total', ...check, fields: ['subtotal', 'tax', 'total'] });
  }
  // A discount on the bill after the subtotal (`DISCOUNT -30.00`) takes the total below it: the
  // record has no discount field, so the check is made here, with it.
  const discounts = totals.charges.filter(isDiscount).map((c) => c.value);
  if (total && subtotal && discounts.length > 0) {
    const floor = addDecimal(subtotal, ...discounts);
    validations.push({ check: 'total_not_below_subtotal', passed: compareDecimal(total, subtractDecimal(floor, '1')) >= 0, detail: `total ${total}, subtotal ${subtotal} with discounts ${discounts.join(', ')}`, fields: ['total', 'subtotal'] });
  }
  // The same arithmetic validation runs on every record (extractors/checks/validate-receipt.ts).
  const addsUp = (amounts: string[]) => linesSum(amounts, subtotal, total, tax)?.passed === true;
  if (total && !addsUp(lineItems.map((i) => i.amount ?? '0'))) {
    // Item rows whose amounts lost their decimal point (`150. SVC`) are read only when the items then add up.
    const loose = findLineItems(rows, bodyStart, firstSummary, { wholeDollars, looseAmounts: true });
    if (loose.length > lineItems.length && addsUp(loose.map((i) => i.amount ?? '0'))) lineItems = loose;
  }
  if (total) lineItems = repairMisreadQuantities(repairMisreadAmount(lineItems, addsUp, { wholeDollars }), addsUp, { wholeDollars });
  const itemSum = total ? linesSum(lineItems.map((i) => i.amount ?? '0'), subtotal, total, tax) : null;
  if (itemSum) validations.push(itemSum);
  if (total) {
    const positive = isPositive(total);
    validations.push({ check: 'total_positive', passed: positive, detail: `total ${total}`, fields: ['total'] });
    if (!positive) totalConfidence *= 0.3;
  } else {
    reasons.push('no total found');
  }
  if (bestDate) {
    const future = new Date(`${bestDate.iso}T00:00:00Z`).getTime() > now.getTime() + 86_400_000;
    validations.push({ check: 'date_not_in_future', passed: !future, detail: bestDate.iso, fields: ['date'] });
    if (period) {
      const months = `${period.rocYear === null ? '' : `${period.rocYear}年`}${period.months[0]}-${period.months[1]}月`;
      validations.push({ check: 'date_in_invoice_period', passed: inInvoicePeriod(bestDate.iso, period), detail: `${bestDate.iso}, invoice period ${months}`, fields: ['date'] });
    }
  } else {
    reasons.push('no date found');
  }
  for (const v of validations) if (!v.passed) reasons.push(`${v.check}: ${v.detail}`);

  const fields: ReceiptFields = {
    vendorName: vendor ? text(fixHeader(vendor.name), Math.min(sigmoid(vendor.score - 1), nameRowsConfidence(vendor.name, vendor.rows)), vendor.rows) : empty(),
    vendorAddress: address ? text(locale === 'TW' ? fixHeader(address.address) : repairAddressText(fixHeader(address.address)), vendor ? 0.7 : 0.4, address.rows) : empty(),
    vendorTaxId: vendorTax ? text(vendorTax.value, vendorTax.confidence, [vendorTax.row]) : empty(),
    buyerTaxId: buyerTax ? text(buyerTax.value, buyerTax.confidence, [buyerTax.row]) : empty(),
    invoiceNumber: invoice ? text(invoice.value, invoice.confidence, [invoice.row]) : empty(),
    date: bestDate
      ? { value: bestDate.iso, confidence: clamp(sigmoid(bestDate.score - 1.5) * (bestDate.repaired ? 0.7 : 1)), source, evidence: evidenceOf([bestDate.row]) }
      : empty(),
    currency: { value: currency.code, confidence: currency.explicit ? 0.95 : 0.6, source },
    // A subtotal read past a misread digit (the paid total less the charges) is less sure than one read as printed.
    subtotal: totals.subtotal ? { value: totals.subtotal.value, confidence: totals.subtotal.repaired ? 0.55 : 0.7, source, evidence: evidenceOf([totals.subtotal.valueRow]) } : empty(),
    tax: totals.tax
      ? { value: totals.tax.value, confidence: 0.7, source, evidence: evidenceOf([totals.tax.valueRow]) }
      : salesTax && totals.subtotal && totals.total
        ? { value: salesTax, confidence: 0.6, source, evidence: evidenceOf([totals.subtotal.valueRow, totals.total.row]) }
        : empty(),
    total: totals.total ? { value: totals.total.value, confidence: clamp(totalConfidence), source, evidence: evidenceOf([totals.total.row]) } : empty(),
    paymentMethod: payment ? text(payment.value, payment.confidence, [payment.row]) : empty(),
  };
  const key = [fields.vendorName, fields.date, fields.total];
  const confidence = Math.min(...key.map((f) => f.confidence));
  // As validateReceipt decides it: the informational checks are listed, blocking only about a key field.
  const blocking = validations.filter(blocksReview);
  const missingKey = !totals.total || !bestDate;
  const needsReview = missingKey || blocking.length > 0 || confidence < 0.5;
  if (confidence < 0.5 && reasons.length === 0) reasons.push(`low_confidence: vendor, date or total at ${confidence.toFixed(2)}`);
  return { fields, lineItems, validations, needsReview, reviewReasons: reasons, confidence, extractor: 'offline', model: null };
}

export { buildRows } from './layout.js';
export { findDates, parseDate } from './dates.js';
export { findTotals } from './totals.js';
export { findVendor } from './vendor.js';
export { findAddress } from './address.js';
export { findLineItems } from './line-items.js';

/** total − sales when it is Taiwan's business tax on the sales (the validator's own check), else null. */
function taiwanTaxFromSales(sales: string, total: string): string | null {
  const difference = subtractDecimal(total, sales);
  return compareDecimal(difference, '0') > 0 && isTaiwanBusinessTax(difference, sales) ? difference : null;
}
