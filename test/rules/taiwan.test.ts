import { describe, expect, it } from 'vitest';
import {
  compactInvoiceNumber,
  findInvoiceNumbers,
  findInvoicePeriod,
  findTaxIds,
  inInvoicePeriod,
  isInvoiceNumber,
  isValidTaiwanTaxId,
  parseRocDate,
  parseTaiwanAmount,
  toRocDate,
} from '../../extractors/rules/taiwan.js';

const BEFORE = new Date('2023-03-31T12:00:00+08:00');
const AFTER = new Date('2023-04-01T00:00:00+08:00');

describe('isValidTaiwanTaxId', () => {
  // Digit sums of weights 1,2,1,2,1,2,4,1 (products' digits added):
  //   04595257 → 0+8+5+9+5+4+2+7 = 40     22099131 → 2+4+0+9+9+2+3+1 = 30
  //   10458575 → 1+0+4+1+8+1+(28→10→1 or 0)+5 = 21 or 20 (7th digit 7, the Ministry's example)
  //   12345675 → 1+4+3+8+5+3+(1 or 0)+5 = 30 or 29 (7th digit 7, passes only when 10 counts as 1)
  it.each(['04595257', '22099131', '10458575', '12345675'])('accepts %s under both rules', (id) => {
    expect(isValidTaiwanTaxId(id, BEFORE)).toBe(true);
    expect(isValidTaiwanTaxId(id, AFTER)).toBe(true);
  });

  //   22099136 → 35;  10458570 → 16 or 15 (7th digit 7);  00000005 → 5
  it.each(['22099136', '10458570', '00000005'])('accepts %s only from 2023-04-01 (sum divisible by 5, not by 10)', (id) => {
    expect(isValidTaiwanTaxId(id, BEFORE)).toBe(false);
    expect(isValidTaiwanTaxId(id, AFTER)).toBe(true);
  });

  it('uses the divisible-by-5 rule by default (today)', () => {
    expect(isValidTaiwanTaxId('22099136')).toBe(true);
  });

  it('switches rule at midnight Taiwan time', () => {
    expect(isValidTaiwanTaxId('22099136', new Date('2023-03-31T15:59:59Z'))).toBe(false);
    expect(isValidTaiwanTaxId('22099136', new Date('2023-03-31T16:00:00Z'))).toBe(true);
  });

  //   22099132 → 31;  12345678 → 1+4+3+8+5+3+(28: 7th digit is 7 → 1/0)+8 = 33/32;  10458576 → 22/21
  it.each(['22099132', '12345678', '10458576', '04595258'])('rejects %s under both rules', (id) => {
    expect(isValidTaiwanTaxId(id, BEFORE)).toBe(false);
    expect(isValidTaiwanTaxId(id, AFTER)).toBe(false);
  });

  it.each(['', '0459525', '045952570', '0459525A', '00000000', '0459 5257'])('rejects the malformed %j', (id) => {
    expect(isValidTaiwanTaxId(id, AFTER)).toBe(false);
  });

  it('reads full-width digits and surrounding spaces', () => {
    expect(isValidTaiwanTaxId('０４５９５２５７', AFTER)).toBe(true);
    expect(isValidTaiwanTaxId(' 22099131 ', AFTER)).toBe(true);
  });
});

describe('findTaxIds', () => {
  it('tells seller from buyer by the label on an e-invoice line', () => {
    expect(findTaxIds('賣方 22099131  買方 04595257', { onDate: AFTER })).toEqual([
      { id: '22099131', role: 'seller', label: '賣方', index: 0, valid: true },
      { id: '04595257', role: 'buyer', label: '買方', index: 13, valid: true },
    ]);
  });

  it('reads 統一編號/統編 with full-width colons and digits, and English labels', () => {
    const text = ['範例商行', '統一編號：２２０９９１３１', '買方統編:04595257', '賣方統一編號 10458575', 'Tax ID No. 12345678', 'SELLER TAX ID: 22099131'].join('\n');
    const found = findTaxIds(text, { onDate: AFTER });
    expect(found.map(({ id, role, valid }) => ({ id, role, valid }))).toEqual([
      { id: '22099131', role: 'unspecified', valid: true },
      { id: '04595257', role: 'buyer', valid: true },
      { id: '10458575', role: 'seller', valid: true },
      { id: '12345678', role: 'unspecified', valid: false },
      { id: '22099131', role: 'seller', valid: true },
    ]);
    expect(found[1]!.label).toBe('買方統編');
  });

  it('ignores 8-digit runs without a label, longer runs and labels without a number', () => {
    expect(findTaxIds('電話 22099131')).toEqual([]);
    expect(findTaxIds('統一編號 220991310')).toEqual([]);
    expect(findTaxIds('買受人: 範例股份有限公司')).toEqual([]);
  });
});

describe('invoice numbers', () => {
  it.each(['AB12345678', 'AB-12345678', 'AB 12345678', 'ＡＢ－１２３４５６７８'])('isInvoiceNumber(%j)', (text) => {
    expect(isInvoiceNumber(text)).toBe(true);
  });

  it.each(['ab12345678', 'A12345678', 'AB1234567', 'AB123456789', 'ABC12345678', 'AB--12345678', '1234567890'])('not isInvoiceNumber(%j)', (text) => {
    expect(isInvoiceNumber(text)).toBe(false);
  });

  it('writes an invoice number in its 10 characters (compactInvoiceNumber), leaving anything else as it is', () => {
    expect(compactInvoiceNumber('KV-83920417')).toBe('KV83920417');
    expect(compactInvoiceNumber('ＫＶ－８３９２０４１７')).toBe('KV83920417');
    expect(compactInvoiceNumber('AB 12345678')).toBe('AB12345678');
    expect(compactInvoiceNumber('HW-000193')).toBe('HW-000193');
  });

  it('finds them as printed, in canonical form', () => {
    expect(findInvoiceNumbers('發票號碼：KV-83920417 隨機碼 3851 總計 185\nAB 12345678')).toEqual([
      { value: 'KV83920417', text: 'KV-83920417', index: 5, repaired: false },
      { value: 'AB12345678', text: 'AB 12345678', index: 33, repaired: false },
    ]);
  });

  it('repairs unambiguous OCR confusions', () => {
    expect(findInvoiceNumbers('A8-l2345678').map((m) => [m.value, m.repaired])).toEqual([['AB12345678', true]]);
    expect(findInvoiceNumbers('K0-83920417')[0]?.value).toBe('KO83920417');
    expect(findInvoiceNumbers('KV-8392O417')[0]?.value).toBe('KV83920417');
  });

  it("joins digits a roll printer's wide spacing split, only to exactly 8 and when nothing else matched", () => {
    expect(findInvoiceNumbers('中華民國110年11-12月份 TC 237 47161').map((m) => [m.value, m.repaired])).toEqual([['TC23747161', true]]);
    expect(findInvoiceNumbers('TC 237 4716')).toEqual([]);
    expect(findInvoiceNumbers('AB 1234 5678 KV-83920417').map((m) => m.value)).toEqual(['KV83920417']);
    // A date or time after the letters is not an invoice number.
    expect(findInvoiceNumbers('TX 2021 07-29')).toEqual([]);
  });

  it('leaves ambiguous or digit-only runs alone', () => {
    // A phone number, a 10-digit run, too many repairs, an ambiguous look-alike (G could be 6 or G).
    expect(findInvoiceNumbers('0912345678 1234567890 A8-l2S4S678 KV-83G20417')).toEqual([]);
    // Part of a longer token: a product code, the e-invoice QR text.
    expect(findInvoiceNumbers('XKV83920417 KV839204171130204')).toEqual([]);
  });
});

describe('parseRocDate', () => {
  it.each([
    ['113年02月04日', '2024-02-04'],
    ['113年2月4日', '2024-02-04'],
    ['中華民國113年2月4日', '2024-02-04'],
    ['民國 113 年 2 月 4 日', '2024-02-04'],
    ['113/02/04', '2024-02-04'],
    ['113.2.4', '2024-02-04'],
    ['113-02-04', '2024-02-04'],
    ['１１３／０２／０４', '2024-02-04'],
    ['開立日期：113/02/04 13:45:10', '2024-02-04'],
    ['1130204', '2024-02-04'],
    ['民國99年12月31日', '2010-12-31'],
    ['民國99/12/31', '2010-12-31'],
    ['113/02/29', '2024-02-29'],
    ['89年1月1日', '2000-01-01'],
  ])('%s → %s', (text, iso) => {
    expect(parseRocDate(text)).toBe(iso);
  });

  it.each([
    ['112/02/29', 'not a leap year (2023)'],
    ['113/02/30', 'no February 30'],
    ['113/13/01', 'month 13'],
    ['113/04/31', 'April has 30 days'],
    ['113年00月10日', 'month 0'],
    ['113.2.0', 'day 0'],
    ['2024/02/04', 'a Gregorian year'],
    ['2024年2月4日', 'a Gregorian year with 年'],
    ['13/02/04', 'a two-digit year without 民國 (a day-first date)'],
    ['113/02', 'no day'],
    ['', 'empty'],
  ])('rejects %s (%s)', (text) => {
    expect(parseRocDate(text)).toBeNull();
  });

  it('formats an ISO date back to ROC', () => {
    expect(toRocDate('2024-02-04')).toBe('113/02/04');
    expect(toRocDate('2010-12-31', '.')).toBe('099.12.31');
    expect(toRocDate('2024-02-30')).toBeNull();
  });
});

describe('parseTaiwanAmount', () => {
  it.each([
    ['NT$1,234', '1234'],
    ['NT$ 1,234', '1234'],
    ['1,234元', '1234'],
    ['NTD 1234', '1234'],
    ['TWD 1,234', '1234'],
    ['＄1,234', '1234'],
    ['ＮＴ＄１，２３４', '1234'],
    ['１２３４元', '1234'],
    ['新台幣 1,234 元整', '1234'],
    ['新臺幣1,234,567元', '1234567'],
    ['總計: NT$185', '185'],
    ['NT$12.50', '12.50'],
    ['-NT$30', '-30'],
    ['NT$0', '0'],
  ])('%s → %s', (text, value) => {
    expect(parseTaiwanAmount(text)).toBe(value);
  });

  it.each(['', '元', 'NT$', '2 件 185 元', '113/02/04'])('returns null for %j', (text) => {
    expect(parseTaiwanAmount(text)).toBeNull();
  });
});

describe('findInvoicePeriod', () => {
  it('reads the two-month period in digits or Chinese numerals, with or without the ROC year', () => {
    expect(findInvoicePeriod('中華民國113年11-12月份')).toEqual({ rocYear: 113, months: [11, 12] });
    expect(findInvoicePeriod('113年01-02月')).toEqual({ rocYear: 113, months: [1, 2] });
    expect(findInvoicePeriod('統一發票 三·四月份')).toEqual({ rocYear: null, months: [3, 4] });
    expect(findInvoicePeriod('十一、十二月份')).toEqual({ rocYear: null, months: [11, 12] });
    expect(findInvoicePeriod('１１～１２月')).toEqual({ rocYear: null, months: [11, 12] });
  });

  it('is no period unless an odd month and the next one: dates and ranges are not periods', () => {
    expect(findInvoicePeriod('113年02月04日')).toBeNull();
    expect(findInvoicePeriod('2-3月')).toBeNull();
    expect(findInvoicePeriod('11-13月')).toBeNull();
    expect(findInvoicePeriod('TOTAL 3-4')).toBeNull();
  });

  it('tells a date inside the period from one outside it, year included when printed', () => {
    const period = findInvoicePeriod('113年11-12月份')!;
    expect(inInvoicePeriod('2024-12-06', period)).toBe(true);
    expect(inInvoicePeriod('2024-10-31', period)).toBe(false);
    expect(inInvoicePeriod('2023-12-06', period)).toBe(false);
    expect(inInvoicePeriod('2023-02-06', findInvoicePeriod('三·四月份')!)).toBe(false);
  });
});
