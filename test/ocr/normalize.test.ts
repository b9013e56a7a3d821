import { describe, expect, it } from 'vitest';
import { normalizeCurrencySigns, normalizeOcrText, removeCjkSpaces, toHalfWidth } from '../../extractors/ocr/normalize.js';

describe('toHalfWidth', () => {
  it('maps full-width digits, letters and punctuation to ASCII', () => {
    expect(toHalfWidth('０１２３４５６７８９')).toBe('0123456789');
    expect(toHalfWidth('ＡＢ１２３４５６７８')).toBe('AB12345678');
    expect(toHalfWidth('ｎｔ＄１，２３４．５０')).toBe('nt$1,234.50');
    expect(toHalfWidth('！～')).toBe('!~');
  });

  it('maps the ideographic space to a plain space and leaves CJK punctuation alone', () => {
    expect(toHalfWidth('統一編號\u3000１２３４')).toBe('統一編號 1234');
    expect(toHalfWidth('品名、數量。「備註」')).toBe('品名、數量。「備註」');
  });

  it('keeps characters just outside the block unchanged', () => {
    // U+FF00 and U+FF5F are not ASCII variants.
    expect(toHalfWidth('\uff00\uff5f')).toBe('\uff00\uff5f');
  });
});

describe('normalizeCurrencySigns', () => {
  it('turns misread NT dollar signs into NT$', () => {
    expect(normalizeCurrencySigns('總計 NTS 1,200')).toBe('總計 NT$ 1,200');
    expect(normalizeCurrencySigns('NTS120')).toBe('NT$120');
    expect(normalizeCurrencySigns('NT $ 99')).toBe('NT$ 99');
    expect(normalizeCurrencySigns('NT＄99')).toBe('NT$99');
    expect(normalizeCurrencySigns('NT S 45')).toBe('NT$ 45');
    expect(normalizeCurrencySigns('金額(NT$)')).toBe('金額(NT$)');
  });

  it('leaves words that merely contain NTS alone', () => {
    expect(normalizeCurrencySigns('TOTAL CENTS 5')).toBe('TOTAL CENTS 5');
    expect(normalizeCurrencySigns('PAYMENTS 3')).toBe('PAYMENTS 3');
    expect(normalizeCurrencySigns('NTS DEPT')).toBe('NTS DEPT');
  });
});

describe('removeCjkSpaces', () => {
  it('removes single spaces between CJK characters', () => {
    expect(removeCjkSpaces('統 一 編 號')).toBe('統一編號');
    expect(removeCjkSpaces('電子發票 證明聯')).toBe('電子發票證明聯');
  });

  it('keeps column gaps, spaces next to Latin or digits, and newlines', () => {
    expect(removeCjkSpaces('品名   數量')).toBe('品名   數量');
    expect(removeCjkSpaces('總計 100 元')).toBe('總計 100 元');
    expect(removeCjkSpaces('全聯 PX Mart')).toBe('全聯 PX Mart');
    expect(removeCjkSpaces('發票\n號碼')).toBe('發票\n號碼');
  });
});

describe('normalizeOcrText', () => {
  it('applies every rule and trims line ends', () => {
    expect(normalizeOcrText('統 一 編 號：１２３４５６７８  \n總 計 ＮＴ＄ １，０５０')).toBe('統一編號:12345678\n總計 NT$ 1,050');
  });

  it('is idempotent', () => {
    const once = normalizeOcrText('ＮＴＳ　５０　電 子 發 票');
    expect(normalizeOcrText(once)).toBe(once);
  });

  it('leaves plain English receipt text unchanged', () => {
    const text = 'TOTAL (RM):    9.00\nCHANGE         1.00';
    expect(normalizeOcrText(text)).toBe(text);
  });
});
