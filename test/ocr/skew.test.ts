import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { estimateSkew, inkPoints, type InkPoints } from '../../extractors/image/skew.js';
import { preprocessImage } from '../../extractors/image/preprocess.js';

/**
 * Ink of `lines` text lines 600 px long, 12 px thick, 30 px apart, sloping `degrees` clockwise, with
 * gaps between "words" so the rows are not solid bars; sampled every `stride` pixels as inkPoints does.
 */
function slopedLines(degrees: number, lines = 12, stride = 1): InkPoints {
  const tan = Math.tan((degrees * Math.PI) / 180);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let line = 0; line < lines; line++) {
    for (let x = 40; x < 640; x += stride) {
      if (x % 90 > 70) continue; // the space between two words
      for (let dy = 0; dy < 12; dy += stride) {
        xs.push(x);
        ys.push(Math.round(60 + line * 30 + dy + x * tan));
      }
    }
  }
  return { xs: Float32Array.from(xs), ys: Float32Array.from(ys), count: xs.length, stride };
}

/** A page of text lines drawn with a real font, turned `degrees` clockwise on a white canvas. */
async function turnedTextPage(degrees: number): Promise<Buffer> {
  const rows = Array.from(
    { length: 14 },
    (_, i) => `<text x="30" y="${60 + i * 34}" font-family="DejaVu Sans, sans-serif" font-size="20">${i + 1} NASI LEMAK SPECIAL 2 x 8.50 17.00</text>`,
  ).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="700" height="560"><rect width="100%" height="100%" fill="#fff"/>${rows}</svg>`;
  return sharp(Buffer.from(svg)).rotate(degrees, { background: '#ffffff' }).jpeg({ quality: 92 }).toBuffer();
}

describe('estimateSkew', () => {
  it.each([2, -2, 3.5, -4.2, 1.1])('finds lines sloping %s° to within 0.1°', (degrees) => {
    const skew = estimateSkew(slopedLines(degrees));
    expect(skew).not.toBeNull();
    expect(Math.abs(skew!.degrees - degrees)).toBeLessThanOrEqual(0.1);
    expect(skew!.gain).toBeGreaterThan(1.05);
  });

  it('finds level lines level', () => {
    const skew = estimateSkew(slopedLines(0));
    expect(Math.abs(skew!.degrees)).toBeLessThanOrEqual(0.05);
    expect(skew!.gain).toBe(1);
  });

  it('measures sampled ink (every 3rd pixel) as well as whole ink: the profile is binned at the sampling pitch', () => {
    // Binned per pixel, two of every three rows would be empty at every slope but the level one, and
    // the level profile would always look sharpest.
    const skew = estimateSkew(slopedLines(2.5, 12, 3));
    expect(Math.abs(skew!.degrees - 2.5)).toBeLessThanOrEqual(0.15);
  });

  it('gives no skew for lines steeper than the range searched, or for too little ink', () => {
    expect(estimateSkew(slopedLines(9))).toBeNull();
    expect(estimateSkew(slopedLines(2, 12), { maxDegrees: 1 })).toBeNull();
    expect(estimateSkew({ xs: new Float32Array(50), ys: new Float32Array(50), count: 50, stride: 1 })).toBeNull();
  });

  it('collects the ink of a grey image at a stride, in image pixels', () => {
    const data = new Uint8Array(10 * 10).fill(255);
    for (const [x, y] of [
      [2, 2],
      [3, 2],
      [4, 4],
      [9, 9],
    ] as const)
      data[y * 10 + x] = 0;
    const every = inkPoints(data, 10, 10, 128);
    expect(every.count).toBe(4);
    const sampled = inkPoints(data, 10, 10, 128, 2);
    expect(sampled.stride).toBe(2);
    expect([...sampled.xs.slice(0, sampled.count)]).toEqual([2, 4]);
    expect([...sampled.ys.slice(0, sampled.count)]).toEqual([2, 4]);
  });
});

describe('preprocessImage levels skewed text', () => {
  it('turns a page whose lines slope 3° back by 3°, and its lines come out level', async () => {
    const [frame] = await preprocessImage(await turnedTextPage(3));
    expect(frame!.deskewApplied).toBeGreaterThan(-3.3);
    expect(frame!.deskewApplied).toBeLessThan(-2.7);
    const { data, info } = await sharp(frame!.png).raw().toBuffer({ resolveWithObject: true });
    const after = estimateSkew(inkPoints(data, info.width, info.height, 128));
    expect(Math.abs(after!.degrees)).toBeLessThanOrEqual(0.2);
  });

  it('leaves a level page and a page under 1° off as they are, and levels nothing when told not to', async () => {
    for (const degrees of [0, 0.6]) {
      const [frame] = await preprocessImage(await turnedTextPage(degrees));
      expect(frame!.deskewApplied).toBe(0);
    }
    const [kept] = await preprocessImage(await turnedTextPage(-4), { deskew: false });
    expect(kept!.deskewApplied).toBe(0);
    const [levelled] = await preprocessImage(await turnedTextPage(-4));
    expect(levelled!.deskewApplied).toBeGreaterThan(3.7);
    expect(levelled!.deskewApplied).toBeLessThan(4.3);
  });

  it('turns a page by quarter turns on request, before levelling, and reports both', async () => {
    const page = await turnedTextPage(0);
    const [upright] = await preprocessImage(page, { targetLineHeight: null, cropToContent: false });
    const [sideways] = await preprocessImage(page, { targetLineHeight: null, cropToContent: false, rotate: 90 });
    expect(sideways).toMatchObject({ rotationApplied: 90, width: upright!.height, height: upright!.width, originalWidth: 560, originalHeight: 700 });
    expect(upright!.rotationApplied).toBe(0);
  });

  it('prepares one frame on request, and refuses a frame the file does not have', async () => {
    const page = await turnedTextPage(0);
    const [only] = await preprocessImage(page, { frame: 0, rotate: 180 });
    expect(only).toMatchObject({ frame: 0, rotationApplied: 180 });
    await expect(preprocessImage(page, { frame: 1 })).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/has no frame 1 \(it has 1\)/) });
  });
});
