/**
 * The receipt/invoice record: every field carries its value, a confidence, where it came from and
 * where on the page it was seen. Money and quantities are decimal strings end to end (NUMERIC in the
 * database), never floats.
 */
import { z } from 'zod';

/** A decimal number as text: optional minus, digits, optional fraction. */
export const DecimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal number such as 1234.50');
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export const FieldSource = z.enum(['qr', 'text-layer', 'rules', 'llm']);
export type FieldSource = z.infer<typeof FieldSource>;

export const BoxSchema = z.object({ x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() });

export const Evidence = z.object({
  /** 1-based page. */
  page: z.number().int().min(1),
  /** In the coordinates of the stored page (pages.width x pages.height). */
  box: BoxSchema.optional(),
  /** The text the value was read from. */
  text: z.string().optional(),
});
export type Evidence = z.infer<typeof Evidence>;

function field<T extends z.ZodType>(value: T) {
  return z.object({
    value: value.nullable(),
    confidence: z.number().min(0).max(1),
    source: FieldSource,
    evidence: Evidence.optional(),
  });
}

export const TextField = field(z.string().min(1));
export const MoneyField = field(DecimalString);
export const DateField = field(IsoDate);
export const CurrencyField = field(z.string().regex(/^[A-Z]{3}$/));
export type TextField = z.infer<typeof TextField>;
export type MoneyField = z.infer<typeof MoneyField>;

export const LineItem = z.object({
  description: z.string().min(1),
  quantity: DecimalString.nullable(),
  unitPrice: DecimalString.nullable(),
  amount: DecimalString.nullable(),
  evidence: Evidence.optional(),
});
export type LineItem = z.infer<typeof LineItem>;

export const ValidationResult = z.object({
  /** Stable name, e.g. 'lines_sum_to_subtotal', 'subtotal_plus_tax_is_total', 'vendor_tax_id_checksum'. */
  check: z.string(),
  passed: z.boolean(),
  detail: z.string(),
  /** The fields this check speaks about. */
  fields: z.array(z.string()).default([]),
});
export type ValidationResult = z.infer<typeof ValidationResult>;

export const ReceiptFields = z.object({
  vendorName: TextField,
  vendorAddress: TextField,
  vendorTaxId: TextField,
  buyerTaxId: TextField,
  invoiceNumber: TextField,
  date: DateField,
  currency: CurrencyField,
  subtotal: MoneyField,
  tax: MoneyField,
  total: MoneyField,
  paymentMethod: TextField,
});
export type ReceiptFields = z.infer<typeof ReceiptFields>;
export type ReceiptFieldName = keyof ReceiptFields;

export const ReceiptRecord = z.object({
  fields: ReceiptFields,
  lineItems: z.array(LineItem),
  validations: z.array(ValidationResult),
  needsReview: z.boolean(),
  reviewReasons: z.array(z.string()),
  /** Overall confidence 0..1 (the weakest of the key fields, see the validator). */
  confidence: z.number().min(0).max(1),
  /** 'offline' or 'ollama'. */
  extractor: z.string(),
  model: z.string().nullable(),
});
export type ReceiptRecord = z.infer<typeof ReceiptRecord>;

/** An empty field, for values nobody found. */
export function emptyField(source: FieldSource = 'rules'): { value: null; confidence: 0; source: FieldSource } {
  return { value: null, confidence: 0, source };
}
