/**
 * The few Taiwan invoice conventions the sample generator needs to print consistent documents. The
 * pipeline has its own parsers; these exist so the generator can refuse to write an inconsistent sample.
 */

const TAX_ID_WEIGHTS = [1, 2, 1, 2, 1, 2, 4, 1];

/**
 * 統一編號 checksum (Ministry of Finance): multiply by 1,2,1,2,1,2,4,1, add the digits of each product;
 * the sum is divisible by 10 (by 5 since 2023-04-01), and when the 7th digit is 7 the sum plus one also
 * counts. Samples use numbers divisible by 10 so they pass under both rules.
 */
export function isValidTaxIdBothRules(id: string): boolean {
  if (!/^\d{8}$/.test(id)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const product = Number(id[i]) * (TAX_ID_WEIGHTS[i] ?? 0);
    sum += Math.floor(product / 10) + (product % 10);
  }
  return sum % 10 === 0 || (id[6] === '7' && (sum + 1) % 10 === 0);
}

export function assertTaxId(id: string, what: string): string {
  if (!isValidTaxIdBothRules(id)) throw new Error(`[samples] ${what} 統一編號 ${id} fails the checksum; pick another number`);
  return id;
}

/** 2024-02-04 → { year: 113, month: '02', day: '04' } (民國 year = Gregorian − 1911). */
export function rocDate(iso: string): { year: number; month: string; day: string } {
  const [year, month, day] = iso.split('-');
  return { year: Number(year) - 1911, month: month ?? '', day: day ?? '' };
}

/** The two-month e-invoice period containing a date: 2024-02-04 → "113年01-02月". */
export function invoicePeriod(iso: string): string {
  const { year, month } = rocDate(iso);
  const even = Math.ceil(Number(month) / 2) * 2;
  return `${year}年${String(even - 1).padStart(2, '0')}-${String(even).padStart(2, '0')}月`;
}

const UPPER_DIGITS = ['零', '壹', '貳', '參', '肆', '伍', '陸', '柒', '捌', '玖'];
const UPPER_UNITS = ['', '拾', '佰', '仟'];

function upperGroup(value: number): string {
  let text = '';
  let pendingZero = false;
  for (let power = 3; power >= 0; power--) {
    const digit = Math.floor(value / 10 ** power) % 10;
    if (digit === 0) {
      if (text) pendingZero = true;
      continue;
    }
    if (pendingZero) text += '零';
    pendingZero = false;
    text += `${UPPER_DIGITS[digit]}${UPPER_UNITS[power]}`;
  }
  return text;
}

/** Whole NT dollars in 中文大寫 as written on 統一發票: 13965 → 壹萬參仟玖佰陸拾伍元整 (below 10^8). */
export function chineseUpperAmount(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value >= 1e8) throw new Error(`[samples] cannot write ${value} in 中文大寫`);
  if (value === 0) return '零元整';
  const high = Math.floor(value / 10000);
  const low = value % 10000;
  let text = high ? `${upperGroup(high)}萬` : '';
  if (low) text += `${high && low < 1000 ? '零' : ''}${upperGroup(low)}`;
  return `${text}元整`;
}

/** Business tax 5%, tax-inclusive total: untaxed = round(total / 1.05), tax = total − untaxed. */
export function splitTaxInclusive(total: number): { untaxed: number; tax: number } {
  const untaxed = Math.round(total / 1.05);
  return { untaxed, tax: total - untaxed };
}
