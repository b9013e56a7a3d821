/**
 * Taiwan e-invoice QR payloads (spec: 電子發票證明聯一維及二維條碼規格說明 v1.8) and the offline QR reader.
 * The images are generated here: payloads → `qrcode` PNGs → placed side by side on a white canvas as
 * a 證明聯 prints them → decodeQrCodes → mergeEInvoiceCodes must give back exactly the input.
 */
import QRCode from 'qrcode';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeQrCodes } from '../../extractors/qr/decode.js';
import {
  buildEInvoiceQrPayloads,
  mergeEInvoiceCodes,
  parseEInvoiceLeft,
  parseEInvoiceRight,
  type EInvoiceBuildInput,
  type EInvoiceQrData,
} from '../../extractors/qr/einvoice-payload.js';

const INVOICE: EInvoiceBuildInput = {
  invoiceNumber: 'KV83920417',
  date: '2024-02-04',
  randomCode: '3851',
  untaxedAmount: '176',
  totalAmount: '185',
  buyerTaxId: '04595257',
  sellerTaxId: '22099131',
  items: [
    { name: '便當', quantity: '1', unitPrice: '95' },
    { name: '礦泉水', quantity: '2', unitPrice: '25' },
    { name: '茶葉蛋', quantity: '2', unitPrice: '10' },
    { name: 'Banana 香蕉', quantity: '1', unitPrice: '20' },
  ],
};

const EXPECTED: EInvoiceQrData = {
  invoiceNumber: 'KV83920417',
  date: '2024-02-04',
  rocDate: '1130204',
  randomCode: '3851',
  untaxedAmount: '176',
  totalAmount: '185',
  buyerTaxId: '04595257',
  sellerTaxId: '22099131',
  encryption: 'AAAAAAAAAAAAAAAAAAAAAA==',
  itemCountInCode: 4,
  itemCountTotal: 4,
  encoding: 'utf8',
  items: INVOICE.items,
};

// number, ROC date, random code, 176 = 0xb0 untaxed, 185 = 0xb9 total, buyer, seller, verification.
const FIXED_77 = ['KV83920417', '1130204', '3851', '000000b0', '000000b9', '04595257', '22099131', 'AAAAAAAAAAAAAAAAAAAAAA=='].join('');

describe('buildEInvoiceQrPayloads', () => {
  it('writes the 77 fixed characters, hex amounts, the header fields and the items', () => {
    const { left, right } = buildEInvoiceQrPayloads({ ...INVOICE, leftCapacity: 1000 });
    expect(FIXED_77).toHaveLength(77);
    expect(left).toBe(`${FIXED_77}:**********:4:4:1:便當:1:95:礦泉水:2:25:茶葉蛋:2:10:Banana 香蕉:1:20`);
    expect(right).toBe('**');
  });

  it('moves the items that do not fit the left code to the right one, in order', () => {
    // 77 + ':**********:4:4:1' = 94 bytes; ':便當:1:95' adds 12 → 106 fits, ':礦泉水:2:25' (+15) does not.
    const { left, right } = buildEInvoiceQrPayloads({ ...INVOICE, leftCapacity: 110 });
    expect(left).toBe(`${FIXED_77}:**********:4:4:1:便當:1:95:`);
    expect(right).toBe('**礦泉水:2:25:茶葉蛋:2:10:Banana 香蕉:1:20');
    expect(Buffer.byteLength(left)).toBeLessThanOrEqual(110);
  });

  it('writes 00000000 for a consumer and a given verification field', () => {
    const { left } = buildEInvoiceQrPayloads({ ...INVOICE, buyerTaxId: null, encryption: 'ydXZt4LAN1UHN/j1juVcRA==' });
    expect(left.slice(37, 45)).toBe('00000000');
    expect(left.slice(53, 77)).toBe('ydXZt4LAN1UHN/j1juVcRA==');
    expect(parseEInvoiceLeft(left)?.buyerTaxId).toBeNull();
  });

  it('replaces a ":" in an item name, which would break the field separators', () => {
    const { left } = buildEInvoiceQrPayloads({ ...INVOICE, items: [{ name: '套餐:A', quantity: '1', unitPrice: '99' }], leftCapacity: 1000 });
    expect(parseEInvoiceLeft(left)?.items).toEqual([{ name: '套餐：A', quantity: '1', unitPrice: '99' }]);
  });

  it('accepts amounts written with zero cents and amounts up to 8 hex digits', () => {
    const { left } = buildEInvoiceQrPayloads({ ...INVOICE, untaxedAmount: '4294967295', totalAmount: '100.00' });
    expect(left.slice(21, 37)).toBe('ffffffff00000064');
  });

  it.each<[string, Partial<EInvoiceBuildInput>]>([
    ['a lower-case invoice number', { invoiceNumber: 'kv83920417' }],
    ['a short random code', { randomCode: '385' }],
    ['a non-calendar date', { date: '2024-02-30' }],
    ['a date before the ROC calendar', { date: '1900-01-01' }],
    ['cents in the total', { totalAmount: '185.50' }],
    ['a negative total', { totalAmount: '-185' }],
    ['an amount over 8 hex digits', { totalAmount: '4294967296' }],
    ['a 7-digit seller tax id', { sellerTaxId: '2209913' }],
    ['a 23-character verification field', { encryption: 'A'.repeat(23) }],
    ['a non-decimal quantity', { items: [{ name: 'x', quantity: 'one', unitPrice: '1' }] }],
  ])('refuses %s with a DocintelError', (_, change) => {
    expect(() => buildEInvoiceQrPayloads({ ...INVOICE, ...change })).toThrowError(expect.objectContaining({ code: 'INTERNAL', message: expect.stringContaining('[qr] [einvoice]') }));
  });
});

describe('parseEInvoiceLeft / parseEInvoiceRight / mergeEInvoiceCodes', () => {
  const { left, right } = buildEInvoiceQrPayloads({ ...INVOICE, leftCapacity: 110 });

  it('reads the fixed fields, converting the ROC date and the hex amounts', () => {
    const parsed = parseEInvoiceLeft(left);
    expect(parsed).toEqual({ ...EXPECTED, items: [INVOICE.items[0]] });
  });

  it('reads the right code on its own', () => {
    expect(parseEInvoiceRight(right)).toEqual(INVOICE.items.slice(1));
    expect(parseEInvoiceRight('**')).toEqual([]);
    expect(parseEInvoiceRight(left)).toBeUndefined();
  });

  it('merges the pair in either order, ignoring unrelated codes', () => {
    expect(mergeEInvoiceCodes([left, right])).toEqual(EXPECTED);
    expect(mergeEInvoiceCodes(['https://example.com/menu', right, left])).toEqual(EXPECTED);
  });

  it('gives the left code alone when the right one is missing, with fewer items than recorded', () => {
    const merged = mergeEInvoiceCodes([left]);
    expect(merged?.items).toHaveLength(1);
    expect(merged?.itemCountInCode).toBe(4);
  });

  it('reads the seam however a printer wrote it: "**:" on the right, or an item split between the codes', () => {
    const head = `${FIXED_77}:**********:3:5:1`;
    const expected = [
      { name: '乳酪', quantity: '1', unitPrice: '105' },
      { name: '牛奶', quantity: '1', unitPrice: '25' },
      { name: '飲料', quantity: '2', unitPrice: '12.5' },
    ];
    const variants: [string, string][] = [
      [`${head}:乳酪:1:105:`, '**牛奶:1:25:飲料:2:12.5'],
      [`${head}:乳酪:1:105`, '**:牛奶:1:25:飲料:2:12.5'],
      [`${head}:乳酪:1:105:牛奶`, '**1:25:飲料:2:12.5'],
      [`${head}:乳酪:1:105:牛奶:1:25:飲料:2:12.5`, '**'],
    ];
    for (const [l, r] of variants) {
      const merged = mergeEInvoiceCodes([r, l]);
      expect(merged?.items, `${l} + ${r}`).toEqual(expected);
      expect(merged?.itemCountInCode).toBe(3);
      expect(merged?.itemCountTotal).toBe(5);
    }
  });

  it('decodes Base64 item names (encoding flag 2)', () => {
    const name = Buffer.from('珍珠奶茶', 'utf8').toString('base64');
    const parsed = parseEInvoiceLeft(`${FIXED_77}:**********:1:1:2:${name}:1:60`);
    expect(parsed?.encoding).toBe('base64');
    expect(parsed?.items).toEqual([{ name: '珍珠奶茶', quantity: '1', unitPrice: '60' }]);
  });

  it('accepts a left code with only the 77 fixed characters', () => {
    expect(parseEInvoiceLeft(FIXED_77)).toMatchObject({ invoiceNumber: 'KV83920417', totalAmount: '185', itemCountInCode: 0, items: [] });
  });

  it.each([
    ['plain text', 'hello world'],
    ['a URL', 'https://www.einvoice.nat.gov.tw/'],
    ['a right code', '**便當:1:95'],
    ['a 2-digit-letter prefix with a bad month', FIXED_77.replace('1130204', '1131304')],
    ['Feb 30', FIXED_77.replace('1130204', '1130230')],
    ['non-hex amount', FIXED_77.replace('000000b0', '000000g0')],
    ['lower-case letters', FIXED_77.replace('KV', 'kv')],
    ['text glued after the fixed part', `${FIXED_77}X:**********:0:0:1`],
    ['truncated', FIXED_77.slice(0, 60)],
  ])('returns undefined for %s', (_, text) => {
    expect(parseEInvoiceLeft(text)).toBeUndefined();
  });

  it('returns undefined from merge when there is no left code', () => {
    expect(mergeEInvoiceCodes([right, 'hello'])).toBeUndefined();
    expect(mergeEInvoiceCodes([])).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------
// Images

interface QrOptions {
  errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H';
}

async function qrPng(content: string | QRCode.QRCodeSegment[], options: QrOptions = {}): Promise<Buffer> {
  // Both codes print at the same size (spec: 大小一致), whatever their version.
  return QRCode.toBuffer(content, { type: 'png', width: 280, margin: 2, errorCorrectionLevel: options.errorCorrectionLevel ?? 'M' });
}

/** A 證明聯-like canvas: some "printed text" bars on top, the two codes side by side and top-aligned below. */
async function proofCopy(leftPng: Buffer, rightPng: Buffer): Promise<Buffer> {
  const bars = [40, 80, 120, 160, 200].map((top, i) => ({
    input: { create: { width: 300 + (i % 3) * 80, height: 18, channels: 3 as const, background: '#000000' } },
    left: 60,
    top,
  }));
  return sharp({ create: { width: 700, height: 600, channels: 3, background: '#ffffff' } })
    .composite([...bars, { input: leftPng, left: 60, top: 280 }, { input: rightPng, left: 360, top: 280 }])
    .png()
    .toBuffer();
}

async function paint(image: Buffer, box: { left: number; top: number; width: number; height: number }, color = '#000000'): Promise<Buffer> {
  return sharp(image)
    .composite([{ input: { create: { width: box.width, height: box.height, channels: 3, background: color } }, left: box.left, top: box.top }])
    .png()
    .toBuffer();
}

describe('decodeQrCodes', () => {
  const payloads = buildEInvoiceQrPayloads({ ...INVOICE, leftCapacity: 110 });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('reads both codes of a 證明聯 left to right and merges them back into exactly the input', async () => {
    const fetchSpy = vi.fn(() => Promise.reject(new Error('network used')));
    vi.stubGlobal('fetch', fetchSpy);
    const image = await proofCopy(await qrPng(payloads.left), await qrPng(payloads.right));
    const codes = await decodeQrCodes(image);
    expect(codes).toEqual([payloads.left, payloads.right]);
    expect(mergeEInvoiceCodes(codes)).toEqual(EXPECTED);
    // The .wasm comes from node_modules, never from the CDN zxing-wasm defaults to.
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('reads a JPEG photo-like copy: downscaled, rotated a little, blurred, on grey paper', async () => {
    const clean = await proofCopy(await qrPng(payloads.left), await qrPng(payloads.right));
    const photo = await sharp(clean)
      .rotate(4, { background: '#d8d8d8' })
      .resize({ width: 900 })
      .blur(0.8)
      .flatten({ background: '#e0e0e0' })
      .jpeg({ quality: 70 })
      .toBuffer();
    expect(mergeEInvoiceCodes(await decodeQrCodes(photo))).toEqual(EXPECTED);
  });

  it('still reads a code with a block painted over it, within its error-correction capacity', async () => {
    const rightPng = await qrPng(payloads.right, { errorCorrectionLevel: 'Q' });
    const image = await proofCopy(await qrPng(payloads.left), rightPng);
    // ~6% of the right code's area, in its middle, away from the three finder patterns.
    const damaged = await paint(image, { left: 360 + 125, top: 280 + 125, width: 70, height: 70 });
    const codes = await decodeQrCodes(damaged);
    expect(mergeEInvoiceCodes(codes)).toEqual(EXPECTED);
  });

  it('returns what it can when one code is destroyed: the left code alone, no throw', async () => {
    const image = await proofCopy(await qrPng(payloads.left), await qrPng(payloads.right));
    const destroyed = await paint(image, { left: 360 + 40, top: 280 + 40, width: 200, height: 200 });
    const codes = await decodeQrCodes(destroyed);
    expect(codes).toEqual([payloads.left]);
    const merged = mergeEInvoiceCodes(codes);
    expect(merged?.totalAmount).toBe('185');
    expect(merged?.items).toEqual([INVOICE.items[0]]);
    expect(merged?.itemCountInCode).toBe(4);
  });

  it('degrades gracefully on a partly cropped image: the whole code is read, the cut one is not', async () => {
    const image = await proofCopy(await qrPng(payloads.left), await qrPng(payloads.right));
    // Cut through the middle of the right code.
    const cropped = await sharp(image).extract({ left: 0, top: 0, width: 500, height: 600 }).png().toBuffer();
    const codes = await decodeQrCodes(cropped);
    expect(codes).toEqual([payloads.left]);
    // And a crop that keeps only the lower part of both codes loses both, without throwing.
    const lowerOnly = await sharp(image).extract({ left: 0, top: 480, width: 700, height: 120 }).png().toBuffer();
    await expect(decodeQrCodes(lowerOnly)).resolves.toEqual([]);
  });

  it('finds codes in a small, low-resolution image by trying an upscaled copy', async () => {
    const image = await proofCopy(await qrPng(payloads.left), await qrPng(payloads.right));
    const small = await sharp(image).resize({ width: 420 }).png().toBuffer();
    expect(mergeEInvoiceCodes(await decodeQrCodes(small))).toEqual(EXPECTED);
  });

  it('separates two codes printed with no quiet zone between them', async () => {
    const leftPng = await QRCode.toBuffer(payloads.left, { type: 'png', width: 280, margin: 0, errorCorrectionLevel: 'L' });
    const rightPng = await QRCode.toBuffer(payloads.right, { type: 'png', width: 280, margin: 0, errorCorrectionLevel: 'L' });
    const image = await sharp({ create: { width: 600, height: 320, channels: 3, background: '#ffffff' } })
      .composite([{ input: leftPng, left: 20, top: 20 }, { input: rightPng, left: 300, top: 20 }])
      .png()
      .toBuffer();
    expect(await decodeQrCodes(image)).toEqual([payloads.left, payloads.right]);
  });

  it('decodes Big5 item names when the left code says encoding 0', async () => {
    const big5Name = Buffer.from([0xa4, 0xa4, 0xa4, 0xe5, 0xb4, 0xfa, 0xb8, 0xd5]);
    expect(new TextDecoder('big5').decode(big5Name)).toBe('中文測試');
    const left = Buffer.concat([Buffer.from(`${FIXED_77}:**********:2:2:0:`, 'ascii'), big5Name, Buffer.from(':1:30:', 'ascii')]);
    const right = Buffer.concat([Buffer.from('**', 'ascii'), big5Name, Buffer.from(':2:15', 'ascii')]);
    const image = await proofCopy(await qrPng([{ data: left, mode: 'byte' }]), await qrPng([{ data: right, mode: 'byte' }]));
    const merged = mergeEInvoiceCodes(await decodeQrCodes(image));
    expect(merged?.encoding).toBe('big5');
    expect(merged?.items).toEqual([
      { name: '中文測試', quantity: '1', unitPrice: '30' },
      { name: '中文測試', quantity: '2', unitPrice: '15' },
    ]);
  });

  it('returns [] for a photo with no code', async () => {
    const noise = Buffer.alloc(320 * 240 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) % 251;
    const photo = await sharp(noise, { raw: { width: 320, height: 240, channels: 3 } }).blur(2).jpeg().toBuffer();
    await expect(decodeQrCodes(photo)).resolves.toEqual([]);
  });

  it('rejects bytes that are not an image with IMAGE_CORRUPT', async () => {
    await expect(decodeQrCodes(Buffer.from('not an image'))).rejects.toMatchObject({ code: 'IMAGE_CORRUPT' });
  });
});
