/**
 * Lexicon-aware reading of Latin words: when the greedy CTC reading of a word is not a known word but a
 * known word one or two letters away explains the model's output almost as well, the known word is
 * what was printed (`JAHOR` → JOHOR, `Saksyen` → Seksyen, `SHAH AAM` → ALAM). The lexicon is the
 * caller's (the pipeline passes receipt-header words, extractors/receipt/vocabulary.ts).
 *
 * The comparison uses the model's own evidence, not a list of confusable letters: the CTC likelihood of
 * each spelling over the time steps the word was read in (the forward algorithm, summing over every
 * alignment). A lexicon word must come within `margin` (natural log) of the greedy spelling's
 * likelihood. A real word the lexicon lacks (`PASAR` beside PASIR) keeps its reading when the model saw
 * its letters clearly, because the lexicon spelling then scores far lower.
 */
import { editDistance } from '../../rules/edit-distance.js';
import { isHan, SPACE_PROBABILITY, type DecodedCharacter } from './ctc.js';

/**
 * How much less likely (natural log) than the greedy spelling a lexicon word may be and still be taken.
 * On sroie-dev (PP-OCR, address exact, when it was chosen): 0.50 without the lexicon, 0.53 at 2, 0.52
 * at 3, 4 and 6, 0.48 at 10. From 3 on it also "corrects" a misprint the receipt really has
 * (`Parindustrian`, which the key keeps); at 2 the clearly read spellings stay as printed.
 */
export const LEXICON_MARGIN = 2;
/** Shorter runs of letters are left as read: too many short words are one letter apart. */
const MIN_RUN = 3;
/** Probability floor, so a class the model gave exactly 0 does not make a spelling impossible. */
const FLOOR = 1e-9;

export interface Lexicon {
  /** Upper-case words. */
  readonly words: ReadonlySet<string>;
  /** The same words by length: a reading is compared only with words it could be a few edits from. */
  readonly byLength: ReadonlyMap<number, readonly string[]>;
}

export function createLexicon(words: Iterable<string>): Lexicon {
  const set = new Set([...words].map((w) => w.toUpperCase()).filter((w) => /^[A-Z]+$/.test(w)));
  const byLength = new Map<number, string[]>();
  for (const word of set) byLength.set(word.length, [...(byLength.get(word.length) ?? []), word]);
  return { words: set, byLength };
}

/** Lexicon words of at least MIN_RUN letters within `limit` edits of `word`. */
function nearWords(lexicon: Lexicon, word: string, limit: number): string[] {
  const out: string[] = [];
  for (let length = Math.max(MIN_RUN, word.length - limit); length <= word.length + limit; length += 1) {
    for (const candidate of lexicon.byLength.get(length) ?? []) if (editDistance(word, candidate, limit) <= limit) out.push(candidate);
  }
  return out;
}

/** Letters one spelling may differ from a lexicon word by: 1 up to 7 letters, 2 from 8. */
function allowedEdits(length: number): number {
  return length >= 8 ? 2 : 1;
}

/**
 * log P(labels | steps from..to) under CTC: every alignment of `labels` (class indices) to the steps,
 * with blanks between and around them. A step's "blank" includes the space class, since the steps at a
 * word's edges belong to the gap before or after it.
 */
export function ctcLogLikelihood(probabilities: Float32Array, classes: number, from: number, to: number, labels: readonly number[]): number {
  const steps = to - from + 1;
  const space = classes - 1;
  const extended = labels.length * 2 + 1;
  if (steps <= 0 || labels.length === 0) return -Infinity;
  const logOf = (step: number, state: number): number => {
    const row = (from + step) * classes;
    if (state % 2 === 0) return Math.log(Math.max(FLOOR, probabilities[row]! + probabilities[row + space]!));
    return Math.log(Math.max(FLOOR, probabilities[row + labels[(state - 1) / 2]!]!));
  };
  let alpha = new Float64Array(extended).fill(-Infinity);
  alpha[0] = logOf(0, 0);
  if (extended > 1) alpha[1] = logOf(0, 1);
  for (let t = 1; t < steps; t += 1) {
    const next = new Float64Array(extended).fill(-Infinity);
    for (let s = 0; s < extended; s += 1) {
      let sum = logAdd(alpha[s]!, s > 0 ? alpha[s - 1]! : -Infinity);
      // Skip the blank between two different labels.
      if (s % 2 === 1 && s >= 3 && labels[(s - 1) / 2] !== labels[(s - 3) / 2]) sum = logAdd(sum, alpha[s - 2]!);
      if (sum !== -Infinity) next[s] = sum + logOf(t, s);
    }
    alpha = next;
  }
  return logAdd(alpha[extended - 1]!, alpha[extended - 2]!);
}

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const high = Math.max(a, b);
  return high + Math.log1p(Math.exp(-Math.abs(a - b)));
}

interface Run {
  start: number;
  end: number;
}

/** The characters of `chars[start..end]` as a string. */
function runText(chars: readonly DecodedCharacter[], run: Run): string {
  return chars
    .slice(run.start, run.end + 1)
    .map((c) => c.char)
    .join('');
}

const LATIN = /^[A-Za-z]$/;

/**
 * Maximal runs of Latin letters inside one word (word breaks as `wordsFromCharacters` makes them: a
 * space character, or a space the model nearly emitted), in one of the three cases print uses: `JOHOR`,
 * `Johor`, `johor`. Other mixes (`McDonald`) are names, left as read.
 */
function letterRuns(chars: readonly DecodedCharacter[], minRun = MIN_RUN): Run[] {
  const runs: Run[] = [];
  let start = -1;
  for (let i = 0; i <= chars.length; i += 1) {
    const char = chars[i];
    const previous = chars[i - 1];
    const breaks = char === undefined || !LATIN.test(char.char) || (start >= 0 && previous !== undefined && previous.spaceAfter >= SPACE_PROBABILITY && !isHan(previous.char));
    if (breaks && start >= 0) {
      const run = { start, end: i - 1 };
      if (i - start >= minRun && casing(runText(chars, run)) !== null) runs.push(run);
      start = -1;
    }
    if (char !== undefined && LATIN.test(char.char) && start < 0) start = i;
  }
  return runs;
}

type Casing = 'upper' | 'title' | 'lower';

function casing(word: string): Casing | null {
  if (/^[A-Z]+$/.test(word)) return 'upper';
  if (/^[A-Z][a-z]+$/.test(word)) return 'title';
  if (/^[a-z]+$/.test(word)) return 'lower';
  return null;
}

/** A lexicon word (upper-case) written in the case of the word it replaces. */
function inCase(word: string, wanted: Casing): string {
  if (wanted === 'upper') return word;
  if (wanted === 'lower') return word.toLowerCase();
  return word[0]! + word.slice(1).toLowerCase();
}

export interface LexiconReadingOptions {
  margin?: number;
}

/**
 * `chars` as greedy decoding gave them, with each Latin word the lexicon lacks replaced by the
 * lexicon word the model's output supports within `margin`, when one does. `probabilities` is the
 * model output (`steps` × `classes`), `classOf` a character's class index.
 */
export function readWithLexicon(
  chars: readonly DecodedCharacter[],
  probabilities: Float32Array,
  steps: number,
  classes: number,
  classOf: ReadonlyMap<string, number>,
  lexicon: Lexicon,
  options: LexiconReadingOptions = {},
): DecodedCharacter[] {
  const margin = options.margin ?? LEXICON_MARGIN;
  const out = [...chars];
  // From the last run back, so replacing one run never shifts the indices of those still to do.
  for (const run of letterRuns(chars).reverse()) {
    const read = chars.slice(run.start, run.end + 1);
    const word = runText(chars, run);
    const upper = word.toUpperCase();
    if (lexicon.words.has(upper)) continue;
    const limit = allowedEdits(word.length);
    const wordCase = casing(word)!;
    const candidates = nearWords(lexicon, upper, limit).map((w) => inCase(w, wordCase));
    if (candidates.length === 0) continue;
    // The steps this word owns: after the character before it, up to the character after it.
    const from = run.start > 0 ? chars[run.start - 1]!.step + 1 : 0;
    const to = run.end + 1 < chars.length ? chars[run.end + 1]!.step - 1 : steps - 1;
    const labelsOf = (w: string) => [...w].map((c) => classOf.get(c) ?? -1);
    const score = (w: string) => {
      const labels = labelsOf(w);
      return labels.includes(-1) ? -Infinity : ctcLogLikelihood(probabilities, classes, from, to, labels);
    };
    const readScore = score(word);
    let best: { word: string; score: number } | null = null;
    for (const candidate of candidates) {
      const s = score(candidate);
      if (s >= readScore - margin && (best === null || s > best.score)) best = { word: candidate, score: s };
    }
    if (best === null) continue;
    out.splice(run.start, read.length, ...respell(read, best.word, best.score));
  }
  return out;
}

/**
 * Characters for `word` in place of `read`: spread over the same time steps, with the word's mean
 * per-character likelihood as their probability; the last keeps what followed the read word.
 */
function respell(read: readonly DecodedCharacter[], word: string, logLikelihood: number): DecodedCharacter[] {
  const first = read[0]!.step;
  const last = read[read.length - 1]!;
  const probability = Math.min(1, Math.exp(logLikelihood / word.length));
  return [...word].map((char, i) => ({
    char,
    step: word.length === 1 ? first : Math.round(first + ((last.step - first) * i) / (word.length - 1)),
    probability,
    spaceAfter: i === word.length - 1 ? last.spaceAfter : 0,
    ...(i === word.length - 1 && last.commaAfter !== undefined ? { commaAfter: last.commaAfter } : {}),
  }));
}

/** Each part of a split must be at least this long: short words hide inside too many longer ones. */
const MIN_SPLIT_PART = 4;

/**
 * Breaks a word the model read without its inner space into the two lexicon words it is made of
 * (`DARULEHSAN` → DARUL EHSAN, `KUALALUMPUR` → KUALA LUMPUR): PP-OCR's recogniser, trained mostly on
 * Chinese, drops spaces, and the space class does not always rise enough to restore them. A lexicon
 * word is never split, and neither is a word that splits in more than one way.
 */
export function splitJoinedWords(chars: readonly DecodedCharacter[], lexicon: Lexicon): DecodedCharacter[] {
  const out = chars.map((c) => ({ ...c }));
  for (const run of letterRuns(chars)) {
    const word = runText(chars, run).toUpperCase();
    if (word.length < MIN_SPLIT_PART * 2 || lexicon.words.has(word)) continue;
    const splits: number[] = [];
    for (let i = MIN_SPLIT_PART; i <= word.length - MIN_SPLIT_PART; i += 1) {
      if (lexicon.words.has(word.slice(0, i)) && lexicon.words.has(word.slice(i))) splits.push(i);
    }
    if (splits.length !== 1) continue;
    const before = out[run.start + splits[0]! - 1]!;
    before.spaceAfter = Math.max(before.spaceAfter, 1);
  }
  return out;
}

/**
 * Joins a word the model split where the print has no space (`T AMPOI` → TAMPOI, `K AWASAN`): two
 * neighbouring letter runs, parted only by a space the model hinted at (no space character read), one
 * of them a stray letter or two, whose letters together make a lexicon word. Two words that are both
 * listed stay apart (`PUTRA JAYA` as printed, though PUTRAJAYA is listed too).
 */
export function joinSplitWords(chars: readonly DecodedCharacter[], lexicon: Lexicon): DecodedCharacter[] {
  const out = chars.map((c) => ({ ...c }));
  const runs = letterRuns(chars, 1);
  for (let i = 0; i + 1 < runs.length; i += 1) {
    const left = runs[i]!;
    const right = runs[i + 1]!;
    if (right.start !== left.end + 1) continue;
    const a = runText(chars, left).toUpperCase();
    const b = runText(chars, right).toUpperCase();
    if (lexicon.words.has(a + b) && !(lexicon.words.has(a) && lexicon.words.has(b)) && Math.min(a.length, b.length) <= 2) out[left.end]!.spaceAfter = 0;
  }
  return out;
}
