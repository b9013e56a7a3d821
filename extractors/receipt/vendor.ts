/**
 * Vendor name: the company-like line of the header. Candidates are scored by legal form (SDN BHD,
 * 有限公司), business words, what follows them (a registration number or the address), their text
 * height and how high they sit; a name printed over two or three lines is joined back together.
 */
import type { Row } from './layout.js';
import { BUSINESS_WORD, BUYER_ROW, LEGAL_FORM, hasPostcode, isDateRow, headerRows, startsLikeAddress, isContactLine, isIdLine, isPlaceLine, isTitleNoise, looksLikeAddress } from './header.js';
import { digitCount, letterCount } from './text.js';
import { findInvoicePeriod } from '../rules/taiwan.js';

export interface VendorResult {
  name: string;
  rows: Row[];
  score: number;
}

const height = (r: Row) => r.bbox.y1 - r.bbox.y0;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}

function isNoise(row: Row): boolean {
  const t = row.text;
  return isTitleNoise(t) || isIdLine(t) || isContactLine(t) || letterCount(t) < 3 || isHandwritten(t) || isPlaceLine(t) || isStreetLine(t) || isPeriodLine(t) || isRegisterLine(t) || TAXED_ITEM_ROW.test(t) || isFormTitles(t);
}

/** Field titles of a printed form: 日期, 金額, 項目, 號碼, 名稱, 數量, 單價, 稅額. */
const FORM_TITLE = /日\s*期|金\s*額|項\s*目|號\s*碼|名\s*稱|數\s*量|單\s*價|稅\s*額/gu;

/** What a form calls itself: 證明 (certificate), 通知 (notice), 帳單 (bill), 繳款書 / 繳納 (payment slip). */
const FORM_NAME = /證\s*明|通\s*知|帳\s*單|繳\s*款\s*書|繳\s*納/u;

/**
 * `貨物進口日期 船(機)名及呼號(班次) 稅費項目 金額(新臺幣:元)`, `海關進口快遞貨物稅費繳納證明`: a row of a
 * form's column titles, or the form's own title, names no seller.
 */
function isFormTitles(text: string): boolean {
  return !LEGAL_FORM.test(text) && ((text.match(FORM_TITLE) ?? []).length >= 2 || FORM_NAME.test(text));
}

/**
 * The cash register's own row (`班別1 收銀員001`, `P市002 機161214 黃1` on a Taiwan slip: shift, cashier,
 * machine and serial numbers): more digits than letters, or a register label, and no legal form. On a
 * slip whose name OCR could not read, it was taken for the seller.
 */
const REGISTER_LABEL = /班\s*別|收\s*銀\s*員|機\s*號|序\s*號|店\s*號/u;

function isRegisterLine(text: string): boolean {
  return !LEGAL_FORM.test(text) && (REGISTER_LABEL.test(text) || digitCount(text) > letterCount(text));
}

/** An item sold: an amount with its tax code after it (`精包 5 195 TX`, `MILO 3.50 SR`), never a name. */
const TAXED_ITEM_ROW = /\d\s*(?:TX|SR|ZRL?)\s*$/;

/** `中華民國113年5-6月份`: a uniform invoice's period, printed where a name would be. */
function isPeriodLine(text: string): boolean {
  return findInvoicePeriod(text) !== null && !LEGAL_FORM.test(text);
}

/**
 * The seller named with a label (`賣方: 大成建材行 統一編號 24549210`, `營業人名稱：…`), as a
 * 三聯式 invoice prints it under the items, away from the header.
 */
const LABELLED_SELLER = /(?:賣\s*方|營業人|銷售人)(?:\s*名\s*稱)?\s*[:：]\s*(\p{Script=Han}[\p{Script=Han}()（）A-Za-z0-9]{1,40}?)(?=\s|統一編號|統編|$)/u;

export function findLabelledSeller(rows: Row[]): VendorResult | null {
  for (const row of rows) {
    const m = LABELLED_SELLER.exec(row.text);
    if (m && letterCount(m[1]!) >= 2) return { name: m[1]!, rows: [row], score: 4 };
  }
  return null;
}

/** `地址: …`, `電話: …`: a labelled address or phone row names no seller. */
const CONTACT_LABEL_ROW = /^\s*(?:地\s*址|電\s*話|傳\s*真)\s*[:：]/u;

/** The caption of the seller's stamp on a handwritten uniform invoice: `營業人蓋用統一發票專用章`. */
const STAMP_CAPTION = /統一發票專用章|發票專用章/u;

/**
 * A handwritten 三聯式 invoice names its seller only in the stamp pressed under the items, whose
 * caption OCR reads (`營業人蓋用統一發票專用章`); the company there, the row with its legal form right
 * under the caption, is the seller. Stamps read worse than print: the header's name wins when it has
 * a legal form.
 */
export function findStampedSeller(rows: Row[]): VendorResult | null {
  const caption = rows.findIndex((row) => STAMP_CAPTION.test(row.text));
  if (caption < 0) return null;
  for (const row of rows.slice(caption + 1, caption + 3)) {
    if (STAMP_CAPTION.test(row.text)) continue;
    const name = cleanHanCompanyName(row.text.replace(/\s+/g, ''));
    if (HAN_LEGAL_FORM.test(name) && /^\p{Script=Han}/u.test(name) && !BUYER_ROW.test(row.text)) return { name, rows: [row], score: 3 };
  }
  return null;
}

/**
 * `NO. 53, JALAN BESAR, 45600 ...`: a street number and a postcode on one row with no legal form or
 * business word is the address, whatever else in the header is unreadable.
 */
function isStreetLine(text: string): boolean {
  return startsLikeAddress(text) && hasPostcode(text) && !LEGAL_FORM.test(text) && !BUSINESS_WORD.test(text);
}

/** An all-lower-case line in a capitals header is a note written on the slip (OCR reads script as lower case). */
function isHandwritten(text: string): boolean {
  const letters = text.match(/[A-Za-z]/g) ?? [];
  return letters.length >= 4 && letters.every((c) => c >= 'a' && c <= 'z');
}

/** `BISTRO & CAFE`, `RESTAURANT`: trade words joined by `&`/`AND` and nothing else. */
export function isTradeDescriptor(text: string): boolean {
  const rest = text.replace(new RegExp(BUSINESS_WORD.source, 'gi'), ' ').replace(/\bAND\b|&|[^\p{L}\p{N}]/giu, ' ').trim();
  return rest === '' && BUSINESS_WORD.test(text);
}

function unbalanced(text: string): number {
  return (text.match(/\(/g) ?? []).length - (text.match(/\)/g) ?? []).length;
}

const CONTINUES = /(?:&|\band|-|,|\(|\bOF|\bTHE)\s*$/i;
const CONTINUATION = /^\s*(?:\)|&|SDN\b|BHD\b|\(M\)|S\/B\b|LTD\b|CO\b\.?|COMPANY\b|ENTERPRISES?\b|TRADING\b|[a-z])/;

/**
 * Repairs OCR misreads of the legal form and of punctuation around it: `SDN BND`, `SDN 8HD`, `SON, BHD.`
 * (a comma for the point), `SD BHD` / `SIN BHD` / `5DN BHD` (a word one edit from SDN right before BHD),
 * `5/B` for `S/B`, `( SETIA ALAM )` with the spaces OCR puts inside brackets, and dotted initials read
 * with digits (`D.1.Y.` → `D.I.Y.`).
 */
export function repairLegalForm(name: string): string {
  return name
    .replace(/\b[S5$][DO0]N([.,]?)\s*[B8][HN][DO0IL](\.?)(?=\W|$)/gi, (_m, p1: string, p2: string) => `SDN${p1 ? '.' : ''} BHD${p2}`)
    .replace(/\b[B8]HD\b/g, 'BHD')
    .replace(/(?<![A-Za-z0-9])([A-Za-z0-9$]{2,3})(?=\s+BHD\b)/gi, (w) => (w.toUpperCase() !== 'SDN' && nearSdn(w.toUpperCase()) ? 'SDN' : w))
    .replace(/(?<![A-Za-z0-9])[5$]\/[B8](?![A-Za-z0-9])|(?<![A-Za-z0-9])S\/8(?![A-Za-z0-9])/g, 'S/B')
    // `S7B`, `57B`, `S/D` at the end of a name: S/B (Sdn Bhd) with its S read as a 5, its slash as a 7
    // or its B as a D.
    // (Before the end, or the company number, whose bracket OCR may read as a digit: `57B 4519537-X)`.)
    .replace(/(?<=[A-Za-z]{2,}\s+)[S5](?:7B|\/D)(?=\s*(?:\(|\d{5,}|$))/g, 'S/B')
    // `INTERNATIONAL. SDN BHD`, `BOOK. CO. (M)`: a speck read as a point before the legal form.
    .replace(/(?<=[A-Za-z]{3})\.\s+(?=SDN\b|CO\.)/g, ' ')
    // `S.H.H . MOTOR`: a point standing alone between spaces ends the word before it (no sroie-dev name
    // has a lone point; `TA .K` leans on the word after it and stays).
    .replace(/(?<=[A-Za-z0-9]) \.(?= )/g, '.')
    // `INTERNATIONAL ·SDN`: a middle dot is a speck; no company name prints one.
    .replace(/\s*[·•]\s*/g, ' ')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')')
    // `K(TAMAN DAYA)SDN BHD`: a bracketed part stands apart from the words around it (15 names to 1 in
    // the sroie-dev keys); OCR often loses those spaces. A short tag glued on both sides
    // (`MR.D.I.Y(M)SDN`) is printed that way and stays.
    .replace(/(?<=[A-Za-z.])\(([A-Za-z][^()]+)\)(?=[A-Za-z])/g, ' ($1) ')
    .replace(/(?<=[A-Za-z.])\((?=[A-Za-z]{2}[^()]*\)\s)/g, ' (')
    .replace(/(?<=\s\([^()]*\))(?=[A-Za-z])/g, ' ')
    // `C0.`, `HU1`: the company form CO. and a short word with a digit read for its letter look-alike.
    .replace(/(?<![A-Za-z0-9])C0(?=\.|\s|$)/g, 'CO')
    .replace(/(?<![A-Za-z0-9])([A-Z]{2,})([01])(?![A-Za-z0-9./-])/g, (_m, word: string, digit: string) => word + (digit === '0' ? 'O' : 'I'))
    .replace(/(?<![A-Za-z0-9.])(?:[A-Z0-9]\.){2,}(?![A-Za-z0-9])/g, (t) => (/[A-Z]/.test(t) ? t.replace(/1/g, 'I').replace(/0/g, 'O') : t));
}

/** `SD`, `SON`, `SIN`, `5DN`: SDN with one letter dropped or one confusable substitution (S also read as 5/$). */
function nearSdn(word: string): boolean {
  const w = word.replace(/^[5$]/, 'S');
  if (w.length === 2) return w === 'SD' || w === 'SN';
  if (w[0] !== 'S') return false;
  const sets = ['DO0IL', 'NMHR'];
  return (w[1] === 'D' ? 1 : 0) + (w[2] === 'N' ? 1 : 0) === 1 && sets.every((set, i) => set.includes(w[i + 1]!));
}

/**
 * OCR specks around a name: underscores, tokens with no letter or digit at either end (`| ASIA MART`, `BOOKS ~~`),
 * a stray mark glued to the first word (`{JAN`), and a lone character stranded among trailing specks
 * (`ZHENG HUI 3 :`). Closing brackets and the final point of `SDN. BHD.` stay.
 */
export function stripSpecks(name: string): string {
  const word = /[\p{L}\p{N}]/u;
  // No shop name is printed with an underscore: it is a speck on the baseline (`TA _.K`, `ATK_HUAR`).
  const tokens = name.replace(/_+/g, ' ').split(/\s+/).filter(Boolean);
  while (tokens.length > 0 && !word.test(tokens[0]!)) tokens.shift();
  let specks = false;
  while (tokens.length > 1) {
    const last = tokens[tokens.length - 1]!;
    if (!word.test(last)) {
      tokens.pop();
      specks = true;
    } else if (specks && last.length === 1) {
      tokens.pop();
      specks = false;
    } else break;
  }
  return tokens
    .join(' ')
    .replace(/^[^\p{L}\p{N}(]+/u, '')
    .replace(/[^\p{L}\p{N}.)\]]+$/u, '')
    .replace(/^\((?=[^)]*$)/, '');
}

function isNameTail(text: string): boolean {
  if (!LEGAL_FORM.test(text)) return false;
  const rest = text.replace(new RegExp(LEGAL_FORM.source, 'gi'), ' ').replace(/\([A-Z]{1,3}\)|[^A-Za-z\s]/g, ' ').trim();
  return rest.split(/\s+/).filter((w) => w.length > 0).length <= 1;
}

/** Trailing company numbers (`(519537-X)`, `CO-REG:860671-D`) and a leading `OWNED BY:`-style label. */
export function cleanVendorName(name: string): string {
  let out = name
    // (the hyphen before the check letter is often read as a point: `(519537.X)`)
    .replace(/\s*[(\[]?\s*(?:(?:CO(?:MPANY)?\.?\s*-?\s*(?:REG(?:ISTRATION)?|NO)\.?\s*(?:NO\.?)?|ROC\s*NO\.?|REG\.?\s*NO\.?)\s*[:.]?\s*)?[A-Z]{0,3}\d{4,}\s*[-.]?\s*[A-Z%]?\s*[)\]]?\s*$/i, '')
    .trim();
  // A name ends at its legal form; what OCR glued after it (`AEON CO. (M) BHD (178 3RD FLR, ...`) goes.
  const legal = [...out.matchAll(new RegExp(LEGAL_FORM.source, 'gi'))].pop();
  if (legal) {
    const end = legal.index + legal[0].length;
    const tail = out.slice(end);
    if (/\d/.test(tail) || tail.length > 12) out = out.slice(0, end) + (tail.startsWith('.') ? '.' : '');
  }
  out = cleanHanCompanyName(out);
  const labelled = /^[A-Z]+\s*:\s*(.+)$/i.exec(out);
  if (labelled && (LEGAL_FORM.test(labelled[1]!) || BUSINESS_WORD.test(labelled[1]!))) out = labelled[1]!;
  return out;
}

/** A Taiwan company's legal form, with the first character of 股份 as OCR often misreads it. */
const HAN_LEGAL_FORM = /(?:\p{Script=Han}份)?有限公司|企業社|商行|工作室/u;

/**
 * A Taiwan company name read among marks and Latin letters (the chi_tra model reading a logo or a
 * seal next to the name): `| *REAREREA 九達生活禮品妝份有限公司 |` → `九達生活禮品股份有限公司`. The name
 * is the run of Han characters that ends with the legal form, when at least two characters come before
 * the form; `X份有限公司` is 股份有限公司 (no other legal form ends in 份有限公司).
 */
export function cleanHanCompanyName(name: string): string {
  for (const run of name.matchAll(/[\p{Script=Han}()（）]+/gu)) {
    const form = HAN_LEGAL_FORM.exec(run[0]);
    if (!form) continue;
    const before = run[0].slice(0, form.index).replace(/^[()（）]+/u, '');
    if ((before.match(/\p{Script=Han}/gu) ?? []).length < 2) return name;
    const legal = form[0].replace(/^\p{Script=Han}份有限公司$/u, '股份有限公司');
    // Keep what follows the legal form only if it is a branch in brackets (…有限公司(信義門市)).
    const after = run[0].slice(form.index + form[0].length);
    const branch = /^[(（][^)）]*[)）]/u.exec(after)?.[0] ?? '';
    return `${before}${legal}${branch}`;
  }
  return name;
}

/** `upper` and `lower` print one name: the lower row has no legal form, the upper names a trade, same height. */
function isSecondNameRow(upper: Row, lower: Row): boolean {
  if (LEGAL_FORM.test(lower.text) || LEGAL_FORM.test(upper.text) || !BUSINESS_WORD.test(upper.text) || looksLikeAddress(upper.text)) return false;
  return Math.abs(height(upper) / height(lower) - 1) < 0.25;
}

/** Scores every header row as a possible vendor name and joins multi-line names. */
export function findVendor(rows: Row[]): VendorResult | null {
  const header = headerRows(rows);
  if (header.length === 0) return null;
  const medianHeight = median(header.map(height));
  const candidates: { row: Row; score: number; pos: number }[] = [];
  // The seller's block (name, company number, address) comes before the document title; a name under
  // the title, once an address or company number sits above it, is the customer billed.
  const title = header.findIndex((r) => isTitleNoise(r.text));
  const sellerAbove = title > 0 && header.slice(0, title).some((r) => hasPostcode(r.text) || isIdLine(r.text));
  let pos = 0;
  for (let i = 0; i < header.length; i += 1) {
    const row = header[i]!;
    // The buyer's name (`買受人: 測試營造股份有限公司` on a 三聯式 invoice) is never the seller, nor is a date.
    if (isNoise(row) || BUYER_ROW.test(row.text) || isDateRow(row.text) || CONTACT_LABEL_ROW.test(row.text)) continue;
    // Nor the line under the buyer's (their address).
    if (i > 0 && BUYER_ROW.test(header[i - 1]!.text)) continue;
    const t = row.text;
    let score = 0;
    if (LEGAL_FORM.test(t)) score += 3;
    if (BUSINESS_WORD.test(t)) score += 1.5;
    const addressy = looksLikeAddress(t) && !LEGAL_FORM.test(t) && !BUSINESS_WORD.test(t);
    if (addressy) score -= 2.5;
    const next = header[i + 1];
    if (next && (isIdLine(next.text) || (looksLikeAddress(next.text) && !addressy))) score += 1;
    // Taller print is the shop's name; capped so a big logo line does not dominate.
    if (medianHeight > 0) score += Math.max(-0.5, Math.min(1, (height(row) / medianHeight - 1) * 1.5));
    score -= pos * 0.35;
    if (/\d{3,}/.test(t) && !LEGAL_FORM.test(t)) score -= 0.5;
    if (sellerAbove && i > title) score -= 3;
    candidates.push({ row, score, pos });
    pos += 1;
  }
  candidates.sort((a, b) => b.score - a.score);
  const best = candidates[0];
  if (!best) return null;
  const at = (row: Row) => header.indexOf(row);
  const adjacent = (a: Row, b: Row) => b.bbox.y0 - a.bbox.y1 < Math.max(height(a), height(b)) * 1.2;
  // `THREE STOOGES` / `BISTRO & CAFE`: a row of trade words only says what the shop is; the name is the
  // row right above it.
  const named = header[at(best.row) - 1];
  const nameAbove = isTradeDescriptor(best.row.text) && named && adjacent(named, best.row) && !isNoise(named) && !BUYER_ROW.test(named.text) && !isDateRow(named.text) && !looksLikeAddress(named.text) && !LEGAL_FORM.test(named.text) && !CONTINUES.test(named.text);
  const picked = [nameAbove ? named : best.row];
  // `RESTAURANT SDN BHD`, `SDN BHD`, `CO. (M) SDN BHD`: a legal form with at most one word before it is
  // the tail of a name that started on the row above.
  const above = header[at(picked[0]!) - 1];
  if (above && !isNoise(above) && adjacent(above, picked[0]!) && !LEGAL_FORM.test(above.text) && !startsLikeAddress(above.text) && !hasPostcode(above.text) && isNameTail(picked[0]!.text)) {
    picked.unshift(above);
  }
  // `RESTAURANT JIAWEI` / `JIAWEI HOUSE`: a name with no legal form, right under a row of the same print
  // that names a trade, is one name set on two rows. (A brand line above a legal name, `TESCO` over
  // `MR D.I.Y. (M) SDN BHD`, stays apart: the legal name is the company.)
  const over = header[at(picked[0]!) - 1];
  if (picked.length === 1 && over && isSecondNameRow(over, picked[0]!) && adjacent(over, picked[0]!) && !isNoise(over)) picked.unshift(over);
  // Upwards: `AIK HUAT HARDWARE` / `ENTERPRISE (SETIA` / `ALAM) SDN BHD`.
  for (let i = at(picked[0]!) - 1; i >= 0; i -= 1) {
    const prev = header[i]!;
    const first = picked[0]!;
    if (isNoise(prev) || !adjacent(prev, first)) break;
    const joinedText = picked.map((r) => r.text).join(' ');
    const needs = unbalanced(joinedText) < 0 || CONTINUES.test(prev.text) || CONTINUATION.test(first.text) || unbalanced(prev.text) > 0;
    if (!needs || (looksLikeAddress(prev.text) && !BUSINESS_WORD.test(prev.text))) break;
    picked.unshift(prev);
  }
  // Downwards: `HOME MASTER HARDWARE &` / `ELECTRICAL`.
  for (let i = at(picked[picked.length - 1]!) + 1; i < header.length; i += 1) {
    const next = header[i]!;
    const last = picked[picked.length - 1]!;
    if (isNoise(next) || !adjacent(last, next)) break;
    const joinedText = picked.map((r) => r.text).join(' ');
    const needs = unbalanced(joinedText) > 0 || CONTINUES.test(last.text) || (CONTINUATION.test(next.text) && !looksLikeAddress(next.text));
    if (!needs) break;
    picked.push(next);
  }
  const name = cleanVendorName(repairLegalForm(stripSpecks(picked.map((r) => r.text).join(' ').replace(/\s+/g, ' ').trim())));
  return { name, rows: picked, score: best.score };
}
