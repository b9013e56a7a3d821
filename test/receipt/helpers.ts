import type { PageText, TextLine } from '../../extractors/types.js';
import { emptyField, ReceiptFields, type ReceiptRecord } from '../../schemas/receipt.js';

/** A synthetic page: each entry is one line; `[text, x]` places it at x (default 20); rows are 30 px apart. */
export function page(lines: (string | [string, number] | [string, number, number])[], options: { lineHeight?: number; width?: number } = {}): PageText {
  const h = options.lineHeight ?? 20;
  const out: TextLine[] = [];
  let y = 10;
  for (const entry of lines) {
    const [text, x, height] = typeof entry === 'string' ? [entry, 20, h] : [entry[0], entry[1], entry[2] ?? h];
    if (text !== '') {
      // `||` splits one printed row into a left and a right part, like OCR often does.
      const parts = text.split('||');
      let px = x;
      for (const part of parts) {
        const w = part.length * 10;
        out.push({ text: part.trim(), rawText: part.trim(), confidence: 0.9, bbox: { x0: px, y0: y, x1: px + w, y1: y + height }, words: [] });
        px = parts.length > 1 ? 400 : px + w + 10;
      }
    }
    y += height + 10;
  }
  return { pageNo: 1, source: 'ocr', text: out.map((l) => l.text).join('\n'), rawText: '', confidence: 0.9, width: options.width ?? 600, height: y + 10, lines: out };
}

/** A receipt record with every field empty except those given (value, confidence 0.9, from the rules). */
export function receiptRecord(fields: Partial<{ [K in keyof ReceiptFields]: ReceiptFields[K] }> = {}): ReceiptRecord {
  const all = Object.fromEntries(ReceiptFields.keyof().options.map((name) => [name, fields[name] ?? emptyField()])) as unknown as ReceiptFields;
  return { fields: all, lineItems: [], validations: [], needsReview: false, reviewReasons: [], confidence: 0.7, extractor: 'offline', model: null };
}
