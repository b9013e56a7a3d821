import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { chooseScale, preprocessImage, readImageMetadata } from '../../extractors/image/preprocess.js';
import { DocintelError } from '../../pipeline/errors.js';

/** Grey value at (x, y) of a PNG. */
async function pixel(png: Buffer, x: number, y: number): Promise<number> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return data[(y * info.width + x) * info.channels] ?? -1;
}

/** A page of `lines` text lines in DejaVu/sans at `fontSize` px, as PNG. */
async function textPage(lines: number, fontSize: number, width = 900): Promise<Buffer> {
  const pitch = Math.round(fontSize * 1.6);
  const height = pitch * (lines + 2);
  const rows = Array.from(
    { length: lines },
    (_, i) => `<text x="20" y="${pitch * (i + 1) + fontSize}" font-family="DejaVu Sans, sans-serif" font-size="${fontSize}">ITEM ${i + 1} RICE NOODLE SOUP 12.50</text>`,
  ).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${rows}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Solid test shapes would be taken for lighting or rules: only orient, flatten alpha, grey. */
const GEOMETRY_ONLY = { targetLineHeight: null, flattenIllumination: false, removeRuledLines: false, cropToContent: false, deskew: false } as const;

async function expectCode(promise: Promise<unknown>, code: string): Promise<DocintelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DocintelError);
  expect((error as DocintelError).code).toBe(code);
  return error as DocintelError;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
/** A tiny file claiming width x height grey pixels: a decompression bomb without the cost of making one. */
function bombPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const firstRows = deflateSync(Buffer.alloc((width + 1) * 4)); // a few rows of zeros; the rest is "missing"
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', firstRows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('preprocessImage', () => {
  it('applies EXIF orientation 6: upright, dimensions swapped', async () => {
    // Stored 300x100 with the left third black; orientation 6 means "rotate 90° clockwise to view",
    // so the upright image is 100x300 with the black part at the top.
    const stored = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#fff' } })
      .composite([{ input: { create: { width: 100, height: 100, channels: 3, background: '#000' } }, left: 0, top: 0 }])
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect(await readImageMetadata(stored)).toMatchObject({ format: 'jpeg', width: 300, height: 100, pages: 1, orientation: 6 });

    const [frame] = await preprocessImage(stored, GEOMETRY_ONLY);
    expect(frame).toMatchObject({ width: 100, height: 300, originalWidth: 100, originalHeight: 300, scale: 1, orientationApplied: 6 });
    expect(await pixel(frame!.png, 50, 20)).toBeLessThan(60);
    expect(await pixel(frame!.png, 50, 280)).toBeGreaterThan(200);
    // The output carries no orientation tag, so nothing downstream rotates it a second time.
    expect((await sharp(frame!.png).metadata()).orientation).toBeUndefined();
  });

  it('flattens transparency onto white and outputs one grey channel', async () => {
    // Transparent black background (RGBA 0,0,0,0) with an opaque black square: unflattened it is all black.
    const png = await sharp({ create: { width: 200, height: 200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: { create: { width: 50, height: 50, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 1 } } }, left: 75, top: 75 }])
      .png()
      .toBuffer();
    const [frame] = await preprocessImage(png, GEOMETRY_ONLY);
    const meta = await sharp(frame!.png).metadata();
    expect(meta.channels).toBe(1);
    expect(meta.hasAlpha).toBe(false);
    expect(await pixel(frame!.png, 5, 5)).toBeGreaterThan(245);
    expect(await pixel(frame!.png, 100, 100)).toBeLessThan(20);
  });

  it('scales large text down and small text up towards the target line height', async () => {
    const large = await textPage(24, 60, 2400);
    const [down] = await preprocessImage(large);
    expect(down!.lineHeight).not.toBeNull();
    expect(down!.scale).toBeLessThan(0.6);
    expect(down!.lineHeight! * down!.scale).toBeGreaterThan(14);
    expect(down!.lineHeight! * down!.scale).toBeLessThan(23);
    expect(down!.width).toBe(Math.round(down!.crop.width * down!.scale));

    const small = await textPage(12, 9, 300);
    const [up] = await preprocessImage(small);
    expect(up!.scale).toBeGreaterThan(1.5);
    expect(up!.scale).toBeLessThanOrEqual(3);
  });

  it('evens out a shadow: paper is white on both sides, text stays dark', async () => {
    const rows = Array.from({ length: 8 }, (_, i) => `<text x="20" y="${50 + i * 40}" font-family="DejaVu Sans, sans-serif" font-size="22">TOTAL RM 12.50 ITEM ${i}</text><text x="420" y="${50 + i * 40}" font-family="DejaVu Sans, sans-serif" font-size="22">CASH 20.00 CHANGE ${i}</text>`).join('');
    // Left half in shadow (paper 110), right half lit (paper 245); text black on both.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="380"><rect width="400" height="380" fill="rgb(110,110,110)"/><rect x="400" width="400" height="380" fill="rgb(245,245,245)"/>${rows}</svg>`;
    const input = await sharp(Buffer.from(svg)).png().toBuffer();
    const [flat] = await preprocessImage(input, { targetLineHeight: null, removeRuledLines: false });
    const [raw] = await preprocessImage(input, { targetLineHeight: null, removeRuledLines: false, flattenIllumination: false });
    // A gap between lines on the shadow side: grey before, white after.
    expect(await pixel(raw!.png, 200, 62)).toBeLessThan(150);
    expect(await pixel(flat!.png, 200, 62)).toBeGreaterThan(220);
    expect(await pixel(flat!.png, 600, 62)).toBeGreaterThan(220);
  });

  it('erases thin ruled lines and keeps text and thick bars', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="400"><rect width="100%" height="100%" fill="#fff"/>
      <g stroke="#000" stroke-width="2"><line x1="20" y1="40" x2="880" y2="40"/><line x1="20" y1="120" x2="880" y2="120"/><line x1="20" y1="200" x2="880" y2="200"/>
      <line x1="20" y1="40" x2="20" y2="200"/><line x1="450" y1="40" x2="450" y2="200"/><line x1="880" y1="40" x2="880" y2="200"/></g>
      <text x="40" y="95" font-family="DejaVu Sans, sans-serif" font-size="24">ITEM NAME</text><text x="470" y="95" font-family="DejaVu Sans, sans-serif" font-size="24">AMOUNT</text>
      <text x="40" y="175" font-family="DejaVu Sans, sans-serif" font-size="24">RICE</text><text x="470" y="175" font-family="DejaVu Sans, sans-serif" font-size="24">12.50</text>
      <rect x="20" y="260" width="860" height="60" fill="#000"/><text x="40" y="300" fill="#fff" font-family="DejaVu Sans, sans-serif" font-size="24">TAX INVOICE</text></svg>`;
    const [frame] = await preprocessImage(await sharp(Buffer.from(svg)).png().toBuffer(), { targetLineHeight: null, flattenIllumination: false });
    expect(await pixel(frame!.png, 300, 40)).toBeGreaterThan(200); // horizontal rule gone
    expect(await pixel(frame!.png, 450, 150)).toBeGreaterThan(200); // vertical rule gone
    expect(await pixel(frame!.png, 700, 290)).toBeLessThan(50); // the bar is not a rule
    const { data, info } = await sharp(frame!.png).raw().toBuffer({ resolveWithObject: true });
    let ink = 0;
    for (let y = 70; y < 100; y++) for (let x = 40; x < 200; x++) if ((data[(y * info.width + x) * info.channels] ?? 255) < 100) ink++;
    expect(ink).toBeGreaterThan(300); // "ITEM NAME" is still there
  });

  it('crops empty margins and reports the crop for mapping boxes back', async () => {
    // A "till roll" of text in the middle of a large white page.
    const rows = Array.from({ length: 10 }, (_, i) => `<text x="500" y="${400 + i * 30}" font-family="DejaVu Sans, sans-serif" font-size="18">ITEM ${i} 12.50</text>`).join('');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1240" height="1754"><rect width="100%" height="100%" fill="#fff"/>${rows}</svg>`;
    const [frame] = await preprocessImage(await sharp(Buffer.from(svg)).png().toBuffer());
    const { crop, scale } = frame!;
    expect(crop.left).toBeGreaterThan(400);
    expect(crop.left).toBeLessThan(500);
    expect(crop.top).toBeGreaterThan(300);
    expect(crop.top).toBeLessThan(390);
    expect(crop.left + crop.width).toBeLessThan(800);
    expect(crop.top + crop.height).toBeLessThan(800);
    expect(frame!.width).toBe(Math.round(crop.width * scale));
    expect(frame!.originalWidth).toBe(1240);
    const [uncropped] = await preprocessImage(await sharp(Buffer.from(svg)).png().toBuffer(), { cropToContent: false });
    expect(uncropped!.crop).toEqual({ left: 0, top: 0, width: 1240, height: 1754 });
  });

  it('reads a 16-bit greyscale scan as 8-bit', async () => {
    const sixteen = await sharp(await textPage(10, 24)).grayscale().toColourspace('grey16').png().toBuffer();
    expect((await sharp(sixteen).metadata()).depth).toBe('ushort');
    const [frame] = await preprocessImage(sixteen);
    expect(frame!.lineHeight).not.toBeNull();
    const meta = await sharp(frame!.png).metadata();
    expect(meta.depth).toBe('uchar');
    expect(meta.width).toBe(frame!.width);
  });

  it('does not modify the input buffer', async () => {
    const input = await textPage(10, 30);
    const copy = Buffer.from(input);
    await preprocessImage(input);
    expect(input.equals(copy)).toBe(true);
  });

  it('refuses a decompression bomb from its header, before decoding', async () => {
    const bomb = bombPng(30_000, 30_000);
    expect(bomb.length).toBeLessThan(1000);
    expect(await readImageMetadata(bomb)).toMatchObject({ format: 'png', width: 30_000, height: 30_000 });
    const error = await expectCode(preprocessImage(bomb, { source: 'inbox/bomb.png' }), 'IMAGE_TOO_LARGE');
    expect(error.message).toContain('inbox/bomb.png');
    expect(error.message).toContain('30000x30000');
    expect(error.message).toContain('900 megapixels');
    expect(error.hint).toBeTruthy();
  });

  it('honours a configured pixel limit', async () => {
    const png = await sharp({ create: { width: 1200, height: 1000, channels: 3, background: '#fff' } }).png().toBuffer();
    await expectCode(preprocessImage(png, { maxInputPixels: 1_000_000 }), 'IMAGE_TOO_LARGE');
  });

  it('reports a truncated JPEG and a text file as IMAGE_CORRUPT', async () => {
    const jpeg = await sharp(await textPage(10, 24)).jpeg().toBuffer();
    const truncated = jpeg.subarray(0, Math.floor(jpeg.length * 0.6));
    const error = await expectCode(preprocessImage(truncated, { source: 'half.jpg' }), 'IMAGE_CORRUPT');
    expect(error.message).toContain('half.jpg');
    expect(error.message).toContain('truncated');
    expect(error.hint).toMatch(/next run/);

    await expectCode(preprocessImage(Buffer.from('Hello, this is not an image.\n'), { source: 'notes.txt' }), 'IMAGE_CORRUPT');
    await expectCode(readImageMetadata(Buffer.from('plain text')), 'IMAGE_CORRUPT');
  });

  it('returns one frame per page of a multi-page TIFF', async () => {
    const page = (background: string) => sharp({ create: { width: 120, height: 80, channels: 3, background } }).png().toBuffer();
    const tiff = await sharp([await page('#fff'), await page('#000'), await page('#fff')], { join: { animated: true } })
      .tiff()
      .toBuffer();
    expect(await readImageMetadata(tiff)).toMatchObject({ format: 'tiff', pages: 3 });
    const frames = await preprocessImage(tiff, GEOMETRY_ONLY);
    expect(frames.map((f) => [f.frame, f.width, f.height])).toEqual([
      [0, 120, 80],
      [1, 120, 80],
      [2, 120, 80],
    ]);
    expect(await pixel(frames[1]!.png, 60, 40)).toBeLessThan(20);
    expect(await pixel(frames[2]!.png, 60, 40)).toBeGreaterThan(235);
    await expectCode(preprocessImage(tiff, { maxPages: 2 }), 'TOO_MANY_PAGES');
  });
});

describe('chooseScale', () => {
  it('brings the line height to the target within the clamps', () => {
    expect(chooseScale(4000, 4000, 36)).toBeCloseTo(0.5);
    expect(chooseScale(1000, 1000, 2)).toBe(3);
    expect(chooseScale(4000, 4000, 500)).toBe(0.25);
    expect(chooseScale(4000, 4000, 36, { targetLineHeight: 24 })).toBeCloseTo(2 / 3);
  });

  it('keeps the size when there is no estimate, or the change would be under 5%', () => {
    expect(chooseScale(1000, 1000, null)).toBe(1);
    expect(chooseScale(1000, 1000, 18.5)).toBe(1);
    expect(chooseScale(1000, 1000, 10, { targetLineHeight: null })).toBe(1);
  });

  it('never shrinks a small image below a long side of 800 px', () => {
    expect(chooseScale(177, 410, 40)).toBe(1);
    expect(chooseScale(600, 1000, 36)).toBeCloseTo(0.8);
  });

  it('stays under the output pixel cap', () => {
    const scale = chooseScale(4000, 4000, 6, { maxOutputPixels: 40_000_000 });
    expect(scale).toBeGreaterThan(1);
    expect(4000 * scale * 4000 * scale).toBeLessThanOrEqual(40_000_000 * 1.0001);
  });
});
