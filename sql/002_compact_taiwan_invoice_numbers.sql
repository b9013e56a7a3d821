-- Taiwan uniform invoice numbers are kept in their 10 characters (AB12345678), whichever reader gave
-- them: the form the e-invoice platform and the 401 VAT filing use. Receipts filed before this version
-- kept the printed AB-12345678 when it came from an e-invoice's QR codes or the vision model; this
-- writes them in the same form, in the column and in the field record.
UPDATE receipts
SET invoice_number = replace(invoice_number, '-', ''),
    fields = jsonb_set(fields, '{invoiceNumber,value}', to_jsonb(replace(invoice_number, '-', '')), false),
    updated_at = now()
WHERE currency = 'TWD' AND invoice_number ~ '^[A-Z]{2}-[0-9]{8}$';
