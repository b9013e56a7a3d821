import { describe, expect, it } from 'vitest';
import { decodeCtc, LOST_COMMA_PROBABILITY, restoreLostCommas, wordsFromCharacters, type DecodedCharacter } from '../../extractors/ocr/ppocr/ctc.js';
import { resizeRegion, toChannels } from '../../extractors/ocr/ppocr/image-ops.js';
import { COMMA_SPACE_GAP, gapAfter, inkColumns, lineBand, lowMarkColumns, spaceCommasByInk } from '../../extractors/ocr/ppocr/ink-gaps.js';
import { regionsToLines, type RecognisedRegion } from '../../extractors/ocr/ppocr/page-layout.js';
import { isChinesePage } from '../../extractors/ocr/ppocr/ppocr-pool.js';
import { textRegions } from '../../extractors/ocr/ppocr/text-regions.js';

// Dictionary of the fake model: classes are blank, A, B, C, 1, 貨, 物, space.
const DICTIONARY = ['A', 'B', 'C', '1', '貨', '物'];
const CLASSES = DICTIONARY.length + 2;
const SPACE = CLASSES - 1;

/** CTC output where step i is `classes[i]` at probability 0.9, optionally with some space probability. */
function output(classes: number[], spaceAt: Record<number, number> = {}): Float32Array {
  const probabilities = new Float32Array(classes.length * CLASSES);
  classes.forEach((c, step) => {
    const space = spaceAt[step] ?? 0;
    probabilities[step * CLASSES + c] = 0.9;
    if (c !== SPACE) probabilities[step * CLASSES + SPACE] = space;
    // The rest of the mass on the blank, unless the blank is the winner.
    if (c !== 0) probabilities[step * CLASSES] = Math.max(0, 0.1 - space);
  });
  return probabilities;
}

function chars(spec: Array<[string, number, number?]>): DecodedCharacter[] {
  return spec.map(([char, step, spaceAfter]) => ({ char, step, probability: 0.9, spaceAfter: spaceAfter ?? 0 }));
}

describe('decodeCtc', () => {
  it('collapses repeats, drops blanks and keeps a character repeated across a blank', () => {
    // A A _ B _ B C C  ->  A B B C
    const decoded = decodeCtc(output([1, 1, 0, 2, 0, 2, 3, 3]), 8, CLASSES, DICTIONARY);
    expect(decoded.map((c) => c.char).join('')).toBe('ABBC');
    expect(decoded.map((c) => c.step)).toEqual([0, 3, 5, 6]);
    expect(decoded[0]!.probability).toBeCloseTo(0.9);
  });

  it('emits the space class and records the space probability between characters', () => {
    const decoded = decodeCtc(output([1, 0, SPACE, 0, 2, 0, 0, 3], { 5: 0.3 }), 8, CLASSES, DICTIONARY);
    expect(decoded.map((c) => c.char).join('')).toBe('A BC');
    // B is followed by blank steps where the space class reached 0.3.
    expect(decoded[2]!.spaceAfter).toBeCloseTo(0.3);
    // A is followed by the emitted space itself; nothing follows C.
    expect(decoded[0]!.spaceAfter).toBeCloseTo(0.9);
    expect(decoded[3]!.spaceAfter).toBe(0);
  });

  it('records the comma probability between characters when the dictionary has a comma', () => {
    const dictionary = ['A', 'B', ','];
    const classes = dictionary.length + 2;
    // A _ _ B over 4 steps; the comma class (3) rises to 0.2 at step 2.
    const probabilities = new Float32Array(4 * classes);
    [1, 0, 0, 2].forEach((c, step) => (probabilities[step * classes + c] = 0.8));
    probabilities[2 * classes + 3] = 0.2;
    const decoded = decodeCtc(probabilities, 4, classes, dictionary);
    expect(decoded.map((c) => c.char).join('')).toBe('AB');
    expect(decoded[0]!.commaAfter).toBeCloseTo(0.2);
    expect(decodeCtc(output([1, 0, 2]), 3, CLASSES, DICTIONARY)[0]!.commaAfter).toBeUndefined();
  });

  it('puts back a comma the model nearly read, but not inside a number, beside punctuation or Han', () => {
    const withComma = (a: string, b: string, p: number) => restoreLostCommas([{ char: a, step: 0, probability: 0.9, spaceAfter: 0, commaAfter: p }, { char: b, step: 4, probability: 0.9, spaceAfter: 0 }]).map((c) => c.char).join('');
    expect(withComma('I', '8', 0.22)).toBe('I,8');
    expect(withComma('3', 'J', LOST_COMMA_PROBABILITY)).toBe('3,J');
    expect(withComma('I', '8', 0.04)).toBe('I8');
    expect(withComma('1', '2', 0.4)).toBe('12');
    expect(withComma('.', 'J', 0.4)).toBe('.J');
    expect(withComma('貨', '物', 0.4)).toBe('貨物');
  });

  it('puts back the comma that ends a line (JALAN ANGSA, above the next line), not a faint trace', () => {
    const ending = (last: string, p: number) => restoreLostCommas([{ char: 'A', step: 0, probability: 0.9, spaceAfter: 0 }, { char: last, step: 3, probability: 0.9, spaceAfter: 0, commaAfter: p }]);
    const restored = ending('B', 0.39);
    expect(restored.map((c) => c.char).join('')).toBe('AB,');
    expect(restored[2]!.step).toBe(4);
    expect(ending('1', 0.2).map((c) => c.char).join('')).toBe('A1,');
    expect(ending('B', 0.03).map((c) => c.char).join('')).toBe('AB');
    expect(ending('.', 0.4).map((c) => c.char).join('')).toBe('A.');
    expect(ending('貨', 0.4).map((c) => c.char).join('')).toBe('A貨');
  });

  it('moves a space the model saw at a lost comma to after the comma', () => {
    const read: DecodedCharacter[] = [
      { char: 'I', step: 0, probability: 0.9, spaceAfter: 0.3, commaAfter: 0.2 },
      { char: '8', step: 4, probability: 0.9, spaceAfter: 0 },
    ];
    expect(wordsFromCharacters(restoreLostCommas(read)).map((word) => word.text)).toEqual(['I,', '8']);
    // The decoded characters themselves are left as they were.
    expect(read[0]!.spaceAfter).toBe(0.3);
  });

  it('refuses an output that does not match the dictionary', () => {
    expect(() => decodeCtc(output([1, 2]), 3, CLASSES, DICTIONARY)).toThrow(RangeError);
    const tooManyClasses = new Float32Array(2 * (CLASSES + 2));
    tooManyClasses[CLASSES] = 1; // step 0: class CLASSES, beyond the dictionary and not the (new) space
    expect(() => decodeCtc(tooManyClasses, 2, CLASSES + 2, DICTIONARY)).toThrow(/no character/);
  });
});

describe('wordsFromCharacters', () => {
  it('breaks words where the model gave the space class some probability, keeping the steps', () => {
    const words = wordsFromCharacters(chars([['K', 2], ['F', 5, 0.3], ['M', 11], ['O', 14], ['D', 17], ['E', 20]]));
    expect(words.map((w) => w.text)).toEqual(['KF', 'MODE']);
    expect(words[1]).toMatchObject({ firstStep: 11, lastStep: 20 });
    expect(words[0]!.confidence).toBeCloseTo(0.9);
  });

  it('keeps characters together below the threshold, however far apart they were read', () => {
    const words = wordsFromCharacters(chars([['T', 1], ['O', 4, 0.04], ['T', 12], ['A', 15], ['L', 18]]));
    expect(words.map((w) => w.text)).toEqual(['TOTAL']);
  });

  it('splits at spaces the model emitted itself, and never between two Han characters', () => {
    expect(wordsFromCharacters(chars([['A', 1], [' ', 3], ['B', 4]])).map((w) => w.text)).toEqual(['A', 'B']);
    expect(wordsFromCharacters(chars([['貨', 1, 0.5], ['物', 9, 0.5], ['A', 10]])).map((w) => w.text)).toEqual(['貨物', 'A']);
    expect(wordsFromCharacters([])).toEqual([]);
  });

  it('the threshold is an option', () => {
    const pair = chars([['A', 1, 0.03], ['B', 4]]);
    expect(wordsFromCharacters(pair).map((w) => w.text)).toEqual(['AB']);
    expect(wordsFromCharacters(pair, { spaceProbability: 0.02 }).map((w) => w.text)).toEqual(['A', 'B']);
  });
});

describe('textRegions', () => {
  function map(width: number, height: number, blobs: Array<{ x0: number; y0: number; x1: number; y1: number; p: number }>): Float32Array {
    const m = new Float32Array(width * height);
    for (const b of blobs) for (let y = b.y0; y < b.y1; y += 1) for (let x = b.x0; x < b.x1; x += 1) m[y * width + x] = b.p;
    return m;
  }

  it('finds each blob, grows it by the unclip distance and drops weak blobs and specks', () => {
    const regions = textRegions(
      map(100, 60, [
        { x0: 10, y0: 10, x1: 50, y1: 16, p: 0.9 }, // a text line: 40 x 6
        { x0: 60, y0: 10, x1: 90, y1: 16, p: 0.4 }, // above the 0.3 threshold but a mean under 0.6
        { x0: 10, y0: 40, x1: 12, y1: 41, p: 0.9 }, // a speck
        { x0: 10, y0: 30, x1: 40, y1: 36, p: 0.8 },
      ]),
      100,
      60,
    );
    expect(regions).toHaveLength(2);
    const [line] = regions;
    // Grown by area * 1.5 / perimeter = 240 * 1.5 / 92 = 3.91 px on every side.
    expect(line!.x0).toBeCloseTo(10 - 3.913, 2);
    expect(line!.y1).toBeCloseTo(16 + 3.913, 2);
    expect(line!.score).toBeCloseTo(0.9);
    expect(regions[1]!.y0).toBeGreaterThan(25);
  });

  it('measures the slope of a tilted line', () => {
    // A 60 x 4 band rising 1 px every 10 px to the right: slope -0.1.
    const width = 80;
    const height = 30;
    const m = new Float32Array(width * height);
    for (let x = 10; x < 70; x += 1) for (let dy = 0; dy < 4; dy += 1) m[(20 - Math.floor((x - 10) / 10) + dy) * width + x] = 0.9;
    const [region] = textRegions(m, width, height);
    expect(region!.slope).toBeCloseTo(-0.1, 1);
    // The band across the slope: 4 px thick (grown back on both sides as the box is), centred at
    // y 18.5 in the middle of the segment, where the upright box is 9 px high before growing.
    const grow = (60 * 9 * 1.5) / (2 * (60 + 9));
    expect(region!.thickness - 2 * grow).toBeGreaterThan(3.5);
    expect(region!.thickness - 2 * grow).toBeLessThan(5.5);
    expect(region!.centerY).toBeCloseTo(18.5, 0);
    expect(textRegions(m.fill(0).fill(0.9, 5 * width + 10, 5 * width + 60), width, height)[0]?.slope ?? 0).toBeCloseTo(0, 5);
  });

  it('keeps regions inside the map and handles blobs touching the edges', () => {
    const regions = textRegions(map(40, 20, [{ x0: 0, y0: 0, x1: 40, y1: 5, p: 0.95 }]), 40, 20);
    expect(regions).toHaveLength(1);
    expect(regions[0]).toMatchObject({ x0: 0, y0: 0, x1: 40 });
    expect(() => textRegions(new Float32Array(10), 40, 20)).toThrow(RangeError);
  });
});

describe('regionsToLines', () => {
  const region = (x0: number, y0: number, x1: number, y1: number, ...texts: string[]): RecognisedRegion => ({
    bbox: { x0, y0, x1, y1 },
    words: texts.map((text, i) => ({ text, confidence: 0.9, bbox: { x0: x0 + i * 10, y0, x1: x0 + i * 10 + 8, y1 } })),
  });

  it('joins the segments of one printed row left to right, rows top to bottom', () => {
    const lines = regionsToLines([region(300, 102, 360, 120, '9.00'), region(20, 100, 90, 121, 'TOTAL', ':'), region(20, 40, 200, 60, 'BOOK', 'TA')]);
    expect(lines.map((l) => l.text)).toEqual(['BOOK TA', 'TOTAL : 9.00']);
    expect(lines[1]!.bbox).toEqual({ x0: 20, y0: 100, x1: 360, y1: 121 });
    expect(lines[1]!.words.map((w) => w.text)).toEqual(['TOTAL', ':', '9.00']);
  });

  it('follows the tilt of a photographed page: an amount printed higher than its label is on its row', () => {
    // Slope -0.03: across 1000 px the right end of a row is 30 px higher than the left, more than a row.
    const tilted = (x0: number, y0: number, x1: number, text: string): RecognisedRegion => ({
      ...region(x0, y0 - 0.03 * (x1 - x0), x1, y0 + 20, text),
      slope: -0.03,
    });
    const lines = regionsToLines([
      tilted(1000, 70, 1080, '23.75'),
      tilted(0, 100, 400, 'SUBTOTAL'),
      tilted(1000, 130, 1080, '1.43'),
      tilted(0, 160, 400, 'SST 6%'),
      tilted(0, 40, 1080, 'KEDAI SAMPEL MAJU SDN BHD'),
    ]);
    expect(lines.map((l) => l.text)).toEqual(['KEDAI SAMPEL MAJU SDN BHD', 'SUBTOTAL 23.75', 'SST 6% 1.43']);
    // Without the slope the amounts would sit a row above their labels.
    const level = regionsToLines([region(1000, 67, 1080, 90, '23.75'), region(0, 100, 400, 120, 'SUBTOTAL')]);
    expect(level.map((l) => l.text)).toEqual(['23.75', 'SUBTOTAL']);
  });

  it('keeps a small line under a tall header, and stacked segments of one column, as separate rows', () => {
    const lines = regionsToLines([region(0, 0, 300, 60, 'BIG'), region(320, 45, 400, 65, 'small'), region(0, 62, 100, 80, 'under')]);
    expect(lines.map((l) => l.text)).toEqual(['BIG', 'small', 'under']);
  });

  it('joins a narrow segment to its row though the grown boxes of neighbours overlap', () => {
    // X51005301661: `(` (30 px wide) overlaps `2. 83 UNI` by 11 px, a third of its width, but far less than its height.
    const lines = regionsToLines([region(52, 651, 67, 668, '1'), region(96, 649, 153, 673, '*RM'), region(180, 648, 288, 676, '2.83', 'UNI'), region(277, 654, 307, 672, '('), region(336, 651, 441, 679, '0.17)=RM'), region(475, 654, 533, 680, '2.83')]);
    expect(lines.map((l) => l.text)).toEqual(['1 *RM 2.83 UNI ( 0.17)=RM 2.83']);
  });

  it('normalises the text as tesseract lines are (full-width forms), keeping the raw reading', () => {
    const [line] = regionsToLines([region(0, 0, 100, 20, 'ＴＯＴＡＬ', '１２３')]);
    expect(line!.text).toBe('TOTAL 123');
    expect(line!.rawText).toBe('ＴＯＴＡＬ １２３');
    expect(line!.words.map((w) => w.text)).toEqual(['TOTAL', '123']);
  });

  it('drops regions the model read as nothing', () => {
    expect(regionsToLines([region(0, 0, 10, 10)])).toEqual([]);
  });
});

describe('isChinesePage', () => {
  it('tells a Taiwan invoice from a Malaysian receipt with a Chinese slogan', () => {
    const receipt = ['BOOK TA .K (TAMAN DAYA) SDN BHD', 'NO.53 55,57 & 59, JALAN SAGU 18,', 'TOTAL 9.00', 'GOODS SOLD ARE NOT RETURNABLE OR EXCHANGEABLE', '货物出门,得不退还或更换'].join('\n');
    expect(isChinesePage(receipt)).toBe(false);
    const invoice = ['電子發票證明聯', '113年03-04月', 'AB-12345678', '賣方 12345676', '總計 235'].join('\n');
    expect(isChinesePage(invoice)).toBe(true);
    // A few Han characters are never enough on their own.
    expect(isChinesePage('發票')).toBe(false);
  });
});

describe('image operations', () => {
  it('resizes a region bilinearly and keeps flat areas flat', () => {
    const image = { data: new Uint8Array([0, 255, 255, 255, 0, 255, 255, 255]), width: 4, height: 2 };
    expect([...resizeRegion(image, { left: 0, top: 0, width: 4, height: 2 }, 4, 2)]).toEqual([0, 255, 255, 255, 0, 255, 255, 255]);
    expect([...resizeRegion(image, { left: 2, top: 0, width: 2, height: 2 }, 6, 3)].every((v) => v === 255)).toBe(true);
    // Halving samples between pixel pairs: (0+255)/2 and 255.
    expect([...resizeRegion(image, { left: 0, top: 0, width: 4, height: 2 }, 2, 1)]).toEqual([128, 255]);
  });

  it('reads a sheared band so that a tilted line comes out level', () => {
    // A dark line falling one pixel per pixel to the right (y = x + 2) on white.
    const width = 12;
    const height = 16;
    const data = new Uint8Array(width * height).fill(255);
    for (let x = 0; x < width; x += 1) data[(x + 2) * width + x] = 0;
    const image = { data, width, height };
    const rows = (pixels: Uint8Array) => Array.from({ length: 4 }, (_, y) => [...pixels.slice(y * 10, y * 10 + 10)]);
    // Upright, the line crosses the crop; along the band every column sees it at the same height.
    const level = rows(resizeRegion(image, { left: 0, top: 0, width: 10, height: 4 }, 10, 4, 1));
    for (const row of level) expect(new Set(row).size).toBe(1);
    expect(level.map((row) => row[0])).toEqual([255, 128, 128, 255]);
    const upright = rows(resizeRegion(image, { left: 0, top: 0, width: 10, height: 4 }, 10, 4));
    expect(upright.some((row) => new Set(row).size > 1)).toBe(true);
  });

  it('lays out three normalised channels', () => {
    const t = toChannels(new Uint8Array([0, 255]), [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
    expect([...t]).toEqual([-1, 1, -1, 1, -1, 1]);
  });
});

describe('spaces after commas, from the ink', () => {
  const HEIGHT = 48;
  /** A crop with dark columns at the given [from, to) ranges, light elsewhere. */
  function crop(width: number, inkRuns: Array<[number, number]>): Uint8Array {
    const pixels = new Uint8Array(width * HEIGHT).fill(230);
    for (const [from, to] of inkRuns) for (let x = from; x < to; x += 1) for (let y = 10; y < 38; y += 1) pixels[y * width + x] = 20;
    return pixels;
  }
  const char = (c: string, step: number, spaceAfter = 0) => ({ char: c, step, probability: 0.9, spaceAfter });

  it('finds the blank run after the ink nearest a column', () => {
    const ink = inkColumns(crop(60, [[0, 10], [14, 17], [30, 40]]), 60, HEIGHT);
    expect(ink.slice(0, 12)).toEqual([...Array(10).fill(true), false, false]);
    expect(gapAfter(ink, 15, 4)).toBe(13);
    // From column 11 the run ending at 9 and the one starting at 14 are 2 and 3 away: the nearer one.
    expect(gapAfter(ink, 11, 2)).toBe(4);
    expect(gapAfter(ink, 24, 3)).toBeNull();
    // The last glyph has nothing after it.
    expect(gapAfter(ink, 35, 3)).toBeNull();
  });

  it('puts a space after a comma followed by a wide gap and none after a tight one, whatever the model said', () => {
    const wide = Math.ceil(COMMA_SPACE_GAP * HEIGHT) + 4;
    // 8 px per step: a letter at step 0, a comma at step 2 (x 17-19), the next letter after the gap.
    const spaced = [char('A', 0), char(',', 2, 0.01), char('B', 5)];
    spaceCommasByInk(spaced, crop(80, [[0, 12], [17, 20], [20 + wide, 20 + wide + 10]]), 80, HEIGHT, 10);
    expect(spaced[1]!.spaceAfter).toBe(1);
    const tight = [char('A', 0), char(',', 2, 0.4), char('B', 3)];
    spaceCommasByInk(tight, crop(80, [[0, 12], [17, 20], [22, 32]]), 80, HEIGHT, 10);
    expect(tight[1]!.spaceAfter).toBe(0);
  });

  /** Like `crop`, with `marks`: [from, to) column ranges inked only near the baseline (rows 30-38), as a comma is. */
  function cropWithMarks(width: number, inkRuns: Array<[number, number]>, marks: Array<[number, number]>): Uint8Array {
    const pixels = crop(width, inkRuns);
    for (const [from, to] of marks) for (let x = from; x < to; x += 1) for (let y = 30; y < 38; y += 1) pixels[y * width + x] = 20;
    return pixels;
  }

  it('tells a comma\'s ink (low on the line) from a letter\'s', () => {
    const pixels = cropWithMarks(60, [[0, 10], [30, 40]], [[14, 17]]);
    const low = lowMarkColumns(pixels, 60, HEIGHT);
    expect(low.slice(0, 18)).toEqual([...Array(14).fill(false), true, true, true, false]);
    expect(low.slice(30, 40).every((column) => !column)).toBe(true);
    // A flat crop holds no print.
    expect(lowMarkColumns(new Uint8Array(60 * HEIGHT).fill(200), 60, HEIGHT).some(Boolean)).toBe(false);
  });

  it('measures the gap after the comma\'s own ink when the comma was read nearer the letter before it', () => {
    // `B, J`: a letter at 0-12, its comma at 14-16, a space, the next letter at 26. The model put the
    // comma at step 1 (x 12), nearer the B's ink than the comma's: the gap after the B is 1 column, after
    // the comma 9.
    const pixels = cropWithMarks(80, [[0, 13], [26, 36]], [[14, 17]]);
    const ink = inkColumns(pixels, 80, HEIGHT);
    expect(gapAfter(ink, 12, 12)).toBe(1); // after the B's own run, which the comma's step points into
    expect(gapAfter(ink, 12, 12, lowMarkColumns(pixels, 80, HEIGHT))).toBe(9);
    const read = [char('B', 0), char(',', 1, 0.01), char('J', 3)];
    spaceCommasByInk(read, pixels, 80, HEIGHT, 10);
    expect(read[1]!.spaceAfter).toBe(1);
    // A comma that touches the next letter is part of its run, not a low mark on its own: no space.
    const touching = cropWithMarks(80, [[0, 13], [17, 27]], [[14, 17]]);
    const tight = [char('B', 0), char(',', 1, 0.6), char('J', 3)];
    spaceCommasByInk(tight, touching, 80, HEIGHT, 10);
    expect(tight[1]!.spaceAfter).toBe(0);
  });

  it('measures in the line\'s own rows: print of the lines above and below does not fill the space after a comma', () => {
    // `28, JALAN` with the descenders of the line above (rows 0-3) and the tops of the line below
    // (rows 44-47) running through the space after the comma, as in the crop of a tilted line.
    const pixels = cropWithMarks(80, [[0, 12], [17 + 12, 40]], [[14, 17]]);
    for (let x = 0; x < 80; x += 3) for (const y of [0, 1, 2, 3, 44, 45, 46, 47]) pixels[y * 80 + x] = 20;
    expect(lineBand(pixels, 80, HEIGHT)).toEqual({ top: 10, bottom: 37 });
    expect(gapAfter(inkColumns(pixels, 80, HEIGHT), 15, 4)).toBe(1); // over the whole crop: no gap left
    const read = [char('8', 0), char(',', 2, 0.01), char('J', 4)];
    spaceCommasByInk(read, pixels, 80, HEIGHT, 10);
    expect(read[1]!.spaceAfter).toBe(1);
    // A crop with no blank rows is measured whole; so is one whose middle row is blank.
    expect(lineBand(crop(80, [[0, 80]]).fill(20), 80, HEIGHT)).toEqual({ top: 0, bottom: HEIGHT - 1 });
    const offLine = new Uint8Array(80 * HEIGHT).fill(230);
    for (let x = 0; x < 80; x += 1) for (let y = 0; y < 8; y += 1) offLine[y * 80 + x] = 20;
    expect(lineBand(offLine, 80, HEIGHT)).toEqual({ top: 0, bottom: HEIGHT - 1 });
  });

  it('spaces a point between a number and a word (a comma read as a point) by its ink; other points keep the model\'s spacing', () => {
    const pixels = crop(80, [[0, 12], [17, 20], [40, 50]]);
    const streetNumber = [char('3', 0), char('.', 2, 0.01), char('J', 5)];
    spaceCommasByInk(streetNumber, pixels, 80, HEIGHT, 10);
    expect(streetNumber[1]!.spaceAfter).toBe(1);
    // An initial (`D. I`) and a decimal point are not commas.
    const initial = [char('D', 0), char('.', 2, 0.01), char('I', 5)];
    spaceCommasByInk(initial, pixels, 80, HEIGHT, 10);
    expect(initial[1]!.spaceAfter).toBe(0.01);
    const decimal = [char('9', 0), char('.', 2, 0.01), char('9', 5)];
    spaceCommasByInk(decimal, pixels, 80, HEIGHT, 10);
    expect(decimal[1]!.spaceAfter).toBe(0.01);
  });

  it('leaves thousands separators and Chinese text to the model', () => {
    const pixels = crop(80, [[0, 12], [16, 19], [40, 50]]);
    const amount = [char('1', 0), char(',', 2, 0.01), char('2', 5)];
    spaceCommasByInk(amount, pixels, 80, HEIGHT, 10);
    expect(amount[1]!.spaceAfter).toBe(0.01);
    const chinese = [char('门', 0), char(',', 2, 0.01), char('得', 5)];
    spaceCommasByInk(chinese, pixels, 80, HEIGHT, 10);
    expect(chinese[1]!.spaceAfter).toBe(0.01);
  });
});
