/**
 * Line items: the rows between the seller's block and the first subtotal/total line (or the payment)
 * that end in an amount. Quantity and unit price come from `2 x 3.50`, `2 @ 3.50`, `1 PC * 9.00`,
 * `7.90*3`, `2 x NAME`, `105個`, or from the amount columns (qty, unit price, amount left to right; whole
 * dollars on Taiwan rows), always checked by multiplying out. A description printed on its own row above
 * its numbers (barcode lines, long names) is carried down; on slips that print the name under the
 * numbers, it is taken from below. A discount printed among the items is a line with a negative amount,
 * so the lines add up to what was charged. Column titles, tax codes and flags stay out of the names.
 */
import type { LineItem } from '../../schemas/receipt.js';
import type { Row } from './layout.js';
import { addDecimal, compareDecimal, divideDecimal, roundDecimal } from '../rules/amounts.js';
import { editDistance } from '../rules/edit-distance.js';
import { findAmounts, lineAmount, sameMoney, type AmountMatch } from './money.js';
import { classifyLabel, findWholeAmounts } from './totals.js';
import { isIdLine, isTitleNoise, LEGAL_FORM } from './header.js';
import { letterCount } from './text.js';

const HEADER_WORDS = /\b(?:QTY|DESC(?:RIPTION)?|ITEM|PRICE|AMOUNT|AMT|TOTAL|U\/?PRICE|DISC|CODE)\b|品\s*名|品\s*項|數\s*量|單\s*價|金\s*額|備\s*註/gi;
const QTY_TIMES = /(?<![\d.])(\d{1,4}(?:\.\d{1,3})?)\s*(?:(?:PCS?|UNITS?|EA|KG|SETS?|PKTS?|BOX(?:ES)?|BTLS?|ROLLS?|PAIRS?|DOZ)\b\s*[Xx@*]?|[Xx@*](?=\s*(?:RM|\$)?\s*\d))\s*(?:RM|\$)?\s*(?:(\d+\.\d{2,4})(?!\d))?/i;
/** A barcode alone, or no letter or digit at all (`\W` would count Han names as marks too). */
const NOISE = /^(?:[^\p{L}\p{N}]*\d{8,14}[^\p{L}\p{N}]*|[^\p{L}\p{N}]*)$/u;
/** An e-mail or web address (the shop's, under its address), not an item. */
const WEB_ADDRESS = /\S@\S+\.\S|WWW\.|\.COM\b/i;
/** A name, then only numbers (each may carry `@`, `x`, `$`, `NT$`, `元`; a litre price `30.0`) and the tax mark `TX`. */
const WHOLE_DOLLAR_TAIL = /^(.*?[\p{Script=Han}A-Za-z)\]])(?:\s+(?:[@xX*×]\s*)?(?:NT\$|\$)?\d[\d,]*(?:\.\d+)?元?)+\s*(?:T?X)?\s*$/u;
/** A unit right after a number: the number is a quantity (`39.54 litre Pump # 07`). */
const MEASURE_AFTER = /^\s?(?:(?:LITRES?|LITERS?|LTRS?|L|KG|KGS|G|GM|ML)\b|公升|公斤|公克|毫升)/i;
/** A row that is only `quantity x price` (`@5 X RM 12.50`, `G5 X R 15.80`, `2 @ 3.50`). */
const QTY_LINE = /^[^\p{L}\p{N}]*[A-Za-z@]?\s*(\d{1,4})\s*[Xx@*×]\s*(?:R[MNH]?|\$)?\s*[\d.,\s]+$/u;
/** `7.90*3 23.70`: the unit price first, then how many. */
const PRICE_TIMES_QTY = /(?<![\d.])(\d+\.\d{2})\s*[*xX@]\s*(\d{1,3})(?![\d.])/;
/** `2 1TOWEL ROD 6.00 12.00`: a count before the name, in a Qty / Description / Price / Total layout. */
const LEADING_COUNT = /^(\d{1,3})\s+(?=.*[A-Za-z\p{Script=Han}])/u;
/** `2 x MILO ICE 3.50 7.00`: the quantity printed before the name. */
const LEADING_QTY = /^(\d{1,3})\s*[xX×*]\s+(?=[A-Za-z\p{Script=Han}])/u;

/** A discount printed among the items. */
const ITEM_DISCOUNT = /\bDISC(?:OUNT)?\b/i;
/** Column titles as OCR misreads them (`ITEN OTY U/P AHOUNT`, `ltem aty Tota!`, `Amcunt`, `Deser ipt ion`). */
const COLUMN_TITLES = ['ITEM', 'QTY', 'PRICE', 'AMOUNT', 'TOTAL', 'DESCRIPTION', 'DISC'];

/**
 * Whether a token is a column title, read right or one letter off (`QTY` two: O or A for Q, t for T),
 * with an l read for the I (`ltom`). `RSP` is the retail price column of Malaysian slips; `CODE` and `UOM`
 * count only as printed (`COKE` is one letter off CODE).
 */
function isColumnTitle(token: string): boolean {
  const t = token.toUpperCase().replace(/^[^A-Z0-9!|]+|[^A-Z0-9!|]+$/g, '').replace(/!/g, 'L').replace(/\|/g, 'I').replace(/RN/g, 'M');
  return [t, t.replace(/L/g, 'I')].some((v) => {
    if (/^(?:[QOA0]TY|QIY|RM|RSP|U\/?P|CODE|UOM)$/.test(v)) return true;
    if (v.length < 4) return false;
    // The first part of a title OCR split in two (`DESCRIPT ION`), a letter off (`DESER`).
    if (v.length >= 5 && editDistance(v, 'DESCRIPTION'.slice(0, v.length), 1) <= 1) return true;
    return COLUMN_TITLES.some((title) => title.length >= 4 && editDistance(v, title, 1) <= 1);
  });
}

/**
 * The column titles, read right or misread, that lead the text: how many tokens they take and how many
 * titles they are. A title OCR broke into pieces (`Deser ipt ion`) is one title.
 */
function leadingColumnTitles(text: string): { tokens: number; titles: number } {
  const tokens = text.trim().split(/\s+/);
  let i = 0;
  let titles = 0;
  while (i < tokens.length) {
    // `(RM)` under a price column is a title; `($)` only a mark.
    if (CURRENCY_MARK.test(tokens[i]!) && !isColumnTitle(tokens[i]!)) {
      i += 1;
      continue;
    }
    const pieces = [3, 2, 1].find((k) => i + k <= tokens.length && (k === 1 || tokens.slice(i, i + k).join('').length >= 8) && isColumnTitle(tokens.slice(i, i + k).join('')));
    if (pieces === undefined) break;
    titles += 1;
    i += pieces;
  }
  return { tokens: i, titles };
}

/** `QTY DESCRIPTION PRICE AMOUNT`, `品名 數量 金額`: column titles, no amounts. */
export function isTableHeader(text: string): boolean {
  if (findAmounts(text).length > 0) return false;
  if ((text.match(HEADER_WORDS) ?? []).length >= 2) return true;
  // Misread titles: two or more, and nothing else on the row but currency marks.
  const tokens = text.trim().split(/\s+/);
  if (tokens.length >= 2 && tokens.every((t) => CURRENCY_MARK.test(t))) return true;
  const lead = leadingColumnTitles(text);
  return tokens.length >= 2 && lead.tokens === tokens.length && lead.titles >= 2;
}

/** The currency a column is in, under its title: `(RM)`, `(RH)` (M misread), `($)`. */
const CURRENCY_MARK = /^\(?(?:RM|RH|\$)\)?[,.;:]?$/i;

/** A description without the column titles OCR joined in front of it (`ltem aty Total SR -Chicken`). */
function withoutColumnTitles(text: string): string {
  const lead = leadingColumnTitles(text);
  if (lead.titles < 2) return text;
  return text.trim().split(/\s+/).slice(lead.tokens).join(' ');
}

/**
 * The name part of an item row's label: without the `2 x` / `1 PC *` quantity, barcodes, the quantity
 * column read into it (`PEN BLUE 3` before `1.20 3.60`) and a trailing tax-code letter. A number that
 * is not the quantity is part of the name (`FuelSave 95`, `COKE 330`).
 */
function cleanDescription(text: string, quantity: string | null): string {
  let out = text.replace(QTY_TIMES, ' ').replace(/\b\d{8,14}\b/g, ' ');
  const trailing = /\s+(\d{1,3}(?:,\d{3})+|\d{1,4}(?:\.\d+)?)\s*(?:PCS?|UNITS?|EA|KG)?\s*[Xx@*]?\s*$/.exec(out);
  if (trailing && quantity !== null && Number(trailing[1]!.replace(/,/g, '')) === Number(quantity)) out = out.slice(0, trailing.index);
  return withoutTaxMarks(out)
    .replace(/\s+[A-Z@]?\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The whole numbers of a Chinese item row, after its first Han character: the quantity, price and
 * amount columns, and a tax mark after the amount (`120TX`). A number glued to a unit (`600ml`, `2入`)
 * belongs to the description.
 */
function wholeAmountsOfItem(text: string): ReturnType<typeof findWholeAmounts> {
  // The columns are the row's tail: numbers after the name, apart from it and from each other
  // (`機161214`, `A06` are codes; `件數 5 列印者代號 0255` has words between its numbers).
  const tail = WHOLE_DOLLAR_TAIL.exec(text);
  if (!tail) return [];
  const start = tail.index + tail[1]!.length;
  return findWholeAmounts(text).filter((a) => a.index >= start && /[\s@xX*×$]/.test(text[a.index - 1] ?? ''));
}

/**
 * Whether a row without cents can be an item row at all. Whole numbers are everywhere on a Taiwan form
 * (`發票號碼: SX58421758 格式: 25`, `TEL:06-2702917`, `2021-07-29 19:38:05`, `買受人: 共 1`): an item row
 * has no `label:` in it, no date, time or phone, and at least two numbers (quantity and amount, or
 * price and amount), or one with the tax mark e-invoices print after an item's amount (`120TX`).
 */
function isWholeDollarItem(text: string, amounts: readonly unknown[]): boolean {
  if (/[:：]/.test(text) || /\d{2,4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}:\d{2}|TEL|FAX|電話|傳真/i.test(text)) return false;
  return amounts.length >= 2 || (amounts.length === 1 && /\dT?X\s*$/i.test(text));
}

/** `INVOICE NUMBER 60000483942`, `RECEIPT NO 123`: a document number, not an item. */
const DOCUMENT_NUMBER = /\b(?:INVOICE|RECEIPT|BILL|DOC|TRANS(?:ACTION)?|ORDER)\s*(?:NO\b|NUMBER|#)/i;

/**
 * Rows that name no item whatever letters they hold: a barcode or marks, a `LABEL: value` row, column
 * titles, a document title, a registration or document number, a web address, and a company (`彩理實業
 * 有限公司` under a Taiwan invoice's 買受人, the seller's own name).
 */
function namesNothing(text: string): boolean {
  return NOISE.test(text) || /[:]\s*\S/.test(text) || isTableHeader(text) || isTitleNoise(text) || isIdLine(text) || WEB_ADDRESS.test(text) || DOCUMENT_NUMBER.test(text) || LEGAL_FORM.test(text);
}

/** A row that can name an item: three letters or more (`SR:TAPE OPP 48MM`: the GST code is no `label:`). */
function isDescription(row: string): boolean {
  const text = row.replace(GST_CODE_BEFORE, '');
  return letterCount(text) >= 3 && !namesNothing(text);
}

/**
 * A short name that `isDescription` passes over for want of letters (`9 x 13(10A)`, a bag's size): an
 * item's name only when it stands right above that item's numbers.
 */
function isShortName(text: string): boolean {
  const t = text.trim();
  // Letters beyond a trailing tax code (`515 1 16 85 16 85 SR` is an item's numbers, points lost).
  const core = t.replace(/\s+[A-Z]{1,3}$/, '');
  return !isDescription(t) && /[A-Za-z\p{Script=Han}]/u.test(core) && (t.match(/[\p{L}\p{N}]/gu) ?? []).length >= 4 && !t.includes(':') && !namesNothing(t);
}

/**
 * Enough of a name: a Chinese one may be two characters (紅茶), a Latin one needs three letters. (One
 * Han character on a Latin receipt is OCR noise: `丹1801`.)
 */
function hasName(text: string): boolean {
  // Letters of an item code (`FG-A00019`) name nothing: only runs of three letters or more count
  // (`3/4"TOWELROD` has one).
  return (text.match(/\p{Script=Han}/gu) ?? []).length >= 2 || /[A-Za-z]{3,}/.test(text);
}

/** A Malaysian GST code printed after an item (standard-rated, zero-rated, exempt, out of scope). */
const GST_CODE_AFTER = /\s+(?:SR|ZRL?|ES|OS)\s*$/;
/** The same code printed before the name with a colon (`SR:TAPE OPP 48MM`). */
const GST_CODE_BEFORE = /^\s*(?:SR|ZRL?|ES|OS)\s*:\s*/;
/** A tax flag after the name (`*S`, `.S`, `.Z`) and the selling unit before it (`EA .S`, `CS .S`). */
const TAX_FLAG_AFTER = /(?:\s+(?:EA|CS))?\s+[*.]\s?[SZ]\s*$/i;

/** A name without the tax codes and flags printed around it. */
function withoutTaxMarks(text: string): string {
  return text.replace(GST_CODE_BEFORE, '').replace(TAX_FLAG_AFTER, '').replace(GST_CODE_AFTER, '');
}

function withoutBarcodes(text: string): string {
  return withoutTaxMarks(text.replace(/\b\d{8,14}\b/g, ' ').replace(/^[\s*-]+/, '')).replace(/\s+/g, ' ').trim();
}

/**
 * Whether quantity × price is the amount; in whole dollars (Taiwan) to the dollar (`172 55.22 9,498`:
 * 9 497.84 printed rounded).
 */
function multipliesOut(quantity: string, price: string, amount: string, wholeDollars: boolean): boolean {
  const product = lineAmount(quantity, price);
  if (sameMoney(product, amount)) return true;
  return wholeDollars && /^\d+$/.test(amount) && compareDecimal(roundDecimal(product, 0), amount) === 0;
}

/** `105個`: a count with the Chinese unit it is counted in. */
const HAN_UNIT_COUNT = /(?:^|\s)(\d{1,5})\s*(?:個|件|支|盒|包|張|本|組|台|瓶|箱|只|片|入|份|套|條|雙|捲|卷|罐|袋|顆|式|批|米|公尺|公斤)(?=\s|$)/u;

/**
 * The amounts of a row that can be its money columns: not a measured quantity (`39.54 litre`, `0.85 KG`),
 * nor a figure in square brackets, which is part of a name (`100 PLUS [1.50]`, a size or promotion).
 */
function columnAmounts(text: string): ReturnType<typeof findAmounts> {
  return findAmounts(text).filter((a) => !MEASURE_AFTER.test(text.slice(a.index + a.text.length)) && !(text[a.index - 1] === '[' && text[a.index + a.text.length] === ']'));
}

/**
 * `1 HH GUINESS 12 GLASSES 150. SVC`, `E8318 1 80 91 80 91 SR`: amounts at the end of an item row whose
 * decimal point OCR lost (the cents gone after it, or the point read as a space), right to left, at most
 * two (the price and the amount). Read only when the items then add up (`findLineItems`' `looseAmounts`).
 */
export function looseItemAmounts(text: string): AmountMatch[] {
  let rest = text.replace(/\s+(?:SR|ZRL?|SVC|TX|[SZE])\s*$/, '');
  const cut = /(?:^|\s)(\d{1,5})\.\s*$/.exec(rest);
  if (cut) return /[\p{L}]/u.test(rest.slice(0, cut.index)) ? [{ value: `${BigInt(cut[1]!)}.00`, text: cut[0].trim(), index: cut.index + cut[0].indexOf(cut[1]!) }] : [];
  const out: AmountMatch[] = [];
  for (let m = SPACED_AMOUNT.exec(rest); m && out.length < 2; m = SPACED_AMOUNT.exec(rest)) {
    const index = m.index + m[0].indexOf(m[1]!);
    out.unshift({ value: `${BigInt(m[1]!)}.${m[2]!}`, text: `${m[1]} ${m[2]}`, index });
    rest = rest.slice(0, index);
  }
  return out.length > 0 && /[\p{L}]/u.test(rest) ? out : [];
}

/** `80 91` at the end of a row: an amount whose point OCR read as a space. */
const SPACED_AMOUNT = /(?:^|\s)(\d{1,5}) (\d{2})\s*$/;

/** Line items between `from` (first body row) and the first total/subtotal row. */
export function findLineItems(rows: Row[], from: number, until: number, options: { wholeDollars?: boolean; looseAmounts?: boolean } = {}): LineItem[] {
  const items: LineItem[] = [];
  let pending: string[] = [];
  /** A short name on the row just visited (isShortName), taken only by the row right under it. */
  let shortName: { index: number; text: string } | null = null;
  const end = Math.min(until, rows.length);
  const wholeDollars = options.wholeDollars === true;
  for (let i = Math.max(0, from); i < end; i += 1) {
    const row = rows[i]!;
    const text = row.text;
    if (isTableHeader(text)) {
      pending = [];
      continue;
    }
    const amounts = columnAmounts(text);
    if (amounts.length === 0 && options.looseAmounts === true) amounts.push(...looseItemAmounts(text));
    // Taiwan prices are whole dollars (`牛肉麵 1 180 180`, `咖啡 1 @120 120TX`).
    const whole = amounts.length === 0 && (/\p{Script=Han}/u.test(text) || options.wholeDollars === true);
    const columns = whole ? wholeAmountsOfItem(text) : [];
    if (whole && isWholeDollarItem(text, columns)) amounts.push(...columns);
    else if (amounts.length > 0 && options.wholeDollars === true) {
      // `雲彩紙 312 14.00 4,368`: a unit price with cents, the amount in whole dollars after it; on a row of
      // numbers only (the name above it), `172 55.22 9,498`.
      const last = amounts[amounts.length - 1]!;
      const after = (a: { index: number }) => a.index > last.index + last.text.length;
      const tail = hasName(text) ? wholeAmountsOfItem(text).filter(after) : findWholeAmounts(text).filter((a) => after(a) && /[\s$]/.test(text[a.index - 1] ?? ''));
      amounts.push(...tail);
    }
    if (amounts.length === 0) {
      shortName = isShortName(text) ? { index: i, text } : null;
      if (isDescription(text)) pending.push(text);
      // A `label: value` row between (`買受人:53812386`, `日期110/9/17`) parts a name from the numbers
      // below: the address above a Taiwan invoice's buyer rows is no item's name. Barcodes and item
      // codes (`WA03 - 24/240`) do not.
      else if (/[:：]/.test(text) || /^\p{Script=Han}{2,}\s*\d/u.test(text)) pending = [];
      if (pending.length > 2) pending.shift();
      continue;
    }
    const label = text.slice(0, amounts[0]!.index).trim();
    // `39.54` alone over `39.54 litre Pump # 07`: the volume a fuel pump printed twice, not money.
    const nextText = rows[i + 1]?.text ?? '';
    if (label === '' && amounts.length === 1 && text.trim() === amounts[0]!.text.trim() && nextText.startsWith(amounts[0]!.text.trim()) && MEASURE_AFTER.test(nextText.slice(amounts[0]!.text.trim().length))) continue;
    const cls = classifyLabel(label);
    // Items end at the total, and at the payment when the total was not read as one.
    if (cls?.kind === 'total' || cls?.kind === 'tendered' || cls?.kind === 'change') break;
    // `Item Discount $0.20 -1.00` under an item: a negative line of the bill (a total of discounts is not).
    const discount = cls?.kind === 'other' && ITEM_DISCOUNT.test(label) && !/TOTAL/i.test(label) && amounts[amounts.length - 1]!.value.startsWith('-');
    if (discount) {
      items.push({ description: cleanDescription(label.replace(/[$]\s*$/, '').replace(/^[^\p{L}\p{N}]+/u, ''), null), quantity: null, unitPrice: null, amount: amounts[amounts.length - 1]!.value, evidence: { page: row.page, box: row.bbox, text } });
      pending = [];
      shortName = null;
      continue;
    }
    if (cls) continue;
    // `2506 LOKAN MANDARIN RM62.50` / `@5 X RM 12.50`: the quantity line printed under its item (the @ may
    // come out as a letter, RM as R); that item's quantity and price when they multiply out to its amount.
    // With no name waiting above it, such a row is never an item of its own: it names nothing.
    const qtyLine = amounts.length === 1 && pending.length === 0 && shortName === null ? QTY_LINE.exec(text) : null;
    if (qtyLine) {
      const previous = items[items.length - 1];
      if (previous?.amount && multipliesOut(qtyLine[1]!, amounts[0]!.value, previous.amount, wholeDollars)) {
        previous.quantity ??= qtyLine[1]!;
        previous.unitPrice ??= amounts[0]!.value;
      }
      continue;
    }
    // `Sub 1 al 8 37.55`: a SUBTOTAL OCR mangled past recognition, known by adding up to the items above it.
    if (items.length > 0 && /^[^\p{L}\p{N}]*S\s*[UV]\s*[B8D]\b/iu.test(label) && sameMoney(addDecimal(...items.map((item) => item.amount ?? '0')), amounts[amounts.length - 1]!.value)) break;
    let amount = amounts[amounts.length - 1]!.value;
    let quantity: string | null = null;
    let unitPrice: string | null = null;
    const qm = QTY_TIMES.exec(text);
    const leading = LEADING_QTY.exec(text);
    const priceFirst = PRICE_TIMES_QTY.exec(text);
    if (leading) quantity = leading[1]!;
    else if (priceFirst && sameMoney(lineAmount(priceFirst[2]!, priceFirst[1]!), amount)) {
      quantity = priceFirst[2]!;
      unitPrice = priceFirst[1]!;
    } else if (qm) {
      quantity = qm[1]!;
      if (qm[2]) unitPrice = qm[2];
    } else {
      const lead = /(?:^|\s)(\d{1,3})\s+(?=[^\s]*\d+\.\d{2})/.exec(text);
      if (lead && amounts.length >= 2) quantity = lead[1]!;
    }
    // The column before the amount, unless that is the quantity itself (`1.00 PKT 0.7500 0.75`, whose
    // four-decimal price is no amount).
    const beforeAmount = amounts[amounts.length - 2];
    if (!unitPrice && beforeAmount && !(qm && quantity === qm[1] && beforeAmount.index === qm.index)) unitPrice = beforeAmount.value;
    // `2 1TOWEL ROD 6.00 12.00`: a count before the name, when it multiplies out.
    const count = LEADING_COUNT.exec(text);
    if (!quantity && count && unitPrice && multipliesOut(count[1]!, unitPrice, amount, wholeDollars)) quantity = count[1]!;
    // `5 27499 11.00 55.00`: a count, then an item code, when it multiplies out.
    const leadingNumber = /^(\d{1,3})\s+(?=\d)/.exec(text);
    if (!quantity && leadingNumber && unitPrice && multipliesOut(leadingNumber[1]!, unitPrice, amount, wholeDollars)) quantity = leadingNumber[1]!;
    // `105個 119.73 $12,572`: a count in a Chinese unit.
    const hanCount = HAN_UNIT_COUNT.exec(text);
    if (!quantity && hanCount && unitPrice && multipliesOut(hanCount[1]!, unitPrice, amount, wholeDollars)) quantity = hanCount[1]!;
    // `工業用板 1,000 25.00 25,000`: the quantity printed between the name and the price.
    const beforePrice = /\s(\d{1,3}(?:,\d{3})+|\d{1,5})\s*$/.exec(label);
    const countBefore = beforePrice?.[1]!.replace(/,/g, '');
    if (!quantity && countBefore && unitPrice && hasName(label) && multipliesOut(countBefore, unitPrice, amount, wholeDollars)) quantity = countBefore;
    // `1 DELIVERY CHG 4.00`: one of it, at its amount.
    if (!quantity && !unitPrice && count?.[1] === '1' && amounts.length === 1) quantity = '1';
    // Whole-dollar columns: quantity, unit price, amount, when they multiply out.
    if (whole && !quantity && amounts.length >= 3 && multipliesOut(amounts[0]!.value, unitPrice!, amount, wholeDollars)) quantity = amounts[0]!.value;
    if (!unitPrice && quantity && quantity !== '0') {
      // amount / qty when it divides exactly.
      const each = divideDecimal(amount, quantity, 2);
      if (sameMoney(lineAmount(quantity, each), amount)) unitPrice = each;
    }
    if (quantity && unitPrice && !multipliesOut(quantity, unitPrice, amount, wholeDollars) && amounts.length >= 3) {
      // Columns: qty? price disc amount: keep the price that multiplies out, else the first column.
      const hit = amounts.slice(0, -1).find((a) => multipliesOut(quantity!, a.value, amount, wholeDollars));
      unitPrice = hit ? hit.value : amounts[0]!.value;
    }
    // `1X 11.23 811.23`: a speck read as a leading digit of the amount; quantity x price says which.
    if (quantity && unitPrice) {
      const product = lineAmount(quantity, unitPrice);
      if (!sameMoney(product, amount) && amount.length === product.length + 1 && amount.slice(1) === product) amount = product;
    }
    let description = cleanDescription(label.replace(LEADING_QTY, '').replace(count && quantity === count[1] ? LEADING_COUNT : /^$/, ''), quantity);
    // A name on its own row keeps its size (`MILO 1KG`): only barcodes are taken out of it.
    // `WALL'S TOPTEN CHOCOLATE 73ML` / `1 WALK 1.60 1.60`: a Qty / UOM layout whose row holds only the
    // unit; the name is the row above.
    // (The count is the quantity there even when the amount includes tax: `1 KOTA 8.49 8.49 9.00`.)
    const unitOnly = count !== null && pending.length > 0 && /^[A-Za-z]{1,4}$/.test(description.replace(LEADING_COUNT, ''));
    if (unitOnly) quantity ??= count[1]!;
    if ((!hasName(description) || unitOnly) && pending.length > 0) description = withoutBarcodes(pending.join(' '));
    else if (!hasName(description) && shortName?.index === i - 1) description = withoutBarcodes(shortName.text);
    else if (!hasName(description)) {
      // `9555017370017 1 28.00 26.00` / `LION FILE LAMINATING FILM`: a layout that prints the name under
      // the numbers (the first item has nothing above it to carry down). A speck row between them
      // (`8o:`) is stepped over.
      for (let j = i + 1; j < Math.min(end, i + 3); j += 1) {
        const below = rows[j]!.text;
        const priced = columnAmounts(below).length > 0 || ((/\p{Script=Han}/u.test(below) || options.wholeDollars === true) && wholeAmountsOfItem(below).length > 0);
        if (priced) break;
        if (isDescription(below)) {
          description = withoutBarcodes(below);
          i = j;
          break;
        }
        if (letterCount(below) >= 3) break;
      }
    }
    // Column titles OCR read into the first item's name go, unless nothing else names it.
    const untitled = withoutColumnTitles(description);
    if (letterCount(untitled) >= 2) description = untitled;
    pending = [];
    shortName = null;
    if (letterCount(description) < 2) continue;
    items.push({
      description,
      quantity: quantity && /^\d+(\.\d+)?$/.test(quantity) ? quantity : null,
      unitPrice,
      amount,
      evidence: { page: row.page, box: row.bbox, text },
    });
  }
  return items;
}

/** The most items one row may count; a larger whole number is no quantity a slip prints. */
const MAX_QUANTITY = '999';

/**
 * Quantities OCR misread (`20` for 2, a code's `230` for 1) on a slip whose item amounts add up: the sum
 * check vouches for each amount, and an amount that is a whole number of unit prices gives the count
 * (`(T02) BRAISED PORK 20 7.00 14.00` is 2 × 7.00). An item whose amount is no such multiple (a discount,
 * a price with the tax added) keeps its reading. `addsUp` is the receipt's sum check.
 */
export function repairMisreadQuantities(items: readonly LineItem[], addsUp: (amounts: string[]) => boolean, options: { wholeDollars?: boolean } = {}): LineItem[] {
  if (!addsUp(items.map((item) => item.amount ?? '0'))) return [...items];
  const wholeDollars = options.wholeDollars === true;
  return items.map((item) => {
    const { quantity, unitPrice: price, amount } = item;
    if (!quantity || !price || !amount || compareDecimal(price, '0') <= 0 || compareDecimal(amount, '0') <= 0) return item;
    if (multipliesOut(quantity, price, amount, wholeDollars)) return item;
    const count = divideDecimal(amount, price, 0);
    if (compareDecimal(count, '1') < 0 || compareDecimal(count, MAX_QUANTITY) > 0 || !multipliesOut(count, price, amount, wholeDollars)) return item;
    return { ...item, quantity: count };
  });
}

/**
 * One item amount OCR misread (`1 25.00 26.0C`, the 5 read as a 6): when the items do not add up, the
 * item whose quantity × price is not its amount, and whose product makes them add up, is read at its
 * product. Two printed facts (the item's columns and the subtotal or total) then agree against one
 * reading. Only when exactly one item does that; `addsUp` is the receipt's sum check.
 */
export function repairMisreadAmount(items: readonly LineItem[], addsUp: (amounts: string[]) => boolean, options: { wholeDollars?: boolean } = {}): LineItem[] {
  const amounts = items.map((item) => item.amount ?? '0');
  if (addsUp(amounts)) return [...items];
  const fixes: Array<{ at: number; amount: string }> = [];
  items.forEach((item, at) => {
    if (!item.quantity || !item.unitPrice || !item.amount || multipliesOut(item.quantity, item.unitPrice, item.amount, options.wholeDollars === true)) return;
    const exact = lineAmount(item.quantity, item.unitPrice);
    const product = options.wholeDollars === true && /^\d+$/.test(item.amount) ? roundDecimal(exact, 0) : exact;
    // A quantity read as 0 would zero the item rather than correct it.
    if (compareDecimal(product, '0') <= 0) return;
    if (addsUp(amounts.map((amount, i) => (i === at ? product : amount)))) fixes.push({ at, amount: product });
  });
  if (fixes.length !== 1) return [...items];
  const [fix] = fixes;
  return items.map((item, i) => (i === fix!.at ? { ...item, amount: fix!.amount } : item));
}
