/**
 * Merges what the extractors found into one record. Order of trust, per field:
 * 1. e-invoice QR values (exact, written by the seller's system);
 * 2. a value that passes its own check (checksum, calendar, format) over one that does not;
 * 3. agreement between the model and the rules raises confidence; disagreement lowers it and sends the
 *    record to review with both values in the reason.
 */
import type { LineItem, ReceiptFieldName, ReceiptFields, ReceiptRecord } from '../schemas/receipt.js';
import type { QrReceipt } from './qr/einvoice-fields.js';
import type { LlmReceipt } from './ollama/receipt-extractor.js';
import { isDecimal, sameAmount } from './rules/amounts.js';
import { compactInvoiceNumber, isInvoiceNumber, isValidTaiwanTaxId } from './rules/taiwan.js';

const MONEY: ReceiptFieldName[] = ['subtotal', 'tax', 'total'];

const LLM_KEYS: Record<ReceiptFieldName, keyof LlmReceipt> = {
  vendorName: 'vendor_name',
  vendorAddress: 'vendor_address',
  vendorTaxId: 'vendor_tax_id',
  buyerTaxId: 'buyer_tax_id',
  invoiceNumber: 'invoice_number',
  date: 'date',
  currency: 'currency',
  subtotal: 'subtotal',
  tax: 'tax',
  total: 'total',
  paymentMethod: 'payment_method',
};

function normaliseText(value: string): string {
  return value.normalize('NFKC').replace(/[\s,.\-]+/g, ' ').trim().toUpperCase();
}

function same(name: ReceiptFieldName, a: string, b: string): boolean {
  if (MONEY.includes(name)) return sameAmount(a, b);
  if (name === 'invoiceNumber' || name === 'vendorTaxId' || name === 'buyerTaxId') return a.replace(/[\s-]/g, '') === b.replace(/[\s-]/g, '');
  return normaliseText(a) === normaliseText(b);
}

/** Whether a single value is well-formed on its own (no cross-field arithmetic here). */
function selfValid(name: ReceiptFieldName, value: string): boolean {
  switch (name) {
    case 'subtotal':
    case 'tax':
    case 'total':
      return isDecimal(value);
    case 'date': {
      const d = new Date(`${value}T00:00:00Z`);
      return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value);
    }
    case 'vendorTaxId':
    case 'buyerTaxId':
      return /^\d{8}$/.test(value) ? isValidTaiwanTaxId(value) : value.length > 0;
    case 'invoiceNumber':
      return /^[A-Z]{2}-?\d{8}$/.test(value) ? isInvoiceNumber(value.replace('-', '')) : value.length > 0;
    case 'currency':
      return /^[A-Z]{3}$/.test(value);
    default:
      return value.trim().length > 0;
  }
}

export interface MergeInput {
  offline: ReceiptRecord;
  qr?: QrReceipt | undefined;
  llm?: { value: LlmReceipt; model: string } | undefined;
}

function llmLineItems(value: LlmReceipt): LineItem[] {
  return value.line_items.map((item) => ({
    description: item.description,
    quantity: item.quantity,
    unitPrice: item.unit_price,
    amount: item.amount,
  }));
}

export function mergeReceipts({ offline, qr, llm }: MergeInput): ReceiptRecord {
  const fields = structuredClone(offline.fields) as ReceiptFields;
  // The offline pass's reasons describe its own fields; the validator recomputes them on the merged
  // record (a total the QR code supplied is no longer "missing").
  const reasons: string[] = qr || llm ? [] : [...offline.reviewReasons];
  for (const name of Object.keys(fields) as ReceiptFieldName[]) {
    const fromQr = qr?.fields[name];
    if (fromQr && fromQr.value !== null) {
      (fields[name] as ReceiptFields[typeof name]) = fromQr as ReceiptFields[typeof name];
      continue;
    }
    if (!llm) continue;
    const rules = fields[name];
    const modelValue = llm.value[LLM_KEYS[name]];
    const model = typeof modelValue === 'string' && modelValue.trim() !== '' ? modelValue.trim() : null;
    if (model === null) continue;
    if (rules.value === null) {
      // Only the model saw it: usable, but uncorroborated.
      fields[name] = { value: model, confidence: selfValid(name, model) ? 0.7 : 0.3, source: 'llm' } as ReceiptFields[typeof name];
      continue;
    }
    if (same(name, rules.value, model)) {
      fields[name] = { ...rules, confidence: Math.min(1, 1 - (1 - rules.confidence) * 0.3) } as ReceiptFields[typeof name];
      continue;
    }
    const rulesOk = selfValid(name, rules.value);
    const modelOk = selfValid(name, model);
    if (rulesOk && !modelOk) {
      fields[name] = { ...rules, confidence: Math.min(rules.confidence, 0.8) } as ReceiptFields[typeof name];
    } else if (modelOk && !rulesOk) {
      fields[name] = { value: model, confidence: 0.7, source: 'llm', ...(rules.evidence ? { evidence: rules.evidence } : {}) } as ReceiptFields[typeof name];
    } else {
      // Both plausible and different: the model read the image, the rules read OCR text; trust the
      // model a little more, but only a person can settle it.
      fields[name] = { value: model, confidence: 0.4, source: 'llm' } as ReceiptFields[typeof name];
      reasons.push(`disagreement_${name}: rules read "${rules.value}", model read "${model}"`);
    }
  }
  // One form of a Taiwan invoice number whichever reader gave it (the model may answer `AB-12345678`).
  const invoice = fields.invoiceNumber.value;
  if (invoice !== null && fields.currency.value === 'TWD') fields.invoiceNumber = { ...fields.invoiceNumber, value: compactInvoiceNumber(invoice) };
  let lineItems = offline.lineItems;
  if (qr && qr.lineItems.length > 0 && qr.itemsComplete) lineItems = qr.lineItems;
  else if (llm && llm.value.line_items.length > 0) lineItems = llmLineItems(llm.value);
  else if (qr && qr.lineItems.length > 0 && lineItems.length < qr.lineItems.length) lineItems = qr.lineItems;
  return {
    ...offline,
    fields,
    lineItems,
    // The offline checks speak about the offline values: one about a field the QR code or the model
    // replaced no longer applies (the validator recomputes its own checks on the merged record).
    validations: offline.validations.filter((v) => (v.fields as ReceiptFieldName[]).every((name) => fields[name].value === offline.fields[name].value)),
    reviewReasons: reasons,
    extractor: llm ? 'ollama' : offline.extractor,
    model: llm ? llm.model : offline.model,
  };
}
