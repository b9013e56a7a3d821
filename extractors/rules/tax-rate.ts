/**
 * How large a tax can be against the total of its bill. A tax is its rate of the net amount, and the net
 * is below the total, so a tax is at most its rate of the total. The extractor uses it to tell a tax line
 * from the amount taxed (`TAX AMT (S) 6% RM 13.30` above `GST 6% RM 0.80`); validation flags a record
 * whose tax breaks it.
 */
import { compareDecimal, divideDecimal, multiplyDecimal } from './amounts.js';

/** The highest tax rate in use (Hungary's 27% VAT): the bound when a tax line states no rate. */
export const MAX_TAX_RATE_PERCENT = '27';
/** A tenth over the rate, for a tax taken before a discount on the bill or cash rounding. */
const SLACK = '1.1';

/**
 * Whether `tax` can be the tax of a bill of `total`, by the rate `label` states (`GST 6%`, `SST 10 %`)
 * or, when it states none, by the highest rate in use.
 */
export function taxFitsTotal(tax: string, label: string, total: string): boolean {
  if (compareDecimal(tax, total) >= 0) return false;
  const stated = /(\d{1,2}(?:\.\d{1,2})?)\s*%/.exec(label)?.[1] ?? MAX_TAX_RATE_PERCENT;
  return compareDecimal(tax, multiplyDecimal(multiplyDecimal(total, divideDecimal(stated, '100', 4)), SLACK)) <= 0;
}
