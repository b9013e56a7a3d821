import { describe, expect, it } from 'vitest';
import {
  addDecimal,
  compareDecimal,
  detectCurrency,
  divideDecimal,
  isDecimal,
  multiplyDecimal,
  normalizeDecimal,
  parseAmount,
  percentOf,
  roundDecimal,
  sameAmount,
  splitTaxIncluded,
  subtractDecimal,
  withinDecimal,
} from '../../extractors/rules/amounts.js';

describe('parseAmount', () => {
  it.each([
    // plain and grouped
    ['12', '12'],
    ['12.50', '12.50'],
    ['1,234.56', '1234.56'],
    ['1,234,567.89', '1234567.89'],
    ['1,234', '1234'],
    ['1.234', '1234'],
    // decimal comma (European) vs decimal point
    ['1.234,56', '1234.56'],
    ['1.234.567,89', '1234567.89'],
    ['12,50', '12.50'],
    ['0,5', '0.5'],
    ['1 234,56', '1234.56'],
    ['1\u00a0234,56 €', '1234.56'],
    ["1'234.50", '1234.50'],
    ['0.125', '0.125'],
    ['.50', '0.50'],
    // currencies before and after
    ['RM 1,234.50', '1234.50'],
    ['RM5.00', '5.00'],
    ['5.00 RM', '5.00'],
    ['5.00RM', '5.00'],
    ['$8.20', '8.20'],
    ['S$ 12.90', '12.90'],
    ['US$1,000', '1000'],
    ['€ 9,99', '9.99'],
    ['9,99 €', '9.99'],
    ['EUR 1.234,00', '1234.00'],
    ['£3.50', '3.50'],
    ['NT$1,234', '1234'],
    ['1,234元', '1234'],
    ['Rs.100', '100'],
    // negatives
    ['-5.00', '-5.00'],
    ['\u22125.00', '-5.00'],
    ['-RM 5.00', '-5.00'],
    ['RM -5.00', '-5.00'],
    ['9.00-', '-9.00'],
    ['(12.00)', '-12.00'],
    ['(RM 12.00)', '-12.00'],
    ['-0.00', '0.00'],
    // labels and full-width forms
    ['TOTAL: 12.30', '12.30'],
    ['ROUNDING ADJ -0.02', '-0.02'],
    ['１，２３４．５６', '1234.56'],
    ['＄１２．５０', '12.50'],
    ['￥1,000', '1000'],
    ['007.50', '7.50'],
  ])('%j → %s', (text, value) => {
    expect(parseAmount(text)).toBe(value);
  });

  it.each([
    ['', 'empty'],
    ['TOTAL', 'no number'],
    ['Total 2 items 12.50', 'two numbers'],
    ['12/05/2024', 'a date'],
    ['1,2345', 'a comma before four digits'],
    ['12,34,56', 'groups of two'],
    ['1234,567', 'a thousands group after four digits'],
    ['1.234.56', 'a dot group of two'],
    ['1,234.5.6', 'two decimal points'],
    ['A123', 'a code'],
    ['12kg', 'a weight'],
    ['12 345 6', 'spaces that are not groups of three'],
  ])('returns null for %j (%s)', (text) => {
    expect(parseAmount(text)).toBeNull();
  });

  it('reads a lone "." before three digits as a decimal point for 3-decimal currencies', () => {
    expect(parseAmount('1.234', { currencyHint: 'KWD' })).toBe('1.234');
    expect(parseAmount('KWD 1.234')).toBe('1.234');
    expect(parseAmount('1.234', { currencyHint: 'TWD' })).toBe('1234');
    // The currency in the text wins over the hint.
    expect(parseAmount('RM 1.234', { currencyHint: 'KWD' })).toBe('1234');
  });
});

describe('detectCurrency', () => {
  it.each([
    ['RM 12.00', 'MYR'],
    ['TOTAL (MYR)', 'MYR'],
    ['NT$1,234', 'TWD'],
    ['NT $ 100', 'TWD'],
    ['NTD 1234', 'TWD'],
    ['TWD', 'TWD'],
    ['1,234元', 'TWD'],
    ['新台幣', 'TWD'],
    ['ＮＴ＄１００', 'TWD'],
    ['S$ 5.00', 'SGD'],
    ['SGD 5.00', 'SGD'],
    ['US$ 5', 'USD'],
    ['USD 5', 'USD'],
    ['$5.00', 'USD'],
    ['＄5', 'USD'],
    ['HK$ 20', 'HKD'],
    ['€ 5', 'EUR'],
    ['5 EUR', 'EUR'],
    ['£5', 'GBP'],
    ['¥500', 'JPY'],
    ['500円', 'JPY'],
    ['RMB 50', 'CNY'],
    ['人民币 50', 'CNY'],
    ['Rp 50.000', 'IDR'],
    ['KWD 1.234', 'KWD'],
  ])('%j → %s', (text, code) => {
    expect(detectCurrency(text)).toBe(code);
  });

  it.each(['12.00', 'FORM 12', 'TERMS 30 DAYS', 'PERMIT', 'STORMS', 'Total 5'])('finds none in %j', (text) => {
    expect(detectCurrency(text)).toBeNull();
  });
});

describe('decimal arithmetic on strings', () => {
  it('adds exactly: 0.10 + 0.20 = 0.30', () => {
    expect(addDecimal('0.10', '0.20')).toBe('0.30');
    expect(addDecimal('0.1', '0.2')).toBe('0.3');
    expect(addDecimal('0.1', '0.2')).not.toBe(String(0.1 + 0.2));
  });

  it('adds many values at the largest scale, with signs', () => {
    expect(addDecimal('1.5', '2.25', '-0.75')).toBe('3.00');
    expect(addDecimal()).toBe('0');
    expect(addDecimal('999999999999999999.99', '0.01')).toBe('1000000000000000000.00');
  });

  it('subtracts and compares', () => {
    expect(subtractDecimal('10', '0.01')).toBe('9.99');
    expect(subtractDecimal('0.30', '0.10')).toBe('0.20');
    expect(subtractDecimal('1', '2.5')).toBe('-1.5');
    expect(compareDecimal('1.50', '1.5')).toBe(0);
    expect(compareDecimal('-1', '0.01')).toBe(-1);
    expect(compareDecimal('10', '9.99')).toBe(1);
    expect(sameAmount('840', '840.00')).toBe(true);
    expect(sameAmount('840', null)).toBe(false);
    expect(sameAmount('840', 'n/a')).toBe(false);
  });

  it('multiplies a unit price by a quantity exactly', () => {
    expect(multiplyDecimal('12.50', '3')).toBe('37.50');
    expect(multiplyDecimal('1.5', '0.25')).toBe('0.375');
    expect(multiplyDecimal('-2.10', '3')).toBe('-6.30');
    expect(multiplyDecimal('0.1', '3')).toBe('0.3');
  });

  it('rounds half-up away from zero by default, and by the other modes', () => {
    expect(roundDecimal('0.375', 2)).toBe('0.38');
    expect(roundDecimal('-0.375', 2)).toBe('-0.38');
    expect(roundDecimal('2.5', 0)).toBe('3');
    expect(roundDecimal('2.5', 0, 'half-even')).toBe('2');
    expect(roundDecimal('3.5', 0, 'half-even')).toBe('4');
    expect(roundDecimal('2.99', 0, 'down')).toBe('2');
    expect(roundDecimal('2.01', 0, 'up')).toBe('3');
    expect(roundDecimal('7', 2)).toBe('7.00');
    expect(roundDecimal('-0.004', 2)).toBe('0.00');
    expect(() => roundDecimal('1', -1)).toThrow(RangeError);
  });

  it('divides with a chosen scale', () => {
    expect(divideDecimal('10', '3', 2)).toBe('3.33');
    expect(divideDecimal('20', '3', 2)).toBe('6.67');
    expect(divideDecimal('37.50', '3', 2)).toBe('12.50');
    expect(divideDecimal('-1', '8', 2)).toBe('-0.13');
    expect(divideDecimal('1', '-8', 3)).toBe('-0.125');
    expect(() => divideDecimal('1', '0', 2)).toThrow(RangeError);
  });

  it("computes Taiwan's 5% business tax with 四捨五入", () => {
    expect(percentOf('1000', '5')).toBe('50');
    expect(percentOf('176', '5')).toBe('9'); // 8.8
    expect(percentOf('105', '5')).toBe('5'); // 5.25
    expect(percentOf('110', '5')).toBe('6'); // 5.5, half-up
    expect(percentOf('100.00', '5')).toBe('5.00');
    expect(percentOf('19.99', '6')).toBe('1.20'); // 1.1994
    expect(percentOf('176', '5', 2)).toBe('8.80');
  });

  it('splits a tax-included total so net + tax is exactly the total', () => {
    expect(splitTaxIncluded('105', '5')).toEqual({ net: '100', tax: '5' });
    expect(splitTaxIncluded('185', '5')).toEqual({ net: '176', tax: '9' });
    expect(splitTaxIncluded('10.60', '6')).toEqual({ net: '10.00', tax: '0.60' });
    const { net, tax } = splitTaxIncluded('999', '5');
    expect(addDecimal(net, tax)).toBe('999');
  });

  it('normalises and validates decimal strings, refusing anything else', () => {
    expect(normalizeDecimal('007.50')).toBe('7.50');
    expect(normalizeDecimal('+3.')).toBe('3');
    expect(normalizeDecimal('-0')).toBe('0');
    expect(normalizeDecimal('.5')).toBe('0.5');
    expect(isDecimal('12.5')).toBe(true);
    expect(isDecimal('-.5')).toBe(true);
    for (const bad of ['', '.', '1e3', '1,000', 'NaN', '1.2.3', '--1']) {
      expect(isDecimal(bad)).toBe(false);
      expect(() => addDecimal(bad, '1')).toThrow(RangeError);
    }
  });
});

describe('withinDecimal', () => {
  it('allows a difference up to the tolerance either way, and no more', () => {
    expect(withinDecimal('8.20', '8.25', '0.05')).toBe(true);
    expect(withinDecimal('8.25', '8.20', '0.05')).toBe(true);
    expect(withinDecimal('8.20', '8.26', '0.05')).toBe(false);
    expect(withinDecimal('475', '474.9', '1')).toBe(true);
  });
});
