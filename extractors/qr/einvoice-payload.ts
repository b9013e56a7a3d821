/**
 * The text inside the two QR codes of a Taiwan e-invoice (電子發票證明聯), per the Ministry of Finance spec
 * 電子發票證明聯一維及二維條碼規格說明 v1.8 (2018), 第貳章 二維條碼規格.
 *
 * Left code: 77 fixed characters, then fields each preceded by ':'.
 * ```
 *  [0,10)  invoice number      AB12345678
 *  [10,17) date, ROC yyyMMdd   1130204
 *  [17,21) random code         4 digits
 *  [21,29) sales amount        untaxed, 8 hex digits (00000000 when the POS cannot split the tax)
 *  [29,37) total amount        tax included, 8 hex digits
 *  [37,45) buyer 統一編號       00000000 for a consumer
 *  [45,53) seller 統一編號
 *  [53,77) verification        24 chars, Base64 of AES(invoice number + random code)
 *  :business area (10, '**********' when unused)
 *  :items recorded in the two codes together :items on the invoice :encoding (0 Big5, 1 UTF-8, 2 Base64)
 *  :name:quantity:unit price ... (what does not fit continues in the right code)
 * ```
 * Right code: '**' then the item fields that continue the left code.
 *
 * Printers disagree on the seam between the codes: some end the left code with ':' and start the right
 * one with the next name (`...:105:` + `**牛奶:1:25`), some start the right one with ':' (`**:牛奶:1:25`),
 * some split an item between the codes. The item fields are therefore read as one token stream across
 * both codes, and an empty token at the seam is dropped.
 */
import { DocintelError } from '../../pipeline/errors.js';

/** One item as the codes carry it: decimal strings exactly as printed. */
export interface EInvoiceItem {
  name: string;
  /** Decimal string, e.g. `1`, `2.5`. */
  quantity: string;
  /** Decimal string, e.g. `105`; foreign currency with decimals is allowed for cross-border sellers (v1.8). */
  unitPrice: string;
}

export interface EInvoiceQrData {
  /** Two upper-case letters + 8 digits, e.g. `AB12345678`. */
  invoiceNumber: string;
  /** ISO `yyyy-mm-dd`. */
  date: string;
  /** As encoded: ROC year (3 digits) + month + day, e.g. `1130204`. */
  rocDate: string;
  /** 4 digits. */
  randomCode: string;
  /** Untaxed sales amount as a decimal integer string (TWD); `0` when the seller did not split the tax. */
  untaxedAmount: string;
  /** Total with tax as a decimal integer string (TWD). */
  totalAmount: string;
  /** Buyer 統一編號; null for a consumer (`00000000` in the code). */
  buyerTaxId: string | null;
  /** Seller 統一編號. */
  sellerTaxId: string;
  /** 24-character verification field (Base64 of AES); opaque here, checking it needs the seller's key. */
  encryption: string;
  /** Items recorded in the left and right codes together (spec field 10). */
  itemCountInCode: number;
  /** Items on the whole invoice (spec field 11); larger than `itemCountInCode` when the codes ran out of room. */
  itemCountTotal: number;
  /** Encoding of the item names (spec field 12). */
  encoding: 'big5' | 'utf8' | 'base64';
  /** Items from the left code, followed by those from the right code when it was given. */
  items: EInvoiceItem[];
}

export type EInvoiceBuildInput = Omit<EInvoiceQrData, 'rocDate' | 'itemCountInCode' | 'itemCountTotal' | 'encoding' | 'encryption'> & {
  /** 24-character verification field; default a Base64 placeholder (`AAAA…==`), since the real one needs the seller's AES key. */
  encryption?: string;
  /**
   * Most UTF-8 bytes the left code may hold; items past it go to the right code. Default 134, what a
   * version 6 symbol at error-correction level L holds in byte mode (a printer's choice, not the spec's).
   */
  leftCapacity?: number;
};

const FIXED_LENGTH = 77;
const UNUSED_BUSINESS_AREA = '**********';
const PLACEHOLDER_ENCRYPTION = 'AAAAAAAAAAAAAAAAAAAAAA==';
const DEFAULT_LEFT_CAPACITY = 134;
const NO_BUYER = '00000000';
const ROC_OFFSET = 1911;

const FIXED = /^([A-Z]{2}\d{8})(\d{7})(\d{4})([0-9A-Fa-f]{8})([0-9A-Fa-f]{8})(\d{8})(\d{8})([^:]{24})/;
const DECIMAL = /^-?\d+(?:\.\d+)?$/;
const ENCODINGS = { '0': 'big5', '1': 'utf8', '2': 'base64' } as const;

function fail(message: string): never {
  throw new DocintelError('INTERNAL', `[qr] [einvoice] ${message}`, {
    hint: 'Pass the invoice fields as the e-invoice spec defines them (see extractors/qr/einvoice-payload.ts).',
  });
}

function rocToIso(roc: string): string | undefined {
  const year = Number(roc.slice(0, 3)) + ROC_OFFSET;
  const month = Number(roc.slice(3, 5));
  const day = Number(roc.slice(5, 7));
  if (month < 1 || month > 12 || day < 1) return undefined;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > last) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function isoToRoc(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) fail(`date must be ISO yyyy-mm-dd, received ${JSON.stringify(iso)}`);
  const year = Number(m[1]) - ROC_OFFSET;
  if (year < 1 || year > 999) fail(`date ${iso} is outside the ROC calendar's 3-digit years`);
  const roc = `${String(year).padStart(3, '0')}${m[2]}${m[3]}`;
  if (rocToIso(roc) !== iso) fail(`date ${iso} is not a calendar date`);
  return roc;
}

function toHex8(amount: string, field: string): string {
  const m = /^(\d+)(?:\.0+)?$/.exec(amount.trim());
  if (!m) fail(`${field} must be a whole, non-negative TWD amount, received ${JSON.stringify(amount)}`);
  const value = BigInt(m[1]!);
  if (value > 0xffffffffn) fail(`${field} ${amount} does not fit 8 hex digits`);
  return value.toString(16).padStart(8, '0');
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The spec asks names to avoid the ':' separator; a full-width colon keeps the text readable. */
function itemFields(item: EInvoiceItem): string {
  for (const [key, value] of [['quantity', item.quantity], ['unitPrice', item.unitPrice]] as const) {
    if (!DECIMAL.test(value)) fail(`item ${JSON.stringify(item.name)} ${key} must be a decimal string, received ${JSON.stringify(value)}`);
  }
  return `${item.name.replace(/:/g, '：')}:${item.quantity}:${item.unitPrice}`;
}

/**
 * The two code texts for an invoice, items encoded as UTF-8 (flag 1). Items are placed in the left code
 * in order while it stays within `leftCapacity` bytes; the rest go to the right code. Throws a
 * DocintelError for fields the spec cannot carry (bad number, date, amount, tax id).
 */
export function buildEInvoiceQrPayloads(data: EInvoiceBuildInput): { left: string; right: string } {
  if (!/^[A-Z]{2}\d{8}$/.test(data.invoiceNumber)) fail(`invoiceNumber must be 2 upper-case letters + 8 digits, received ${JSON.stringify(data.invoiceNumber)}`);
  if (!/^\d{4}$/.test(data.randomCode)) fail(`randomCode must be 4 digits, received ${JSON.stringify(data.randomCode)}`);
  if (!/^\d{8}$/.test(data.sellerTaxId)) fail(`sellerTaxId must be 8 digits, received ${JSON.stringify(data.sellerTaxId)}`);
  if (data.buyerTaxId !== null && !/^\d{8}$/.test(data.buyerTaxId)) fail(`buyerTaxId must be 8 digits or null, received ${JSON.stringify(data.buyerTaxId)}`);
  const encryption = data.encryption ?? PLACEHOLDER_ENCRYPTION;
  if (encryption.length !== 24 || encryption.includes(':')) fail(`encryption must be 24 characters without ':', received ${JSON.stringify(encryption)}`);

  const fixed =
    data.invoiceNumber +
    isoToRoc(data.date) +
    data.randomCode +
    toHex8(data.untaxedAmount, 'untaxedAmount') +
    toHex8(data.totalAmount, 'totalAmount') +
    (data.buyerTaxId ?? NO_BUYER) +
    data.sellerTaxId +
    encryption;
  const count = data.items.length;
  let left = `${fixed}:${UNUSED_BUSINESS_AREA}:${count}:${count}:1`;
  const capacity = data.leftCapacity ?? DEFAULT_LEFT_CAPACITY;

  const fields = data.items.map(itemFields);
  let inLeft = 0;
  while (inLeft < fields.length && utf8Length(`${left}:${fields[inLeft]}`) <= capacity) {
    left += `:${fields[inLeft]}`;
    inLeft++;
  }
  const rest = fields.slice(inLeft);
  // A trailing ':' on the left code keeps "every field is preceded by ':'" true across the seam.
  if (rest.length > 0) left += ':';
  return { left, right: `**${rest.join(':')}` };
}

function decodeBase64Name(name: string): string {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(name) || name.length % 4 !== 0) return name;
  const bytes = Buffer.from(name, 'base64');
  for (const label of ['utf-8', 'big5']) {
    try {
      return new TextDecoder(label, { fatal: true }).decode(bytes);
    } catch {
      // try the next encoding
    }
  }
  return name;
}

/** Groups name:quantity:unit price triples; an incomplete trailing triple is dropped. */
function itemsFromTokens(tokens: string[], encoding: EInvoiceQrData['encoding']): EInvoiceItem[] {
  const items: EInvoiceItem[] = [];
  for (let i = 0; i + 2 < tokens.length; i += 3) {
    const name = tokens[i]!;
    items.push({
      name: encoding === 'base64' ? decodeBase64Name(name) : name,
      quantity: tokens[i + 1]!.trim(),
      unitPrice: tokens[i + 2]!.trim(),
    });
  }
  return items;
}

interface LeftParts {
  data: Omit<EInvoiceQrData, 'items'>;
  /** Item fields after the header, seam artefacts removed. */
  tokens: string[];
}

function leftParts(text: string): LeftParts | undefined {
  const t = text.replace(/^\uFEFF/, '').replace(/[\r\n]+$/, '');
  const m = FIXED.exec(t);
  if (!m) return undefined;
  const [, invoiceNumber, rocDate, randomCode, untaxedHex, totalHex, buyer, seller, encryption] = m;
  const date = rocToIso(rocDate!);
  if (!date) return undefined;
  const tail = t.slice(FIXED_LENGTH);
  if (tail !== '' && !tail.startsWith(':')) return undefined;

  const fields = tail === '' ? [] : tail.slice(1).split(':');
  // fields: business area, count in codes, count total, encoding, then items.
  const inCode = /^\d+$/.test(fields[1] ?? '') ? Number(fields[1]) : 0;
  const total = /^\d+$/.test(fields[2] ?? '') ? Number(fields[2]) : inCode;
  const encoding = ENCODINGS[(fields[3] ?? '1').trim() as keyof typeof ENCODINGS] ?? 'utf8';
  const tokens = fields.slice(4);
  if (tokens.length > 0 && tokens[tokens.length - 1] === '') tokens.pop();
  return {
    data: {
      invoiceNumber: invoiceNumber!,
      date,
      rocDate: rocDate!,
      randomCode: randomCode!,
      untaxedAmount: BigInt(`0x${untaxedHex}`).toString(),
      totalAmount: BigInt(`0x${totalHex}`).toString(),
      buyerTaxId: buyer === NO_BUYER ? null : buyer!,
      sellerTaxId: seller!,
      encryption: encryption!,
      itemCountInCode: inCode,
      itemCountTotal: total,
      encoding,
    },
    tokens,
  };
}

function rightTokens(text: string): string[] | undefined {
  const t = text.replace(/^\uFEFF/, '').replace(/[\r\n]+$/, '');
  if (!t.startsWith('**')) return undefined;
  const body = t.slice(2);
  if (body === '' || body === ':') return [];
  const tokens = body.split(':');
  if (tokens[0] === '') tokens.shift();
  if (tokens.length > 0 && tokens[tokens.length - 1] === '') tokens.pop();
  return tokens;
}

/** The left code's fields and its own items; undefined when the text is not an e-invoice left code. */
export function parseEInvoiceLeft(text: string): EInvoiceQrData | undefined {
  const parts = leftParts(text);
  if (!parts) return undefined;
  return { ...parts.data, items: itemsFromTokens(parts.tokens, parts.data.encoding) };
}

/**
 * Items in a right code on its own (encoding assumed UTF-8, since the flag is in the left code);
 * undefined when the text does not start with '**'.
 */
export function parseEInvoiceRight(text: string): EInvoiceItem[] | undefined {
  const tokens = rightTokens(text);
  return tokens ? itemsFromTokens(tokens, 'utf8') : undefined;
}

/**
 * The invoice from the strings decoded on one page: the first left code, with the items of the first
 * right code appended (read as one token stream, so an item split across the codes is joined). Undefined
 * when no left code is among them. `items.length < itemCountInCode` means the right code was not read.
 */
export function mergeEInvoiceCodes(codes: string[]): EInvoiceQrData | undefined {
  let left: LeftParts | undefined;
  let right: string[] | undefined;
  for (const code of codes) {
    if (!left) {
      const parts = leftParts(code);
      if (parts) {
        left = parts;
        continue;
      }
    }
    if (!right) right = rightTokens(code);
  }
  if (!left) return undefined;
  return { ...left.data, items: itemsFromTokens([...left.tokens, ...(right ?? [])], left.data.encoding) };
}
