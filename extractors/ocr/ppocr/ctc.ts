/**
 * Greedy CTC decoding of the PP-OCR recognition model's output, and the word breaks the model leaves out.
 *
 * The model reads a text crop scaled to 48 px high as a sequence of time steps (one per 8 px of width),
 * each a probability over its dictionary plus a blank (index 0) and a space (the last class). Greedy
 * decoding keeps the most probable class per step and collapses repeats and blanks.
 *
 * PP-OCRv4's Chinese model was trained mostly on Chinese text, which has no spaces, so it drops most
 * spaces between English words (`TAMANDAYA`). The space class still rises at a word gap without winning,
 * and that is the signal used. Measured on the 5 244 SROIE ground-truth lines, counting lines whose
 * characters were all read right (so only the spacing differs): a space wherever the space class reaches
 * 0.05 puts every space right on 93.6% of them (92.1% on the half not used to choose it); the greedy
 * reading alone gets far fewer right, and adding a rule on the distance between characters (a gap of 1.7
 * times the line's pitch) made it worse (92.5%, 90.3%): narrow glyphs and emission jitter fool it.
 */

export interface DecodedCharacter {
  char: string;
  /** Time step it was emitted at. */
  step: number;
  /** Its class probability at that step. */
  probability: number;
  /** Highest probability of the space class between this character and the next one. */
  spaceAfter: number;
  /** Highest probability of the comma class between this character and the next one (0 without one). */
  commaAfter?: number;
}

export interface DecodedWord {
  text: string;
  /** First and last time step of its characters. */
  firstStep: number;
  lastStep: number;
  /** Mean probability of its characters, 0..1. */
  confidence: number;
}

export interface SpacingOptions {
  /** A space class probability at least this high between two characters is a word break. Default 0.05. */
  spaceProbability?: number;
}

export const SPACE_PROBABILITY = 0.05;

/**
 * `probabilities` is the model output for one crop, `steps` × `classes`, row-major. `dictionary` holds the
 * characters of classes 1..classes-2; class 0 is the blank and the last class the space.
 */
export function decodeCtc(probabilities: Float32Array, steps: number, classes: number, dictionary: readonly string[]): DecodedCharacter[] {
  if (probabilities.length < steps * classes) throw new RangeError(`CTC output holds ${probabilities.length} values, expected ${steps} x ${classes}`);
  const space = classes - 1;
  const comma = dictionary.indexOf(',') + 1;
  const out: DecodedCharacter[] = [];
  let previous = 0;
  for (let step = 0; step < steps; step += 1) {
    const row = step * classes;
    let best = 0;
    let bestValue = -Infinity;
    for (let c = 0; c < classes; c += 1) {
      const value = probabilities[row + c]!;
      if (value > bestValue) {
        bestValue = value;
        best = c;
      }
    }
    const last = out[out.length - 1];
    if (last !== undefined && step > last.step) {
      last.spaceAfter = Math.max(last.spaceAfter, probabilities[row + space]!);
      if (comma > 0) last.commaAfter = Math.max(last.commaAfter ?? 0, probabilities[row + comma]!);
    }
    if (best !== 0 && best !== previous) {
      const char = best === space ? ' ' : dictionary[best - 1];
      // A class beyond the dictionary would mean a model and dictionary that do not belong together.
      if (char === undefined) throw new RangeError(`CTC class ${best} has no character in a dictionary of ${dictionary.length}`);
      out.push({ char, step, probability: bestValue, spaceAfter: 0 });
    }
    previous = best;
  }
  return out;
}

/**
 * A comma probability between two characters at least this high is a comma the greedy reading lost. On
 * the sroie-dev receipts the comma class rose to 0.17-0.36 between words printed with a comma
 * (`TAMPOI,81200`, `NO.53,JALAN`) and stayed under 0.05 elsewhere.
 */
export const LOST_COMMA_PROBABILITY = 0.1;

/**
 * Puts back commas the model nearly emitted (`TAMPOI81200` → `TAMPOI,81200`). Never between two digits
 * (an amount's separator is read, or the amount parser would split it), next to another point or
 * comma, or beside Han text. A space the model saw there belongs after the comma, not before it.
 *
 * Also the comma that ends a printed line (`JALAN ANGSA,` above `TAMAN BERKELEY`): the model reads the
 * crop's last glyph less surely, and on sroie-dev the comma class after the last letter of such lines
 * rose to 0.17-0.39 while other lines ended under 0.04.
 */
export function restoreLostCommas(chars: readonly DecodedCharacter[], threshold = LOST_COMMA_PROBABILITY): DecodedCharacter[] {
  const out: DecodedCharacter[] = [];
  chars.forEach((char, i) => {
    const next = chars[i + 1];
    const likely = (char.commaAfter ?? 0) >= threshold && !/[.,，。\s]/u.test(char.char) && !isHan(char.char);
    const lost = likely && (next === undefined || (!/[.,，。\s]/u.test(next.char) && !(isDigit(char.char) && isDigit(next.char)) && !isHan(next.char)));
    if (!lost) {
      out.push(char);
      return;
    }
    out.push({ ...char, spaceAfter: 0, commaAfter: 0 });
    const step = next === undefined ? char.step + 1 : Math.round((char.step + next.step) / 2);
    out.push({ char: ',', step, probability: char.commaAfter!, spaceAfter: char.spaceAfter, commaAfter: 0 });
  });
  return out;
}

function isDigit(char: string): boolean {
  return /^\d$/.test(char);
}

/** Splits decoded characters into words at the spaces the model emitted and the ones it nearly did. */
export function wordsFromCharacters(chars: readonly DecodedCharacter[], options: SpacingOptions = {}): DecodedWord[] {
  const spaceProbability = options.spaceProbability ?? SPACE_PROBABILITY;
  const words: DecodedWord[] = [];
  let current: DecodedCharacter[] = [];
  const flush = (): void => {
    if (current.length === 0) return;
    words.push({
      text: current.map((c) => c.char).join(''),
      firstStep: current[0]!.step,
      lastStep: current[current.length - 1]!.step,
      confidence: current.reduce((sum, c) => sum + c.probability, 0) / current.length,
    });
    current = [];
  };
  for (const char of chars) {
    if (char.char === ' ') {
      flush();
      continue;
    }
    const previous = current[current.length - 1];
    // Han text has no spaces: a pause between two Han characters is layout, not a word break.
    if (previous !== undefined && previous.spaceAfter >= spaceProbability && !(isHan(previous.char) && isHan(char.char))) flush();
    current.push(char);
  }
  flush();
  return words;
}

export function isHan(char: string): boolean {
  return /\p{Script=Han}/u.test(char);
}
