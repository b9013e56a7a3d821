/**
 * PDF backend on pdf.js (pdfjs-dist, legacy build for Node): opens a document (trying passwords),
 * reads each page's text layer as lines and words with boxes, judges whether that layer holds real text,
 * and renders pages to PNG for OCR when it does not.
 *
 * pdf.js runs in-process: on Node it never starts a Web Worker, and we hand it its worker module
 * ourselves (`globalThis.pdfjsWorker`) so it never resolves a worker URL. Parsing therefore runs on
 * the calling thread; the runner bounds how many documents are open at once.
 */
import type { PDFDocumentLoadingTask, PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { RenderParameters, TextItem, TextStyle } from 'pdfjs-dist/types/src/display/api.js';
import { DocintelError } from '../../pipeline/errors.js';
import type { BoundingBox, PageText, TextLine, TextWord } from '../types.js';

export interface OpenPdfOptions {
  /** Passwords tried, in order, after the empty one (which pdf.js always tries first). Default: none. */
  passwords?: string[];
  /** Largest page count accepted; a longer document fails with TOO_MANY_PAGES. Default 50. */
  maxPages?: number;
  /** How the document is named in error messages (usually its path). Default 'PDF'. */
  source?: string;
}

export interface RenderPageOptions {
  /** Resolution of the image. Default 300, which reads small receipt print well. */
  dpi?: number;
  /** Upper bound on width × height; larger pages are rendered at a lower dpi. Default 40 000 000. */
  maxPixels?: number;
}

export interface RenderedPage {
  /** PNG, opaque white background, the page as displayed (its /Rotate applied). */
  png: Buffer;
  /** Pixels. */
  width: number;
  /** Pixels. */
  height: number;
  /** The resolution actually used (below the requested one when `maxPixels` capped it). */
  dpi: number;
}

/** Why a text layer is or is not trusted; `ok` is the only usable verdict. */
export type TextLayerVerdict =
  | 'ok'
  | 'empty'
  | 'too-little-text'
  | 'sparse-text-over-image'
  | 'garbage-characters'
  | 'mostly-symbols'
  | 'fragmented-words'
  | 'no-word-breaks'
  | 'unreadable-words';

/** Whether a page's text layer holds real text, with the measurements behind the verdict. */
export interface TextLayerQuality {
  /** True when the text layer can be used instead of OCR. */
  usable: boolean;
  reason: TextLayerVerdict;
  /** Non-whitespace characters (code points), counting each `(cid:N)` as one. */
  charCount: number;
  /** Non-whitespace characters per square inch of page. */
  density: number;
  /** Share of characters that are letters or digits (any script, CJK included). */
  letterRatio: number;
  /** Han, kana, hangul and bopomofo characters. */
  cjkCount: number;
  /** Share of replacement (U+FFFD), private-use, control, unassigned or `(cid:N)` characters. */
  badCharRatio: number;
  /** Whitespace-separated words. */
  wordCount: number;
  /** Mean length in code points of the words written without CJK; 0 when there are none. */
  avgWordLength: number;
  /**
   * Share of the page covered by images (0..1), measured only for sparse pages, where it tells a scan
   * with stray text (a scanner's stamp) from a page that simply holds little text.
   */
  imageCoverage?: number;
}

export type PdfPageText = PageText & { quality: TextLayerQuality };

export interface PdfDocument {
  /** Pages in the document (at most `maxPages`). */
  pageCount: number;
  /** True when the file is encrypted (even if it opened with the empty password). */
  encrypted: boolean;
  /** Text layer of a page (1-based), in display coordinates: 72-dpi points, rotation applied, origin top-left. */
  readTextLayer(pageNo: number): Promise<PdfPageText>;
  /** Renders a page (1-based) to PNG for OCR. */
  renderPage(pageNo: number, options?: RenderPageOptions): Promise<RenderedPage>;
  /** Frees pdf.js resources; safe to call twice. */
  close(): Promise<void>;
}

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

interface PdfJsAssets {
  cMapUrl: string;
  standardFontDataUrl: string;
  wasmUrl: string;
}

/** The canvas pdf.js creates on Node (@napi-rs/canvas); only what we use of it. */
interface NodeCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { fillStyle: unknown; fillRect(x: number, y: number, w: number, h: number): void };
  encode(format: 'png'): Promise<Buffer>;
}

interface CanvasFactory {
  create(width: number, height: number): { canvas: NodeCanvas; context: unknown };
  destroy(canvasAndContext: { canvas: NodeCanvas; context: unknown }): void;
}

const DEFAULT_MAX_PAGES = 50;
const DEFAULT_DPI = 300;
const DEFAULT_MAX_PIXELS = 40_000_000;
/** Skia refuses canvases with a side above 32767 px; stay well inside. */
const MAX_CANVAS_SIDE = 16_384;
/**
 * Images inside a PDF above this many pixels are skipped by pdf.js instead of decoded: a hostile or broken
 * file can declare a gigapixel image, and one A4 scan at 600 dpi is about 35 MP.
 */
const MAX_EMBEDDED_IMAGE_PIXELS = 150_000_000;
const POINTS_PER_INCH = 72;

let pdfjsLoading: Promise<{ pdfjs: PdfJs; assets: PdfJsAssets }> | undefined;

/** Loads pdf.js once per process, lazily, so `docintel --help` never pays for it. */
function loadPdfJs(): Promise<{ pdfjs: PdfJs; assets: PdfJsAssets }> {
  pdfjsLoading ??= (async () => {
    const { createRequire } = await import('node:module');
    const { dirname, join } = await import('node:path');
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('pdfjs-dist/package.json'));
    // pdf.js on Node reads these with fs.readFile(base + name), so they are plain paths; it insists on a
    // trailing '/' (also on Windows, where fs accepts the mixed separators).
    const asset = (folder: string): string => `${join(root, folder)}/`;
    const holder = globalThis as { pdfjsWorker?: unknown };
    if (holder.pdfjsWorker === undefined) {
      // With the worker's message handler on globalThis, pdf.js sets up its in-process "fake worker"
      // from it instead of importing a worker by URL (which bundlers and some test runners break).
      // The specifier is a variable so TypeScript does not look for types the package does not ship.
      const workerModule: string = 'pdfjs-dist/legacy/build/pdf.worker.mjs';
      holder.pdfjsWorker = await import(workerModule);
    }
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    return {
      pdfjs,
      assets: { cMapUrl: asset('cmaps'), standardFontDataUrl: asset('standard_fonts'), wasmUrl: asset('wasm') },
    };
  })();
  pdfjsLoading.catch(() => {
    pdfjsLoading = undefined;
  });
  return pdfjsLoading;
}

/**
 * Opens a PDF from its bytes. The bytes are copied: pdf.js transfers (detaches) the array it is given.
 * Throws FILE_EMPTY, PDF_CORRUPT, PASSWORD_REQUIRED or TOO_MANY_PAGES.
 */
export async function openPdf(bytes: Uint8Array, options: OpenPdfOptions = {}): Promise<PdfDocument> {
  const source = options.source ?? 'PDF';
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  if (bytes.byteLength === 0) {
    throw new DocintelError('FILE_EMPTY', `${source} is empty (0 bytes)`, {
      hint: 'The copy into the folder probably failed; copy the document again.',
    });
  }
  const { pdfjs, assets } = await loadPdfJs();
  // Not `bytes.slice()`: on a Buffer that returns another Buffer, which pdf.js rejects.
  const data = new Uint8Array(bytes);
  // The empty password is tried by pdf.js before it asks; handing it '' again makes it ask forever.
  const queue = (options.passwords ?? []).filter((password) => password !== '');
  const tried = queue.length;
  let passwordAsked = false;
  const task: PDFDocumentLoadingTask = pdfjs.getDocument({
    data,
    cMapUrl: assets.cMapUrl,
    cMapPacked: true,
    standardFontDataUrl: assets.standardFontDataUrl,
    wasmUrl: assets.wasmUrl,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    // Glyph outlines are compiled with `new Function` otherwise; these files come from anyone.
    isEvalSupported: false,
    maxImageSize: MAX_EMBEDDED_IMAGE_PIXELS,
    enableXfa: false,
  });
  task.onPassword = (update: (password: string | Error) => void) => {
    passwordAsked = true;
    const next = queue.shift();
    // An Error ends the attempt: the loading promise then rejects with pdf.js's PasswordException.
    update(next ?? new Error('no more passwords to try'));
  };

  let doc: PDFDocumentProxy;
  try {
    doc = await task.promise;
  } catch (error) {
    await task.destroy().catch(() => undefined);
    if (passwordAsked || errorName(error) === 'PasswordException') {
      throw new DocintelError(
        'PASSWORD_REQUIRED',
        tried === 0
          ? `${source} is password-protected and no PDF password is configured`
          : `${source} is password-protected and none of the ${tried} configured password(s) opens it`,
        {
          cause: error,
          hint: 'Add its password with --pdf-password (repeatable), DOCINTEL_PDF_PASSWORDS or pdfPasswords in the config file, then run again.',
        },
      );
    }
    throw corrupt(source, error);
  }

  try {
    const pageCount = doc.numPages;
    if (pageCount < 1) throw corrupt(source, new Error('the document has no pages'));
    if (pageCount > maxPages) {
      throw new DocintelError('TOO_MANY_PAGES', `${source} has ${pageCount} pages, above the limit of ${maxPages}`, {
        hint: 'Split the file, or raise --max-pages.',
        details: { pages: pageCount, maxPages },
      });
    }
    const metadata = await doc.getMetadata().catch(() => undefined);
    const info = metadata?.info as { EncryptFilterName?: string | null } | undefined;
    const encrypted = passwordAsked || (info?.EncryptFilterName ?? null) !== null;
    return createDocument(pdfjs, doc, task, { source, pageCount, encrypted });
  } catch (error) {
    await task.destroy().catch(() => undefined);
    throw error instanceof DocintelError ? error : corrupt(source, error);
  }
}

function createDocument(
  pdfjs: PdfJs,
  doc: PDFDocumentProxy,
  task: PDFDocumentLoadingTask,
  meta: { source: string; pageCount: number; encrypted: boolean },
): PdfDocument {
  const { source, pageCount } = meta;
  let closed = false;

  const getPage = async (pageNo: number): Promise<PDFPageProxy> => {
    if (closed) throw new DocintelError('INTERNAL', `${source} was already closed (page ${pageNo} requested)`);
    if (!Number.isInteger(pageNo) || pageNo < 1 || pageNo > pageCount) {
      throw new DocintelError('INTERNAL', `${source} has no page ${pageNo} (pages 1-${pageCount})`);
    }
    try {
      return await doc.getPage(pageNo);
    } catch (error) {
      throw corrupt(source, error, pageNo);
    }
  };

  return {
    pageCount,
    encrypted: meta.encrypted,

    async readTextLayer(pageNo) {
      const page = await getPage(pageNo);
      try {
        const viewport = page.getViewport({ scale: 1 });
        const content = await page.getTextContent();
        const items = content.items.filter((item): item is TextItem => 'str' in item);
        const lines = layoutLines(items, content.styles, viewport.transform);
        const rawText = lines.map((line) => line.rawText).join('\n');
        const text = lines.map((line) => line.text).join('\n');
        const size = { width: viewport.width, height: viewport.height };
        let quality = assessTextLayer(rawText, size);
        if (isSparse(quality)) {
          // Only sparse pages pay for the operator list (it decodes the page's images).
          const imageCoverage = await measureImageCoverage(page, pdfjs.OPS).catch(() => undefined);
          if (imageCoverage !== undefined) quality = assessTextLayer(rawText, { ...size, imageCoverage });
        }
        return {
          pageNo,
          source: 'text-layer',
          text,
          rawText,
          confidence: 1,
          width: round2(viewport.width),
          height: round2(viewport.height),
          lines,
          quality,
        };
      } catch (error) {
        if (error instanceof DocintelError) throw error;
        throw corrupt(source, error, pageNo);
      } finally {
        page.cleanup();
      }
    },

    async renderPage(pageNo, options = {}) {
      const requestedDpi = options.dpi ?? DEFAULT_DPI;
      const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
      if (!(requestedDpi > 0) || !(maxPixels > 0)) {
        throw new DocintelError('INTERNAL', `Cannot render ${source} page ${pageNo} at dpi ${requestedDpi} with maxPixels ${maxPixels}`);
      }
      const page = await getPage(pageNo);
      const factory = doc.canvasFactory as CanvasFactory;
      let target: { canvas: NodeCanvas; context: unknown } | undefined;
      try {
        const base = page.getViewport({ scale: 1 });
        let scale = requestedDpi / POINTS_PER_INCH;
        const area = base.width * base.height * scale * scale;
        if (area > maxPixels) scale *= Math.sqrt(maxPixels / area);
        const longest = Math.max(base.width, base.height) * scale;
        if (longest > MAX_CANVAS_SIDE) scale *= MAX_CANVAS_SIDE / longest;
        const viewport = page.getViewport({ scale });
        const width = Math.max(1, Math.round(viewport.width));
        const height = Math.max(1, Math.round(viewport.height));
        target = factory.create(width, height);
        const context = target.canvas.getContext('2d');
        // pdf.js paints its own background too; this keeps transparent regions white in every case.
        context.fillStyle = '#ffffff';
        context.fillRect(0, 0, width, height);
        await page.render({
          // The types name the DOM canvas; on Node pdf.js draws on the @napi-rs/canvas it created itself.
          canvas: target.canvas as unknown as RenderParameters['canvas'],
          viewport,
          background: '#ffffff',
        }).promise;
        const png = await target.canvas.encode('png');
        return { png, width, height, dpi: scale * POINTS_PER_INCH };
      } catch (error) {
        if (error instanceof DocintelError) throw error;
        throw corrupt(source, error, pageNo);
      } finally {
        if (target) factory.destroy(target);
        page.cleanup();
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await task.destroy();
    },
  };
}

function corrupt(source: string, error: unknown, pageNo?: number): DocintelError {
  const reason = error instanceof Error ? error.message : String(error);
  const where = pageNo === undefined ? source : `page ${pageNo} of ${source}`;
  return new DocintelError('PDF_CORRUPT', `Cannot read ${where}: ${reason}`, {
    cause: error,
    hint: 'The file is damaged or incomplete (an interrupted download or copy?); get a fresh copy, or print it to a new PDF.',
    details: pageNo === undefined ? undefined : { page: pageNo },
  });
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Text layout: pdf.js text items → lines of words in display coordinates.

/**
 * A run of non-whitespace characters from one text item, or a whitespace item kept only as a word
 * break. Coordinates are in the run's own reading frame: `along` runs with the text, `across` runs
 * down the page as seen by a reader of that text (for upright text, x and y of the displayed page).
 */
interface Fragment {
  text: string;
  isSpace: boolean;
  /** Direction of the text on the displayed page, radians (0 = upright, left to right). */
  angle: number;
  bucket: number;
  along0: number;
  along1: number;
  top: number;
  bottom: number;
  baseline: number;
  /** Font height in points. */
  size: number;
  /** Whitespace precedes it inside its own item, so it starts a word whatever the geometry says. */
  breakBefore: boolean;
  /** Whitespace follows it inside its own item. */
  breakAfter: boolean;
}

interface LineBuild {
  bucket: number;
  angle: number;
  fragments: Fragment[];
  topSum: number;
  bottomSum: number;
  count: number;
}

const DEFAULT_ASCENT = 0.8;
const DEFAULT_DESCENT = 0.2;
/** Two runs are on one line when their vertical extents overlap by this share of the smaller one. */
const SAME_LINE_OVERLAP = 0.5;
/** Runs from different items join into one word when the gap is below this share of the font height. */
const JOIN_GAP = 0.15;

/** Groups text items into lines (by baseline proximity, then reading order) with word boxes. */
function layoutLines(items: TextItem[], styles: Record<string, TextStyle>, viewportTransform: number[]): TextLine[] {
  const fragments: Fragment[] = [];
  for (const item of items) fragments.push(...fragmentsOf(item, styles[item.fontName], viewportTransform));

  const words = fragments.filter((fragment) => !fragment.isSpace);
  const spaces = fragments.filter((fragment) => fragment.isSpace);
  words.sort((a, b) => a.bucket - b.bucket || a.baseline - b.baseline || a.along0 - b.along0);

  const lines: LineBuild[] = [];
  for (const fragment of words) {
    const line = bestLine(lines, fragment, true);
    if (line === 'duplicate') continue;
    if (line) addTo(line, fragment);
    else lines.push({ bucket: fragment.bucket, angle: fragment.angle, fragments: [fragment], topSum: fragment.top, bottomSum: fragment.bottom, count: 1 });
  }
  // Whitespace items only separate words: they join an existing line and never start one.
  for (const space of spaces) {
    const line = bestLine(lines, space, false);
    if (line && line !== 'duplicate') line.fragments.push(space);
  }

  const built = lines.map(buildLine).filter((line): line is TextLine => line !== undefined);
  built.sort((a, b) => (a.bbox.y0 + a.bbox.y1) / 2 - (b.bbox.y0 + b.bbox.y1) / 2 || a.bbox.x0 - b.bbox.x0);
  return built;
}

function fragmentsOf(item: TextItem, style: TextStyle | undefined, viewportTransform: number[]): Fragment[] {
  const chars = Array.from(item.str);
  if (chars.length === 0) return [];
  const m = multiply(viewportTransform, item.transform);
  const size = Math.hypot(m[2], m[3]);
  if (!(size > 0)) return [];
  let angle = Math.atan2(m[1], m[0]);
  // Vertical writing: pdf.js reports the advance in `height` and the text runs a quarter turn on.
  if (style?.vertical) angle += Math.PI / 2;
  const length = Math.abs(style?.vertical ? item.height : item.width);
  const { ascent, descent } = fontMetrics(style);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const originAlong = m[4] * cos + m[5] * sin;
  const baselineAcross = -m[4] * sin + m[5] * cos;
  const top = baselineAcross - ascent * size;
  const bottom = baselineAcross + descent * size;
  const bucket = angleBucket(angle);

  const weights = chars.map(charWeight);
  const total = weights.reduce((sum, w) => sum + w, 0);
  const isBlank = chars.every((c) => /\s/u.test(c));
  if (isBlank) {
    return [{ text: '', isSpace: true, angle, bucket, along0: originAlong, along1: originAlong + length, top, bottom, baseline: baselineAcross, size, breakBefore: true, breakAfter: true }];
  }

  const fragments: Fragment[] = [];
  let offset = 0;
  let runStart = -1;
  let runOffset = 0;
  for (let i = 0; i <= chars.length; i++) {
    const char = chars[i];
    const blank = char === undefined || /\s/u.test(char);
    if (!blank && runStart < 0) {
      runStart = i;
      runOffset = offset;
    }
    if (blank && runStart >= 0) {
      fragments.push({
        text: chars.slice(runStart, i).join(''),
        isSpace: false,
        angle,
        bucket,
        along0: originAlong + (length * runOffset) / total,
        along1: originAlong + (length * offset) / total,
        top,
        bottom,
        baseline: baselineAcross,
        size,
        breakBefore: runStart > 0,
        breakAfter: i < chars.length,
      });
      runStart = -1;
    }
    offset += weights[i] ?? 0;
  }
  return fragments;
}

/** Finds the line a fragment belongs to, or reports it as a duplicate (fake-bold overprint) of a word already there. */
function bestLine(lines: LineBuild[], fragment: Fragment, checkCollisions: boolean): LineBuild | 'duplicate' | undefined {
  let best: LineBuild | undefined;
  let bestOverlap = 0;
  for (const line of lines) {
    if (line.bucket !== fragment.bucket) continue;
    const top = line.topSum / line.count;
    const bottom = line.bottomSum / line.count;
    const overlap = Math.min(bottom, fragment.bottom) - Math.max(top, fragment.top);
    const smaller = Math.min(bottom - top, fragment.bottom - fragment.top);
    if (smaller <= 0 || overlap / smaller < SAME_LINE_OVERLAP) continue;
    if (checkCollisions) {
      let collides = false;
      for (const other of line.fragments) {
        const shared = Math.min(other.along1, fragment.along1) - Math.max(other.along0, fragment.along0);
        if (shared <= 0) continue;
        const narrower = Math.min(other.along1 - other.along0, fragment.along1 - fragment.along0);
        if (narrower > 0 && shared / narrower > 0.7 && other.text === fragment.text) return 'duplicate';
        if (narrower <= 0 || shared / narrower > 0.3) {
          collides = true;
          break;
        }
      }
      // Text overprinting other text on the same baseline is a different line (stacked labels, stamps).
      if (collides) continue;
    }
    if (overlap / smaller > bestOverlap) {
      bestOverlap = overlap / smaller;
      best = line;
    }
  }
  return best;
}

function addTo(line: LineBuild, fragment: Fragment): void {
  line.fragments.push(fragment);
  line.topSum += fragment.top;
  line.bottomSum += fragment.bottom;
  line.count += 1;
}

function buildLine(line: LineBuild): TextLine | undefined {
  const sorted = [...line.fragments].sort((a, b) => a.along0 - b.along0 || Number(b.isSpace) - Number(a.isSpace));
  const words: Array<{ text: string; along0: number; along1: number; top: number; bottom: number }> = [];
  let current: (typeof words)[number] | undefined;
  let previous: Fragment | undefined;
  let spaceSeen = false;
  for (const fragment of sorted) {
    if (fragment.isSpace) {
      spaceSeen = true;
      continue;
    }
    const gap = previous ? fragment.along0 - previous.along1 : Infinity;
    const joins =
      current !== undefined &&
      previous !== undefined &&
      !spaceSeen &&
      !previous.breakAfter &&
      !fragment.breakBefore &&
      gap <= JOIN_GAP * Math.min(previous.size, fragment.size);
    if (joins && current) {
      current.text += fragment.text;
      current.along1 = Math.max(current.along1, fragment.along1);
      current.top = Math.min(current.top, fragment.top);
      current.bottom = Math.max(current.bottom, fragment.bottom);
    } else {
      current = { text: fragment.text, along0: fragment.along0, along1: fragment.along1, top: fragment.top, bottom: fragment.bottom };
      words.push(current);
    }
    previous = fragment;
    spaceSeen = false;
  }
  if (words.length === 0) return undefined;
  const cos = Math.cos(line.angle);
  const sin = Math.sin(line.angle);
  const textWords: TextWord[] = words.map((word) => ({
    text: word.text,
    confidence: 1,
    bbox: toDisplayBox(word, cos, sin),
  }));
  const rawText = textWords.map((word) => word.text).join(' ');
  return {
    text: normalizeText(rawText),
    rawText,
    confidence: 1,
    bbox: union(textWords.map((word) => word.bbox)),
    words: textWords,
  };
}

/** Axis-aligned box, on the displayed page, of a rectangle given in a text run's reading frame. */
function toDisplayBox(rect: { along0: number; along1: number; top: number; bottom: number }, cos: number, sin: number): BoundingBox {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const along of [rect.along0, rect.along1]) {
    for (const across of [rect.top, rect.bottom]) {
      xs.push(along * cos - across * sin);
      ys.push(along * sin + across * cos);
    }
  }
  return { x0: round2(Math.min(...xs)), y0: round2(Math.min(...ys)), x1: round2(Math.max(...xs)), y1: round2(Math.max(...ys)) };
}

function union(boxes: BoundingBox[]): BoundingBox {
  return {
    x0: Math.min(...boxes.map((b) => b.x0)),
    y0: Math.min(...boxes.map((b) => b.y0)),
    x1: Math.max(...boxes.map((b) => b.x1)),
    y1: Math.max(...boxes.map((b) => b.y1)),
  };
}

/** Text at (nearly) the same angle shares a bucket; pdf.js reports small float noise on rotated text. */
function angleBucket(angle: number): number {
  const degrees = ((Math.round((angle * 180) / Math.PI / 2) * 2) % 360 + 360) % 360;
  return degrees;
}

/**
 * Ascent and descent as shares of the font height. pdf.js knows them only for some fonts; its own text
 * layer falls back the same way (1 + descent, else 0.8). Broken fonts report nonsense, hence the clamps.
 */
function fontMetrics(style: TextStyle | undefined): { ascent: number; descent: number } {
  const rawAscent = style?.ascent ?? undefined;
  const rawDescent = style?.descent ?? undefined;
  let ascent = rawAscent ? rawAscent : rawDescent ? 1 + rawDescent : DEFAULT_ASCENT;
  let descent = rawDescent ? Math.abs(rawDescent) : DEFAULT_DESCENT;
  ascent = Math.min(1.2, Math.max(0.5, ascent));
  descent = Math.min(0.5, Math.max(0, descent));
  return { ascent, descent };
}

const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6]/u;

/**
 * Relative advance of a character, to place word boxes inside a text item that holds several words
 * (pdf.js gives only the item's total width). Full-width CJK glyphs are about one em, Latin about half.
 */
function charWeight(char: string): number {
  if (/\s/u.test(char)) return 0.28;
  return WIDE.test(char) ? 1 : 0.55;
}

/** 2D affine product a × b, as pdf.js's Util.transform. */
function multiply(a: number[], b: number[]): [number, number, number, number, number, number] {
  const [a0 = 1, a1 = 0, a2 = 0, a3 = 1, a4 = 0, a5 = 0] = a;
  const [b0 = 1, b1 = 0, b2 = 0, b3 = 1, b4 = 0, b5 = 0] = b;
  return [
    a0 * b0 + a2 * b1,
    a1 * b0 + a3 * b1,
    a0 * b2 + a2 * b3,
    a1 * b2 + a3 * b3,
    a0 * b4 + a2 * b5 + a4,
    a1 * b4 + a3 * b5 + a5,
  ];
}

/**
 * Line text for matching: compatibility forms folded (full-width digits and letters, ideographic space,
 * ligatures) and whitespace collapsed. The raw text stays in `rawText`.
 */
function normalizeText(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

// ---------------------------------------------------------------------------------------------------
// Text-layer quality.

/** Below this many characters a layer is empty: a page number, a stray mark. */
const MIN_CHARS = 3;
/**
 * Pages below this many characters per square inch (and under ENOUGH_CHARS) are sparse: A4 is 96.7 sq in,
 * so 1.0 is about 97 characters, where a printed receipt page carries hundreds and a text page thousands.
 * A sparse page is trusted only when images cover little of it; otherwise it is a scan carrying a
 * scanner's stamp or a typed header, and OCR reads more.
 */
const SPARSE_DENSITY = 1.0;
/** Pages with at least this many characters are dense enough whatever their size. */
const ENOUGH_CHARS = 200;
/** Image coverage from which a sparse page counts as a scan. */
const SCAN_COVERAGE = 0.5;
/**
 * Without an image measurement, a page is rejected below this density (A4: about 48 characters, more
 * than a "Scanned with ..." stamp or a page number).
 */
const MIN_DENSITY_UNMEASURED = 0.5;
/** Above this share of replacement/private-use/control/(cid:N) characters the encoding is broken. */
const MAX_BAD_RATIO = 0.1;
/** Below this share of letters and digits the layer is mostly symbols (a font with a shifted encoding). */
const MIN_LETTER_RATIO = 0.5;
/** Mean word length (non-CJK words) below which glyphs are scattered one per word. */
const MIN_AVG_WORD_LENGTH = 1.6;
/** Mean word length above which word breaks are missing altogether. */
const MAX_AVG_WORD_LENGTH = 25;
/** Word-level checks need this many words to mean anything. */
const MIN_WORDS_FOR_WORD_CHECKS = 15;
/** Share of Latin words (4+ letters) without a vowel above which the text is a garbled encoding. */
const MAX_VOWELLESS_RATIO = 0.5;

const CID_GLYPH = /\(cid:\d+\)/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const BAD = /[\ufffd\p{Co}\p{Cc}\p{Cn}\p{Cs}]/u;
const LATIN_WORD = /^\p{Script=Latin}{4,}$/u;
const VOWEL = /[aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿœ]/iu;

/**
 * Judges whether extracted text is real text worth using instead of OCR. Pure, so the OCR side and tests
 * can use it on any string. `page` is in points; `imageCoverage` (0..1), when known, decides sparse pages.
 */
export function assessTextLayer(text: string, page: { width: number; height: number; imageCoverage?: number }): TextLayerQuality {
  const cidCount = text.match(CID_GLYPH)?.length ?? 0;
  const chars = Array.from(text.replace(CID_GLYPH, ' ')).filter((c) => !/\s/u.test(c));
  const charCount = chars.length + cidCount;
  const squareInches = Math.max((page.width * page.height) / (POINTS_PER_INCH * POINTS_PER_INCH), 1e-6);
  let letters = 0;
  let cjkCount = 0;
  let bad = cidCount;
  for (const char of chars) {
    if (LETTER_OR_DIGIT.test(char)) letters++;
    if (CJK.test(char)) cjkCount++;
    // Whitespace controls were filtered out above; any control left is a glyph code leaking through.
    if (BAD.test(char)) bad++;
  }
  const words = text.replace(CID_GLYPH, ' x ').split(/\s+/u).filter((word) => word.length > 0);
  const nonCjkWords = words.filter((word) => !CJK.test(word));
  const avgWordLength =
    nonCjkWords.length === 0 ? 0 : nonCjkWords.reduce((sum, word) => sum + Array.from(word).length, 0) / nonCjkWords.length;
  const latinWords = words.map((word) => word.replace(/^\P{L}+|\P{L}+$/gu, '')).filter((word) => LATIN_WORD.test(word));
  const vowelless = latinWords.filter((word) => !VOWEL.test(word)).length;
  const density = charCount / squareInches;

  const measurements = {
    charCount,
    density: round2(density),
    letterRatio: charCount === 0 ? 0 : round2(letters / charCount),
    cjkCount,
    badCharRatio: charCount === 0 ? 0 : round2(bad / charCount),
    wordCount: words.length,
    avgWordLength: round2(avgWordLength),
    ...(page.imageCoverage === undefined ? {} : { imageCoverage: round2(page.imageCoverage) }),
  };
  const verdict = (reason: TextLayerVerdict): TextLayerQuality => ({ usable: reason === 'ok', reason, ...measurements });

  if (charCount < MIN_CHARS) return verdict('empty');
  if (charCount < ENOUGH_CHARS && density < SPARSE_DENSITY) {
    if (page.imageCoverage === undefined) {
      if (density < MIN_DENSITY_UNMEASURED) return verdict('too-little-text');
    } else if (page.imageCoverage >= SCAN_COVERAGE) {
      return verdict('sparse-text-over-image');
    }
  }
  if (bad / charCount > MAX_BAD_RATIO) return verdict('garbage-characters');
  if (letters / charCount < MIN_LETTER_RATIO) return verdict('mostly-symbols');
  if (nonCjkWords.length >= MIN_WORDS_FOR_WORD_CHECKS) {
    if (avgWordLength < MIN_AVG_WORD_LENGTH) return verdict('fragmented-words');
    if (avgWordLength > MAX_AVG_WORD_LENGTH) return verdict('no-word-breaks');
  }
  if (latinWords.length >= MIN_WORDS_FOR_WORD_CHECKS && vowelless / latinWords.length > MAX_VOWELLESS_RATIO) {
    return verdict('unreadable-words');
  }
  return verdict('ok');
}

/** True when a verdict hinges on how much of the page images cover. */
function isSparse(quality: TextLayerQuality): boolean {
  return quality.charCount >= MIN_CHARS && quality.charCount < ENOUGH_CHARS && quality.density < SPARSE_DENSITY;
}

/**
 * Share of the page (0..1) painted by images, from the page's operator list: each image fills the unit
 * square of the current transformation matrix, which save/restore, cm and form XObjects change. Image
 * masks count too, since black-and-white scans (CCITT, JBIG2) are often stencil masks.
 */
async function measureImageCoverage(page: PDFPageProxy, OPS: PdfJs['OPS']): Promise<number> {
  const { fnArray, argsArray } = await page.getOperatorList();
  const [vx0 = 0, vy0 = 0, vx1 = 0, vy1 = 0] = page.view;
  const viewLeft = Math.min(vx0, vx1);
  const viewRight = Math.max(vx0, vx1);
  const viewBottom = Math.min(vy0, vy1);
  const viewTop = Math.max(vy0, vy1);
  const pageArea = (viewRight - viewLeft) * (viewTop - viewBottom);
  if (!(pageArea > 0)) return 0;
  type Matrix = [number, number, number, number, number, number];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stack: Matrix[] = [];
  let covered = 0;
  const paint = (matrix: Matrix, x0: number, y0: number, x1: number, y1: number): void => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const [x, y] of [[x0, y0], [x1, y0], [x0, y1], [x1, y1]] as const) {
      xs.push(matrix[0] * x + matrix[2] * y + matrix[4]);
      ys.push(matrix[1] * x + matrix[3] * y + matrix[5]);
    }
    const width = Math.min(viewRight, Math.max(...xs)) - Math.max(viewLeft, Math.min(...xs));
    const height = Math.min(viewTop, Math.max(...ys)) - Math.max(viewBottom, Math.min(...ys));
    if (width > 0 && height > 0) covered += width * height;
  };
  const asMatrix = (value: unknown): Matrix | undefined =>
    Array.isArray(value) && value.length === 6 && value.every((n) => typeof n === 'number') ? (value as Matrix) : undefined;

  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args: unknown[] = Array.isArray(argsArray[i]) ? (argsArray[i] as unknown[]) : [];
    switch (fn) {
      case OPS.save:
        stack.push(ctm);
        break;
      case OPS.restore:
      case OPS.paintFormXObjectEnd:
      case OPS.endGroup:
        ctm = stack.pop() ?? ctm;
        break;
      case OPS.transform: {
        const matrix = asMatrix(args);
        if (matrix) ctm = multiply(ctm, matrix);
        break;
      }
      case OPS.paintFormXObjectBegin: {
        stack.push(ctm);
        const matrix = asMatrix(args[0]);
        if (matrix) ctm = multiply(ctm, matrix);
        break;
      }
      case OPS.beginGroup: {
        stack.push(ctm);
        const matrix = asMatrix((args[0] as { matrix?: unknown } | undefined)?.matrix);
        if (matrix) ctm = multiply(ctm, matrix);
        break;
      }
      case OPS.paintImageXObject:
      case OPS.paintInlineImageXObject:
      case OPS.paintImageMaskXObject:
        paint(ctm, 0, 0, 1, 1);
        break;
      case OPS.paintImageXObjectRepeat: {
        // [objId, scaleX, scaleY, positions]: one image drawn at many places (tiled scans).
        const [, scaleX, scaleY, positions] = args as [unknown, number, number, ArrayLike<number>];
        for (let p = 0; p + 1 < (positions?.length ?? 0); p += 2) {
          const x = positions[p] ?? 0;
          const y = positions[p + 1] ?? 0;
          paint(ctm, x, y, x + scaleX, y + scaleY);
        }
        break;
      }
      default:
        break;
    }
  }
  return Math.min(1, covered / pageArea);
}
