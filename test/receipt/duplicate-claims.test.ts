import { describe, expect, it } from 'vitest';
import { duplicateBasis, duplicateClaimValidation, findDuplicateClaims, identifierSkeleton, mayRepeat, type ClaimKey } from '../../extractors/checks/duplicate-claims.js';
import { reviewNeeded } from '../../extractors/checks/validate-receipt.js';

function key(documentId: number, values: Partial<Omit<ClaimKey, 'documentId'>> = {}): ClaimKey {
  return { documentId, vendorTaxId: null, vendorName: null, invoiceNumber: null, date: null, total: null, ...values };
}

const SHOP = { vendorTaxId: '000306020352', vendorName: 'UNIHAKKA INTERNATIONAL SDN BHD' };

describe('duplicate claims: when two receipts are one purchase', () => {
  it('takes the same receipt number of one seller, on the same day or for the same total, for one purchase', () => {
    const original = key(1, { ...SHOP, invoiceNumber: 'OR18012601160207', date: '2018-01-26', total: '8.70' });
    expect(duplicateBasis(key(2, { ...SHOP, invoiceNumber: 'OR18012601160207', date: '2018-01-26', total: '8.70' }), original)).toBe('invoice_number');
    // The copy's total was not read: the date still agrees.
    expect(duplicateBasis(key(2, { ...SHOP, invoiceNumber: 'OR18012601160207', date: '2018-01-26' }), original)).toBe('invoice_number');
    // The copy's tax id was not read, its name was: the same seller by name.
    expect(duplicateBasis(key(2, { vendorName: 'UNIHAKKA  international sdn bhd', invoiceNumber: 'OR18012601160207', total: '8.7' }), original)).toBe('invoice_number');
  });

  it('reads two scans of one slip as one purchase through the look-alikes OCR swaps and a character it lost', () => {
    // Pairs read from sroie-dev receipts and a copy of each turned by 2 degrees.
    const scans: [Partial<ClaimKey>, Partial<ClaimKey>][] = [
      [{ invoiceNumber: 'QR18030502160349' }, { invoiceNumber: 'OR18030502160349' }],
      [{ invoiceNumber: '0R18032902170347' }, { invoiceNumber: 'OR18032902170347' }],
      [{ invoiceNumber: '002-1550040' }, { invoiceNumber: 'C02-1550040' }],
      [{ invoiceNumber: 'P0S01/00012379' }, { invoiceNumber: 'P0S01/000123/9' }],
      [{ invoiceNumber: '01-143008' }, { invoiceNumber: '01-14300' }],
      [{ invoiceNumber: '0000000011000136498' }, { invoiceNumber: '000000011000136498' }],
      // The seller's tax id cut short on one of them.
      [{ vendorTaxId: '002017394688', invoiceNumber: '2018030610100080498' }, { vendorTaxId: '0020173946', invoiceNumber: '2018030610100080498' }],
    ];
    for (const [a, b] of scans) {
      const base = { vendorName: 'ABC HO TRADING', date: '2019-01-09', total: '31.00' };
      expect(duplicateBasis(key(2, { ...base, ...b }), key(1, { ...base, ...a })), JSON.stringify([a, b])).toBe('invoice_number');
    }
    // A name that differs only in punctuation is the same seller: `SDN. BHD` and `SDN. BHD.`.
    expect(duplicateBasis(key(2, { vendorName: 'S.H.H. MOTOR SDN. BHD.', date: '2019-01-23', total: '20.00' }), key(1, { vendorName: 'S.H.H. MOTOR SDN. BHD', date: '2019-01-23', total: '20.00' }))).toBe(
      'seller_date_total',
    );
    expect(identifierSkeleton('CS-0207 / B')).toBe(identifierSkeleton('cs0207b'));
  });

  it('takes the same long number on the same day or for the same total for one slip, whatever its seller was read as', () => {
    const original = key(1, { ...SHOP, invoiceNumber: 'OR18032702170334', date: '2018-03-27', total: '6.90' });
    // A smaller scan: the tax id misread and the date lost.
    expect(duplicateBasis(key(2, { vendorTaxId: '0000658105584', vendorName: SHOP.vendorName, invoiceNumber: 'OR18032702170334', total: '6.90' }), original)).toBe('invoice_number');
    // A short number does not carry that weight: another seller's `0012` on that day.
    const short = key(1, { ...SHOP, invoiceNumber: '0012', date: '2018-03-27', total: '6.90' });
    expect(duplicateBasis(key(2, { vendorTaxId: '000999999999', invoiceNumber: '0012', date: '2018-03-27', total: '6.90' }), short)).toBeNull();
    // Nor does a long number on another day.
    expect(duplicateBasis(key(2, { ...SHOP, invoiceNumber: 'OR18032702170334', date: '2018-03-28', total: '6.90' }), original)).toBeNull();
  });

  it('takes a seller name read a letter apart for the same seller, as the seller consensus does', () => {
    const original = key(1, { vendorName: 'INDAH GIFT & HOME DECO', date: '2018-10-19', total: '60.30' });
    expect(duplicateBasis(key(2, { vendorName: 'INDAH GIFT & HONE DECO', date: '2018-10-19', total: '60.30' }), original)).toBe('seller_date_total');
    expect(duplicateBasis(key(2, { vendorName: 'INDAH GIFT & HOME DECOR CENTRE', date: '2018-10-19', total: '60.30' }), original)).toBeNull();
    // A name under 8 letters and digits must be read the same.
    expect(duplicateBasis(key(2, { vendorName: 'KEDAI A', date: '2018-10-19', total: '60.30' }), key(1, { vendorName: 'KEDAI B', date: '2018-10-19', total: '60.30' }))).toBeNull();
    expect(duplicateBasis(key(2, { vendorName: 'KEDAI A', date: '2018-10-19', total: '60.30' }), key(1, { vendorName: 'Kedai  A.', date: '2018-10-19', total: '60.30' }))).toBe('seller_date_total');
  });

  it('keeps apart the next receipt of a till, and a number that lost a character unless all else agrees', () => {
    const base = { ...SHOP, date: '2018-01-26', total: '8.70' };
    // Consecutive numbers differ by a digit no look-alike covers.
    for (const [a, b] of [['CS0207', 'CS0208'], ['CS0209', 'CS0210'], ['1999', '2000'], ['CS0150', 'CS0151']]) {
      expect(duplicateBasis(key(2, { ...base, invoiceNumber: b }), key(1, { ...base, invoiceNumber: a })), `${a} ${b}`).toBeNull();
    }
    expect(duplicateBasis(key(2, { ...SHOP, invoiceNumber: '01-14300', date: '2018-01-26' }), key(1, { ...base, invoiceNumber: '01-143008' }))).toBeNull();
    expect(duplicateBasis(key(2, { ...base, vendorTaxId: '000306020999', invoiceNumber: '01-14300' }), key(1, { ...base, invoiceNumber: '01-143008' }))).toBeNull();
    // A tax id cut to under eight characters says nothing.
    expect(duplicateBasis(key(2, { ...base, vendorTaxId: '0003060' }), key(1, { ...base }))).toBeNull();
  });

  it('never takes a shop receipt number alone: tills restart their count, and other sellers use the same numbers', () => {
    const original = key(1, { ...SHOP, invoiceNumber: '0012', date: '2018-01-26', total: '8.70' });
    // Another day, another total: the till's count restarted.
    expect(duplicateBasis(key(2, { ...SHOP, invoiceNumber: '0012', date: '2018-01-27', total: '15.00' }), original)).toBeNull();
    // Another seller's receipt 0012 on the same day.
    expect(duplicateBasis(key(2, { vendorTaxId: '000123456789', vendorName: 'OTHER SHOP', invoiceNumber: '0012', date: '2018-01-26', total: '8.70' }), original)).toBeNull();
    // No seller on the copy, so nothing ties the number to this shop.
    expect(duplicateBasis(key(2, { invoiceNumber: '0012', date: '2018-01-26', total: '8.70' }), original)).toBeNull();
    // Only the number agrees; the copy carries no date or total to back it.
    expect(duplicateBasis(key(2, { ...SHOP, invoiceNumber: '0012' }), original)).toBeNull();
  });

  it('takes a Taiwan uniform invoice number on the same day, or from the same seller, for one invoice', () => {
    const original = key(1, { vendorTaxId: '04595257', vendorName: '全聯實業股份有限公司', invoiceNumber: 'AB12345678', date: '2024-02-04', total: '1050' });
    // The seller's tax id was not read on the copy: the number and the day are enough (issued once per period).
    expect(duplicateBasis(key(2, { invoiceNumber: 'AB12345678', date: '2024-02-04' }), original)).toBe('invoice_number');
    expect(duplicateBasis(key(2, { vendorTaxId: '04595257', invoiceNumber: 'AB12345678' }), original)).toBe('invoice_number');
    // The same number and total with no date: a number recurring in another period with the same total
    // is no coincidence to reckon with. The number alone is not enough.
    expect(duplicateBasis(key(2, { invoiceNumber: 'AB12345678', total: '1050' }), original)).toBe('invoice_number');
    expect(duplicateBasis(key(2, { invoiceNumber: 'AB12345678' }), original)).toBeNull();
    // The same number two years on is another period's invoice.
    expect(duplicateBasis(key(2, { invoiceNumber: 'AB12345678', date: '2026-02-04' }), original)).toBeNull();
  });

  it('takes the same seller, date and total for one purchase when at most one carries a receipt number', () => {
    const original = key(1, { ...SHOP, invoiceNumber: 'OR18012601160207', date: '2018-01-26', total: '8.70' });
    expect(duplicateBasis(key(2, { ...SHOP, date: '2018-01-26', total: '8.7' }), original)).toBe('seller_date_total');
    expect(duplicateBasis(key(2, { vendorName: SHOP.vendorName, date: '2018-01-26', total: '008.70' }), original)).toBe('seller_date_total');
  });

  it('keeps apart receipts whose numbers, dates, totals or seller tax ids differ, and those with nothing to compare', () => {
    const original = key(1, { ...SHOP, invoiceNumber: 'OR18012601160207', date: '2018-01-26', total: '8.70' });
    // Two coffees at one shop, one day, each with its own receipt number.
    expect(duplicateBasis(key(2, { ...SHOP, invoiceNumber: 'OR18012601160208', date: '2018-01-26', total: '8.70' }), original)).toBeNull();
    expect(duplicateBasis(key(2, { ...SHOP, invoiceNumber: 'OR18012601160207', date: '2018-01-26', total: '9.70' }), original)).toBeNull();
    expect(duplicateBasis(key(2, { ...SHOP, date: '2018-01-25', total: '8.70' }), original)).toBeNull();
    expect(duplicateBasis(key(2, { vendorTaxId: '000306020353', vendorName: SHOP.vendorName, date: '2018-01-26', total: '8.70' }), original)).toBeNull();
    // The same day and total at an unknown seller; and a zero total.
    expect(duplicateBasis(key(2, { date: '2018-01-26', total: '8.70' }), original)).toBeNull();
    expect(duplicateBasis(key(2, { ...SHOP, date: '2018-01-26', total: '0.00' }), key(1, { ...SHOP, date: '2018-01-26', total: '0' }))).toBeNull();
    expect(duplicateBasis(key(2), key(1))).toBeNull();
  });

  it('names for each later document the earliest one it repeats, and never an earlier document a later one', () => {
    const a = key(3, { ...SHOP, date: '2018-01-26', total: '8.70' });
    const b = key(7, { ...SHOP, date: '2018-01-26', total: '8.70' });
    const c = key(9, { ...SHOP, date: '2018-01-26', total: '8.70' });
    const claims = findDuplicateClaims([
      { later: c, earlier: b },
      { later: c, earlier: a },
      { later: b, earlier: a },
      { later: a, earlier: c }, // not earlier: ignored
    ]);
    expect(claims).toEqual([
      { documentId: 7, duplicateOf: 3, basis: 'seller_date_total' },
      { documentId: 9, duplicateOf: 3, basis: 'seller_date_total' },
    ]);
  });

  it('flags a photo without a number that matches two numbered purchases, but never makes it the original of the second', () => {
    const first = key(1, { ...SHOP, invoiceNumber: 'CS0207', date: '2018-01-26', total: '8.70' });
    const photo = key(2, { ...SHOP, date: '2018-01-26', total: '8.70' });
    const second = key(3, { ...SHOP, invoiceNumber: 'CS0208', date: '2018-01-26', total: '8.70' });
    const pairs = [
      { later: photo, earlier: first },
      { later: second, earlier: first },
      { later: second, earlier: photo },
    ];
    expect(findDuplicateClaims(pairs)).toEqual([{ documentId: 2, duplicateOf: 1, basis: 'seller_date_total' }]);
    // A photo that matches one numbered receipt only is that receipt's copy, whichever came first.
    expect(findDuplicateClaims([{ later: second, earlier: photo }])).toEqual([{ documentId: 3, duplicateOf: 2, basis: 'seller_date_total' }]);
  });

  it('looks only at pairs that share a stored number, a date and total, or a seller tax id and date where a total was lost', () => {
    const a = key(1, { ...SHOP, invoiceNumber: 'OR1', date: '2018-01-26', total: '8.70' });
    expect(mayRepeat(key(2, { invoiceNumber: 'OR1' }), a)).toBe(true);
    expect(mayRepeat(key(2, { date: '2018-01-26', total: '8.7' }), a)).toBe(true);
    expect(mayRepeat(key(2, { vendorTaxId: SHOP.vendorTaxId, date: '2018-01-26' }), a)).toBe(true);
    // The seller's receipts of one amount (a toll road's) are no pairs to look at, dated or not.
    expect(mayRepeat(key(2, { vendorTaxId: SHOP.vendorTaxId, total: '8.70' }), a)).toBe(false);
    expect(mayRepeat(key(2, { vendorTaxId: SHOP.vendorTaxId, date: '2018-01-27', total: '8.70' }), a)).toBe(false);
    expect(mayRepeat(key(2, { vendorTaxId: SHOP.vendorTaxId, date: '2018-01-26', total: '9.70' }), a)).toBe(false);
    // A look-alike number with nothing else shared is not looked at: the store could not join on it.
    expect(mayRepeat(key(2, { invoiceNumber: 'QR1', date: '2018-01-26' }), a)).toBe(false);
    expect(findDuplicateClaims([{ later: key(2, { ...SHOP, invoiceNumber: 'QR1', date: '2018-01-26' }), earlier: a }])).toHaveLength(1);
    expect(findDuplicateClaims([{ later: key(2, { vendorName: SHOP.vendorName, invoiceNumber: 'QR1', date: '2018-01-26' }), earlier: a }])).toEqual([]);
  });

  it('notes a claim as a failed check that sends the record to review, naming the earlier document and its file', () => {
    const earlier = { ...key(3, { ...SHOP, invoiceNumber: 'OR18012601160207', date: '2018-01-26', total: '8.70' }), sourceFile: '/inbox/scan-0001.pdf' };
    const byNumber = duplicateClaimValidation({ documentId: 7, duplicateOf: 3, basis: 'invoice_number' }, earlier);
    expect(byNumber).toEqual({
      check: 'duplicate_claim',
      passed: false,
      detail: 'same invoice number OR18012601160207 as document 3 (/inbox/scan-0001.pdf): the same purchase stored twice?',
      fields: ['invoiceNumber'],
    });
    const bySeller = duplicateClaimValidation({ documentId: 7, duplicateOf: 3, basis: 'seller_date_total' }, earlier);
    expect(bySeller.detail).toBe('same seller, date 2018-01-26 and total 8.70 as document 3 (/inbox/scan-0001.pdf): the same purchase stored twice?');
    expect(reviewNeeded([`${bySeller.check}: ${bySeller.detail}`], [bySeller])).toBe(true);
  });
});

describe('reviewNeeded', () => {
  it('sends a record to review for any reason but a failed informational check', () => {
    const lines = { check: 'lines_sum_to_subtotal', passed: false, detail: 'items 9.00, subtotal 10.00', fields: ['subtotal'] };
    expect(reviewNeeded([`${lines.check}: ${lines.detail}`], [lines])).toBe(false);
    expect(reviewNeeded([`${lines.check}: ${lines.detail}`, 'missing_total'], [lines])).toBe(true);
    expect(reviewNeeded([], [lines])).toBe(false);
  });
});
