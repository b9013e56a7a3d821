import { describe, expect, it } from 'vitest';
import {
  foreignLetterCount,
  isBetterLine,
  MAX_SUSPECT_LINES,
  meanWordConfidence,
  pageNeedsAllLanguages,
  RecentPages,
  RECENT_PAGES,
  suspectLines,
} from '../../extractors/ocr/language-strategy.js';
import type { PageText, TextLine } from '../../extractors/types.js';

function line(text: string, confidence: number, wordConfidences: number[] = [confidence], y = 0): TextLine {
  const parts = text.split(/\s+/u).filter(Boolean);
  return {
    text,
    rawText: text,
    confidence,
    bbox: { x0: 0, y0: y, x1: 100, y1: y + 20 },
    words: wordConfidences.map((c, i) => ({ text: parts[i] ?? 'x', confidence: c, bbox: { x0: i * 10, y0: y, x1: i * 10 + 9, y1: y + 20 } })),
  };
}

function page(lines: TextLine[], confidence: number): PageText {
  return { pageNo: 1, source: 'ocr', text: lines.map((l) => l.text).join('\n'), rawText: '', confidence, width: 200, height: 400, lines };
}

describe('pageNeedsAllLanguages', () => {
  it('keeps a confident first-language read', () => {
    expect(pageNeedsAllLanguages(page([line('TOTAL 12.00', 0.93, [0.95, 0.91])], 0.93))).toBe(false);
  });

  it('asks for all languages when the page confidence is under the floor', () => {
    expect(pageNeedsAllLanguages(page([line('EHHEF HL', 0.4, [0.9, 0.9])], 0.42))).toBe(true);
  });

  it('asks for all languages when half the words are low even if the page mean is not', () => {
    const lines = [line('A B C D', 0.7, [0.99, 0.99, 0.3, 0.3])];
    expect(pageNeedsAllLanguages(page(lines, 0.7))).toBe(true);
    const fewLow = [line('A B C D', 0.7, [0.99, 0.99, 0.99, 0.3])];
    expect(pageNeedsAllLanguages(page(fewLow, 0.7))).toBe(false);
  });

  it('leaves an empty page alone (nothing to read in any language)', () => {
    expect(pageNeedsAllLanguages(page([], 0))).toBe(false);
  });
});

describe('suspectLines', () => {
  it('picks lines that read as garbage, not single specks', () => {
    const lines = [line('BRANCH 123', 0.95), line('B—EBRRNHARATE', 0.02), line('|', 0.01), line('TOTAL 150.00', 0.96), line('E20', 0.1)];
    expect(suspectLines(page(lines, 0.8))).toEqual([1, 4]);
  });

  it('is bounded by a constant the reader uses to switch to a full read', () => {
    expect(MAX_SUSPECT_LINES).toBeGreaterThan(0);
  });
});

describe('foreignLetterCount', () => {
  it('counts Han characters as foreign to eng, and Latin letters as foreign to chi_tra', () => {
    // 一 is left out: a single stroke is also what dashes come back as.
    expect(foreignLetterCount('統一星巴克 STARBUCKS 150.00', 'eng')).toBe(4);
    expect(foreignLetterCount('統一星巴克 STARBUCKS 150.00', 'chi_tra')).toBe(9);
  });

  it('ignores digits, punctuation and spaces', () => {
    expect(foreignLetterCount('NT$ 1,234.00 — 50%', 'eng')).toBe(0);
  });

  it('treats every letter as native for a language without a known script', () => {
    expect(foreignLetterCount('統一 abc', 'xyz')).toBe(0);
  });
});

describe('isBetterLine', () => {
  const garbage = line('B—EBRRNHARATE', 0.02);

  it('replaces a garbage line by a confident reading in the other script', () => {
    expect(isBetterLine(garbage, line('統一星巴克股份有限公司', 0.94), 'eng')).toBe(true);
  });

  it('keeps the first reading when the new one is not confident (logos and smudges read as stray Han)', () => {
    expect(isBetterLine(garbage, line('古人誠本用', 0.04), 'eng')).toBe(false);
    expect(isBetterLine(garbage, line('區下', 0.5), 'eng')).toBe(false);
  });

  it('keeps the first reading of a dashed rule that the other model reads as 一一一一', () => {
    expect(foreignLetterCount('則一一一一一一一W77G-', 'eng')).toBe(1);
    expect(isBetterLine(garbage, line('則一一一一一一一W77G-', 0.72), 'eng')).toBe(false);
    expect(isBetterLine(garbage, line('一一一一一一', 0.95), 'eng')).toBe(false);
  });

  it('keeps the first reading when the new one is mostly the first script', () => {
    expect(isBetterLine(garbage, line('CASH 18.00 一', 0.9), 'eng')).toBe(false);
    expect(isBetterLine(garbage, line('(867388-L)', 0.9), 'eng')).toBe(false);
  });

  it('never replaces a line with a less confident one', () => {
    expect(isBetterLine(line('統一', 0.96), line('統一星', 0.9), 'eng')).toBe(false);
  });
});

describe('meanWordConfidence', () => {
  it('averages over words, not lines', () => {
    expect(meanWordConfidence([line('a b c', 0.5, [0.2, 0.4, 0.6]), line('d', 1, [1])])).toBeCloseTo(0.55, 5);
    expect(meanWordConfidence([])).toBe(0);
  });
});

describe('RecentPages', () => {
  it('starts with the first language until 40% of the recent pages needed the others', () => {
    const recent = new RecentPages();
    expect(recent.startWithAll()).toBe(false);
    recent.record(false);
    recent.record(false);
    recent.record(true);
    expect(recent.startWithAll()).toBe(false); // 1 of 3
    recent.record(true);
    expect(recent.startWithAll()).toBe(true); // 2 of 4
  });

  it('forgets pages older than the window, so a run of English pages switches back', () => {
    const recent = new RecentPages();
    for (let i = 0; i < RECENT_PAGES; i++) recent.record(true);
    expect(recent.startWithAll()).toBe(true);
    let pages = 0;
    while (recent.startWithAll()) {
      recent.record(false);
      pages += 1;
    }
    // 8 remembered: back to the first language once 3 of 8 (under 40%) needed the others.
    expect(pages).toBe(RECENT_PAGES - 3);
  });
});
