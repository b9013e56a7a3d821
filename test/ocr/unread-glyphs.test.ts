import { describe, expect, it } from 'vitest';
import type { DecodedCharacter } from '../../extractors/ocr/ppocr/ctc.js';
import { besideUnreadGlyphs } from '../../extractors/ocr/ppocr/unread-glyphs.js';

const HEIGHT = 48;
const STEP = 8;

/** A crop `glyphs` Han glyphs wide (one per line height), ink where `inked` says, and the characters the model emitted. */
function line(inked: boolean[], read: Array<[string, number] | null>) {
  const width = inked.length * HEIGHT;
  const pixels = new Uint8Array(width * HEIGHT).fill(255);
  inked.forEach((on, g) => {
    if (!on) return;
    for (let y = 8; y < 40; y += 1) for (let x = g * HEIGHT + 6; x < g * HEIGHT + 42; x += 1) pixels[y * width + x] = 0;
  });
  const chars: DecodedCharacter[] = read
    .map((entry, g) => (entry === null ? null : { char: entry[0], step: Math.floor((g * HEIGHT + HEIGHT / 2) / STEP) + entry[1], probability: 0.99, spaceAfter: 0 }))
    .filter((c): c is DecodedCharacter => c !== null);
  return besideUnreadGlyphs(chars, pixels, width, HEIGHT, width / STEP);
}

describe('besideUnreadGlyphs', () => {
  it('finds a first character the model saw and did not read (範 of 範例生活百貨, not in its dictionary)', () => {
    expect(line([true, true, true, true], [null, ['例', 0], ['生', 0], ['活', 0]])).toEqual([0]);
  });

  it('finds a last one and one between two characters', () => {
    expect(line([true, true, true], [['證', 0], ['明', 0], null])).toEqual([1]);
    expect(line([true, true, true, true], [['彩', 0], null, ['實', 0], ['業', 0]])).toEqual([0, 1]);
  });

  it('leaves a whole reading, a letter-spaced label and Latin text alone', () => {
    expect(line([true, true, true], [['總', 0], ['計', 1], ['額', -1]])).toEqual([]);
    // `買　方`: the blank between two characters holds no ink.
    expect(line([true, false, true], [['買', 0], null, ['方', 0]])).toEqual([]);
    expect(line([true, true, true], [null, ['A', 0], ['B', 0]])).toEqual([]);
  });
});
