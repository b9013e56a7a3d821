/**
 * One seller, one name: receipts that carry the same seller tax id (GST number, 統一編號) come from the
 * same seller, so a name or address that one receipt reads a letter or two away from what the others
 * agree on is that receipt's OCR slip (`UAN HING` among `LAN HING`, `MR.D.I.Y.` among `MR. D.I.Y.`,
 * `JOHOR BAHRU, JOHOR` for `JOHOR BAHRU,JOHOR`). An accountant books per seller, and a seller split over
 * two spellings is two sellers in every report.
 *
 * Only near misses in letters, punctuation and spacing are corrected: a reading that differs by more (a
 * chain's other branch, a differently laid-out receipt of the same shop, `3 FLOOR` beside `3RD FLR`), or
 * in any digit or Han character (another outlet's number or store name), keeps its own value. The
 * agreed value needs at least two receipts behind it and more than the reading it replaces, so a pair
 * that disagrees, or three readings that all differ, stay as read.
 *
 * The tax id itself can be the slip (`000658195584` on one receipt of a seller whose eleven others print
 * 000656195584): a receipt that names a seller of three receipts or more exactly as they agree, with a
 * tax id one character off theirs, is that seller's. A wrong GST number loses the buyer its input tax.
 */
import type { ReceiptRecord, ValidationResult } from '../../schemas/receipt.js';
import { editDistance } from '../rules/edit-distance.js';

export const CONSENSUS_FIELDS = ['vendorTaxId', 'vendorName', 'vendorAddress'] as const;
export type ConsensusField = (typeof CONSENSUS_FIELDS)[number];

export interface VendorReading<Id> {
  id: Id;
  /** The seller's tax id as stored; receipts without one take no part. */
  vendorTaxId: string | null;
  vendorName: string | null;
  vendorAddress: string | null;
  /**
   * Fields read exactly, from a QR code or a PDF's text layer rather than by OCR: they vote, but are
   * never changed (a QR code's tax id one digit off a seller's is another company's).
   */
  exact?: readonly ConsensusField[];
}

/** The sources whose values are exact: no OCR slip to correct. */
const EXACT_SOURCES: ReadonlySet<string> = new Set(['qr', 'text-layer']);

/** The consensus fields whose source (`sourceOf`, a field record's `source`) read them exactly. */
export function exactFields(sourceOf: (field: ConsensusField) => string | null | undefined): ConsensusField[] {
  return CONSENSUS_FIELDS.filter((field) => EXACT_SOURCES.has(sourceOf(field) ?? ''));
}

/** The readings that carry a tax id, by that tax id (`taxIdOf` may give a corrected one). */
function bySellerTaxId<Id>(readings: readonly VendorReading<Id>[], taxIdOf: (reading: VendorReading<Id>) => string | undefined): Map<string, VendorReading<Id>[]> {
  const groups = new Map<string, VendorReading<Id>[]>();
  for (const reading of readings) {
    const taxId = taxIdOf(reading);
    if (!taxId) continue;
    const group = groups.get(taxId);
    if (group) group.push(reading);
    else groups.set(taxId, [reading]);
  }
  return groups;
}

export interface ConsensusChange<Id> {
  id: Id;
  field: ConsensusField;
  /** The seller's tax id: for a tax-id correction, the one it is corrected to. */
  taxId: string;
  /** The value as read and the agreed value, with runs of whitespace as one space. */
  from: string;
  to: string;
  /** How many other receipts of the seller hold `to`. */
  agreeing: number;
}

/** Readings are compared without case or spaces: OCR's spacing is its least reliable output. */
function squashed(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/**
 * Edits a reading may be from the agreed value: one per 8 characters, at most 2 (OCR slips, not a
 * different text). Names of under 8 characters may differ only in spacing and case.
 */
export function allowedSlips(value: string): number {
  return Math.min(2, Math.floor(squashed(value).length / 8));
}

/**
 * The digits and Han characters of a value, in order. Two readings that differ in them are never one
 * reading's slip: a seller's outlets share its tax id, and what tells them apart is a number (`NO 12` and
 * `NO 14` of one street, a branch `(SS2)`, a store code) or, in Taiwan, a character or two of the store's
 * name (`松仁門市`, `松山門市` of one chain). Letters, punctuation and spacing are what is corrected.
 */
function identifying(value: string): string {
  return value.replace(/[^\d\p{Script=Han}]/gu, '');
}

/** Whether `reading` may be a slip of `agreed`. */
export function isSlipOf(reading: string, agreed: string): boolean {
  const limit = allowedSlips(reading);
  return identifying(reading) === identifying(agreed) && editDistance(squashed(reading), squashed(agreed), limit) <= limit;
}

function collapse(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/**
 * The corrections that make each seller's receipts agree. Deterministic, and stable: applied once, a
 * second pass finds nothing more to change.
 */
export function vendorConsensus<Id>(readings: readonly VendorReading<Id>[]): ConsensusChange<Id>[] {
  const changes = taxIdSlips(readings);
  const corrected = new Map(changes.map((c) => [c.id, c.to]));
  for (const [taxId, group] of bySellerTaxId(readings, (r) => corrected.get(r.id) ?? r.vendorTaxId?.trim())) {
    if (group.length < MIN_RECEIPTS) continue;
    // Addresses first: a receipt whose address is no slip of one its seller's other receipts agree on
    // comes from another layout (`3 FLOOR` beside `3RD FLR`), which may print the name differently too
    // (`AEON CO. (M) BHD.` beside `AEON CO. (M) BHD`): its name is a print variant, not a slip.
    let addresses: (string | null)[] = [];
    let otherLayout: (address: string | null) => boolean = () => false;
    const found: Record<'vendorName' | 'vendorAddress', ConsensusChange<Id>[]> = { vendorName: [], vendorAddress: [] };
    for (const field of ['vendorAddress', 'vendorName'] as const) {
      const read = group.map((r) => (r[field] === null ? null : collapse(r[field]!)));
      const values = [...read];
      // Until nothing moves: a correction adds a vote, which can settle a tie elsewhere in the group.
      // Votes only gather, so this ends, and a second call finds nothing to do.
      const fixed = group.map((r, i) => (r.exact?.includes(field) ?? false) || (field === 'vendorName' && otherLayout(addresses[i] ?? null)));
      for (let pass = 0; pass < group.length; pass += 1) {
        const moves = agreedValues(values, fixed);
        if (moves.size === 0) break;
        for (const [i, to] of moves) values[i] = to;
      }
      group.forEach((reading, i) => {
        const from = read[i];
        const to = values[i];
        if (from && to && from !== to) found[field].push({ id: reading.id, field, taxId, from, to, agreeing: values.filter((v, j) => j !== i && v === to).length });
      });
      if (field === 'vendorAddress') {
        addresses = values;
        otherLayout = layoutTest(values);
      }
    }
    // Listed names first, as a record reads.
    changes.push(...found.vendorName, ...found.vendorAddress);
  }
  return changes;
}

/**
 * For a seller's addresses (after their consensus), whether an address is from another layout than the
 * seller's usual: the receipts agree on an address (two or more hold it) and this one neither is a slip
 * of it nor begins with one (a branch's name printed under the usual address, `... MALAYSIA KL FESTIVAL
 * CITY MALL`, is the usual layout). An address not read says nothing. Decided once per distinct
 * address: a chain's thousand receipts hold a few dozen.
 */
function layoutTest(addresses: readonly (string | null)[]): (address: string | null) => boolean {
  const votes = new Map<string, number>();
  for (const value of addresses) if (value) votes.set(value, (votes.get(value) ?? 0) + 1);
  const agreed = [...votes].filter(([, n]) => n >= 2).map(([value]) => value);
  const decided = new Map<string, boolean>();
  return (address) => {
    if (address === null || agreed.length === 0) return false;
    let other = decided.get(address);
    if (other === undefined) {
      other = !agreed.some((value) => isSlipOf(address, value) || isSlipOf(address.slice(0, value.length), value));
      decided.set(address, other);
    }
    return other;
  };
}

/** A seller is known by its tax id once this many receipts carry it. */
const MIN_RECEIPTS = 3;

/**
 * Receipts whose tax id is one character off a known seller's (three receipts or more), and whose name
 * is exactly (spacing and case aside) one that at least two of that seller's receipts agree on. Their
 * own tax id must be a rarer one, and only one seller may fit.
 */
function taxIdSlips<Id>(readings: readonly VendorReading<Id>[]): ConsensusChange<Id>[] {
  const byTaxId = bySellerTaxId(readings, (r) => r.vendorTaxId?.trim());
  const count = (taxId: string) => byTaxId.get(taxId)?.length ?? 0;
  // The sellers each agreed name belongs to, so a receipt is compared only with sellers of its name.
  const sellersNamed = new Map<string, string[]>();
  for (const [taxId, group] of byTaxId) {
    if (group.length < MIN_RECEIPTS) continue;
    const votes = new Map<string, number>();
    for (const r of group) if (r.vendorName) votes.set(squashed(r.vendorName), (votes.get(squashed(r.vendorName)) ?? 0) + 1);
    for (const [name, n] of votes) if (n >= 2) sellersNamed.set(name, [...(sellersNamed.get(name) ?? []), taxId]);
  }
  const changes: ConsensusChange<Id>[] = [];
  for (const r of readings) {
    const own = r.vendorTaxId?.trim();
    if (!own || !r.vendorName || count(own) >= MIN_RECEIPTS || r.exact?.includes('vendorTaxId')) continue;
    const sellers = (sellersNamed.get(squashed(r.vendorName)) ?? []).filter((taxId) => editDistance(own, taxId, 1) <= 1);
    if (sellers.length !== 1) continue;
    const taxId = sellers[0]!;
    changes.push({ id: r.id, field: 'vendorTaxId', taxId, from: own, to: taxId, agreeing: count(taxId) });
  }
  return changes;
}

/**
 * For each reading that is a slip of a value more of the group holds: its index and that value. Readings
 * marked `fixed` (exact) only vote.
 */
function agreedValues(values: readonly (string | null)[], fixed: readonly boolean[]): Map<number, string> {
  const votes = new Map<string, number>();
  for (const value of values) if (value) votes.set(value, (votes.get(value) ?? 0) + 1);
  // Decided once per distinct value: a chain's thousand receipts hold a few dozen readings.
  const agreed = new Map<string, string>();
  for (const [own, ownVotes] of votes) {
    // The values this reading could be a slip of, with their votes; its own among them.
    const near = [...votes].filter(([value]) => isSlipOf(own, value));
    const most = Math.max(...near.map(([, n]) => n));
    const leaders = near.filter(([, n]) => n === most);
    const [to, agreeing] = leaders[0]!;
    if (leaders.length === 1 && to !== own && agreeing >= 2 && agreeing > ownVotes) agreed.set(own, to);
  }
  const moves = new Map<number, string>();
  values.forEach((own, i) => {
    const to = own && !fixed[i] ? agreed.get(own) : undefined;
    if (to) moves.set(i, to);
  });
  return moves;
}

/**
 * The record's note of a correction, kept among its validations so the reading is never lost: the
 * field's evidence still holds the text it was read from.
 */
export function consensusValidation(change: ConsensusChange<unknown>): ValidationResult {
  const what = change.field === 'vendorName' ? 'name' : 'address';
  return {
    check: 'vendor_consensus',
    passed: true,
    detail:
      change.field === 'vendorTaxId'
        ? `read ${JSON.stringify(change.from)}; ${change.agreeing} receipts of the seller of this name carry the tax id ${JSON.stringify(change.to)}`
        : `read ${JSON.stringify(change.from)}; ${change.agreeing} other receipts of seller ${change.taxId} give the ${what} ${JSON.stringify(change.to)}`,
    fields: [change.field],
  };
}

/** `record` with the corrections of `changes` that concern it (matched by `id`). */
export function withConsensus<Id>(id: Id, record: ReceiptRecord, changes: readonly ConsensusChange<Id>[]): ReceiptRecord {
  const mine = changes.filter((c) => c.id === id);
  if (mine.length === 0) return record;
  const fields = { ...record.fields };
  for (const change of mine) fields[change.field] = { ...fields[change.field], value: change.to };
  return { ...record, fields, validations: [...record.validations, ...mine.map(consensusValidation)] };
}
