/**
 * Image preparation for OCR with sharp: one upright, grey, white-backed PNG per frame (TIFF page),
 * cropped to the document and scaled so text lines are the height tesseract reads best. The input
 * Buffer is never modified. Steps: EXIF orientation (and a requested quarter turn), alpha onto white,
 * grey; level skewed text lines; estimate the text-line height; crop empty margins; scale; even out
 * lighting; erase ruled lines; stretch contrast; PNG.
 *
 * Sizing rule: scale so the median text-line height (horizontal ink profile, `estimateLineHeight`)
 * becomes `targetLineHeight` = 18 px, clamped to 0.25x..3x and never shrinking a small image below a
 * long side of 800 px; no estimate (scene photos, strong skew) keeps the size. Measured on 24 receipts
 * of /work/shared/data/sroie-dev (every 4th id), one tesseract.js 7 worker, eng+chi_tra, best_int,
 * tesseract.js' default PSM 6, CPU ms per image on this (shared, noisy: ±10%) machine; CER =
 * Levenshtein / ground-truth length after removing whitespace and upper-casing (box/ lines in order):
 *
 * | sizing candidate                        | preprocess ms | OCR ms | mean CER | median CER |
 * |-----------------------------------------|---------------|--------|----------|------------|
 * | original JPEG straight to tesseract     |             0 |   3062 |   0.152* |     0.168* |
 * | no resize (grey)                        |            51 |   2952 |   0.147  |     0.146  |
 * | width 1000 px (up or down)              |           130 |   3105 |   0.159  |     0.153  |
 * | width 1500 px                           |           217 |   3625 |   0.140  |     0.143  |
 * | width 2000 px                           |          1004 |   5125 |   0.285* |     0.222* |
 * | 2x upscale                              |          1008 |   5638 |   0.318* |     0.215* |
 * | 0.5x downscale                          |           125 |   2312 |   0.481* |     0.433* |
 * | line height 12 px                       |           145 |   2393 |   0.159  |     0.141  |
 * | line height 16 px                       |           179 |   2685 |   0.136  |     0.128  |
 * | line height 20 px                       |           182 |   2865 |   0.134  |     0.133  |
 * | line height 24 px                       |           215 |   3133 |   0.140  |     0.138  |
 * | line height 32 px                       |           280 |   3408 |   0.141  |     0.138  |
 * | line height 40 px                       |           376 |   4004 |   0.145  |     0.143  |
 * (* first 12 of the 24 only; the width-2000/2x/0.5x rows also had sharp's default normalise, below.
 * Line heights here are from a first estimator that read ~10% higher than the final one, so its 16-20
 * corresponds to today's 14-18.)
 *
 * Line height beats a fixed width because receipt scans differ mostly in how large the receipt is on
 * the page (a 1080 px wide A4 scan has 12 px lines, a 463 px till roll 22 px), and tesseract's LSTM
 * scales every line to 36 px anyway: more pixels only add layout-analysis time. 16-20 px is the sweet
 * spot (smaller loses strokes, larger costs time for nothing). Re-checked with the final pipeline and
 * PSM 3 (the pool's default), interleaved: target 14 → 1810 ms, CER 0.198; 18 → 2360 ms, 0.154.
 *
 * Contrast: `normalise()` with sharp's defaults (1st..99th percentile) destroyed two scans (CER 0.10
 * → 0.89): on a page that is 98% white the 1st percentile is already light grey, so all grey text
 * becomes black blobs. We stretch from the darkest pixel to the 99th percentile instead (neutral on
 * SROIE, brightens dim photos), computed from our own histogram: sharp's normalise() cost ~190 ms per
 * 2 MP receipt. A median filter (CER 0.154 → 0.351) and binarising here (→ 0.230) both hurt.
 *
 * Lighting, ruled lines and cropping (same 24 receipts, PSM 3, interleaved):
 * | pipeline                          | preprocess ms | OCR ms | mean CER |
 * |-----------------------------------|---------------|--------|----------|
 * | scale + stretch only              |           105 |   2139 |   0.156  |
 * | + flatten lighting                |           181 |   1990 |   0.156  |
 * | + flatten + erase ruled lines     |           234 |   2119 |   0.164  |
 * Erasing lines costs SROIE 0.008 CER but recovers Taiwan ruled forms (tw-dev 1_business_invoice:
 * 1 → 22 of 47 known strings; its whole item table was missing). Cropping to the ink cut 32% of the
 * pixels of 20 SROIE receipts (70% on the A4 scans of till rolls).
 *
 * Levelling (skew.ts), measured with `npm run eval` (PP-OCR) on sroie-dev and on a copy of it with every
 * receipt turned 2° (the tilt of a hand-fed scan or a phone photo; a held-out set will have some):
 * | levelling                      | sroie-dev mean | address | turned 2°: mean | address |
 * |--------------------------------|----------------|---------|-----------------|---------|
 * | none                           |          0.878 |    0.64 |           0.772 |    0.31 |
 * | skews of 0.5° and more         |          0.870 |    0.61 |           0.857 |    0.57 |
 * | skews of 1° and more (kept)    |          0.875 |    0.63 |           0.857 |    0.57 |
 * Under 1° the resample blurs thin thermal print for little gain (PP-OCR already reads a slightly tilted
 * line along its own slope); over it, upright boxes around tilted lines take in their neighbours.
 */
import type { Sharp, SharpOptions } from 'sharp';
import { DocintelError, errorMessage } from '../../pipeline/errors.js';
import { estimateSkew, inkPoints } from './skew.js';

export interface PreprocessOptions {
  /** Largest frame decoded, in pixels (width × height): a guard against decompression bombs. Default 100 000 000. */
  maxInputPixels?: number;
  /** Most frames (TIFF pages) accepted; more is TOO_MANY_PAGES, checked before any decoding. Default 50. */
  maxPages?: number;
  /** Name of the input in error messages, e.g. the file path. Default `'image'`. */
  source?: string;
  /** Text-line height in output pixels the image is scaled to. Default 18. `null` keeps the size. */
  targetLineHeight?: number | null;
  /** Smallest scale factor applied. Default 0.25. */
  minScale?: number;
  /** Largest scale factor applied. Default 3. */
  maxScale?: number;
  /** Largest output frame in pixels; the scale is reduced to stay under it. Default 40 000 000 (the OCR pool's limit). */
  maxOutputPixels?: number;
  /** Divide out uneven lighting (phone shadows) before OCR. Default true. */
  flattenIllumination?: boolean;
  /** Erase thin ruled lines (table grids, boxes) that make tesseract skip the text inside. Default true. */
  removeRuledLines?: boolean;
  /** Cut empty margins (a till roll on an A4 scan) so tesseract analyses only the document. Default true. */
  cropToContent?: boolean;
  /**
   * Quarter turns clockwise after the EXIF orientation, in degrees: for a page scanned sideways or upside
   * down, which no EXIF tag describes (the read stage tries them on a page that reads badly). Default 0.
   */
  rotate?: 0 | 90 | 180 | 270;
  /** Level text lines that are up to 5° off (skew.ts). Default true. */
  deskew?: boolean;
  /** Prepare only this frame (0-based TIFF page), e.g. to turn one page again. Default: every frame. */
  frame?: number;
}

export interface PreprocessedImage {
  /** Grey PNG, upright, alpha flattened onto white. */
  png: Buffer;
  /** Output size in pixels. */
  width: number;
  height: number;
  /** Output pixels per original pixel (same in x and y). */
  scale: number;
  /**
   * The part of the upright original that was kept (see `cropToContent`), in original pixels. A point
   * of the output maps back as `x / scale + crop.left`, `y / scale + crop.top`; on a page that was
   * levelled (`deskewApplied` ≠ 0) that point is in the levelled page, turned about the original's centre.
   */
  crop: { left: number; top: number; width: number; height: number };
  /** Size of the frame after applying its EXIF orientation and `rotate` (the upright original), before levelling. */
  originalWidth: number;
  originalHeight: number;
  /** EXIF Orientation value that was applied (1 = none, 3 = 180°, 6 = 90° clockwise, 8 = 270°; 2/4/5/7 mirror). */
  orientationApplied: number;
  /** Quarter turns applied after it (the `rotate` option), in degrees clockwise. */
  rotationApplied: number;
  /** Degrees the page was turned clockwise to level its text lines (0: it was level, or had no lines). */
  deskewApplied: number;
  /** 0-based frame index within the file (TIFF page). */
  frame: number;
  /** Estimated text-line height in original pixels, or null when the ink profile gave none. */
  lineHeight: number | null;
}

export interface ImageMetadata {
  /** sharp's format name: jpeg, png, tiff, webp, heif, gif, ... */
  format: string;
  /** Size of the first frame as stored (before EXIF orientation). */
  width: number;
  height: number;
  /** Number of frames/pages (1 for single images). */
  pages: number;
  /** EXIF Orientation 1..8 (1 when absent). */
  orientation: number;
}

const DEFAULTS = {
  maxInputPixels: 100_000_000,
  maxPages: 50,
  targetLineHeight: 18,
  minScale: 0.25,
  maxScale: 3,
  maxOutputPixels: 40_000_000,
  flattenIllumination: true,
  removeRuledLines: true,
  cropToContent: true,
  deskew: true,
} as const;

/** Skews smaller than this are left (measured in the file comment: the resample costs more than it gains). */
const MIN_DESKEW_DEGREES = 1;
/** Long side, in sampled pixels, the skew is measured at: finer than 0.1° on a receipt, and quick. */
const SKEW_SAMPLE_SIDE = 1000;

type SharpFactory = (typeof import('sharp'))['default'];

async function loadSharp(): Promise<SharpFactory> {
  // Lazy: sharp loads a native library; the CLI must start without it.
  return (await import('sharp')).default;
}

/** Format, size, frame count and orientation from the header only (nothing is decoded). */
export async function readImageMetadata(input: Buffer, options: { source?: string } = {}): Promise<ImageMetadata> {
  const source = options.source ?? 'image';
  const sharp = await loadSharp();
  try {
    // No pixel limit here: the header is all that is read, and the caller wants the real size.
    const meta = await sharp(input, { limitInputPixels: false }).metadata();
    if (meta.format === undefined || meta.width === undefined || meta.height === undefined) {
      throw new Error('no image dimensions in the header');
    }
    return {
      format: meta.format,
      width: meta.width,
      height: meta.height,
      pages: meta.pages ?? 1,
      orientation: meta.orientation ?? 1,
    };
  } catch (cause) {
    throw corrupt(source, cause);
  }
}

/** One OCR-ready PNG per frame (several for a multi-page TIFF); see the file comment for each step. */
export async function preprocessImage(input: Buffer, options: PreprocessOptions = {}): Promise<PreprocessedImage[]> {
  const source = options.source ?? 'image';
  const maxInputPixels = options.maxInputPixels ?? DEFAULTS.maxInputPixels;
  const maxPages = options.maxPages ?? DEFAULTS.maxPages;
  const meta = await readImageMetadata(input, { source });
  // Only TIFF pages are documents; the frames of an animated GIF/WebP are not separate pages.
  const frames = meta.format === 'tiff' ? meta.pages : 1;
  if (frames > maxPages) {
    throw new DocintelError('TOO_MANY_PAGES', `${source} has ${frames} pages, above the limit of ${maxPages}`, {
      hint: 'Split the file, or raise --max-pages.',
      details: { source, pages: frames, maxPages },
    });
  }
  const out: PreprocessedImage[] = [];
  if (options.frame !== undefined) {
    if (!Number.isInteger(options.frame) || options.frame < 0 || options.frame >= frames) {
      throw new DocintelError('INTERNAL', `${source} has no frame ${options.frame} (it has ${frames})`);
    }
    return [await preprocessFrame(input, options.frame, frames > 1, { ...options, source, maxInputPixels })];
  }
  for (let frame = 0; frame < frames; frame++) {
    out.push(await preprocessFrame(input, frame, frames > 1, { ...options, source, maxInputPixels }));
  }
  return out;
}

async function preprocessFrame(
  input: Buffer,
  frame: number,
  multiPage: boolean,
  options: PreprocessOptions & { source: string; maxInputPixels: number },
): Promise<PreprocessedImage> {
  const { source, maxInputPixels } = options;
  const where = multiPage ? `${source} (page ${frame + 1})` : source;
  const sharp = await loadSharp();
  const open = (): Sharp => {
    const sharpOptions: SharpOptions = {
      // A truncated file is usually one still being copied into the inbox: fail it (IMAGE_CORRUPT) so the
      // next run reads the whole file, instead of storing the OCR of the top half as if it were complete.
      // Other libjpeg warnings (extraneous bytes, bad EXIF) are common in phone pictures and harmless.
      failOn: 'truncated',
      limitInputPixels: maxInputPixels,
    };
    if (multiPage) sharpOptions.page = frame;
    return sharp(input, sharpOptions);
  };

  let header;
  try {
    // The header read has no pixel limit (sharp would refuse a bomb with a less helpful message).
    header = await sharp(input, { limitInputPixels: false, ...(multiPage ? { page: frame } : {}) }).metadata();
  } catch (cause) {
    throw corrupt(where, cause);
  }
  const storedWidth = header.width ?? 0;
  const storedHeight = header.height ?? 0;
  // Checked from the header so a bomb is refused before a single pixel is decoded.
  if (storedWidth * storedHeight > maxInputPixels) throw tooLarge(where, storedWidth, storedHeight, maxInputPixels);
  const orientation = header.orientation ?? 1;

  let grey: { data: Buffer; width: number; height: number };
  try {
    let image = open().rotate(); // EXIF orientation; the output carries no EXIF, so it is applied exactly once
    if (options.rotate) image = image.rotate(options.rotate);
    const { data, info } = await image
      .flatten({ background: '#ffffff' }) // transparent PNG/WebP: transparent is paper, not black
      .grayscale()
      .raw({ depth: 'uchar' }) // 16-bit scans (PNG, TIFF) would otherwise come out as 2 bytes per pixel
      .toBuffer({ resolveWithObject: true });
    grey = { data, width: info.width, height: info.height };
  } catch (cause) {
    if (/pixel limit/i.test(errorMessage(cause))) throw tooLarge(where, storedWidth, storedHeight, maxInputPixels);
    throw corrupt(where, cause);
  }

  const upright = { width: grey.width, height: grey.height };
  let histogram = greyHistogram(grey.data);
  let deskewApplied = 0;
  if (options.deskew ?? DEFAULTS.deskew) {
    const stride = Math.max(1, Math.ceil(Math.max(grey.width, grey.height) / SKEW_SAMPLE_SIDE));
    const skew = estimateSkew(inkPoints(grey.data, grey.width, grey.height, inkThreshold(histogram, grey.data.length), stride));
    if (skew !== null && Math.abs(skew.degrees) >= MIN_DESKEW_DEGREES) {
      grey = await rotateGrey(grey, -skew.degrees, sharp);
      histogram = greyHistogram(grey.data);
      deskewApplied = -skew.degrees;
    }
  }
  const lineHeight = options.targetLineHeight === null ? null : await estimateLineHeight(grey, sharp, histogram);
  const crop =
    (options.cropToContent ?? DEFAULTS.cropToContent)
      ? contentBox(grey, inkThreshold(histogram, grey.data.length), lineHeight)
      : { left: 0, top: 0, width: grey.width, height: grey.height };
  const scale = chooseScale(crop.width, crop.height, lineHeight, options);
  const width = Math.max(1, Math.round(crop.width * scale));
  const height = Math.max(1, Math.round(crop.height * scale));
  let pipeline = sharp(grey.data, { raw: { width: grey.width, height: grey.height, channels: 1 } });
  if (crop.width !== grey.width || crop.height !== grey.height) pipeline = pipeline.extract(crop);
  if (scale !== 1) pipeline = pipeline.resize(width, height, { kernel: scale < 1 ? 'lanczos3' : 'cubic', fit: 'fill' });
  const flatten = options.flattenIllumination ?? DEFAULTS.flattenIllumination;
  const removeLines = options.removeRuledLines ?? DEFAULTS.removeRuledLines;
  let pixels = grey.data;
  let pixelHistogram = histogram;
  if (flatten || removeLines) {
    // b-w: raw single-channel input is otherwise written out as 3-channel sRGB.
    pixels = await pipeline.toColourspace('b-w').raw().toBuffer();
    const outputLineHeight = lineHeight === null ? null : lineHeight * scale;
    if (flatten) pixels = await flattenIllumination({ data: pixels, width, height }, outputLineHeight, sharp);
    pixelHistogram = greyHistogram(pixels);
    if (removeLines) {
      eraseRuledLines({ data: pixels, width, height }, inkThreshold(pixelHistogram, pixels.length), outputLineHeight ?? DEFAULTS.targetLineHeight);
    }
    pipeline = sharp(pixels, { raw: { width, height, channels: 1 } });
  }
  const stretch = contrastStretch(pixelHistogram, pixels.length);
  if (stretch !== null) pipeline = pipeline.linear(stretch.multiply, stretch.add);
  // Compression level 1: tesseract decodes the PNG again at once, so a bigger, faster-to-write file wins.
  const png = await pipeline.toColourspace('b-w').png({ compressionLevel: 1 }).toBuffer();
  return {
    png,
    width,
    height,
    scale: width / crop.width,
    crop,
    originalWidth: upright.width,
    originalHeight: upright.height,
    orientationApplied: orientation,
    rotationApplied: options.rotate ?? 0,
    deskewApplied,
    frame,
    lineHeight,
  };
}

/** The grey image turned `degrees` clockwise about its centre, on a canvas grown to hold it, corners white. */
async function rotateGrey(image: { data: Buffer; width: number; height: number }, degrees: number, sharp: SharpFactory): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } })
    .rotate(degrees, { background: '#ffffff' })
    .toColourspace('b-w') // raw single-channel input is otherwise written out as 3-channel sRGB
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * Bounding box of the ink plus a margin of 2 line heights: rows and columns count as inked when at
 * least 0.3% of their pixels (3 at minimum) are ink, so scanner dust does not stretch the box. The
 * whole image when the box would save less than 20% of the pixels or looks implausible (no ink, or a
 * box under 2% of the page: probably a blank page with a speck). Tesseract's layout analysis costs
 * time in proportion to pixels, blank ones included: SROIE's A4 scans of a till roll are 70% margin.
 */
function contentBox(
  image: { data: Uint8Array; width: number; height: number },
  threshold: number,
  lineHeight: number | null,
): { left: number; top: number; width: number; height: number } {
  const { data, width, height } = image;
  const whole = { left: 0, top: 0, width, height };
  const rowInk = new Uint32Array(height);
  const columnInk = new Uint32Array(width);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let count = 0;
    for (let x = 0; x < width; x++) {
      if ((data[row + x] ?? 255) <= threshold) {
        count++;
        columnInk[x] = (columnInk[x] ?? 0) + 1;
      }
    }
    rowInk[y] = count;
  }
  const first = (counts: Uint32Array, min: number): number => counts.findIndex((c) => c >= min);
  const last = (counts: Uint32Array, min: number): number => {
    for (let i = counts.length - 1; i >= 0; i--) if ((counts[i] ?? 0) >= min) return i;
    return -1;
  };
  const minRow = Math.max(3, width * 0.003);
  const minColumn = Math.max(3, height * 0.003);
  const top = first(rowInk, minRow);
  const bottom = last(rowInk, minRow);
  const left = first(columnInk, minColumn);
  const right = last(columnInk, minColumn);
  if (top < 0 || left < 0 || bottom < top || right < left) return whole;
  const margin = Math.round(2 * (lineHeight ?? Math.max(width, height) / 50));
  const box = {
    left: Math.max(0, left - margin),
    top: Math.max(0, top - margin),
    width: 0,
    height: 0,
  };
  box.width = Math.min(width, right + 1 + margin) - box.left;
  box.height = Math.min(height, bottom + 1 + margin) - box.top;
  const kept = (box.width * box.height) / (width * height);
  if (kept > 0.8 || kept < 0.02) return whole;
  return box;
}

/** Downscale factor of the background estimate: lighting changes slowly, text does not survive it. */
const BACKGROUND_FACTOR = 8;

/**
 * Evens out lighting: estimates the paper brightness everywhere (a max filter wider than any text,
 * on an 1/8 size copy, blurred and scaled back) and divides each pixel by it, so paper becomes white
 * in the shadow of a phone as well as in the light. Without it tesseract's global Otsu threshold
 * turns a shadowed region black (tw-dev 1_business_invoice: the whole item table was lost).
 * `lineHeight` is in pixels of `image`; the filter spans 3 line heights so black header bars with
 * white text survive (a bar narrower than the window is seen as text, not as background).
 */
async function flattenIllumination(
  image: { data: Buffer; width: number; height: number },
  lineHeight: number | null,
  sharp: SharpFactory,
): Promise<Buffer> {
  const { data, width, height } = image;
  const smallWidth = Math.max(1, Math.round(width / BACKGROUND_FACTOR));
  const smallHeight = Math.max(1, Math.round(height / BACKGROUND_FACTOR));
  const small = await sharp(data, { raw: { width, height, channels: 1 } })
    .resize(smallWidth, smallHeight, { fit: 'fill', kernel: 'linear' })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  const span = lineHeight ?? Math.max(width, height) / 40;
  const radius = Math.max(2, Math.round((span * 3) / BACKGROUND_FACTOR));
  const paper = maxFilter(small, smallWidth, smallHeight, radius);
  const background = await sharp(paper, { raw: { width: smallWidth, height: smallHeight, channels: 1 } })
    .blur(Math.max(0.5, radius / 2))
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  const out = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) {
    const level = ((data[i] ?? 255) * 255) / Math.max(1, background[i] ?? 255);
    out[i] = level > 255 ? 255 : level;
  }
  return out;
}

/** Separable square max filter (radius in pixels) on an 8-bit single-channel image. */
function maxFilter(data: Uint8Array, width: number, height: number, radius: number): Buffer {
  const rows = Buffer.alloc(data.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let max = 0;
      const from = Math.max(0, x - radius);
      const to = Math.min(width - 1, x + radius);
      for (let k = from; k <= to; k++) max = Math.max(max, data[row + k] ?? 0);
      rows[row + x] = max;
    }
  }
  const out = Buffer.alloc(data.length);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      let max = 0;
      const from = Math.max(0, y - radius);
      const to = Math.min(height - 1, y + radius);
      for (let k = from; k <= to; k++) max = Math.max(max, rows[k * width + x] ?? 0);
      out[y * width + x] = max;
    }
  }
  return out;
}

/**
 * Whitens ruled lines in place: ink runs longer than 5 line heights (no glyph stroke is that long)
 * that are at most a third of a line height thick. Tesseract's page layout analysis treats text in a
 * ruled table as part of a graphic and drops it: on tw-dev 1_business_invoice the whole item table
 * (names, quantities, prices, amounts) was missing until the grid was erased. Thick runs are kept,
 * so a black header bar with white text stays a bar (tesseract reads it inverted).
 */
function eraseRuledLines(image: { data: Buffer; width: number; height: number }, threshold: number, lineHeight: number): void {
  const { data, width, height } = image;
  const minLength = Math.max(40, Math.round(lineHeight * 5));
  const maxThickness = Math.max(2, Math.round(lineHeight / 3));
  const ink = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) ink[i] = (data[i] ?? 255) <= threshold ? 1 : 0;
  const horizontal = longRuns(ink, width, height, minLength, true);
  const vertical = longRuns(ink, width, height, minLength, false);
  // A run belongs to a line only where the stack of long runs across it is thin.
  eraseThin(data, horizontal, width, height, maxThickness, false);
  eraseThin(data, vertical, width, height, maxThickness, true);
}

/**
 * Calls `onRun(base, stride, start, end)` for every run of set flags (`flags[i] === 1`) along each row
 * (`alongRows`) or each column; pixel `k` of a run is `flags[base + k * stride]`.
 */
function forEachRun(
  flags: Uint8Array,
  width: number,
  height: number,
  alongRows: boolean,
  onRun: (base: number, stride: number, start: number, end: number) => void,
): void {
  const lines = alongRows ? height : width;
  const length = alongRows ? width : height;
  const stride = alongRows ? 1 : width;
  for (let line = 0; line < lines; line++) {
    const base = alongRows ? line * width : line;
    let start = -1;
    for (let i = 0; i <= length; i++) {
      const set = i < length && flags[base + i * stride] === 1;
      if (set && start < 0) start = i;
      if (!set && start >= 0) {
        onRun(base, stride, start, i);
        start = -1;
      }
    }
  }
}

/** Mask (1 = ink pixel in a run of at least `minLength`) along rows (`alongRows`) or columns. */
function longRuns(ink: Uint8Array, width: number, height: number, minLength: number, alongRows: boolean): Uint8Array {
  const mask = new Uint8Array(ink.length);
  forEachRun(ink, width, height, alongRows, (base, stride, start, end) => {
    if (end - start >= minLength) for (let k = start; k < end; k++) mask[base + k * stride] = 1;
  });
  return mask;
}

/** Whitens masked pixels whose masked stack across the run direction is at most `maxThickness`. */
function eraseThin(data: Buffer, mask: Uint8Array, width: number, height: number, maxThickness: number, stackAlongRows: boolean): void {
  forEachRun(mask, width, height, stackAlongRows, (base, stride, start, end) => {
    if (end - start <= maxThickness) for (let k = start; k < end; k++) data[base + k * stride] = 255;
  });
}

/** Histogram of an 8-bit grey buffer. */
function greyHistogram(data: Uint8Array): Uint32Array {
  const histogram = new Uint32Array(256);
  for (const value of data) histogram[value] = (histogram[value] ?? 0) + 1;
  return histogram;
}

/** Grey level below which a fraction `p` of the `total` pixels lie. */
function percentile(histogram: Uint32Array, total: number, p: number): number {
  const wanted = total * p;
  let seen = 0;
  for (let level = 0; level < 256; level++) {
    seen += histogram[level] ?? 0;
    if (seen >= wanted) return level;
  }
  return 255;
}

/**
 * Linear stretch mapping the darkest pixel to 0 and the 99th percentile to 255 (see the file comment
 * for why not sharp's 1..99). Computed from our own histogram and applied with `linear()`: sharp's
 * `normalise()` does the same but cost ~190 ms on a 2 MP receipt, more than decoding it.
 * Null when there is nothing to stretch (already full range, or a blank page).
 */
function contrastStretch(histogram: Uint32Array, total: number): { multiply: number; add: number } | null {
  const low = percentile(histogram, total, 0);
  const high = percentile(histogram, total, 0.99);
  if (high - low < 16 || (low === 0 && high === 255)) return null;
  const multiply = 255 / (high - low);
  return { multiply, add: -low * multiply };
}

const MIN_DOWNSCALED_LONG_SIDE = 800;

/** Scale factor for the sizing rule (file comment), clamped and kept under `maxOutputPixels`. */
export function chooseScale(width: number, height: number, lineHeight: number | null, options: PreprocessOptions = {}): number {
  const target = options.targetLineHeight === undefined ? DEFAULTS.targetLineHeight : options.targetLineHeight;
  const minScale = options.minScale ?? DEFAULTS.minScale;
  const maxScale = options.maxScale ?? DEFAULTS.maxScale;
  const maxOutputPixels = options.maxOutputPixels ?? DEFAULTS.maxOutputPixels;
  let scale = target !== null && lineHeight !== null && lineHeight > 0 ? target / lineHeight : 1;
  scale = Math.min(maxScale, Math.max(minScale, scale));
  // Never shrink a small image below a long side of 800 px: its estimate is the least reliable (a QR
  // code on a 177x410 phone crop reads as one tall "line") and there is little time to save.
  if (scale < 1) scale = Math.max(scale, Math.min(1, MIN_DOWNSCALED_LONG_SIDE / Math.max(width, height)));
  const pixelCap = Math.sqrt(maxOutputPixels / (width * height));
  scale = Math.min(scale, pixelCap);
  // Within 5% of the original size a resample costs time and blurs strokes for no gain.
  return Math.abs(scale - 1) < 0.05 ? 1 : scale;
}

/** Width the ink profile is measured at: enough to resolve 3 px lines, cheap on a 5000 px photo. */
const PROFILE_WIDTH = 1200;
/** Vertical strips measured separately, so a skewed line spans fewer rows and lines do not merge. */
const PROFILE_STRIPS = 4;
/** Blank rows still counted as inside a line (at profile resolution). */
const PROFILE_GAP = 2;

/**
 * Median height of text lines in pixels of `image`, from horizontal ink profiles (ink threshold, rows
 * with ink in each of 4 vertical strips, runs of such rows = lines). Null when fewer than 8 lines are
 * found or the median is implausible (> 1/5 of the page): then the caller does not resize. On the 100
 * SROIE receipts it is 0.77x the ground-truth box height (boxes are padded; p5 0.65, p95 0.88, min
 * 0.50, max 1.07) and takes ~30 ms.
 */
export async function estimateLineHeight(
  image: { data: Buffer; width: number; height: number },
  sharp?: SharpFactory,
  histogram?: Uint32Array,
): Promise<number | null> {
  let { data, width, height } = image;
  // Percentiles barely move when the image is shrunk for the profile, so the full-size histogram serves.
  const threshold = inkThreshold(histogram ?? greyHistogram(data), data.length);
  let factor = 1;
  if (width > PROFILE_WIDTH) {
    const sharpLib = sharp ?? (await loadSharp());
    factor = PROFILE_WIDTH / width;
    const small = await sharpLib(data, { raw: { width, height, channels: 1 } })
      .resize(PROFILE_WIDTH, Math.max(1, Math.round(height * factor)), { kernel: 'linear', fit: 'fill' })
      .toColourspace('b-w') // raw single-channel input is otherwise written out as 3-channel sRGB
      .raw()
      .toBuffer({ resolveWithObject: true });
    data = small.data;
    width = small.info.width;
    height = small.info.height;
    factor = width / image.width;
  }
  const runs: number[] = [];
  const stripWidth = Math.ceil(width / PROFILE_STRIPS);
  for (let strip = 0; strip < PROFILE_STRIPS; strip++) {
    const x0 = strip * stripWidth;
    const x1 = Math.min(width, x0 + stripWidth);
    if (x1 - x0 < 8) continue;
    const minInk = Math.max(2, Math.round((x1 - x0) * 0.02));
    let start = -1;
    let lastOn = -1;
    for (let y = 0; y <= height; y++) {
      let ink = 0;
      if (y < height) {
        const row = y * width;
        for (let x = x0; x < x1; x++) if ((data[row + x] ?? 255) <= threshold) ink++;
      }
      const on = ink >= minInk;
      if (on) {
        if (start < 0) start = y;
        lastOn = y;
      } else if (start >= 0 && y - lastOn > PROFILE_GAP) {
        // Gaps of up to PROFILE_GAP rows belong to the line: dot-matrix print has blank rows between dots.
        const run = lastOn + 1 - start;
        if (run >= 3) runs.push(run);
        start = -1;
      }
    }
    if (start >= 0 && lastOn + 1 - start >= 3) runs.push(lastOn + 1 - start);
  }
  if (runs.length < 8) return null;
  runs.sort((a, b) => a - b);
  const median = runs[runs.length >> 1] ?? 0;
  if (median > height / 5) return null;
  return median / factor;
}

/**
 * Grey level separating ink from paper: halfway between the darkest 0.5% (ink) and the median (paper,
 * which covers most of any document), and at least 40 levels below the paper. Otsu was tried first and fails both ways on receipts: on a scan
 * it splits the receipt paper from the slightly whiter scanner lid, and on faint thermal print it puts
 * the grey text on the paper side of a black handwritten label.
 */
function inkThreshold(histogram: Uint32Array, total: number): number {
  const paper = percentile(histogram, total, 0.5);
  // On a nearly blank page even the darkest 0.5% is paper: then anything 40 levels darker is ink.
  return Math.min((percentile(histogram, total, 0.005) + paper) / 2, paper - MIN_INK_CONTRAST);
}

/** Grey levels between paper and the lightest pixel that still counts as ink. */
const MIN_INK_CONTRAST = 40;

function tooLarge(where: string, width: number, height: number, maxInputPixels: number): DocintelError {
  const megapixels = (width * height) / 1_000_000;
  return new DocintelError(
    'IMAGE_TOO_LARGE',
    `${where} is ${width}x${height} px (${megapixels.toFixed(0)} megapixels), above the limit of ${(maxInputPixels / 1_000_000).toFixed(0)} megapixels`,
    {
      hint: 'Scan or export it at a lower resolution (300 dpi is plenty), or raise --max-image-megapixels if it is genuine.',
      details: { source: where, width, height, maxInputPixels },
    },
  );
}

function corrupt(where: string, cause: unknown): DocintelError {
  const reason = errorMessage(cause);
  // sharp's prebuilt libvips reads HEIF containers but has no HEVC decoder (patents): iPhone HEICs.
  if (/unsupported codec|compression format has not been built in/i.test(reason)) {
    return new DocintelError('UNSUPPORTED_TYPE', `${where} uses an image codec this build cannot decode: ${reason.split('\n')[0] ?? reason}`, {
      cause,
      hint: 'Export it as JPEG (on iPhone: Settings > Camera > Formats > Most Compatible).',
      details: { source: where },
    });
  }
  const truncated = /premature end|truncated|unexpected end/i.test(reason);
  return new DocintelError(
    'IMAGE_CORRUPT',
    `${where} cannot be decoded as an image${truncated ? ' (the file is truncated)' : ''}: ${reason.split('\n')[0] ?? reason}`,
    {
      cause,
      hint: truncated
        ? 'The file may still have been copying; it is retried on the next run. If it stays broken, export it again.'
        : 'Check the file opens in an image viewer; export it again as JPEG, PNG or TIFF.',
      details: { source: where },
    },
  );
}
