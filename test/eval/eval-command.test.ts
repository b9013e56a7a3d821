import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startOllamaTestServer, type OllamaTestServer } from '../support/ollama-server.js';

// `npm run eval` as a command: scores on the ground-truth lines (no OCR, fast) through the same extract
// stage `docintel run` uses, offline and with a vision model behind the Ollama test server.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sroie = join(root, '..', 'shared', 'data', 'sroie-dev');
const IDS = ['X00016469612', 'X00016469619', 'X00016469620'];
const haveData = IDS.every((id) => existsSync(join(sroie, 'key', `${id}.json`)));

interface Miss {
  id: string;
  field: string;
  expected: string;
  got: string;
}

interface EvalJson {
  rows: { field: string; n: number; exact: number }[];
  mean: number;
  byVendor: { onceReceipts: number; onceMean: number | null; repeatedReceipts: number; repeatedMean: number | null };
  review: { flagged: number; wrong: number; wrongFlagged: number; rightFlagged: number; itemsAddUp: number; itemsDoNot: number; taxFound: number; sumsClose: number; sumsOpen: number };
  consensus: { id: string; field: string; from: string; to: string }[];
  misses: Miss[];
  skipped: { id: string; why: string }[];
}

async function runEval(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; json: EvalJson }> {
  // Asynchronous on purpose: the Ollama test server lives in this process and must keep answering.
  const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'test', 'eval', 'eval.mjs'), '--source', 'box', '--ids', IDS.join(','), '--json', ...args], {
    env: { ...process.env, DOCINTEL_EXTRACTOR: '', OLLAMA_HOST: '', ...env },
    maxBuffer: 10_000_000,
  });
  const last = stdout.trim().split('\n').pop() ?? '';
  return { stdout, json: JSON.parse(last) as EvalJson };
}

function expectOnlySpacingMisses(misses: Miss[]): void {
  for (const miss of misses) expect(miss.got.replace(/\s/gu, '')).toBe(miss.expected.replace(/\s/gu, ''));
}

/** "25/12/2018" → "2018-12-25": SROIE keys print dates day-first, the model answers ISO dates. */
function isoDate(dayFirst: string): string {
  const [d, m, y] = dayFirst.split(/[/.-]/u);
  return `${y!.length === 2 ? `20${y}` : y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
}

function modelAnswerFor(id: string): Record<string, unknown> {
  const key = JSON.parse(readFileSync(join(sroie, 'key', `${id}.json`), 'utf8')) as Record<string, string>;
  return {
    vendor_name: key.company,
    vendor_address: key.address,
    vendor_tax_id: null,
    buyer_tax_id: null,
    invoice_number: null,
    date: isoDate(key.date!),
    currency: 'MYR',
    subtotal: null,
    tax: null,
    total: key.total,
    payment_method: null,
    line_items: [],
  };
}

describe.skipIf(!haveData)('npm run eval', () => {
  let server: OllamaTestServer;

  beforeEach(async () => {
    server ??= await startOllamaTestServer();
    server.reset();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('scores the offline extractor per field and says which path it scored', async () => {
    const { stdout, json } = await runEval([]);
    expect(stdout).toContain('box lines, extractor offline');
    expect(json.rows.map((r) => r.field)).toEqual(['company', 'date', 'address', 'total']);
    for (const row of json.rows) expect(row.n).toBe(3);
    expect(json.skipped).toEqual([]);
    // How review flags meet wrong dates and totals, and how often the items add up: counts over the 3.
    const { review } = json;
    expect(review.wrongFlagged + review.rightFlagged).toBe(review.flagged);
    expect(review.wrongFlagged).toBeLessThanOrEqual(review.wrong);
    expect(review.itemsAddUp + review.itemsDoNot).toBeLessThanOrEqual(3);
    expect(stdout).toMatch(new RegExp(`needs_review: ${review.flagged} of 3 receipts; wrong date or total: ${review.wrong}, of them flagged ${review.wrongFlagged}`));
    expect(stdout).toMatch(/line items: add up to the subtotal or total on \d+ receipts, do not on \d+, none read on \d+/);
    expect(review.taxFound).toBeLessThanOrEqual(3);
    expect(stdout).toContain(`tax: found on ${review.taxFound} receipts; subtotal + tax = total on ${review.sumsClose}, not on ${review.sumsOpen}`);
    // The held-out stand-in: receipts of vendors seen once against the rest, every receipt in one of them.
    const { byVendor } = json;
    expect(byVendor.onceReceipts + byVendor.repeatedReceipts).toBe(3);
    if (byVendor.repeatedReceipts === 0) expect(byVendor.onceMean).toBeCloseTo(json.mean, 10);
    expect(stdout).toMatch(/by vendor: \d+ receipts of vendors seen once, mean (?:\d\.\d{3}|-); \d+ of vendors seen more than once, mean (?:\d\.\d{3}|-)/);
    expect(server.requests).toHaveLength(0);
  }, 60_000);

  it('scores receipts turned on their side (--distort rotate:90): the pipeline reads them upright', async () => {
    const { stdout, json } = await runEval(['--source', 'ocr', '--distort', 'rotate:90', '--ids', IDS[1]!, '--workers', '1']);
    expect(stdout).toContain('every image distorted: rotate:90');
    const exact = Object.fromEntries(json.rows.map((r) => [r.field, r.exact]));
    // X00016469619 upright reads date, total and name exactly; turned, it must too.
    expect(exact).toMatchObject({ company: 1, date: 1, total: 1 });
  }, 120_000);

  it('shows the vision model a receipt turned on its side as the OCR pass kept it: upright', async () => {
    server.enqueueChat({ json: modelAnswerFor(IDS[1]!) });
    await runEval(['--source', 'ocr', '--distort', 'rotate:90', '--ids', IDS[1]!, '--workers', '1', '--extractor', 'ollama', '--ollama-host', server.url]);
    const [chat] = server.requestsTo('/api/chat');
    const images = (chat!.body as { messages: { images?: string[] }[] }).messages.flatMap((m) => m.images ?? []);
    expect(images).toHaveLength(1);
    const { default: sharp } = await import('sharp');
    const shown = await sharp(Buffer.from(images[0]!, 'base64')).metadata();
    // A till receipt upright is taller than wide; on its side it would be wider.
    expect(shown.height).toBeGreaterThan(shown.width!);
  }, 120_000);

  it('refuses a distortion it does not know, and one of ground-truth lines', async () => {
    await expect(runEval(['--source', 'ocr', '--distort', 'rotate'])).rejects.toThrow(/--distort must be rotate:DEGREES/);
    await expect(runEval(['--distort', 'dim'])).rejects.toThrow(/--source box reads no image/);
    // Copies are made the same way, and checked the same way (`rotate` was read as `dim`).
    await expect(runEval(['--source', 'ocr', '--copies', 'rotate'])).rejects.toThrow(/--copies must be rotate:DEGREES/);
    await expect(runEval(['--copies', 'dim'])).rejects.toThrow(/--copies changes images; --source box reads no image/);
  });

  it('reads each receipt again as another file (--copies) and counts the copies the duplicate check flags', async () => {
    // X51005303661 is X51005301661's scan again, byte for byte, under another id: rightly flagged.
    const { stdout, json } = await runEval(['--source', 'ocr', '--copies', 'dim', '--ids', `${IDS[1]},X51005301661,X51005303661`, '--workers', '1']);
    expect(stdout).toContain('duplicate claims: 0 of the 3 receipts flagged as repeating another purchase of them, 1 as repeating the same scan under another id');
    expect(stdout).toMatch(/copies \(dim\): 3 of 3 flagged against their receipt \(by invoice number \d, by seller, date and total \d\), 0 against another, 0 missed/);
    // The copies are scored nowhere else: the fields are the three receipts' own.
    expect(json.rows.find((r) => r.field === 'date')?.n).toBe(3);
  }, 180_000);

  it('agrees the receipts of one seller over the batch as a run does, and scores without it when it is off', async () => {
    // Four POPULAR BOOK receipts (one GST number); one line transcription reads `CP.` for `CO.`.
    const popular = ['--ids', 'X51005447861,X51005605333,X51005605334,X51005605335'];
    const on = await runEval(popular);
    expect(on.json.consensus).toEqual([expect.objectContaining({ id: 'X51005605333', field: 'vendorName', from: 'POPULAR BOOK CP. (M) SDN BHD', to: 'POPULAR BOOK CO. (M) SDN BHD' })]);
    expect(on.json.misses.filter((m) => m.field === 'company')).toEqual([]);
    expect(on.stdout).toContain('seller consensus: 0 tax ids, 1 names and 0 addresses');
    const off = await runEval(popular, { DOCINTEL_SELLER_CONSENSUS: 'off' });
    expect(off.json.consensus).toEqual([]);
    expect(off.json.misses.filter((m) => m.field === 'company').map((m) => m.id)).toEqual(['X51005605333']);
  }, 60_000);

  it('lists each review reason against whether the date and total were right (--reasons)', async () => {
    const { stdout, json } = await runEval(['--reasons']);
    expect(stdout).toContain('reasons, on receipts with a wrong / right date or total:');
    // One line per receipt that was sent to review, was wrong, or has reasons listed.
    const lines = stdout.split('\n').filter((line) => /^X\d+ (?:wrong|right) date\/total, (?:sent to review|not sent): /.test(line));
    expect(lines.filter((line) => line.includes(', sent to review: '))).toHaveLength(json.review.flagged);
  }, 60_000);

  it('scores the Ollama path: the model sees each receipt image, and its answers are what gets scored', async () => {
    server.enqueueChat(...IDS.map((id) => ({ json: modelAnswerFor(id) })));
    const { stdout, json } = await runEval(['--extractor', 'ollama', '--ollama-host', server.url]);
    expect(stdout).toContain(`extractor ollama (qwen2.5vl:7b at ${server.url})`);
    const chats = server.requestsTo('/api/chat');
    expect(chats).toHaveLength(3);
    for (const chat of chats) {
      const body = chat.body as { model: string; format: unknown; messages: { images?: string[] }[] };
      expect(body.model).toBe('qwen2.5vl:7b');
      expect(typeof body.format).toBe('object');
      expect(body.messages.some((m) => (m.images?.length ?? 0) === 1)).toBe(true);
    }
    // The model answered each key exactly. Where the rules read something else the model's value wins
    // (and the record goes to review); where both agree but for spacing and punctuation, the rules'
    // value is kept with its boxes. So a field may only miss by spacing.
    for (const row of json.rows.filter((r) => r.field !== 'address')) expect(row.exact).toBe(1);
    expectOnlySpacingMisses(json.misses);
  }, 60_000);

  it('records a receipt the model could not be reached for and scores the rest', async () => {
    server.failNext({ type: 'http', status: 500, body: { error: 'model crashed' } }, { path: '/api/chat' });
    server.enqueueChat(...IDS.slice(1).map((id) => ({ json: modelAnswerFor(id) })));
    const { stdout, json } = await runEval(['--extractor', 'ollama', '--ollama-host', server.url], { DOCINTEL_OLLAMA_RETRIES: '0' });
    expect(json.skipped).toHaveLength(1);
    expect(json.skipped[0]!.id).toBe(IDS[0]);
    expect(json.skipped[0]!.why).toMatch(/extraction failed: OLLAMA_/);
    expect(stdout).toContain(`no receipt for ${IDS[0]}: extraction failed`);
    // The first receipt misses every field; the other two are scored from the model's answers.
    expect(json.misses.filter((m) => m.id === IDS[0])).toHaveLength(4);
    expectOnlySpacingMisses(json.misses.filter((m) => m.id !== IDS[0]));
  }, 60_000);
});
