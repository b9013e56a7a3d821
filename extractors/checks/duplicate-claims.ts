/**
 * Duplicate claims: one purchase stored twice from two different files. A receipt photographed on the
 * site and scanned again at the office, an e-invoice PDF mailed twice, a `REPRINT` slip: the files
 * differ, so the byte-level dedupe at register (sha256) keeps both, and an accountant who books both
 * claims the input tax twice. The later document is flagged for review and names the earlier one; the
 * earlier stays as it is, since it is the claim to book.
 *
 * What makes two receipts one purchase, judged on stored values (any of them may be an OCR slip, and
 * nothing that both carry may disagree: a date, a total):
 *
 * - **The same long receipt number** (6 characters or more) on the same day or for the same total.
 * - **The same Taiwan uniform invoice number** (two letters and eight digits, issued once per two-month
 *   period across the country) on the same day, or from the same seller.
 * - **The same shorter number** from the same seller, on the same day or for the same total: many tills
 *   restart their count, and other shops print the same numbers.
 * - **The same seller, date and total**, where at most one of the two carries a number. Two equal
 *   purchases at one shop on one day happen (two coffees), which is why this is a flag for review,
 *   never a deletion.
 *
 * Numbers and tax ids are compared as two scans of one slip are read (identifierSkeleton), names by
 * their letters and digits with a slip allowed. Receipts whose numbers differ otherwise are never one
 * purchase: the next receipt of a till differs in a digit no look-alike covers.
 */
import type { ValidationResult } from '../../schemas/receipt.js';
import { compareDecimal, isDecimal, sameAmount } from '../rules/amounts.js';
import { editDistance } from '../rules/edit-distance.js';
import { allowedSlips } from './vendor-consensus.js';

/** The stored values of one receipt that identify a purchase. */
export interface ClaimKey {
  documentId: number;
  vendorTaxId: string | null;
  vendorName: string | null;
  invoiceNumber: string | null;
  /** ISO date. */
  date: string | null;
  /** Decimal string; compared as an amount (`5.9` is `5.90`). */
  total: string | null;
}

/** Why two receipts are taken for one purchase. */
export type DuplicateBasis = 'invoice_number' | 'seller_date_total';

export interface DuplicateClaim {
  /** The later document, flagged. */
  documentId: number;
  /** The earlier document it repeats. */
  duplicateOf: number;
  basis: DuplicateBasis;
}

const TAIWAN_INVOICE_NUMBER = /^[A-Z]{2}\d{8}$/;

/** A name by its letters and digits (any script): `SDN. BHD` and `SDN BHD.` are one name. */
function nameKey(name: string): string {
  return name.replace(/[^\p{L}\p{N}]/gu, '').toUpperCase();
}

/**
 * A receipt number or tax id as OCR may read it either way: separators dropped (`01-143008`, a `7` read
 * as `/`), and the look-alikes OCR swaps folded into one (O, Q, D, C and 0; I, L and 1; S and 5; B and 8;
 * Z and 2; G and 6). Two scans of one slip give `QR18030502160349` and `OR18030502160349`,
 * `0R18032902170347` and `OR18032902170347`, `002-1550040` and `C02-1550040`. A receipt number one
 * higher is never such a slip: no two neighbouring digits are look-alikes.
 */
export function identifierSkeleton(value: string): string {
  return value
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]/gu, '')
    .replace(/[OQDC]/g, '0')
    .replace(/[IL]/g, '1')
    .replace(/S/g, '5')
    .replace(/B/g, '8')
    .replace(/Z/g, '2')
    .replace(/G/g, '6');
}

/** `shorter` is `longer` with one character left out (OCR lost a digit: `01-14300` of `01-143008`). */
function oneDropped(longer: string, shorter: string): boolean {
  if (longer.length !== shorter.length + 1) return false;
  let i = 0;
  while (i < shorter.length && longer[i] === shorter[i]) i += 1;
  return longer.slice(i + 1) === shorter.slice(i);
}

/**
 * How two receipt numbers compare: the same (look-alikes and separators aside), one with a character
 * lost, or different.
 */
function compareNumbers(a: string, b: string): 'same' | 'one_lost' | 'different' {
  const x = identifierSkeleton(a);
  const y = identifierSkeleton(b);
  if (x === y) return 'same';
  return oneDropped(x, y) || oneDropped(y, x) ? 'one_lost' : 'different';
}

/**
 * Two seller tax ids are one (look-alikes aside), or one was cut short in reading (`0020173946` of
 * `002017394688`, eight characters at least).
 */
function sameTaxId(a: string, b: string): boolean {
  const x = identifierSkeleton(a);
  const y = identifierSkeleton(b);
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return short === long || (short.length >= 8 && long.startsWith(short));
}

/** Both carry a value and the values differ. */
function conflict<T>(a: T | null, b: T | null, same: (x: T, y: T) => boolean = (x, y) => x === y): boolean {
  return a !== null && b !== null && !same(a, b);
}

/** Both carry a value and the values are equal. */
function agree<T>(a: T | null, b: T | null, same: (x: T, y: T) => boolean = (x, y) => x === y): boolean {
  return a !== null && b !== null && same(a, b);
}

/**
 * Whether the two receipts are known to come from one seller: the same tax id where both carry one,
 * else the same name.
 */
function sameSeller(a: ClaimKey, b: ClaimKey): boolean {
  if (a.vendorTaxId !== null && b.vendorTaxId !== null) return sameTaxId(a.vendorTaxId, b.vendorTaxId);
  return agree(a.vendorName, b.vendorName, sameName);
}

/**
 * Two readings of one seller's name: the same letters and digits, or a slip of one letter per 8 (at
 * most 2), as the seller consensus allows (`INDAH GIFT & HOME DECO` read `HONE` from a smaller scan).
 */
function sameName(a: string, b: string): boolean {
  const x = nameKey(a);
  const y = nameKey(b);
  if (x === '' || y === '') return false;
  const slips = Math.min(allowedSlips(a), allowedSlips(b));
  return editDistance(x, y, slips) <= slips;
}

/**
 * A receipt number long enough that two sellers printing it on the same day, or for the same total, is
 * no coincidence to reckon with: then a seller misread on one scan does not keep the two apart.
 */
const SPECIFIC_NUMBER_LENGTH = 6;

/**
 * Whether two receipts share what the end-of-run pass looks for: the same invoice number as stored, the
 * same date and total, or the same seller tax id and date where one of them lost its total. It finds its
 * candidate pairs by exactly these equalities, as joins (pipeline/store/duplicate-claims.ts), so it never
 * compares a store's receipts pair by pair. Not looked for: a seller's receipts of one total where one
 * lost its date. A toll road's thousand receipts of one amount would be a million pairs, and on
 * sroie-dev's copies (`npm run eval -- --copies`) that join found no copy the others missed.
 */
export function mayRepeat(a: ClaimKey, b: ClaimKey): boolean {
  const sameDate = agree(a.date, b.date);
  const sameTotal = agree(a.total, b.total, sameAmount);
  const totalLost = a.total === null || b.total === null;
  return agree(a.invoiceNumber, b.invoiceNumber) || (sameDate && (sameTotal || (totalLost && agree(a.vendorTaxId, b.vendorTaxId))));
}

/** Why `later` repeats `earlier`'s purchase, or null when nothing says it does. */
export function duplicateBasis(later: ClaimKey, earlier: ClaimKey): DuplicateBasis | null {
  if (conflict(later.date, earlier.date) || conflict(later.total, earlier.total, sameAmount)) return null;
  const sameDate = agree(later.date, earlier.date);
  const sameTotal = agree(later.total, earlier.total, sameAmount);
  const numbers = later.invoiceNumber !== null && earlier.invoiceNumber !== null ? compareNumbers(later.invoiceNumber, earlier.invoiceNumber) : null;
  // The same long number on the same day or for the same total (nothing disagreeing): one slip, whatever
  // its seller's tax id or name was read as (`000656195584` and `8000858195584` from a smaller scan).
  if (numbers === 'same' && (sameDate || sameTotal) && identifierSkeleton(later.invoiceNumber!).length >= SPECIFIC_NUMBER_LENGTH) return 'invoice_number';
  if (conflict(later.vendorTaxId, earlier.vendorTaxId, sameTaxId)) return null;
  if (later.invoiceNumber !== null && earlier.invoiceNumber !== null) {
    if (numbers === 'different') return null;
    // A number with a character lost is one purchase only if everything else agrees.
    if (numbers === 'one_lost') return sameDate && sameTotal && (sameSeller(later, earlier) || later.vendorTaxId === null || earlier.vendorTaxId === null) ? 'invoice_number' : null;
    if (TAIWAN_INVOICE_NUMBER.test(later.invoiceNumber) && TAIWAN_INVOICE_NUMBER.test(earlier.invoiceNumber)) {
      if (sameDate || agree(later.vendorTaxId, earlier.vendorTaxId, sameTaxId)) return 'invoice_number';
    } else if (sameSeller(later, earlier) && (sameDate || sameTotal)) {
      return 'invoice_number';
    }
    return null;
  }
  const positive = later.total !== null && isDecimal(later.total) && compareDecimal(later.total, '0') > 0;
  return sameDate && sameTotal && positive && sameSeller(later, earlier) ? 'seller_date_total' : null;
}

/**
 * The duplicate claims among candidate pairs (`later` registered after `earlier`): each later document
 * at most once, naming the earliest document it repeats.
 */
export function findDuplicateClaims(pairs: Iterable<{ later: ClaimKey; earlier: ClaimKey }>): DuplicateClaim[] {
  const matches: { later: ClaimKey; earlier: ClaimKey; basis: DuplicateBasis }[] = [];
  for (const { later, earlier } of pairs) {
    if (earlier.documentId >= later.documentId || !mayRepeat(later, earlier)) continue;
    const basis = duplicateBasis(later, earlier);
    if (basis) matches.push({ later, earlier, basis });
  }
  // A receipt without a number that matches receipts of two different numbers (two coffees, and a
  // photo of one of them) may be a copy of either: it is flagged itself, but is no original for a
  // numbered receipt that came later, which has its own number and is a purchase of its own.
  const numbersMatched = new Map<number, Set<string>>();
  for (const { later, earlier } of matches) {
    for (const [unnumbered, numbered] of [[later, earlier], [earlier, later]] as const) {
      if (unnumbered.invoiceNumber !== null || numbered.invoiceNumber === null) continue;
      const numbers = numbersMatched.get(unnumbered.documentId) ?? new Set<string>();
      numbersMatched.set(unnumbered.documentId, numbers.add(numbered.invoiceNumber));
    }
  }
  const found = new Map<number, DuplicateClaim>();
  for (const { later, earlier, basis } of matches) {
    if (later.invoiceNumber !== null && (numbersMatched.get(earlier.documentId)?.size ?? 0) > 1) continue;
    const known = found.get(later.documentId);
    if (!known || earlier.documentId < known.duplicateOf) found.set(later.documentId, { documentId: later.documentId, duplicateOf: earlier.documentId, basis });
  }
  return [...found.values()].sort((a, b) => a.documentId - b.documentId);
}

export const DUPLICATE_CHECK = 'duplicate_claim';

/** The record's note of a duplicate claim: a failed check, so it is a review reason like any other. */
export function duplicateClaimValidation(claim: DuplicateClaim, earlier: ClaimKey & { sourceFile: string }): ValidationResult {
  const what =
    claim.basis === 'invoice_number'
      ? `same invoice number ${earlier.invoiceNumber}`
      : `same seller, date ${earlier.date} and total ${earlier.total}`;
  return {
    check: DUPLICATE_CHECK,
    passed: false,
    detail: `${what} as document ${claim.duplicateOf} (${earlier.sourceFile}): the same purchase stored twice?`,
    fields: claim.basis === 'invoice_number' ? ['invoiceNumber'] : ['vendorName', 'date', 'total'],
  };
}
