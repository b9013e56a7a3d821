/**
 * A Taiwan 電子發票證明聯 (B2C e-invoice proof copy) as printed on a 57 mm thermal roll, followed by the
 * store's 交易明細 (item details). Layout after the Ministry of Finance 電子發票證明聯一維及二維條碼規格說明
 * (v1.8): title, period, invoice number, date/time, 隨機碼 and 總計, 賣方 統一編號, a Code 39 barcode of
 * period + invoice number + random code, then the two QR codes side by side.
 * The QR texts come from extractors/qr/einvoice-payload.ts (see generate.ts), never from here.
 */
import QRCode from 'qrcode';
import sharp from 'sharp';
import type { ReceiptTruth } from './manifest.js';
import { center, escapeXml, formatMoney, layoutRows, left, right, row, type TextLayout, type TextRow } from './render.js';
import { assertTaxId, invoicePeriod, rocDate, splitTaxInclusive } from './taiwan.js';

export interface EInvoiceItem {
  description: string;
  quantity: number;
  /** Whole NT dollars, tax included. */
  unitPrice: number;
}

export interface EInvoiceSpec {
  brand: string;
  sellerName: string;
  branch: string;
  sellerTaxId: string;
  sellerAddress: string;
  sellerPhone: string;
  /** Two letters + 8 digits, printed with a hyphen. */
  invoiceNumber: string;
  date: string;
  time: string;
  randomCode: string;
  items: EInvoiceItem[];
  cash: number;
  register: string;
  serial: string;
}

export const EINVOICE: EInvoiceSpec = {
  brand: '範例生活百貨',
  sellerName: '範例生活百貨股份有限公司',
  branch: '示例門市',
  sellerTaxId: '53184626',
  sellerAddress: '臺北市大安區示例街8號',
  sellerPhone: '(02)2700-1234',
  invoiceNumber: 'KV83920417',
  date: '2024-02-04',
  time: '13:45:10',
  randomCode: '3851',
  items: [
    { description: '便當', quantity: 1, unitPrice: 95 },
    { description: '礦泉水', quantity: 2, unitPrice: 25 },
    { description: '茶葉蛋', quantity: 2, unitPrice: 10 },
    { description: '香蕉', quantity: 1, unitPrice: 20 },
  ],
  cash: 200,
  register: '02',
  serial: '000381',
};

export function einvoiceFigures(spec: EInvoiceSpec = EINVOICE) {
  const lines = spec.items.map((item) => ({ ...item, amount: item.quantity * item.unitPrice }));
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const { untaxed, tax } = splitTaxInclusive(total);
  return { lines, total, untaxed, tax, change: spec.cash - total };
}

/** "KV83920417" → "KV-83920417", as printed. */
export const printedInvoiceNumber = (number: string) => `${number.slice(0, 2)}-${number.slice(2)}`;

export function einvoiceTruth(spec: EInvoiceSpec = EINVOICE): ReceiptTruth {
  const f = einvoiceFigures(spec);
  const whole = (value: number) => formatMoney(value, 0);
  return {
    vendor_name: spec.sellerName,
    vendor_address: spec.sellerAddress,
    vendor_phone: spec.sellerPhone,
    vendor_tax_id: spec.sellerTaxId,
    invoice_number: printedInvoiceNumber(spec.invoiceNumber),
    date: spec.date,
    time: spec.time,
    currency: 'TWD',
    subtotal: whole(f.untaxed),
    tax: whole(f.tax),
    tax_rate: '0.05',
    total: whole(f.total),
    payment: { method: 'cash', tendered: whole(spec.cash), change: whole(f.change) },
    line_items: f.lines.map((line) => ({
      description: line.description,
      quantity: String(line.quantity),
      unit_price: whole(line.unitPrice),
      amount: whole(line.amount),
    })),
  };
}

/**
 * The one-dimensional barcode text (spec: Code 39, 19 characters): period as ROC year + even month,
 * invoice number, random code. 2024-02-04, KV83920417, 3851 → "11302KV839204173851".
 */
export function einvoiceBarcodeText(spec: EInvoiceSpec = EINVOICE): string {
  const { year, month } = rocDate(spec.date);
  const evenMonth = String(Math.ceil(Number(month) / 2) * 2).padStart(2, '0');
  return `${year}${evenMonth}${spec.invoiceNumber}${spec.randomCode}`;
}

// Code 39: nine elements per character (bar, space, bar, ...), 1 = wide. Only what the barcode needs.
const CODE39: Record<string, string> = {
  '0': '000110100', '1': '100100001', '2': '001100001', '3': '101100000', '4': '000110001',
  '5': '100110000', '6': '001110000', '7': '000100101', '8': '100100100', '9': '001100100',
  A: '100001001', B: '001001001', C: '101001000', D: '000011001', E: '100011000', F: '001011000',
  G: '000001101', H: '100001100', I: '001001100', J: '000011100', K: '100000011', L: '001000011',
  M: '101000010', N: '000010011', O: '100010010', P: '001010010', Q: '000000111', R: '100000110',
  S: '001000110', T: '000010110', U: '110000001', V: '011000001', W: '111000000', X: '010010001',
  Y: '110010000', Z: '011010000', '-': '010000101', '*': '010010100',
};

/** SVG rectangles for a Code 39 barcode; returns the drawn width. */
function code39Svg(value: string, x0: number, y: number, height: number, narrow: number, wide: number): { svg: string; width: number } {
  let x = x0;
  const bars: string[] = [];
  for (const ch of `*${value}*`) {
    const pattern = CODE39[ch];
    if (!pattern) throw new Error(`[samples] Code 39 cannot encode ${JSON.stringify(ch)}`);
    for (let i = 0; i < pattern.length; i++) {
      const w = pattern[i] === '1' ? wide : narrow;
      if (i % 2 === 0) bars.push(`<rect x="${x}" y="${y}" width="${w}" height="${height}" fill="#111"/>`);
      x += w;
    }
    x += narrow; // inter-character gap
  }
  return { svg: bars.join(''), width: x - narrow - x0 };
}

export function code39Width(value: string, narrow: number, wide: number): number {
  return code39Svg(value, 0, 0, 1, narrow, wide).width;
}

/** A QR code as a PNG of exactly `box` px (integer module size, centred on white). */
async function qrPng(text: string, box: number): Promise<Buffer> {
  const modules = QRCode.create(text, { errorCorrectionLevel: 'L' }).modules.size;
  const scale = Math.floor(box / modules);
  const png = await QRCode.toBuffer(text, { errorCorrectionLevel: 'L', margin: 0, scale, type: 'png', color: { dark: '#111111ff', light: '#ffffffff' } });
  const size = modules * scale;
  const pad = Math.floor((box - size) / 2);
  return sharp(png)
    .extend({ top: pad, left: pad, bottom: box - size - pad, right: box - size - pad, background: '#ffffff' })
    .png()
    .toBuffer();
}

const WIDTH = 640; // 57 mm at ~285 dpi
const FONT = 'Noto Sans CJK TC';

/** The proof copy plus item details as a greyscale PNG; `qr` holds the two QR code texts. */
export async function renderEInvoicePng(qr: { left: string; right: string }, spec: EInvoiceSpec = EINVOICE): Promise<{ png: Buffer; width: number; height: number }> {
  assertTaxId(spec.sellerTaxId, 'seller');
  const f = einvoiceFigures(spec);
  const layout: TextLayout = { width: WIDTH, padding: 36, fontFamily: FONT, fontSize: 26, lineHeight: 1.45, paper: '#ffffff', ink: '#111111' };

  const head: TextRow[] = [
    row([center(spec.brand)], { bold: true, size: 40 }),
    row([center('電子發票證明聯')], { bold: true, size: 56, gapBefore: 6 }),
    row([center(invoicePeriod(spec.date))], { bold: true, size: 56 }),
    row([center(printedInvoiceNumber(spec.invoiceNumber))], { bold: true, size: 56 }),
    row([left(`${spec.date} ${spec.time}`)], { gapBefore: 6 }),
    row([left(`隨機碼 ${spec.randomCode}`), right(`總計 ${f.total}`)]),
    row([left(`賣方 ${spec.sellerTaxId}`)]),
  ];
  const top = layoutRows(head, layout, 28);

  const barcode = einvoiceBarcodeText(spec);
  const narrow = 2;
  const wide = 4;
  const barcodeTop = Math.round(top.bottom + 14);
  const barcodeHeight = 64;
  const barcodeWidth = code39Width(barcode, narrow, wide);
  const bars = code39Svg(barcode, Math.round((WIDTH - barcodeWidth) / 2), barcodeTop, barcodeHeight, narrow, wide);

  const qrTop = barcodeTop + barcodeHeight + 24;
  const qrBox = 264;
  const qrGap = 40;
  const qrLeftX = Math.round((WIDTH - 2 * qrBox - qrGap) / 2);
  const qrRightX = qrLeftX + qrBox + qrGap;

  const detail: TextRow[] = [
    row([center('退貨時請攜帶電子發票證明聯')], { size: 20 }),
    row([], { rule: true, gapBefore: 16 }),
    row([center('交易明細')], { bold: true, size: 32 }),
    row([center(`${spec.sellerName} ${spec.branch}`)], { size: 22 }),
    row([left(`統一編號 ${spec.sellerTaxId}`)], { size: 22 }),
    row([left(`地址 ${spec.sellerAddress}`)], { size: 22 }),
    row([left(`電話 ${spec.sellerPhone}`)], { size: 22 }),
    row([left(`${spec.date} ${spec.time}`), right(`機 ${spec.register} 序 ${spec.serial}`)], { size: 22 }),
    row([], { rule: true }),
    ...f.lines.map((line) =>
      row([left(line.description), { text: `${line.quantity} x ${line.unitPrice}`, x: 0.68, anchor: 'end' }, right(`${line.amount}TX`)]),
    ),
    row([], { rule: true }),
    row([left(`共 ${f.lines.length} 項`)]),
    row([left('應稅銷售額'), right(String(f.untaxed))]),
    row([left('稅額'), right(String(f.tax))]),
    row([left('總計'), right(String(f.total))], { bold: true }),
    row([left('現金'), right(String(spec.cash))]),
    row([left('找零'), right(String(f.change))]),
  ];
  const bottom = layoutRows(detail, layout, qrTop + qrBox + 14);
  const height = Math.ceil(bottom.bottom + 30);

  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">` +
    `<rect width="100%" height="100%" fill="#ffffff"/>${top.svg}${bars.svg}${bottom.svg}` +
    `<desc>${escapeXml(`docintel sample e-invoice ${spec.invoiceNumber}`)}</desc></svg>`;
  const [leftQr, rightQr] = await Promise.all([qrPng(qr.left, qrBox), qrPng(qr.right, qrBox)]);
  const png = await sharp(Buffer.from(svg))
    .composite([
      { input: leftQr, left: qrLeftX, top: qrTop },
      { input: rightQr, left: qrRightX, top: qrTop },
    ])
    .greyscale()
    .png({ compressionLevel: 9, palette: true, colours: 16 })
    .toBuffer();
  return { png, width: WIDTH, height };
}
