import { describe, expect, it } from 'vitest';
import { allowedSlips, vendorConsensus, withConsensus, type VendorReading } from '../../extractors/checks/vendor-consensus.js';
import { ReceiptRecord } from '../../schemas/receipt.js';
import { receiptRecord } from './helpers.js';

const speedMart = '000181747712';

function reading(id: string, vendorName: string | null, vendorAddress: string | null = null, vendorTaxId: string | null = speedMart): VendorReading<string> {
  return { id, vendorTaxId, vendorName, vendorAddress };
}

/** Applies `vendorConsensus` to the readings, as the store does. */
function applied(readings: VendorReading<string>[]): VendorReading<string>[] {
  const changes = vendorConsensus(readings);
  return readings.map((r) => {
    const next = { ...r };
    for (const c of changes.filter((x) => x.id === r.id)) next[c.field] = c.to;
    return next;
  });
}

describe('seller consensus (receipts of one tax id)', () => {
  it('sets a name read a slip away to the one the seller’s other receipts agree on', () => {
    const changes = vendorConsensus([reading('a', 'LIAN HING STATIONERY'), reading('b', 'LIAN HING STATIONERY'), reading('c', 'LIAN HING STATIONERY'), reading('d', 'LAN HING STATIONERY')]);
    expect(changes).toEqual([{ id: 'd', field: 'vendorName', taxId: speedMart, from: 'LAN HING STATIONERY', to: 'LIAN HING STATIONERY', agreeing: 3 }]);
  });

  it('never changes a digit or a Han character: they tell a seller’s outlets apart', () => {
    // `9 SPEED MART` is one letter from `99 SPEED MART`, but a number may be a branch's.
    expect(vendorConsensus([reading('a', '99 SPEED MART S/B'), reading('b', '99 SPEED MART S/B'), reading('c', '99 SPEED MART S/B'), reading('d', '9 SPEED MART S/B')])).toEqual([]);
    expect(vendorConsensus([reading('a', 'KEDAI MAJU (SS2)'), reading('b', 'KEDAI MAJU (SS2)'), reading('c', 'KEDAI MAJU (SS15)')])).toEqual([]);
    const street = ['a', 'b', 'c'].map((id) => reading(id, 'KEDAI MAJU SDN BHD', 'NO 12, JALAN BESAR, 81100 JOHOR BAHRU'));
    expect(vendorConsensus([...street, reading('d', 'KEDAI MAJU SDN BHD', 'NO 14, JALAN BESAR, 81100 JOHOR BAHRU')])).toEqual([]);
    // One chain's stores share its 統一編號 and differ by a character of the store's name.
    const chain = ['a', 'b', 'c'].map((id) => reading(id, '全家便利商店股份有限公司松仁門市', null, '16606102'));
    expect(vendorConsensus([...chain, reading('d', '全家便利商店股份有限公司松山門市', null, '16606102')])).toEqual([]);
    // Spacing and Latin letters around them are still a slip.
    expect(vendorConsensus([...chain, reading('d', '全家便利商店股份有限公司 松仁門市', null, '16606102')]).map((c) => c.to)).toEqual(['全家便利商店股份有限公司松仁門市']);
  });

  it('corrects spacing the same way, and addresses as well as names', () => {
    const agreed = '12, JALAN TAMPOI 7/4,KAWASAN PERINDUSTRIAN TAMPOI,81200 JOHOR BAHRU,JOHOR';
    const changes = vendorConsensus([
      reading('a', 'UNIHAKKA INTERNATIONAL SDN BHD', agreed),
      reading('b', 'UNIHAKKA INTERNATIONAL SDN BHD', agreed),
      reading('c', 'UNIHAKKA INTERNATIONAL SDN BHD', '12, JALAN TAMPOI 7/4,KAWASAN PERINDUSTRIAN TAMPOI,81200 JOHOR BAHRU, JOHOR'),
      reading('d', 'MR.D.I.Y. SDN BHD', agreed, 'other'),
    ]);
    expect(changes.map((c) => [c.id, c.field, c.to])).toEqual([['c', 'vendorAddress', agreed]]);
  });

  it('keeps a reading that differs by more than OCR slips: another branch, another layout of the same shop', () => {
    const branch = vendorConsensus([
      reading('a', '99 SPEED MART S/B', 'LOT P.T. 2811, JALAN ANGSA, TAMAN BERKELEY 41150 KLANG, SELANGOR 1076-IJOK'),
      reading('b', '99 SPEED MART S/B', 'LOT P.T. 2811, JALAN ANGSA, TAMAN BERKELEY 41150 KLANG, SELANGOR 1076-IJOK'),
      reading('c', '99 SPEED MART S/B', 'LOT P.T. 2811, JALAN ANGSA, TAMAN BERKELEY 41150 KLANG, SELANGOR 1317 TRILLIUM SG BESI'),
      reading('d', '99 SPEED MART S/B', '3 FLOOR, AEON TAMAN MALURI SC JLN JEJAKA, TAMAN MALURI CHERAS'),
      reading('e', '99 SPEED MART S/B', '3RD FLR, AEON TAMAN MALURI SC JLN JEJAKA, TAMAN MALURI CHERAS'),
      reading('f', '99 SPEED MART S/B', '3RD FLR, AEON TAMAN MALURI SC JLN JEJAKA, TAMAN MALURI CHERAS'),
    ]);
    expect(branch).toEqual([]);
    // A short name may differ in spacing and case only: `KFC` and `KFG` are not one name's slips.
    expect(allowedSlips('KFC')).toBe(0);
    expect(allowedSlips('9 SPEED MART S/B')).toBe(1);
    expect(allowedSlips('12, JALAN TAMPOI 7/4,KAWASAN PERINDUSTRIAN TAMPOI')).toBe(2);
    expect(vendorConsensus([reading('a', 'KFC'), reading('b', 'KFC'), reading('c', 'KFG')])).toEqual([]);
    expect(vendorConsensus([reading('a', 'KFC'), reading('b', 'KFC'), reading('c', 'K F C')]).map((c) => c.to)).toEqual(['KFC']);
  });

  it("keeps the name of a receipt from another layout of the seller's, where it may be printed differently", () => {
    // sroie-dev: three AEON slips print `3RD FLR` and `BHD`; another layout prints `3 FLOOR` and `BHD.`.
    const usual = '3RD FLR, AEON TAMAN MALURI SC JLN JEJAKA, TAMAN MALURI CHERAS, 55100 KUALA LUMPUR';
    const aeon = (id: string, name: string, address: string | null) => reading(id, name, address, '002017394688');
    const layouts = [aeon('a', 'AEON CO. (M) BHD', usual), aeon('b', 'AEON CO. (M) BHD', usual), aeon('c', 'AEON CO. (M) BHD', usual)];
    expect(vendorConsensus([...layouts, aeon('d', 'AEON CO. (M) BHD.', '3 FLOOR, AEON TAMAN MALURI SC JLN JEJAKA, TAMAN MALURI CHERAS, 55100 KUALA LUMPUR')])).toEqual([]);
    // The usual layout's slip is still corrected: its address read as usual, a slip of it, the usual one
    // with a branch's name under it, or not read at all.
    for (const address of [usual, usual.replace('JEJAKA', 'JE JAKA'), `${usual}, AEON MALURI`, null]) {
      expect(vendorConsensus([...layouts, aeon('d', 'AEON CO. (M) BHD.', address)]).filter((c) => c.field === 'vendorName').map((c) => c.to)).toEqual(['AEON CO. (M) BHD']);
    }
  });

  it('needs two receipts behind the agreed value and more than behind the reading: a pair, a tie or three readings stay', () => {
    expect(vendorConsensus([reading('a', 'LIAN HING STATIONERY'), reading('b', 'LAN HING STATIONERY')])).toEqual([]);
    expect(vendorConsensus([reading('a', 'LIAN HING STATIONERY'), reading('b', 'LIAN HING STATIONERY'), reading('c', 'LAN HING STATIONERY'), reading('d', 'LAN HING STATIONERY')])).toEqual([]);
    expect(vendorConsensus([reading('a', 'NO.59 JALAN PERMAS 9/5'), reading('b', 'NO.59 JALAN PERMAS 9/56'), reading('c', 'NO.59 JALAN PERMAS 9/6')])).toEqual([]);
  });

  it('takes no part without a tax id, and never mixes two tax ids', () => {
    const names = ['LIAN HING STATIONERY', 'LIAN HING STATIONERY', 'LAN HING STATIONERY'];
    expect(vendorConsensus(names.map((name, i) => reading(`r${i}`, name, null, null)))).toEqual([]);
    expect(vendorConsensus(names.map((name, i) => reading(`r${i}`, name, null, i < 2 ? 'x' : 'y')))).toEqual([]);
    // The same three under one tax id: corrected.
    expect(vendorConsensus(names.map((name, i) => reading(`r${i}`, name, null, 'x'))).map((c) => c.id)).toEqual(['r2']);
  });

  it("takes a tax id one character off a known seller's for that seller's, when the receipt names it as they agree", () => {
    const unihakka = 'UNIHAKKA INTERNATIONAL SDN BHD';
    const known = ['a', 'b', 'c'].map((id) => reading(id, unihakka, '12, JALAN TAMPOI 7/4', '000656195584'));
    const slip = reading('d', unihakka, '12 JALAN TAMPOI 7/4', '000658195584');
    expect(vendorConsensus([...known, slip])).toEqual([
      { id: 'd', field: 'vendorTaxId', taxId: '000656195584', from: '000658195584', to: '000656195584', agreeing: 3 },
      // Now one of the seller's receipts, its address follows theirs too.
      { id: 'd', field: 'vendorAddress', taxId: '000656195584', from: '12 JALAN TAMPOI 7/4', to: '12, JALAN TAMPOI 7/4', agreeing: 3 },
    ]);
    // Another name, a tax id two characters off, or an id three receipts carry: each stays.
    expect(vendorConsensus([...known, reading('d', 'TAMPOI TRADING', null, '000658195584')])).toEqual([]);
    expect(vendorConsensus([...known, reading('d', unihakka, null, '000658195585')])).toEqual([]);
    const other = ['d', 'e', 'f'].map((id) => reading(id, unihakka, '12, JALAN TAMPOI 7/4', '000658195584'));
    expect(vendorConsensus([...known, ...other])).toEqual([]);
  });

  it('never changes a value read exactly (QR code, text layer), which still votes', () => {
    const names = ['LIAN HING STATIONERY', 'LIAN HING STATIONERY', 'LAN HING STATIONERY'];
    // The odd one out came from a PDF's text layer: it is what was printed.
    const exactOdd = names.map((name, i) => ({ ...reading(`r${i}`, name), ...(i === 2 ? { exact: ['vendorName' as const] } : {}) }));
    expect(vendorConsensus(exactOdd)).toEqual([]);
    // Exact readings vote: two of them outweigh an OCR reading.
    const exactPair = ['LAN HING STATIONERY', 'LAN HING STATIONERY', 'LIAN HING STATIONERY'].map((name, i) => ({ ...reading(`r${i}`, name), ...(i < 2 ? { exact: ['vendorName' as const] } : {}) }));
    expect(vendorConsensus(exactPair).map((c) => [c.id, c.to])).toEqual([['r2', 'LAN HING STATIONERY']]);
    // A QR code's tax id one digit off a known seller's is another company's.
    const known = ['a', 'b', 'c'].map((id) => reading(id, 'UNIHAKKA INTERNATIONAL SDN BHD', null, '000656195584'));
    expect(vendorConsensus([...known, { ...reading('d', 'UNIHAKKA INTERNATIONAL SDN BHD', null, '000658195584'), exact: ['vendorTaxId'] }])).toEqual([]);
  });

  it('settles a tie a correction breaks, and a second pass finds nothing to change', () => {
    // `SON BHD` is a slip of the agreed name only; once it joins, the agreed name outnumbers `SDN BND`
    // (a slip of the agreed name, two letters from `SON BHD`), which then follows.
    const readings = [
      reading('a', 'SPEED MART SDN BHD'),
      reading('b', 'SPEED MART SDN BHD'),
      reading('c', 'SPEED MART SDN BND'),
      reading('d', 'SPEED MART SDN BND'),
      reading('e', 'SPEED MART SON BHD'),
    ];
    const once = applied(readings);
    expect(once.map((r) => r.vendorName)).toEqual(Array(5).fill('SPEED MART SDN BHD'));
    expect(vendorConsensus(once)).toEqual([]);
  });

  it('puts the correction in the record with a note, keeping the evidence of what was read', () => {
    const record = receiptRecord({
      vendorName: { value: 'LAN HING STATIONERY', confidence: 0.77, source: 'rules', evidence: { page: 1, text: 'LAN HING STATIONERY (162761-M)' } },
      vendorTaxId: { value: speedMart, confidence: 0.9, source: 'rules' },
    });
    const changes = vendorConsensus([reading('a', 'LIAN HING STATIONERY'), reading('b', 'LIAN HING STATIONERY'), reading('me', 'LAN HING STATIONERY')]);
    const out = withConsensus('me', record, changes);
    expect(out.fields.vendorName).toEqual({ value: 'LIAN HING STATIONERY', confidence: 0.77, source: 'rules', evidence: { page: 1, text: 'LAN HING STATIONERY (162761-M)' } });
    expect(out.validations).toEqual([
      { check: 'vendor_consensus', passed: true, detail: `read "LAN HING STATIONERY"; 2 other receipts of seller ${speedMart} give the name "LIAN HING STATIONERY"`, fields: ['vendorName'] },
    ]);
    expect(ReceiptRecord.parse(out)).toEqual(out);
    expect(withConsensus('a', record, changes)).toBe(record);
  });
});
