import { DUPLICATE_CHECK, duplicateClaimValidation, findDuplicateClaims, type ClaimKey } from '../../extractors/checks/duplicate-claims.js';
import { reviewNeeded } from '../../extractors/checks/validate-receipt.js';
import type { ValidationResult } from '../../schemas/receipt.js';
import type { Database, Queryable } from '../db/database.js';

export interface DuplicateClaimCounts {
  /** Receipts newly flagged as repeating an earlier document (or now another one, or with a new note). */
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
 * a pass after both are stored sees them both. A flag whose note no longer fits (the earlier document
 * was read again and still matches, on another basis or with other values) is written again.
 *
 * One transaction, and stable: a run that brings nothing new changes nothing.
 */
export async function flagDuplicateClaims(db: Database): Promise<DuplicateClaimCounts> {
  const pairs = await candidatePairs(db);
  const claims = findDuplicateClaims(pairs);
  const keyOf = new Map(pairs.flatMap(({ later, earlier }) => [[later.documentId, later], [earlier.documentId, earlier]] as const));
  const files = await sourceFiles(db, [...new Set(claims.map((claim) => claim.duplicateOf))]);
  const wanted = new Map(
    claims.map((claim) => [claim.documentId, { claim, note: duplicateClaimValidation(claim, { ...keyOf.get(claim.duplicateOf)!, sourceFile: files.get(claim.duplicateOf) ?? '' }) }]),
  );
  // Flagged receipts with their note: by the column, and by the check, which outlives the column when
  // the earlier document is deleted (ON DELETE SET NULL).
  const { rows: flagged } = await db.query<{ document_id: number; duplicate_of: number | null; detail: string | null }>(
    `SELECT document_id, duplicate_of,
            (SELECT v->>'detail' FROM jsonb_array_elements(validations) v WHERE v->>'check' = $1 LIMIT 1) AS detail
     FROM receipts
     WHERE duplicate_of IS NOT NULL OR validations @> $2::jsonb`,
    [DUPLICATE_CHECK, JSON.stringify([{ check: DUPLICATE_CHECK }])],
  );
  const current = new Map(flagged.map((r) => [Number(r.document_id), { duplicateOf: r.duplicate_of === null ? null : Number(r.duplicate_of), detail: r.detail }]));
  const toFlag = [...wanted.values()].filter(({ claim, note }) => {
    const now = current.get(claim.documentId);
    return now?.duplicateOf !== claim.duplicateOf || now.detail !== note.detail;
  });
  const toClear = [...current.keys()].filter((id) => !wanted.has(id));
  if (toFlag.length + toClear.length === 0) return { flagged: 0, cleared: 0 };
  await db.transaction(async (tx) => {
    for (const { claim, note } of toFlag) await setClaim(tx, claim.documentId, claim.duplicateOf, note);
    for (const id of toClear) await setClaim(tx, id, null, null);
  });
  return { flagged: toFlag.length, cleared: toClear.length };
}

/** The files the documents were registered from, by document id. */
async function sourceFiles(q: Queryable, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await q.query<{ id: number; original_path: string }>(`SELECT id, original_path FROM documents WHERE id = ANY($1::bigint[])`, [ids]);
  return new Map(rows.map((r) => [Number(r.id), r.original_path]));
}

/** Writes one receipt's flag: the column, its check and reason (replacing any earlier one), needs_review. */
async function setClaim(q: Queryable, documentId: number, duplicateOf: number | null, note: ValidationResult | null): Promise<void> {
  const { rows } = await q.query<{ validations: ValidationResult[]; review_reasons: string[] }>(
    `SELECT validations, review_reasons FROM receipts WHERE document_id = $1`,
    [documentId],
  );
  const row = rows[0];
  if (!row) return;
  const validations = [...row.validations.filter((v) => v.check !== DUPLICATE_CHECK), ...(note ? [note] : [])];
  const reasons = [...row.review_reasons.filter((reason) => !reason.startsWith(`${DUPLICATE_CHECK}:`)), ...(note ? [`${note.check}: ${note.detail}`] : [])];
  await q.query(
    `UPDATE receipts
     SET duplicate_of = $2, validations = $3::jsonb, review_reasons = $4, needs_review = $5, updated_at = now()
     WHERE document_id = $1`,
    [documentId, duplicateOf, JSON.stringify(validations), reasons, reviewNeeded(reasons, validations)],
  );
}
