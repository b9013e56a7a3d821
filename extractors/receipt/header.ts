/**
 * Classifiers for header rows (the block above the items): which rows are noise (document titles,
 * registration and tax numbers, phone lines), which look like an address, which like a company name.
 * Shared by the vendor and address rules so both read the header the same way.
 */
import type { Row } from './layout.js';
import { PLACE_NAMES } from './vocabulary.js';
import { digitCount, fuzzySubstringDistance, letterCount } from './text.js';

/** Legal forms: the strongest sign that a line is the seller's name. */
export const LEGAL_FORM = /\bSDN\.?\s*BH[DO0]\b|\bBHD\b|\bBERHAD\b|\bS\/B\b|\bLTD\b|\bLIMITED\b|\bINC\b|\bLLC\b|\bPLC\b|\bPTE\b|\bCORP(?:ORATION)?\b|\bGMBH\b|股份有限公司|有限公司/i;
/** Words businesses put in their names. */
export const BUSINESS_WORD = /\b(?:ENTERPRISES?|TRADING|TRADERS?|RESTAURANTS?|RESTORAN|CAFE|CAF[EÉ]|MART|MARKET|MINIMARKET|SUPERMARKET|HYPERMARKET|HARDWARE|STATIONERY|BOOKS?|BOOKSTORE|COMPANY|CO\.|PERNIAGAAN|SYARIKAT|KEDAI|STORES?|PASARAYA|HOLDINGS|INDUSTRIES|GROUP|BISTRO|BAKERY|PHARMACY|FARMASI|CENTRE|CENTER|SHOP|BORONG|ELECTRICAL|MOTOR|GALLERY|DELI|KITCHEN|KITCHENETTE|HOUSE|MACHINERY|MARKETING|SERVICES?|AGENCY|FOOD|FOODS|DELIGHTS?|PETRO|STATION|HOTEL|PUB|HANDEL|PRINTING|TAILORING|TRADE|LAUNDRY|SALON|CLINIC|KLINIK)\b|商行|企業社|商店|公司|餐廳|超市|便利商店|藥局/i;
const TITLE_NOISE = /^[\W_]*(?:\W*(?:SIMPLIFIED\s+)?(?:FULL\s+)?TAX\s*INVOICE|\W*INVOICE\W*|\W*(?:OFFICIAL\s+|CASH\s+|SALES\s+)?RECEIPT\W*|\W*CASH\s*(?:BILL|SALES?)?\W*|\W*BILL\W*|\W*CREDIT\s*NOTE|\W*WELCOME\b.*|\W*THANK\s*YOU.*|\W*COPY\W*|\W*REPRINT\W*|\W*DUPLICATE\W*|\W*ORDER\W*|\W*CHECK\W*|\W*QUOTATION\W*|\W*DELIVERY\s*ORDER\W*|\W*統一發票.*|\W*電子發票.*|\W*收據\W*|\W*收銀機.*)$/i;
const ID_LINE = /\b(?:GST|SST|VAT|TAX|TIN|BRN|ROC|CO\.?\s*REG|COMPANY\s*(?:REG|NO)|CO\s*NO|REG(?:ISTRATION)?\.?\s*NO|BR\s*NO|CO\.?\s*NO|BUSINESS\s*(?:REG|NO)|ID\s*NO|MBPJ|LICEN[CS]E)\b|統一編號|統編|營業人/i;
const CONTACT = /\b(?:TEL|TELEPHONE|PHONE|FAX|H\/?P|HP|MOBILE|EMAIL|E-MAIL|WEBSITE|WHATSAPP|WA)\b|@|WWW\.|HTTPS?:|\.COM\b|\.MY\b|電話|傳真/i;
const PHONE = /(?:^|\s)\+?\(?0\d{1,3}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}\b(?!\s*-?\s*[A-Z]\b)/;
const REG_NUMBER_ONLY = /^[(\[]?\s*(?:NO\.?\s*)?[A-Z]{0,3}\s*\d{3,}[\d\s]*-?\s*[A-Z]?\s*[)\]]?[.,]?$/i;
// TIME only with its value (`TIME: 20:54`, `TIME 10:25`): OCR splits TIMELESS into `Time less`.
const BODY_START = /\b(?:DATE|TIME(?=\s*[:.\d])|CASHIER|TERMINAL|TABLE|POS|QTY|DESCRIPTION|ITEM|PAX|DOC(?:UMENT)?\s*NO|INVOICE\s*(?:NO|#)|RECEIPT\s*(?:NO|#)|BILL\s*NO|TRANS|SALESPERSON|MEMBER|SERVED|ORDER\s*NO|SLIP)\b|品\s*名|品\s*項|數\s*量|單\s*價|交易明細/i;
export const ADDRESS_WORD = /\b(?:NO\.?|LOT|JALAN|JLN|JL|TAMAN|TMN|LORONG|LRG|BANDAR|KAWASAN|PERSIARAN|LEBUH(?:RAYA)?|BATU|KAMPUNG|KG|BLOCK|BLK|BLOK|LEVEL|FLOOR|FLR|UNIT|SUITE|WISMA|PLAZA|MENARA|KOMPLEKS|SEKSYEN|SECTION|ROAD|RD|STREET|AVENUE|AVE|BOULEVARD|BLVD|HIGHWAY|MALL|INDUSTRIAL|PERINDUSTRIAN|CITY|JAYA|UTAMA|SELANGOR|JOHOR|KUALA|LUMPUR|PENANG|PINANG|PERAK|KEDAH|MELAKA|PAHANG|SABAH|SARAWAK|NEGERI|KELANTAN|TERENGGANU|PERLIS|PUTRAJAYA|LABUAN|MALAYSIA|SINGAPORE|DARUL|EHSAN|TAKZIM|BAHRU|ALAM|PETALING|KLANG|CHERAS|PUCHONG|SHAH|SUBANG|DAMANSARA|AMPANG|KAJANG|SERDANG|SERI|SRI)\b/i;
const POSTCODE = /(?<![\dA-Za-z-])\d{5}(?![\d-])/;

export function isTitleNoise(text: string): boolean {
  if (TITLE_NOISE.test(text.replace(/[^\p{L}\p{N}]+$/u, '').trim())) return true;
  // `= SIM PLIFIED TAX INVOICE`, `BE INVMPLIPIED TAX INVOCT_|`: the title with OCR damage and specks.
  // Letters only, so split words and stray marks do not matter; little else may be on the row.
  const letters = text.toUpperCase().replace(/[^A-Z]/g, '');
  if (letters.length < 8 || letters.length > 26) return false;
  return fuzzySubstringDistance(letters, 'TAXINVOICE') <= 2 && (letters.length <= 14 || fuzzySubstringDistance(letters, 'SIMPLIFIED') <= 3);
}

/** Registration/tax-number lines: `(789417-W)`, `CO.REG : 933109-X`, `GST ID: 000849813504`. */
export function isIdLine(text: string): boolean {
  const t = text.trim();
  if (REG_NUMBER_ONLY.test(t)) return true;
  // A company number (`113825-W`) with little else on the row.
  if (/\d{5,}\s?-\s?[A-Z]\b/.test(t) && letterCount(t.replace(ID_LINE, '')) <= 8) return true;
  if (ID_LINE.test(t) && letterCount(t.replace(ID_LINE, '')) <= 4 + digitCount(t) / 3) return true;
  return /^\(?\s*[A-Z]{0,3}\s*\d{4,}\s*-\s*[A-Z]\s*\)?\s*$/i.test(t);
}

/**
 * A line of place names only (`SELANGOR DARUL EHSAN`, `KUALA LUMPUR`): the tail of an address, never a
 * shop's name, even when a logo above it left no readable name. Words under two letters are OCR specks.
 */
export function isPlaceLine(text: string): boolean {
  const words = text.toUpperCase().match(/[A-Z]{2,}/g) ?? [];
  return words.length > 0 && words.every((w) => PLACE_NAMES.includes(w));
}

export function isContactLine(text: string): boolean {
  return CONTACT.test(text) || (PHONE.test(text) && letterCount(text) <= 4);
}

/**
 * A five-digit postcode (`81100 JOHOR`, `TAMPOI,81200`, `47400PJ`). Not five digits inside a longer code
 * (`11008BB425187595213574393207`, a bill's barcode number; `CXI21180EFF197`, a tax bill's number): the
 * word around them holds no other digits beyond a house number's few, and no letter comes right before.
 */
export function hasPostcode(text: string): boolean {
  return inShortWord(text, POSTCODE);
}

/** Whether `pattern` matches a word of `text` that is no long code (a word of at most 8 digits). */
function inShortWord(text: string, pattern: RegExp): boolean {
  return text.split(/\s+/).some((word) => pattern.test(word) && digitCount(word) <= 8);
}

/** The first row of an address block: `NO. 53,`, `LOT 1851-A`, `12, JALAN`, `LEVEL 6`, `S117, SECOND FLOOR`. */
export function startsLikeAddress(text: string): boolean {
  // `3RD FLR, AEON ... SC`, `1ST FLOOR`: a floor opens the address like a street number does (also with
  // the D of its ordinal read as an O: `3RO FLR`).
  return /^\W*(?:NO\b|NO\.|NO:|NO,|LOT\b|LEVEL\b|UNIT\b|BLOCK\b|BLK\b|SUITE\b|FLOOR\b|FLR\b|G\/F|\d+(?:ST|ND|RD|TH)\b|\d*[23][NR][O0]\s+(?:FLR|FLOOR)\b|[A-Z]{0,2}\d+[A-Z]?\b)/i.test(text) || /\b(?:JALAN|JLN)\b/i.test(text);
}

/** Rows about the buyer (買方, 買受人 on 三聯式 invoices, BUYER): their name, address and tax id are not the seller's. */
// Not the notice every 收銀機 triplicate invoice prints in its header, `※買受人為非營業人者本聯作廢`
// (this copy is void when the buyer is not a business): it names no buyer.
// A utility or telecom bill names its customer's number `用戶統一編號` / `客戶統一編號` (the subscriber's).
export const BUYER_ROW = /買方|買受人(?!為)|納稅義務人|BUYER|[用客]\s*戶\s*統\s*一\s*編\s*號/i;

/** A row that starts with a full date (`2024-02-04 13:45`, `25/12/2018`): the body, never an address. */
const LEADING_DATE = /^(?:\d{4}[/.-]\d{1,2}[/.-]\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4})(?!\d)/;

/** A row that is a date (`中華民國113年02月04日`, `2024-02-04 13:45:10`, `25/12/2018`): never a name or an address. */
export function isDateRow(text: string): boolean {
  const t = text.trim();
  // `日期: 113年05月20日`, `開立日期：2024-01-05`: a labelled date is a date row too.
  const unlabelled = t.replace(/^(?:\p{Script=Han}{0,4}日期|DATE|TARIKH)\s*[:：]?\s*/iu, '');
  return LEADING_DATE.test(unlabelled) || /^(?:中華民國|民國)?\s*\d{2,4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?/.test(unlabelled);
}

/**
 * A Taiwan address by its shape, not by one character: a house number (`183巷23號`, `一段1號`, `5之1號`),
 * a city or county with its district (`台南市永康區`), or a road with its section or number
 * (`中山北路二段`, `崑山街183巷`). A lone 號 or 市 is everywhere on an invoice (`發票號碼` cut to
 * `號 FY03779651`, `呼號`, `寳號`, `P市002` on a register row), and rows carrying them were taken for the
 * seller's address.
 */
const TAIWAN_ADDRESS = new RegExp(
  [
    String.raw`[\d０-９一二三四五六七八九十]\s*(?:之\s*[\d０-９]+\s*)?號(?!碼)`,
    String.raw`\p{Script=Han}[縣市]\p{Script=Han}{1,4}?[區鄉鎮市]`,
    String.raw`\p{Script=Han}(?:路|街|大道)(?:[一二三四五六七八九十\d]+段|\s*[\d０-９])`,
  ].join('|'),
  'u',
);

/** Five digits, as a postcode is printed, also beside a dash (`-81100`). */
const FIVE_DIGITS = /(?<![\dA-Za-z])\d{5}(?!\d)/;

export function looksLikeAddress(text: string): boolean {
  const t = text.trim();
  if (isDateRow(t)) return false;
  if (ADDRESS_WORD.test(t) || TAIWAN_ADDRESS.test(t) || inShortWord(t, FIVE_DIGITS)) return true;
  // `67,JLN ...`, `12, ...`, `NO.53 55,57 & 59`
  return /^\d+[A-Z]?\s*[,.-]/.test(t);
}

export function isBodyStart(row: Row): boolean {
  return BODY_START.test(row.text) || /\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}/.test(row.text) || /\d+\.\d{2}\b.*\d+\.\d{2}\b/.test(row.text);
}

/**
 * The header: rows from the top down to the first row that starts the receipt body (date, cashier,
 * item table), at most the top half of the first page.
 */
export function headerRows(rows: Row[]): Row[] {
  const out: Row[] = [];
  for (const row of rows) {
    if (row.page !== rows[0]?.page) break;
    if (row.bbox.y0 > row.pageHeight * 0.5 && out.length > 0) break;
    if (out.length >= 3 && isBodyStart(row)) break;
    out.push(row);
    if (out.length >= 18) break;
  }
  return out;
}
