/**
 * Identifiers and small facts on a receipt: invoice/receipt number, seller and buyer tax ids, payment
 * method and currency. Each returns the row it was read from so the record can cite it.
 */
import { detectCurrency } from '../rules/amounts.js';
import { editDistance } from '../rules/edit-distance.js';
import { findInvoiceNumbers, findTaxIds, isValidTaiwanTaxId } from '../rules/taiwan.js';
import { BUYER_ROW } from './header.js';
import type { Row } from './layout.js';
import { findAmounts } from './money.js';

export interface Found {
  value: string;
  row: Row;
  confidence: number;
}

// `Involce`: OCR reads the I of INVOICE as l. TRN and CB (cash bill) are the transaction and bill numbers of
// some tills (`TRN: CR0008964`, `CB#: 398313`); `DO No` is a delivery order's (or a `Doc No` that lost its c).
const INVOICE_LABEL = /\b(?:INVO[IL1]CE|INV|RECEIPT|RCPT|BILL|DOC(?:UMENT)?|TRANS(?:ACTION)?|SLIP|ORDER|REF|CHECK|CHK|TRX|TXN|TRN|CB(?=\s*[#:])|DO(?=\s*NO\b))\s*(?:NO|NUMBER|NUM|#|ID)?\b\.?\s*[:#.]*\s*|發票號碼|收據號碼|單號/i;
const INVOICE_VALUE = /([A-Z0-9][A-Z0-9/-]{3,24}[0-9])/i;
/** A label that names a number (`No`, `#`, `ID`, a colon after it), not only the kind of document. */
const ASKS_FOR_NUMBER = /(?:\b(?:NO|NUMBER|NUM|ID)\b|[#:])\.?\s*[:#.]*\s*$|發票號碼|收據號碼|單號/i;

/** Taiwan uniform invoice number: two capitals + 8 digits (`AB-12345678` → `AB12345678`). */
export function findTaiwanInvoiceNumber(rows: Row[]): Found | null {
  for (const row of rows) {
    const m = findInvoiceNumbers(row.text)[0];
    if (m) return { value: m.value, row, confidence: (/發票|INVOICE/i.test(row.text) ? 0.95 : 0.7) * (m.repaired ? 0.85 : 1) };
  }
  return null;
}

const LABEL_WORDS = ['INVOICE', 'RECEIPT', 'NUMBER'];

/**
 * A row with the words of a number's label as printed, where OCR garbled them: `INV0ICE N0`, `INVDICE`,
 * `nvoice`, `Raceipt #`, `Recalpt #` (two letters off, taken only right before `#`, `No` or a colon),
 * `Invoi ce nunber`, `TAXINV:`. Other text is left as it is, so a value read after the label is unchanged.
 */
export function readLabelWords(text: string): string {
  const near = (word: string, limit: number): string | undefined => {
    const letters = word.toUpperCase().replace(/0/g, 'O').replace(/1/g, 'I');
    return LABEL_WORDS.find((label) => editDistance(letters, label, limit) <= limit);
  };
  return (
    text
      .replace(/\bTAXINV\b/gi, 'TAX INV')
      // A label word split in two (`Invoi ce`): joined when together they are one and apart they are not.
      .replace(/\b([A-Za-z]{3,6}) ([A-Za-z]{1,3})\b/g, (pair: string, a: string, b: string) => (near(a + b, 1) && !near(a, 1) ? a + b : pair))
      .replace(/\b([A-Za-z][A-Za-z0-9]{4,7})\b(?=(\s*(?:#|:|N[O0]\b))?)/g, (word: string, _w: string, labelSyntax: string | undefined) => {
        if (!/[A-Za-z].*[A-Za-z].*[A-Za-z]/.test(word)) return word;
        return near(word, labelSyntax !== undefined && word.length >= 6 ? 2 : 1) ?? word;
      })
      .replace(/\b(INVOICE|RECEIPT)\s*N0\b/gi, '$1 NO')
  );
}

/** A labelled invoice/receipt/document number; the label may sit on the row above. */
export function findInvoiceNumber(rows: Row[], locale: string): Found | null {
  if (locale === 'TW') {
    const tw = findTaiwanInvoiceNumber(rows);
    if (tw) return tw;
  }
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i]!;
    const text = readLabelWords(row.text);
    const m = INVOICE_LABEL.exec(text);
    if (!m || /\bNO\b/i.test(m[0]) === false && /\b(?:TRANS|ORDER|REF|CHECK|DOC)\b/i.test(m[0]) && !/[:#]/.test(m[0])) continue;
    if (/GST|TAX\s*ID|REG/i.test(text.slice(0, m.index))) continue;
    let rest = text.slice(m.index + m[0].length);
    let valueRow = row;
    // The number may sit on the row under a label that asks for one (`Invoice No:`), never under a
    // document's title (`TAX INVOICE`, `-INVOICE-`), which is followed by whatever the slip prints next:
    // its first item, the GST id, a date.
    if (!INVOICE_VALUE.test(rest) && rows[i + 1] && ASKS_FOR_NUMBER.test(m[0])) {
      rest = rows[i + 1]!.text.replace(/^[\s:#]+/, '');
      valueRow = rows[i + 1]!;
    }
    const v = INVOICE_VALUE.exec(rest);
    if (!v) continue;
    if (/^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$/.test(v[1]!)) continue;
    return { value: v[1]!.toUpperCase(), row: valueRow, confidence: 0.8 };
  }
  return numberUnderTitle(rows);
}

/** A document's title standing alone on its row: `TAX INVOICE`, `-INVOICE-`, `OFFICIAL RECEIPT`, `CASH BILL`. */
const DOCUMENT_TITLE = /^\W*(?:(?:SIMPLIFIED\s+)?(?:FULL\s+)?TAX\s+)?INVO[IL1]CE\W*$|^\W*(?:OFFICIAL\s+)?RECEIPT\W*$|^\W*CASH\s*BILL\W*$/i;
/** A bare `No:` and the code after it, with no word before it that names another number (`GST ID No`, `Table No`). */
const BARE_NUMBER = /(?:^|(?<=[\d\s]))N[O0]\s*[.:#]+\s*([A-Z0-9][A-Z0-9/-]{3,24}[0-9])/i;

/**
 * The number a title's own row group gives without naming it: `Tax Invoice` / `27/03/2018 No :CS-20243`.
 * Under a document's title, a bare `No:` (after nothing but a date or a time) is that document's number.
 */
function numberUnderTitle(rows: Row[]): Found | null {
  for (const [i, row] of rows.entries()) {
    if (!DOCUMENT_TITLE.test(row.text)) continue;
    for (const below of rows.slice(i + 1, i + 3)) {
      const m = BARE_NUMBER.exec(below.text);
      if (!m) continue;
      const before = below.text.slice(0, m.index).trim();
      if (before !== '' && !/^[\d/.:\s-]+(?:AM|PM)?$/i.test(before)) continue;
      return { value: m[1]!.toUpperCase(), row: below, confidence: 0.6 };
    }
  }
  return null;
}

const TAX_ID_LABEL = /\b(?:GST|SST|VAT|TAX)\s*(?:REG(?:ISTRATION)?\.?\s*)?(?:NO|ID|#|NUMBER)?\b\.?\s*[:.#]*\s*|統一編號|統編|賣方/i;

/**
 * The 統一編號 of each labelled Taiwan tax id, with its role: the label's own (賣方, 買方, 買受人), or for a
 * bare 統一編號/統編 the block it sits in: the row under a buyer's name row (`買方 彩理實業有限公司` /
 * `統一編號: 53812386`) or after a buyer label on the same row is the buyer's.
 */
function labelledTaxIds(rows: Row[]): Array<{ id: string; role: 'seller' | 'buyer'; row: Row }> {
  const out: Array<{ id: string; role: 'seller' | 'buyer'; row: Row }> = [];
  rows.forEach((row, i) => {
    const previous = rows[i - 1];
    const underBuyer = previous !== undefined && BUYER_ROW.test(previous.text) && findTaxIds(previous.text).length === 0;
    for (const match of findTaxIds(row.text)) {
      if (!match.valid) continue;
      let role: 'seller' | 'buyer';
      if (match.role !== 'unspecified') role = match.role;
      else role = underBuyer || BUYER_ROW.test(row.text.slice(0, match.index)) ? 'buyer' : 'seller';
      out.push({ id: match.id, role, row });
    }
  });
  return out;
}

/** An 8-digit run that is not part of a longer code (`RC-82802197`, a phone number). */
const BARE_TAX_ID = /(?<![\dA-Za-z-])(\d{8})(?![\d-])/g;

/** The seller's tax registration: GST/SST number (MY) or a checksum-valid 統一編號 (TW). */
export function findVendorTaxId(rows: Row[], locale: string): Found | null {
  const ids = labelledTaxIds(rows);
  const labelled = ids.find((match) => match.role === 'seller');
  if (labelled) return { value: labelled.id, row: labelled.row, confidence: 0.9 };
  // The buyer's number (`統一編號: 53212539` under `買受人: …`) is never the seller's, even when the
  // seller prints none.
  const buyerRows = new Set(ids.filter((match) => match.role === 'buyer').map((match) => match.row));
  for (const row of rows) {
    if (buyerRows.has(row)) continue;
    if (locale === 'TW' || /統一編號|統編/.test(row.text)) {
      for (const m of row.text.matchAll(BARE_TAX_ID)) {
        if (isValidTaiwanTaxId(m[1]!) && !BUYER_ROW.test(row.text)) return { value: m[1]!, row, confidence: 0.75 };
      }
    }
    const m = TAX_ID_LABEL.exec(row.text);
    if (!m || BUYER_ROW.test(row.text)) continue;
    // Digit groups printed apart are one number (`0016 6993 5104`).
    const rest = row.text.slice(m.index + m[0].length).replace(/(?<=\d)\s+(?=\d)/g, '');
    // A trailing check letter belongs to the number (Singapore GST/UEN `201812345K`, `M2-0012345-6` has none),
    // and so does a leading one standing alone (`M2-…`), never the end of a word (`TAX REG ID CBP 000709361664`).
    const v = /((?<![A-Za-z])[A-Z]\d[\d-]{5,18}\d(?:-?[A-Z](?![A-Za-z0-9]))?|\d[\d-]{5,18}\d(?:-?[A-Z](?![A-Za-z0-9]))?)/i.exec(rest);
    if (v) return { value: v[1]!, row, confidence: 0.8 };
  }
  return null;
}

/** The buyer's 統一編號 (買方, 買受人, or a 統一編號 in the buyer's block), Taiwan only. */
export function findBuyerTaxId(rows: Row[]): Found | null {
  const labelled = labelledTaxIds(rows).find((match) => match.role === 'buyer');
  if (labelled) return { value: labelled.id, row: labelled.row, confidence: 0.9 };
  for (const row of rows) {
    const label = BUYER_ROW.exec(row.text);
    if (!label) continue;
    // Only after the label: `賣方53212539 買方` (no buyer) prints the seller's number first.
    const after = row.text.slice(label.index + label[0].length);
    for (const m of after.matchAll(BARE_TAX_ID)) {
      if (isValidTaiwanTaxId(m[1]!)) return { value: m[1]!, row, confidence: 0.8 };
    }
  }
  return null;
}

const PAYMENT: [RegExp, string][] = [
  [/\bVISA\b/i, 'card'],
  [/MASTER\s*CARD|\bMASTER\b|\bAMEX\b|CREDIT\s*CARD|DEBIT\s*CARD|\bCARD\b|信用卡/i, 'card'],
  [/E-?WALLET|BOOST|GRAB\s*PAY|TOUCH\s*'?N\s*GO|\bTNG\b|LINE\s*PAY|街口|悠遊卡|一卡通/i, 'e-wallet'],
  [/CHEQUE|CHECK\s*NO/i, 'cheque'],
  // `轉帳代繳 $1,229` (a bill paid by standing order), `FPX`, `DuitNow`: paid from a bank account.
  [/BANK\s*TRANSFER|ONLINE\s*TRANSFER|DIRECT\s*DEBIT|\bFPX\b|DUIT\s*NOW|轉\s*帳|匯\s*款|代\s*繳/i, 'bank transfer'],
  [/\bCASH\b|現金/i, 'cash'],
];

/** `Payment Type: Cash`, `Payment Mode: VISA`, `Paid by: card`: the method named by its label. */
const PAYMENT_LABEL = /PAY(?:MENT)?\s*(?:TYPE|MODE|METHOD|BY)\s*[:：]?|PAID\s*BY\s*[:：]?|付款方式|繳費方式/i;
/** A row holding one amount and nothing else (`RM 170. 00`): the amount a payment word above it lost. */
function amountAlone(text: string): boolean {
  const amounts = findAmounts(text);
  return amounts.length === 1 && !/[\p{L}\d]/u.test(text.replace(amounts[0]!.text, ''));
}

/**
 * Payment method from the payment lines (below the total); `cash` when a CASH line with an amount exists,
 * or, with no method printed, when change was handed back (`changeGiven`, the change row of the totals).
 */
export function findPaymentMethod(rows: Row[], totalRow: Row | null, options: { wholeDollars?: boolean; changeGiven?: Row | null } = {}): Found | null {
  const from = totalRow ? totalRow.index : Math.floor(rows.length / 2);
  const scan = rows.filter((r) => r.index >= from - 1);
  for (const [re, method] of PAYMENT) {
    // With an amount: cents (`CASH AI2.55`, `CASH : RM 39. 80` with the space OCR put in), or whole
    // dollars on a Chinese row (`現金 200`); or a Chinese payment word alone on its row (`信用卡`).
    const paidBy = (r: Row) => /\d+[.,]\d{2}/.test(r.text) || findAmounts(r.text).length > 0 || ((/\p{Script=Han}/u.test(r.text) || options.wholeDollars === true) && /\d/.test(r.text)) || (/\p{Script=Han}/u.test(r.text) && r.text.trim().length <= 6);
    // The word alone (and a currency mark) with its amount on the row below, or the change line
    // (`CASH RM` / `CHANGE RM 15.00`, `CASH` / `RM 170. 00`): OCR split the row or lost the amount.
    const wordAlone = (r: Row) => r.text.replace(re, '').replace(/\bR[MNH]\b|[^\p{L}\d]/giu, '') === '';
    const amountBelow = (r: Row) => rows.slice(r.index + 1, r.index + 3).some((b) => amountAlone(b.text) || /^\W*(?:CHANGE|BAKI)\b/i.test(b.text));
    const row = scan.find((r) => re.test(r.text) && !/CASHIER/i.test(r.text) && (paidBy(r) || (wordAlone(r) && amountBelow(r))));
    if (row) return { value: method, row, confidence: 0.75 };
  }
  for (const [re, method] of PAYMENT) {
    const labelled = rows.find((r) => PAYMENT_LABEL.test(r.text) && re.test(r.text.slice(PAYMENT_LABEL.exec(r.text)!.index)) && !/CASHIER/i.test(r.text));
    if (labelled) return { value: method, row: labelled, confidence: 0.7 };
  }
  // A bill's table prints the label over its value (`繳費總金額(元) 繳費方式` / `$1,229 轉帳代繳`).
  for (const label of rows.filter((r) => PAYMENT_LABEL.test(r.text))) {
    const below = rows.slice(label.index + 1, label.index + 3).filter((r) => r.page === label.page && !/CASHIER/i.test(r.text));
    for (const [re, method] of PAYMENT) {
      const row = below.find((r) => re.test(r.text));
      if (row) return { value: method, row, confidence: 0.6 };
    }
  }
  // Change handed back (`Paid Amount: 20.00` / `Change : 8.00`) is cash: a card is charged the exact sum.
  if (options.changeGiven) return { value: 'cash', row: options.changeGiven, confidence: 0.6 };
  return null;
}

/** Currency by symbol or code; the locale's currency when amounts carry none. */
export function detectCurrencyCode(text: string, locale: string): { code: string; explicit: boolean } {
  const byLocale: Record<string, string> = { MY: 'MYR', TW: 'TWD', US: 'USD' };
  const local = byLocale[locale] ?? 'MYR';
  // Only currency marks next to amounts count: `BHD` in `SDN BHD` is a legal form, not Bahraini dinars.
  // A code in brackets states the currency of a column or a total: `TOTAL (SGD)`, `AMOUNT (RM)`.
  const marks = [...text.matchAll(/(?:NT\s?\$|NTD|TWD|RM|MYR|S\s?\$|SGD|US\s?\$|USD|EUR|GBP|[$€£])\s?\d[\d,]*[.,]\d{2}\b|(?:NT\s?\$|NTD|元)\s?\d|\d\s?(?:元|€|EUR|NTD|TWD|MYR)|\((?:NT\s?\$|NTD|TWD|RM|MYR|S\s?\$|SGD|US\s?\$|USD|EUR|GBP)\)/g)].map((m) => m[0]);
  for (const mark of marks) {
    const code = detectCurrency(mark);
    // A bare `$` is the local dollar where one exists (Malaysian shops print `$` for ringgit too).
    if (code === 'USD' && !/US/.test(mark)) return { code: local, explicit: false };
    if (code) return { code, explicit: true };
  }
  return { code: local, explicit: false };
}
