import { describe, expect, it } from 'vitest';
import { extractReceiptOffline } from '../../extractors/receipt/index.js';
import { page } from './helpers.js';

const now = new Date('2024-06-30T00:00:00Z');
const read = (lines: Parameters<typeof page>[0]) => extractReceiptOffline([page(lines)], { locale: 'TW', now });

describe('Taiwan layouts (offline rules)', () => {
  it('reads the total of an e-invoice row that also prints the random code, and no buyer when 買方 is empty', () => {
    const r = read(['全家便利商店', '電子發票證明聯', '113年01-02月', 'AB-12345678', '2024-01-05 10:20:30', '隨機碼:1234 總計:100', '賣方53212539 買方']);
    expect(r.fields.total.value).toBe('100');
    expect(r.fields.vendorTaxId.value).toBe('53212539');
    expect(r.fields.buyerTaxId.value).toBeNull();
    expect(r.fields.date.value).toBe('2024-01-05');
  });

  it('reads the item table printed under an e-invoice header total, in whole dollars', () => {
    const r = read(['好好吃餐廳股份有限公司', '電子發票證明聯', '113年03-04月', 'CD-87654321', '2024-03-15 12:00:00', '隨機碼:9876 總計:380', '賣方:24549210 買方:53212539', '品名||數量||金額', '牛肉麵 1 180||180', '紅茶 2 40||80', '礦泉水600ml 1 20 20', '咖啡 1 @100 100TX', '合計||380']);
    expect(r.fields.total.value).toBe('380');
    expect(r.lineItems.map((i) => [i.description, i.quantity, i.unitPrice, i.amount])).toEqual([
      ['牛肉麵', '1', '180', '180'],
      ['紅茶', '2', '40', '80'],
      // A number glued to its unit is part of the name, not a price.
      ['礦泉水600ml', '1', '20', '20'],
      ['咖啡', '1', '100', '100'],
    ]);
  });

  it('reads the items under an e-invoice header total without a table header too, and a measured quantity (35.00公升) as no price', () => {
    const r = read(['台灣中油股份有限公司', '電子發票證明聯', '113年05-06月', 'MN-55667788', '2024-05-20 08:15:00', '隨機碼:5678 總計:1050', '賣方:03707901', '95無鉛汽油 35.00公升 30.0 1050TX', '銷售額 1000 稅額 50 總計 1050']);
    expect(r.fields.total.value).toBe('1050');
    expect(r.lineItems.map((i) => i.amount)).toEqual(['1050']);
  });

  it('reads a unit price with cents and the amount in whole dollars after it (雲彩紙 312 14.00 4,368)', () => {
    const r = read(['大成紙業有限公司', '雲彩紙 312 14.00 4,368', '美術紙 359 30.00 10,770', '總計 15,138']);
    expect(r.lineItems.map((i) => [i.description, i.quantity, i.unitPrice, i.amount])).toEqual([
      ['雲彩紙', '312', '14.00', '4368'],
      ['美術紙', '359', '30.00', '10770'],
    ]);
    expect(r.validations.find((v) => v.check === 'lines_sum_to_subtotal')?.passed ?? true).toBe(true);
  });

  it('reads no item from codes glued to words or numbers between words (機161214, 件數 5 列印者代號 0255)', () => {
    const r = read(['某某商行', 'P市002 機161214 黃1', 'BZ01 A06 序139084', '件數 5 列印者代號 0255 核發機關', '精包 5 195 TX', '總計 195']);
    expect(r.lineItems.map((i) => [i.description, i.amount])).toEqual([['精包', '195']]);
  });

  it("takes no register row (shift, cashier, machine number) or sold item for the seller of a slip whose name is unreadable, nor a cut 發票號碼 row for its address", () => {
    // 6_tradition_invoice.jpg as OCR reads it: the seller's name under the stamp did not come out.
    const r = read(['中華民國113年11-12月份', '收銀機統', 'FY 03779651', 'TEL(02)2392-4578', 'P市002 機161214 黃1', '班別1收局001', '號 FY03779651', '精包 5 195 TX', '1 合計 $195', '理全 $195', '找索 30']);
    expect(r.fields.vendorName.value).toBeNull();
    expect(r.fields.vendorAddress.value).toBeNull();
    expect(r.needsReview).toBe(true);
    expect(r.fields.invoiceNumber.value).toBe('FY03779651');
    expect(r.fields.total.value).toBe('195');
  });

  it('sends a seller name OCR read one character short (a glyph seen, not read) to review', () => {
    const sample = page(['例生活百貨股份有限公司', '電子發票證明聯', '113年01-02月', 'KV-83920417', '2024-02-04 13:45:10', '隨機碼 3851 總計 185', '賣方 53184626']);
    const sure = extractReceiptOffline([sample], { locale: 'TW', now });
    sample.lines[0]!.confidence = 0.3;
    const unsure = extractReceiptOffline([sample], { locale: 'TW', now });
    expect(sure.fields.vendorName.confidence).toBeGreaterThan(0.9);
    expect(sure.needsReview).toBe(false);
    expect(unsure.fields.vendorName.value).toBe('例生活百貨股份有限公司');
    expect(unsure.fields.vendorName.confidence).toBeLessThanOrEqual(0.3);
    expect(unsure.needsReview).toBe(true);
  });

  it("keeps a seller name sure when only a row beside it was read short (the triplicate's void notice)", () => {
    const invoice = page(['收銀機統一發票 (三聯副聯式扣抵聯)', '中華民國110年11-12月份 TC 23747161', '買受人為非營業人者本聯作', '柏格文具禮品股份有限公司', '統編 28652798 06-2059968', '710台南市永康區崑山街183巷23號', '日期: 110/12/15', '總計 9,973']);
    invoice.lines[2]!.confidence = 0.3;
    const r = extractReceiptOffline([invoice], { locale: 'TW', now });
    expect(r.fields.vendorName.value).toBe('柏格文具禮品股份有限公司');
    expect(r.fields.vendorName.confidence).toBeGreaterThan(0.9);
  });

  it("reads a customs tax certificate's taxpayer as the buyer, and takes neither its title nor its column titles for the seller", () => {
    // 2_customs_tax_payment.jpg as OCR reads it: the importer (納稅義務人) pays; customs, which issues it, prints no name.
    const r = read([
      '海關進口快貨物稅費繳納證明稅單號碼: CXI21180EFF197',
      '納稅義務人統一編號:1 12698538',
      '明貿易有限公司',
      '貨物進口日期船(機)名及呼號(班次) 稅費項目金額(新臺:元)',
      '108/06/05 BR 0868 進口稅 336',
      '108/06/06 營業稅 176',
      '填發關員稅費合計 512',
    ]);
    expect(r.fields.buyerTaxId.value).toBe('12698538');
    expect(r.fields.vendorTaxId.value).toBeNull();
    expect(r.fields.vendorName.value).toBeNull();
    expect(r.fields.vendorAddress.value).toBeNull();
    expect(r.needsReview).toBe(true);
  });

  it("reads a telecom bill: the company over the customer's name and mailing address, the customer's 用戶統一編號 as the buyer, and 應繳總金額 as the total", () => {
    // 5_tele_payment_order.jpg as OCR reads it (the bill is mailed to its customer, 彩琿實業有限公司).
    const r = read([
      '中華電信股份有限公司共2',
      '台中營運處 110年08月繳費結果通知帳單查免付費客服專線:手機直800',
      '105604 電子信箱:smartj01@cht.com.tw',
      '中華電信管利事業統一編號:52003801',
      '台北市松山區復興南路一段1號1 2樓之聯絡地址:台中市西區市府路37號',
      '1 先生R',
      '彩實業有限公司女8187 變動載具號碼',
      '寳號 11008BB425187595213574393207',
      '費總金額(元) 繳費方式 110年08月26日發票號碼及金額管運處代號用戶號碼',
      '$1,229 QD34820371 46 0988560067',
      '轉帳代繳 $1,229',
      '知貼用戶統一編號:53812386 用戶帳號: 計費調期:第1調期帳單別:G8',
      '殖繳 (行動月租費) 小計1170',
      '4G行動電話1399型月租費 1332',
      '電信一般稅率:1,170 電信費零稅:0 電信費免稅:0 其他各費:0',
      '營業稅:59(本月應繳業稅68元,冲(扣抵)負數項目業稅-9元) 應繳總金:1,229',
    ]);
    expect(r.fields.vendorName.value).toBe('中華電信股份有限公司');
    expect(r.fields.vendorTaxId.value).toBe('52003801');
    expect(r.fields.buyerTaxId.value).toBe('53812386');
    // The barcode number under 寳號 (your company) is no address, and the customer's address is not the seller's.
    expect(r.fields.vendorAddress.value).toBeNull();
    expect(r.fields.total.value).toBe('1229');
    expect(r.fields.total.evidence?.text).toContain('應繳總金');
  });

  it('reads no item from the labelled numbers of a form (invoice number, format code, phone, date, buyer)', () => {
    const r = read(['大成建材行', '發票號碼: SX58421758 格式: 25', 'TEL:06-2702917 5', '2021-07-29 19:38:05 格式: 25', '買受人: 共 1', '轉帳代繳 1229', '雲彩紙 2 312 624', '總計 624']);
    expect(r.lineItems.map((i) => [i.description, i.amount])).toEqual([['雲彩紙', '624']]);
  });

  it('takes the labelled seller of a 三聯式 invoice as the vendor, never its period line', () => {
    const r = read(['統一發票(三聯式)', '中華民國113年5-6月份', '買受人: 測試營造股份有限公司', '統一編號: 53212539', '日期: 113年05月20日', '品名 數量 單價 金額', '水泥 10 350 3,500', '銷售額合計||3,500', '營業稅||175', '總計||3,675', '賣方: 大成建材行 統一編號 24549210', 'AB12345678']);
    expect(r.fields.vendorName.value).toBe('大成建材行');
    expect(r.fields.vendorTaxId.value).toBe('24549210');
    expect(r.fields.buyerTaxId.value).toBe('53212539');
    expect([r.fields.subtotal.value, r.fields.tax.value, r.fields.total.value]).toEqual(['3500', '175', '3675']);
    expect(r.lineItems.map((i) => [i.description, i.quantity, i.unitPrice, i.amount])).toEqual([['水泥', '10', '350', '3500']]);
    // Without a labelled seller the period line is still no vendor.
    const unlabelled = read(['統一發票(三聯式)', '中華民國113年5-6月份', '日期: 113年05月20日', '總計||3,675']);
    expect(unlabelled.fields.vendorName.value).toBeNull();
  });

  it("never takes the buyer's 統一編號 for the seller's, even when the seller prints none", () => {
    const r = read(['三聯式統一發票', '中華民國113年7-8月份', '買受人: 甲乙營造有限公司', '統一編號: 53212539', '113年05月12日', '銷售額合計 36,000元', '營業稅 1,800元', '總計 37,800元', '賣方: 丙丁鋼鐵股份有限公司']);
    expect(r.fields.buyerTaxId.value).toBe('53212539');
    expect(r.fields.vendorTaxId.value).toBeNull();
    expect(r.fields.vendorName.value).toBe('丙丁鋼鐵股份有限公司');
    expect([r.fields.subtotal.value, r.fields.tax.value, r.fields.total.value]).toEqual(['36000', '1800', '37800']);
  });

  it('reads whole-dollar amounts on the Latin rows of a Taiwan receipt (Total NT$55, Cash 100 Change 45)', () => {
    const r = read(['7-ELEVEN', 'President Chain Store Corp.', '統一編號 22555003', '電子發票證明聯', '113年05-06月', 'QA-99887766', '2024-05-03 09:00:01', 'Coffee Latte 1 55 55', 'Total NT$55', 'Cash 100 Change 45']);
    expect(r.fields.total.value).toBe('55');
    expect(r.fields.paymentMethod.value).toBe('cash');
    expect(r.lineItems.map((i) => [i.description, i.quantity, i.unitPrice, i.amount])).toEqual([['Coffee Latte', '1', '55', '55']]);
    // A Chinese payment word alone on its row names the method.
    expect(read(['好市多股份有限公司', '113年03-04月', 'XY-11223344', '2024/03/15 14:20', '總計 NT$235', '信用卡']).fields.paymentMethod.value).toBe('card');
  });

  it('reads cash paid in whole dollars as the payment method', () => {
    const r = read(['收銀機統一發票', '113年05-06月', 'QW 55667788', '2024/05/22 18:05', '咖啡 1 @120 120TX', '合計 120', '現金 200', '找零 80', '統一編號:24549210']);
    expect(r.fields.total.value).toBe('120');
    expect(r.fields.paymentMethod.value).toBe('cash');
  });
  it('recovers the 營業稅 OCR could not read as total - sales when that is 5% of the sales, and only then', () => {
    const r = read(['柏格文具禮品股份有限公司', '中華民國113年5-6月份 TC 23747161', '日期: 113/05/15', '品名 數量 單價 小計', '手提袋', '172 55.22 9,498', '銷售額: 9,498', '營業稅: 475 0', '總計: 9,973']);
    expect(r.fields.subtotal.value).toBe('9498');
    expect(r.fields.tax.value).toBe('475');
    expect(r.fields.tax.confidence).toBeLessThan(0.7);
    // A difference that is no 5% is not taken for the tax.
    const other = read(['柏格文具禮品股份有限公司', '中華民國113年5-6月份 TC 23747161', '日期: 113/05/15', '銷售額: 9,498', '總計: 9,999']);
    expect(other.fields.tax.value).toBeNull();
  });
  it('takes the seller of a handwritten 三聯式 invoice from its stamp, never an address label row', () => {
    const r = read(['KY 54957806 統一發票(三聯式)', '中華民國113年5-6月份', '買受人:建印貿易有限公司', '統一編號: 12361788 中華民國113年5月6日', '地址: 縣市 路街', '品名 數量 單價 金額', '零件 25780', '營業人蓋用統一發票專用章', '金暉汽材有限公司', '統一發票專用章', '銷售額合計 25780', '營業稅 1289', '總計 27069']);
    expect(r.fields.vendorName.value).toBe('金暉汽材有限公司');
    // Without the stamp read, the address label row is still no seller.
    const unstamped = read(['KY 54957806 統一發票(三聯式)', '中華民國113年5-6月份', '地址: 締管 1138', '品名 數量 單價 金額', '零件 25780', '總計 27069']);
    expect(unstamped.fields.vendorName.value ?? '').not.toContain('地址');
  });
});
