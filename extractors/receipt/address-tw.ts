/**
 * The seller's address on a Taiwan invoice or receipt. Taiwan addresses have a fixed shape, largest unit
 * first: an optional postcode, the city or county (市/縣), the district or township (區/鄉/鎮/市), the road
 * or street (路/街/大道) with its section (段), lane (巷) and alley (弄), then the number (號) and floor (樓).
 * That shape finds the address wherever the layout puts it: under the seller's name, after a TEL row, or
 * in the 統一發票專用章 stamp at the foot of a triplicate invoice. The rows the MY rules use (a block
 * under the name, ended by contact lines) miss the last two.
 *
 * Invoices also print the buyer's address (`買受人: …` / `地址: …`), and mailed bills the address they go
 * to, over the addressee's name (`… 先生`, `… 收`) or after a label (`帳單地址`, `寄送地址`, `收件人`):
 * none of them is the seller's.
 */
import type { Row } from './layout.js';
import { BUYER_ROW } from './header.js';

const HAN = '\\p{Script=Han}';
const NUMBER = `[0-9０-９]+`;
const SECTION = `(?:[一二三四五六七八九十]+|${NUMBER})段`;
/**
 * `710台南市永康區崑山街183巷23號`, `台南市歸仁區里公國路152號1樓`, `臺北市中山區範例路一段1號`,
 * `新竹縣竹北市示範路100號`. Every city and county has a two-character name (台北市, 彰化縣), so what is
 * left of a label before it (`址臺北市…`, `地址` half read) is not taken. The number must be digits, so a
 * form's printed field captions (`縣市路街段巷弄號樓`) are no address. (header.ts `looksLikeAddress` only
 * asks whether a row holds part of such an address; this is the whole address, city to floor, cut out.)
 */
const STREET_ADDRESS = new RegExp(
  `(?:\\d{3}(?:\\d{2,3})?\\s*)?${HAN}{2}[縣市](?:${HAN}{1,4}?[區鄉鎮市])?(?:${HAN}|\\d){1,12}?(?:路|街|大道)(?:${SECTION})?(?:${NUMBER}巷)?(?:${NUMBER}弄)?${NUMBER}(?:[-之]${NUMBER})?號(?:\\s*${NUMBER}樓(?:之${NUMBER})?)?`,
  'u',
);
/** The address a bill or parcel goes to. */
const CUSTOMER_ADDRESS = /帳單地址|寄送地址|送貨地址|收件/;
/** How many rows under a buyer's label (`買受人:`) still belong to the buyer's block (name, 統一編號, 地址). */
const BUYER_BLOCK_ROWS = 3;
/** An addressee under a mailing address: a personal title or a "to be received by" mark. */
const ADDRESSEE = /先生|女士|小姐|鈞啟|台啟|親啟|收\s*$/;
/** How many rows under an address the addressee's name may be. */
const ADDRESSEE_ROWS = 2;
/** A row that starts the seller's part again: the stamp, or a label of the seller. */
const SELLER_MARK = /賣方|營業人|專用章|發票專用/;

export interface TaiwanAddress {
  address: string;
  row: Row;
}

/** The first Taiwan street address on the page that is not the buyer's nor a customer's mailing address. */
export function findTaiwanAddress(rows: readonly Row[]): TaiwanAddress | null {
  let buyerRowsLeft = 0;
  for (const [i, row] of rows.entries()) {
    const text = row.text;
    if (BUYER_ROW.test(text)) buyerRowsLeft = BUYER_BLOCK_ROWS + 1;
    else if (SELLER_MARK.test(text)) buyerRowsLeft = 0;
    const inBuyerBlock = buyerRowsLeft > 0;
    if (buyerRowsLeft > 0) buyerRowsLeft -= 1;
    const match = STREET_ADDRESS.exec(text);
    if (!match || inBuyerBlock || CUSTOMER_ADDRESS.test(text.slice(0, match.index + match[0].length))) continue;
    if (rows.slice(i + 1, i + 1 + ADDRESSEE_ROWS).some((next) => ADDRESSEE.test(next.text))) continue;
    return { address: match[0].replace(/\s+/g, ''), row };
  }
  return null;
}
