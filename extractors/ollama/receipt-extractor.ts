/**
 * Receipt extraction with an Ollama vision model. The model sees the page image, the OCR text and the
 * offline candidates, and answers in a JSON schema derived from the zod schema below (so what it may
 * say and what we accept are one definition). Values come back as plain strings; `mergeReceipts`
 * decides what to keep.
 */
import { z } from 'zod';
import type { ReceiptRecord } from '../../schemas/receipt.js';
import type { OllamaClient } from './client.js';

const Money = z.string().regex(/^-?\d+(\.\d+)?$/).nullable().describe('decimal number without currency or thousands separators, e.g. 1234.50');

/** What the model must return. Snake case: models follow it more reliably than camelCase. */
export const LlmReceipt = z.object({
  vendor_name: z.string().nullable().describe('seller name as printed'),
  vendor_address: z.string().nullable().describe('seller address as printed, lines joined with a space'),
  vendor_tax_id: z.string().nullable().describe('seller tax / business registration id (Taiwan: 8-digit 統一編號)'),
  buyer_tax_id: z.string().nullable().describe('buyer tax id if printed (Taiwan: 買方 統一編號)'),
  invoice_number: z.string().nullable().describe('invoice or receipt number as printed'),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().describe('invoice date as YYYY-MM-DD (convert ROC years: 113年 = 2024)'),
  currency: z.string().regex(/^[A-Z]{3}$/).nullable().describe('ISO 4217 code, e.g. TWD, MYR, USD'),
  subtotal: Money,
  tax: Money,
  total: Money.describe('the amount payable, after tax and rounding'),
  payment_method: z.string().nullable().describe('cash, card, etc. if printed'),
  line_items: z
    .array(
      z.object({
        description: z.string().min(1),
        quantity: Money,
        unit_price: Money,
        amount: Money,
      }),
    )
    .describe('purchased items in printed order'),
});
export type LlmReceipt = z.infer<typeof LlmReceipt>;

const SYSTEM = [
  'You read receipts and invoices (English, Traditional Chinese, Malay) and return their fields as JSON.',
  'Copy values exactly as printed; never invent a value: use null when a field is not visible.',
  'Amounts are plain decimals without currency symbols or thousands separators.',
  'The total is the amount payable; cash tendered and change are not the total.',
].join(' ');

function candidatesText(offline: ReceiptRecord): string {
  const lines = Object.entries(offline.fields)
    .filter(([, field]) => field.value !== null)
    .map(([name, field]) => `${name}: ${field.value} (confidence ${field.confidence.toFixed(2)})`);
  return lines.length > 0 ? lines.join('\n') : '(none)';
}

export interface VisionExtractInput {
  /** The preprocessed page image(s), PNG or JPEG bytes. */
  images: Uint8Array[];
  /** OCR or text-layer text of the pages. */
  pageText: string;
  /** What the offline pass found, offered as hints the model may correct. */
  offline: ReceiptRecord;
}

export interface VisionExtractResult {
  value: LlmReceipt;
  model: string;
  attempts: number;
}

export async function extractReceiptWithOllama(client: OllamaClient, model: string, input: VisionExtractInput): Promise<VisionExtractResult> {
  const prompt = [
    'Extract the fields of this receipt or invoice.',
    '',
    'Text read from the page (may contain OCR errors):',
    input.pageText.slice(0, 6000),
    '',
    'Candidates found by rules (may be wrong):',
    candidatesText(input.offline),
  ].join('\n');
  const result = await client.chatJson(LlmReceipt, { model, system: SYSTEM, prompt, images: input.images });
  return { value: result.value, model, attempts: result.attempts };
}
