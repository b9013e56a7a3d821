import { describe, expect, it } from 'vitest';
import { buildRows } from '../../extractors/receipt/layout.js';
import { addMoney, findAmounts, parseMoney, subMoney } from '../../extractors/receipt/money.js';
import { classifyLabel, findTotals } from '../../extractors/receipt/totals.js';
import { page } from './helpers.js';

const total = (lines: Parameters<typeof page>[0]) => findTotals(buildRows([page(lines)])).total?.value ?? null;

describe('amounts', () => {
  it('finds amounts with currency, thousands separators and look-alikes', () => {
    expect(findAmounts('TOTAL RM 1,234.50').map((a) => a.value)).toEqual(['1234.50']);
    expect(findAmounts('NETT TOTAL: $8.20').map((a) => a.value)).toEqual(['8.20']);
    expect(findAmounts('ROUNDING -0.02').map((a) => a.value)).toEqual(['-0.02']);
    expect(findAmounts('TOTAL 9.O0').map((a) => a.value)).toEqual(['9.00']);
    expect(findAmounts('DATE 25/12/2018 8:13')).toEqual([]);
  });
  it('adds and subtracts decimal strings exactly', () => {
    expect(addMoney('0.10', '0.20')).toBe('0.30');
    expect(subMoney('10.00', '1.35')).toBe('8.65');
    expect(parseMoney('RM 3.90')).toBe('3.90');
  });
});

describe('label classification', () => {
  it.each([
    ['ROUNDED TOTAL (RM):', 'total'],
    ['TOTAL ROUNDED', 'total'],
    ['GRAND TOTAL', 'total'],
    ['NETT TOTAL', 'total'],
    ['AMOUNT DUE', 'total'],
    ['TOTAL (INCL GST)', 'total'],
    ['總計', 'total'],
    ['SUB TOTAL', 'subtotal'],
    ['TOTAL SALES (EXCLUDING GST)', 'subtotal'],
    ['TOTAL GST', 'tax'],
    ['ROUNDING ADJUSTMENT', 'rounding'],
    ['CASH TENDERED', 'tendered'],
    ['CHANGE DUE', 'change'],
    ['TOTAL QTY', 'other'],
  ])('%s is %s', (label, kind) => {
    expect(classifyLabel(label)?.kind).toBe(kind);
  });
});

describe('findTotals', () => {
  it('takes the rounded total over the unrounded one', () => {
    expect(total(['SUB TOTAL||8.23', 'ROUNDING ADJ||0.02', 'TOTAL||8.23', 'ROUNDED TOTAL||8.25', 'CASH||10.00', 'CHANGE||1.75'])).toBe('8.25');
  });

  it('never takes the cash tendered or the change', () => {
    expect(total(['TOTAL||9.00', 'CASH||50.00', 'CHANGE||41.00'])).toBe('9.00');
  });

  it('ignores the GST summary total printed after the payment lines', () => {
    expect(total(['TOTAL SALES (INCLUSIVE OF GST)||80.90', 'CASH||100.00', 'CHANGE||19.10', 'GST SUMMARY', 'TOTAL : 76.32 4.58'])).toBe('80.90');
  });

  it('uses cash - change to choose between conflicting totals', () => {
    // OCR misread one TOTAL line; the payment arithmetic settles it.
    expect(total(['TOTAL||14.19', 'TOTAL AMOUNT||14.10', 'CASH||20.00', 'CHANGE||5.90'])).toBe('14.10');
  });

  it('reads a value printed on the row below its label', () => {
    expect(total(['ROUNDED TOTAL (RM):', '||9.00', 'CASH||10.00', 'CHANGE||1.00'])).toBe('9.00');
  });

  it('takes an unlabelled amount right under the rounding line as the rounded total', () => {
    expect(total(['TOTAL AMT||60.31', 'ROUNDING ADJ||-0.01', 'RM||60.30', 'CASH||70.30', 'CHANGE||10.00'])).toBe('60.30');
  });

  it('falls back to cash - change when nothing is labelled total', () => {
    expect(total(['ITEM A||5.00', 'CASH||20.00', 'CHANGE||15.00'])).toBe('5.00');
  });

  it('reports subtotal, tax and rounding next to the total', () => {
    const r = findTotals(buildRows([page(['SUB TOTAL||100.00', 'GST 6%||6.00', 'ROUNDING||0.00', 'GRAND TOTAL||106.00'])]));
    expect(r.subtotal?.value).toBe('100.00');
    expect(r.tax?.value).toBe('6.00');
    expect(r.total?.value).toBe('106.00');
  });
});

describe('findTotals: recovering a total OCR lost or misread', () => {
  it('applies the rounding adjustment to the printed total when the rounded line is missing', () => {
    expect(total(['TOTAL AMT||60.31', 'ROUNDING ADJ||-0.01', 'CASH||70.30', 'CHANGE||10.00'])).toBe('60.30');
  });

  it('rebuilds subtotal + tax + rounding when the total line is unreadable', () => {
    expect(total(['SUB TOTAL (RM)||106.10', 'TOTAL GST (RM)||6.37', 'ROUNDING (RM)||-0.02', 'TOTAL (RM) ~~ ##', 'TOTAL||6.37'])).toBe('112.45');
  });

  it('reads a rounding value whose decimal point was lost', () => {
    expect(total(['TOTAL SALES (EXCLUDING GST)||80.91', 'ROUNDING -001', 'TOTAL SALES (INCLUSIVE OF GST)||80.90', 'CASH||100.00', 'CHANGE||19.10'])).toBe('80.90');
  });

  it('treats a mangled TOTAL SALES (...OF GST) line as the total, not as tax', () => {
    expect(total(['Total Sales (Excluding GST)||50.00', 'Total SaJss-{aclusive of GST)||53.00'])).toBe('53.00');
  });
});
