import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { subtotalPlusTax, validateReceipt } from '../../extractors/checks/validate-receipt.js';
import { mergeReceipts } from '../../extractors/merge-receipt.js';
import { createOllamaClient } from '../../extractors/ollama/client.js';
import { LlmReceipt } from '../../extractors/ollama/receipt-extractor.js';
import { fieldsFromEInvoice } from '../../extractors/qr/einvoice-fields.js';
import type { PageText } from '../../extractors/types.js';
import { createLimiter } from '../../pipeline/limit.js';
import { classifyDocument } from '../../pipeline/stages/classify.js';
import { extractReceipt, type ExtractDeps } from '../../pipeline/stages/extract.js';
import { emptyField, type ReceiptFields, type ReceiptRecord } from '../../schemas/receipt.js';
import { startOllamaTestServer, type OllamaTestServer } from '../support/ollama-server.js';

function page(lines: string[], source: PageText['source'] = 'ocr'): PageText {
  return {
    pageNo: 1,
    source,
    text: lines.join('\n'),
    rawText: lines.join('\n'),
    confidence: 0.9,
    width: 800,
    height: 40 * lines.length + 40,
    lines: lines.map((text, i) => ({
      text,
      rawText: text,
      confidence: 0.9,
      bbox: { x0: 20, y0: 20 + i * 40, x1: 20 + text.length * 14, y1: 50 + i * 40 },
      words: text.split(/\s+/).filter(Boolean).map((word, j) => ({ text: word, confidence: 0.9, bbox: { x0: 20 + j * 100, y0: 20 + i * 40, x1: 90 + j * 100, y1: 50 + i * 40 } })),
    })),
  };
}

function record(values: Partial<Record<keyof ReceiptFields, string>>, lineAmounts: string[] = []): ReceiptRecord {
  const fields = Object.fromEntries(
    (['vendorName', 'vendorAddress', 'vendorTaxId', 'buyerTaxId', 'invoiceNumber', 'date', 'currency', 'subtotal', 'tax', 'total', 'paymentMethod'] as const).map((name) => [
      name,
      values[name] !== undefined ? { value: values[name], confidence: 0.9, source: 'rules' } : emptyField(),
    ]),
  ) as unknown as ReceiptFields;
  return {
    fields,
    lineItems: lineAmounts.map((amount, i) => ({ description: `item ${i + 1}`, quantity: '1', unitPrice: amount, amount })),
    validations: [],
    needsReview: false,
    reviewReasons: [],
    confidence: 0.9,
    extractor: 'offline',
    model: null,
  };
}

const receiptLines = ['KEDAI MAJU SDN BHD', 'NO 12 JALAN BESAR, 81000 JOHOR', 'DATE: 14/03/2024', 'ROTI 2 X 1.50 3.00', 'TEH 1 X 2.00 2.00', 'TOTAL RM 5.00', 'CASH 10.00', 'CHANGE 5.00'];

describe('classifyDocument', () => {
  it('tells receipts, invoices, site photos and other documents apart, with a locale', () => {
    expect(classifyDocument([page(receiptLines)], 'jpeg')).toMatchObject({ kind: 'receipt', locale: 'MY' });
    expect(classifyDocument([page(['電子發票證明聯', '發票號碼 AB-12345678', '總計 185', '賣方 53184626'])], 'png')).toMatchObject({ kind: 'invoice', locale: 'TW' });
    expect(classifyDocument([page(['', 'EXIT'])], 'jpeg').kind).toBe('site_photo');
    // Labels garbled by OCR, but amounts and a currency mark in front of one: still a receipt.
    const garbled = ['RESTAURANT SINT 5', 'K3-113, JL TRRAHIH SULTAN', '09/03/2018 21:28 0001', 'PLOS 149.00', 'PlLO4 RY 21.00', 'Cis .', 'RM 170. oo'];
    expect(classifyDocument([page(garbled)], 'jpeg').kind).toBe('receipt');
    // A room number is not a currency: 'RM' before a number needs amounts around it to make a receipt.
    expect(classifyDocument([page(['Site meeting in RM 204', 'Bring the drawings and the rebar schedule for level 3.'])], 'pdf').kind).toBe('other');
    expect(classifyDocument([page(['Meeting notes', 'We agreed to pour the slab on Monday and inspect the rebar first.'])], 'pdf').kind).toBe('other');
    // A Taiwan roll prints whole dollars after a bare $: a parking e-invoice whose 總計 OCR lost.
    expect(classifyDocument([page(['電子發票證明聯', '停車費:$80 TX', '銷售額:$76', '稅額:$4', '計:$80 TX'])], 'jpeg').kind).toBe('invoice');
  });
});

describe('validateReceipt', () => {
  const now = new Date('2024-06-01T00:00:00Z');

  it('passes a consistent receipt and raises confidence of the amounts that close', () => {
    const out = validateReceipt(record({ vendorName: 'Shop', date: '2024-03-14', subtotal: '100', tax: '5', total: '105', currency: 'TWD' }, ['60', '40']), { now });
    expect(out.validations.every((v) => v.passed)).toBe(true);
    expect(out.needsReview).toBe(false);
    expect(out.fields.total.confidence).toBeGreaterThan(0.9);
    expect(out.validations.map((v) => v.check)).toEqual(
      expect.arrayContaining(['lines_sum_to_subtotal', 'subtotal_plus_tax_is_total', 'taiwan_business_tax_5pct', 'date_not_in_future', 'date_after_min_year']),
    );
  });

  it('names each failed check, lowers the fields it speaks about, and flags the record', () => {
    const out = validateReceipt(record({ vendorName: 'Shop', date: '2031-01-01', subtotal: '100', tax: '9', total: '120', currency: 'TWD', vendorTaxId: '12345678' }, ['10']), { now });
    const failed = out.validations.filter((v) => !v.passed).map((v) => v.check).sort();
    expect(failed).toEqual(['date_not_in_future', 'lines_sum_to_subtotal', 'subtotal_plus_tax_is_total', 'taiwan_business_tax_5pct', 'vendor_tax_id_checksum']);
    expect(out.needsReview).toBe(true);
    expect(out.reviewReasons.some((r) => r.startsWith('subtotal_plus_tax_is_total: 100 + 9 = 109, total is 120'))).toBe(true);
    expect(out.fields.total.confidence).toBeLessThan(0.5);
    expect(out.fields.vendorTaxId.confidence).toBe(0.45);
  });

  it('flags a tax above the highest rate of its total (the amount taxed read as the tax), and passes a tax within it', () => {
    const taxed = validateReceipt(record({ vendorName: 'S', date: '2024-01-01', tax: '13.30', total: '14.10' }), { now });
    expect(taxed.validations.find((v) => v.check === 'tax_within_rate')).toMatchObject({ passed: false, fields: ['tax'] });
    expect(taxed.reviewReasons).toContain('tax_within_rate: tax 13.30, total 14.10, highest tax rate 27%');
    expect(taxed.needsReview).toBe(true);
    expect(taxed.fields.tax.confidence).toBeLessThan(0.5);
    const right = validateReceipt(record({ vendorName: 'S', date: '2024-01-01', tax: '0.80', total: '14.10' }), { now });
    expect(right.validations.find((v) => v.check === 'tax_within_rate')?.passed).toBe(true);
    expect(right.needsReview).toBe(false);
  });

  it('flags missing key fields and dates before the configured year', () => {
    const out = validateReceipt(record({ vendorName: 'Shop', date: '1999-12-31' }), { now, minYear: 2005 });
    expect(out.reviewReasons).toEqual(expect.arrayContaining(['missing_total']));
    expect(out.validations.find((v) => v.check === 'date_after_min_year')?.passed).toBe(false);
    expect(out.confidence).toBe(0);
  });

  it('decides review the same way for the offline record and validation (blocksReview)', async () => {
    const { blocksReview } = await import('../../extractors/checks/validate-receipt.js');
    expect(blocksReview({ check: 'lines_sum_to_subtotal', passed: false, detail: '', fields: ['subtotal'] })).toBe(false);
    expect(blocksReview({ check: 'lines_sum_to_subtotal', passed: false, detail: '', fields: ['total'] })).toBe(true);
    expect(blocksReview({ check: 'subtotal_plus_tax_is_total', passed: false, detail: '', fields: ['subtotal', 'tax', 'total'] })).toBe(true);
    expect(blocksReview({ check: 'subtotal_plus_tax_is_total', passed: true, detail: '', fields: [] })).toBe(false);
    // The offline record of a slip whose items are the total but for a leading digit asks for review.
    const { extractReceiptOffline } = await import('../../extractors/receipt/index.js');
    const { page } = await import('../receipt/helpers.js');
    const offline = extractReceiptOffline([page(['KEDAI MAJU SDN BHD', 'NO 1, JALAN SATU, 43000 KAJANG', 'DATE: 12/03/2018', 'TEA||5.00', 'COFFEE||3.20', 'TOTAL||58.20', 'CASH||60.00', 'CHANGE||1.80'])], { now });
    expect(offline.validations.find((v) => v.check === 'lines_sum_to_subtotal')).toMatchObject({ passed: false, fields: ['total'] });
    expect(offline.needsReview).toBe(true);
  });

  it('lists items that do not add up without sending the record to review, unless the sum is the total but for a leading digit', () => {
    // Items read incompletely (one of several): named, the subtotal weakened, the total and the review untouched.
    const partial = validateReceipt(record({ vendorName: 'S', date: '2024-01-01', subtotal: '10.00', tax: '0.60', total: '10.60' }, ['4.00']), { now });
    const check = partial.validations.find((v) => v.check === 'lines_sum_to_subtotal');
    expect(check).toMatchObject({ passed: false, fields: ['subtotal'] });
    expect(partial.reviewReasons).toContain('lines_sum_to_subtotal: line items sum to 4.00, subtotal 10.00, total 10.60');
    expect(partial.needsReview).toBe(false);
    expect(partial.fields.total.confidence).toBeGreaterThan(0.8);
    // `58.20` read for `$8.20`: the items say the total is misread.
    const speck = validateReceipt(record({ vendorName: 'S', date: '2024-01-01', total: '58.20' }, ['5.00', '3.20']), { now });
    expect(speck.validations.find((v) => v.check === 'lines_sum_to_subtotal')).toMatchObject({ passed: false, fields: ['total'] });
    expect(speck.needsReview).toBe(true);
    expect(speck.fields.total.confidence).toBeLessThan(0.5);
  });

  it('closes the item sum with total - tax on a slip that prints its tax but no subtotal', () => {
    const out = validateReceipt(record({ vendorName: 'S', date: '2024-01-01', tax: '1.20', total: '21.20' }, ['20.00']), { now });
    expect(out.validations.find((v) => v.check === 'lines_sum_to_subtotal')).toMatchObject({ passed: true, fields: ['total', 'tax'] });
    // Items that add up to neither stay unexplained.
    const off = validateReceipt(record({ vendorName: 'S', date: '2024-01-01', tax: '1.20', total: '21.20' }, ['19.00']), { now });
    expect(off.validations.find((v) => v.check === 'lines_sum_to_subtotal')?.passed).toBe(false);
  });

  it('counts discount rows before calling an item dearer than the total, and blames the items, not the total', () => {
    const discounted = validateReceipt(record({ vendorName: 'S', date: '2024-01-01', total: '31.45' }, ['41.07', '-9.60']), { now });
    expect(discounted.validations.find((v) => v.check === 'total_covers_largest_item')?.passed).toBe(true);
    const misread = validateReceipt(record({ vendorName: 'S', date: '2024-01-01', total: '10.00' }, ['1231.00']), { now });
    expect(misread.validations.find((v) => v.check === 'total_covers_largest_item')).toMatchObject({ passed: false, fields: [] });
    expect(misread.reviewReasons).toContain('total_covers_largest_item: total 10.00, largest item 1231.00');
    expect(misread.needsReview).toBe(false);
    // Cash rounding takes a one-item bill a sen under its item (80.91, paid 80.90).
    const rounded = validateReceipt(record({ vendorName: 'S', date: '2024-01-01', total: '80.90' }, ['80.91']), { now });
    expect(rounded.validations.find((v) => v.check === 'total_covers_largest_item')?.passed).toBe(true);
  });

  it('accepts a tax printed as included in a subtotal equal to the total, and an extractor that closed the sum with a service charge', () => {
    const included = validateReceipt(record({ vendorName: 'S', date: '2024-01-01', subtotal: '42.40', tax: '2.40', total: '42.40' }), { now });
    expect(included.validations.find((v) => v.check === 'subtotal_plus_tax_is_total')).toMatchObject({ passed: true, detail: '42.40 includes tax 2.40, total is 42.40' });
    const charged = record({ vendorName: 'S', date: '2024-01-01', subtotal: '295.00', tax: '19.47', total: '343.95' });
    charged.validations = [{ check: 'subtotal_plus_tax_is_total', passed: true, detail: '295.00 + 29.50 + 19.47 vs 343.95', fields: ['subtotal', 'tax', 'total'] }];
    const out = validateReceipt(charged, { now });
    expect(out.validations.filter((v) => v.check === 'subtotal_plus_tax_is_total')).toEqual([charged.validations[0]]);
    expect(out.needsReview).toBe(false);
  });

  it('checks subtotal + tax exactly against the rounding line, and keeps the cash-rounding allowance without one', () => {
    expect(subtotalPlusTax({ subtotal: '106.10', tax: '6.37', total: '112.45', rounding: '-0.02' })).toEqual({ passed: true, detail: '106.10 + 6.37 - 0.02 = 112.45, total is 112.45' });
    expect(subtotalPlusTax({ subtotal: '106.10', tax: '6.37', total: '112.46', rounding: '-0.02' }).passed).toBe(false);
    expect(subtotalPlusTax({ subtotal: '106.10', tax: '6.37', total: '112.45' }).passed).toBe(true);
    // One charge line read (the service charge): the tax is added to it, not taken for it.
    expect(subtotalPlusTax({ subtotal: '150.00', tax: '9.90', total: '174.90', charges: ['15.00'] })).toEqual({ passed: true, detail: '150.00 + 15.00 + 9.90 = 174.90, total is 174.90' });
    expect(subtotalPlusTax({ subtotal: '150.00', tax: '9.90', total: '159.90', charges: ['9.90'] }).passed).toBe(true);
    // The extractor's result, with the rounding it read, stands over the record-level allowance.
    const misread = record({ vendorName: 'S', date: '2024-01-01', subtotal: '106.10', tax: '6.37', total: '112.46' });
    misread.validations = [{ check: 'subtotal_plus_tax_is_total', ...subtotalPlusTax({ subtotal: '106.10', tax: '6.37', total: '112.46', rounding: '-0.02' }), fields: ['subtotal', 'tax', 'total'] }];
    const out = validateReceipt(misread, { now });
    expect(out.validations.find((v) => v.check === 'subtotal_plus_tax_is_total')?.passed).toBe(false);
    expect(out.needsReview).toBe(true);
  });

  it("replaces an extractor's key-field confidence reasons with its own, from the confidences after the checks", () => {
    const stale = record({ vendorName: 'S', date: '2024-01-01', subtotal: '10.00', tax: '0.60', total: '10.60' });
    stale.reviewReasons = ['low_confidence: vendor, date or total at 0.45', 'disagreement_total: rules read "10.60", model read "10.80"'];
    const out = validateReceipt(stale, { now });
    expect(out.reviewReasons).toEqual(['disagreement_total: rules read "10.60", model read "10.80"']);
    expect(out.needsReview).toBe(true);
  });

  it('tolerates cash rounding to 0.05 but not more', () => {
    expect(validateReceipt(record({ vendorName: 'S', date: '2024-01-01', subtotal: '10.00', tax: '0.62', total: '10.60' }), { now }).needsReview).toBe(false);
    expect(validateReceipt(record({ vendorName: 'S', date: '2024-01-01', subtotal: '10.00', tax: '0.62', total: '10.70' }), { now }).needsReview).toBe(true);
  });
});

describe('mergeReceipts', () => {
  const qr = fieldsFromEInvoice({
    invoiceNumber: 'KV83920417', date: '2024-02-04', rocDate: '1130204', randomCode: '3851', untaxedAmount: '176', totalAmount: '185',
    buyerTaxId: null, sellerTaxId: '53184626', encryption: 'A'.repeat(24), itemCountInCode: 2, itemCountTotal: 2, encoding: 'utf8',
    items: [{ name: '便當', quantity: '1', unitPrice: '85' }, { name: '礦泉水', quantity: '5', unitPrice: '20' }],
  });

  it('QR values win and are marked qr with full confidence', () => {
    const out = mergeReceipts({ offline: record({ total: '186', invoiceNumber: 'KV-83920411', vendorName: '範例生活百貨' }), qr });
    expect(out.fields.total).toMatchObject({ value: '185', source: 'qr', confidence: 1 });
    expect(out.fields.invoiceNumber.value).toBe('KV83920417');
    expect(out.fields.tax.value).toBe('9');
    expect(out.fields.vendorName.value).toBe('範例生活百貨');
    expect(out.lineItems.map((i) => [i.description, i.amount])).toEqual([['便當', '85'], ['礦泉水', '100']]);
  });

  const llm = (values: Partial<LlmReceipt>) => ({
    model: 'qwen2.5vl:7b',
    value: { vendor_name: null, vendor_address: null, vendor_tax_id: null, buyer_tax_id: null, invoice_number: null, date: null, currency: null, subtotal: null, tax: null, total: null, payment_method: null, line_items: [], ...values },
  });

  it('agreement raises confidence; disagreement lowers it and asks for review with both values', () => {
    const offline = record({ vendorName: 'KEDAI MAJU', total: '5.00', date: '2024-03-14' });
    offline.fields.total.confidence = 0.6;
    const out = mergeReceipts({ offline, llm: llm({ vendor_name: 'Kedai  Maju', total: '5', date: '2024-03-15' }) });
    expect(out.fields.total.confidence).toBeGreaterThan(0.85);
    expect(out.fields.total.source).toBe('rules');
    expect(out.fields.vendorName.confidence).toBeGreaterThan(0.9);
    expect(out.fields.date).toMatchObject({ value: '2024-03-15', source: 'llm', confidence: 0.4 });
    expect(out.reviewReasons).toContain('disagreement_date: rules read "2024-03-14", model read "2024-03-15"');
    expect(out.extractor).toBe('ollama');
    expect(out.model).toBe('qwen2.5vl:7b');
  });

  it('drops an offline check about a field the model replaced, keeps the others', () => {
    const offline = record({ vendorName: '建印有限公司', date: '2023-02-06', total: '27069' });
    offline.validations = [
      { check: 'date_in_invoice_period', passed: false, detail: '2023-02-06, invoice period 3-4月', fields: ['date'] },
      { check: 'total_positive', passed: true, detail: 'total 27069', fields: ['total'] },
    ];
    const out = mergeReceipts({ offline, llm: llm({ date: '2023-03-06' }) });
    expect(out.fields.date.value).toBe('2023-03-06');
    expect(out.validations.map((v) => v.check)).toEqual(['total_positive']);
    // Without a model the offline checks stand.
    expect(mergeReceipts({ offline }).validations).toHaveLength(2);
  });

  it('gives a Taiwan invoice number in its 10 characters whichever reader read it; other numbers as printed', () => {
    const tw = record({ total: '185' });
    tw.fields.currency = { value: 'TWD', confidence: 0.95, source: 'rules' };
    expect(mergeReceipts({ offline: tw, llm: llm({ invoice_number: 'KV-83920417' }) }).fields.invoiceNumber.value).toBe('KV83920417');
    const my = record({ total: '5.00', invoiceNumber: 'CS-12345678' });
    my.fields.currency = { value: 'MYR', confidence: 0.95, source: 'rules' };
    expect(mergeReceipts({ offline: my }).fields.invoiceNumber.value).toBe('CS-12345678');
  });

  it('prefers the value that passes its own check', () => {
    const out = mergeReceipts({ offline: record({ vendorTaxId: '53184627' }), llm: llm({ vendor_tax_id: '53184626' }) });
    expect(out.fields.vendorTaxId).toMatchObject({ value: '53184626', source: 'llm' });
    expect(out.reviewReasons).toEqual([]);
  });
});

describe('extractReceipt with Ollama (loopback server, real client)', () => {
  let server: OllamaTestServer;
  let deps: ExtractDeps;
  const pages = [page(receiptLines)];
  const classification = classifyDocument(pages, 'jpeg');

  beforeAll(async () => {
    server = await startOllamaTestServer({ models: ['qwen2.5vl:7b'] });
  });
  afterAll(async () => server.close());
  beforeEach(() => {
    server.reset();
    const client = createOllamaClient({ host: server.url, timeoutMs: 500, retries: 1, backoffMs: 5 });
    deps = {
      config: { extractor: 'ollama', visionModel: 'qwen2.5vl:7b', minYear: 2000 },
      pageImages: async () => [new Uint8Array([0x89, 0x50, 0x4e, 0x47])],
      ollama: () => client,
      llmLimit: createLimiter(1),
      now: new Date('2024-06-01T00:00:00Z'),
    };
  });

  const answer = { vendor_name: 'KEDAI MAJU SDN BHD', vendor_address: null, vendor_tax_id: null, buyer_tax_id: null, invoice_number: null, date: '2024-03-14', currency: 'MYR', subtotal: null, tax: null, total: '5.00', payment_method: 'CASH', line_items: [{ description: 'ROTI', quantity: '2', unit_price: '1.50', amount: '3.00' }, { description: 'TEH', quantity: '1', unit_price: '2.00', amount: '2.00' }] };

  it('sends the image, the text and a JSON schema at temperature 0, and merges the answer', async () => {
    server.enqueueChat({ json: answer });
    const out = await extractReceipt(pages, classification, deps);
    const request = server.requestsTo('/api/chat')[0]!.body as { format: { properties: Record<string, unknown> }; options: { temperature: number }; messages: { content: string; images?: string[] }[] };
    expect(request.options.temperature).toBe(0);
    expect(Object.keys(request.format.properties)).toContain('line_items');
    expect(request.messages.at(-1)!.images).toHaveLength(1);
    expect(request.messages.at(-1)!.content).toContain('TOTAL RM 5.00');
    expect(out.extractor).toBe('ollama');
    expect(out.model).toBe('qwen2.5vl:7b');
    expect(out.fields.total.value).toMatch(/^5(\.00)?$/);
    expect(out.fields.paymentMethod.value).toMatch(/CASH/i);
    expect(out.lineItems.map((i) => i.description)).toEqual(['ROTI', 'TEH']);
  });

  it('an answer that fails the schema twice is recorded and the offline values kept, for review', async () => {
    server.enqueueChat({ content: '{"total": 5}' }, { content: 'not json at all' });
    const out = await extractReceipt(pages, classification, deps);
    expect(server.requestsTo('/api/chat')).toHaveLength(2);
    expect(out.needsReview).toBe(true);
    expect(out.reviewReasons.some((r) => r.startsWith('llm_invalid_output'))).toBe(true);
    expect(out.fields.total.source).not.toBe('llm');
  });

  it('a timeout, a server error and a missing model fail the document with their codes (retried next run)', async () => {
    server.enqueueChat({ json: answer, delayMs: 2000 });
    await expect(extractReceipt(pages, classification, deps)).rejects.toMatchObject({ code: 'OLLAMA_TIMEOUT' });
    server.reset();
    server.failNext({ type: 'http', status: 500, body: { error: 'boom' } }, { times: 5 });
    await expect(extractReceipt(pages, classification, deps)).rejects.toMatchObject({ code: 'OLLAMA_HTTP_ERROR' });
    server.reset();
    server.models.splice(0);
    await expect(extractReceipt(pages, classification, deps)).rejects.toMatchObject({ code: 'OLLAMA_MODEL_MISSING' });
  });

  it('the offline extractor needs no model at all', async () => {
    const out = await extractReceipt(pages, classification, { ...deps, config: { ...deps.config, extractor: 'offline' } });
    expect(server.requests).toHaveLength(0);
    expect(out.extractor).toBe('offline');
    expect(out.fields.total.value).toBe('5.00');
    expect(out.fields.date.value).toBe('2024-03-14');
  });
});
