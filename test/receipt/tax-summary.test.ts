import { describe, expect, it } from 'vitest';
import { buildRows } from '../../extractors/receipt/layout.js';
import { readTaxSummary } from '../../extractors/receipt/tax-summary.js';
import { findTotals } from '../../extractors/receipt/totals.js';
import { page } from './helpers.js';

const summaryOf = (lines: Parameters<typeof page>[0]) => readTaxSummary(buildRows([page(lines)]));

describe('GST summary table', () => {
  it('reads the tax of each rate row and adds them up', () => {
    const s = summaryOf(['TOTAL||37.10', 'CASH||50.00', 'GST Summary Amt (RM) Tax(RM)', 'GST S@6% 35.00||2.10', 'Z = 0% 2.00||0.00']);
    expect(s?.tax).toBe('2.10');
    expect(s?.taxRows.map((r) => [r.rate, r.net, r.tax])).toEqual([
      ['6', '35.00', '2.10'],
      ['0', '2.00', '0.00'],
    ]);
  });

  it('reads the rate as a bare column before the amount (SR 6 106.10 6.37, SR 6.00 26.00 1.56)', () => {
    expect(summaryOf(['GST SUMMARY', 'Tax Code % Amount GST', 'SR 6 106.10||6.37', 'Total : 106.10||6.37'])?.tax).toBe('6.37');
    expect(summaryOf(['GST SUMMARY', 'TAX CODE % AMOUNT TAX', 'SR 6.00 26.00||1.56'])?.tax).toBe('1.56');
  });

  it('believes a row only when its tax is the rate of its amount (a misread figure is never the tax)', () => {
    expect(summaryOf(['GST Summary Amount Tax', 'SR @ 6% 70.75||4.25'])?.tax).toBe('4.25');
    expect(summaryOf(['GST Summary Amount Tax', 'SR @ 6% 70.75||9.25'])).toBeNull();
    // No summary title, no summary.
    expect(summaryOf(['SR @ 6% 70.75||4.25'])).toBeNull();
  });

  it('allows the few sen a slip drifts by taxing each item, and trusts no table with a misread row', () => {
    expect(summaryOf(['GSTSummary Amount(RM) GST(RM)', 'S=GST @6%: 122.00||7.30', 'Z=GST @0%: 0.00||0.00'])?.tax).toBe('7.30');
    // The 6% row misread: the 0% row alone would say the tax is 0.00.
    expect(summaryOf(['GSTSummary Amount(RM) GST(RM)', 'S=GST @6%: 122.00||1.30', 'Z=GST @0%: 0.00||0.00'])).toBeNull();
  });

  it('keeps a service charge row apart from the tax', () => {
    const s = summaryOf(['Tax Summary Amount Tax', 'SVC SERVICE CHARGE 10 150.00||15.00', 'SR GST6% 165.00||9.90']);
    expect(s?.tax).toBe('9.90');
    expect(s?.serviceCharges.map((r) => r.tax)).toEqual(['15.00']);
  });

  it('gives the receipt its tax when only the summary prints it, and the summary service charge to the sum check', () => {
    const r = findTotals(buildRows([page(['1 SUB TOTAL||150.00', 'SERVICE CHARGE 10% 15 0)', 'GST 6%', 'NET TOTAL||174.90', 'CASH||200.00', 'CHANGE||25.10', 'Tax Summary Amount Tax', 'SVC SERVICE CHARGE 10 150.00||15.00', 'SR GST6% 165.00||9.90'])]));
    expect(r.tax?.value).toBe('9.90');
    expect(r.charges.map((c) => c.value)).toEqual(['15.00', '9.90']);
    expect(r.total?.value).toBe('174.90');
  });
});
