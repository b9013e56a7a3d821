/**
 * Totals: every labelled amount is classified (total, subtotal, tax, rounding, tendered, change, other),
 * then the total is chosen by label strength, position and arithmetic consistency with the other amounts
 * (cash - change, subtotal + tax, total + rounding). Cash tendered is never the total unless nothing
 * else agrees.
 */
import type { Row } from './layout.js';
import { addMoney, compareMoney, CURRENCY_MARK, findAmounts, findLooseAmount, isPositive, isZero, toMoneyString, sameMoney, subMoney, type AmountMatch } from './money.js';
import { mismatchedPairs } from './text.js';
import { readTaxSummary, type TaxSummaryRow } from './tax-summary.js';
import { taxFitsTotal } from '../rules/tax-rate.js';

export type AmountKind = 'total' | 'subtotal' | 'tax' | 'rounding' | 'tendered' | 'change' | 'other';

export interface LabelledAmount {
  kind: AmountKind;
  /** 1 weak .. 4 strongest (ROUNDED TOTAL); 0 for non-totals. */
  strength: number;
  value: string;
  label: string;
  /** The row the label is on. */
  row: Row;
  /** The row the value is on (the label row, or the one below when the value wraps). */
  valueRow: Row;
  amountsOnRow: number;
  /** True when the value was read past OCR damage to its decimal point (`5142`, `174.9`, `RM 64 13`). */
  repaired?: boolean;
  /** The value with a leading S read as `$` instead of 5 (`S8.20`): see AmountMatch. */
  dollarReading?: string;
}

export interface TotalsResult {
  total: { value: string; row: Row; score: number; label: string } | null;
  subtotal: LabelledAmount | null;
  /** The tax (GST, SST, VAT, 營業稅), never a service charge. */
  tax: LabelledAmount | null;
  /** What was added to the subtotal after it, taxes and service charges alike (see chargesAfter). */
  charges: LabelledAmount[];
  rounding: LabelledAmount | null;
  tendered: LabelledAmount | null;
  change: LabelledAmount | null;
  amounts: LabelledAmount[];
}

const CHANGE = /\bCHANGE\b|\bC[HU][AE]NGE\b|\bCHG\b|\bBAKI\b|找零|找續|找回/;
/** A tax registration number's label (`GST ID:`, `GST REG NO`, `SST NO.`). */
const TAX_ID_LABEL = /\b(?:GST|SST|TAX)\s*(?:ID|REG(?:ISTRATION)?|NO)\b/i;
/** `DELIVERY CHG`, `SERVICE CHG`: CHG after what is charged for abbreviates CHARGE, not CHANGE. */
const CHARGE_CHG = /\b(?:DELIVERY|SERV(?:ICE)?|SVC|HANDLING|PACKING|CORKAGE|BAG)\s*CHG\b/;
const ROUNDED_TOTAL = /ROUND(?:ED|ING)?\s*(?:D\s*)?(?:TOTAL|AMOUNT|AMT)|TOTAL\s*(?:AMT\s*|AMOUNT\s*)?(?:ROUNDED|ROUND)|(?:TOTAL|AMOUNT)\s*AFTER\s*(?:ADJ|ROUND)|NET+\s*TOTAL\s*ROUNDED/;
const ROUNDING = /ROUND|\bADJ|\bRND\b|捨入/;
const SUBTOTAL = /SUB\s*-?\s*TOTAL|\bEXCL|EXCLUDING|EXCLUDED|BEFORE\s*(?:GST|TAX)|W\/O\s*GST|小計|未稅|銷售額/;
const TAX_INCLUDED = /INCLUDES|INCLUDED\s*IN/;
const TAX = /\bGST\b|\bSST\b|\bVAT\b|\bTAX\b|\bSERV(?:ICE)?\s*(?:CHARGE|CHRG|CHG|TAX)|\bSVC\b|營業稅|稅額|税额/;
// (with OCR's usual damage: `Inchusive`, `lnclusive`)
const INCLUSIVE = /INCL|INCLUSIVE|[IL1]N[CG][A-Z]{1,3}SIVE/;
/** A restaurant's service charge: a charge added like a tax, but not a tax (Malaysia's SERVICE TAX is one). */
const SERVICE_CHARGE = /\bSERV(?:ICE)?\.?\s*(?:CHARGE|CHRG|CHG)|\bSVC\b|\bS\/C\b/;
const OTHER = /TOTAL\s*(?:QTY|QUANTITY|ITEM|ITEMS|PCS|UNIT|UNITS|DISC|DISCOUNT|SAVING|SAVINGS|POINT|POINTS|WEIGHT|NO)|\bQTY\b|DISCOUNT|\bDISC\b|POINTS?\b|ITEM\(S\)|NO\.?\s*OF|\bPTS\b|VOUCHER|DEPOSIT/;
const TENDERED = /CASH|\bCA[S5B$]H\b|TENDER|\bPAID\b|PAYMENT|VISA|MASTER|\bCARD\b|CREDIT|DEBIT|AMEX|WALLET|BOOST|GRAB|\bTNG\b|TOUCH|RECEIVED|\bPAY\b|現金|信用卡|付款|收現/;
const TOTAL_STRONG = /GRAND\s*TOTAL|NET+\s*(?:TOTAL|AMOUNT|AMT|SALES)|(?:AMOUNT|AMT)\s*DUE|TOTAL\s*DUE|BALANCE\s*DUE|(?:TOTAL|AMOUNT|AMT)\s*PAYABLE|TOTAL\s*(?:SALES|AMOUNT|AMT|INCL|\(INCL|INCLUSIVE|\(RM\)|\(MYR\)|RM|MYR)|總計|合計|總額|總金額?|應付|應繳|总计|合计|总额|总金额?|应付|应缴/;
const TOTAL_PLAIN = /TOTAL|TOTA1|T0TAL|J[UO]MLAH|\bAMOUNT\b|\bAMT\b|計/;

/** Classifies a label (the text left of an amount). */
export function classifyLabel(label: string): { kind: AmountKind; strength: number } | null {
  // Text layers and OCR space out CJK labels (`總 計`): join Han characters before matching.
  const l = label
    .toUpperCase()
    .replace(/[.]/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/(?<=\p{Script=Han}) (?=\p{Script=Han})/gu, '')
    // TOTAL as OCR misreads it (`OTAL`, `IOTEL`, `TOTAI`, `T0TAL`): one damaged or lost letter.
    .replace(/\b(?:[TIJL1]?[O0]T[AE][LI1]|T[O0]TA[LI1]?)\b/g, 'TOTAL')
    // SUBTOTAL with its S or L misread (`GUBTOTAI`, `5UBTOTAL`).
    .replace(/\b[SG5$]U[B8]\s*-?\s*T[O0]TA[LI1]\b/g, 'SUBTOTAL')
    // (`SUBTETA?`: SUB and a four-letter word starting with T, past recognition)
    .replace(/\b[SG5$]U[B8]\s*-?\s*T[A-Z0-9]{3}\??(?=\s|:|$)/g, 'SUBTOTAL');
  if (CHANGE.test(l) && !CHARGE_CHG.test(l)) return { kind: 'change', strength: 0 };
  // `Cashier USER Time 12 31.00`: a time of day (12:31:00) read as money; no amount of the bill.
  if (/\bTIME\b[\s:]*\d{0,2}$/.test(l)) return { kind: 'other', strength: 0 };
  if (ROUNDED_TOTAL.test(l)) return { kind: 'total', strength: 4 };
  if (ROUNDING.test(l)) return { kind: 'rounding', strength: 0 };
  if (SUBTOTAL.test(l)) return { kind: 'subtotal', strength: 0 };
  if (OTHER.test(l)) return { kind: 'other', strength: 0 };
  // `TOTAL SALES (INCLUSIVE OF GST)` even when OCR mangles INCLUSIVE: a total that names the tax it includes.
  if (/TOTAL|J[UO]MLAH/.test(l) && /(?:SALES|\bOF\s*GST|\bOF\s*TAX|AFTER|\bWITH\s*(?:GST|SST|TAX))/.test(l)) return { kind: 'total', strength: 3 };
  if (TAX.test(l) && TAX_INCLUDED.test(l)) return { kind: 'tax', strength: 0 };
  if (TAX.test(l) && !INCLUSIVE.test(l)) return { kind: 'tax', strength: 0 };
  // `(Inclusive) GST 6% 33.57`: the tax a tax-inclusive price holds, when the row names no total.
  if (TAX.test(l) && INCLUSIVE.test(l) && /%/.test(l) && !SERVICE_CHARGE.test(l) && !/TOTAL|AMOUNT|AMT|SALES|PRICE|PAYABLE/.test(l)) return { kind: 'tax', strength: 0 };
  if (TENDERED.test(l) && !/TOTAL/.test(l)) return { kind: 'tendered', strength: 0 };
  if (TOTAL_STRONG.test(l)) return { kind: 'total', strength: 3 };
  if (TOTAL_PLAIN.test(l)) return { kind: 'total', strength: /TOTAL|計|JUMLAH/.test(l) ? 2 : 1 };
  return null;
}

function labelOf(row: Row, amounts: AmountMatch[]): string {
  const first = amounts[0];
  const text = first ? row.text.slice(0, first.index) : row.text;
  return text.trim();
}

/**
 * A row's amounts grouped under the words printed before them: a new pair starts wherever words stand
 * between two amounts. One pair (the usual `TOTAL 12.50`, or `2 x 3.50 7.00`) when none do.
 */
function labelValuePairs(text: string, label: string, amounts: AmountMatch[]): { label: string; amounts: AmountMatch[] }[] {
  const pairs = [{ label, amounts: [amounts[0]!] }];
  for (let k = 1; k < amounts.length; k += 1) {
    const between = text.slice(amounts[k - 1]!.index + amounts[k - 1]!.text.length, amounts[k]!.index).trim();
    if (hasWords(between) && !currencyOnly(between)) pairs.push({ label: between, amounts: [amounts[k]!] });
    else pairs[pairs.length - 1]!.amounts.push(amounts[k]!);
  }
  return pairs;
}

// Not after a time's colon (`10:20`); after a label's colon (`總計:100`) it is the amount.
const WHOLE_AMOUNT = /(?<![\d.,/-])(?<!\d\s?:)(?:NT\$\s?|\$\s?)?(\d{1,3}(?:,\d{3})+|\d{1,7})(?:\s?元)?(?![\d.,:/-]*\d)/g;

/** Whole-dollar amounts on a row (`13,965`, `NT$185`, `185元`), left to right. */
export function findWholeAmounts(text: string): AmountMatch[] {
  const out: AmountMatch[] = [];
  for (const m of text.matchAll(WHOLE_AMOUNT)) out.push({ value: m[1]!.replace(/,/g, ''), text: m[0], index: m.index });
  return out;
}

const hasWords = (s: string) => /[A-Za-z\p{Script=Han}]{2,}/u.test(s);

/** A label that is only a currency mark (`RM`, or `RY`/`RN` as OCR reads it): the value has no label of its own. */
const currencyOnly = (label: string) => {
  const t = label.replace(/^[^\p{L}$]+|[^\p{L}$]+$/gu, '');
  return t === '' || CURRENCY_MARK.test(t);
};

/** Every labelled amount on the page, in reading order. */
export interface TotalsOptions {
  /** Prices are whole dollars (Taiwan): a labelled whole number is an amount on any row, not only on Chinese ones (`Total NT$55`). */
  wholeDollars?: boolean;
}

export function labelledAmounts(rows: Row[], options: TotalsOptions = {}): LabelledAmount[] {
  const out: LabelledAmount[] = [];
  const rowAmounts = rows.map((row) => findAmounts(row.text));
  // A receipt that prints `$7.10` elsewhere prints `$8.20`, not `58.20`, where OCR read `S8.20`.
  const dollarPage = rowAmounts.some((found) => found.some((a) => /^-?\s?\$/.test(a.text)));
  // The kind of the last labelled row even when its amount was unreadable (`ROUNDING ADJ -0.0t`).
  let lastLabel: { kind: AmountKind; index: number } | null = null;
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i]!;
    let amounts = rowAmounts[i]!;
    // Taiwan prints whole dollars (`總計 13,965`, `營業稅 665`): on a row with Chinese text and no
    // decimal amount, whole numbers count as amounts.
    const han = /\p{Script=Han}/u.test(row.text);
    if (amounts.length === 0 && (han || options.wholeDollars)) {
      // A count before the label (`1 筆合計 $195`: one item) is not the amount.
      const firstWord = row.text.search(han ? /\p{Script=Han}/u : /[A-Za-z]/);
      amounts = firstWord < 0 ? [] : findWholeAmounts(row.text).filter((amount) => amount.index > firstWord);
    }
    let repaired = false;
    if (amounts.length === 0 && !han) {
      const loose = findLooseAmount(row.text);
      const kind = loose ? classifyLabel(row.text.slice(0, loose.index))?.kind : undefined;
      // `GST ID: 0016 6993 5104` ends in digits too: a registration number, not an amount that lost its point.
      if (loose && kind && kind !== 'other' && !TAX_ID_LABEL.test(row.text)) {
        amounts = [loose];
        repaired = true;
      }
    }
    const label = labelOf(row, amounts);
    if (!hasWords(label) || currencyOnly(label)) {
      // `RM 60.30` right under the rounding line: the rounded total printed without its label.
      const prev = out[out.length - 1];
      const afterRounding = (prev && prev.valueRow.index === i - 1 && (prev.kind === 'rounding' || prev.kind === 'total')) || (lastLabel?.index === i - 1 && lastLabel.kind === 'rounding');
      if (amounts.length === 1 && currencyOnly(label) && afterRounding) {
        out.push({ kind: 'total', strength: 1.5, value: amounts[0]!.value, label, row, valueRow: row, amountsOnRow: 1 });
      }
      continue;
    }
    const pairs = labelValuePairs(row.text, label, amounts);
    if (pairs.length > 1) {
      // Several `label value` pairs on one row (`CASH 50.00 CHANGE 20.10`, `Total Saving 0.00 Total
      // 77.20`, `隨機碼:1234 總計:100`): each label speaks for its own amounts.
      for (const pair of pairs) {
        const kind = classifyLabel(pair.label);
        if (!kind) continue;
        lastLabel = { kind: kind.kind, index: i };
        const last = pair.amounts[pair.amounts.length - 1]!;
        const value = kind.kind === 'tendered' || kind.kind === 'change' ? last.value.replace(/^-/, '') : last.value;
        out.push({ ...kind, value, label: pair.label, row, valueRow: row, amountsOnRow: pair.amounts.length });
      }
      continue;
    }
    const cls = classifyLabel(label);
    if (!cls) continue;
    lastLabel = { kind: cls.kind, index: i };
    let valueRow = row;
    let valueAmounts = amounts;
    if (amounts.length === 0 && cls.kind === 'rounding') {
      // `ROUNDING -001`: OCR lost the point of a one-digit rounding adjustment.
      const m = /(-)?\s?0(\d)(\d)\s*$/.exec(row.text);
      if (m) valueAmounts = [{ value: `${m[1] ?? ''}0.${m[2]}${m[3]}`, text: m[0], index: m.index }];
    }
    if (valueAmounts.length === 0) {
      // The value wrapped to the next row (`ROUNDED TOTAL (RM):` / `9.00`): take it when that row has
      // no label of its own and sits close below.
      const next = rows[i + 1];
      if (!next || next.page !== row.page) continue;
      const nextAmounts = rowAmounts[i + 1]!;
      const gap = next.bbox.y0 - row.bbox.y1;
      const height = row.bbox.y1 - row.bbox.y0;
      // One amount alone: a row of several is an item's columns under a table header ending in `Tax`.
      if (nextAmounts.length !== 1 || hasWords(labelOf(next, nextAmounts)) || gap > height * 2.5) continue;
      valueRow = next;
      valueAmounts = nextAmounts;
    }
    const last = valueAmounts[valueAmounts.length - 1]!;
    let value = dollarPage && last.dollarReading ? last.dollarReading : last.value;
    // `CASH - 200.00`: a dash between label and value is a separator; money handed over is never negative.
    if (cls.kind === 'tendered' || cls.kind === 'change') value = value.replace(/^-/, '');
    const dollarReading = dollarPage ? undefined : last.dollarReading;
    out.push({ ...cls, value, label, row, valueRow, amountsOnRow: valueAmounts.length, ...(repaired ? { repaired } : {}), ...(dollarReading ? { dollarReading } : {}) });
  }
  return out;
}

function firstOf(amounts: LabelledAmount[], kind: AmountKind, after = -1): LabelledAmount | null {
  return amounts.find((a) => a.kind === kind && a.row.index > after) ?? null;
}

/**
 * Two readings of the same printed amount that differ in one digit (`16.90` / `15.90`): the usual OCR
 * misread, as opposed to two different figures (a tip, a discount) that differ in several places.
 */
export function oneDigitApart(a: string, b: string): boolean {
  return mismatchedPairs(a, b)?.length === 1 && !a.includes('-') && !b.includes('-');
}

/**
 * Taxes and charges added to the subtotal: the ones printed after it and before the total or the payment
 * lines (`SERVICE CHARGE 10%`, then `GST 6%`), each value once. A tax printed above the subtotal is already
 * in it (`TOTAL GST 2.40` / `SUB TOTAL 42.40`).
 */
function chargesAfter(amounts: LabelledAmount[], subtotal: LabelledAmount): LabelledAmount[] {
  const out: LabelledAmount[] = [];
  for (const a of amounts) {
    if (a.row.index <= subtotal.row.index) continue;
    // A running total after a discount (`SUBTOTAL 79.60`, `DISCOUNT -30.00`, `Total Amount 49.60`, then
    // the service charge and GST) is stepped over; any other total ends the charges.
    const running = a.kind === 'total' && out.some(isDiscount) && sameMoney(addMoney(subtotal.value, ...out.map((o) => o.value)), a.value);
    if (running) continue;
    if (a.kind === 'total' || a.kind === 'tendered' || a.kind === 'change') break;
    if (a.kind === 'tax' && a.amountsOnRow === 1 && isPositive(a.value) && !TAX_INCLUDED.test(a.label.toUpperCase()) && !out.some((o) => sameMoney(o.value, a.value))) out.push(a);
    // A discount on the whole bill, printed negative (a `DISCOUNT 0.00` line changes nothing).
    if (isDiscount(a)) out.push(a);
  }
  return out;
}

/** A discount on the bill (`DISCOUNT 0.90`), not a total of discounts or savings, nor one of 0.00. */
function isDiscountLine(a: LabelledAmount): boolean {
  return a.kind === 'other' && /DISC/i.test(a.label) && !/TOTAL/i.test(a.label) && !isZero(a.value);
}

/** A discount line with a negative amount (`DISCOUNT -30.00`): one the bill shows it takes off. */
export function isDiscount(a: LabelledAmount): boolean {
  return isDiscountLine(a) && a.value.startsWith('-');
}

/**
 * `Total 277.90` / `Discount: 0.90` / `Total Inclusive GST: 277.00`: a bill that prints no SUBTOTAL but a
 * total, a discount under it and the total after the discount. The first figure is the bill before the
 * discount (its subtotal, which the items add up to), and the discount, printed unsigned, is taken off.
 * Only when the second total is the first less the discount (and the rounding line between them).
 */
function totalBeforeDiscount(amounts: LabelledAmount[], totals: LabelledAmount[], paidRow: number): { subtotal: LabelledAmount; discount: LabelledAmount; signed: LabelledAmount } | null {
  for (const first of totals) {
    if (first.row.index >= paidRow) break;
    const discount = amounts.find((a) => a.row.index > first.row.index && isDiscountLine(a));
    if (!discount || discount.row.index >= paidRow) continue;
    const off = discount.value.replace(/^-/, '');
    const rounding = amounts.find((a) => a.kind === 'rounding' && a.row.index > first.row.index);
    const after = subMoney(first.value, off);
    const second = totals.find((t) => t.row.index > discount.row.index && t.row.index < paidRow && (sameMoney(t.value, after) || (rounding !== undefined && rounding.row.index < t.row.index && sameMoney(t.value, addMoney(after, rounding.value)))));
    if (second) return { subtotal: { ...first, kind: 'subtotal', strength: 0 }, discount, signed: { ...discount, value: `-${off}` } };
  }
  return null;
}

/** Picks the total and the amounts around it. */
export function findTotals(rows: Row[], options: TotalsOptions = {}): TotalsResult {
  const labelled = labelledAmounts(rows, options);
  const totals = labelled.filter((a) => a.kind === 'total' && isPositive(a.value));
  const firstTotalRow = totals[0]?.row.index ?? -1;
  const tendered = firstOf(labelled, 'tendered', firstTotalRow) ?? firstOf(labelled, 'tendered');
  const change = tendered ? firstOf(labelled, 'change', tendered.row.index - 1) : firstOf(labelled, 'change');
  const beforeDiscount = firstOf(labelled, 'subtotal') ? null : totalBeforeDiscount(labelled, totals, tendered?.row.index ?? change?.row.index ?? Infinity);
  // With the discount signed as what it does to the bill.
  const amounts = beforeDiscount ? labelled.map((a) => (a === beforeDiscount.discount ? beforeDiscount.signed : a)) : labelled;
  const subtotal = beforeDiscount?.subtotal ?? firstOf(amounts, 'subtotal');
  const isTaxLine = (a: LabelledAmount) => a.kind === 'tax' && isPositive(a.value) && !SERVICE_CHARGE.test(a.label.toUpperCase()) && (!tendered || a.row.index < tendered.row.index);
  // Many slips print the tax only in their GST summary table (`SR @ 6% 35.00 2.10`).
  const summary = readTaxSummary(rows);
  const summaryTax = (row: TaxSummaryRow, value: string, label: string): LabelledAmount => ({ kind: 'tax', strength: 0, value, label, row: row.row, valueRow: row.row, amountsOnRow: 2 });
  const tax = amounts.find(isTaxLine) ?? (summary ? summaryTax(summary.taxRows[0]!, summary.tax, 'GST summary') : null);
  // Cash rounding moves a total by a few sen; a bigger `ADJ` figure is something else misread as rounding.
  const rounding = amounts.find((a) => a.kind === 'rounding' && compareMoney(a.value.replace(/^-/, ''), '0.10') < 0) ?? null;
  const paidRow = tendered?.row.index ?? change?.row.index ?? Infinity;
  let charges = subtotal ? chargesAfter(amounts, subtotal) : [];
  // A service charge the summary lists but the charge lines did not give (`SERVICE CHARGE 10% 15 0)`):
  // the summary's rows are the charges.
  if (subtotal && summary && summary.serviceCharges.length > 0 && !charges.some((c) => SERVICE_CHARGE.test(c.label.toUpperCase()))) {
    charges = [...summary.serviceCharges.map((r) => summaryTax(r, r.tax, 'service charge (GST summary)')), ...summary.taxRows.map((r) => summaryTax(r, r.tax, 'GST summary'))];
  }
  // subtotal + every charge after it: the figure the total must equal when the receipt adds up.
  const added = subtotal && charges.length > 0 ? addMoney(subtotal.value, ...charges.map((c) => c.value)) : null;

  // Everything that is not money paid or a count, to compare a candidate with.
  const spent = amounts.filter((a) => a.kind !== 'tendered' && a.kind !== 'change' && a.kind !== 'other');
  const maxSpent = spent.reduce<string | null>((max, a) => (max === null || compareMoney(a.value, max) > 0 ? a.value : max), null);
  // Rows each amount is printed on (items, summaries), outside the payment lines, for corroboration.
  const printedOn = new Map<string, Set<number>>();
  const paymentRows = new Set([tendered?.valueRow.index, change?.valueRow.index]);
  for (const row of rows) {
    if (paymentRows.has(row.index)) continue;
    for (const a of findAmounts(row.text)) {
      const key = toMoneyString(a.value);
      if (!printedOn.has(key)) printedOn.set(key, new Set());
      printedOn.get(key)!.add(row.index);
    }
  }
  for (const a of amounts) {
    if (paymentRows.has(a.valueRow.index)) continue;
    const key = toMoneyString(a.value);
    if (!printedOn.has(key)) printedOn.set(key, new Set());
    printedOn.get(key)!.add(a.valueRow.index);
  }
  const printedElsewhere = (value: string, row: number) => [...(printedOn.get(toMoneyString(value)) ?? [])].filter((r) => r !== row).length;

  type Origin = 'label' | 'rounded' | 'sum' | 'paid';
  interface Candidate {
    value: string;
    strength: number;
    origin: Origin;
    row: Row;
    label: string;
    amountsOnRow: number;
  }
  const candidates: Candidate[] = totals.map((t) => ({ value: t.value, strength: t.strength - (t.repaired ? 0.5 : 0), origin: 'label', row: t.valueRow, label: t.label, amountsOnRow: t.amountsOnRow }));
  // `TOTAL S8.20`: read with the S as a dollar sign too, a little weaker; the other amounts decide.
  for (const t of totals) {
    if (t.dollarReading && isPositive(t.dollarReading)) candidates.push({ value: t.dollarReading, strength: t.strength - 0.25, origin: 'label', row: t.valueRow, label: t.label, amountsOnRow: t.amountsOnRow });
  }
  // Figures the printed ones imply, so a total OCR dropped or misread can still be recovered.
  if (rounding && !isZero(rounding.value)) {
    for (const t of totals.filter((x) => x.row.index < rounding.row.index && x.strength >= 2)) {
      candidates.push({ value: addMoney(t.value, rounding.value), strength: t.strength + 0.25, origin: 'rounded', row: rounding.valueRow, label: `${t.label} + rounding`, amountsOnRow: 1 });
    }
  }
  if (subtotal && added) {
    const sum = rounding ? addMoney(added, rounding.value) : added;
    candidates.push({ value: sum, strength: 1.5, origin: 'sum', row: subtotal.valueRow, label: 'subtotal + tax', amountsOnRow: 1 });
  }
  if (subtotal && !added && isPositive(subtotal.value)) {
    // Nothing added after the subtotal (the tax was printed above it, or not at all): it may be the total.
    candidates.push({ value: subtotal.value, strength: 0.75, origin: 'sum', row: subtotal.valueRow, label: subtotal.label, amountsOnRow: 1 });
  }
  // Cash tendered less the change given, when the slip prints both.
  const cashLessChange = tendered && change ? subMoney(tendered.value, change.value) : null;
  if (cashLessChange !== null && isPositive(change!.value)) {
    if (isPositive(cashLessChange)) candidates.push({ value: cashLessChange, strength: 1, origin: 'paid', row: tendered!.valueRow, label: 'cash - change', amountsOnRow: 1 });
  } else if (tendered && (!change || isZero(change.value)) && isPositive(tendered.value)) {
    // Exact money and no change: what was paid is the total, worth a candidate when the TOTAL line is unreadable.
    candidates.push({ value: tendered.value, strength: 0.75, origin: 'paid', row: tendered.valueRow, label: tendered.label, amountsOnRow: 1 });
  }
  // What was paid: cash - change, which is the cash itself when the change line says 0.00.
  const paidValue = cashLessChange !== null && !change!.value.startsWith('-') ? cashLessChange : null;
  // Independent sources that agree with a value: the same amount printed on other rows, cash - change, the
  // sum (with the rounding line, when the slip prints one: `21.30 + 0.65 + 1.31 - 0.01 = 23.25`).
  const sums = added ? [added, ...(rounding ? [addMoney(added, rounding.value)] : [])] : [];
  const support = (c: Candidate) =>
    printedElsewhere(c.value, c.row.index) + (c.origin !== 'paid' && paidValue && sameMoney(paidValue, c.value) ? 1 : 0) + (c.origin !== 'sum' && sums.some((sum) => sameMoney(sum, c.value)) ? 1 : 0);
  // A printed total below the rounding line is the rounded figure: the one the rounding was applied for.
  const printedAfterRounding = rounding ? totals.some((t) => t.row.index > rounding.row.index && t.row.index < paidRow && t.strength >= 2) : false;

  const scored = candidates.map((t) => {
    let score = t.strength;
    const v = t.value;
    if (t.origin !== 'paid') {
      if (cashLessChange !== null && sameMoney(cashLessChange, v)) score += 2.5;
      else if (tendered && (!change || isZero(change.value)) && sameMoney(tendered.value, v)) score += 1;
    } else if (printedElsewhere(v, -1) > 0) {
      // Cash - change equal to an amount printed on the receipt (the subtotal, the only item) is what was paid.
      score += 1.5;
    }
    if (t.origin !== 'sum' && added) {
      if (sameMoney(added, v)) score += 1;
      else if (rounding && sameMoney(addMoney(added, rounding.value), v)) score += 1.5;
    }
    if (t.origin === 'label' && rounding && !isZero(rounding.value) && totals.some((o) => o.valueRow !== t.row && sameMoney(addMoney(o.value, rounding.value), v))) score += 1.5;
    if (t.origin === 'label' && rounding && t.row.index > rounding.row.index && t.row.index < paidRow) score += 0.75;
    if (t.origin === 'rounded' && printedAfterRounding) score -= 1;
    if (candidates.some((o) => o !== t && o.origin === 'label' && sameMoney(o.value, v))) score += 0.5;
    if (maxSpent && sameMoney(maxSpent, v)) score += 0.5;
    // A total below the subtotal is a tax or discount line read as the total.
    // (Rounding may take it a few sen below.)
    if (subtotal && t.origin !== 'sum' && compareMoney(addMoney(v, '0.05'), subtotal.value) < 0) score -= 2;
    // Summary tables after the payment lines (GST summary `TOTAL 76.32 4.58`) restate other figures.
    if (t.origin === 'label' && t.row.index > paidRow) score -= 1.5;
    if (t.amountsOnRow >= 2) score -= 0.75;
    // A lone reading one digit away from a figure two other sources agree on is that figure misread.
    // (Each candidate is a source itself, except one derived from a label by the rounding line.)
    if (t.origin === 'label' && support(t) === 0 && candidates.some((o) => o !== t && oneDigitApart(toMoneyString(o.value), toMoneyString(v)) && support(o) + (o.origin === 'rounded' ? 0 : 1) >= 2)) score -= 2.5;
    // Among equals, the later line is the final figure.
    score += t.row.index * 0.001;
    return { value: v, row: t.row, score, label: t.label };
  });
  scored.sort((a, b) => b.score - a.score);
  let total = scored[0] ?? null;
  if (!total) {
    if (tendered) {
      const value = cashLessChange ?? tendered.value;
      if (isPositive(value)) total = { value, row: tendered.valueRow, score: 0.5, label: tendered.label };
    } else if (maxSpent) {
      const a = spent.find((s) => sameMoney(s.value, maxSpent))!;
      total = { value: maxSpent, row: a.valueRow, score: 0.3, label: a.label };
    }
  }
  // `Total (Excluding GST): 171.25` / `GST Payable: 10.75` / `TOTAL 190.00`, paid 200.00 with 10.00 change:
  // a subtotal one digit off what the paid total less the charges after it leaves (179.25, its 9 read as
  // a 1) is that figure misread. Only when the total is what was paid.
  let subtotalRead = subtotal;
  if (subtotal && total && charges.length > 0 && paidValue !== null && sameMoney(paidValue, total.value)) {
    let implied = total.value;
    for (const c of [...charges, ...(rounding ? [rounding] : [])]) implied = subMoney(implied, c.value);
    if (!sameMoney(implied, subtotal.value) && isPositive(implied) && oneDigitApart(toMoneyString(implied), toMoneyString(subtotal.value))) subtotalRead = { ...subtotal, value: toMoneyString(implied), repaired: true };
  }
  // A tax is a small part of the total. `Total Includes GST 0% 8.20` prints the taxed amount, and
  // `TAX AMT (S) 6% RM 13.30` the amount taxed at 6% (the tax follows as `GST 6% RM 0.80`): neither is the
  // tax, so the first tax line that fits the total is, else the GST summary's tax when it fits.
  const fits = (a: LabelledAmount) => total === null || taxFitsTotal(a.value, a.label, total.value);
  const summaryFallback = summary ? summaryTax(summary.taxRows[0]!, summary.tax, 'GST summary') : null;
  const taxFitting = tax === null || fits(tax) ? tax : (amounts.find((a) => isTaxLine(a) && fits(a)) ?? (summaryFallback && fits(summaryFallback) ? summaryFallback : null));
  return { total, subtotal: subtotalRead, tax: taxFitting, charges, rounding, tendered, change, amounts };
}
