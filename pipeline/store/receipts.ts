import type { ReceiptRecord } from '../../schemas/receipt.js';
import type { Queryable } from '../db/database.js';

/** Replaces a document's receipt and line items (call inside the document's transaction). */
export async function saveReceipt(q: Queryable, documentId: number, record: ReceiptRecord): Promise<number> {
  const f = record.fields;
  await q.query('DELETE FROM receipts WHERE document_id = $1', [documentId]);
  const inserted = await q.query<{ id: number }>(
    `INSERT INTO receipts (document_id, vendor_name, vendor_address, vendor_tax_id, buyer_tax_id, invoice_number,
                           invoice_date, currency, subtotal, tax, total, payment_method, fields, validations,
                           needs_review, review_reasons, confidence, extractor, model)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14::jsonb, $15, $16, $17, $18, $19)
     RETURNING id`,
    [
      documentId,
      f.vendorName.value,
      f.vendorAddress.value,
      f.vendorTaxId.value,
      f.buyerTaxId.value,
      f.invoiceNumber.value,
      f.date.value,
      f.currency.value,
      f.subtotal.value,
      f.tax.value,
      f.total.value,
      f.paymentMethod.value,
      JSON.stringify(f),
      JSON.stringify(record.validations),
      record.needsReview,
      record.reviewReasons,
      Math.min(1, Math.max(0, record.confidence)),
      record.extractor,
      record.model,
    ],
  );
  const receiptId = inserted.rows[0]!.id;
  for (const [index, item] of record.lineItems.entries()) {
    await q.query(
      `INSERT INTO line_items (receipt_id, position, description, quantity, unit_price, amount) VALUES ($1, $2, $3, $4, $5, $6)`,
      [receiptId, index + 1, item.description, item.quantity, item.unitPrice, item.amount],
    );
  }
  return receiptId;
}
