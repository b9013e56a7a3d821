/**
 * Vendor address: the block right after the vendor name, from the first address-looking row down to the
 * contact/registration lines (TEL, FAX, GST, phone numbers) or the start of the body. Rows are joined
 * with one space, which is how receipt addresses read when their line breaks are dropped.
 */
import type { Row } from './layout.js';
import { BUYER_ROW, hasPostcode, isBodyStart, isDateRow, isContactLine, isIdLine, isTitleNoise, looksLikeAddress, startsLikeAddress } from './header.js';
import { letterCount } from './text.js';
import { GAZETTEER_WORDS } from './vocabulary.js';

export interface AddressResult {
  address: string;
  rows: Row[];
}

const height = (r: Row) => r.bbox.y1 - r.bbox.y0;

function isStop(row: Row): boolean {
  const t = row.text;
  return isContactLine(t) || isTitleNoise(t) || isBodyStart(row) || isDateRow(t) || BUYER_ROW.test(t) || /\b(?:GST|SST|VAT)\b/i.test(t);
}

/**
 * A chain's store number and branch name under the head-office address (`1317 TRILLIUM S6 BESI`,
 * `1076-IJOK`): part of the printed address block, which is what the vendor address is.
 */
const STORE_CODE_ROW = /^\d{3,5}(?:-|\s+)[A-Za-z][A-Za-z0-9 .'-]*$/;

/**
 * A contact or tax label printed on an address row, after the address (`SELANGOR. TEL: 03-8736 1234`,
 * `43000 KAJANG GST NO: 0012…`): where the address on that row ends.
 */
const TRAILING_LABEL = /\s(?:TEL|TELEPHONE|PHONE|FAX|H\/P|HP|MOBILE|EMAIL|E-MAIL|WEBSITE|WHATSAPPS?|GST|SST)\b\s*(?:NO\b|ID\b|REG\b)?\.?\s*[:.]?/i;

/** The address part of a row that goes on with a contact label, or null when no label follows an address. */
export function addressBeforeLabel(text: string): string | null {
  const label = TRAILING_LABEL.exec(text);
  if (!label) return null;
  const before = text.slice(0, label.index).trim();
  return letterCount(before) >= 3 && (looksLikeAddress(before) || hasPostcode(before)) ? before : null;
}

/** The address block that follows `after` (the vendor's last row), or the first block in the header. */
export function findAddress(rows: Row[], after: Row | null): AddressResult | null {
  const start = after ? after.index + 1 : 0;
  const picked: Row[] = [];
  // The part of each picked row that is address (a row may go on with `TEL: …`).
  const texts: string[] = [];
  let skipped = 0;
  for (let i = start; i < rows.length && i < start + 12; i += 1) {
    const row = rows[i]!;
    if (row.page !== rows[start]?.page) break;
    const cut = addressBeforeLabel(row.text);
    const underBuyer = i > 0 && BUYER_ROW.test(rows[i - 1]!.text) && rows[i - 1]!.page === row.page;
    if (cut !== null && !BUYER_ROW.test(row.text) && !underBuyer) {
      // The address ends on this row; the label after it starts the contact lines.
      if (picked.length > 0) {
        const last = picked[picked.length - 1]!;
        if (row.bbox.y0 - last.bbox.y1 > Math.max(height(last), height(row)) * 1.6) break;
      }
      picked.push(row);
      texts.push(cut);
      break;
    }
    if (picked.length === 0) {
      // The buyer's block (`買受人: …` and the address under it) is not the seller's address.
      if (BUYER_ROW.test(row.text) || (i > 0 && BUYER_ROW.test(rows[i - 1]!.text) && rows[i - 1]!.page === row.page)) {
        skipped += 1;
        continue;
      }
      if (isIdLine(row.text)) {
        skipped += 1;
        continue;
      }
      if (isStop(row) && !looksLikeAddress(row.text)) {
        if (isContactLine(row.text) || isBodyStart(row)) break;
        skipped += 1;
        continue;
      }
      // Registration numbers and "formerly known as" lines sit between the name and the address.
      if (isIdLine(row.text) || !looksLikeAddress(row.text)) {
        skipped += 1;
        if (skipped > 4) break;
        continue;
      }
      // A branch or mall name (`IKEA CHERAS`) printed right above the street line is not the address;
      // a row with house or unit numbers in it is its first line (`Avtivo Plaza, lot B-F-11, Block B`,
      // `Level 6, Bangunan TH` with its L read as a 1). A run of six digits or more is a company or phone
      // number (`CAMPANY REG, NO.:001055194X`), not an address.
      const next = rows[i + 1];
      const unitNumbers = /\d/.test(row.text) && !/\d{6,}/.test(row.text);
      if (!startsLikeAddress(row.text) && !hasPostcode(row.text) && !unitNumbers && next && startsLikeAddress(next.text) && !isStop(next)) {
        skipped += 1;
        continue;
      }
      picked.push(row);
      texts.push(row.text);
      continue;
    }
    const last = picked[picked.length - 1]!;
    const gap = row.bbox.y0 - last.bbox.y1;
    if (gap > Math.max(height(last), height(row)) * 1.6) break;
    if (isStop(row) || isIdLine(row.text) || letterCount(row.text) === 0) break;
    // Past the postcode line only address-like or bracketed rows continue the block (`KL FESTIVAL
    // CITY MALL`, `(TESCO PUTRA NILAI)`); a branch tag or a `LABEL : value` row ends it.
    if (picked.some((r) => hasPostcode(r.text))) {
      if (/\S\s*:\s*\S/.test(row.text) && !startsLikeAddress(row.text)) break;
      if (!looksLikeAddress(row.text) && !/^\(.*\)$/.test(row.text.trim()) && !STORE_CODE_ROW.test(row.text.trim())) break;
    }
    picked.push(row);
    texts.push(row.text);
    if (picked.length >= 6) break;
  }
  if (picked.length === 0) return null;
  const address = cleanAddress(texts.join(' '));
  return { address, rows: picked };
}

/**
 * Words of three letters or more that an address abbreviates with a point; their point is not a misread
 * comma. Shorter ones (NO., KG., RD.) never reach the rule, which looks at words of 3+ letters only.
 */
const ADDRESS_ABBREVIATIONS = new Set(['JLN', 'TMN', 'LRG', 'BLK', 'STR', 'AVE', 'BHD', 'SDN', 'LOT', 'DEPT', 'FLR', 'BLDG']);

/**
 * OCR specks in an address: tokens with no letter or digit (`+`, `|`, `:`; `&` is a real word there),
 * quote marks and bars stuck to a word's edge (`“40170`), and the space OCR puts before a comma or a
 * point (`NO.50 , JALAN`), which printed addresses never have.
 */
export function cleanAddress(text: string): string {
  return text
    // `UTAMA4`, `SEKSYEN9,`: an address word glued to the number after it (`U13`, `PJU8` are codes).
    .replace(/(?<![A-Za-z0-9])[A-Z]{4,}(?=\d{1,3}[A-Z]?(?![A-Za-z0-9]))/g, (word) => (GAZETTEER_WORDS.has(word) ? `${word} ` : word))
    .replace(/\s+(?=[,.](?:\s|$|[A-Za-z0-9]))/g, '')
    // `NO.32&33`: an ampersand with no space on either side lost them to OCR (PP-OCR drops most
    // spaces); addresses print it between spaces (16 to 6 in the sroie-dev keys), except between two
    // one-digit house numbers (`NO.2&4`, `NO 1&3`). One space read (`14& 16`) is left as printed.
    .replace(/([A-Za-z0-9-]+)&(?=([A-Za-z0-9-]+))/g, (match, left: string, right: string) => (/^\d$/.test(left) && /^\d$/.test(right) ? match : `${left} & `))
    // `TAMAN DAYA. 81100`, `BAHRU.JOHOR`: OCR reads the comma of a thermal print as a point. Inside an
    // address a point after a place word is the comma that separates its parts (234 commas to 2 such
    // points in the sroie-dev keys); abbreviations (NO., P.T., D.E) and numbers (`75.`) keep theirs.
    .replace(/(?<![A-Za-z.'])([A-Za-z]{3,})\.(?=\s*[A-Za-z0-9])/g, (match, word: string) => (ADDRESS_ABBREVIATIONS.has(word.toUpperCase()) ? match : `${word},`))
    // `12. JALAN`, `KENARI 5. BANDAR`, `LOT 38. 39`: the same misread after a number (91 commas to 3
    // points before a word, 4 to 0 before a spaced number, in the keys). A point inside a number
    // (`122.124`) or before a closing one (`NO1.JALAN`'s kind is the rare exception) is not touched. The
    // number may follow an ampersand (`NO.32&33.JALAN`).
    .replace(/(?<=(?:^|[\s&])[A-Za-z]?\d[\d/-]*[A-Za-z]?)\.(?=\s*[A-Za-z]{2}|\s+\d)/g, ',')
    // `10T 1851-A`, `L0T 38`: the first word LOT with its L or O read as a digit.
    .replace(/^(?:1|I|L)[0O]T(?=\s)/, 'LOT')
    // `SELANGOR D. E`: initials (Darul Ehsan) OCR spaced apart.
    .replace(/(?<=(?:^|\s)[A-Z])\.\s+(?=[A-Z](?:$|[\s,.]))/g, '.')
    .split(/\s+/)
    // Specks at a word's edge: quote marks and bars (`“40170`), an apostrophe after it (`LOT'`; D'SARA
    // keeps its own), a dash before a word (`-KPB`).
    .map((t) => t.replace(/^[“”"‘’|{}~^`_]+|[“”"‘’|{}~^`_']+$/g, '').replace(/^-+(?=[A-Za-z])/, ''))
    .filter((t) => t === '&' || /[\p{L}\p{N}]/u.test(t))
    .join(' ')
    .trim();
}
