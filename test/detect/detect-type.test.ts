/**
 * File-type detection from content: real encoder output (sharp), hand-built headers for what sharp cannot
 * write (HEIC), the real PDFs and photos under ../shared/data when present, and liars (a text file named
 * .jpg).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DETECT_HEAD_BYTES, FILE_TYPES, detectFileType, mimeOf, type FileType } from '../../pipeline/detect-type.js';

const DATA_DIR = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const PDFS_DEV = join(DATA_DIR, 'pdfs-dev');
const TW_DEV = join(DATA_DIR, 'tw-dev');

/** The first bytes of a file, as the runner reads them. */
async function headOf(path: string, length = DETECT_HEAD_BYTES): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** An ISO-BMFF `ftyp` box: size, 'ftyp', major brand, minor version 0, compatible brands. */
function ftyp(major: string, compatible: string[]): Uint8Array {
  const size = 16 + 4 * compatible.length;
  const box = Buffer.alloc(size + 8);
  box.writeUInt32BE(size, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(major, 8, 'latin1');
  box.writeUInt32BE(0, 12);
  compatible.forEach((brand, i) => box.write(brand, 16 + 4 * i, 'latin1'));
  // The next box (meta) follows, as in a real file.
  box.writeUInt32BE(8, size);
  box.write('meta', size + 4, 'latin1');
  return box;
}

describe('detectFileType', () => {
  const image = sharp({ create: { width: 16, height: 12, channels: 3, background: '#336699' } });

  it.each<[FileType, () => Promise<Buffer>]>([
    ['jpeg', () => image.clone().jpeg().toBuffer()],
    ['png', () => image.clone().png().toBuffer()],
    ['tiff', () => image.clone().tiff().toBuffer()],
    ['webp', () => image.clone().webp().toBuffer()],
    ['heif', () => image.clone().avif().toBuffer()],
  ])('recognises %s written by a real encoder', async (type, encode) => {
    const bytes = await encode();
    expect(detectFileType(bytes)).toBe(type);
    // The head alone is enough.
    expect(detectFileType(bytes.subarray(0, DETECT_HEAD_BYTES))).toBe(type);
  });

  it('recognises both TIFF byte orders and BigTIFF', () => {
    expect(detectFileType(Uint8Array.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]))).toBe('tiff');
    expect(detectFileType(Uint8Array.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]))).toBe('tiff');
    expect(detectFileType(Uint8Array.from([0x49, 0x49, 0x2b, 0x00, 8, 0, 0, 0]))).toBe('tiff');
  });

  it('recognises HEIC/HEIF/AVIF by any ftyp brand, and not an MP4 video', () => {
    expect(detectFileType(ftyp('heic', ['mif1', 'heic']))).toBe('heif');
    // iPhones and Samsung phones often put the generic brand first and heic among the compatible ones.
    expect(detectFileType(ftyp('mif1', ['mif1', 'heic', 'miaf']))).toBe('heif');
    expect(detectFileType(ftyp('isom', ['isom', 'avif']))).toBe('heif');
    expect(detectFileType(ftyp('msf1', ['msf1', 'hevc']))).toBe('heif');
    expect(detectFileType(ftyp('isom', ['isom', 'iso2', 'avc1', 'mp41']))).toBeUndefined();
    expect(detectFileType(ftyp('qt  ', ['qt  ']))).toBeUndefined();
  });

  it('recognises a PDF at the start or after leading junk within the first 1024 bytes', () => {
    const pdf = new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n');
    expect(detectFileType(pdf)).toBe('pdf');
    const junk = (n: number): Uint8Array => {
      const bytes = new Uint8Array(n + pdf.length);
      bytes.fill(0x20, 0, n);
      bytes.set(pdf, n);
      return bytes;
    };
    // E.g. a mail gateway's leftover header or a UTF-8 BOM before the header.
    expect(detectFileType(junk(300))).toBe('pdf');
    expect(detectFileType(junk(1019))).toBe('pdf');
    expect(detectFileType(junk(1024))).toBeUndefined();
    expect(detectFileType(new TextEncoder().encode('%PDF'))).toBeUndefined();
  });

  it('decides from content: a text file named .jpg is not a JPEG, a PDF named .jpg is a PDF', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docintel-detect-'));
    try {
      const liar = join(dir, 'receipt.jpg');
      writeFileSync(liar, 'Total: 12.50\nThank you!\n');
      expect(detectFileType(await headOf(liar))).toBeUndefined();
      const disguised = join(dir, 'scan.jpg');
      writeFileSync(disguised, '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n');
      expect(detectFileType(await headOf(disguised))).toBe('pdf');
      const jpegNamedPdf = join(dir, 'invoice.pdf');
      writeFileSync(jpegNamedPdf, await image.clone().jpeg().toBuffer());
      expect(detectFileType(await headOf(jpegNamedPdf))).toBe('jpeg');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('returns undefined for empty, short and unsupported inputs', () => {
    expect(detectFileType(new Uint8Array(0))).toBeUndefined();
    expect(detectFileType(Uint8Array.from([0xff, 0xd8]))).toBeUndefined();
    expect(detectFileType(new TextEncoder().encode('GIF89a'))).toBeUndefined();
    expect(detectFileType(new TextEncoder().encode('BM'))).toBeUndefined();
    expect(detectFileType(new TextEncoder().encode('RIFF\0\0\0\0WAVEfmt '))).toBeUndefined();
    expect(detectFileType(new TextEncoder().encode('<!DOCTYPE html><html>'))).toBeUndefined();
    expect(detectFileType(Uint8Array.from([0x50, 0x4b, 0x03, 0x04]))).toBeUndefined();
  });

  it.skipIf(!existsSync(PDFS_DEV))('recognises every real PDF in pdfs-dev', async () => {
    const files = readdirSync(PDFS_DEV).filter((name) => name.endsWith('.pdf'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const name of files) expect(detectFileType(await headOf(join(PDFS_DEV, name))), name).toBe('pdf');
  });

  it.skipIf(!existsSync(TW_DEV))('recognises the real phone photos in tw-dev', async () => {
    const files = readdirSync(TW_DEV).filter((name) => /\.jpe?g$/i.test(name));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) expect(detectFileType(await headOf(join(TW_DEV, name))), name).toBe('jpeg');
  });
});

describe('mimeOf', () => {
  it('maps every type to its MIME type', () => {
    expect(Object.fromEntries(FILE_TYPES.map((type) => [type, mimeOf(type)]))).toEqual({
      jpeg: 'image/jpeg',
      png: 'image/png',
      tiff: 'image/tiff',
      webp: 'image/webp',
      heif: 'image/heif',
      pdf: 'application/pdf',
    });
  });
});

// Keep the reader honest about what it receives: the runner passes a Buffer head, which is a Uint8Array.
describe('input kinds', () => {
  it('accepts a Buffer and a subarray with an offset', () => {
    const padded = Buffer.concat([Buffer.from('xxxx'), Buffer.from('%PDF-1.7\n')]);
    expect(detectFileType(padded)).toBe('pdf');
    const view = padded.subarray(4);
    expect(detectFileType(view)).toBe('pdf');
    expect(detectFileType(Buffer.concat([Buffer.from('x'), Buffer.from([0xff, 0xd8, 0xff, 0xe0])]).subarray(1))).toBe('jpeg');
  });
});
