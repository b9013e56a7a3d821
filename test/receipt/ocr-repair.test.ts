import { describe, expect, it } from 'vitest';
import { correctWord, repairHeaderText } from '../../extractors/receipt/ocr-repair.js';

describe('header OCR repair', () => {
  it('fixes look-alikes inside a postcode', () => {
    expect(repairHeaderText('40400 SHAH ALAM 4D400')).toBe('40400 SHAH ALAM 40400');
  });
  it('fixes one confusable letter against the address gazetteer', () => {
    expect(correctWord('MALAYSTA')).toBe('MALAYSIA');
    expect(correctWord('KAHASAN')).toBe('KAWASAN');
  });
  it('leaves real words that are one non-OCR edit away alone', () => {
    expect(correctWord('BORONG')).toBe('BORONG');
    expect(correctWord('PASAR')).toBe('PASAR');
    expect(correctWord('RESTAURANTS')).toBe('RESTAURANTS');
  });
  it('drops stray Han glyphs from a Latin line when asked', () => {
    expect(repairHeaderText('TAMAN SE 還 ANGOR', { stripHan: true })).toBe('TAMAN SE ANGOR');
    expect(repairHeaderText('全聯 TAIPEI', { stripHan: false })).toBe('全聯 TAIPEI');
  });
  it('reads a section code written with a digit or a sign', () => {
    expect(repairHeaderText('JALAN $521/39')).toBe('JALAN SS21/39');
  });
});
