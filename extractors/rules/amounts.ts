/**
 * Money as decimal strings, end to end. Parsing turns printed amounts (`RM 1,234.50`, `1.234,56 €`,
 * `(12.00)`, `１，２３４元`) into plain decimal strings (`1234.50`, `-12.00`), keeping the fraction digits
 * as printed; arithmetic works on BigInt integers scaled by a power of ten, so 0.10 + 0.20 is 0.30 and
 * never 0.30000000000000004. No function here converts money to a JavaScript number.
 */
import { toHalfWidth } from '../ocr/normalize.js';

export interface ParseAmountOptions {
  /**
   * ISO 4217 code used when the text names no currency; only changes how a lone `.` before exactly three
   * digits is read (a decimal point for 3-decimal currencies such as KWD, a thousands separator otherwise).
   * Default: none.
   */
  currencyHint?: string;
}

/** How a rounded digit is resolved. `half-up` (四捨五入, away from zero on .5) is what receipts print. */
export type RoundingMode = 'half-up' | 'half-even' | 'down' | 'up';

// Currencies whose minor unit has 3 digits: `1.234 KWD` is one dinar and 234 fils.
const THREE_DECIMALS = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

interface CurrencyPattern {
  code: string;
  pattern: RegExp;
}

// Order matters: prefixed dollars (NT$, S$, US$) before the bare `$`, which is read as USD.
const CURRENCIES: CurrencyPattern[] = [
  { code: 'TWD', pattern: /(?<![A-Za-z])(?:NT\s?\$|NTD|TWD)|新[台臺]幣/i },
  { code: 'MYR', pattern: /(?<![A-Za-z])(?:RM|MYR)(?![A-Za-z])|ringgit/i },
  { code: 'SGD', pattern: /(?<![A-Za-z])(?:S\s?\$|SGD)|新加坡[元币幣]/i },
  { code: 'HKD', pattern: /(?<![A-Za-z])(?:HK\s?\$|HKD)|港[元币幣]/i },
  { code: 'AUD', pattern: /(?<![A-Za-z])(?:A\s?\$|AUD)(?![A-Za-z])/i },
  { code: 'CAD', pattern: /(?<![A-Za-z])(?:C\s?\$|CAD)(?![A-Za-z])/i },
  { code: 'USD', pattern: /(?<![A-Za-z])(?:US\s?\$|USD)|美[元金]/i },
  { code: 'CNY', pattern: /(?<![A-Za-z])(?:RMB|CNY)(?![A-Za-z])|人民[币幣]/i },
  { code: 'EUR', pattern: /€|(?<![A-Za-z])EUR(?![A-Za-z])|歐元|欧元/i },
  { code: 'GBP', pattern: /£|(?<![A-Za-z])GBP(?![A-Za-z])/i },
  { code: 'JPY', pattern: /円|(?<![A-Za-z])JPY(?![A-Za-z])|日[圓圆元]/i },
  { code: 'KRW', pattern: /₩|(?<![A-Za-z])KRW(?![A-Za-z])/i },
  { code: 'THB', pattern: /฿|(?<![A-Za-z])THB(?![A-Za-z])/i },
  { code: 'PHP', pattern: /₱|(?<![A-Za-z])PHP(?![A-Za-z])/i },
  { code: 'IDR', pattern: /(?<![A-Za-z])(?:IDR|Rp)(?![A-Za-z])/ },
  { code: 'INR', pattern: /₹|(?<![A-Za-z])(?:INR|Rs\.?)(?![A-Za-z])/ },
  { code: 'VND', pattern: /₫|(?<![A-Za-z])VND(?![A-Za-z])/i },
  { code: 'KWD', pattern: /(?<![A-Za-z])KWD(?![A-Za-z])/i },
  { code: 'BHD', pattern: /(?<![A-Za-z])BHD(?![A-Za-z])/i },
  { code: 'OMR', pattern: /(?<![A-Za-z])OMR(?![A-Za-z])/i },
  // 元 alone is the Taiwan dollar here (this pipeline's Chinese receipts are Taiwanese); ¥ alone is the yen.
  { code: 'TWD', pattern: /元/ },
  { code: 'JPY', pattern: /¥/ },
  { code: 'USD', pattern: /\$/ },
];

/**
 * The ISO 4217 code named in the text (`RM` → MYR, `NT$`/`NTD`/`元` → TWD, `S$` → SGD, `$` → USD,
 * `€` → EUR, ...), or null when there is none. Full-width forms (`＄`) count.
 */
export function detectCurrency(text: string): string | null {
  const t = toHalfWidth(text);
  for (const { code, pattern } of CURRENCIES) if (pattern.test(t)) return code;
  return null;
}

// One number: digits with optional group separators (`,` `.` space, NBSP, narrow NBSP, apostrophe) and
// an optional fraction. Which separator is the decimal point is decided in `readNumber`.
const NUMBER = /(?:\d|(?<![A-Za-z.,])[.,](?=\d))[\d,.'\u00a0\u202f ]*\d|\d/g;
const GROUP_SPACE = /[\u00a0\u202f' ]/;

function readNumber(raw: string, threeDecimals: boolean): string | null {
  // Space-like separators are only ever groupings (`1 234,56`, `1'234.50`), in groups of three.
  if (GROUP_SPACE.test(raw)) {
    if (!/^\d{1,3}(?:[\u00a0\u202f' ]\d{3})+(?:[.,]\d+)?$/.test(raw)) return null;
    raw = raw.replace(/[\u00a0\u202f' ]/g, '');
  }
  const lastComma = raw.lastIndexOf(',');
  const lastDot = raw.lastIndexOf('.');
  let intPart: string;
  let fraction = '';
  if (lastComma >= 0 && lastDot >= 0) {
    // Both present: the later one is the decimal point (`1.234,56`, `1,234.56`).
    const decimal = lastComma > lastDot ? ',' : '.';
    const group = decimal === ',' ? '.' : ',';
    const at = raw.lastIndexOf(decimal);
    intPart = raw.slice(0, at);
    fraction = raw.slice(at + 1);
    if (intPart.includes(decimal) || !/^\d+$/.test(fraction)) return null;
    if (!validGroups(intPart, group)) return null;
    intPart = intPart.split(group).join('');
  } else if (lastComma >= 0 || lastDot >= 0) {
    const sep = lastComma >= 0 ? ',' : '.';
    const parts = raw.split(sep);
    if (parts.length > 2) {
      if (!validGroups(raw, sep)) return null;
      intPart = parts.join('');
    } else {
      const [head = '', tail = ''] = parts;
      // A lone separator before exactly three digits groups thousands (`1,234`, `1.234`); money almost
      // never has three decimals, except in the 3-decimal currencies and for `0.125`.
      const grouping = tail.length === 3 && !(sep === '.' && (threeDecimals || /^0*$/.test(head)));
      if (grouping) {
        if (!/^\d{1,3}$/.test(head)) return null;
        intPart = head + tail;
      } else {
        if (sep === ',' && tail.length > 3) return null;
        intPart = head || '0';
        fraction = tail;
      }
    }
  } else {
    intPart = raw;
  }
  if (!/^\d+$/.test(intPart) || !/^\d*$/.test(fraction)) return null;
  return fraction ? `${intPart}.${fraction}` : intPart;
}

const CODES = 'RM|NT|NTD|TWD|USD|SGD|MYR|EUR|GBP|JPY|CNY|RMB|HKD|AUD|CAD|KWD|BHD|OMR|Rp|Rs';

function validGroups(text: string, sep: string): boolean {
  const parts = text.split(sep);
  return /^\d{1,3}$/.test(parts[0] ?? '') && parts.slice(1).every((p) => /^\d{3}$/.test(p));
}

/**
 * The amount in a money text as a decimal string, or null when the text holds no amount or more than one
 * number. Handles thousands separators, `1.234,56` vs `1,234.56`, a leading or trailing currency
 * (`RM`, `NT$`, `元`, `€`), a minus before or after (`-5.00`, `5.00-`), parentheses for negatives,
 * full-width digits and punctuation. The fraction digits are kept as printed (`12.5` → `12.5`).
 */
export function parseAmount(text: string, options: ParseAmountOptions = {}): string | null {
  const t = toHalfWidth(text).replace(/\u2212/g, '-').replace(/\uffe5/g, '¥').trim();
  if (t === '') return null;
  const numbers = [...t.matchAll(NUMBER)];
  if (numbers.length !== 1) return null;
  const match = numbers[0]!;
  const raw = match[0].replace(/[\s\u00a0\u202f]+$/, '');
  const currency = detectCurrency(t) ?? options.currencyHint?.toUpperCase() ?? null;
  const value = readNumber(raw, currency !== null && THREE_DECIMALS.has(currency));
  if (value === null) return null;

  const before = t.slice(0, match.index);
  const after = t.slice(match.index + raw.length);
  // A number glued to letters (`A123`, `12kg`) is a code or a quantity, not money; a currency may touch it.
  if (/[A-Za-z]$/.test(before) && !new RegExp(`(?:${CODES})$`, 'i').test(before)) return null;
  if (/^[A-Za-z]/.test(after) && !new RegExp(`^(?:${CODES})(?![A-Za-z])`, 'i').test(after)) return null;
  const negative =
    /-\s*(?:[^\d\s-]{0,4}\s*)?$/.test(before) || /^\s*-/.test(after) || (/\(\s*[^\d()]*$/.test(before) && /^[^\d()]*\)/.test(after));
  return normalizeDecimal(negative ? `-${value}` : value);
}

// ---------------------------------------------------------------------------------------------------
// Decimal arithmetic on strings: each value becomes (units: bigint, scale: digits after the point).

interface Scaled {
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

/** True for a plain decimal string: `12`, `-0.50`, `+3.`, `.5`. */
export function isDecimal(value: string): boolean {
  const m = DECIMAL.exec(value.trim());
  return m !== null && `${m[2] ?? ''}${m[3] ?? ''}` !== '';
}

function toScaled(value: string): Scaled {
  const m = DECIMAL.exec(value.trim());
  if (!m || `${m[2] ?? ''}${m[3] ?? ''}` === '') throw new RangeError(`[rules] [amounts] Not a decimal string: ${JSON.stringify(value)}`);
  const fraction = m[3] ?? '';
  const units = BigInt(`${m[2] || '0'}${fraction}`);
  return { units: m[1] === '-' ? -units : units, scale: fraction.length };
}

function fromScaled({ units, scale }: Scaled): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

function rescale(value: Scaled, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

/** Strips a `+`, leading zeros and a trailing bare `.`; keeps the fraction digits (`007.50` → `7.50`, `-0.00` → `0.00`). */
export function normalizeDecimal(value: string): string {
  return fromScaled(toScaled(value));
}

/** Exact sum; the result has the largest scale of the inputs (`0.10` + `0.20` = `0.30`). */
export function addDecimal(...values: string[]): string {
  const scaled = values.map(toScaled);
  const scale = Math.max(0, ...scaled.map((v) => v.scale));
  return fromScaled({ units: scaled.reduce((sum, v) => sum + rescale(v, scale), 0n), scale });
}

/** Exact `a - b`, at the larger scale of the two. */
export function subtractDecimal(a: string, b: string): string {
  const x = toScaled(a);
  const y = toScaled(b);
  const scale = Math.max(x.scale, y.scale);
  return fromScaled({ units: rescale(x, scale) - rescale(y, scale), scale });
}

/** -1, 0 or 1 by value (`1.50` equals `1.5`). */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const x = toScaled(a);
  const y = toScaled(b);
  const scale = Math.max(x.scale, y.scale);
  const d = rescale(x, scale) - rescale(y, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** Equal by value, so `840` and `840.00` match; false when either is missing or not a decimal. */
export function sameAmount(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a == null || b == null || !isDecimal(a) || !isDecimal(b)) return false;
  return compareDecimal(a, b) === 0;
}

/** Whether `a` and `b` differ by at most `tolerance` (`within('8.20', '8.25', '0.05')`). */
export function withinDecimal(a: string, b: string, tolerance: string): boolean {
  const difference = subtractDecimal(a, b);
  return compareDecimal(difference.startsWith('-') ? difference.slice(1) : difference, tolerance) <= 0;
}

/** Exact product (`12.50` × `3` = `37.50`, `1.5` × `0.25` = `0.375`); use `roundDecimal` to bring it to a money scale. */
export function multiplyDecimal(a: string, b: string): string {
  const x = toScaled(a);
  const y = toScaled(b);
  return fromScaled({ units: x.units * y.units, scale: x.scale + y.scale });
}

function divideRounded(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  if (denominator === 0n) throw new RangeError('[rules] [amounts] Division by zero');
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  let q = n / denominator;
  const r = n % denominator;
  if (r !== 0n) {
    const twice = r * 2n;
    if (mode === 'up') q += 1n;
    else if (mode === 'half-up' && twice >= denominator) q += 1n;
    else if (mode === 'half-even' && (twice > denominator || (twice === denominator && q % 2n === 1n))) q += 1n;
  }
  return negative ? -q : q;
}

/** `value` rounded to `scale` fraction digits (default `half-up`, away from zero on a tie). */
export function roundDecimal(value: string, scale: number, mode: RoundingMode = 'half-up'): string {
  if (!Number.isInteger(scale) || scale < 0) throw new RangeError(`[rules] [amounts] scale must be a whole number >= 0, received ${scale}`);
  const v = toScaled(value);
  if (v.scale <= scale) return fromScaled({ units: rescale(v, scale), scale });
  return fromScaled({ units: divideRounded(v.units, 10n ** BigInt(v.scale - scale), mode), scale });
}

/** `a / b` rounded to `scale` digits (e.g. a unit price from a line amount and a quantity). */
export function divideDecimal(a: string, b: string, scale: number, mode: RoundingMode = 'half-up'): string {
  const x = toScaled(a);
  const y = toScaled(b);
  // a/b = (xu / 10^xs) / (yu / 10^ys); scaled by 10^scale: xu * 10^(scale + ys) / (yu * 10^xs).
  const numerator = x.units * 10n ** BigInt(scale + y.scale);
  const denominator = y.units * 10n ** BigInt(x.scale);
  return fromScaled({ units: divideRounded(numerator, denominator, mode), scale });
}

/**
 * `percent`% of `amount`, rounded to `scale` digits (default: the amount's own scale). Taiwan's 5%
 * business tax on 1,000 is `percentOf('1000', '5')` = `50`; on 105 it is `5.25` → `5`.
 */
export function percentOf(amount: string, percent: string, scale?: number, mode: RoundingMode = 'half-up'): string {
  const target = scale ?? toScaled(amount).scale;
  return divideDecimal(multiplyDecimal(amount, percent), '100', target, mode);
}

/**
 * Splits a tax-included total into net and tax at `percent`%: net = total ÷ (1 + rate) rounded, tax the
 * rest, so net + tax is exactly the total (`splitTaxIncluded('105', '5')` → `{ net: '100', tax: '5' }`).
 */
export function splitTaxIncluded(total: string, percent: string, scale?: number, mode: RoundingMode = 'half-up'): { net: string; tax: string } {
  const target = scale ?? toScaled(total).scale;
  const net = divideDecimal(multiplyDecimal(total, '100'), addDecimal('100', percent), target, mode);
  return { net, tax: subtractDecimal(total, net) };
}
