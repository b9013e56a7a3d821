/**
 * Turns decoded e-invoice QR data into receipt fields. QR values are exact (the seller's system wrote
 * them), so they are marked `qr` with confidence 1 and win over anything read from the print.
 */
import type { LineItem, ReceiptFields } from '../../schemas/receipt.js';
import { multiplyDecimal, subtractDecimal } from '../rules/amounts.js';
import type { EInvoiceQrData } from './einvoice-payload.js';

export interface QrReceipt {
  fields: Partial<ReceiptFields>;
  lineItems: LineItem[];
  /** False when the right code was missing and items were left out. */
  itemsComplete: boolean;
}

function exact(value: string | null, page: number) {
  return { value, confidence: value === null ? 0 : 1, source: 'qr' as const, evidence: { page, text: 'e-invoice QR code' } };
}

export function fieldsFromEInvoice(data: EInvoiceQrData, page = 1): QrReceipt {
  // An untaxed amount of 0 means the seller did not split the tax (B2C receipts): leave subtotal/tax unknown.
  const split = data.untaxedAmount !== '0';
  const fields: Partial<ReceiptFields> = {
    invoiceNumber: exact(data.invoiceNumber, page),
    date: exact(data.date, page),
    total: exact(data.totalAmount, page),
    currency: exact('TWD', page),
    vendorTaxId: exact(data.sellerTaxId, page),
    ...(data.buyerTaxId ? { buyerTaxId: exact(data.buyerTaxId, page) } : {}),
    ...(split ? { subtotal: exact(data.untaxedAmount, page), tax: exact(subtractDecimal(data.totalAmount, data.untaxedAmount), page) } : {}),
  };
  const lineItems: LineItem[] = data.items.map((item) => ({
    description: item.name,
    quantity: item.quantity,
    unitPrice: item.unitPrice,
    amount: multiplyDecimal(item.quantity, item.unitPrice),
    evidence: { page, text: 'e-invoice QR code' },
  }));
  return { fields, lineItems, itemsComplete: data.items.length >= data.itemCountTotal };
}
