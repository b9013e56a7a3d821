/**
 * Money on receipt rows: where the amounts are on a row and their decimal value, kept as decimal strings.
 * Parsing of a single amount and all arithmetic come from extractors/rules/amounts.ts (BigInt decimals);
 * this file only finds amount-shaped spans on OCR rows, repairing digit look-alikes.
 */
import { addDecimal, compareDecimal, multiplyDecimal, normalizeDecimal, parseAmount, roundDecimal, sameAmount, subtractDecimal } from '../rules/amounts.js';
import { digitsFromLookalikes } from './text.js';

export interface AmountMatch {
  /** Decimal string, e.g. `1234.50`, `-0.02`. */
  value: string;
  /** As printed. */
  text: string;
  /** Offset in the row text. */
  index: number;
  /**
   * `S8.20`: the value if the leading S was a dollar sign rather than a 5 (both OCR misreads of what a
   * receipt prints). The totals decide between the two readings by what the other amounts agree with.
   */
  dollarReading?: string;
}

/**
 * An amount has exactly two decimals, optional thousands separators, optional currency and sign:
 * `RM 1,234.50`, `$8.20`, `-0.02`, `9.00-`, `12,50` (decimal comma only when no dot). OCR look-alikes
 * inside the digits (`9.O0`, `l2.50`) are repaired; a space inside (`9. 00`) is tolerated.
 */
// A `/` right before the number is a stray tick OCR put there (`TOTAL /18.00`) unless it joins two
// tokens (`12/18.00`), hence the second look-behind. Letters then a digit after it make it a size, not
// money (`4.51NX9.5IN`); a tax code (`75.00SR`) or unit does not. RM is also read as RN, RH, RY or RW.
// A thin printer's 0 in the cents comes out as C (`35.CC`, `15.OC`, `170.0C`), but not before another
// letter (`1.5CC` is an engine size).
const AMOUNT = /(?<![0-9A-Za-z.,:-])(?<!\S\/)(-\s?)?(?:(RM|R[NHYW]|MYR|NT\$|NTD|USD|SGD|S\$|US\$|\$|€|£|¥)\s?)?(-\s?)?([0-9OolIS]{1,3}(?:,[0-9]{3})+|[0-9OolIS]{1,7})\s?([.,])\s?([0-9Oo]{2}|[0-9OoCc]{2}(?![A-Za-z]))(?![0-9]|[.,/:-]?[0-9]|[A-Za-z]{2,}\d)(-)?/g;

function cleanDigits(s: string): string {
  return digitsFromLookalikes(s).replace(/,/g, '');
}

/** Every amount-shaped span on a row, left to right. */
export function findAmounts(text: string): AmountMatch[] {
  const out: AmountMatch[] = [];
  // `75.005R`, `12.502R`: the GST code printed against the amount (SR standard rated, ZR zero rated)
  // with its S read as 5 or its Z as 2. Replaced letter for letter, so offsets stay those of `text`.
  const coded = text.replace(/(\d[.,]\d{2})([5$2])R(?![A-Za-z0-9])/g, (_m, amount: string, code: string) => `${amount}${code === '2' ? 'Z' : 'S'}R`);
  for (const m of coded.matchAll(AMOUNT)) {
    const intPart = m[4]!;
    // A lone letter is a word, not a number, except `O.00`: a zero OCR read as a letter before real decimals.
    if (!/\d/.test(intPart) && !(/^[Oo]$/.test(intPart) && /^\d\d$/.test(m[6]!))) continue;
    if (m[5] === ',' && intPart.includes(',')) continue;
    const negative = Boolean(m[1] || m[3] || m[7]);
    const decimals = digitsFromLookalikes(m[6]!.replace(/[Cc]/g, '0'));
    const value = `${negative ? '-' : ''}${BigInt(cleanDigits(intPart))}.${decimals}`;
    const dollar = m[2] === undefined && /^S[0-9OolI]/.test(intPart) && !intPart.includes(',') ? `${negative ? '-' : ''}${BigInt(cleanDigits(intPart.slice(1)))}.${decimals}` : null;
    out.push({ value: toMoneyString(value), text: m[0], index: m.index, ...(dollar ? { dollarReading: toMoneyString(dollar) } : {}) });
  }
  return out;
}

/** Ringgit as OCR reads it on receipts: `RM` also comes out as `RN`, `RH`, `RY`, `Ri`, `RW`. */
const RINGGIT = 'R[MNHYWIil1]|MYR';

/** Currency marks as OCR reads them on receipts. */
export const CURRENCY_MARK = new RegExp(`^(?:${RINGGIT}|NT\\$|S\\$|\\$)$`, 'i');

const LOOSE_ONE_DECIMAL = new RegExp(`(?<![0-9A-Za-z.,])(-\\s?)?(?:(?:${RINGGIT})\\.?\\s?)?([0-9OoQD]{1,6})\\s?[.,]\\s?([0-9Oo])[^0-9A-Za-z]*$`);
const LOOSE_SPACE_DECIMAL = new RegExp(`(?<![0-9A-Za-z.,])(-\\s?)?(?:${RINGGIT})\\.?\\s?([0-9OoQD]{1,6}) ([0-9OoQ]{2})[^0-9A-Za-z]*$`);
const LOOSE_NO_POINT = new RegExp(`(?<![0-9A-Za-z.,/:-])(-\\s?)?(?:(?:${RINGGIT})\\.?\\s?)?(\\d{1,4})(\\d{2})[^0-9A-Za-z]*$`);

/**
 * The amount at the end of a summary row (TOTAL, GST, ROUNDING, CASH) that `findAmounts` could not
 * read because OCR damaged its decimal point: `174.9` (last digit lost), `RM 64 13` (point read as a
 * space, only after a currency mark so two numbers are not glued), `5142` / `308` (point lost; summary
 * rows print money with two decimals, so the last two digits are cents). Only for rows whose label says
 * they carry money; the caller marks the value as repaired.
 */
export function findLooseAmount(text: string): AmountMatch | null {
  const spaced = LOOSE_SPACE_DECIMAL.exec(text);
  if (spaced) return loose(spaced, spaced[2]!, spaced[3]!);
  const one = LOOSE_ONE_DECIMAL.exec(text);
  if (one && /\d/.test(one[2]!)) return loose(one, one[2]!, `${one[3]!}0`);
  const bare = LOOSE_NO_POINT.exec(text);
  if (bare && `${bare[2]}${bare[3]}`.length >= 3) return loose(bare, bare[2]!, bare[3]!);
  return null;
}

function loose(m: RegExpExecArray, int: string, frac: string): AmountMatch {
  const value = `${m[1] ? '-' : ''}${BigInt(digitsFromLookalikes(int))}.${digitsFromLookalikes(frac)}`;
  return { value: toMoneyString(value), text: m[0], index: m.index };
}

/** Parses one amount in free text (`RM 3.90`, `$8.20`, `1,234.5`); null when there is none. */
export function parseMoney(text: string): string | null {
  return parseAmount(text);
}

/** A money string with at least two decimals and no leading zeros (`007.5` → `7.50`); rules/amounts.ts normalizeDecimal keeps the scale as written. */
export function toMoneyString(value: string): string {
  const n = normalizeDecimal(value);
  const [int, frac = ''] = n.split('.');
  return `${int}.${frac.padEnd(2, '0')}`;
}

export const addMoney = (...values: string[]): string => addDecimal(...values);
export const subMoney = (a: string, b: string): string => subtractDecimal(a, b);
export const sameMoney = (a: string | null | undefined, b: string | null | undefined): boolean => sameAmount(a, b);
export const compareMoney = (a: string, b: string): number => compareDecimal(a, b);
export const isPositive = (value: string): boolean => compareDecimal(value, '0') > 0;
export const isZero = (value: string): boolean => compareDecimal(value, '0') === 0;

/** `qty × price` at money scale (half-up), e.g. `3 × 1.20 = 3.60`, `0.5 × 9.99 = 5.00`. */
export function lineAmount(quantity: string, price: string): string {
  return roundDecimal(multiplyDecimal(quantity, price), 2);
}
