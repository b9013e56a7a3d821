/**
 * Stage `classify`: what kind of document this is, from its text and type. Receipts and invoices carry
 * money and the words that go with it; site photos are camera images with little or no text.
 */
import type { PageText } from '../../extractors/types.js';

export type DocumentKind = 'receipt' | 'invoice' | 'site_photo' | 'other';
export type Locale = 'MY' | 'TW' | 'US';

// A currency mark in front of a number counts as a money word: receipts whose labels OCR garbled
// (`Cis  RM 170. oo`) still print RM / NT$ / MYR next to their amounts.
const MONEY_WORDS = /\b(total|subtotal|sub-total|amount|cash|change|gst|sst|vat|tax|rounding|qty|price|receipt|invoice|bill|paid|payment|balance|myr|ntd)\b|\brm(?=\s?\d)|nt\$(?=\s?\d)|總計|合計|小計|金額|應付|收據|發票|統一編號|統編|稅額|營業稅|銷售額|找零|現金|數量|單價/gi;
const INVOICE_WORDS = /\b(tax invoice|invoice)\b|統一發票|電子發票|發票號碼|三聯式|二聯式/i;
// Taiwan prints whole dollars after a bare `$` (`總計:$80`).
const AMOUNT = /\d[\d,]*\.\d{2}\b|\d{2,}\s*元|\$\s*\d/g;

export interface Classification {
  kind: DocumentKind;
  locale: Locale;
  /** Signals behind the decision, kept for debugging and tests. */
  signals: { chars: number; moneyWords: number; amounts: number; cjkShare: number; confidence: number };
}

export function classifyDocument(pages: PageText[], fileType: string | null): Classification {
  const text = pages.map((p) => p.text).join('\n');
  const chars = text.replace(/\s/g, '').length;
  const moneyWords = (text.match(MONEY_WORDS) ?? []).length;
  const amounts = (text.match(AMOUNT) ?? []).length;
  const cjk = (text.match(/[\u3400-\u9fff]/g) ?? []).length;
  const cjkShare = chars > 0 ? cjk / chars : 0;
  const locale = detectLocale(text, cjkShare);
  const confidence = pages.length > 0 ? pages.reduce((sum, p) => sum + p.confidence, 0) / pages.length : 0;
  const signals = { chars, moneyWords, amounts, cjkShare, confidence };
  // OCR of a photo of a scene reads texture as letters with very low confidence (site photos measured
  // 0.18-0.38 mean confidence, receipt scans 0.7+): such an image is a photo, whatever the noise spells.
  const camera = fileType !== null && fileType !== 'pdf';
  if (camera && ((chars < 60 && moneyWords < 2 && amounts < 1) || (confidence < 0.45 && moneyWords < 3 && amounts < 2))) return { kind: 'site_photo', locale, signals };
  if (moneyWords >= 2 || (moneyWords >= 1 && amounts >= 1) || amounts >= 3) {
    return { kind: INVOICE_WORDS.test(text) ? 'invoice' : 'receipt', locale, signals };
  }
  return { kind: 'other', locale, signals };
}

function detectLocale(text: string, cjkShare: number): Locale {
  if (cjkShare > 0.05 || /NT\s?\$|NTD|新[台臺]幣|統一編號/.test(text)) return 'TW';
  if (/\bRM\s?\d|\bMYR\b|SDN\.?\s*BHD|\bGST\b|\bSST\b|MALAYSIA|JALAN|\bJLN\b|SELANGOR|JOHOR|KUALA LUMPUR/i.test(text)) return 'MY';
  if (/\bUSD\b|US\$|\bSALES TAX\b/i.test(text)) return 'US';
  return 'MY';
}
