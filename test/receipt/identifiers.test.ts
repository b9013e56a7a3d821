import { describe, expect, it } from 'vitest';
import { detectCurrencyCode, findBuyerTaxId, findInvoiceNumber, findPaymentMethod, findVendorTaxId, readLabelWords } from '../../extractors/receipt/identifiers.js';
import { extractReceiptOffline } from '../../extractors/receipt/index.js';
import { buildRows } from '../../extractors/receipt/layout.js';
import { page } from './helpers.js';

describe('findInvoiceNumber', () => {
  const number = (...lines: string[]) => findInvoiceNumber(buildRows([page(lines)]), 'MY')?.value ?? null;

  it('reads the number after its label, or on the row under a label that asks for one', () => {
    expect(number('Invoice #:OR18030302170430')).toBe('OR18030302170430');
    expect(number('Tax Invoice: BAT02201803120255 12/03/18')).toBe('BAT02201803120255');
    expect(number('Receipt No.:', 'CS1801/26874')).toBe('CS1801/26874');
    // Till labels, and INVOICE with its I read as l.
    expect(number('TRN: 1CR0576494')).toBe('1CR0576494');
    expect(number('CB#: 398313 23/03/2018 3:13:19')).toBe('398313');
    expect(number('Involce No.: 67832')).toBe('67832');
    expect(number('Do No : CS02070163 Time: 00:06:00')).toBe('CS02070163');
  });

  it('reads a label OCR garbled: a digit for a letter, a letter lost or changed, a word split, INV glued to TAX', () => {
    expect(number('INV0ICE N0 : 18341/103/T0138')).toBe('18341/103/T0138');
    expect(number('INVDICE NO : 18299/102/T0230')).toBe('18299/102/T0230');
    expect(number('nvoice #: OR18030502160349')).toBe('OR18030502160349');
    expect(number('Raceipt #: CS00085298')).toBe('CS00085298');
    expect(number('Recalpt #: CS00082662')).toBe('CS00082662');
    expect(number('Invoi ce nunber. 60000483942')).toBe('60000483942');
    expect(number('TAXINV:002-1550040 18/03/18')).toBe('002-1550040');
    expect(readLabelWords('Invoi ce nunber. 60000483942')).toBe('INVOICE NUMBER. 60000483942');
    // Two letters off only right before the label's own syntax: RECEIVE is not RECEIPT, nor CONVOKE INVOICE.
    expect(readLabelWords('AMOUNT RECEIVE 50.00')).toBe('AMOUNT RECEIVE 50.00');
    expect(readLabelWords('CHOPPING BOARD 35.5X25.5CM')).toBe('CHOPPING BOARD 35.5X25.5CM');
  });

  it("never takes what follows a document's title for its number: the first item, the GST id, a date", () => {
    expect(number('MR D.I.Y. (JOHOR) SDN BHD', '-INVOICE-', 'CHOPPING B0AR0 35.5X25.5CM 803M#', '8970669 1X 19.00 19.00')).toBeNull();
    expect(number('TAX INVOICE', 'GST ID:000097492992')).toBeNull();
    // The date under the title is no number; the bare `No.:` after it is the document's own (below).
    expect(number('Tax Invoice', '2703/2018 No.:CS-20242')).not.toBe('2703/2018');
  });

  it("reads a bare No: under a document's title, after nothing but a date or a time, as that document's number", () => {
    expect(number('LIAN HING STATIONERY SDN BHD', 'Tax Invoice', '27/03/2018 No :CS-20243')).toBe('CS-20243');
    expect(number('Tax Invoice', '2703/2018 No.:CS-20242')).toBe('CS-20242');
    expect(number('OFFICIAL RECEIPT', 'No: R000123')).toBe('R000123');
    // A No that another word names (a table, a GST id) is not the document's.
    expect(number('TAX INVOICE', 'Table No: T1234')).toBeNull();
    expect(number('TAX INVOICE', 'GST ID No: 001092886528')).toBeNull();
    // Not far from the title, and not under a row that is no title.
    expect(number('TAX INVOICE', 'CASHIER: ALI', 'TERMINAL 2', '27/03/2018 No :CS-20243')).toBeNull();
    expect(number('THANK YOU', '27/03/2018 No :CS-20243')).toBeNull();
  });
});

describe('findVendorTaxId', () => {
  const taxId = (...lines: string[]) => findVendorTaxId(buildRows([page(lines)]), 'MY')?.value;

  it('keeps the check letter of a registration number', () => {
    expect(taxId('SAMPLE HARDWARE TRADING PTE LTD', 'GST REG NO: 201812345K')).toBe('201812345K');
    expect(taxId('KEDAI MAJU', 'SST ID: B16-1809-32000123')).toBe('B16-1809-32000123');
    expect(taxId('KEDAI MAJU', 'GST ID : 001661886464')).toBe('001661886464');
    // A word after the number is not its check letter.
    expect(taxId('KEDAI MAJU', 'GST ID : 001661886464 TAX INVOICE')).toBe('001661886464');
    expect(taxId('KEDAI MAJU', 'GST REG NO: 201812345KL')).toBe('201812345');
  });

  it('reads a number printed in groups, and never takes the end of a word before it as a leading letter', () => {
    expect(taxId('WARAKUYA PERMAS CITY SDN BHD', 'GST ID: 0016 6993 5104')).toBe('001669935104');
    expect(taxId('MYNEWS RETAIL SB', 'TAX REG ID CBP 000709361664')).toBe('000709361664');
    expect(taxId('MYNEWS RETAIL SB', 'TAX REG ID CBP000709361664')).toBe('000709361664');
    expect(taxId('KEDAI MAJU', 'SST NO: W10 1808 31000063')).toBe('W10180831000063');
  });
});

describe('Taiwan seller and buyer tax ids', () => {
  const ids = (...lines: string[]) => {
    const rows = buildRows([page(lines)]);
    return { seller: findVendorTaxId(rows, 'TW')?.value ?? null, buyer: findBuyerTaxId(rows)?.value ?? null };
  };

  it('gives a bare 統一編號 under the buyer line to the buyer, and the next one to the seller', () => {
    expect(ids('慶陽事務用品有限公司', '發票號碼: SX58421758', '買方 彩理實業有限公司', '統一編號: 53812386', '總計 47,390 統一編號: 23944895')).toEqual({ seller: '23944895', buyer: '53812386' });
  });

  it("gives a bill's 用戶統一編號 (the subscriber's number) to the buyer", () => {
    expect(ids('中華電信股份有限公司', '營利事業統一編號:52003801', '用戶統一編號:53812386 用戶帳號:')).toEqual({ seller: '52003801', buyer: '53812386' });
  });

  it('reads both ids of an e-invoice row, seller first, and never digits of the invoice number', () => {
    expect(ids('電子發票證明聯', 'RC-82802197', '賣方:99636932 買方:53812386')).toEqual({ seller: '99636932', buyer: '53812386' });
    // 82802197 passes the checksum, but it is the number of invoice RC-82802197.
    expect(ids('電子發票證明聯', 'RC-82802197', '總計 80')).toEqual({ seller: null, buyer: null });
  });
});

describe('detectCurrencyCode', () => {
  it('reads a currency code stated in brackets in a label', () => {
    expect(detectCurrencyCode('SUBTOTAL 24.55\nTOTAL (SGD) 26.75\nCASH 30.00', 'MY')).toEqual({ code: 'SGD', explicit: true });
    expect(detectCurrencyCode('TOTAL (RM) 9.00', 'TW')).toEqual({ code: 'MYR', explicit: true });
    // `SDN BHD` is a legal form, not Bahraini dinars; without any mark the locale decides.
    expect(detectCurrencyCode('KEDAI MAJU SDN BHD\nTOTAL 9.00', 'MY')).toEqual({ code: 'MYR', explicit: false });
    expect(detectCurrencyCode('(M) SDN BHD\nTOTAL 9.00', 'MY')).toEqual({ code: 'MYR', explicit: false });
  });
});

describe('findPaymentMethod', () => {
  const method = (...lines: string[]) => {
    const rows = buildRows([page(lines)]);
    const total = rows.find((r) => /^TOTAL/i.test(r.text)) ?? null;
    return findPaymentMethod(rows, total)?.value ?? null;
  };

  it('reads the method on a payment line with its amount, never from CASHIER', () => {
    expect(method('CASHIER: ALI', 'TOTAL 12.50', 'CASH 20.00', 'CHANGE 7.50')).toBe('cash');
    expect(method('CASHIER: ALI', 'TOTAL 12.50', 'VISA 12.50')).toBe('card');
    expect(method('CASHIER: ALI', 'TOTAL 12.50')).toBeNull();
    // The amount with a space OCR put after its point.
    expect(method('CASHIER: ANGELA', 'TOTAL 39.80', 'CASH : RM 39. 80')).toBe('cash');
  });

  it('takes change handed back for cash, when no method is printed', () => {
    const receipt = (...lines: string[]) => extractReceiptOffline([page(['KEDAI MAJU SDN BHD', 'DATE: 27/03/2018', ...lines])]).fields.paymentMethod;
    expect(receipt('Total Amount : 12.00', 'Paid Amount: 20.00', 'Change : 8.00')).toMatchObject({ value: 'cash', confidence: 0.6 });
    // No change, or none handed back: a card is charged the exact sum as well.
    expect(receipt('Total Amount : 42.40', 'Amount Paid : 42.40', 'Amount Change : 0.00').value).toBeNull();
    expect(receipt('Total Amount : 42.40').value).toBeNull();
    // A method the slip prints wins.
    expect(receipt('TOTAL 12.00', 'VISA 20.00', 'CHANGE 8.00').value).toBe('card');
  });

  it("reads the method a bill's table prints under its label", () => {
    expect(method('繳費總金額(元) 繳費方式 發票號碼及金額', '$1,229 QD34820371', '轉帳代繳 $1,229', '小計 1170', 'TOTAL 1,229')).toBe('bank transfer');
    // Not from further down the page.
    expect(method('繳費總金額(元) 繳費方式', '$1,229', '用戶帳號', '備註: 可申請轉帳代繳服務')).toBeNull();
  });

  it('reads a payment from a bank account (standing order, transfer, FPX)', () => {
    expect(method('TOTAL 1,229', '轉帳代繳 $1,229')).toBe('bank transfer');
    expect(method('TOTAL 45.00', 'FPX 45.00')).toBe('bank transfer');
    expect(method('TOTAL 45.00', 'BANK TRANSFER 45.00')).toBe('bank transfer');
  });

  it('reads a payment word alone when its amount or the change line is right under it (OCR split the row)', () => {
    expect(method('TOTAL 170.00', 'CASH', 'RM 170. 00')).toBe('cash');
    expect(method('TOTAL 35.00', 'CASH RH', 'CHANGE RM 15.00')).toBe('cash');
    // A cash customer's name is no payment.
    expect(method('Name : CASH', 'TOTAL 35.00', 'THANK YOU')).toBeNull();
  });

  it('reads the method a payment label names (Payment Type: Cash)', () => {
    expect(method('TOTAL 7.60', 'Payment Type: Cash', 'Tendered 10.00')).toBe('cash');
    expect(method('Paid by: VISA', 'TOTAL 7.60')).toBe('card');
  });
});
