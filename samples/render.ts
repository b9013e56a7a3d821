/**
 * Small drawing helpers shared by the sample generators: a seeded random source, SVG text lines for
 * receipt-style layouts, and the "photographed / scanned" look (noise) applied to raw pixels.
 * Everything here is deterministic: the same input gives the same bytes on every run.
 */
import sharp, { type Sharp } from 'sharp';

/** Mulberry32: a tiny seeded PRNG, enough for noise and jitter (never use Math.random here). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** One cell of a text line: `x` is a fraction (0..1) of the content width. */
export interface TextCell {
  text: string;
  x: number;
  anchor?: 'start' | 'middle' | 'end';
}

/** One printed line of a receipt-style layout. */
export interface TextRow {
  cells: TextCell[];
  /** Font size in px; defaults to the layout's size. */
  size?: number;
  bold?: boolean;
  /** Extra space above the line, in px. */
  gapBefore?: number;
  /** Draw a dashed rule instead of text. */
  rule?: boolean;
}

export interface TextLayout {
  width: number;
  padding: number;
  fontFamily: string;
  fontSize: number;
  /** Line height as a multiple of the font size. */
  lineHeight: number;
  paper: string;
  ink: string;
}

export const left = (text: string): TextCell => ({ text, x: 0, anchor: 'start' });
export const right = (text: string): TextCell => ({ text, x: 1, anchor: 'end' });
/** A right-aligned column ending at fraction `x` of the content width. */
export const endAt = (text: string, x: number): TextCell => ({ text, x, anchor: 'end' });
export const center = (text: string): TextCell => ({ text, x: 0.5, anchor: 'middle' });
export const row = (cells: TextCell[], options: Omit<TextRow, 'cells'> = {}): TextRow => ({ cells, ...options });

/**
 * Lays rows out top to bottom and returns the SVG elements plus the height used. `top` is where the
 * first line's box starts.
 */
export function layoutRows(rows: TextRow[], layout: TextLayout, top: number): { svg: string; bottom: number } {
  const contentWidth = layout.width - 2 * layout.padding;
  let y = top;
  const parts: string[] = [];
  for (const r of rows) {
    const size = r.size ?? layout.fontSize;
    const lineHeight = size * layout.lineHeight;
    y += r.gapBefore ?? 0;
    if (r.rule) {
      const ruleY = (y + lineHeight / 2).toFixed(1);
      parts.push(
        `<line x1="${layout.padding}" y1="${ruleY}" x2="${layout.width - layout.padding}" y2="${ruleY}" stroke="${layout.ink}" stroke-width="2" stroke-dasharray="8 6"/>`,
      );
      y += lineHeight;
      continue;
    }
    const baseline = (y + size * 0.95).toFixed(1);
    for (const cell of r.cells) {
      const x = (layout.padding + cell.x * contentWidth).toFixed(1);
      parts.push(
        `<text x="${x}" y="${baseline}" font-family="${layout.fontFamily}" font-size="${size}"` +
          `${r.bold ? ' font-weight="bold"' : ''} text-anchor="${cell.anchor ?? 'start'}" fill="${layout.ink}">${escapeXml(cell.text)}</text>`,
      );
    }
    y += lineHeight;
  }
  return { svg: parts.join('\n'), bottom: y };
}

/** A whole receipt as one SVG document: paper, rows, and bottom padding. */
export function rowsToSvg(rows: TextRow[], layout: TextLayout, extra = ''): { svg: string; width: number; height: number } {
  const { svg, bottom } = layoutRows(rows, layout, layout.padding);
  const height = Math.ceil(bottom + layout.padding);
  return {
    svg:
      `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${height}" viewBox="0 0 ${layout.width} ${height}">` +
      `<rect width="100%" height="100%" fill="${layout.paper}"/>${extra}${svg}</svg>`,
    width: layout.width,
    height,
  };
}

/**
 * Adds film-grain noise to an image (approximately Gaussian, sum of uniforms) and returns raw pixels
 * ready to re-enter sharp. `chroma` mixes in some per-channel noise, as a phone sensor does.
 */
export async function addNoise(
  input: Sharp,
  options: { seed: number; amplitude: number; chroma?: number },
): Promise<Sharp> {
  const { data, info } = await input.raw().toBuffer({ resolveWithObject: true });
  const random = createRandom(options.seed);
  const gauss = () => random() + random() + random() - 1.5; // mean 0, sd 0.5
  const chroma = options.chroma ?? 0;
  const channels = info.channels;
  const colourChannels = channels === 4 || channels === 2 ? channels - 1 : channels;
  for (let i = 0; i < data.length; i += channels) {
    const common = gauss() * options.amplitude * 2;
    for (let c = 0; c < colourChannels; c++) {
      const value = (data[i + c] ?? 0) + common + (chroma ? gauss() * chroma * 2 : 0);
      data[i + c] = value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
    }
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels } });
}

/** Integer minor units to a decimal string: 2518 → "25.18" (digits = 2) or 185 → "185" (digits = 0). */
export function formatMoney(minor: number, digits: number, options: { thousands?: boolean } = {}): string {
  const negative = minor < 0;
  const abs = Math.abs(minor);
  const scale = 10 ** digits;
  let whole = String(Math.floor(abs / scale));
  if (options.thousands) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = digits ? `.${String(abs % scale).padStart(digits, '0')}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}
