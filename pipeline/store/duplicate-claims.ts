import {
  DUPLICATE_CHECK,
  duplicateClaimValidation,
  findDuplicateClaims,
  type ClaimKey,
  type DuplicateClaim,
} from '../../extractors/checks/duplicate-claims.js';
import { reviewNeeded } from '../../extractors/checks/validate-receipt.js';
import type { ValidationResult } from '../../schemas/receipt.js';
import type { Database, Queryable } from '../db/database.js';

export interface DuplicateClaimCounts {
  /** Receipts newly flagged as repeating an earlier document (or now repeating another one). */
  flagged: number;
  /** Receipts flagged before that nothing repeats any more (the earlier one was read again and differs). */
  cleared: number;
}

interface ClaimRow {
  document_id: number;
  vendor_tax_id: string | null;
  vendor_name: string | null;
  invoice_number: string | null;
  date: string | null;
  total: string | null;
}

const KEY_COLUMNS = `document_id, vendor_tax_id, vendor_name, invoice_number, invoice_date::text AS date, total::text AS total`;

function claimKey(row: ClaimRow): ClaimKey {
  return {
    documentId: Number(row.document_id),
    vendorTaxId: row.vendor_tax_id,
    vendorName: row.vendor_name,
    invoiceNumber: row.invoice_number,
    date: row.date,
    total: row.total,
  };
}

/**
 * The pairs that could be one purchase (mayRepeat in extractors/checks/duplicate-claims.ts), found by
 * equality joins, so a store of a hundred thousand receipts is hashed, never compared pair by pair.
 * Which of them are one purchase is decided there too.
 */
async function candidatePairs(q: Queryable): Promise<{ later: ClaimKey; earlier: ClaimKey }[]> {
  const pairsOn = (condition: string) =>
    `SELECT later.document_id AS later_id, earlier.document_id AS earlier_id
     FROM receipts later JOIN receipts earlier ON ${condition} AND earlier.document_id < later.document_id`;
  const { rows } = await q.query<{ later_id: number; earlier_id: number }>(
    [
      pairsOn('earlier.invoice_number = later.invoice_number'),
      pairsOn('earlier.invoice_date = later.invoice_date AND earlier.total = later.total'),
      pairsOn('earlier.vendor_tax_id = later.vendor_tax_id AND earlier.invoice_date = later.invoice_date AND (earlier.total IS NULL OR later.total IS NULL)'),
    ].join('\nUNION\n'),
  );
  if (rows.length === 0) return [];
  const ids = [...new Set(rows.flatMap((r) => [Number(r.later_id), Number(r.earlier_id)]))];
  const keys = await q.query<ClaimRow>(`SELECT ${KEY_COLUMNS} FROM receipts WHERE document_id = ANY($1::bigint[])`, [ids]);
  const byId = new Map(keys.rows.map((row) => [Number(row.document_id), claimKey(row)]));
  return rows.map((r) => ({ later: byId.get(Number(r.later_id))!, earlier: byId.get(Number(r.earlier_id))! }));
}

/**
 * The end of a run: every stored receipt that repeats the purchase of an earlier document is flagged
 * (`duplicate_of`, a `duplicate_claim` check among its validations and reasons, needs_review), and a
 * flag nothing supports any more is taken off. All stored receipts take part, not only this run's: the
 * copy may arrive a month after the original, and two copies in one run are read side by side, so only
 * a pass after both are stored sees them both.
 *
 * One transaction, and stable: a run that brings nothing new changes nothing.
 */
export async function flagDuplicateClaims(db: Database): Promise<DuplicateClaimCounts> {
  const claims = findDuplicateClaims(await candidatePairs(db));
  const wanted = new Map(claims.map((claim) => [claim.documentId, claim]));
  // Flagged receipts: by the column, and by the check, which outlives the column when the earlier
  // document is deleted (ON DELETE SET NULL).
  const { rows: flagged } = await db.query<{ document_id: number; duplicate_of: number | null }>(
    `SELECT document_id, duplicate_of FROM receipts
     WHERE duplicate_of IS NOT NULL OR validations @> $1::jsonb`,
    [JSON.stringify([{ check: DUPLICATE_CHECK }])],
  );
  const current = new Map(flagged.map((r) => [Number(r.document_id), r.duplicate_of === null ? null : Number(r.duplicate_of)]));
  const changed = [
    ...claims.filter((claim) => current.get(claim.documentId) !== claim.duplicateOf),
    ...[...current.keys()].filter((id) => !wanted.has(id)).map((id) => ({ documentId: id, duplicateOf: null })),
  ];
  if (changed.length === 0) return { flagged: 0, cleared: 0 };
  await db.transaction(async (tx) => {
    for (const change of changed) await setClaim(tx, change.documentId, 'basis' in change ? change : null);
  });
  const cleared = changed.filter((change) => !('basis' in change)).length;
  return { flagged: changed.length - cleared, cleared };
}

/** Writes one receipt's flag: the column, its check and reason (replacing any earlier one), needs_review. */
async function setClaim(q: Queryable, documentId: number, claim: DuplicateClaim | null): Promise<void> {
  const { rows } = await q.query<{ validations: ValidationResult[]; review_reasons: string[] }>(
    `SELECT validations, review_reasons FROM receipts WHERE document_id = $1`,
    [documentId],
  );
  const row = rows[0];
  if (!row) return;
  let validations = row.validations.filter((v) => v.check !== DUPLICATE_CHECK);
  let reasons = row.review_reasons.filter((reason) => !reason.startsWith(`${DUPLICATE_CHECK}:`));
  if (claim) {
    const earlier = await q.query<ClaimRow & { source_file: string }>(
      `SELECT ${KEY_COLUMNS}, d.original_path AS source_file
       FROM receipts r JOIN documents d ON d.id = r.document_id WHERE r.document_id = $1`,
      [claim.duplicateOf],
    );
    const validation = duplicateClaimValidation(claim, { ...claimKey(earlier.rows[0]!), sourceFile: earlier.rows[0]!.source_file });
    validations = [...validations, validation];
    reasons = [...reasons, `${validation.check}: ${validation.detail}`];
  }
  await q.query(
    `UPDATE receipts
     SET duplicate_of = $2, validations = $3::jsonb, review_reasons = $4, needs_review = $5, updated_at = now()
     WHERE document_id = $1`,
    [documentId, claim?.duplicateOf ?? null, JSON.stringify(validations), reasons, reviewNeeded(reasons, validations)],
  );
}
