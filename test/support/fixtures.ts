/**
 * Test documents made in code: images with known text, and the hostile files a nightly folder gets
 * (empty, truncated, mislabelled, decompression bombs, corrupt PDFs).
 */
import { deflateSync, crc32 } from 'node:zlib';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A white image with black text lines, like a clean receipt scan. */
export async function textImage(lines: string[], options: { width?: number; fontSize?: number; format?: 'png' | 'jpeg' } = {}): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const fontSize = options.fontSize ?? 28;
  const width = options.width ?? 640;
  const lineHeight = Math.round(fontSize * 1.5);
  const height = lineHeight * (lines.length + 1);
  const text = lines
    .map((line, i) => `<text x="24" y="${lineHeight * (i + 1)}" font-family="DejaVu Sans, Noto Sans CJK TC, sans-serif" font-size="${fontSize}">${escapeXml(line)}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/>${text}</svg>`;
  const image = sharp(Buffer.from(svg));
  return options.format === 'jpeg' ? image.jpeg({ quality: 90 }).toBuffer() : image.png().toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/**
 * A tiny PNG whose header claims width x height pixels: what a decompression bomb looks like to a
 * decoder that trusts the header. A few hundred bytes on disk.
 */
export function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  const idat = deflateSync(Buffer.alloc(1024));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

/** A small text PDF made with pdf-lib (standard font, so English only). */
export async function textPdf(lines: string[], pages = 1): Promise<Buffer> {
  const { PDFDocument, StandardFonts } = await import('pdf-lib');
  const doc = await PDFDocument.create();
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([595, 842]);
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 24, size: 14, font }));
  }
  return Buffer.from(await doc.save());
}
