/**
 * Two English (Malaysia / Singapore style, like the SROIE data set) receipts: one photographed with a
 * phone (JPEG with an EXIF orientation a reader must apply) and one scanned into an image-only PDF.
 * The printed figures and the ground truth come from the same data, so they always agree.
 */
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import type { LineItemTruth, ReceiptTruth } from './manifest.js';
import { addNoise, center, createRandom, endAt, formatMoney, left, right, row, rowsToSvg, type TextLayout, type TextRow } from './render.js';

export interface ItemSpec {
  description: string;
  quantity: number;
  /** Minor units (cents). */
  unitPrice: number;
}

export interface EnglishReceiptSpec {
  vendor: string;
  registration?: string;
  addressLines: string[];
  phone: string;
  taxIdLabel: string;
  taxId: string;
  title: string;
  numberLabel: string;
  number: string;
  /** Day-first as printed, e.g. 14/03/2024. */
  date: string;
  time: string;
  cashier: string;
  currency: string;
  items: ItemSpec[];
  taxLabel: string;
  /** Percent. */
  taxRate: number;
  cash: number;
  /** Where the rounding line sits: after TOTAL (TOTAL excludes it) or before (TOTAL includes it). */
  roundingPosition: 'after-total' | 'before-total';
  roundingLabel: string;
  footer: string[];
}

const money = (minor: number) => formatMoney(minor, 2);

/** Malaysian cash rounding: to the nearest 5 sen. */
const roundTo5 = (minor: number) => Math.round(minor / 5) * 5;

function figures(spec: EnglishReceiptSpec) {
  const lines = spec.items.map((item) => ({ ...item, amount: item.quantity * item.unitPrice }));
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const tax = Math.round((subtotal * spec.taxRate) / 100);
  const gross = subtotal + tax;
  const payable = roundTo5(gross);
  const rounding = payable - gross;
  const total = spec.roundingPosition === 'after-total' ? gross : payable;
  return { lines, subtotal, tax, gross, payable, rounding, total, change: spec.cash - payable };
}

function isoDate(dayFirst: string): string {
  const [day, month, year] = dayFirst.split('/');
  return `${year}-${month}-${day}`;
}

export function receiptTruth(spec: EnglishReceiptSpec): ReceiptTruth {
  const f = figures(spec);
  const lineItems: LineItemTruth[] = f.lines.map((line) => ({
    description: line.description,
    quantity: String(line.quantity),
    unit_price: money(line.unitPrice),
    amount: money(line.amount),
  }));
  return {
    vendor_name: spec.vendor,
    vendor_address: spec.addressLines.join(' ').replace(/,\s*$/, ''),
    vendor_phone: spec.phone,
    vendor_tax_id: spec.taxId,
    invoice_number: spec.number,
    date: isoDate(spec.date),
    time: spec.time,
    currency: spec.currency,
    subtotal: money(f.subtotal),
    tax: money(f.tax),
    tax_rate: (spec.taxRate / 100).toFixed(2),
    total: money(f.total),
    rounding: money(f.rounding),
    payment: { method: 'cash', tendered: money(spec.cash), change: money(f.change) },
    line_items: lineItems,
  };
}

function receiptRows(spec: EnglishReceiptSpec, headerSize: number): TextRow[] {
  const f = figures(spec);
  const signed = (minor: number) => (minor > 0 ? `+${money(minor)}` : money(minor));
  const rows: TextRow[] = [row([center(spec.vendor)], { bold: true, size: headerSize })];
  if (spec.registration) rows.push(row([center(spec.registration)]));
  for (const line of spec.addressLines) rows.push(row([center(line)]));
  rows.push(row([center(`TEL: ${spec.phone}`)]));
  rows.push(row([center(`${spec.taxIdLabel}: ${spec.taxId}`)]));
  rows.push(row([center(spec.title)], { bold: true, gapBefore: 10, size: headerSize }));
  rows.push(row([left(`${spec.numberLabel}: ${spec.number}`)], { gapBefore: 6 }));
  rows.push(row([left(`DATE: ${spec.date}`), right(`TIME: ${spec.time}`)]));
  rows.push(row([left(`CASHIER: ${spec.cashier}`)]));
  rows.push(row([], { rule: true }));
  rows.push(row([left('DESCRIPTION'), endAt('QTY x PRICE', 0.76), right('AMOUNT')]));
  rows.push(row([], { rule: true }));
  for (const line of f.lines) {
    rows.push(row([left(line.description), endAt(`${line.quantity} x ${money(line.unitPrice)}`, 0.76), right(money(line.amount))]));
  }
  rows.push(row([], { rule: true }));
  rows.push(row([left('SUBTOTAL'), right(money(f.subtotal))]));
  rows.push(row([left(spec.taxLabel), right(money(f.tax))]));
  const totalRow = row([left(`TOTAL (${spec.currency})`), right(money(f.total))], { bold: true, size: headerSize });
  const roundingRow = row([left(spec.roundingLabel), right(signed(f.rounding))]);
  if (spec.roundingPosition === 'after-total') rows.push(totalRow, roundingRow);
  else rows.push(roundingRow, totalRow);
  rows.push(row([left('CASH'), right(money(spec.cash))], { gapBefore: 6 }));
  rows.push(row([left('CHANGE'), right(money(f.change))]));
  rows.push(row([], { rule: true }));
  for (const line of spec.footer) rows.push(row([center(line)]));
  return rows;
}

export const PHOTO_RECEIPT: EnglishReceiptSpec = {
  vendor: 'KEDAI SAMPEL MAJU SDN BHD',
  registration: '(1234567-X)',
  addressLines: ['NO 12, JALAN CONTOH 3/4,', 'TAMAN SAMPEL, 43000 KAJANG,', 'SELANGOR.'],
  phone: '03-8736 1234',
  taxIdLabel: 'SST ID',
  taxId: 'B16-1809-32000123',
  title: 'CASH RECEIPT',
  numberLabel: 'RECEIPT NO',
  number: 'CS24031400871',
  date: '14/03/2024',
  time: '12:34',
  cashier: 'AMIRAH',
  currency: 'MYR',
  items: [
    { description: 'MINERAL WATER 1.5L', quantity: 2, unitPrice: 190 },
    { description: 'WHITE BREAD 400G', quantity: 1, unitPrice: 320 },
    { description: 'FRESH MILK 1L', quantity: 1, unitPrice: 745 },
    { description: 'INSTANT NOODLE 5S', quantity: 2, unitPrice: 465 },
  ],
  taxLabel: 'SST 6%',
  taxRate: 6,
  cash: 5000,
  roundingPosition: 'after-total',
  roundingLabel: 'ROUNDING',
  footer: ['THANK YOU. PLEASE COME AGAIN.', 'GOODS SOLD ARE NOT RETURNABLE.'],
};

export const SCANNED_RECEIPT: EnglishReceiptSpec = {
  vendor: 'SAMPLE HARDWARE TRADING PTE LTD',
  addressLines: ['BLK 123 EXAMPLE INDUSTRIAL PARK,', '#01-45 SINGAPORE 600123'],
  phone: '6261 2345',
  taxIdLabel: 'GST REG NO',
  taxId: '201812345K',
  title: 'TAX INVOICE',
  numberLabel: 'INV NO',
  number: 'HW-000193',
  date: '27/02/2024',
  time: '16:05',
  cashier: 'KUMAR',
  currency: 'SGD',
  items: [
    { description: 'PVC PIPE 20MM 3M', quantity: 4, unitPrice: 350 },
    { description: 'CABLE TIE 200MM', quantity: 2, unitPrice: 280 },
    { description: 'MASKING TAPE 24MM', quantity: 3, unitPrice: 165 },
  ],
  taxLabel: 'GST 9%',
  taxRate: 9,
  cash: 3000,
  roundingPosition: 'before-total',
  roundingLabel: 'ROUNDING ADJ',
  footer: ['GOODS SOLD ARE NOT REFUNDABLE', 'THANK YOU FOR YOUR BUSINESS'],
};

/** The photographed receipt as stored: pixels rotated 90° anticlockwise plus EXIF orientation 6. */
export const PHOTO_ORIENTATION = 6;
export const PHOTO_TAKEN = '2024:03:14 12:41:07';

/**
 * A phone photo of the receipt: paper slightly rotated on a wooden table, soft shadow, uneven light,
 * mild blur and sensor noise, JPEG quality 80. The pixels are stored rotated with EXIF orientation 6
 * (as phones held in portrait do), so a reader that ignores EXIF sees the receipt on its side.
 */
export async function renderReceiptPhoto(): Promise<{ jpeg: Buffer; width: number; height: number }> {
  const layout: TextLayout = {
    width: 520,
    padding: 28,
    fontFamily: 'DejaVu Sans Mono',
    fontSize: 17,
    lineHeight: 1.6,
    paper: '#f7f4ec',
    ink: '#2b2b2e',
  };
  const receipt = rowsToSvg(receiptRows(PHOTO_RECEIPT, 19), layout);
  const paper = await sharp(Buffer.from(receipt.svg)).png().toBuffer();

  const canvasWidth = 900;
  const canvasHeight = 1200;
  // Degrees, positive is clockwise in sharp. Over 2° the right-hand column drifts by most of a line,
  // which is realistic but makes the sample a test of deskewing more than of reading.
  const angle = -2;
  const random = createRandom(20240314);
  const grain = Array.from({ length: 60 }, () => {
    const y = Math.round(random() * canvasHeight);
    const shade = 90 + Math.round(random() * 40);
    const thickness = 1 + Math.round(random() * 5);
    return `<rect x="0" y="${y}" width="${canvasWidth}" height="${thickness}" fill="rgb(${shade + 30},${shade},${shade - 40})" opacity="0.35"/>`;
  }).join('');
  const receiptX = Math.round((canvasWidth - receipt.width) / 2);
  const receiptY = Math.round((canvasHeight - receipt.height) / 2);
  const centreX = receiptX + receipt.width / 2;
  const centreY = receiptY + receipt.height / 2;
  const table =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${canvasWidth}" height="${canvasHeight}">` +
    `<defs><linearGradient id="wood" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#8a6a4c"/><stop offset="1" stop-color="#5e4631"/></linearGradient>` +
    `<filter id="soft" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur stdDeviation="14"/></filter></defs>` +
    `<rect width="100%" height="100%" fill="url(#wood)"/>${grain}` +
    `<rect x="${receiptX + 14}" y="${receiptY + 18}" width="${receipt.width}" height="${receipt.height}" fill="#000" opacity="0.45" filter="url(#soft)"` +
    ` transform="rotate(${angle} ${centreX} ${centreY})"/></svg>`;
  const rotated = await sharp(paper)
    .rotate(angle, { background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .png()
    .toBuffer({ resolveWithObject: true });
  // Light falls from the top left: a radial gradient multiplied over the scene.
  const light =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${canvasWidth}" height="${canvasHeight}">` +
    `<defs><radialGradient id="l" cx="0.3" cy="0.25" r="0.95"><stop offset="0" stop-color="#ffffff"/><stop offset="1" stop-color="#8c8478"/></radialGradient></defs>` +
    `<rect width="100%" height="100%" fill="url(#l)"/></svg>`;
  const scene = await sharp(Buffer.from(table))
    .composite([
      {
        input: rotated.data,
        left: Math.round(centreX - rotated.info.width / 2),
        top: Math.round(centreY - rotated.info.height / 2),
      },
      { input: Buffer.from(light), blend: 'multiply' },
    ])
    .removeAlpha()
    .blur(0.9)
    .png()
    .toBuffer();
  const noisy = await addNoise(sharp(scene), { seed: 7, amplitude: 5, chroma: 2 });
  const jpeg = await noisy
    .rotate(-90)
    .jpeg({ quality: 80 })
    .withExif({
      IFD0: { Make: 'Docintel', Model: 'Synthetic Phone 1', Software: 'docintel samples' },
      IFD2: { DateTimeOriginal: PHOTO_TAKEN },
    })
    .withMetadata({ orientation: PHOTO_ORIENTATION })
    .toBuffer();
  return { jpeg, width: canvasHeight, height: canvasWidth };
}

/** Scan resolution of the image-only PDF. */
export const SCAN_DPI = 200;

/**
 * The receipt scanned at 200 dpi in greyscale (80 mm thermal roll → 630 px wide), slightly skewed,
 * with scanner noise, embedded as the only content of a one-page PDF: no text layer, so the reader
 * must OCR it.
 */
export async function renderScannedReceiptPdf(fixedDate: Date): Promise<{ pdf: Uint8Array; width: number; height: number }> {
  const layout: TextLayout = {
    width: 630,
    padding: 30,
    fontFamily: 'DejaVu Sans',
    fontSize: 21,
    lineHeight: 1.4,
    paper: '#ffffff',
    ink: '#1a1a1a',
  };
  const receipt = rowsToSvg(receiptRows(SCANNED_RECEIPT, 23), layout);
  const margin = 40;
  const skewed = await sharp(Buffer.from(receipt.svg))
    .rotate(0.7, { background: '#ffffff' })
    .extend({ top: margin, bottom: margin, left: margin, right: margin, background: '#ffffff' })
    .greyscale()
    .blur(0.6)
    .png()
    .toBuffer();
  const noisy = await addNoise(sharp(skewed).greyscale().removeAlpha().toColourspace('b-w'), { seed: 11, amplitude: 4 });
  const { data: jpeg, info } = await noisy.toColourspace('b-w').jpeg({ quality: 70 }).toBuffer({ resolveWithObject: true });

  const doc = await PDFDocument.create({ updateMetadata: false });
  const image = await doc.embedJpg(jpeg);
  const points = (px: number) => (px * 72) / SCAN_DPI;
  const page = doc.addPage([points(info.width), points(info.height)]);
  page.drawImage(image, { x: 0, y: 0, width: points(info.width), height: points(info.height) });
  doc.setTitle('Scanned receipt');
  doc.setProducer('docintel samples');
  doc.setCreator('docintel samples/generate.ts');
  doc.setCreationDate(fixedDate);
  doc.setModificationDate(fixedDate);
  return { pdf: await doc.save(), width: info.width, height: info.height };
}
