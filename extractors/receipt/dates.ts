/**
 * Dates on receipts: every common printed form, scored so the transaction date wins over expiry,
 * due or birth dates. Day-first vs month-first follows the locale unless one reading is impossible
 * (13/..., ../28/...). A year OCR mangled (2078, 2O18) is repaired when exactly one digit is off.
 */
import { parseRocDate } from '../rules/taiwan.js';
import type { Row } from './layout.js';
import { digitsFromLookalikes, halfWidth, mismatchedPairs } from './text.js';

export type DateLocale = 'MY' | 'TW' | 'US';

export interface DateCandidate {
  /** ISO YYYY-MM-DD. */
  iso: string;
  /** The matched text as printed. */
  text: string;
  row: Row;
  score: number;
  /** True when a Date/日期 label sits on the same row or right above. */
  labelled: boolean;
  /** True when the year had to be repaired. */
  repaired: boolean;
}

export interface DateOptions {
  locale?: DateLocale;
  /** Reference "today": a receipt date later than this (plus one day) is implausible. Default now. */
  now?: Date;
  /** Earliest plausible year. Default 2000. */
  minYear?: number;
}

const MONTHS: Record<string, number> = {
  JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, SEPT: 9, OCT: 10, NOV: 11, DEC: 12,
  JANUARY: 1, FEBRUARY: 2, MARCH: 3, APRIL: 4, JUNE: 6, JULY: 7, AUGUST: 8, SEPTEMBER: 9, OCTOBER: 10,
  NOVEMBER: 11, DECEMBER: 12,
  // Malay spellings that differ from English.
  MAC: 3, MEI: 5, JUN_: 6, OGOS: 8, OKT: 10, DIS: 12, DISEMBER: 12, OKTOBER: 10,
};
const MONTH_NAMES = Object.keys(MONTHS).filter((k) => !k.endsWith('_')).sort((a, b) => b.length - a.length).join('|');

const pad = (n: number) => String(n).padStart(2, '0');

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isValidDate(year: number, month: number, day: number): boolean {
  return Number.isInteger(year) && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function toIso(year: number, month: number, day: number): string {
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** A two-digit year: 00..(this year + 1) is 20xx, the rest 19xx. */
function expandYear(yy: number, nowYear: number): number {
  return yy <= (nowYear % 100) + 1 ? 2000 + yy : 1900 + yy;
}

/**
 * Repairs a year outside [minYear, maxYear] by changing a single digit (OCR reads 1 as 7, 0 as 8...),
 * preferring the decade digit, then the most recent plausible year. `hint` (another year on the page)
 * wins when it is one digit away.
 */
export function repairYear(year: number, minYear: number, maxYear: number, hint?: number): number | null {
  if (year >= minYear && year <= maxYear) return year;
  const digits = String(year).padStart(4, '0');
  if (digits.length !== 4) return null;
  const options: { year: number; pos: number }[] = [];
  for (let pos = 0; pos < 4; pos += 1) {
    for (let d = 0; d <= 9; d += 1) {
      const candidate = Number(digits.slice(0, pos) + d + digits.slice(pos + 1));
      if (candidate !== year && candidate >= minYear && candidate <= maxYear) options.push({ year: candidate, pos });
    }
  }
  if (options.length === 0) return null;
  if (hint !== undefined) {
    const hinted = options.find((o) => o.year === hint);
    if (hinted) return hinted.year;
  }
  // A decade digit misread is far more common than a millennium one; among those the latest year.
  options.sort((a, b) => (a.pos === 2 ? 0 : 1) - (b.pos === 2 ? 0 : 1) || (a.pos === 3 ? 0 : 1) - (b.pos === 3 ? 0 : 1) || b.year - a.year);
  return options[0]!.year;
}

/** `218` → 2018: the single inserted digit that gives a year in 2000..nowYear (latest wins); else the input. */
export function restoreDroppedDigit(year: string, nowYear: number): number {
  const options = new Set<number>();
  for (let pos = 1; pos <= year.length; pos += 1) {
    for (let d = 0; d <= 9; d += 1) {
      const y = Number(year.slice(0, pos) + d + year.slice(pos));
      if (y >= 2000 && y <= nowYear) options.add(y);
    }
  }
  return options.size === 0 ? Number(year) : Math.max(...options);
}

interface RawDate {
  year: number;
  /** Digits of the year as printed (2 or 3 or 4). */
  yearDigits: number;
  month: number;
  day: number;
  /** When both d/m orders are possible, the alternative order. */
  swapped?: { month: number; day: number };
  text: string;
  index: number;
  roc?: boolean;
  /** Day and month ran together (`2109/2017`), a space stood for one separator (`05 02-18`), or the
   * whole date ran together (`21032018`): a weaker reading. */
  glued?: boolean;
}

// Letters OCR confuses with digits, allowed inside the numeric parts of a date.
const D = '[0-9OoIlSB]';
const NUMERIC = new RegExp(`(?<![0-9A-Za-z])(${D}{1,2})\\s?([/.-])\\s?(${D}{1,2})\\s?\\2\\s?(${D}{4}|${D}{2})(?![0-9])`, 'g');
const NUMERIC_MIXED_SEP = new RegExp(`(?<![0-9A-Za-z])(${D}{1,2})[/.-](${D}{1,2})[/.-](${D}{4})(?![0-9])`, 'g');
const ISO_LIKE = new RegExp(`(?<![0-9])(${D}{4})\\s?([/.-])\\s?(${D}{1,2})\\s?\\2\\s?(${D}{1,2})(?![0-9])`, 'g');
const COMPACT = /(?<![0-9])(20\d{2})(\d{2})(\d{2})(?![0-9])/g;
const DAY_MONTH_YEAR = new RegExp(`(?<![0-9])(\\d{1,2})(?:ST|ND|RD|TH)?[\\s.\\-/]*(${MONTH_NAMES})\\.?[\\s.\\-/,]*('?\\d{4}|'?\\d{2,3})(?![0-9])`, 'gi');
const MONTH_DAY_YEAR = new RegExp(`(?<![A-Za-z])(${MONTH_NAMES})\\.?\\s*(\\d{1,2})(?:ST|ND|RD|TH)?,?\\s*(\\d{4})(?![0-9])`, 'gi');
// Not the last digits of a Western year (`2024年1月5日` is no ROC year 024).
const ROC_HAN = /(?<![0-9])(\d{2,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?/g;
/** `2024年01月05日`: a Western year written with the Chinese date characters. */
const WESTERN_HAN = /(?<![0-9])((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?/g;
// One space OCR put beside a separator (`110 /12/15`) is read through, as NUMERIC and ISO_LIKE do.
const ROC_NUMERIC = /(?<![0-9])(1\d{2})\s?([/.-])\s?(\d{1,2})\s?\2\s?(\d{1,2})(?![0-9])/g;

function num(s: string): number {
  return Number(digitsFromLookalikes(s));
}

// A four-digit year after a day/month (or a month name) with one digit OCR turned into a mark: `2¢18`, `20§8`.
const GLYPH_YEAR = /(?<=(?:\d[/.-]|[A-Za-z]\.?\s))(2[\d¢£§$%&@#?!*~°]{3})(?![\d¢£§$%&@#?!*~°])/g;

/**
 * Restores a year with one glyph in place of a digit when exactly one digit gives a year in
 * 2000..nowYear+1 (`2¢18` can only be 2018); an ambiguous one (`201¢`) is left unread.
 */
export function repairGlyphYears(text: string, nowYear: number): string {
  return text.replace(GLYPH_YEAR, (year) => {
    const glyphs = year.replace(/\d/g, '');
    if (glyphs.length !== 1) return year;
    const options = [...'0123456789'].map((d) => Number(year.replace(/[^\d]/, d))).filter((y) => y >= 2000 && y <= nowYear + 1);
    return options.length === 1 ? String(options[0]) : year;
  });
}

// `2109/2017`: day and month printed (or read) without their separator, before a four-digit year.
const GLUED_DAY_MONTH = /(?<![0-9A-Za-z/.-])([0-3]\d)([01]\d)[/.-](20\d{2})(?![0-9])/g;

// `05 02-18`, `05-02 18`: OCR read one of the two separators as a space. Real digits only, so two
// numbers that merely sit side by side (`1 05-18`) need two digits each.
const SPACED_SEPARATOR = /(?<![0-9A-Za-z/.-])(\d{2}) (\d{2})([/.-])(\d{4}|\d{2})(?![0-9/.-])|(?<![0-9A-Za-z/.-])(\d{2})([/.-])(\d{2}) (\d{4}|\d{2})(?![0-9/.-])/g;
// `27 03 /2018`: a separator read as a space and a space beside the other (small print, shrunk scans).
// A four-digit year only: with two digits, spaced numbers are as likely a quantity and a price.
const SPACED_SEPARATOR_LOOSE = /(?<![0-9A-Za-z/.-])(\d{2}) (\d{2}) ?([/.-]) ?((?:19|20)\d{2})(?![0-9/.-])/g;
// `21032018`: day, month and year run together with every separator lost (COMPACT is year-first).
const RUN_TOGETHER = /(?<![0-9])([0-3]\d)([01]\d)(20\d{2})(?![0-9])/g;

// `202412=0616:11` (2024-12-06 16:11 on a faint Taiwan roll): a year-first date whose separators were
// lost or misread (`=`, `~`, `_`), known for a date by the time printed right after it.
const YEAR_FIRST_BEFORE_TIME = /(?<![0-9])(20\d{2})[-/.=~_]?([01]\d)[-/.=~_]?([0-3]\d)(?=\s*[0-2]?\d[:.][0-5]\d(?![0-9]))/g;

/** Every date-shaped span in a line of text, before plausibility scoring. */
export function findRawDates(rawText: string, locale: DateLocale, nowYear: number): RawDate[] {
  // Full-width digits (`２０２４年１月５日`) as the ASCII ones every pattern below reads.
  const text = repairGlyphYears(halfWidth(rawText), nowYear);
  const found: RawDate[] = [];
  const taken: [number, number][] = [];
  const add = (d: RawDate, end: number) => {
    if (taken.some(([s, e]) => d.index < e && end > s)) return;
    taken.push([d.index, end]);
    found.push(d);
  };
  const monthFirst = locale === 'US';
  for (const m of text.matchAll(ROC_HAN)) {
    const iso = parseRocDate(m[0]);
    if (!iso) continue;
    add({ year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)), day: Number(iso.slice(8, 10)), yearDigits: m[1]!.length, text: m[0], index: m.index, roc: true }, m.index + m[0].length);
  }
  for (const m of text.matchAll(WESTERN_HAN)) {
    add({ year: Number(m[1]), yearDigits: 4, month: Number(m[2]), day: Number(m[3]), text: m[0], index: m.index }, m.index + m[0].length);
  }
  if (locale === 'TW') {
    for (const m of text.matchAll(ROC_NUMERIC)) {
      const iso = parseRocDate(m[0].replace(/\s/g, ''));
      if (iso) add({ year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)), day: Number(iso.slice(8, 10)), yearDigits: 3, text: m[0], index: m.index, roc: true }, m.index + m[0].length);
    }
  }
  for (const m of text.matchAll(ISO_LIKE)) {
    const raw = m[0];
    if ((raw.match(/\d/g) ?? []).length < 6) continue;
    add({ year: num(m[1]!), yearDigits: 4, month: num(m[3]!), day: num(m[4]!), text: raw, index: m.index }, m.index + raw.length);
  }
  for (const re of [NUMERIC, NUMERIC_MIXED_SEP]) {
    for (const m of text.matchAll(re)) {
      const raw = m[0];
      // Mostly real digits, or it is a word that happens to contain O, l and S.
      if ((raw.match(/\d/g) ?? []).length < Math.max(4, raw.replace(/[^0-9A-Za-z]/g, '').length - 2)) continue;
      const groups = re === NUMERIC ? [m[1]!, m[3]!, m[4]!] : [m[1]!, m[2]!, m[3]!];
      const a = num(groups[0]!);
      const b = num(groups[1]!);
      const yearText = digitsFromLookalikes(groups[2]!);
      const year = yearText.length === 2 ? expandYear(Number(yearText), nowYear) : Number(yearText);
      let day = monthFirst ? b : a;
      let month = monthFirst ? a : b;
      let swapped: RawDate['swapped'];
      if (month > 12 && day <= 12) [day, month] = [month, day];
      else if (a <= 12 && b <= 12 && a !== b) swapped = { day: month, month: day };
      add({ year, yearDigits: yearText.length, month, day, swapped, text: raw, index: m.index }, m.index + raw.length);
    }
  }
  for (const m of text.matchAll(DAY_MONTH_YEAR)) {
    const month = MONTHS[m[2]!.toUpperCase()];
    if (!month) continue;
    const y = m[3]!.replace("'", '');
    // A three-digit year lost a digit (`14 Mar 218`): put back the one that makes it a recent year.
    const year = y.length === 2 ? expandYear(Number(y), nowYear) : y.length === 3 ? restoreDroppedDigit(y, nowYear) : Number(y);
    add({ year, yearDigits: y.length, month, day: Number(m[1]), text: m[0], index: m.index }, m.index + m[0].length);
  }
  for (const m of text.matchAll(MONTH_DAY_YEAR)) {
    const month = MONTHS[m[1]!.toUpperCase()];
    if (!month) continue;
    add({ year: Number(m[3]), yearDigits: 4, month, day: Number(m[2]), text: m[0], index: m.index }, m.index + m[0].length);
  }
  for (const m of text.matchAll(GLUED_DAY_MONTH)) {
    add({ year: Number(m[3]), yearDigits: 4, month: Number(m[2]), day: Number(m[1]), text: m[0], index: m.index, glued: true }, m.index + m[0].length);
  }
  for (const m of text.matchAll(COMPACT)) {
    add({ year: Number(m[1]), yearDigits: 4, month: Number(m[2]), day: Number(m[3]), text: m[0], index: m.index }, m.index + m[0].length);
  }
  for (const m of text.matchAll(SPACED_SEPARATOR)) {
    const [a, b, y] = m[1] ? [m[1], m[2]!, m[4]!] : [m[5]!, m[7]!, m[8]!];
    const year = y.length === 2 ? expandYear(Number(y), nowYear) : Number(y);
    const [day, month] = monthFirst ? [Number(b), Number(a)] : [Number(a), Number(b)];
    add({ year, yearDigits: y.length, month, day, text: m[0], index: m.index, glued: true }, m.index + m[0].length);
  }
  for (const m of text.matchAll(SPACED_SEPARATOR_LOOSE)) {
    const [day, month] = monthFirst ? [Number(m[2]), Number(m[1])] : [Number(m[1]), Number(m[2])];
    add({ year: Number(m[4]), yearDigits: 4, month, day, text: m[0], index: m.index, glued: true }, m.index + m[0].length);
  }
  for (const m of text.matchAll(YEAR_FIRST_BEFORE_TIME)) {
    add({ year: Number(m[1]), yearDigits: 4, month: Number(m[2]), day: Number(m[3]), text: m[0], index: m.index, glued: true }, m.index + m[0].length);
  }
  for (const m of text.matchAll(RUN_TOGETHER)) {
    add({ year: Number(m[3]), yearDigits: 4, month: Number(m[2]), day: Number(m[1]), text: m[0], index: m.index, glued: true }, m.index + m[0].length);
  }
  return found;
}

/**
 * Parses one date string in any supported form; null when it is not a plausible date. Handy for
 * comparing a key such as `12-01-19` or `10 MAR 2018` with an extracted ISO date.
 */
export function parseDate(text: string, options: DateOptions = {}): string | null {
  const now = options.now ?? new Date();
  const locale = options.locale ?? 'MY';
  const raw = findRawDates(text, locale, now.getUTCFullYear())[0];
  if (!raw) return null;
  const year = repairYear(raw.year, options.minYear ?? 1900, now.getUTCFullYear() + 1) ?? raw.year;
  return isValidDate(year, raw.month, raw.day) ? toIso(year, raw.month, raw.day) : null;
}

/** Score added to a date when every date read on the slip is the same one. */
const UNRIVALLED_BONUS = 1;
const LABEL = /(?:^|[^A-Z])(DATE|DATED|TARIKH|TRANS(?:ACTION)?\s*DATE|INVOICE\s*DATE|BILL\s*DATE|DT)\b|日期|開立|交易時間/i;
const WRONG_LABEL = /EXP(?:IRY|IRES|\.)?|VALID|DUE\s*DATE|BIRTH|D\.?O\.?B|MFG|BEST\s*BEFORE|PRINTED|START|PERIOD|JOIN|SINCE|到期|有效/i;
const TIME = /\b\d{1,2}\s?[:.]\s?\d{2}(?:\s?[:.]\s?\d{2})?\s*(?:AM|PM)?\b/i;

/** Scores every date on the rows; best first. */
export function findDates(rows: Row[], options: DateOptions = {}): DateCandidate[] {
  const now = options.now ?? new Date();
  const locale = options.locale ?? 'MY';
  const minYear = options.minYear ?? 2000;
  const maxYear = now.getUTCFullYear() + (now.getUTCMonth() === 11 ? 1 : 0);
  const latest = new Date(now.getTime() + 86_400_000);
  const raws: { raw: RawDate; row: Row }[] = [];
  for (const row of rows) {
    for (const raw of findRawDates(row.text, locale, now.getUTCFullYear())) raws.push({ raw, row });
  }
  // The most common plausible year on the page is the hint for repairing a mangled one.
  const yearVotes = new Map<number, number>();
  for (const { raw } of raws) if (raw.year >= minYear && raw.year <= maxYear) yearVotes.set(raw.year, (yearVotes.get(raw.year) ?? 0) + 1);
  const hint = [...yearVotes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];

  const candidates: DateCandidate[] = [];
  for (const { raw, row } of raws) {
    let score = 1;
    let year = raw.year;
    let repaired = false;
    if (year < minYear || year > maxYear) {
      const fixed = raw.roc ? null : repairYear(year, minYear, maxYear, hint);
      if (fixed === null) continue;
      year = fixed;
      repaired = true;
      score -= 0.5;
    }
    let { month, day } = raw;
    if (!isValidDate(year, month, day) && raw.swapped && isValidDate(year, raw.swapped.month, raw.swapped.day)) {
      ({ month, day } = raw.swapped);
    }
    if (!isValidDate(year, month, day)) continue;
    const iso = toIso(year, month, day);
    if (new Date(`${iso}T00:00:00Z`) > latest) {
      // Day-first read lands in the future: the other order may not.
      if (raw.swapped && isValidDate(year, raw.swapped.month, raw.swapped.day) && new Date(`${toIso(year, raw.swapped.month, raw.swapped.day)}T00:00:00Z`) <= latest) {
        ({ month, day } = raw.swapped);
      } else {
        score -= 2;
      }
    }
    const before = row.text.slice(0, raw.index);
    const after = row.text.slice(raw.index + raw.text.length);
    const prev = rows[row.index - 1];
    let labelled = false;
    if (LABEL.test(before.slice(-25))) {
      score += 3;
      labelled = true;
    } else if (prev && LABEL.test(prev.text) && prev.text.length < 20 && findRawDates(prev.text, locale, now.getUTCFullYear()).length === 0) {
      score += 1.5;
      labelled = true;
    }
    if (WRONG_LABEL.test(before.slice(-25))) score -= 3;
    if (TIME.test(after) || TIME.test(before.slice(-12))) score += 1;
    if (raw.yearDigits === 4 || raw.roc) score += 0.3;
    if (raw.glued) score -= 1;
    if (/[A-Za-z]/.test(raw.text.replace(/[A-Za-z]{3,}/g, ''))) score -= 0.3;
    // A date printed inside an identifier (`CS1801/26821`, `OR18031002160274`) is not a date.
    if (/[A-Za-z0-9]$/.test(before) || /^[A-Za-z0-9/]/.test(after)) score -= 1.5;
    score -= row.index * 0.005;
    candidates.push({ iso: toIso(year, month, day), text: raw.text, row, score, labelled, repaired });
  }
  // The same date printed twice (header and footer) is more likely the transaction date.
  for (const c of candidates) c.score += 0.3 * (candidates.filter((o) => o.iso === c.iso).length - 1);
  // A date no other date on the slip disagrees with needs no label to be the date (`10:43AM 568582
  // 24-01-18`); one read from a mangled year, or in the future, stays as weak as it was.
  if (candidates.length > 0 && candidates.every((c) => c.iso === candidates[0]!.iso)) {
    for (const c of candidates) if (!c.repaired && c.score > 0) c.score += UNRIVALLED_BONUS;
  }
  candidates.sort((a, b) => b.score - a.score);
  const best = candidates[0];
  const stamped = stampedDate(rows, minYear, latest);
  // A year is what OCR gets wrong and nothing else on the slip checks (`5/03/2016` for 06/03/2018);
  // an invoice number the POS stamped with the date (2018030610...) does. Only a different year, in
  // the same month, within two digits, is repaired from it: chains number invoices by business day,
  // which can be a few days off the printed date (20180213... on a slip dated 19/02/2018).
  if (best && stamped && best.iso.slice(0, 4) !== stamped.slice(0, 4) && best.iso.slice(5, 7) === stamped.slice(5, 7) && (mismatchedPairs(best.iso, stamped)?.length ?? Infinity) <= 2) {
    candidates[0] = { ...best, iso: stamped, repaired: true };
  }
  return candidates;
}

/**
 * The date a receipt's identifiers agree on, when an identifier of 10+ digits starts with a valid
 * YYYYMMDD no later than `latest` (`INVOICE NO: 2018030610100080498`); null when there is none or two
 * identifiers disagree.
 */
export function stampedDate(rows: Row[], minYear: number, latest: Date): string | null {
  const found = new Set<string>();
  for (const row of rows) {
    for (const m of row.text.matchAll(/(?<![0-9])(20\d{2})(\d{2})(\d{2})\d{2,}(?![0-9])/g)) {
      const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (year < minYear || !isValidDate(year, month, day)) continue;
      const iso = toIso(year, month, day);
      if (new Date(`${iso}T00:00:00Z`) <= latest) found.add(iso);
    }
  }
  return found.size === 1 ? [...found][0]! : null;
}

