import { describe, expect, it } from 'vitest';
import { findTaiwanAddress } from '../../extractors/receipt/address-tw.js';
import { extractReceiptOffline } from '../../extractors/receipt/index.js';
import { buildRows } from '../../extractors/receipt/layout.js';
import { page } from './helpers.js';

const address = (...lines: string[]) => findTaiwanAddress(buildRows([page(lines)]))?.address ?? null;

describe('findTaiwanAddress', () => {
  it('reads every part of a Taiwan address: postcode, city, district, road, section, lane, number, floor', () => {
    expect(address('柏格文具禮品股份有限公司', '統編 28652798 06-2059968', '710台南市永康區崑山街183巷23號')).toBe('710台南市永康區崑山街183巷23號');
    expect(address('九建生活禮品股份有限公司', 'TEL:06-2702917', '台南市歸仁區里公國路152號1樓')).toBe('台南市歸仁區里公國路152號1樓');
    expect(address('地址：臺北市中山區範例路一段1號')).toBe('臺北市中山區範例路一段1號');
    // A label OCR read in part (`址` of 地址) stays out: every city and county name has two characters.
    expect(address('址臺北市大安區示例街8號')).toBe('臺北市大安區示例街8號');
    expect(address('新竹縣竹北市示範路100號5樓之2')).toBe('新竹縣竹北市示範路100號5樓之2');
    expect(address('高雄市前鎮區中山二路2號')).toBe('高雄市前鎮區中山二路2號');
    // What follows the address on its row is not part of it.
    expect(address('台中市大雅區大雅路85號 TEL:04-25661234')).toBe('台中市大雅區大雅路85號');
  });

  it('finds the address wherever the layout puts it: after a TEL row, or in the stamp under the totals', () => {
    expect(address('慶陽事務用品有限公司', '品名 數量 單價 金額', '雲彩紙 312 14.00 4,368', '總計 47,390 統一編號:23944895', '地址:', '台中市大雅區大雅路85號')).toBe('台中市大雅區大雅路85號');
  });

  it("never takes the buyer's address, nor the address a bill is sent to", () => {
    expect(address('統一發票(三聯式)', '買受人：測試營造股份有限公司', '統一編號：29673504', '地址：新竹縣竹北市示範路100號', '品名', '營業人蓋用統一發票專用章', '地址：臺北市中山區範例路一段1號')).toBe(
      '臺北市中山區範例路一段1號',
    );
    expect(address('買方 彩理實業有限公司 地址:新竹縣竹北市示範路100號')).toBeNull();
    expect(address('帳單地址:台中市西區市府路37號')).toBeNull();
    // A mailed bill's window: the customer's address over the customer's name.
    expect(address('中華電信股份有限公司', '台北市松山區復興南路一段1號12樓', '彩理實業有限公司 王小明 先生')).toBeNull();
  });

  it("takes no form's printed captions for an address (縣市路街段巷弄號樓 has no number)", () => {
    expect(address('地址:', '縣市路街段巷弄號樓 室')).toBeNull();
    expect(address('台北市信義區')).toBeNull();
  });

  it('is the Taiwan record’s vendor address; Malaysian receipts keep their own rules', () => {
    const tw = extractReceiptOffline([page(['九建生活禮品股份有限公司', 'TEL:06-2702917 統一編號 16900386', '台南市歸仁區里公國路152號1樓', '日期110/9/17', '總計: 13,201'])], { locale: 'TW' });
    expect(tw.fields.vendorAddress.value).toBe('台南市歸仁區里公國路152號1樓');
    expect(tw.fields.vendorAddress.evidence?.text).toBe('台南市歸仁區里公國路152號1樓');
    const my = extractReceiptOffline([page(['KEDAI MAJU SDN BHD', 'NO 1, JALAN SATU,', '43000 KAJANG, SELANGOR', 'TEL: 03-1234 5678', 'DATE: 12/03/2018', 'TOTAL||5.00'])]);
    expect(my.fields.vendorAddress.value).toBe('NO 1, JALAN SATU, 43000 KAJANG, SELANGOR');
  });
});
