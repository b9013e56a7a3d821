/**
 * Totals: every labelled amount is classified (total, subtotal, tax, rounding, tendered, change, other),
 * then the total is chosen by label strength, position and arithmetic consistency with the other amounts
 * (cash - change, subtotal + tax, total + rounding). Cash tendered is never the total unless nothing
 * else agrees.
 */
import type { Row } from './layout.js';
import { addMoney, compareMoney, findAmounts, isPositive, isZero, sameMoney, subMoney, type AmountMatch } from './money.js';

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
}

export interface TotalsResult {
  total: { value: string; row: Row; score: number; label: string } | null;
  subtotal: LabelledAmount | null;
  tax: LabelledAmount | null;
  rounding: LabelledAmount | null;
  tendered: LabelledAmount | null;
  change: LabelledAmount | null;
  amounts: LabelledAmount[];
}

const CHANGE = /\bCHANGE\b|\bCHG\b|\bBAKI\b|找零|找續|找回/;
const ROUNDED_TOTAL = /ROUND(?:ED|ING)?\s*(?:D\s*)?(?:TOTAL|AMOUNT|AMT)|TOTAL\s*(?:AMT\s*|AMOUNT\s*)?(?:ROUNDED|ROUND)|(?:TOTAL|AMOUNT)\s*AFTER\s*(?:ADJ|ROUND)|NET+\s*TOTAL\s*ROUNDED/;
const ROUNDING = /ROUND|\bADJ|\bRND\b|捨入/;
const SUBTOTAL = /SUB\s*-?\s*TOTAL|\bEXCL|EXCLUDING|EXCLUDED|BEFORE\s*(?:GST|TAX)|W\/O\s*GST|小計|未稅|銷售額/;
const TAX_INCLUDED = /INCLUDES|INCLUDED\s*IN/;
const TAX = /\bGST\b|\bSST\b|\bVAT\b|\bTAX\b|SERVICE\s*(?:CHARGE|TAX)|\bSVC\b|營業稅|稅額|税额/;
const INCLUSIVE = /INCL|INCLUSIVE/;
const OTHER = /TOTAL\s*(?:QTY|QUANTITY|ITEM|ITEMS|PCS|UNIT|UNITS|DISC|DISCOUNT|SAVING|SAVINGS|POINT|POINTS|WEIGHT|NO)|\bQTY\b|DISCOUNT|\bDISC\b|POINTS?\b|ITEM\(S\)|NO\.?\s*OF|\bPTS\b|VOUCHER|DEPOSIT/;
const TENDERED = /CASH|TENDER|\bPAID\b|PAYMENT|VISA|MASTER|\bCARD\b|CREDIT|DEBIT|AMEX|WALLET|BOOST|GRAB|\bTNG\b|TOUCH|RECEIVED|\bPAY\b|現金|信用卡|付款|收現/;
const TOTAL_STRONG = /GRAND\s*TOTAL|NET+\s*(?:TOTAL|AMOUNT|AMT|SALES)|AMOUNT\s*DUE|TOTAL\s*DUE|BALANCE\s*DUE|(?:TOTAL|AMOUNT|AMT)\s*PAYABLE|TOTAL\s*(?:SALES|AMOUNT|AMT|INCL|\(INCL|INCLUSIVE|\(RM\)|\(MYR\)|RM|MYR)|總計|合計|總額|應付|总计|合计|应付/;
const TOTAL_PLAIN = /TOTAL|TOTA1|T0TAL|J[UO]MLAH|\bAMOUNT\b|\bAMT\b|計/;

/** Classifies a label (the text left of an amount). */
export function classifyLabel(label: string): { kind: AmountKind; strength: number } | null {
  // Text layers and OCR space out CJK labels (`總 計`): join Han characters before matching.
  const l = label.toUpperCase().replace(/[.]/g, ' ').replace(/\s+/g, ' ').replace(/(?<=\p{Script=Han}) (?=\p{Script=Han})/gu, '');
  if (CHANGE.test(l)) return { kind: 'change', strength: 0 };
  if (ROUNDED_TOTAL.test(l)) return { kind: 'total', strength: 4 };
  if (ROUNDING.test(l)) return { kind: 'rounding', strength: 0 };
  if (SUBTOTAL.test(l)) return { kind: 'subtotal', strength: 0 };
  if (OTHER.test(l)) return { kind: 'other', strength: 0 };
  // `TOTAL SALES (INCLUSIVE OF GST)` even when OCR mangles INCLUSIVE: a total that names the tax it includes.
  if (/TOTAL|J[UO]MLAH/.test(l) && /(?:SALES|\bOF\s*GST|\bOF\s*TAX|AFTER)/.test(l)) return { kind: 'total', strength: 3 };
  if (TAX.test(l) && TAX_INCLUDED.test(l)) return { kind: 'tax', strength: 0 };
  if (TAX.test(l) && !INCLUSIVE.test(l)) return { kind: 'tax', strength: 0 };
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

const WHOLE_AMOUNT = /(?<![\d.,:/-])(?:NT\$\s?|\$\s?)?(\d{1,3}(?:,\d{3})+|\d{1,7})(?:\s?元)?(?![\d.,:/-]*\d)/g;

/** Whole-dollar amounts on a row (`13,965`, `NT$185`, `185元`), left to right. */
export function findWholeAmounts(text: string): AmountMatch[] {
  const out: AmountMatch[] = [];
  for (const m of text.matchAll(WHOLE_AMOUNT)) out.push({ value: m[1]!.replace(/,/g, ''), text: m[0], index: m.index });
  return out;
}

const hasWords = (s: string) => /[A-Za-z\p{Script=Han}]{2,}/u.test(s);

/** Every labelled amount on the page, in reading order. */
export function labelledAmounts(rows: Row[]): LabelledAmount[] {
  const out: LabelledAmount[] = [];
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i]!;
    let amounts = findAmounts(row.text);
    // Taiwan prints whole dollars (`總計 13,965`, `營業稅 665`): on a row with Chinese text and no
    // decimal amount, whole numbers count as amounts.
    if (amounts.length === 0 && /\p{Script=Han}/u.test(row.text)) amounts = findWholeAmounts(row.text);
    const label = labelOf(row, amounts);
    if (!hasWords(label)) {
      // `RM 60.30` right under the rounding line: the rounded total printed without its label.
      const prev = out[out.length - 1];
      if (amounts.length === 1 && /^\W*(?:RM|MYR|\$|NT\$)?\W*$/i.test(label) && prev && prev.valueRow.index === i - 1 && (prev.kind === 'rounding' || prev.kind === 'total')) {
        out.push({ kind: 'total', strength: 1.5, value: amounts[0]!.value, label, row, valueRow: row, amountsOnRow: 1 });
      }
      continue;
    }
    const cls = classifyLabel(label);
    if (!cls) continue;
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
      const nextAmounts = findAmounts(next.text);
      const gap = next.bbox.y0 - row.bbox.y1;
      const height = row.bbox.y1 - row.bbox.y0;
      if (nextAmounts.length === 0 || hasWords(labelOf(next, nextAmounts)) || gap > height * 2.5) continue;
      valueRow = next;
      valueAmounts = nextAmounts;
    }
    const value = valueAmounts[valueAmounts.length - 1]!.value;
    out.push({ ...cls, value, label, row, valueRow, amountsOnRow: valueAmounts.length });
  }
  return out;
}

function firstOf(amounts: LabelledAmount[], kind: AmountKind, after = -1): LabelledAmount | null {
  return amounts.find((a) => a.kind === kind && a.row.index > after) ?? null;
}

/** Picks the total and the amounts around it. */
export function findTotals(rows: Row[]): TotalsResult {
  const amounts = labelledAmounts(rows);
  const totals = amounts.filter((a) => a.kind === 'total' && isPositive(a.value));
  const firstTotalRow = totals[0]?.row.index ?? -1;
  const tendered = firstOf(amounts, 'tendered', firstTotalRow) ?? firstOf(amounts, 'tendered');
  const change = tendered ? firstOf(amounts, 'change', tendered.row.index - 1) : firstOf(amounts, 'change');
  const subtotal = firstOf(amounts, 'subtotal');
  const tax = amounts.find((a) => a.kind === 'tax' && isPositive(a.value) && (!tendered || a.row.index < tendered.row.index)) ?? null;
  const rounding = firstOf(amounts, 'rounding');
  const paidRow = tendered?.row.index ?? change?.row.index ?? Infinity;

  // Everything that is not money paid or a count, to compare a candidate with.
  const spent = amounts.filter((a) => a.kind !== 'tendered' && a.kind !== 'change' && a.kind !== 'other');
  const maxSpent = spent.reduce<string | null>((max, a) => (max === null || compareMoney(a.value, max) > 0 ? a.value : max), null);

  type Origin = 'label' | 'rounded' | 'sum' | 'paid';
  interface Candidate {
    value: string;
    strength: number;
    origin: Origin;
    row: Row;
    label: string;
    amountsOnRow: number;
  }
  const candidates: Candidate[] = totals.map((t) => ({ value: t.value, strength: t.strength, origin: 'label', row: t.valueRow, label: t.label, amountsOnRow: t.amountsOnRow }));
  // Figures the printed ones imply, so a total OCR dropped or misread can still be recovered.
  if (rounding && !isZero(rounding.value)) {
    for (const t of totals.filter((x) => x.row.index < rounding.row.index && x.strength >= 2)) {
      candidates.push({ value: addMoney(t.value, rounding.value), strength: t.strength + 0.25, origin: 'rounded', row: rounding.valueRow, label: `${t.label} + rounding`, amountsOnRow: 1 });
    }
  }
  if (subtotal && tax) {
    const sum = rounding ? addMoney(subtotal.value, tax.value, rounding.value) : addMoney(subtotal.value, tax.value);
    candidates.push({ value: sum, strength: 1.5, origin: 'sum', row: subtotal.valueRow, label: 'subtotal + tax', amountsOnRow: 1 });
  }
  if (tendered && change && isPositive(change.value)) {
    const paid = subMoney(tendered.value, change.value);
    if (isPositive(paid)) candidates.push({ value: paid, strength: 1, origin: 'paid', row: tendered.valueRow, label: 'cash - change', amountsOnRow: 1 });
  }

  const scored = candidates.map((t) => {
    let score = t.strength;
    const v = t.value;
    if (t.origin !== 'paid') {
      if (tendered && change && sameMoney(subMoney(tendered.value, change.value), v)) score += 2.5;
      else if (tendered && (!change || isZero(change.value)) && sameMoney(tendered.value, v)) score += 1;
    }
    if (t.origin !== 'sum' && subtotal && tax) {
      if (sameMoney(addMoney(subtotal.value, tax.value), v)) score += 1;
      else if (rounding && sameMoney(addMoney(subtotal.value, tax.value, rounding.value), v)) score += 1.5;
    }
    if (t.origin === 'label' && rounding && !isZero(rounding.value) && totals.some((o) => o.valueRow !== t.row && sameMoney(addMoney(o.value, rounding.value), v))) score += 1.5;
    if (candidates.some((o) => o !== t && o.origin === 'label' && sameMoney(o.value, v))) score += 0.5;
    if (maxSpent && sameMoney(maxSpent, v)) score += 0.5;
    // A total below the subtotal is a tax or discount line read as the total.
    if (subtotal && t.origin !== 'sum' && compareMoney(v, subtotal.value) < 0) score -= 2;
    // Summary tables after the payment lines (GST summary `TOTAL 76.32 4.58`) restate other figures.
    if (t.origin === 'label' && t.row.index > paidRow) score -= 1.5;
    if (t.amountsOnRow >= 2) score -= 0.75;
    // Among equals, the later line is the final figure.
    score += t.row.index * 0.001;
    return { value: v, row: t.row, score, label: t.label };
  });
  scored.sort((a, b) => b.score - a.score);
  let total = scored[0] ?? null;
  if (!total) {
    if (tendered) {
      const value = change ? subMoney(tendered.value, change.value) : tendered.value;
      if (isPositive(value)) total = { value, row: tendered.valueRow, score: 0.5, label: tendered.label };
    } else if (maxSpent) {
      const a = spent.find((s) => sameMoney(s.value, maxSpent))!;
      total = { value: maxSpent, row: a.valueRow, score: 0.3, label: a.label };
    }
  }
  return { total, subtotal, tax, rounding, tendered, change, amounts };
}
