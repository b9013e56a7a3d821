/**
 * Validation of a receipt record, whoever extracted it: arithmetic between the amounts, Taiwan's 5%
 * business tax, plausible dates, tax-id checksums. Each failed check is a named reason on the record
 * and lowers the confidence of the fields it speaks about; a failed check or a weak key field sets
 * needs_review.
 */
import type { ReceiptFieldName, ReceiptRecord, ValidationResult } from '../../schemas/receipt.js';
import { addDecimal, compareDecimal, isDecimal, percentOf, subtractDecimal, withinDecimal } from '../rules/amounts.js';
import { isInvoiceNumber, isValidTaiwanTaxId } from '../rules/taiwan.js';
import { MAX_TAX_RATE_PERCENT, taxFitsTotal } from '../rules/tax-rate.js';

export interface ValidateOptions {
  /** "Today" for the not-in-the-future check. */
  now?: Date;
  /** Dates before this year are implausible. Default 2000. */
  minYear?: number;
  /** Key fields below this confidence send the record to review. Default 0.5. */
  reviewBelow?: number;
}

/** Fields whose absence or weakness makes a record unusable for bookkeeping. */
export const KEY_FIELDS: ReceiptFieldName[] = ['vendorName', 'date', 'total'];

/**
 * Checks whose failure is listed among the reasons but sends the record to review only when it speaks
 * about a key field. Line items that do not add up are, far more often, line items read incompletely
 * (a name split over rows, a discount row) than a wrong total: with tesseract on sroie-dev the check
 * failed on 9 of the 17 receipts with a wrong date or total and on 33 of the 83 right ones; as a review
 * trigger it flagged 23 of 99 right receipts read with PP-OCR. It speaks about the total only when the
 * sum is the total but for one leading digit. An item dearer than the total likewise is a misread item.
 */
export const INFORMATIONAL_CHECKS: readonly string[] = ['lines_sum_to_subtotal', 'total_covers_largest_item'];

/** Receipts round totals to 0.05 (Malaysia, Singapore) or whole dollars (Taiwan). */
const ROUNDING_TOLERANCE = '0.05';

/** Taiwan's 營業稅: 5% of the untaxed sales, rounded to whole dollars (a dollar of rounding allowed). */
export function isTaiwanBusinessTax(tax: string, sales: string): boolean {
  return withinDecimal(tax, taiwanBusinessTax(sales), '1');
}

function taiwanBusinessTax(sales: string): string {
  return percentOf(sales, '5', 0);
}

/**
 * Whether a failed check sends the record to review: every one does, except the informational checks
 * (INFORMATIONAL_CHECKS) when they speak about no key field. The offline extractor and validation decide
 * it the same way.
 */
export function blocksReview(v: ValidationResult): boolean {
  if (v.passed) return false;
  return !INFORMATIONAL_CHECKS.includes(v.check) || (v.fields as ReceiptFieldName[]).some((name) => KEY_FIELDS.includes(name));
}

/**
 * `8.20` against `58.20`: the same figure but for one leading digit, a speck or a `$`/`S` read as a
 * digit. (Sums one digit apart in place, `84.00` against `83.00`, are as often a discount row the items
 * missed: on sroie-dev they were, on three right totals.)
 */
function oneMisreadApart(a: string, b: string): boolean {
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return long.length === short.length + 1 && /^\d/.test(long) && long.slice(1) === short;
}

/**
 * Whether subtotal + tax (+ any other charges printed after the subtotal) makes the total. With the
 * receipt's rounding line the sum must be exact (`106.10 + 6.37 - 0.02 = 112.45`, so a total read as
 * 112.46 fails); without it, cash rounding of up to 0.05 is allowed. A subtotal that already equals the
 * total passes, the tax printed as included (`TOTAL GST 2.40` above `SUB TOTAL 42.40`).
 */
export function subtotalPlusTax(input: { subtotal: string; tax: string; total: string; charges?: readonly string[]; rounding?: string | null }): { passed: boolean; detail: string } {
  const { subtotal, tax, total, rounding } = input;
  // The charges printed after the subtotal, with the tax when it is not among them (a `SERVICE CHARGE`
  // line read, the `GST 6%` line's figure found only in the summary table).
  const printed = input.charges ?? [];
  const charges = printed.some((c) => compareDecimal(c, tax) === 0) ? [...printed] : [...printed, tax];
  const sum = addDecimal(subtotal, ...charges);
  // `79.60 - 30.00 + 4.96 + 3.27`: a discount among the charges is written as a subtraction.
  const signed = (value: string) => (value.startsWith('-') ? `- ${value.slice(1)}` : `+ ${value}`);
  const added = charges.map(signed).join(' ');
  if (withinDecimal(subtotal, total, ROUNDING_TOLERANCE) && !withinDecimal(sum, total, ROUNDING_TOLERANCE)) return { passed: true, detail: `${subtotal} includes tax ${tax}, total is ${total}` };
  if (rounding) {
    const rounded = addDecimal(sum, rounding);
    // The rounding line may also be already in the total the sum is compared with.
    return { passed: compareDecimal(rounded, total) === 0 || compareDecimal(sum, total) === 0, detail: `${subtotal} ${added} ${signed(rounding)} = ${rounded}, total is ${total}` };
  }
  return { passed: withinDecimal(sum, total, ROUNDING_TOLERANCE), detail: `${subtotal} ${added} = ${sum}, total is ${total}` };
}

/**
 * Whether the line items add up. Item prices are printed without tax (sum = subtotal) or, on most B2C
 * receipts (Taiwan's among them), with tax included (sum = total): either closes the arithmetic. A slip
 * that prints no subtotal but its tax (`AIR ADAPTOR 5 @ 4.00 20.00`, `GST 6% 1.20`, `TOTAL 21.20`)
 * closes it with total − tax. Null when there are no items or nothing to compare them with.
 */
export function linesSum(amounts: readonly string[], subtotal: string | null, total: string | null, tax: string | null = null): ValidationResult | null {
  const targets = [subtotal, total].filter((v): v is string => v !== null);
  if (amounts.length === 0 || targets.length === 0) return null;
  const sum = addDecimal(...amounts);
  const check = 'lines_sum_to_subtotal';
  const matched = targets.find((target) => withinDecimal(sum, target, ROUNDING_TOLERANCE));
  const detail = `line items sum to ${sum}, subtotal ${subtotal ?? 'none'}, total ${total ?? 'none'}`;
  if (matched !== undefined) return { check, passed: true, detail, fields: [matched === total && matched !== subtotal ? 'total' : 'subtotal'] };
  if (subtotal === null && total !== null && tax !== null && compareDecimal(tax, '0') > 0 && withinDecimal(addDecimal(sum, tax), total, ROUNDING_TOLERANCE)) {
    return { check, passed: true, detail: `${detail}: ${sum} + tax ${tax} = ${addDecimal(sum, tax)}`, fields: ['total', 'tax'] };
  }
  // Most sums miss because items were read incompletely: the check then speaks about the items (and
  // the subtotal), not the total. A sum one digit from the total (`8.20` against `58.20`) is a misread
  // of one of them, and speaks about the total.
  const near = targets.find((target) => oneMisreadApart(sum, target));
  const fields: ReceiptFieldName[] = near !== undefined && near === total && near !== subtotal ? ['total'] : subtotal !== null ? ['subtotal'] : [];
  return { check, passed: false, detail: near !== undefined ? `${detail} (${sum} and ${near} differ in a leading digit)` : detail, fields };
}

function money(value: string | null): string | null {
  return value !== null && isDecimal(value) ? value : null;
}

export function validateReceipt(record: ReceiptRecord, options: ValidateOptions = {}): ReceiptRecord {
  const now = options.now ?? new Date();
  const minYear = options.minYear ?? 2000;
  const reviewBelow = options.reviewBelow ?? 0.5;
  const f = record.fields;
  const checks: ValidationResult[] = [];
  const add = (check: string, passed: boolean, detail: string, fields: ReceiptFieldName[]) => checks.push({ check, passed, detail, fields });

  const subtotal = money(f.subtotal.value);
  const tax = money(f.tax.value);
  const total = money(f.total.value);

  if (total === null) add('total_present', false, 'no total found', ['total']);
  else {
    add('total_positive', compareDecimal(total, '0') > 0, `total is ${total}`, ['total']);
  }

  const amounts = record.lineItems.map((item) => money(item.amount)).filter((a): a is string => a !== null);
  const itemSum = amounts.length === record.lineItems.length ? linesSum(amounts, subtotal, total, tax) : null;
  if (itemSum) checks.push(itemSum);

  // An extractor that read the slip's charges and rounding line (which the record has no fields for)
  // ran this check with more than the record holds: its result, pass or fail, stands.
  const checkedByExtractor = record.validations.some((v) => v.check === 'subtotal_plus_tax_is_total');
  if (subtotal !== null && tax !== null && total !== null && !checkedByExtractor) {
    const { passed, detail } = subtotalPlusTax({ subtotal, tax, total });
    add('subtotal_plus_tax_is_total', passed, detail, ['subtotal', 'tax', 'total']);
  }

  // Likewise when the extractor read a discount after the subtotal.
  const discountedByExtractor = record.validations.some((v) => v.check === 'total_not_below_subtotal');
  if (total !== null && subtotal !== null && !discountedByExtractor) {
    add('total_not_below_subtotal', compareDecimal(total, subtractDecimal(subtotal, '1')) >= 0, `total ${total}, subtotal ${subtotal}`, ['total', 'subtotal']);
  }
  if (total !== null && amounts.length > 0) {
    // Discount rows (`Great Saving -9.60`) bring the total under the dearest item.
    const largest = amounts.reduce((a, b) => (compareDecimal(a, b) >= 0 ? a : b));
    const discounts = amounts.filter((a) => a.startsWith('-')).map((a) => a.slice(1));
    // (and cash rounding: 41.07 - 9.60 = 31.47, paid 31.45; one item of 80.91, paid 80.90)
    const allowed = addDecimal(total, ...discounts, ROUNDING_TOLERANCE);
    // An item dearer than the total is, on sroie-dev, always a misread item (4 of 4), never a wrong total:
    // the check speaks about the items.
    add('total_covers_largest_item', compareDecimal(allowed, largest) >= 0, `total ${total}, largest item ${largest}${discounts.length > 0 ? `, discounts ${discounts.join(' + ')}` : ''}`, []);
  }

  // A tax is at most its rate of the total (the net is below the total): a larger figure is the amount
  // taxed, or the total is misread. The record keeps no rate, so the highest in use bounds it.
  if (tax !== null && total !== null && compareDecimal(total, '0') > 0) {
    add('tax_within_rate', taxFitsTotal(tax, '', total), `tax ${tax}, total ${total}, highest tax rate ${MAX_TAX_RATE_PERCENT}%`, ['tax']);
  }

  // Taiwan: 營業稅 is 5% of the untaxed amount, rounded to whole dollars (allow 1 dollar of rounding).
  if (f.currency.value === 'TWD' && subtotal !== null && tax !== null) {
    add('taiwan_business_tax_5pct', isTaiwanBusinessTax(tax, subtotal), `tax ${tax}, 5% of ${subtotal} is ${taiwanBusinessTax(subtotal)}`, ['tax']);
  }

  const date = f.date.value;
  if (date === null) add('date_present', false, 'no date found', ['date']);
  else {
    const day = new Date(`${date}T00:00:00Z`);
    const tomorrow = new Date(now.getTime() + 24 * 3600 * 1000);
    add('date_not_in_future', day <= tomorrow, `date ${date}`, ['date']);
    add('date_after_min_year', day.getUTCFullYear() >= minYear, `date ${date}, earliest plausible year ${minYear}`, ['date']);
  }

  const checksumDate = date ? new Date(`${date}T00:00:00Z`) : now;
  for (const [name, check] of [['vendorTaxId', 'vendor_tax_id_checksum'], ['buyerTaxId', 'buyer_tax_id_checksum']] as const) {
    const id = f[name].value;
    if (id && /^\d{8}$/.test(id)) add(check, isValidTaiwanTaxId(id, checksumDate), `統一編號 ${id}`, [name]);
  }
  const invoice = f.invoiceNumber.value;
  if (invoice && f.currency.value === 'TWD' && /^[A-Z]{2}-?\d/.test(invoice)) {
    add('invoice_number_format', isInvoiceNumber(invoice.replace('-', '')), `invoice number ${invoice}`, ['invoiceNumber']);
  }

  // Earlier results of the same name (from an extractor) are replaced by these; others are kept.
  const names = new Set(checks.map((c) => c.check));
  const validations = [...record.validations.filter((v) => !names.has(v.check)), ...checks];

  const fields = structuredClone(record.fields);
  for (const failed of validations.filter((v) => !v.passed)) {
    for (const name of failed.fields as ReceiptFieldName[]) {
      if (fields[name]) fields[name].confidence = Math.round(fields[name].confidence * 0.5 * 1000) / 1000;
    }
  }
  // Agreement raises confidence: a total that closes the arithmetic is very likely right.
  for (const passed of validations.filter((v) => v.passed && ['subtotal_plus_tax_is_total', 'lines_sum_to_subtotal'].includes(v.check))) {
    for (const name of passed.fields as ReceiptFieldName[]) {
      if (fields[name]?.value !== null) fields[name].confidence = Math.min(1, Math.round((fields[name].confidence * 0.5 + 0.5) * 1000) / 1000);
    }
  }

  // Reasons about checks run again here, and about key-field confidence (recomputed below from the
  // confidences these checks leave), are replaced; an extractor's other reasons are kept.
  const recomputed = (reason: string) => [...names].some((name) => reason.startsWith(`${name}:`)) || /^(?:low_confidence|missing_)/.test(reason);
  const reasons = new Set<string>(record.reviewReasons.filter((reason) => !recomputed(reason)));
  for (const failed of validations.filter((v) => !v.passed)) reasons.add(`${failed.check}: ${failed.detail}`);
  for (const name of KEY_FIELDS) {
    if (fields[name].value === null) reasons.add(`missing_${name}`);
    else if (fields[name].confidence < reviewBelow) reasons.add(`low_confidence_${name}: ${fields[name].confidence.toFixed(2)}`);
  }
  const confidence = Math.min(...KEY_FIELDS.map((name) => (fields[name].value === null ? 0 : fields[name].confidence)));
  return { ...record, fields, validations, reviewReasons: [...reasons], needsReview: reviewNeeded([...reasons], validations), confidence };
}

/**
 * Whether a record with these reasons goes to review: any reason does, except those of a failed
 * informational check (blocksReview), which are listed but send nothing to review.
 */
export function reviewNeeded(reasons: readonly string[], validations: readonly ValidationResult[]): boolean {
  const informational = validations.filter((v) => !v.passed && !blocksReview(v));
  return reasons.some((reason) => !informational.some((v) => reason === `${v.check}: ${v.detail}`));
}
