import { consensusValidation, exactFields, vendorConsensus, type ConsensusField } from '../../extractors/checks/vendor-consensus.js';
import type { Database } from '../db/database.js';

const COLUMN: Record<ConsensusField, string> = { vendorTaxId: 'vendor_tax_id', vendorName: 'vendor_name', vendorAddress: 'vendor_address' };

export interface ConsensusCounts {
  taxIds: number;
  names: number;
  addresses: number;
}

/**
 * The end of a run: every stored seller with three receipts or more (by tax id) gets one tax id, one name
 * and one address where a receipt read a slip of what the others agree on
 * (extractors/checks/vendor-consensus.ts).
 * All stored receipts take part, not only this run's: the receipt that tips a seller's majority may
 * arrive a week after the misread one. Each correction is noted in the receipt's validations, and the
 * field's evidence keeps the text it was read from.
 *
 * One transaction, and stable: a run that brings nothing new changes nothing, and a run the database
 * failed under is finished by the next one.
 */
export async function agreeSellerReadings(db: Database): Promise<ConsensusCounts> {
  const { rows } = await db.query<{ document_id: number; vendor_tax_id: string; vendor_name: string | null; vendor_address: string | null; sources: Record<ConsensusField, string | null> }>(
    `SELECT document_id, vendor_tax_id, vendor_name, vendor_address,
            jsonb_build_object('vendorTaxId', fields->'vendorTaxId'->>'source', 'vendorName', fields->'vendorName'->>'source',
                               'vendorAddress', fields->'vendorAddress'->>'source') AS sources
     FROM receipts WHERE vendor_tax_id IS NOT NULL ORDER BY document_id`,
  );
  const changes = vendorConsensus(
    rows.map((r) => ({
      id: r.document_id,
      vendorTaxId: r.vendor_tax_id,
      vendorName: r.vendor_name,
      vendorAddress: r.vendor_address,
      exact: exactFields((field) => r.sources[field]),
    })),
  );
  if (changes.length > 0) {
    await db.transaction(async (tx) => {
      for (const change of changes) {
        const column = COLUMN[change.field];
        await tx.query(
          `UPDATE receipts
           SET ${column} = $2,
               fields = jsonb_set(fields, ARRAY[$3::text, 'value'], to_jsonb($2::text)),
               validations = validations || $4::jsonb,
               updated_at = now()
           WHERE document_id = $1`,
          [change.id, change.to, change.field, JSON.stringify([consensusValidation(change)])],
        );
      }
    });
  }
  const counted = (field: ConsensusField) => changes.filter((c) => c.field === field).length;
  return { taxIds: counted('vendorTaxId'), names: counted('vendorName'), addresses: counted('vendorAddress') };
}
