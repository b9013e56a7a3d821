/**
 * Taiwan-specific rules: 統一編號 (business tax id) checksum and labels, invoice numbers, ROC (民國)
 * dates and NT$ amounts. Inputs may be raw OCR or text-layer strings: full-width digits and punctuation
 * are folded to ASCII first.
 */
import { toHalfWidth } from '../ocr/normalize.js';
import { parseAmount } from './amounts.js';

const TAX_ID_WEIGHTS = [1, 2, 1, 2, 1, 2, 4, 1] as const;
/**
 * The Ministry of Finance widened the checksum from "divisible by 10" to "divisible by 5" for numbers
 * issued from 2023-04-01 (Taiwan time), because the old space was running out. Every old number still
 * passes (a multiple of 10 is a multiple of 5).
 */
const DIVISIBLE_BY_5_FROM = Date.parse('2023-04-01T00:00:00+08:00');
const ROC_OFFSET = 1911;

function digitSum(n: number): number {
  return Math.floor(n / 10) + (n % 10);
}

/**
 * Whether an 8-digit 統一編號 passes the checksum: each digit times 1,2,1,2,1,2,4,1, the digits of each
 * product summed, the total divisible by 5 (checked on or after 2023-04-01, the default being now) or by
 * 10 (before). When the 7th digit is 7, its product 28 → 2+8 = 10 counts as either 1 or 0. `00000000`
 * (the "no buyer" placeholder) is never valid.
 */
export function isValidTaiwanTaxId(id: string, onDate: Date = new Date()): boolean {
  const digits = toHalfWidth(id).trim();
  if (!/^\d{8}$/.test(digits) || digits === '00000000') return false;
  const divisor = onDate.getTime() >= DIVISIBLE_BY_5_FROM ? 5 : 10;
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const d = Number(digits[i]);
    // Position 7 with a 7: 28 → 10, counted as 0 here and as 1 in the alternative below.
    sum += i === 6 && d === 7 ? 0 : digitSum(d * TAX_ID_WEIGHTS[i]!);
  }
  if (sum % divisor === 0) return true;
  return digits[6] === '7' && (sum + 1) % divisor === 0;
}

export type TaxIdRole = 'seller' | 'buyer' | 'unspecified';

export interface TaxIdMatch {
  /** 8 ASCII digits. */
  id: string;
  /** From the label: 賣方/營業人/Seller → seller, 買方/買受人/Buyer → buyer, a bare 統一編號/Tax ID → unspecified. */
  role: TaxIdRole;
  /** The label as printed. */
  label: string;
  /** Offset of the label in the (half-width) text. */
  index: number;
  /** Checksum result (see `isValidTaiwanTaxId`), for the given date. */
  valid: boolean;
}

export interface FindTaxIdsOptions {
  /** The document's date, which decides the checksum rule; default now. */
  onDate?: Date;
}

// Longest first so `買方統一編號` wins over `買方` and `統一編號`. Each label is followed, within a few
// separator characters (`:`, `：`, `#`, `No.`, spaces, 號碼), by exactly 8 digits.
const TAX_ID_LABEL =
  /(買受人統一編號|買方統一編號|賣方統一編號|營業人統一編號|買受人統編|買方統編|賣方統編|營業人統編|統一編號|統編|買受人|買方|賣方|(?:seller|buyer)?\s*tax\s*i\.?d\.?(?:\s*no\.?)?|(?:seller|buyer)\s*(?:vat|ban))/giu;
const AFTER_LABEL = /^(?:\s|[:#.\-=]|號碼|编号|No\.?)*(\d{8})(?!\d)/iu;

function roleOf(label: string): TaxIdRole {
  if (/買|buyer/i.test(label)) return 'buyer';
  if (/賣|營業人|seller/i.test(label)) return 'seller';
  return 'unspecified';
}

/**
 * 8-digit runs introduced by a 統一編號 label (統一編號, 統編, 賣方, 買方, 買受人, Tax ID), in text order,
 * each with the role its label gives. Several on a line (`賣方 22099131 買方 04595257`) are all found.
 */
export function findTaxIds(text: string, options: FindTaxIdsOptions = {}): TaxIdMatch[] {
  const t = toHalfWidth(text);
  const out: TaxIdMatch[] = [];
  for (const m of t.matchAll(TAX_ID_LABEL)) {
    const label = m[1]!.trim();
    if (label === '') continue;
    const rest = t.slice(m.index + m[0].length);
    const id = AFTER_LABEL.exec(rest)?.[1];
    if (!id) continue;
    out.push({ id, role: roleOf(label), label, index: m.index + (m[0].length - m[0].trimStart().length), valid: isValidTaiwanTaxId(id, options.onDate) });
  }
  return out;
}

/** True for an invoice number as printed: two upper-case letters and 8 digits, `AB12345678` or `AB-12345678`. */
export function isInvoiceNumber(text: string): boolean {
  return /^[A-Z]{2}[- ]?\d{8}$/.test(toHalfWidth(text).trim());
}

/**
 * A uniform invoice number in its 10 characters (`AB-12345678` → `AB12345678`), the form the e-invoice
 * platform and the 401 VAT filing use; anything else is returned as it is.
 */
export function compactInvoiceNumber(text: string): string {
  const t = toHalfWidth(text).trim();
  return isInvoiceNumber(t) ? t.replace(/[- ]/, '') : text;
}

export interface InvoiceNumberMatch {
  /** Canonical form, `AB12345678`. */
  value: string;
  /** As printed (after full-width folding), e.g. `AB-12345678`. */
  text: string;
  /** Offset in the half-width text. */
  index: number;
  /** True when OCR look-alikes were repaired (`A8-l2345678` → `AB12345678`). */
  repaired: boolean;
}

// Look-alikes with a single counterpart in the other class; anything else (D/Q/U for 0, G/b for 6...) is
// ambiguous and left alone, so the candidate is rejected rather than guessed.
const DIGIT_TO_LETTER: Record<string, string> = { '0': 'O', '1': 'I', '2': 'Z', '5': 'S', '8': 'B' };
const LETTER_TO_DIGIT: Record<string, string> = { O: '0', o: '0', I: '1', l: '1', '|': '1', Z: '2', S: '5', B: '8' };
const INVOICE_CANDIDATE = /(?<![A-Za-z0-9])([A-Z0-9]{2})[- ]?([0-9OoIl|ZSB]{8})(?![A-Za-z0-9])/g;

/**
 * Invoice numbers in text: two upper-case letters + 8 digits, written together or with a hyphen or space
 * (`AB-12345678`). OCR confusions (0/O, 1/I/l, 2/Z, 5/S, 8/B) are repaired only when unambiguous: at
 * most two characters change, the letter part keeps at least one real letter and the digit part at least
 * six real digits, so a phone number or a plain 10-digit run is never turned into an invoice number.
 */
export function findInvoiceNumbers(text: string): InvoiceNumberMatch[] {
  const t = toHalfWidth(text);
  const out: InvoiceNumberMatch[] = [];
  const seen = new Set<string>();
  for (const m of t.matchAll(INVOICE_CANDIDATE)) {
    const letters = m[1]!;
    const digits = m[2]!;
    if (!/[A-Z]/.test(letters)) continue;
    if ((digits.match(/\d/g) ?? []).length < 6) continue;
    let changes = 0;
    const fixedLetters = [...letters].map((c) => (/[A-Z]/.test(c) ? c : (changes++, DIGIT_TO_LETTER[c] ?? '?'))).join('');
    const fixedDigits = [...digits].map((c) => (/\d/.test(c) ? c : (changes++, LETTER_TO_DIGIT[c] ?? '?'))).join('');
    if (changes > 2 || fixedLetters.includes('?') || fixedDigits.includes('?')) continue;
    const value = fixedLetters + fixedDigits;
    if (seen.has(`${m.index}:${value}`)) continue;
    seen.add(`${m.index}:${value}`);
    out.push({ value, text: m[0], index: m.index, repaired: changes > 0 });
  }
  // `TC 237 47161`: a roll printer's wide spacing read as a gap inside the digits. Only two real capitals
  // and two runs of real digits that make exactly 8, when nothing else on the text is an invoice number.
  if (out.length === 0) {
    for (const m of t.matchAll(SPLIT_INVOICE_CANDIDATE)) {
      if (m[2]!.length + m[3]!.length !== 8) continue;
      out.push({ value: m[1]! + m[2]! + m[3]!, text: m[0], index: m.index, repaired: true });
    }
  }
  return out;
}
const SPLIT_INVOICE_CANDIDATE = /(?<![A-Za-z0-9])([A-Z]{2})[- ]?(\d{2,6}) (\d{2,6})(?![\d.,:\/-])/g;

// 中華民國113年2月4日, 民國 113 年 02 月 04 日, 113年02月04日 (2-3 digit years with 年).
const ROC_CJK = /(?:中華民國|民國)?\s*(?<!\d)(\d{2,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?/u;
// 113/02/04, 113.2.4, 113-02-04: three-digit years only (a two-digit year there is a day-first date),
// unless 民國 says so.
const ROC_SEPARATED = /(?:(民國)\s*)?(?<![\d/.\-])(\d{2,3})([/.\-])(\d{1,2})\3(\d{1,2})(?![\d/.\-])/u;

function rocToIso(rocYear: number, month: number, day: number): string | null {
  if (rocYear < 1) return null;
  const year = rocYear + ROC_OFFSET;
  if (month < 1 || month > 12 || day < 1) return null;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The first ROC (民國) date in the text as ISO `yyyy-mm-dd`: `113年02月04日`, `中華民國113年2月4日`,
 * `113/02/04`, `113.2.4`, `113-02-04`, or the e-invoice's compact `1130204` when that is the whole text.
 * Null when there is none or it is not a real calendar date (`113/02/30`).
 */
export function parseRocDate(text: string): string | null {
  const t = toHalfWidth(text).trim();
  const compact = /^(\d{3})(\d{2})(\d{2})$/.exec(t);
  if (compact) return rocToIso(Number(compact[1]), Number(compact[2]), Number(compact[3]));
  const cjk = ROC_CJK.exec(t);
  if (cjk) return rocToIso(Number(cjk[1]), Number(cjk[2]), Number(cjk[3]));
  const sep = ROC_SEPARATED.exec(t);
  if (sep && (sep[2]!.length === 3 || sep[1])) return rocToIso(Number(sep[2]), Number(sep[4]), Number(sep[5]));
  return null;
}

/**
 * The two months a uniform invoice (統一發票) belongs to: invoices are issued in two-month periods
 * (期別) printed in the header, `中華民國113年11-12月份`, `113年01-02月`, `三·四月份`, `11~12月`.
 */
export interface InvoicePeriod {
  /** ROC year when printed with the months. */
  rocYear: number | null;
  /** First and second month, 1..12 (the first odd: 1-2, 3-4, … 11-12). */
  months: [number, number];
}

const CHINESE_MONTH: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十一: 11, 十二: 12 };
const PERIOD = /(?:(\d{2,3})\s*年\s*)?(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*[-－~～、·．.,，]\s*(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月份?/u;

/** The invoice period printed in `text`, or null; only real periods (an odd month and the next one). */
export function findInvoicePeriod(text: string): InvoicePeriod | null {
  const m = PERIOD.exec(toHalfWidth(text));
  if (!m) return null;
  const month = (s: string) => (/^\d+$/.test(s) ? Number(s) : (CHINESE_MONTH[s] ?? 0));
  const first = month(m[2]!);
  const second = month(m[3]!);
  if (first % 2 !== 1 || second !== first + 1 || second > 12) return null;
  return { rocYear: m[1] ? Number(m[1]) : null, months: [first, second] };
}

/** Whether an ISO date falls in the invoice period (and its ROC year, when the period prints one). */
export function inInvoicePeriod(iso: string, period: InvoicePeriod): boolean {
  const m = /^(\d{4})-(\d{2})-\d{2}$/.exec(iso);
  if (!m) return false;
  const month = Number(m[2]);
  return (period.rocYear === null || Number(m[1]) - ROC_OFFSET === period.rocYear) && (month === period.months[0] || month === period.months[1]);
}

/** An ISO date as the ROC form printed on invoices, `2024-02-04` → `113/02/04`; null when not a date. */
export function toRocDate(iso: string, separator = '/'): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m || rocToIso(Number(m[1]) - ROC_OFFSET, Number(m[2]), Number(m[3])) !== iso) return null;
  return [String(Number(m[1]) - ROC_OFFSET).padStart(3, '0'), m[2], m[3]].join(separator);
}

/**
 * A New Taiwan dollar amount as a decimal string: `NT$1,234`, `1,234元`, `NTD 1234`, `＄1,234`,
 * `新台幣 1,234 元整` → `1234`. Null when the text holds no single amount.
 */
export function parseTaiwanAmount(text: string): string | null {
  // 元整 ("dollars exactly") and 新台幣/新臺幣 are words around the number, not part of it.
  const t = toHalfWidth(text).replace(/元整|圓整/g, '元');
  return parseAmount(t, { currencyHint: 'TWD' });
}
