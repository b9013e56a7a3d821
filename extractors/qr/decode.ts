/**
 * QR codes in an image, via zxing-wasm's reader (ZXing-C++ compiled to WebAssembly), fully offline: the
 * .wasm file shipped in node_modules/zxing-wasm is read from disk and handed to the module as
 * `wasmBinary`, so the library's default (fetching it from a CDN) never runs.
 *
 * A Taiwan e-invoice prints two QR codes side by side. ZXing usually finds both in one pass; when it
 * finds fewer than two, it looks again with the codes already found painted white (two codes printed
 * with touching quiet zones hide each other), then on left and right halves, on the lower part (where
 * the codes sit on a 證明聯), upscaled when small, and with a global-histogram binarizer and denoising.
 * Results are deduplicated and returned left to right, top to bottom. The image is decoded once and
 * capped at MAX_SIDE pixels, so memory stays bounded whatever the photo's resolution.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { DocintelError } from '../../pipeline/errors.js';
import type { ReaderOptions, ReadResult } from 'zxing-wasm/reader';

export interface DecodeQrOptions {
  /** Stop trying further crops and scales once this many distinct codes were found. Default 2 (an e-invoice pair). */
  minCodes?: number;
}

type ZxingReader = typeof import('zxing-wasm/reader');
type SharpFn = (typeof import('sharp'))['default'];

interface Reader {
  zxing: ZxingReader;
  /** Kept so every read re-asserts the same module (zxing-wasm caches it by shallow-equal overrides). */
  overrides: { wasmBinary: ArrayBuffer };
}

let readerPromise: Promise<Reader> | undefined;

/** Loads zxing-wasm once, with its WebAssembly binary from node_modules (no network). */
function loadReader(): Promise<Reader> {
  readerPromise ??= (async () => {
    let wasmPath: string;
    try {
      wasmPath = createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
    } catch (cause) {
      throw new DocintelError('EXTRACTION_FAILED', '[qr] Cannot find zxing-wasm/reader/zxing_reader.wasm', {
        cause,
        hint: 'Reinstall dependencies with `npm ci`; the QR reader ships its .wasm file inside the zxing-wasm package.',
      });
    }
    const bytes = await readFile(wasmPath);
    const overrides = { wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
    const zxing = await import('zxing-wasm/reader');
    await zxing.prepareZXingModule({ overrides, fireImmediately: true });
    return { zxing, overrides };
  })().catch((error: unknown) => {
    readerPromise = undefined;
    if (error instanceof DocintelError) throw error;
    throw new DocintelError('EXTRACTION_FAILED', '[qr] Cannot start the zxing-wasm QR reader', {
      cause: error,
      hint: 'Check that node_modules/zxing-wasm is intact (`npm ci`); set DEBUG for the underlying error.',
    });
  });
  return readerPromise;
}

interface Pixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface Found {
  text: string;
  /** Bounding box in the coordinates of the oriented image. */
  box: Box;
}

/** A region of the oriented image, as fractions of its size, a scale factor and reader options. */
interface Variant {
  left: number;
  top: number;
  width: number;
  height: number;
  scale: number;
  /** White border added around the crop, as a fraction of its shorter side: a quiet zone for a code cut at the edge. */
  pad?: number;
  options?: ReaderOptions;
}

const BASE_OPTIONS: ReaderOptions = {
  formats: ['QRCode'],
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  maxNumberOfSymbols: 16,
};

/** Below this shorter side a region is upscaled 2x (small codes lose modules to the binarizer). */
const SMALL_SIDE = 600;
/** Above this longer side the retries run on a downscaled copy (phone photos of a receipt). */
const LARGE_SIDE = 2400;
/** Longer side the image is reduced to before anything else; a 12 MP phone photo passes unchanged. */
const MAX_SIDE = 4096;
const WHITE = { r: 255, g: 255, b: 255, alpha: 1 };

function variants(width: number, height: number): Variant[] {
  const whole = { left: 0, top: 0, width: 1, height: 1 };
  const halves = [
    // Split exactly in the middle with a white border: two codes printed with touching quiet zones.
    { left: 0, top: 0, width: 0.5, height: 1, pad: 0.05 },
    { left: 0.5, top: 0, width: 0.5, height: 1, pad: 0.05 },
    // Overlapping by 10%, so a code straddling the middle survives whole in one of them.
    { left: 0, top: 0, width: 0.55, height: 1 },
    { left: 0.45, top: 0, width: 0.55, height: 1 },
  ];
  // A 證明聯 prints its codes in the lower part, under the text.
  const lower = [
    { left: 0, top: 0.4, width: 1, height: 0.6 },
    { left: 0, top: 0.4, width: 0.55, height: 0.6 },
    { left: 0.45, top: 0.4, width: 0.55, height: 0.6 },
  ];
  // A large photo is searched at about LARGE_SIDE pixels: ZXing's own downscaling already covered the
  // full resolution in the first pass, and full-size crops of a 12 MP photo cost seconds each.
  const base = Math.min(1, LARGE_SIDE / Math.max(width, height));
  const out: Variant[] = [...halves, ...lower].map((r) => ({ ...r, scale: base }));
  if (Math.min(width, height) < SMALL_SIDE) out.push({ ...whole, scale: 2 }, ...halves.map((r) => ({ ...r, scale: 2 })));
  out.push({ ...whole, scale: base, options: { binarizer: 'GlobalHistogram' } });
  out.push({ ...whole, scale: base, options: { tryDenoise: true } });
  return out;
}

/** A copy of the pixels with each box (grown by a tenth) painted white, so the reader looks elsewhere. */
function maskBoxes(raw: Raw, boxes: Box[]): Raw {
  const data = Buffer.from(raw.data);
  for (const b of boxes) {
    const mx = (b.x1 - b.x0) / 10;
    const my = (b.y1 - b.y0) / 10;
    const x0 = Math.max(0, Math.floor(b.x0 - mx));
    const x1 = Math.min(raw.width, Math.ceil(b.x1 + mx));
    const y0 = Math.max(0, Math.floor(b.y0 - my));
    const y1 = Math.min(raw.height, Math.ceil(b.y1 + my));
    for (let y = y0; y < y1; y++) data.fill(255, (y * raw.width + x0) * 4, (y * raw.width + x1) * 4);
  }
  return { data, width: raw.width, height: raw.height };
}

/**
 * The text of the bytes: UTF-8 when they are valid UTF-8, else Big5 for e-invoice content (encoding
 * flag 0, or a right code, which has no flag), else what ZXing made of them. ZXing guesses a character
 * set for codes without an ECI marker, which can garble UTF-8 Chinese; the bytes are the ground truth.
 */
function textOf(result: ReadResult): string {
  const bytes = result.bytes;
  if (bytes.length === 0) return result.text;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // not UTF-8
  }
  const ascii = Buffer.from(bytes).toString('latin1');
  if (/^[A-Z]{2}\d{8}/.test(ascii) || ascii.startsWith('**')) {
    try {
      return new TextDecoder('big5', { fatal: true }).decode(bytes);
    } catch {
      // not Big5 either
    }
  }
  return result.text;
}

interface Raw {
  data: Buffer;
  width: number;
  height: number;
}

async function readRegion(reader: Reader, sharp: SharpFn, raw: Raw, v: Variant): Promise<Found[]> {
  const left = Math.round(v.left * raw.width);
  const top = Math.round(v.top * raw.height);
  const width = Math.max(1, Math.min(raw.width - left, Math.round(v.width * raw.width)));
  const height = Math.max(1, Math.min(raw.height - top, Math.round(v.height * raw.height)));
  const pad = Math.round((v.pad ?? 0) * Math.min(width, height));
  let pixels: Pixels;
  if (left === 0 && top === 0 && width === raw.width && height === raw.height && v.scale === 1 && pad === 0) {
    pixels = { data: new Uint8ClampedArray(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength), width, height };
  } else {
    let pipeline = sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 4 } }).extract({ left, top, width, height });
    if (pad > 0) pipeline = pipeline.extend({ top: pad, bottom: pad, left: pad, right: pad, background: WHITE });
    // Nearest-neighbour keeps module edges sharp when enlarging; Lanczos avoids aliasing when shrinking.
    if (v.scale !== 1) {
      const w = Math.max(1, Math.round((width + 2 * pad) * v.scale));
      const h = Math.max(1, Math.round((height + 2 * pad) * v.scale));
      pipeline = sharp(await pipeline.raw().toBuffer(), { raw: { width: width + 2 * pad, height: height + 2 * pad, channels: 4 } }).resize(w, h, {
        kernel: v.scale > 1 ? 'nearest' : 'lanczos3',
      });
    }
    const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    pixels = { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  }
  await reader.zxing.prepareZXingModule({ overrides: reader.overrides, fireImmediately: true });
  const results = await reader.zxing.readBarcodes(pixels, { ...BASE_OPTIONS, ...v.options });
  // Back to the oriented image: undo the scale, the padding and the crop offset.
  const sx = (width + 2 * pad) / pixels.width;
  const sy = (height + 2 * pad) / pixels.height;
  return results
    .filter((r) => r.isValid)
    .map((r) => {
      const p = r.position;
      const xs = [p.topLeft.x, p.topRight.x, p.bottomLeft.x, p.bottomRight.x].map((x) => left - pad + x * sx);
      const ys = [p.topLeft.y, p.topRight.y, p.bottomLeft.y, p.bottomRight.y].map((y) => top - pad + y * sy);
      return { text: textOf(r), box: { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) } };
    });
}

/**
 * Every QR code's text in an image (any format sharp reads; EXIF orientation is applied), deduplicated,
 * ordered left to right (then top to bottom). An image without codes gives `[]`; a damaged code that
 * cannot be read is simply missing. Throws a DocintelError `IMAGE_CORRUPT` when the image cannot be
 * decoded, `EXTRACTION_FAILED` when the QR reader cannot start.
 */
export async function decodeQrCodes(image: Buffer, options: DecodeQrOptions = {}): Promise<string[]> {
  const minCodes = options.minCodes ?? 2;
  const sharp = (await import('sharp')).default;
  let raw: Raw;
  try {
    // Decoded once, EXIF orientation applied; every crop and scale below starts from these pixels.
    const { data, info } = await sharp(image)
      .rotate()
      .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    raw = { data, width: info.width, height: info.height };
  } catch (cause) {
    throw new DocintelError('IMAGE_CORRUPT', '[qr] Cannot decode the image to look for QR codes', {
      cause,
      hint: 'Check that the file is a complete JPEG, PNG, WebP, TIFF or GIF; re-scan or re-export it if it is truncated.',
    });
  }
  const reader = await loadReader();

  const found = new Map<string, Found>();
  const add = (codes: Found[]): void => {
    for (const code of codes) if (code.text !== '' && !found.has(code.text)) found.set(code.text, code);
  };
  const whole: Variant = { left: 0, top: 0, width: 1, height: 1, scale: 1 };
  add(await readRegion(reader, sharp, raw, whole));
  // One code found: hide it and look again, which finds a neighbour whose quiet zone it shared.
  if (found.size > 0 && found.size < minCodes) add(await readRegion(reader, sharp, maskBoxes(raw, [...found.values()].map((f) => f.box)), whole));
  for (const v of variants(raw.width, raw.height)) {
    if (found.size >= minCodes) break;
    add(await readRegion(reader, sharp, raw, v));
  }
  // Codes whose centres are within a tenth of the image height share a row: left to right there.
  const rowHeight = raw.height / 10;
  const centre = (f: Found): { x: number; y: number } => ({ x: (f.box.x0 + f.box.x1) / 2, y: (f.box.y0 + f.box.y1) / 2 });
  return [...found.values()]
    .sort((a, b) => {
      const ca = centre(a);
      const cb = centre(b);
      return Math.abs(ca.y - cb.y) < rowHeight ? ca.x - cb.x : ca.y - cb.y;
    })
    .map((f) => f.text);
}
