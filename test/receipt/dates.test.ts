import { describe, expect, it } from 'vitest';
import { findDates, parseDate, repairYear } from '../../extractors/receipt/dates.js';
import { buildRows } from '../../extractors/receipt/layout.js';
import { page } from './helpers.js';

const now = new Date('2024-06-30T00:00:00Z');

describe('parseDate: every printed form', () => {
  it.each([
    ['25/12/2018', '2018-12-25'],
    ['11/03/18', '2018-03-11'],
    ['14-03-2018', '2018-03-14'],
    ['2018-03-14', '2018-03-14'],
    ['14 Mar 2018', '2018-03-14'],
    ['14 MAR 18', '2018-03-14'],
    ['Mar 14, 2018', '2018-03-14'],
    ['14.03.2018', '2018-03-14'],
    ['20180304', '2018-03-04'],
    ['5/3/2018', '2018-03-05'],
    ['113年02月04日', '2024-02-04'],
  ])('%s → %s', (text, iso) => {
    expect(parseDate(text, { now })).toBe(iso);
  });

  it('reads month-first when the day-first reading is impossible (12/28/2017)', () => {
    expect(parseDate('12/28/2017', { now })).toBe('2017-12-28');
  });

  it('follows the locale for ambiguous dates', () => {
    expect(parseDate('03/04/2018', { now, locale: 'MY' })).toBe('2018-04-03');
    expect(parseDate('03/04/2018', { now, locale: 'US' })).toBe('2018-03-04');
  });

  it('reads a Western year written with 年月日 as that year, not as an ROC year (2024年1月5日)', () => {
    expect(parseDate('2024年1月5日', { now, locale: 'TW' })).toBe('2024-01-05');
    expect(parseDate('日期:2018年12月25日 10:20', { now })).toBe('2018-12-25');
    expect(parseDate('２０２４年０１月０５日', { now, locale: 'TW' })).toBe('2024-01-05');
    expect(parseDate('中華民國１１３年１月５日', { now, locale: 'TW' })).toBe('2024-01-05');
  });

  it('reads ROC numeric dates only in the Taiwan locale', () => {
    expect(parseDate('113/02/04', { now, locale: 'TW' })).toBe('2024-02-04');
  });

  it('reads an ROC numeric date with a space OCR put beside a separator (日期: 110 /12/15)', () => {
    expect(parseDate('日期: 110 /12/15', { now, locale: 'TW' })).toBe('2021-12-15');
    expect(parseDate('110/ 12 /15', { now, locale: 'TW' })).toBe('2021-12-15');
    // One space is an OCR slip; a wider gap separates two things.
    expect(parseDate('110  /12/15', { now, locale: 'TW' })).toBeNull();
  });

  it('repairs OCR look-alikes inside the digits', () => {
    expect(parseDate('2S/12/2O18', { now })).toBe('2018-12-25');
  });

  it('rejects impossible dates', () => {
    expect(parseDate('31/02/2018', { now })).toBeNull();
  });
});

describe('repairYear', () => {
  it('turns an OCR-mangled 2078 into 2018', () => {
    expect(repairYear(2078, 2000, 2024)).toBe(2018);
  });
  it('prefers the year printed elsewhere on the page', () => {
    expect(repairYear(2078, 2000, 2024, 2017)).toBe(2018);
    expect(repairYear(2817, 2000, 2024, 2017)).toBe(2017);
  });
  it('keeps a plausible year', () => {
    expect(repairYear(2019, 2000, 2024)).toBe(2019);
  });
});

describe('findDates: choosing the transaction date', () => {
  it('prefers the labelled date over an expiry date', () => {
    const rows = buildRows([page(['SHOP SDN BHD', 'VALID UNTIL 31/12/2018', 'DATE: 25/12/2018 8:13:39 PM'])]);
    expect(findDates(rows, { now })[0]?.iso).toBe('2018-12-25');
  });

  it('trusts an unlabelled date more when no other date on the slip disagrees with it', () => {
    const alone = findDates(buildRows([page(['99 SPEED MART S/B', '10:43AM 568582 24-01-18', 'TOTAL 2.50'])]), { now })[0]!;
    const rivalled = findDates(buildRows([page(['99 SPEED MART S/B', '10:43AM 568582 24-01-18', 'EXCHANGE BEFORE 31-01-18', 'TOTAL 2.50'])]), { now })[0]!;
    expect(alone.iso).toBe('2018-01-24');
    expect(rivalled.iso).toBe('2018-01-24');
    expect(alone.score - rivalled.score).toBeCloseTo(1, 5);
  });

  it('takes the value of a label printed as a separate segment on the same row', () => {
    const rows = buildRows([page(['DATE:||25/12/2018'])]);
    const best = findDates(rows, { now })[0];
    expect(best?.iso).toBe('2018-12-25');
    expect(best?.labelled).toBe(true);
  });

  it('repairs a year in the future and marks it repaired', () => {
    const rows = buildRows([page(['Date: 25/12/2078 10:00'])]);
    const best = findDates(rows, { now })[0];
    expect(best?.iso).toBe('2018-12-25');
    expect(best?.repaired).toBe(true);
  });

  it('does not read a date inside an identifier', () => {
    const rows = buildRows([page(['RECEIPT NO: CS1801/26821', 'DATE 18/01/2018'])]);
    expect(findDates(rows, { now })[0]?.iso).toBe('2018-01-18');
  });
});

describe('a year that lost a digit', () => {
  it('restores 14 Mar 218 to 2018', () => {
    expect(parseDate('14 Mar 218', { now })).toBe('2018-03-14');
  });
});

describe('dates: OCR damage to the year and separators', () => {
  it('restores a year with one digit read as a mark when only one year fits', () => {
    expect(parseDate('14 Mar 2¢18 18:40', { now })).toBe('2018-03-14');
    expect(parseDate('DATE: 20/03/2§18', { now })).toBe('2018-03-20');
  });
  it('leaves an ambiguous damaged year unread', () => {
    expect(parseDate('DATE: 20/03/201¢', { now })).toBeNull();
  });
  it('reads day and month run together before a four-digit year, below a clean date', () => {
    expect(parseDate('CB#: 2109/2017 10:20:37 AM', { now })).toBe('2017-09-21');
    const rows = buildRows([page(['INV 0112/2018', 'DATE: 05/03/2018'])]);
    expect(findDates(rows, { now })[0]?.iso).toBe('2018-03-05');
  });
});

describe('dates: a lost separator', () => {
  it('reads a date with one separator read as a space', () => {
    expect(parseDate('DATE: 05 02-18 10:21', { now })).toBe('2018-02-05');
    expect(parseDate('05-02 2018', { now })).toBe('2018-02-05');
  });
  it('reads one separator read as a space with a space beside the other, before a four-digit year', () => {
    expect(parseDate('27 03 /2018 No.:CS-20242', { now })).toBe('2018-03-27');
    expect(parseDate('27 03/ 2018', { now })).toBe('2018-03-27');
    // Two-digit years stay strict: `12 30 / 18` is as likely a quantity, a price and a code.
    expect(parseDate('12 30 / 18', { now })).toBeNull();
  });
  it('reads day, month and year run together (DDMMYYYY)', () => {
    expect(parseDate('DATE..14032018 NO :CS10021', { now })).toBe('2018-03-14');
  });
  it('reads a year-first date with lost or misread separators when a time follows it', () => {
    expect(parseDate('202412=0616:11 00157', { now: new Date('2025-01-10T00:00:00Z') })).toBe('2024-12-06');
    expect(parseDate('2018-0305 10:21', { now })).toBe('2018-03-05');
    // Without the time the same digits are an identifier, not a date.
    expect(parseDate('202412=06 00157', { now: new Date('2025-01-10T00:00:00Z') })).toBeNull();
    expect(parseDate('NO 2024123116:11', { now: new Date('2025-01-10T00:00:00Z') })).toBe('2024-12-31');
  });
  it('leaves numbers that only sit side by side alone', () => {
    expect(parseDate('TEL : 03-3271 9872', { now })).toBeNull();
    expect(parseDate('1 05-18', { now })).toBeNull();
    expect(parseDate('12345678', { now })).toBeNull();
  });
  it('ranks a cleanly printed date above a spaced or run-together one', () => {
    const rows = buildRows([page(['REF 11032018', 'DATE: 05/03/2018'])]);
    expect(findDates(rows, { now })[0]?.iso).toBe('2018-03-05');
  });
});

describe('dates: the date stamped into the invoice number', () => {
  const best = (lines: string[]) => findDates(buildRows([page(lines)]), { now })[0];
  it('repairs a misread year from an invoice number that starts with the date', () => {
    const d = best(['AEON CO. (M) BHD', 'Invoice No: 2018030610103080498', '5/03/2016 20:01 1010 003 0060498']);
    expect(d?.iso).toBe('2018-03-06');
    expect(d?.repaired).toBe(true);
  });
  it('keeps a date whose year agrees: invoices are numbered by business day, which may differ', () => {
    expect(best(['Invoice No: 2018021351320026157', '19/02/2018 16:45 5132 002 0026157'])?.iso).toBe('2018-02-19');
  });
  it('keeps the year without a stamped identifier, or when the stamp is far off', () => {
    expect(best(['Receipt No: CS00085268', 'Date: 16/03/2016'])?.iso).toBe('2016-03-16');
    expect(best(['Invoice No: 2018111510103080498', 'Date: 16/03/2016'])?.iso).toBe('2016-03-16');
  });
});
