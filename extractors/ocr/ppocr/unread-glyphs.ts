/**
 * Chinese characters the recogniser saw and did not read.
 *
 * PP-OCRv4's dictionary is Simplified-first: a Traditional character whose simplified form looks
 * different (範 for 范, 礦 for 矿, 琿) is not in it, and the model then emits nothing for its glyph. The
 * line comes out whole-looking and confident but one character short (`例生活百貨` for 範例生活百貨, a
 * customer `彩實業有限公司` for 彩琿實業有限公司), and a vendor name loses its first character without
 * anyone noticing. tesseract's chi_tra, which has those characters, misreads this print far worse
 * (`卻例生汪百發`), so the character cannot be recovered here; the reading is marked unsure instead.
 *
 * A Han glyph is nearly as wide as the line is high (0.85 on the generated e-invoice), and CTC emits it
 * near its middle, half a glyph from its edge. Ink a line height or more before the first or after the
 * last Han character, or between two Han characters 1.5 line heights apart or more, is a glyph left
 * unread, when that ink is a glyph's worth (a third of the height) and not the blank of a letter-spaced
 * label (`買　方`). On the tw-dev photos most lines it marks lost a character (`海關進口快[遞]貨物`,
 * `彩[琿]實業`, `新台[幣]`); on sroie-dev it marks one line, a Chinese slogan.
 */
import type { DecodedCharacter } from './ctc.js';
import { isHan } from './ctc.js';
import { inkColumns } from './ink-gaps.js';

/** How far (in line heights) past a Han character ink may reach before it is a glyph of its own. */
const EDGE_REACH = 1.0;
/** How far apart (in line heights) two Han characters' emissions may be before a glyph lies between. */
const GAP_REACH = 1.5;
/** Ink columns (in line heights) that make a glyph, not a speck or a stroke's tail. */
const GLYPH_INK = 0.3;

/**
 * Indices into `chars` of the Han characters next to a glyph left unread. `pixels` is the crop the model
 * read (`width` × `height`, 8-bit grey, dark text on light), `steps` its number of time steps.
 */
export function besideUnreadGlyphs(chars: readonly DecodedCharacter[], pixels: Uint8Array, width: number, height: number, steps: number): number[] {
  if (!chars.some((c) => isHan(c.char))) return [];
  const ink = inkColumns(pixels, width, height);
  const stepWidth = width / steps;
  const centre = (c: DecodedCharacter) => (c.step + 0.5) * stepWidth;
  const inkIn = (from: number, to: number) => {
    let count = 0;
    for (let x = Math.max(0, Math.round(from)); x < Math.min(width, Math.round(to)); x += 1) if (ink[x]) count += 1;
    return count >= GLYPH_INK * height;
  };
  const out = new Set<number>();
  const first = chars[0]!;
  const last = chars[chars.length - 1]!;
  const firstInk = ink.indexOf(true);
  const lastInk = ink.lastIndexOf(true);
  if (isHan(first.char) && firstInk >= 0 && centre(first) - firstInk > EDGE_REACH * height && inkIn(firstInk, centre(first) - 0.6 * height)) out.add(0);
  if (isHan(last.char) && lastInk >= 0 && lastInk - centre(last) > EDGE_REACH * height && inkIn(centre(last) + 0.6 * height, lastInk + 1)) out.add(chars.length - 1);
  for (let i = 0; i + 1 < chars.length; i += 1) {
    const a = chars[i]!;
    const b = chars[i + 1]!;
    if (!isHan(a.char) || !isHan(b.char) || centre(b) - centre(a) <= GAP_REACH * height) continue;
    if (inkIn(centre(a) + 0.6 * height, centre(b) - 0.6 * height)) {
      out.add(i);
      out.add(i + 1);
    }
  }
  return [...out].sort((x, y) => x - y);
}
