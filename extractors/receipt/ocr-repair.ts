/**
 * Repairs of OCR noise in header text (vendor name and address) that need no knowledge of a particular
 * shop: digit look-alikes inside postcodes and unit numbers, look-alike letters inside words, stray Han
 * glyphs the Chinese model emits on Latin-only receipts, and misspellings one edit away from a small
 * gazetteer of words every Malaysian/Singaporean address and company name is built from.
 */
import { digitsFromLookalikes, mismatchedPairs } from './text.js';
import { ADDRESS_SHORT, GAZETTEER, GAZETTEER_WORDS, PLACE_NAMES } from './vocabulary.js';


// Glyph pairs OCR confuses (tesseract; PP-OCR adds O/C, U/L and N/R on small thermal print: JOHCR,
// LUMPLR, PERIRDUSTRIAN); a substitution outside these is more likely a different real word (BORONG is
// not a misread LORONG, PASAR not a misread PASIR).
const CONFUSABLE = ['IL', 'IT', 'LT', 'IJ', 'OD', 'OQ', 'DQ', 'OU', 'UV', 'HN', 'HM', 'HW', 'MN', 'NW', 'MW', 'EF', 'CG', 'CE', 'RP', 'RK', 'BE', 'BR', 'KX', 'YV', 'AR', 'GO', 'OC', 'UL', 'NR'];
const confusable = (a: string, b: string) => CONFUSABLE.includes(a + b) || CONFUSABLE.includes(b + a);

/** One OCR-typical edit: a confusable substitution, or (in long words) one dropped/extra inner letter. */
function ocrOneEdit(word: string, target: string): boolean {
  if (word.length === target.length) {
    const diffs = [...word].map((c, i) => [c, target[i]!] as const).filter(([a, b]) => a !== b);
    return diffs.length === 1 && confusable(diffs[0]![0], diffs[0]![1]);
  }
  const [short, long] = word.length < target.length ? [word, target] : [target, word];
  if (long.length - short.length !== 1 || long.length < 8) return false;
  // Never a plural/singular change.
  if (long.endsWith('S') && long.slice(0, -1) === short) return false;
  for (let i = 1; i < long.length - 1; i += 1) if (long.slice(0, i) + long.slice(i + 1) === short) return true;
  return false;
}

/** The gazetteer word one OCR edit away from `word` (upper-case, 5+ letters), when there is exactly one. */
export function correctWord(word: string): string {
  if (word.length < 5 || GAZETTEER_WORDS.has(word) || !/^[A-Z]+$/.test(word)) return word;
  const hits = GAZETTEER.filter((w) => w.length >= 5 && ocrOneEdit(word, w));
  return hits.length === 1 ? hits[0]! : word;
}

// OCR's usual confusions for these short words: the L of JLN read as U or I, the M of TMN as H or N.
const SHORT_CONFUSABLE = ['LU', 'LI', 'MH', 'MN', 'IT', 'IL', 'OU'];

/** `JUN` → JLN, `THN` → TMN, `SERT` → SERI: one confusable letter off a short address word, when unambiguous. */
export function correctAddressWord(word: string): string {
  if (word.length < 3 || word.length > 4 || ADDRESS_SHORT.includes(word) || !/^[A-Z]+$/.test(word)) return word;
  const hits = ADDRESS_SHORT.filter((w) => {
    const diffs = mismatchedPairs(w, word);
    if (diffs?.length !== 1) return false;
    const [a, b] = diffs[0]!;
    return SHORT_CONFUSABLE.includes(a + b) || SHORT_CONFUSABLE.includes(b + a);
  });
  return hits.length === 1 ? hits[0]! : word;
}

const bare = (t: string) => t.replace(/[^A-Z]/g, '');

/**
 * Address-only repairs on top of `repairHeaderText`: a gazetteer word OCR split in two (`K AWASAN`,
 * `PERINDUSTRI AN`), short address words, and a lone letter after the last place name (`JOHOR BAHRU E`,
 * a speck read as a letter; a block letter comes before the street, not after the state).
 */
export function repairAddressText(text: string): string {
  const tokens = text.split(' ');
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const a = tokens[i]!;
    const b = tokens[i + 1];
    if (b && /^[A-Z]+$/.test(a) && /^[A-Z]+[,.]?$/.test(b) && GAZETTEER_WORDS.has(a + bare(b)) && !GAZETTEER_WORDS.has(a) && !GAZETTEER_WORDS.has(bare(b))) {
      out.push(a + b);
      i += 1;
      continue;
    }
    out.push(a.replace(/^[A-Z]{3,4}$/, correctAddressWord));
  }
  const last = out[out.length - 1];
  const before = out[out.length - 2];
  if (out.length > 2 && last && /^[A-Z]$/.test(last) && before && /^[A-Z]{4,}[,.]?$/.test(before) && PLACE_NAMES.includes(bare(before))) out.pop();
  return out.join(' ');
}

const LETTER_LOOKALIKE: Record<string, string> = { '0': 'O', '1': 'I', '5': 'S', '8': 'B', $: 'S', '§': 'S', '|': 'I' };

/** Word-level repairs of header text; `upper` when the text is upper-case (look-alikes only matter there). */
export function repairHeaderText(text: string, options: { stripHan?: boolean } = {}): string {
  let out = text;
  // Han glyphs scattered in a Latin line come from the Chinese model reading noise.
  if (options.stripHan && /[A-Za-z]{3}/.test(out)) out = out.replace(/[\p{Script=Han}\u3000-\u303f\uff00-\uffef]+/gu, ' ');
  out = out
    // `4D400`, `81l00`, `£1100`, `§1200`: a five-character postcode with one look-alike (an 8 read as a
    // currency or section sign, whose loops it shares).
    // Two look-alikes (`52OO0`) only when a place name follows, as after a postcode.
    .replace(/(?<![A-Za-z0-9])[0-9OoDIlSB£§]{5}(?![A-Za-z0-9])(?=(\s+[A-Z]{2,})?)/g, (t, place: string | undefined) => {
      const digits = (t.match(/\d/g) ?? []).length;
      return digits >= 4 || (digits === 3 && place !== undefined) ? digitsFromLookalikes(t.replace(/[£§]/g, '8')) : t;
    })
    // `JALAN 7/L18B`: a 1 after the slash of a street number read as a letter.
    .replace(/(?<=(?<![A-Za-z0-9])[A-Z]{0,3}\d{1,3}\/)[IlL|](?=\d)/g, '1')
    // `28I1`, `2O1`: a letter look-alike between digits of a number.
    .replace(/(?<![A-Za-z0-9])\d+[OIl]\d+(?![A-Za-z0-9])/g, (t) => t.replace(/O/g, '0').replace(/[Il]/g, '1'))
    // `3RO FLR`, `2NO FLOOR`: the D of a floor's ordinal read as an O.
    .replace(/(?<![A-Za-z0-9])(\d*[23])([NR])[O0](?=\s+(?:FLR|FLOOR)\b)/g, '$1$2D')
    // `JALAN 55 22/19`: the SS section prefix read as digits, spaced from its number.
    .replace(/\b(JALAN|JLN|JL)\s+[5$]{2}(?=\s\d{1,2}\/\d)/g, '$1 SS')
    // `JALAN 8823/11`: the same prefix read as 8s, glued to its number (street numbers never run to four digits before the slash).
    .replace(/\b(JALAN|JLN|JL)\s+[5$8]{2}(?=\d{1,2}\/\d)/g, '$1 SS')
    // `$S21/39`, `§521/62` → `SS21/39`, `SS21/62`: a section code (SS, USJ, PJU) read with a digit or sign.
    .replace(/(?<![A-Za-z0-9])[$§5S]{1}[$§5S](?=\d{1,2}\/)/g, 'SS')
    // Letters inside a word: `SET1A` → `SETIA`, `8ANDAR` → `BANDAR` (at most one look-alike per word).
    .replace(/(?<![A-Za-z0-9])[A-Z0-9$§|]{4,}(?![A-Za-z0-9])/g, (t) => {
      const lookalikes = t.replace(/[A-Z]/g, '');
      if (lookalikes.length !== 1 || (t.match(/[A-Z]/g) ?? []).length < 3) return t;
      return t.replace(/[0158$§|]/g, (c) => LETTER_LOOKALIKE[c] ?? c);
    })
    .replace(/[A-Z]{5,}/g, (w) => correctWord(w))
    .replace(/\s+/g, ' ')
    .trim();
  return out;
}
