import { describe, expect, it } from 'vitest';
import { buildRows } from '../../extractors/receipt/layout.js';
import { addMoney, findAmounts, findLooseAmount, parseMoney, subMoney } from '../../extractors/receipt/money.js';
import { classifyLabel, findTotals, oneDigitApart } from '../../extractors/receipt/totals.js';
import { taxFitsTotal } from '../../extractors/rules/tax-rate.js';
import { extractReceiptOffline } from '../../extractors/receipt/index.js';
import { page } from './helpers.js';

const total = (lines: Parameters<typeof page>[0]) => findTotals(buildRows([page(lines)])).total?.value ?? null;

describe('amounts', () => {
  it('finds amounts with currency, thousands separators and look-alikes', () => {
    expect(findAmounts('TOTAL RM 1,234.50').map((a) => a.value)).toEqual(['1234.50']);
    expect(findAmounts('NETT TOTAL: $8.20').map((a) => a.value)).toEqual(['8.20']);
    expect(findAmounts('ROUNDING -0.02').map((a) => a.value)).toEqual(['-0.02']);
    // RM as OCR reads it, glued to the amount; a word ending in those letters is no currency.
    expect(findAmounts('103 SUNQUICK OREN 840ML RH11.40 s').map((a) => a.value)).toEqual(['11.40']);
    expect(findAmounts('BRH11.40').map((a) => a.value)).toEqual([]);
    expect(findAmounts('TOTAL 9.O0').map((a) => a.value)).toEqual(['9.00']);
    expect(findAmounts('DATE 25/12/2018 8:13')).toEqual([]);
  });
  it('reads an amount with its GST code glued on and misread (75.005R for 75.00SR, 12.502R for ZR)', () => {
    expect(findAmounts('x 000007996511 75.005R').map((a) => [a.value, a.index])).toEqual([['75.00', 15]]);
    expect(findAmounts('MILO 12.502R').map((a) => a.value)).toEqual(['12.50']);
    expect(findAmounts('TOTAL 75.00SR').map((a) => a.value)).toEqual(['75.00']);
    // Three decimals without the code stay no money.
    expect(findAmounts('0.855 KG')).toEqual([]);
  });
  it('reads a zero of the cents printed thin and read as C, but no engine size', () => {
    expect(findAmounts('2547 1801 1 35.00 35.CC').map((a) => a.value)).toEqual(['35.00', '35.00']);
    expect(findAmounts('12133 GA1801 2 7.50 15.OC').map((a) => a.value)).toEqual(['7.50', '15.00']);
    expect(findAmounts('10273 GA 8011 170.00 170.0C').map((a) => a.value)).toEqual(['170.00', '170.00']);
    expect(findAmounts('HONDA 1.5CC')).toEqual([]);
    expect(findAmounts('SIZE 2.CCX')).toEqual([]);
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
    ['CHG', 'change'],
    ['SERVICE CHG 10%', 'tax'],
    ['Serv. Charge (3%):', 'tax'],
    ['(Inciusive) GST 6%', 'tax'],
    ['Total Inclusive GST:', 'total'],
    ['TOTAL QTY', 'other'],
  ])('%s is %s', (label, kind) => {
    expect(classifyLabel(label)?.kind).toBe(kind);
  });

  it('never takes as the tax a figure as large as the total (Total Includes GST 0% 8.20 prints the taxed amount)', () => {
    const r = findTotals(buildRows([page(['MAGNUM||8.20', 'Total Includes GST 0%||8.20', 'TOTAL||8.20', 'CASH||10.00'])]));
    expect(r.total?.value).toBe('8.20');
    expect(r.tax).toBeNull();
    const both = findTotals(buildRows([page(['ITEM||21.20', 'Total Includes GST 6%||21.20', 'GST 6%||1.20', 'TOTAL||21.20'])]));
    expect(both.tax?.value).toBe('1.20');
  });

  it('takes the tax that fits its stated rate, not the amount taxed at it (TAX AMT (S) 6% RM 13.30, then GST 6% RM 0.80)', () => {
    const r = findTotals(
      buildRows([page(['GLUE 1X 5.20||5.20', 'PAPER 1X 8.90||8.90', 'TAX AMT (S) 6% RM||13.30', 'GST 6% RM||0.80', 'TAX AMT (Z) 0% RM||0.00', 'TOTAL RM||14.10', 'CASH RM||20.00', 'CHANGE RM||5.90'])]),
    );
    expect(r.total?.value).toBe('14.10');
    expect(r.tax?.value).toBe('0.80');
    // With no tax line that fits, none is taken.
    expect(findTotals(buildRows([page(['ITEM||14.10', 'TAX AMT (S) 6% RM||13.30', 'TOTAL RM||14.10'])])).tax).toBeNull();
  });

  it("takes the GST summary's tax when the only tax line is the taxed amount (Total Includes GST 0% 8.20; ZRL = 0% 8.20 0.00)", () => {
    const r = findTotals(buildRows([page(['MAGNUM||8.20', 'Total Includes GST 0%||8.20', 'TOTAL||8.20', 'CASH||10.00', 'GST Summary Amount(RM) Tax (RM)', 'ZRL = 0 % 8.20 0.00'])]));
    expect(r.tax?.value).toBe('0.00');
  });

  it('judges a tax against its total by the rate its label states, or by the highest rate in use', () => {
    expect(taxFitsTotal('0.80', 'GST 6% RM', '14.10')).toBe(true);
    expect(taxFitsTotal('13.30', 'TAX AMT (S) 6% RM', '14.10')).toBe(false);
    expect(taxFitsTotal('8.20', 'Total Includes GST 0%', '8.20')).toBe(false);
    expect(taxFitsTotal('0.01', 'GST 0%', '8.20')).toBe(false);
    expect(taxFitsTotal('475', '營業稅', '9973')).toBe(true);
    // No rate stated: up to the highest rate in use (27% VAT), a tenth over for rounding and discounts.
    expect(taxFitsTotal('21.00', 'VAT', '100.00')).toBe(true);
    expect(taxFitsTotal('40.00', 'TAX', '100.00')).toBe(false);
    // A 10% service tax of a bill after a discount: the rate of the total, a tenth over.
    expect(taxFitsTotal('10.50', 'SST 10%', '100.00')).toBe(true);
  });

  it('takes no tax from a GST registration number (GST ID: 0016 6993 5104 is not 51.04)', () => {
    const r = findTotals(buildRows([page(['GST ID: 0016 6993 5104', 'ITEM||79.60', 'SUBTOTAL||79.60', 'GST 6%||3.27', 'TOTAL||82.87'])]));
    expect(r.tax?.value).toBe('3.27');
  });

  it('counts an abbreviated service charge (Serv. Charge (3%)) as a charge, and the rounded total it adds up to', () => {
    const r = findTotals(buildRows([page(['Total (Excluding GST):||21.30', 'Serv. Charge (3%):||0.65', 'GST payable (6%):||1.31', 'Total (Inclusive of GST):||23.26', 'Rounding Adj:||-0.01', 'TOTAL :||23.25'])]));
    expect(r.tax?.value).toBe('1.31');
    expect(r.charges.map((c) => c.value)).toEqual(['0.65', '1.31']);
    // 23.25 is 21.30 + 0.65 + 1.31 - 0.01, not a misread of 23.26.
    expect(r.total?.value).toBe('23.25');
  });

  it('reads a service charge that includes GST, printed among the items, as no tax of the receipt', () => {
    expect(classifyLabel('S Service Chrg(Incl GST 6%)')?.kind).not.toBe('tax');
  });

  it('counts a discount after the subtotal among the charges and steps over the running total after it', () => {
    const r = findTotals(buildRows([page(['SUBTOTAL||79.60', 'DISCOUNT||-30.00', 'Total Amount||49.60', 'Serv Charge 10%||4.96', 'GST @ 6%||3.27', 'Rounding Adj||-0.03', 'Total Amount:||57.80', 'CASH||60.00'])]));
    expect(r.total?.value).toBe('57.80');
    expect(r.charges.map((c) => c.value)).toEqual(['-30.00', '4.96', '3.27']);
  });

  it('reads a time of day misread as money as no amount of the bill (Cashier USER Time 12 31.00)', () => {
    expect(classifyLabel('Cashet USER Time 12')?.kind).toBe('other');
    expect(classifyLabel('TIME:')?.kind).toBe('other');
    expect(classifyLabel('CASH')?.kind).toBe('tendered');
  });

  it('reads CHG after what is charged for as a charge, not as change (1 DELIVERY CHG 4.00 is an item)', () => {
    expect(classifyLabel('1 DELIVERY CHG')).toBeNull();
  });
});

describe('findTotals', () => {
  it('takes a Taiwan whole-dollar total printed after an item count', () => {
    expect(total(['FY03779651', '麵包 195 TX', '1 合計 $195', '現金 $195'])).toBe('195');
  });

  it('reads a total with a discount under it and the discounted total after as the subtotal, the discount taken off', () => {
    const rows = buildRows([page(['6 1" S/STEEL ROD 15.80 94.80 SR', '44 Type: 10 Total 277.90', 'Discount: 0.90', 'Rounding Adj 0.00', 'Total Inclusive GST: 277.00', 'CASH 277.00'])]);
    const r = findTotals(rows);
    expect(r.total?.value).toBe('277.00');
    expect(r.subtotal?.value).toBe('277.90');
    expect(r.charges.map((c) => c.value)).toEqual(['-0.90']);
    // Without a total that the discount explains, nothing changes: no subtotal is made up.
    const plain = findTotals(buildRows([page(['Total 277.90', 'Discount: 0.90', 'Total Inclusive GST: 270.00', 'CASH 270.00'])]));
    expect(plain.subtotal).toBeNull();
    expect(plain.charges).toEqual([]);
  });

  it('takes the figure the sum and the exact cash agree on over a TOTAL read one digit off', () => {
    // X51005200938: 106.10 + 6.37 - 0.02 = 112.45, paid 112.45 with change 0.00; OCR read TOTAL as 112.46.
    const lines = ['(Excluded GST) Sub Total (RM) : 106.10', 'Discount (RM) : 0.00', 'Total GST (RM) : 6.37', 'Rounding (RM) : -0.02', 'Total (RM) : 112.46', 'CASH : 112.45'];
    expect(total([...lines, 'Change (RM) : 0.00'])).toBe('112.45');
    // The sum alone against the printed TOTAL is one source against another: the label stands.
    expect(total(lines.slice(0, 5))).toBe('112.46');
  });

  it('reads a subtotal one digit off what the paid total less its tax leaves as that figure misread', () => {
    // X51005441408: the 9 of 179.25 read as a 1, in the summary too; 190.00 is printed twice and is what was paid.
    const lines = ['Total (Excluding GST): 171.25', 'GST Payable: 10.75', 'Total (Inclusive of GST) : 190.00', 'TOTAL : 190.00', 'CASH : 200.00'];
    const r = findTotals(buildRows([page([...lines, 'CHANGE : 10.00'])]));
    expect([r.subtotal?.value, r.subtotal?.repaired, r.total?.value]).toEqual(['179.25', true, '190.00']);
    // Not when the total is not what was paid, nor when the difference is more than one digit.
    expect(findTotals(buildRows([page(lines)])).subtotal?.value).toBe('171.25');
    expect(findTotals(buildRows([page(['SUBTOTAL 150.00', 'GST 9.90', 'TOTAL 174.90', 'CASH 174.90', 'CHANGE 0.00'])])).subtotal?.value).toBe('150.00');
  });

  it('gives a subtotal read past a misread digit confidence 0.55 in the record, and the sum check then passes', () => {
    const lines = ['KEDAI MAJU SDN BHD', 'DATE 10/03/2018', 'Total (Excluding GST): 171.25', 'GST Payable: 10.75', 'TOTAL : 190.00', 'CASH : 200.00', 'CHANGE : 10.00'];
    const r = extractReceiptOffline([page(lines)]);
    expect(r.fields.subtotal).toMatchObject({ value: '179.25', confidence: 0.55 });
    expect(r.validations.find((v) => v.check === 'subtotal_plus_tax_is_total')?.passed).toBe(true);
  });

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

describe('findTotals: OCR damage to amounts and labels', () => {
  it('reads summary amounts whose decimal point OCR lost or misread', () => {
    expect(findLooseAmount('NET TOTAL 174.9')?.value).toBe('174.90');
    expect(findLooseAmount('Total Sales (Incl GST) RM 64 13')?.value).toBe('64.13');
    expect(findLooseAmount('Rounding Adjustment RM OQ 02')?.value).toBe('0.02');
    expect(findLooseAmount('Total GST 308')?.value).toBe('3.08');
    // Two separate numbers without a currency mark are not one amount.
    expect(findLooseAmount('Table 12 34')?.value).not.toBe('12.34');
    expect(total(['SUB TOTAL||150.00', 'NET TOTAL||174.9', 'CASH||180.00', 'CHANGE||5.10'])).toBe('174.90');
    expect(total(['Total Sales (Incl GST) RM 64 13', 'Rounding Adjustment RM OQ 02', 'CASH RM 100.00'])).toBe('64.15');
  });

  it('never reads a count row as money, even with the point repair', () => {
    expect(total(['TOTAL QTY 308', 'TOTAL||9.00'])).toBe('9.00');
  });

  it('reads an amount behind a stray slash but not a date-like pair', () => {
    expect(findAmounts('TOTAL , /18.00').map((a) => a.value)).toEqual(['18.00']);
    expect(findAmounts('12/18.00')).toEqual([]);
    expect(findAmounts('CHANGE O.00').map((a) => a.value)).toEqual(['0.00']);
  });

  it('takes the unlabelled value under the rounding line when its currency mark is misread (RY, RN)', () => {
    expect(total(['TOTAL AMT||RN 40.21', 'ROUNDING ADJ -0.0t', 'RY 60.30', 'CABH||RY 70.30', 'CHANGE||RN 10.00'])).toBe('60.30');
  });

  it('recognises OCR variants of CASH, CHANGE and TOTAL', () => {
    expect(classifyLabel('CABH')?.kind).toBe('tendered');
    expect(classifyLabel('CUANGE')?.kind).toBe('change');
    expect(classifyLabel('iotel After Rounding')?.kind).toBe('total');
    expect(classifyLabel('Amt Due')).toEqual({ kind: 'total', strength: 3 });
  });

  it('prefers cash - change confirmed elsewhere over a lone total one digit off', () => {
    // 16.90 is 15.90 misread: the subtotal and the item line both say 15.90, and so does cash - change.
    expect(total(['1.00 X 15.90||15.90', 'Subtotal||15.90', 'Total Amt Rounded||16.90', 'Payment||50.00', 'Change Due||34.10'])).toBe('15.90');
    // Two figures far apart are not a misread: the printed total stands.
    expect(total(['1.00 X 15.90||15.90', 'Subtotal||15.90', 'Total Amt Rounded||26.90', 'Payment||50.00', 'Change Due||34.10'])).toBe('26.90');
  });

  it('takes cash - change when it matches an item and the total line is unreadable', () => {
    expect(total(['2 X 95.00||190.00', 'Total (Excluding GST):||11.25', 'GST Payable:||10.75', 'Total (Inclusive of GST): fan.', 'CASH - 200.00', 'CHANGE||10.00'])).toBe('190.00');
  });

  it('adds every charge printed between subtotal and total', () => {
    expect(total(['SUB TOTAL||295.00', 'SERVICE CHARGE 10%||29.50', 'GST 6%||19.47', 'ROUNDING ADJ||-0.02'])).toBe('343.95');
  });

  it('reads SUBTOTAL with misread letters as the subtotal, not as an item (Gubtotai)', () => {
    expect(classifyLabel('Gubtotai :')?.kind).toBe('subtotal');
    expect(classifyLabel('5UBTOTAL')?.kind).toBe('subtotal');
    expect(classifyLabel('SubTeta? :')?.kind).toBe('subtotal');
    const record = extractReceiptOffline([page(['M.ONE SDN BHD', 'NO 1, JALAN SATU, 43000 KAJANG', 'Date: 22/12/2017 14:03', '24MMX7Y M.ONE TAPE', '1.00 X 15.90||15.90 SR', 'Gubtotai :||15.90', 'Total Amt Rounded||15.90'])]);
    expect(record.lineItems.map((i) => i.amount)).toEqual(['15.90']);
    expect(record.fields.subtotal.value).toBe('15.90');
  });

  it('reads each label-value pair of a row on its own (CASH 50.00 CHANGE 20.10, Total Saving 0.00 Total 77.20)', () => {
    const totals = findTotals(buildRows([page(['ITEM||77.20', 'Total Saving 0.00 Total||77.20', 'CASH 100.00 CHANGE 22.80'])]));
    expect(totals.total?.value).toBe('77.20');
    expect(totals.tendered?.value).toBe('100.00');
    expect(totals.change?.value).toBe('22.80');
    // One label before several amounts stays one pair.
    expect(findTotals(buildRows([page(['ITEM||7.00', 'SR @ 6% 15.00 0.90', 'TOTAL||7.00'])])).total?.value).toBe('7.00');
  });

  it("takes no item row's columns as the value of a table header that ends in Tax", () => {
    const totals = findTotals(buildRows([page(['Item Qty S/Price Amount Tax', '2597 1.00 PCS 48.00 50.88 50.88 SR', 'Total Sales (Excluding GST) :||95.17', 'Total GST||5.71', 'Total Sales (Inclusive of GST) :||100.90'])]));
    expect(totals.tax?.value).toBe('5.71');
    // A label whose single value wrapped to the next row still gets it.
    expect(findTotals(buildRows([page(['ITEM||9.00', 'ROUNDED TOTAL (RM):', '9.00'])])).total?.value).toBe('9.00');
  });

  it('reads a total that says it includes the tax, however OCR spelt it (with GST, Inchusive)', () => {
    expect(classifyLabel('Item 2 Total with GST @ 6%')?.kind).toBe('total');
    expect(classifyLabel('Total Inchusive GST:')?.kind).toBe('total');
    expect(classifyLabel('Total lnclusive GST')?.kind).toBe('total');
    expect(classifyLabel('Total GST')?.kind).toBe('tax');
  });

  it('lists items that do not add up on the offline record without sending it to review, as validation does', () => {
    const record = extractReceiptOffline([page(['ABC TRADING SDN BHD', 'NO 1, JALAN SATU, 43000 KAJANG', 'DATE: 01/02/2018 10:00', 'NASI LEMAK||4.00', 'SUB TOTAL||10.00', 'GST 6%||0.60', 'TOTAL||10.60', 'CASH||20.00', 'CHANGE||9.40'])]);
    expect(record.validations.find((v) => v.check === 'lines_sum_to_subtotal')?.passed).toBe(false);
    expect(record.reviewReasons.some((r) => r.startsWith('lines_sum_to_subtotal:'))).toBe(true);
    expect(record.needsReview).toBe(false);
  });

  it('takes the tax, not the service charge, as the tax, and checks subtotal + charges = total', () => {
    const lines = ['SUB TOTAL||295.00', 'SERVICE CHARGE 10%||29.50', 'GST 6%||19.47', 'ROUNDING ADJ||-0.02', 'TOTAL||343.95', 'CASH||400.00', 'CHANGE||56.05'];
    const totals = findTotals(buildRows([page(lines)]));
    expect(totals.tax?.value).toBe('19.47');
    expect(totals.charges.map((c) => c.value)).toEqual(['29.50', '19.47']);
    const record = extractReceiptOffline([page(['ABC RESTAURANT SDN BHD', 'NO 1, JALAN SATU, 43000 KAJANG', 'DATE: 01/02/2018', 'NASI LEMAK||295.00', ...lines])]);
    expect(record.fields.tax.value).toBe('19.47');
    const check = record.validations.find((v) => v.check === 'subtotal_plus_tax_is_total');
    expect(check).toMatchObject({ passed: true, detail: '295.00 + 29.50 + 19.47 - 0.02 = 343.95, total is 343.95' });
    // A Malaysian SERVICE TAX is a tax.
    expect(findTotals(buildRows([page(['SUB TOTAL||100.00', 'SERVICE TAX 6%||6.00', 'TOTAL||106.00'])])).tax?.value).toBe('6.00');
  });

  it('does not add a tax printed above the subtotal (the subtotal already includes it)', () => {
    expect(total(['Gross Amount||40.00', 'Total GST Amt :||2.40', 'Sub Total :||42.40', 'Rounding Adj. : ual)', 'Total (RM) (eo'])).toBe('42.40');
  });

  it('prefers the total printed under the rounding line to the rounding applied to an earlier one', () => {
    expect(total(['Total Amount :||50.60', 'Serv Charge 10%||5.06', 'GST 6%||3.34', 'Rounding Adj :||-0.03', 'TOTAL: RM||58.97'])).toBe('58.97');
  });

  it('ignores a large ADJ figure as rounding (cash rounding moves a few sen)', () => {
    const r = findTotals(buildRows([page(['Total||85.10', 'Adjustment 20||6.00', 'Total After Rounding||85.10', 'CHANGE||15.00'])]));
    expect(r.rounding).toBeNull();
    expect(r.total?.value).toBe('85.10');
  });

  it('keeps a total a few sen below the subtotal (rounding) in the running', () => {
    expect(total(['SUBTOTAL:||28.61', 'TL:RM 28.60', 'CASH||100.00', 'CHANGE||71.40'])).toBe('28.60');
  });

  it('oneDigitApart tells misreads from different figures', () => {
    expect(oneDigitApart('16.90', '15.90')).toBe(true);
    expect(oneDigitApart('26.95', '15.90')).toBe(false);
    expect(oneDigitApart('100.80', '100.80')).toBe(false);
  });
});

describe('findTotals: a dollar sign read as S', () => {
  it('keeps both readings of a leading S: a 5, or a dollar sign', () => {
    expect(findAmounts('Nett Total: S8.20')[0]).toMatchObject({ value: '58.20', dollarReading: '8.20' });
    expect(findAmounts('TOTAL 58.20')[0]!.dollarReading).toBeUndefined();
    expect(findAmounts('TOTAL RM S8.20')[0]!.dollarReading).toBeUndefined();
  });

  it('reads S as $ on a receipt that prints its other amounts with $', () => {
    const rows = buildRows([page(['Vegetable $7.10', 'Rice $1.10', 'Total Amount: S8.20', 'GST @6%: $0.46', 'Nett Total: S8.20', 'Change $0.00'])]);
    expect(findTotals(rows).total?.value).toBe('8.20');
  });

  it('elsewhere lets cash and change decide between the two readings', () => {
    const dollar = buildRows([page(['TOTAL S8.20', 'CASH 10.00', 'CHANGE 1.80'])]);
    expect(findTotals(dollar).total?.value).toBe('8.20');
    const five = buildRows([page(['TOTAL S8.20', 'CASH 60.00', 'CHANGE 1.80'])]);
    expect(findTotals(five).total?.value).toBe('58.20');
  });
});
