/**
 * A 三聯式統一發票 (triplicate uniform invoice, B2B) as a text PDF: every character is real text in an
 * embedded subset of AR PL Mingti2L Big5, so the reader takes the PDF text layer and needs no OCR.
 * Figures: line amounts sum to 銷售額合計, 營業稅 is 5% of it, 總計 is their sum.
 */
import fontkit from '@pdf-lib/fontkit';
import { readFileSync } from 'node:fs';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { TW_PDF_FONT } from './fonts.js';
import type { ReceiptTruth } from './manifest.js';
import { formatMoney } from './render.js';
import { assertTaxId, chineseUpperAmount, rocDate } from './taiwan.js';

export interface TriplicateSpec {
  invoiceNumber: string;
  date: string;
  seller: { name: string; taxId: string; address: string; phone: string };
  buyer: { name: string; taxId: string; address: string };
  items: { description: string; quantity: number; unitPrice: number; note?: string }[];
}

export const TRIPLICATE_INVOICE: TriplicateSpec = {
  invoiceNumber: 'MT-56120938',
  date: '2024-02-04',
  seller: {
    name: '範例五金行有限公司',
    taxId: '84206195',
    address: '臺北市中山區範例路一段1號',
    phone: '(02)2501-2345',
  },
  buyer: { name: '測試營造股份有限公司', taxId: '29673504', address: '新竹縣竹北市示範路100號' },
  items: [
    { description: '安全帽', quantity: 10, unitPrice: 350 },
    { description: '反光背心', quantity: 10, unitPrice: 180 },
    { description: '安全鞋', quantity: 5, unitPrice: 1200 },
    { description: '三角錐', quantity: 8, unitPrice: 250 },
  ],
};

function figures(spec: TriplicateSpec) {
  const lines = spec.items.map((item) => ({ ...item, amount: item.quantity * item.unitPrice }));
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const tax = Math.round(subtotal * 0.05);
  return { lines, subtotal, tax, total: subtotal + tax };
}

const whole = (value: number) => formatMoney(value, 0);
const printed = (value: number) => formatMoney(value, 0, { thousands: true });

export function triplicateTruth(spec: TriplicateSpec = TRIPLICATE_INVOICE): ReceiptTruth {
  const f = figures(spec);
  return {
    vendor_name: spec.seller.name,
    vendor_address: spec.seller.address,
    vendor_phone: spec.seller.phone,
    vendor_tax_id: spec.seller.taxId,
    buyer_name: spec.buyer.name,
    buyer_tax_id: spec.buyer.taxId,
    invoice_number: spec.invoiceNumber,
    date: spec.date,
    currency: 'TWD',
    subtotal: whole(f.subtotal),
    tax: whole(f.tax),
    tax_rate: '0.05',
    total: whole(f.total),
    line_items: f.lines.map((line) => ({
      description: line.description,
      quantity: String(line.quantity),
      unit_price: whole(line.unitPrice),
      amount: whole(line.amount),
    })),
  };
}

const INK = rgb(0.1, 0.1, 0.12);
const FORM = rgb(0.55, 0.2, 0.25); // the printed form's own lines and labels, as on the paper pads
const STAMP = rgb(0.82, 0.1, 0.12);

/** Draws text with its top-left (or top-centre / top-right) at (x, top) measured from the page top. */
function text(page: PDFPage, font: PDFFont, value: string, x: number, top: number, size: number, options: { align?: 'left' | 'center' | 'right'; color?: ReturnType<typeof rgb> } = {}): void {
  const width = font.widthOfTextAtSize(value, size);
  const left = options.align === 'center' ? x - width / 2 : options.align === 'right' ? x - width : x;
  page.drawText(value, { x: left, y: page.getHeight() - top - size * 0.88, size, font, color: options.color ?? INK });
}

function hline(page: PDFPage, x1: number, x2: number, top: number, thickness = 0.8): void {
  const y = page.getHeight() - top;
  page.drawLine({ start: { x: x1, y }, end: { x: x2, y }, thickness, color: FORM });
}

function vline(page: PDFPage, x: number, top1: number, top2: number): void {
  const h = page.getHeight();
  page.drawLine({ start: { x, y: h - top1 }, end: { x, y: h - top2 }, thickness: 0.8, color: FORM });
}

/** The invoice as PDF bytes; `fixedDate` becomes both CreationDate and ModDate so the bytes never change. */
export async function renderTriplicatePdf(fixedDate: Date, spec: TriplicateSpec = TRIPLICATE_INVOICE): Promise<Uint8Array> {
  assertTaxId(spec.seller.taxId, 'seller');
  assertTaxId(spec.buyer.taxId, 'buyer');
  const f = figures(spec);
  const roc = rocDate(spec.date);

  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  // A fixed subset tag: pdf-lib would otherwise add a Math.random() suffix to the font name.
  const font = await doc.embedFont(readFileSync(TW_PDF_FONT.path), { subset: true, customName: 'DCINTL+ShanHeiSun-Light' });
  const page = doc.addPage([595.28, 419.53]); // A5 landscape
  const L = 30;
  const R = 565;

  text(page, font, '第三聯：收執聯', L, 24, 9, { color: FORM });
  text(page, font, '統一發票(三聯式)', (L + R) / 2, 20, 20, { align: 'center', color: FORM });
  text(page, font, '發票號碼', R, 20, 9, { align: 'right', color: FORM });
  text(page, font, spec.invoiceNumber, R, 32, 14, { align: 'right' });
  text(page, font, `中華民國${roc.year}年${roc.month}月${roc.day}日`, (L + R) / 2, 48, 12, { align: 'center' });

  // Buyer block.
  const buyerTop = 70;
  text(page, font, '買受人：', L, buyerTop, 11, { color: FORM });
  text(page, font, spec.buyer.name, L + 50, buyerTop, 11);
  text(page, font, '統一編號：', 330, buyerTop, 11, { color: FORM });
  text(page, font, spec.buyer.taxId, 390, buyerTop, 11);
  text(page, font, '地　　址：', L, buyerTop + 18, 11, { color: FORM });
  text(page, font, spec.buyer.address, L + 60, buyerTop + 18, 11);

  // Line-item table: 品名 | 數量 | 單價 | 金額 | 備註
  const columns = [L, 250, 310, 390, 470, R];
  const tableTop = 112;
  const rowHeight = 20;
  const itemRows = 5;
  const headerBottom = tableTop + rowHeight;
  const itemsBottom = headerBottom + itemRows * rowHeight;
  const summaryRows = 3;
  const summaryBottom = itemsBottom + summaryRows * rowHeight;
  const upperBottom = summaryBottom + rowHeight;
  for (const top of [tableTop, headerBottom]) hline(page, L, R, top, 1.2);
  for (let i = 1; i <= itemRows; i++) hline(page, L, R, headerBottom + i * rowHeight);
  // The 備註 column of the summary rows is one merged cell, where the seller stamps.
  for (let i = 1; i <= summaryRows + 1; i++) {
    const last = i >= summaryRows;
    hline(page, L, last ? R : (columns[4] ?? 0), itemsBottom + i * rowHeight, i === summaryRows + 1 ? 1.2 : 0.8);
  }
  for (const x of columns) vline(page, x, tableTop, x === L || x === R ? upperBottom : itemsBottom);
  vline(page, columns[3] ?? 0, itemsBottom, summaryBottom);
  vline(page, columns[4] ?? 0, itemsBottom, summaryBottom);
  const headers = ['品　名', '數量', '單價', '金額', '備註'];
  headers.forEach((header, i) => text(page, font, header, ((columns[i] ?? 0) + (columns[i + 1] ?? 0)) / 2, tableTop + 5, 11, { align: 'center', color: FORM }));

  f.lines.forEach((line, i) => {
    const top = headerBottom + i * rowHeight + 5;
    text(page, font, line.description, L + 8, top, 11);
    text(page, font, printed(line.quantity), (columns[2] ?? 0) - 6, top, 11, { align: 'right' });
    text(page, font, printed(line.unitPrice), (columns[3] ?? 0) - 6, top, 11, { align: 'right' });
    text(page, font, printed(line.amount), (columns[4] ?? 0) - 6, top, 11, { align: 'right' });
    if (line.note) text(page, font, line.note, (columns[4] ?? 0) + 6, top, 10);
  });

  const amountRight = (columns[4] ?? 0) - 6;
  const summary = (label: string, value: number, index: number, extra?: string) => {
    const top = itemsBottom + index * rowHeight + 5;
    text(page, font, label, L + 8, top, 11, { color: FORM });
    if (extra) text(page, font, extra, 120, top, 11);
    text(page, font, printed(value), amountRight, top, 11, { align: 'right' });
  };
  summary('銷售額合計', f.subtotal, 0);
  summary('營業稅', f.tax, 1, '應稅 √　　零稅率 □　　免稅 □');
  summary('總　計', f.total, 2);
  text(page, font, '總計新臺幣', L + 8, summaryBottom + 5, 11, { color: FORM });
  text(page, font, '（中文大寫）', L + 68, summaryBottom + 6, 9, { color: FORM });
  text(page, font, chineseUpperAmount(f.total), L + 135, summaryBottom + 5, 11);
  text(page, font, '營業人蓋用', ((columns[4] ?? 0) + R) / 2, itemsBottom + 18, 9, { align: 'center', color: FORM });
  text(page, font, '統一發票專用章', ((columns[4] ?? 0) + R) / 2, itemsBottom + 32, 9, { align: 'center', color: FORM });

  // Seller's 統一發票專用章: a red stamp that carries the seller's name, 統一編號, address and phone.
  const stampLeft = 340;
  const stampTop = upperBottom + 14;
  const stampWidth = 225;
  const stampHeight = 82;
  page.drawRectangle({
    x: stampLeft,
    y: page.getHeight() - stampTop - stampHeight,
    width: stampWidth,
    height: stampHeight,
    borderColor: STAMP,
    borderWidth: 1.6,
  });
  const stampCentre = stampLeft + stampWidth / 2;
  text(page, font, spec.seller.name, stampCentre, stampTop + 8, 12, { align: 'center', color: STAMP });
  text(page, font, `統一編號：${spec.seller.taxId}`, stampCentre, stampTop + 26, 10, { align: 'center', color: STAMP });
  text(page, font, `地址：${spec.seller.address}`, stampCentre, stampTop + 42, 9, { align: 'center', color: STAMP });
  text(page, font, `電話：${spec.seller.phone}`, stampCentre, stampTop + 56, 9, { align: 'center', color: STAMP });
  text(page, font, '統一發票專用章', stampCentre, stampTop + 69, 8, { align: 'center', color: STAMP });
  text(page, font, '樣本文件，非真實交易（docintel 產生）', L, upperBottom + 18, 8, { color: FORM });

  doc.setTitle(`統一發票(三聯式) ${spec.invoiceNumber}`);
  doc.setSubject('docintel sample document (synthetic)');
  doc.setProducer('docintel samples');
  doc.setCreator('docintel samples/generate.ts');
  doc.setCreationDate(fixedDate);
  doc.setModificationDate(fixedDate);
  return doc.save();
}

