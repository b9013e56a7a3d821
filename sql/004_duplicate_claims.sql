-- Duplicate claims (extractors/checks/duplicate-claims.ts): a receipt that repeats the purchase of an
-- earlier document (the same invoice number; or the same seller, date and total) from another file.
-- Set and cleared by the pass at the end of every run (pipeline/store/duplicate-claims.ts), never by
-- extraction, so it also covers two copies read at the same time by one run. The earlier document keeps
-- NULL: it is the claim to book. If that document is ever deleted, the column turns NULL and the next
-- run takes the flag's check and reason off the receipt.
ALTER TABLE receipts ADD COLUMN duplicate_of bigint REFERENCES documents (id) ON DELETE SET NULL;
CREATE INDEX receipts_duplicate_of_idx ON receipts (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- receipts_v gains the column at its end (views only ever gain columns).
CREATE OR REPLACE VIEW receipts_v AS
SELECT r.document_id,
       d.original_path AS source_file,
       d.kind,
       r.vendor_name,
       r.vendor_address,
       r.vendor_tax_id,
       r.buyer_tax_id,
       r.invoice_number,
       r.invoice_date  AS date,
       r.currency,
       r.subtotal,
       r.tax,
       r.total,
       r.payment_method,
       r.needs_review,
       r.review_reasons,
       r.confidence,
       r.extractor,
       r.model,
       d.processed_at,
       r.duplicate_of
FROM receipts r
JOIN documents d ON d.id = r.document_id;
