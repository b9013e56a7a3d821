import { describe, expect, it } from 'vitest';
import { detectCurrencyCode, findVendorTaxId } from '../../extractors/receipt/identifiers.js';
import { buildRows } from '../../extractors/receipt/layout.js';
import { page } from './helpers.js';

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
