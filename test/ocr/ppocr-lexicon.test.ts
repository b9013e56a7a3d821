import { describe, expect, it } from 'vitest';
import { decodeCtc, wordsFromCharacters } from '../../extractors/ocr/ppocr/ctc.js';
import { createLexicon, ctcLogLikelihood, joinSplitWords, LEXICON_MARGIN, readWithLexicon, splitJoinedWords } from '../../extractors/ocr/ppocr/lexicon.js';
import { editDistance } from '../../extractors/rules/edit-distance.js';

// A fake recogniser: classes are blank, the dictionary's letters, then the space.
const DICTIONARY = [...'ABDEHJNORSTUYahjnors', ','];
const CLASSES = DICTIONARY.length + 2;
const SPACE = CLASSES - 1;
const classOf = new Map(DICTIONARY.map((c, i) => [c, i + 1]));
const lexicon = createLexicon(['JOHOR', 'BAHRU', 'SEKSYEN']);

/**
 * One step per entry: a character read at 0.9 (or the given split between two characters), `_` a blank,
 * ` ` the space class.
 */
function output(steps: Array<string | Record<string, number>>): Float32Array {
  const probabilities = new Float32Array(steps.length * CLASSES);
  steps.forEach((step, t) => {
    const spread: Record<string, number> = typeof step === 'string' ? { [step]: 0.9 } : step;
    let rest = 1;
    for (const [char, p] of Object.entries(spread)) {
      const c = char === '_' ? 0 : char === ' ' ? SPACE : classOf.get(char)!;
      probabilities[t * CLASSES + c] = probabilities[t * CLASSES + c]! + p;
      rest -= p;
    }
    probabilities[t * CLASSES] = probabilities[t * CLASSES]! + rest;
  });
  return probabilities;
}

function read(steps: Array<string | Record<string, number>>, margin?: number): string {
  const probabilities = output(steps);
  const chars = decodeCtc(probabilities, steps.length, CLASSES, DICTIONARY);
  return readWithLexicon(chars, probabilities, steps.length, CLASSES, classOf, lexicon, margin === undefined ? {} : { margin })
    .map((c) => c.char)
    .join('');
}

const spell = (word: string) => [...word].flatMap((c) => [c, '_']);

describe('editDistance', () => {
  it('counts substitutions, insertions and deletions, and stops past its limit', () => {
    expect(editDistance('JAHOR', 'JOHOR')).toBe(1);
    expect(editDistance('AAM', 'ALAM')).toBe(1);
    expect(editDistance('SAKSYEN', 'SEKSYEN')).toBe(1);
    expect(editDistance('KITTEN', 'SITTING')).toBe(3);
    expect(editDistance('ABCDEFGH', 'STUVWXYZ', 2)).toBe(3);
  });
});

describe('ctcLogLikelihood', () => {
  it('sums every alignment: two steps each 0.5 A / 0.5 blank give P(A) = 0.75', () => {
    const probabilities = output([{ A: 0.5 }, { A: 0.5 }]);
    // Alignments of "A" over 2 steps: AA, A_, _A = 0.25 * 3.
    expect(Math.exp(ctcLogLikelihood(probabilities, CLASSES, 0, 1, [classOf.get('A')!]))).toBeCloseTo(0.75, 5);
  });

  it('needs a blank between a repeated letter, and is -Infinity for an empty span', () => {
    const probabilities = output(['A', 'A']);
    const a = classOf.get('A')!;
    // AA over two steps collapses to A: "AA" cannot be read without a blank between.
    expect(Math.exp(ctcLogLikelihood(probabilities, CLASSES, 0, 1, [a, a]))).toBeLessThan(1e-6);
    expect(ctcLogLikelihood(probabilities, CLASSES, 1, 0, [a])).toBe(-Infinity);
  });
});

describe('readWithLexicon', () => {
  it('takes the lexicon spelling when the model nearly read it (JAHOR with O a close second)', () => {
    const steps = ['J', '_', { A: 0.5, O: 0.4 }, '_', ...spell('HOR')];
    expect(read(steps)).toBe('JOHOR');
  });

  it('keeps a clearly read word that is not in the lexicon (margin: the model must nearly agree)', () => {
    // JAHOR with no trace of an O: the lexicon spelling is far less likely than the margin allows.
    expect(read(spell('JAHOR'))).toBe('JAHOR');
    expect(read(['J', '_', { A: 0.5, O: 0.4 }, '_', ...spell('HOR')], 0)).toBe('JAHOR');
  });

  it('writes the replacement in the case of the word it replaces, and leaves mixed case alone', () => {
    expect(read(['J', '_', { a: 0.5, o: 0.4 }, '_', ...spell('hor')])).toBe('Johor');
    // `JaHOR` is no casing print uses: a name or a misread, not a word to respell.
    expect(read(['J', '_', { a: 0.5, O: 0.4 }, '_', ...spell('HOR')])).toBe('JaHOR');
  });

  it('puts back a letter the model nearly read (a dropped O), and only within one word', () => {
    // J O H R with an O that almost won between H and R.
    const steps = ['J', '_', 'O', '_', 'H', '_', { _: 0.5, O: 0.45 }, 'R', '_'];
    expect(read(steps)).toBe('JOHOR');
    // BAHRU JAHOR: two words (a space step between them), each checked on its own steps.
    const two = [...spell('BAHRU'), ' ', 'J', '_', { A: 0.5, O: 0.4 }, '_', ...spell('HOR')];
    expect(read(two)).toBe('BAHRU JOHOR');
  });

  it('leaves short runs, known words and punctuation as read', () => {
    expect(read([...spell('JOHOR'), ',', '_', ...spell('BAHRU')])).toBe('JOHOR,BAHRU');
    expect(read(spell('JO'))).toBe('JO');
  });

  it('has a default margin of a few nats', () => {
    expect(LEXICON_MARGIN).toBeGreaterThan(0);
    expect(LEXICON_MARGIN).toBeLessThan(5);
  });
});

describe('splitJoinedWords', () => {
  const lexicon = createLexicon(['DARUL', 'EHSAN', 'KUALA', 'LUMPUR', 'SERI', 'SERIKEMBANGAN', 'KEMBANGAN', 'PUTRAJAYA', 'PUTRA', 'JAYA']);
  const split = (text: string) => {
    const chars = [...text].map((char, step) => ({ char, step, probability: 0.9, spaceAfter: char === ' ' ? 0.9 : 0 }));
    return wordsFromCharacters(splitJoinedWords(chars, lexicon)).map((w) => w.text);
  };

  it('breaks a word made of two lexicon words where its space was lost', () => {
    expect(split('SELANGOR DARULEHSAN')).toEqual(['SELANGOR', 'DARUL', 'EHSAN']);
    expect(split('Kualalumpur')).toEqual(['Kuala', 'lumpur']);
  });

  it('never splits a lexicon word, a word with parts under four letters, or one that splits two ways', () => {
    expect(split('PUTRAJAYA')).toEqual(['PUTRAJAYA']);
    expect(split('SERIKEMBANGAN')).toEqual(['SERIKEMBANGAN']);
    expect(split('KLJAYA')).toEqual(['KLJAYA']);
    expect(split('DARULEHSANX')).toEqual(['DARULEHSANX']);
  });
});

describe('joinSplitWords', () => {
  const lexicon = createLexicon(['TAMPOI', 'KAWASAN', 'PUTRAJAYA', 'PUTRA', 'JAYA']);
  /** `|` marks a space the model only hinted at; ` ` one it read. */
  const join = (text: string) => {
    const chars: Array<{ char: string; step: number; probability: number; spaceAfter: number }> = [];
    for (const c of text) {
      if (c === '|') chars[chars.length - 1]!.spaceAfter = 0.2;
      else chars.push({ char: c, step: chars.length, probability: 0.9, spaceAfter: c === ' ' ? 0.9 : 0 });
    }
    return wordsFromCharacters(joinSplitWords(chars, lexicon)).map((w) => w.text);
  };

  it('joins a letter the model split off a lexicon word', () => {
    expect(join('JALAN T|AMPOI')).toEqual(['JALAN', 'TAMPOI']);
    expect(join('K|AWASAN')).toEqual(['KAWASAN']);
  });

  it('keeps two words apart when each is a word, when a space was read, or when the join is no word', () => {
    expect(join('PUTRA|JAYA')).toEqual(['PUTRA', 'JAYA']);
    expect(join('T AMPOI')).toEqual(['T', 'AMPOI']);
    expect(join('T|AMPOX')).toEqual(['T', 'AMPOX']);
  });
});

describe('the receipt lexicon the pipeline gives PP-OCR', () => {
  it('holds single upper-case words, place names split into their words', async () => {
    const { RECEIPT_LEXICON } = await import('../../extractors/receipt/vocabulary.js');
    expect(RECEIPT_LEXICON.every((word) => /^[A-Z]+$/.test(word))).toBe(true);
    expect(new Set(RECEIPT_LEXICON).size).toBe(RECEIPT_LEXICON.length);
    for (const word of ['JOHOR', 'BAHRU', 'BATANG', 'BERJUNTAI', 'SEKSYEN', 'JLN', 'PETRO', 'KITCHENETTE']) expect(RECEIPT_LEXICON).toContain(word);
  });

  it('leaves out words one letter from what item lines and dates print (MAR, MENU, MINI, PORK, MALT)', async () => {
    const { RECEIPT_LEXICON } = await import('../../extractors/receipt/vocabulary.js');
    for (const word of ['MUAR', 'MERU', 'MIRI', 'ARA', 'PARK', 'MALL', 'MART', 'SHOP', 'DELI', 'PUB']) expect(RECEIPT_LEXICON).not.toContain(word);
  });
});
