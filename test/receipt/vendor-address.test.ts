import { describe, expect, it } from 'vitest';
import { cleanAddress, findAddress } from '../../extractors/receipt/address.js';
import { hasPostcode, isPlaceLine, isTitleNoise, looksLikeAddress } from '../../extractors/receipt/header.js';
import { extractReceiptOffline } from '../../extractors/receipt/index.js';
import { buildRows } from '../../extractors/receipt/layout.js';
import { cleanHanCompanyName, cleanVendorName, findVendor, isTradeDescriptor, repairLegalForm, stripSpecks } from '../../extractors/receipt/vendor.js';
import { page } from './helpers.js';

function header(lines: Parameters<typeof page>[0]) {
  const rows = buildRows([page(lines)]);
  const vendor = findVendor(rows);
  const address = findAddress(rows, vendor?.rows.at(-1) ?? null);
  return { vendor: vendor?.name ?? null, address: address?.address ?? null };
}

describe('vendor and address', () => {
  it('never takes the buyer, a date or the item table of a Taiwan invoice for the seller', () => {
    // A 三聯式 invoice whose seller is only in the stamp: no vendor and no address beat the buyer's.
    const r = header([
      '第三聯:收執聯 統一發票(三聯式) 發票號碼',
      'MT-56120938',
      '中華民國113年02月04日',
      '買受人: 測試營造股份有限公司 統一編號: 29673504',
      '地 址: 新竹縣竹北市示範路100號',
      '品 名 數量 單價 金額 備註',
      '安全帽 10 350 3,500',
    ]);
    expect(r.vendor).toBeNull();
    expect(r.address).toBeNull();
  });

  it("does not take the triplicate roll's void notice for a buyer row: the name under it is the seller's", () => {
    const r = header(['收銀機統一發票 (三聯副聯式扣抵聯)', '中華民國110年11-12月份 TC 23747161', '※買受人為非營業人者本聯作廢', '柏格文具禮品股份有限公司', '統編 28652798 06-2059968', '710台南市永康區崑山街183巷23號']);
    expect(r.vendor).toBe('柏格文具禮品股份有限公司');
  });

  it('does not read a date line under the name as an address (號碼 is not 號)', () => {
    const r = header(['範例生活百貨', '電子發票證明聯', '113年01-02月', 'KV-83920417', '2024-02-04 13:45:10', '隨機碼 3851 總計 185', '賣方 53184626']);
    expect(r.vendor).toBe('範例生活百貨');
    expect(r.address).toBeNull();
    expect(header(['範例五金行有限公司', '臺北市中山區範例路一段1號', '統一編號 84206195']).address).toBe('臺北市中山區範例路一段1號');
  });

  it('knows a Taiwan address by its shape (a house number, a city with its district, a road with its number), not by a lone 號 or 市', () => {
    for (const address of ['710台南市永康區崑山街183巷23號', '臺北市中山區範例路一段1號', '新北市板橋區', '崑山街183巷', '中山北路二段', '中正路5之1號3樓']) expect(looksLikeAddress(address), address).toBe(true);
    for (const other of ['號 FY03779651 精包 5 195 TX', '貨物進口日期船(機)名及呼號(班次)', '寳號 11008BB425187595213574393207', 'P市002 機161214 黃1', '發票號碼 AB12345678', '台北門市', '路易莎咖啡']) expect(looksLikeAddress(other), other).toBe(false);
  });

  it('reads five digits as a postcode, also glued to a word, but not inside a long code', () => {
    expect(hasPostcode('BESAR,45600 BATANG')).toBe(true);
    expect(hasPostcode('47400PJ')).toBe(true);
    expect(looksLikeAddress('-81100 JOHOR')).toBe(true);
    expect(hasPostcode('11008BB425187595213574393207')).toBe(false);
    expect(hasPostcode('稅單號碼: CXI21180EFF197')).toBe(false);
    expect(looksLikeAddress('稅單號碼: CXI21180EFF197')).toBe(false);
    expect(looksLikeAddress('寳號 11008BB425187595213574393207')).toBe(false);
  });

  it('does not end the header at a name OCR split into TIME and a word; TIME with its value does', () => {
    const r = header(['Telds', 'Time less Kitchenette Sdn Bhd', 'Company no : 1174703-K', 'Lot 50, Floor T2, Sky Avenue Genting Highlands', 'Pahang, 69000 Pahang Malaysia', 'Guest Check']);
    expect(r.vendor?.toUpperCase()).toBe('TIME LESS KITCHENETTE SDN BHD');
    expect(r.address?.toUpperCase()).toBe('LOT 50, FLOOR T2, SKY AVENUE GENTING HIGHLANDS PAHANG, 69000 PAHANG MALAYSIA');
    const cut = header(['KEDAI MAJU', 'NO 5, JALAN BESAR', 'TIME: 20:54', 'KEDAI LAIN SDN BHD']);
    expect(cut.vendor).toBe('KEDAI MAJU');
  });

  it('skips a handwritten name above the company and a registration number below it', () => {
    const r = header(['JOHN DOE', 'BOOK TAK (TAMAN DAYA) SDN BHD', '(789417-W)', 'NO.53 55,57 & 59, JALAN SAGU 18,', 'TAMAN DAYA,', '81100 JOHOR BAHRU,', 'JOHOR.', 'TEL: 07-3507405', 'DATE: 25/12/2018']);
    expect(r.vendor).toBe('BOOK TAK (TAMAN DAYA) SDN BHD');
    expect(r.address).toBe('NO.53 55,57 & 59, JALAN SAGU 18, TAMAN DAYA, 81100 JOHOR BAHRU, JOHOR.');
  });

  it('skips TAX INVOICE titles and GST lines', () => {
    const r = header(['* TAX INVOICE *', 'SAM SAM TRADING CO', 'GST NO: 001006288896', '67,JLN MEWAH 25/63 TMN SRI MUDA,', '40400 SHAH ALAM.', 'TEL/FAX : 03-51213881']);
    expect(r.vendor).toBe('SAM SAM TRADING CO');
    expect(r.address).toBe('67,JLN MEWAH 25/63 TMN SRI MUDA, 40400 SHAH ALAM.');
  });

  it('joins a name printed over several rows', () => {
    expect(header(['AIK HUAT HARDWARE', 'ENTERPRISE (SETIA', 'ALAM) SDN BHD', '822737-X', 'NO. 17-G, JALAN SETIA INDAH']).vendor).toBe('AIK HUAT HARDWARE ENTERPRISE (SETIA ALAM) SDN BHD');
    expect(header(['HOME MASTER HARDWARE &', 'ELECTRICAL', 'NO.113G & 115G, JALAN SETIA GEMBILANG']).vendor).toBe('HOME MASTER HARDWARE & ELECTRICAL');
    expect(header(['LIAN CHI PU TIAN VEGETARIAN', 'RESTAURANT SDN BHD', '(1095514-X)', '54,JALAN SS23/11']).vendor).toBe('LIAN CHI PU TIAN VEGETARIAN RESTAURANT SDN BHD');
  });

  it('joins a name with no legal form to the trade row printed the same size right above it, but not a brand line to a legal name', () => {
    expect(header(['RESTAURANT JIAWEI', 'JIAWEI HOUSE', '002693074-K', '13. JLN TASIK UTAMA 8', '57000 KL']).vendor).toBe('RESTAURANT JIAWEI JIAWEI HOUSE');
    // The row above names no trade: a brand, not part of the name.
    expect(header(['GEOVENTURE', 'JIAWEI HOUSE', '002693074-K', '13. JLN TASIK UTAMA 8']).vendor).toBe('JIAWEI HOUSE');
    // A legal name under a trade row is the company on its own.
    expect(header(['HARDWARE CENTRE', 'TAN BROTHERS SDN BHD', '(123456-A)', 'NO 5, JALAN BESAR']).vendor).toBe('TAN BROTHERS SDN BHD');
  });

  it('takes the name above a row of trade words only (BISTRO & CAFE says what the shop is)', () => {
    expect(header(['THREE STOOGES', 'BISTRO & CAFE', '109, SS21/1A,', 'DAMANSARA UTAMA', 'GST ID : 001661886464']).vendor).toBe('THREE STOOGES');
    expect(isTradeDescriptor('BISTRO & CAFE')).toBe(true);
    expect(isTradeDescriptor('RESTAURANT AND BAKERY')).toBe(true);
    expect(isTradeDescriptor('JIAWEI HOUSE')).toBe(false);
    // A row ending in `&` continues onto the descriptor: one name.
    expect(header(['HOME MASTER HARDWARE &', 'ELECTRICAL', 'NO.113G & 115G, JALAN SETIA GEMBILANG']).vendor).toBe('HOME MASTER HARDWARE & ELECTRICAL');
  });

  it('drops a trailing company number and repairs a misread legal form', () => {
    expect(header(['99 SPEED MART S/B (519537-X)', 'LOT P.T. 2811, JALAN ANGSA,']).vendor).toBe('99 SPEED MART S/B');
    expect(header(['TOKO MAJU SDN BND', 'NO 1, JALAN BESAR']).vendor).toBe('TOKO MAJU SDN BHD');
  });

  it('leaves a branch name above the street line out of the address', () => {
    const r = header(['IKANO HANDEL SDN BHD', 'IKEA CHERAS', 'NO 2A JALAN COCHRANE', 'TAMAN MALURI', '55100 KUALA LUMPUR', 'GST NO: 000115154944']);
    expect(r.address).toBe('NO 2A JALAN COCHRANE TAMAN MALURI 55100 KUALA LUMPUR');
  });

  it('keeps a building line with unit numbers above the street line, but not a company number', () => {
    const plaza = header(['OWNER BY CASTLE BLUE S/B', '(1035683-T)', 'GST No : 292198047349', 'Avtivo Plaza,lot B-F-11, Block B', 'NO1.JALAN PJU 9/1,D\'SARA AVEVUE', 'BANDAR SRI D\'SARA, 52000 KL', 'TEL: 03-62629219']);
    expect(plaza.address).toBe("Avtivo Plaza,lot B-F-11, Block B NO1.JALAN PJU 9/1,D'SARA AVEVUE BANDAR SRI D'SARA, 52000 KL");
    const level = header(['Gerbang Alaf Restaurants Sdn Bhd', '(65351-M)', 'Leve1 6, Bangunan TH, Damansara Uptown3', 'No.3, Jalan SS21/39,47400 Petaling Jaya', 'Selangor', '(GST ID No: 000504664064)']);
    expect(level.address).toMatch(/^Leve1 6, Bangunan TH, Damansara Uptown3 No\.3, Jalan/);
    const company = header(['PASARAYA SEGAR', 'CAMPANY REG, NO.:001055194X', 'NO 37, JALAN MANIS 7, TAMAN SEGAR,', '56100 CHERAS, KUALA LUMPUR.', 'TEL: 03-91303308']);
    expect(company.address).toBe('NO 37, JALAN MANIS 7, TAMAN SEGAR, 56100 CHERAS, KUALA LUMPUR.');
  });

  it('opens the address at a floor whose ordinal lost its D (3RO FLR)', () => {
    const r = header(['AEON CO. (M) BHD (126926-H)', '3RO FLR, AEON TAMAN MALURI SC', 'JLN JEJAKA, TAMAN MALURI', 'CHERAS, 55100 KUALA LUMPUR', 'GST ID : 002017394688']);
    expect(r.address).toBe('3RO FLR, AEON TAMAN MALURI SC JLN JEJAKA, TAMAN MALURI CHERAS, 55100 KUALA LUMPUR');
  });

  it('keeps a parenthesised branch after the postcode line but stops at a label', () => {
    const r = header(['MR D.I.Y. (M) SDN BHD', '(CO. REG : 860671-D)', 'LOT 1851-A & 1851-B, JALAN KPB 6,', '43300 SERI KEMBANGAN, SELANGOR', '(TESCO PUTRA NILAI)', 'CARELINE : 1800 88 1231']);
    expect(r.address).toBe('LOT 1851-A & 1851-B, JALAN KPB 6, 43300 SERI KEMBANGAN, SELANGOR (TESCO PUTRA NILAI)');
  });

  it('ends the address where a contact or tax label follows it on the same row', () => {
    const oneRow = header(['ABC MINI MARKET', 'NO 12, JALAN BESAR, 43000 KAJANG, SELANGOR. TEL: 03-87361234', 'GST NO: 001234567890']);
    expect(oneRow.address).toBe('NO 12, JALAN BESAR, 43000 KAJANG, SELANGOR.');
    // The postcode row is kept, not dropped as a contact line.
    const lastRow = header(['SIN LIANHAP SDN BHD', '(301150-H)', 'LOT 13, JALAN IPOH KECIL,', '50350 KUALA LUMPUR. Tel: 03-4041 0599', 'Date: 27/12/2017']);
    expect(lastRow.address).toBe('LOT 13, JALAN IPOH KECIL, 50350 KUALA LUMPUR.');
    const gst = header(['KEDAI PAPAN YEW CHUAN', 'LOT 276 JALAN BANTING', '43800 DENGKIL GST NO: 000781500416']);
    expect(gst.address).toBe('LOT 276 JALAN BANTING 43800 DENGKIL');
    // A contact row with no address before its label stays out.
    const contact = header(['KEDAI PAPAN YEW CHUAN', 'LOT 276 JALAN BANTING', '43800 DENGKIL, SELANGOR.', 'TEL : 03-87686092 FAX : 03-87686092']);
    expect(contact.address).toBe('LOT 276 JALAN BANTING 43800 DENGKIL, SELANGOR.');
  });

  it("keeps a chain's store number and branch name after the postcode line, not a numbered label", () => {
    const lines = ['99 SPEED MART S/B (519537-X)', 'LOT P.T. 2811, JALAN ANGSA,', 'TAMAN BERKELEY', '41150 KLANG, SELANGOR'];
    const spaced = header([...lines, '1317 TRILLIUM S6 BESI', 'GST ID. NO : 000181747712']);
    expect(spaced.address).toBe('LOT P.T. 2811, JALAN ANGSA, TAMAN BERKELEY 41150 KLANG, SELANGOR 1317 TRILLIUM S6 BESI');
    const dashed = header([...lines, '1249-TMN PANDAN CAHAYA', 'GST ID. NO : 000181747712']);
    expect(dashed.address).toMatch(/SELANGOR 1249-TMN PANDAN CAHAYA$/);
    // An invoice number row under the address is not a branch.
    const labelled = header([...lines, '1317 INVOICE NO: 18299', 'GST ID. NO : 000181747712']);
    expect(labelled.address).toBe('LOT P.T. 2811, JALAN ANGSA, TAMAN BERKELEY 41150 KLANG, SELANGOR');
  });
});

describe('extractReceiptOffline: where the items start', () => {
  it('reads items printed straight under the address, with no body keyword before them', () => {
    const r = extractReceiptOffline([page(['MR D.I.Y. (M) SDN BHD', 'LOT 1851-A & 1851-B, JALAN KPB 6,', '43300 SERI KEMBANGAN, SELANGOR', '-INVOICE-', 'KILAT AUTO ECO WASH & SHINE 1L', '9555916500133 1X 3.11||3.11', 'KILAT ECO AUTO WASH & WAX 1L', '9555916500126 1X 4.62||4.62', 'Total||7.73', 'CASH||10.00', 'CHANGE||2.27', '', '', '', '', '', '', '', '', '', '', '', '', '', '', ''])]);
    expect(r.lineItems.map((i) => [i.description, i.amount])).toEqual([['KILAT AUTO ECO WASH & SHINE 1L', '3.11'], ['KILAT ECO AUTO WASH & WAX 1L', '4.62']]);
    expect(r.validations.find((v) => v.check === 'lines_sum_to_subtotal')?.passed ?? true).toBe(true);
  });

  it('does not read a GST summary table after the totals as items', () => {
    const r = extractReceiptOffline([page(['ABC TRADING SDN BHD', 'NO 1, JALAN SATU, 43000 KAJANG', 'Date: 04/12/2017', 'Total Qty: 3||47.70', 'Total Sales (Inclusive of GST) :||47.70', 'CASH :||47.70', 'GST SUMMARY', 'Tax Code % Amount Tax', '(RM) (RM)', 'SR 6||45.00 2.70'])]);
    expect(r.lineItems).toEqual([]);
  });
});

describe('extractReceiptOffline', () => {
  it('checks a total below the subtotal against the discount printed after it, and validation keeps that result', async () => {
    const { validateReceipt } = await import('../../extractors/checks/validate-receipt.js');
    const lines = ['SUSHI KING SDN BHD', '12, JALAN PERMAS 10/7, 81750 MASAI, JOHOR', 'DATE: 12/03/2018', 'SALMON SET||79.60', 'SUBTOTAL||79.60', 'DISCOUNT||-30.00', 'Total Amount||49.60', 'Serv Charge 10%||4.96', 'GST @ 6%||3.27', 'Rounding Adj||-0.03', 'Total Amount:||57.80', 'CASH||60.00', 'CHANGE||2.20'];
    const now = new Date('2024-01-01T00:00:00Z');
    const rec = validateReceipt(extractReceiptOffline([page(lines)], { now }), { now });
    expect(rec.fields.total.value).toBe('57.80');
    expect(rec.validations.find((v) => v.check === 'total_not_below_subtotal')).toMatchObject({ passed: true });
    expect(rec.validations.find((v) => v.check === 'subtotal_plus_tax_is_total')).toMatchObject({ passed: true, detail: '79.60 - 30.00 + 4.96 + 3.27 - 0.03 = 57.80, total is 57.80' });
    expect(rec.needsReview).toBe(false);
    // Without the discount line the same figures are flagged.
    const plain = validateReceipt(extractReceiptOffline([page(lines.filter((l) => !l.startsWith('DISCOUNT')))], { now }), { now });
    expect(plain.validations.find((v) => v.check === 'total_not_below_subtotal')?.passed).toBe(false);
  });

  it('returns a complete record with evidence', () => {
    const rec = extractReceiptOffline([
      page(['SAM SAM TRADING CO', '(742016-W)', '67,JLN MEWAH 25/63 TMN SRI MUDA,', '40400 SHAH ALAM.', 'GST NO: 001006288896', 'TAX INVOICE', 'DATE: 29-12-2017 10:11', 'GLUE 2 X 3.50||7.00', 'TAPE||7.10', 'TOTAL||14.10', 'CASH||20.00', 'CHANGE||5.90']),
    ], { now: new Date('2024-01-01T00:00:00Z') });
    expect(rec.extractor).toBe('offline');
    expect(rec.model).toBeNull();
    expect(rec.fields.vendorName.value).toBe('SAM SAM TRADING CO');
    expect(rec.fields.date.value).toBe('2017-12-29');
    expect(rec.fields.total.value).toBe('14.10');
    expect(rec.fields.total.evidence?.text).toContain('TOTAL');
    expect(rec.fields.currency.value).toBe('MYR');
    expect(rec.fields.paymentMethod.value).toBe('cash');
    expect(rec.fields.vendorTaxId.value).toBe('001006288896');
    expect(rec.lineItems.map((i) => [i.description, i.quantity, i.unitPrice, i.amount])).toEqual([
      ['GLUE', '2', '3.50', '7.00'],
      ['TAPE', null, null, '7.10'],
    ]);
  });
});

describe('extractReceiptOffline: Taiwan invoice period', () => {
  const now = new Date('2025-01-10T00:00:00Z');
  it('takes the date inside the period the header prints over one outside it', () => {
    const rec = extractReceiptOffline([page(['收銀機統一發票', '中華民國113年11-12月份', 'FY-03779651', '2024-10-06 印表', '2024-12-06 16:11', '總計 $195'])], { locale: 'TW', now });
    expect(rec.fields.date.value).toBe('2024-12-06');
    expect(rec.validations.find((v) => v.check === 'date_in_invoice_period')?.passed).toBe(true);
  });

  it('flags the only date when it falls outside the period (a misread month)', () => {
    const rec = extractReceiptOffline([page(['統一發票（三聯式）', '三·四月份', 'KY54957806', '中華民國112年2月6日', '總計 27069'])], { locale: 'TW', now });
    expect(rec.fields.date.value).toBe('2023-02-06');
    expect(rec.needsReview).toBe(true);
    expect(rec.reviewReasons).toContain('date_in_invoice_period: 2023-02-06, invoice period 3-4月');
  });

  it('checks no period on a receipt outside Taiwan', () => {
    const rec = extractReceiptOffline([page(['KEDAI 3-4月', 'DATE: 14/03/2024', 'TOTAL 5.00'])], { now });
    expect(rec.validations.some((v) => v.check === 'date_in_invoice_period')).toBe(false);
  });
});

describe('vendor name: OCR specks and legal-form repair', () => {
  it('drops specks around the name and a lone character stranded among them', () => {
    expect(stripSpecks('| ’ 99 SPEED MART S/B')).toBe('99 SPEED MART S/B');
    expect(stripSpecks(') {JAN HING STATIONERY SDN BHD')).toBe('JAN HING STATIONERY SDN BHD');
    expect(stripSpecks('PERNIAGAAN ZHENG HUI 3 :')).toBe('PERNIAGAAN ZHENG HUI');
    expect(stripSpecks('S.H.H. MOTOR SDN. BHD.')).toBe('S.H.H. MOTOR SDN. BHD.');
    // A real trailing number is kept when no specks follow it.
    expect(stripSpecks('TRIPLE SIX POINT ENTERPRISE 666')).toBe('TRIPLE SIX POINT ENTERPRISE 666');
  });

  it('repairs misread legal forms, brackets and dotted initials', () => {
    expect(repairLegalForm('S.H.H. MOTOR ( SUNGAI RENGIT ) SON, BHD.')).toBe('S.H.H. MOTOR (SUNGAI RENGIT) SDN. BHD.');
    expect(repairLegalForm('WAHIN HARDWARE SIN BHD')).toBe('WAHIN HARDWARE SDN BHD');
    expect(repairLegalForm('AIK HUAT (SETIA ALAM) SD BHD')).toBe('AIK HUAT (SETIA ALAM) SDN BHD');
    expect(repairLegalForm('99 SPEED MART 5/B')).toBe('99 SPEED MART S/B');
    expect(repairLegalForm('MR D.1.Y. (M) SDN BHD')).toBe('MR D.I.Y. (M) SDN BHD');
    expect(repairLegalForm('UNIHAKKA INTERNATIONAL. SDN BHD')).toBe('UNIHAKKA INTERNATIONAL SDN BHD');
    // A lone point joins the word before it; one leaning on the next word is printed that way.
    expect(repairLegalForm('S.H.H . MOTOR (SUNGAI RENGIT) SDN. BHD')).toBe('S.H.H. MOTOR (SUNGAI RENGIT) SDN. BHD');
    expect(repairLegalForm('BOOK TA .K (TAMAN DAYA) SDN BHD')).toBe('BOOK TA .K (TAMAN DAYA) SDN BHD');
    // `CO BHD`, `(M) BHD` and the initials of `D.I.Y. SDN` are left alone.
    expect(repairLegalForm('AEON CO. (M) BHD')).toBe('AEON CO. (M) BHD');
    expect(repairLegalForm('MR. D.I.Y. SDN BHD')).toBe('MR. D.I.Y. SDN BHD');
  });

  it('repairs S/B read as S7B or S/D, and drops specks before the legal form', () => {
    expect(repairLegalForm('99 SPEED HART S7B')).toBe('99 SPEED HART S/B');
    expect(repairLegalForm('9 SPEED MART S/D (519537-X)')).toBe('9 SPEED MART S/B (519537-X)');
    expect(repairLegalForm('99 SPEED MART 57B')).toBe('99 SPEED MART S/B');
    expect(cleanVendorName(repairLegalForm('99 SPEED MART 57B 4519537-X)'))).toBe('99 SPEED MART S/B');
    // A unit number alone is not a legal form.
    expect(repairLegalForm('57B')).toBe('57B');
    expect(repairLegalForm('WAHIN HARDWARE SDN BHI')).toBe('WAHIN HARDWARE SDN BHD');
    expect(repairLegalForm('POPULAR BOOK. CO. (M) SDN BHD')).toBe('POPULAR BOOK CO. (M) SDN BHD');
    expect(repairLegalForm('UNIHAKKA INTERNATIONAL ·SDN BHD')).toBe('UNIHAKKA INTERNATIONAL SDN BHD');
    // S/D elsewhere is not a legal form.
    expect(repairLegalForm('S/D KEDAI MAJU')).toBe('S/D KEDAI MAJU');
    expect(cleanVendorName('99 SPEED MART S/B (519537.X)')).toBe('99 SPEED MART S/B');
  });

  it('puts back the spaces around a bracketed part of a name, unless a short tag is printed glued', () => {
    expect(repairLegalForm('BOOK TA K(TAMAN DAYA)SDN BHD')).toBe('BOOK TA K (TAMAN DAYA) SDN BHD');
    expect(repairLegalForm('AIK HUAT (SETIA ALAM)SDN BHD')).toBe('AIK HUAT (SETIA ALAM) SDN BHD');
    expect(repairLegalForm('KEDAI ABC(KL) SDN BHD')).toBe('KEDAI ABC (KL) SDN BHD');
    expect(repairLegalForm('MR.D.I.Y(M)SDN BHD')).toBe('MR.D.I.Y(M)SDN BHD');
  });

  it('reads a digit back as the letter it looks like in CO. and short words ending a name', () => {
    expect(repairLegalForm('AEON C0. (M) BHD')).toBe('AEON CO. (M) BHD');
    expect(repairLegalForm('PERNIAGAAN ZHENG HU1')).toBe('PERNIAGAAN ZHENG HUI');
    expect(repairLegalForm('KEDAI TAN0 JAYA')).toBe('KEDAI TANO JAYA');
    // Numbers and codes stay: a shop number, a branch code, a company number.
    expect(repairLegalForm('99 SPEED MART S/B')).toBe('99 SPEED MART S/B');
    expect(repairLegalForm('KEDAI AB10 (BRANCH U1)')).toBe('KEDAI AB10 (BRANCH U1)');
    expect(repairLegalForm('7-ELEVEN MALAYSIA SDN BHD')).toBe('7-ELEVEN MALAYSIA SDN BHD');
  });

  it('drops a company number whose check letter OCR turned into a mark', () => {
    expect(cleanVendorName('99 SPEED MART S/B (519537-%)')).toBe('99 SPEED MART S/B');
  });

  it('skips an OCR-damaged TAX INVOICE title and a CASH title when choosing the vendor', () => {
    expect(isTitleNoise('= SIM PLIFIED TAX INVOICE')).toBe(true);
    expect(isTitleNoise('BE INVMPLIPIED TAX INVOCT_|')).toBe(true);
    // A cash-register uniform invoice's title, whole or cut short by OCR.
    expect(isTitleNoise('收銀機統一發票')).toBe(true);
    expect(isTitleNoise('收銀機統')).toBe(true);
    expect(isTitleNoise('全家便利商店')).toBe(false);
    expect(isTitleNoise('CASH')).toBe(true);
    expect(isTitleNoise('TAX ADVISORY SERVICES')).toBe(false);
    expect(header(['= SIM PLIFIED TAX INVOICE', 'CASH', 'TEO HENG STATIONERY & BOOKS', 'NO. 53, JALAN BESAR']).vendor).toBe('TEO HENG STATIONERY & BOOKS');
  });
});

describe('address: OCR specks', () => {
  it('drops mark-only tokens, quote marks at word edges and the space before a comma', () => {
    expect(cleanAddress('NO: 28, JALAN ASTANA 1C, + BANDAR BUKIT RAJA, “41050 KLANG')).toBe('NO: 28, JALAN ASTANA 1C, BANDAR BUKIT RAJA, 41050 KLANG');
    expect(cleanAddress('NO.50 , JALAN PBS 14/11 | NO 14 & 16')).toBe('NO.50, JALAN PBS 14/11 NO 14 & 16');
    expect(cleanAddress('27,JALAN DEDAP 13, 81100 JOHOR BAHRU ,JOHOR.')).toBe('27,JALAN DEDAP 13, 81100 JOHOR BAHRU,JOHOR.');
  });

  it('reads a point between the parts of an address as the comma it was printed as', () => {
    expect(cleanAddress('NO.53 JALAN SAGU 18, TAMAN DAYA. 81100 JOHOR BAHRU.JOHOR.')).toBe('NO.53 JALAN SAGU 18, TAMAN DAYA, 81100 JOHOR BAHRU,JOHOR.');
    // Abbreviations, initials and the final point keep theirs.
    expect(cleanAddress('NO. 17-G, JLN. SETIA, LOT P.T. 2811, SELANGOR D.E. MALAYSIA.')).toBe('NO. 17-G, JLN. SETIA, LOT P.T. 2811, SELANGOR D.E. MALAYSIA.');
  });

  it('reads a point after a house or street number as a comma, but not a point inside a number', () => {
    expect(cleanAddress('12. JALAN TAMPOI 7/4,KAWASAN')).toBe('12, JALAN TAMPOI 7/4,KAWASAN');
    expect(cleanAddress('LOT 38. 39 101 BOULEVARD, JALAN KENARI 5. BANDAR PUCHONG')).toBe('LOT 38, 39 101 BOULEVARD, JALAN KENARI 5, BANDAR PUCHONG');
    expect(cleanAddress('NO 4.JALAN PERJIRANAN 10. TAMAN AIR BIRU')).toBe('NO 4,JALAN PERJIRANAN 10, TAMAN AIR BIRU');
    expect(cleanAddress('NO 122.124. JALAN DEDAP 13')).toBe('NO 122.124. JALAN DEDAP 13');
    expect(cleanAddress('NO.2-1-1 JALAN 2.5 KM')).toBe('NO.2-1-1 JALAN 2.5 KM');
  });

  it('joins spaced initials and drops specks at the edges of words', () => {
    expect(cleanAddress('41050 KLANG SELANGOR D. E, MALAYSIA')).toBe('41050 KLANG SELANGOR D.E, MALAYSIA');
    expect(cleanAddress("LOT' 2685 JLN GENTING KLANG")).toBe('LOT 2685 JLN GENTING KLANG');
    expect(cleanAddress("JALAN -KPB 6, BLOCK B D'SARA AVENUE")).toBe("JALAN KPB 6, BLOCK B D'SARA AVENUE");
    // A word and an initial keep their space: `BLOCK B. JALAN` is not an initial pair.
    expect(cleanAddress('LOT P.T. 2811, JALAN ANGSA')).toBe('LOT P.T. 2811, JALAN ANGSA');
  });

  it('repairs the first word LOT read with a digit', () => {
    expect(cleanAddress('10T 1851-A & 1851-B, JALAN KPB 6')).toBe('LOT 1851-A & 1851-B, JALAN KPB 6');
    expect(cleanAddress('L0T 38, 39 101 BOULEVARD')).toBe('LOT 38, 39 101 BOULEVARD');
    expect(cleanAddress('10 TAMAN MAJU')).toBe('10 TAMAN MAJU');
  });
});

describe('Taiwan company names among OCR marks', () => {
  it('keeps the Han name that ends with the legal form and drops the marks and Latin letters around it', () => {
    expect(cleanHanCompanyName('| *REAREREA ETHIER 九達生活禮品股份有限公司 |')).toBe('九達生活禮品股份有限公司');
    expect(cleanVendorName(': 慶陽事務用品有限公司')).toBe('慶陽事務用品有限公司');
    expect(cleanHanCompanyName('小林商行 TEL')).toBe('小林商行');
  });

  it('repairs the first character of 股份, which OCR misreads, and keeps a bracketed branch', () => {
    expect(cleanHanCompanyName('九達生活禮品妝份有限公司')).toBe('九達生活禮品股份有限公司');
    expect(cleanHanCompanyName('統一超商股份有限公司(信義門市) 電話')).toBe('統一超商股份有限公司(信義門市)');
  });

  it('leaves names it cannot vouch for alone: a legal form with under two characters before it, or none', () => {
    expect(cleanHanCompanyName('PS rd a re 國 股份有限公司')).toBe('PS rd a re 國 股份有限公司');
    expect(cleanHanCompanyName('AEON CO. (M) BHD')).toBe('AEON CO. (M) BHD');
    expect(cleanHanCompanyName('範例生活百貨')).toBe('範例生活百貨');
  });
});

describe('address start', () => {
  it('takes a floor line (3RD FLR, 1ST FLOOR) as the first line of the address, not as a branch name', () => {
    const rows = buildRows([
      page(['AEON CO. (M) BHD (126926-H)', '3RD FLR, AEON TAMAN MALURI SC', 'JLN JEJAKA, TAMAN MALURI', 'CHERAS, 55100 KUALA LUMPUR', 'GST ID : 002017394688']),
    ]);
    const vendor = findVendor(rows);
    expect(vendor?.name).toBe('AEON CO. (M) BHD');
    expect(findAddress(rows, vendor!.rows.at(-1)!)?.address).toBe('3RD FLR, AEON TAMAN MALURI SC JLN JEJAKA, TAMAN MALURI CHERAS, 55100 KUALA LUMPUR');
  });
});

describe('vendor: rows that are never the name', () => {
  it('takes no place-name line (SELANGOR DARUL EHSAN) or street line as the vendor, and keeps both in the address', () => {
    const r = header(['|', '(001451637-M)', 'NO. 53, JALAN BESAR, 45600 BATANG BERJUNTAI', 'SELANGOR DARUL EHSAN', 'TEL : 03-3271 9872', 'GST No. : 000683913856']);
    expect(r.vendor).toBeNull();
    expect(r.address).toBe('NO. 53, JALAN BESAR, 45600 BATANG BERJUNTAI SELANGOR DARUL EHSAN');
    expect(isPlaceLine('KUALA LUMPUR')).toBe(true);
    expect(isPlaceLine('SELANGOR DARUL EHSAN % y')).toBe(true);
  });
  it('still takes a name that contains a place name', () => {
    expect(isPlaceLine('SETIA ALAM HARDWARE')).toBe(false);
    expect(header(['SHAH ALAM HARDWARE', 'NO 1, JALAN BESAR, 40000 SHAH ALAM']).vendor).toBe('SHAH ALAM HARDWARE');
  });
  it('skips a company printed under the TAX INVOICE title when the seller block is above it (the customer)', () => {
    const r = header(['PERNIAGAAN ZHENG HUI', 'JM0325956-V', 'NO.59 JALAN PERMAS 9/5', '81750 JOHOR BAHRU', 'GST NO: 000800589824', 'SIMPLIFIED TAX INVOICE', 'GOGIANT ENGINEERING (M) SDN BHD']);
    expect(r.vendor).toBe('PERNIAGAAN ZHENG HUI');
  });
  it('takes the name under the title when nothing above it belongs to a seller', () => {
    expect(header(['TAX INVOICE', 'GOGIANT ENGINEERING (M) SDN BHD', 'NO 1, JALAN BESAR', '81750 JOHOR BAHRU']).vendor).toBe('GOGIANT ENGINEERING (M) SDN BHD');
  });
  it('drops underscores, which OCR makes of specks on the baseline', () => {
    expect(stripSpecks('BOOK TA _.K (TAMAN DAYA) SDN BHD')).toBe('BOOK TA .K (TAMAN DAYA) SDN BHD');
    expect(stripSpecks('ATK_HUAT HARDWARE')).toBe('ATK HUAT HARDWARE');
  });
});

describe('cleanAddress: spacing OCR lost', () => {
  it('parts an address word from the number glued to it, not a code', () => {
    expect(cleanAddress('JALAN TASIK UTAMA4. MEDAN NIAGA')).toBe('JALAN TASIK UTAMA 4, MEDAN NIAGA');
    expect(cleanAddress('JALAN SR 1/9,SEKSYEN9, TAMAN')).toBe('JALAN SR 1/9,SEKSYEN 9, TAMAN');
    expect(cleanAddress('JALAN PJU8/1, U13/X')).toBe('JALAN PJU8/1, U13/X');
  });

  it('puts spaces around an ampersand that lost both, except between one-digit house numbers', () => {
    expect(cleanAddress('NO.32&33.JALAN SR 1/9')).toBe('NO.32 & 33,JALAN SR 1/9');
    expect(cleanAddress('NO 19-G&19-1&19-2 JALAN')).toBe('NO 19-G & 19-1 & 19-2 JALAN');
    expect(cleanAddress('NO.2&4, JALAN HARMONI')).toBe('NO.2&4, JALAN HARMONI');
    expect(cleanAddress('NO 14& 16 JALAN PERMAS')).toBe('NO 14& 16 JALAN PERMAS');
  });
});
