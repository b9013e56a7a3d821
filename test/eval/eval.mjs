#!/usr/bin/env node
// `npm run eval`: scores the offline receipt extractor on a folder in the SROIE layout
// (img/<id>.jpg, key/<id>.json {company, date, address, total}, box/<id>.txt ground-truth OCR lines).
//
//   node test/eval/eval.mjs [--dir DIR] [--limit N] [--ids first-half|second-half|all|ID,ID]
//                           [--source ocr|box] [--misses] [--reasons] [--workers N] [--languages eng+chi_tra]
//                           [--language-mode auto|all] [--ocr-engine ppocr|tesseract] [--psm N]
//                           [--extractor offline|ollama] [--distort rotate:DEG|scale:F|dim] [--json]
//
// --source ocr (default) runs docintel's own preprocess + OCR as `docintel run` does (the reader from
// pipeline/services.ts: the OCR engine, page segmentation and per-page language choice), `--workers` images at a time, caching each page's
// PageText as JSON under .docintel/eval-cache/<ocr-config>/<sha256>.json so re-runs only re-extract.
// --source box scores on the ground-truth lines, i.e. extraction quality independent of OCR.
// --distort turns, shrinks or dims every image first (distortImage), to measure robustness.
// Metric: exact match per field after whitespace normalisation (dates compared as dates, totals as
// amounts), token F1 per field, their mean; fields whose key is empty (X51005433522's total, a known
// upstream labelling fault) are left out of that field's denominator.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { boxToPageText } from './eval-lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(root, 'dist');

function parseArgs(argv) {
  const opts = { dir: resolve(root, '..', 'shared', 'data', 'sroie-dev'), limit: Infinity, ids: 'all', source: 'ocr', misses: false, reasons: false, workers: 2, languages: 'eng+chi_tra', json: false, fallbackScale: 1, psm: undefined, languageMode: 'auto', lineHeight: undefined, ocrEngine: process.env.DOCINTEL_OCR_ENGINE ?? 'ppocr', extractor: undefined, ollamaHost: undefined, visionModel: undefined, distort: undefined };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`[eval] option ${a} needs a value`);
      return v;
    };
    if (a === '--dir') opts.dir = resolve(next());
    else if (a === '--limit') opts.limit = Number(next());
    else if (a === '--ids') opts.ids = next();
    else if (a === '--source') opts.source = next();
    else if (a === '--misses') opts.misses = true;
    else if (a === '--reasons') opts.reasons = true;
    else if (a === '--workers') opts.workers = Number(next());
    else if (a === '--languages') opts.languages = next();
    else if (a === '--json') opts.json = true;
    else if (a === '--psm') opts.psm = next();
    else if (a === '--language-mode') opts.languageMode = next();
    // The OCR engine, as `docintel run --ocr-engine` (default from DOCINTEL_OCR_ENGINE, like the CLI).
    else if (a === '--ocr-engine') opts.ocrEngine = next();
    // Preprocessing experiment: the text-line height images are scaled to (extractors/image/preprocess.ts).
    else if (a === '--line-height') opts.lineHeight = Number(next());
    // The extraction path, as `docintel run` takes them (defaults from the environment, like the CLI).
    else if (a === '--extractor') opts.extractor = next();
    else if (a === '--ollama-host') opts.ollamaHost = next();
    else if (a === '--vision-model') opts.visionModel = next();
    // Robustness: every image turned, shrunk or dimmed before docintel sees it (distortImage below).
    else if (a === '--distort') opts.distort = next();
    else if (a === '--copies') opts.copies = next();
    // Only while extractors/image/preprocess.ts does not exist: upscale factor of the stand-in preprocessing.
    else if (a === '--fallback-scale') opts.fallbackScale = Number(next());
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run eval -- [--dir DIR] [--limit N] [--ids first-half|second-half|all|ID,ID] [--source ocr|box] [--misses] [--reasons] [--workers N] [--languages eng+chi_tra] [--language-mode auto|all] [--ocr-engine ppocr|tesseract] [--psm N] [--extractor offline|ollama] [--ollama-host URL] [--vision-model NAME] [--distort rotate:DEG|scale:F|dim] [--copies rotate:DEG|scale:F|dim] [--json]');
      process.exit(0);
    } else throw new Error(`[eval] unknown option ${a} (see --help)`);
  }
  if (!['auto', 'all'].includes(opts.languageMode)) throw new Error(`[eval] --language-mode must be auto or all, got ${opts.languageMode}`);
  if (!['tesseract', 'ppocr'].includes(opts.ocrEngine)) throw new Error(`[eval] --ocr-engine must be tesseract or ppocr, got ${opts.ocrEngine}`);
  if (!['ocr', 'box'].includes(opts.source)) throw new Error(`[eval] --source must be ocr or box, got ${opts.source}`);
  // --copies reads each image again, made as --distort makes one: the same checks.
  for (const flag of ['distort', 'copies']) {
    const spec = opts[flag];
    if (spec === undefined) continue;
    if (opts.source === 'box') throw new Error(`[eval] --${flag} changes images; --source box reads no image`);
    if (!DISTORTION.test(spec)) throw new Error(`[eval] --${flag} must be rotate:DEGREES, scale:FACTOR (0..1) or dim, got ${spec}`);
  }
  if (!(opts.limit > 0)) throw new Error(`[eval] --limit must be a positive number, got ${opts.limit}`);
  if (!(Number.isInteger(opts.workers) && opts.workers > 0)) throw new Error(`[eval] --workers must be an integer >= 1, got ${opts.workers}`);
  return opts;
}

const DISTORTION = /^(?:rotate:-?\d+(?:\.\d+)?|scale:0?\.\d+|dim)$/;

/**
 * `--distort`: the image as a less kind scanner or camera would have given it, to measure how the method
 * holds up on data unlike the dev set's (a held-out set has some). `rotate:2` turns it 2° clockwise (90
 * turns it on its side), `scale:0.6` shrinks it to 60%, `dim` greys the ink and the paper (60% contrast,
 * 85% brightness). Applied to the upright image (EXIF applied), saved as JPEG quality 92.
 */
async function distortImage(bytes, spec) {
  if (spec === undefined) return bytes;
  const sharp = (await import('sharp')).default;
  const upright = await sharp(bytes).rotate().png().toBuffer(); // lossless: one JPEG encoding, at the end
  const [kind, arg] = spec.split(':');
  let image = sharp(upright);
  if (kind === 'rotate') image = image.rotate(Number(arg), { background: '#ffffff' });
  else if (kind === 'scale') image = image.resize({ width: Math.round(((await sharp(upright).metadata()).width ?? 1) * Number(arg)) });
  else image = image.linear(0.6, 40).modulate({ brightness: 0.85 });
  return image.jpeg({ quality: 92 }).toBuffer();
}

const squash = (s) => String(s ?? '').replace(/\s+/g, ' ').trim();
const tokens = (s) => squash(s).split(' ').filter(Boolean);

function tokenF1(expected, got) {
  const e = tokens(expected);
  const g = tokens(got);
  if (e.length === 0 && g.length === 0) return 1;
  if (e.length === 0 || g.length === 0) return 0;
  const pool = new Map();
  for (const t of e) pool.set(t, (pool.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of g) {
    const n = pool.get(t) ?? 0;
    if (n > 0) {
      common += 1;
      pool.set(t, n - 1);
    }
  }
  if (common === 0) return 0;
  const p = common / g.length;
  const r = common / e.length;
  return (2 * p * r) / (p + r);
}

async function loadOcr(opts) {
  const preprocessPath = join(dist, 'extractors', 'image', 'preprocess.js');
  const hasPreprocess = existsSync(preprocessPath);
  // Score what `docintel run` does: its own reader (pipeline/services.ts), with the page segmentation
  // mode the pipeline uses unless --psm says otherwise.
  const { createOcrReader, RECEIPT_PAGE_SEG_MODE } = await import(pathToFileURL(join(dist, 'pipeline', 'services.js')).href);
  opts.psm ??= RECEIPT_PAGE_SEG_MODE;
  const preprocessImage = hasPreprocess ? (await import(pathToFileURL(preprocessPath).href)).preprocessImage : null;
  // The read stage itself: a page that reads badly is also read turned, as in a run.
  const readStagePath = join(dist, 'pipeline', 'stages', 'read.js');
  const { readPages } = await import(pathToFileURL(readStagePath).href);
  const uprightPath = join(dist, 'extractors', 'ocr', 'upright.js');
  const languages = opts.languages.split('+');
  // The cache is keyed by what changes OCR output: languages and the code of preprocessing + OCR pool, so
  // a change to either re-reads the images instead of scoring stale text.
  const codeHash = createHash('sha256');
  const imageDir = join(dist, 'extractors', 'image');
  const ocrCode = [join(dist, 'extractors', 'ocr', 'tesseract-pool.js'), readStagePath, uprightPath];
  // Every module of preprocessing (preprocess.js and the helpers it imports, such as skew.js).
  if (hasPreprocess) for (const f of (await readdir(imageDir)).filter((name) => name.endsWith('.js')).sort()) ocrCode.push(join(imageDir, f));
  // With one language, or `all`, the adaptive reader is the plain pool: its code does not change the text.
  const adaptive = languages.length > 1 && opts.languageMode === 'auto';
  if (adaptive) ocrCode.push(join(dist, 'extractors', 'ocr', 'adaptive-ocr.js'), join(dist, 'extractors', 'ocr', 'language-strategy.js'));
  ocrCode.push(join(dist, 'pipeline', 'services.js'), join(dist, 'extractors', 'receipt', 'vocabulary.js'));
  const ppocrDir = join(dist, 'extractors', 'ocr', 'ppocr');
  if (opts.ocrEngine === 'ppocr') for (const f of (await readdir(ppocrDir)).filter((name) => name.endsWith('.js')).sort()) ocrCode.push(join(ppocrDir, f));
  for (const f of ocrCode) if (existsSync(f)) codeHash.update(await readFile(f));
  const tag = `${opts.ocrEngine === 'ppocr' ? 'ppocr-' : ''}${languages.join('+')}${languages.length > 1 ? `-${opts.languageMode}` : ''}-${hasPreprocess ? `preprocess-${codeHash.digest('hex').slice(0, 10)}` : `grey${opts.fallbackScale === 1 ? '' : `-x${opts.fallbackScale}`}`}`;
  const cacheDir = join(root, '.docintel', 'eval-cache', `${tag}${opts.psm ? `-psm${opts.psm}` : ''}${opts.lineHeight ? `-lh${opts.lineHeight}` : ''}`);
  await mkdir(cacheDir, { recursive: true });
  let pool = null;
  return {
    tag,
    async read(bytes, source) {
      const sha = createHash('sha256').update(bytes).digest('hex');
      const file = join(cacheDir, `${sha}.json`);
      // The turn each page was read at is kept with it, so the vision model and QR decoding see it too.
      if (existsSync(file)) {
        const cached = JSON.parse(await readFile(file, 'utf8'));
        // A file written before turns were kept holds the pages alone: read the image again.
        if (!Array.isArray(cached)) return { ...cached, cached: true };
      }
      // One pool shared by the concurrent readers: keep the promise so two first calls don't make two.
      pool ??= createOcrReader({ ocrEngine: opts.ocrEngine, ocrLanguages: languages, ocrLanguageMode: opts.languageMode, ocrWorkers: opts.workers, pageSegMode: opts.psm });
      const ocrPool = await pool;
      const pages = [];
      const turns = [];
      if (preprocessImage) {
        const options = { maxInputPixels: 40_000_000, maxPages: 1, source, ...(opts.lineHeight ? { targetLineHeight: opts.lineHeight } : {}) };
        const frames = await preprocessImage(bytes, options);
        // A prepared image as pipeline/stages/preprocess.ts makes one, with the eval's preprocessing options.
        const turn = async (frame, degrees) => (await preprocessImage(bytes, { ...options, frame, rotate: degrees }))[0];
        const read = await readPages({ type: 'jpeg', mime: 'image/jpeg', frames, turn }, { ocr: async () => ocrPool, maxImagePixels: options.maxInputPixels });
        pages.push(...read.pages);
        turns.push(...read.turns);
      } else {
        const sharp = (await import('sharp')).default;
        let img = sharp(bytes).rotate().greyscale();
        if (opts.fallbackScale !== 1) {
          const meta = await sharp(bytes).metadata();
          img = img.resize({ width: Math.round((meta.width ?? 1000) * opts.fallbackScale), kernel: 'lanczos3' });
        }
        pages.push(await ocrPool.recognize(await img.png().toBuffer(), 1));
        turns.push(0);
      }
      await writeFile(`${file}.tmp`, JSON.stringify({ pages, turns }));
      await rename(`${file}.tmp`, file);
      return { pages, turns, cached: false };
    },
    async close() {
      if (pool) await (await pool).terminate();
    },
  };
}

/**
 * The extract stage exactly as `docintel run` calls it: classification (kind and locale), the offline
 * rules, e-invoice QR codes where the locale has them, the Ollama vision model with `--extractor ollama`,
 * then merge and validation. Settings come from flags and the environment through the CLI's own loader.
 */
async function loadExtraction(opts) {
  const load = (path) => import(pathToFileURL(join(dist, ...path.split('/'))).href);
  const [{ loadConfig }, { classifyDocument }, { extractReceipt }, { createLimiter }, { createOllamaClient }] = await Promise.all([
    load('pipeline/config.js'),
    load('pipeline/stages/classify.js'),
    load('pipeline/stages/extract.js'),
    load('pipeline/limit.js'),
    load('extractors/ollama/client.js'),
  ]);
  const flags = { extractor: opts.extractor, 'ollama-host': opts.ollamaHost, 'vision-model': opts.visionModel };
  const { config } = loadConfig({ flags, env: process.env });
  let client;
  const ollama = () => (client ??= createOllamaClient({ host: config.ollamaHost, timeoutMs: config.ollamaTimeoutMs, retries: config.ollamaRetries }));
  const llmLimit = createLimiter(config.llmConcurrency);
  return {
    label: config.extractor === 'ollama' ? `extractor ollama (${config.visionModel} at ${config.ollamaHost})` : 'extractor offline',
    /** Whether the run would end with the seller consensus (`--seller-consensus`, on by default). */
    sellerConsensus: config.sellerConsensus === 'on',
    /** The receipt record, or `{ skipped }` when the pipeline would not extract one. */
    async extract(pages, pageImages) {
      const classification = classifyDocument(pages, 'jpeg');
      if (classification.kind !== 'receipt' && classification.kind !== 'invoice') return { skipped: `classified as ${classification.kind}` };
      try {
        return { record: await extractReceipt(pages, classification, { config, pageImages, ollama, llmLimit }) };
      } catch (error) {
        return { skipped: `extraction failed: ${error?.code ?? ''} ${error?.message ?? error}`.trim() };
      }
    },
  };
}

/**
 * The end-of-run duplicate check over the eval's receipts, the originals first (document ids in id
 * order) and their copies after: how many originals are flagged (falsely: each is its own purchase), and
 * how many copies are flagged against their own original.
 */
async function measureDuplicates(entries, originals, sameScan) {
  const { findDuplicateClaims } = await import(pathToFileURL(join(dist, 'extractors', 'checks', 'duplicate-claims.js')).href);
  const keys = entries.map(({ id, record }, i) => {
    const f = record?.fields;
    return { id, key: { documentId: i + 1, vendorTaxId: f?.vendorTaxId.value ?? null, vendorName: f?.vendorName.value ?? null, invoiceNumber: f?.invoiceNumber.value ?? null, date: f?.date.value ?? null, total: f?.total.value ?? null } };
  });
  const pairs = [];
  for (let later = 1; later < keys.length; later += 1) for (let earlier = 0; earlier < later; earlier += 1) pairs.push({ later: keys[later].key, earlier: keys[earlier].key });
  const claims = new Map(findDuplicateClaims(pairs).map((c) => [c.documentId, c]));
  const result = { falseFlags: 0, sameScan: 0, copies: keys.length - originals, recognised: 0, byNumber: 0, bySellerDateTotal: 0, elsewhere: 0, missed: [], wrong: [] };
  keys.forEach(({ id, key }, i) => {
    const claim = claims.get(key.documentId);
    const show = (k) => `${k.vendorTaxId ?? '-'} ${k.vendorName ?? '-'} | ${k.invoiceNumber ?? '-'} ${k.date ?? '-'} ${k.total ?? '-'}`;
    if (i < originals) {
      // SROIE holds a few scans twice, byte for byte, under two ids: flagging one is right.
      if (claim && sameScan(id, keys[claim.duplicateOf - 1].id)) result.sameScan += 1;
      else if (claim) {
        result.falseFlags += 1;
        result.wrong.push(`${id} (${show(key)}) flagged against ${keys[claim.duplicateOf - 1].id} (${show(keys[claim.duplicateOf - 1].key)})`);
      }
      return;
    }
    const own = i - originals + 1;
    if (claim && (claim.duplicateOf === own || sameScan(id, keys[claim.duplicateOf - 1].id))) {
      result.recognised += 1;
      result[claim.basis === 'invoice_number' ? 'byNumber' : 'bySellerDateTotal'] += 1;
    } else if (claim) {
      result.elsewhere += 1;
      result.wrong.push(`${id} (${show(key)}) flagged against ${keys[claim.duplicateOf - 1].id} (${show(keys[claim.duplicateOf - 1].key)})`);
    } else {
      const o = keys[own - 1].key;
      result.missed.push(`${id}: original ${show(o)}, copy ${show(key)}`);
    }
  });
  return result;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const sub of ['key', opts.source === 'box' ? 'box' : 'img']) {
    if (!existsSync(join(opts.dir, sub))) {
      console.error(`[eval] ${join(opts.dir, sub)} does not exist: --dir must be a folder in the SROIE layout (img/, key/, box/); the default is ../shared/data/sroie-dev beside the checkout`);
      process.exit(2);
    }
  }
  const { parseDate } = await import(pathToFileURL(join(dist, 'extractors', 'receipt', 'index.js')).href);
  const extraction = await loadExtraction(opts);
  const { parseMoney, sameMoney } = await import(pathToFileURL(join(dist, 'extractors', 'receipt', 'money.js')).href);
  const { exactFields, vendorConsensus, withConsensus } = await import(pathToFileURL(join(dist, 'extractors', 'checks', 'vendor-consensus.js')).href);
  const consensusChanges = [];
  let duplicates;
  let ids = (await readdir(join(opts.dir, 'key'))).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  const half = Math.ceil(ids.length / 2);
  if (opts.ids === 'first-half') ids = ids.slice(0, half);
  else if (opts.ids === 'second-half') ids = ids.slice(half);
  else if (opts.ids !== 'all') {
    const wanted = new Set(opts.ids.split(','));
    ids = ids.filter((id) => wanted.has(id));
  }
  ids = ids.slice(0, opts.limit);
  const ocr = opts.source === 'ocr' ? await loadOcr(opts) : null;
  const fields = ['company', 'date', 'address', 'total'];
  const stats = Object.fromEntries(fields.map((f) => [f, { n: 0, exact: 0, f1: 0, spaceless: 0 }]));
  const review = { flagged: 0, wrong: 0, wrongFlagged: 0, rightFlagged: 0, itemsAddUp: 0, itemsDoNot: 0, taxFound: 0, sumsClose: 0, sumsOpen: 0 };
  // --reasons: each review reason against whether the receipt's date and total were right.
  const reasonCounts = new Map();
  const reasonLines = [];
  const misses = [];
  /** Per receipt and field, whether it was right, with the receipt's vendor (its key's company). */
  const outcomes = [];
  const skippedReceipts = [];
  let ocrMs = 0;
  let ocrCount = 0;
  let extractMs = 0;
  const started = Date.now();
  // OCR runs first, `--workers` images at a time (the pool has that many workers), so the eval keeps
  // every core busy the way `docintel run` does; extraction then runs over the pages in id order.
  const ocrPages = new Map();
  const ocrTurns = new Map();
  // Listed once: the OCR pass and the image-reading extractors (QR, vision model) both look images up.
  const imgNames = existsSync(join(opts.dir, 'img')) ? await readdir(join(opts.dir, 'img')) : [];
  const copyId = (id) => `${id}#copy`;
  const copyImage = async (id) => distortImage(await readFile(join(opts.dir, 'img', imgNames.find((f) => f.startsWith(`${id}.`)))), opts.copies);
  if (ocr) {
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++];
        const imgName = imgNames.find((f) => f.startsWith(`${id}.`));
        const bytes = await distortImage(await readFile(join(opts.dir, 'img', imgName)), opts.distort);
        const t0 = Date.now();
        const r = await ocr.read(bytes, imgName);
        if (!r.cached) {
          ocrMs += Date.now() - t0;
          ocrCount += 1;
        }
        ocrPages.set(id, r.pages);
        ocrTurns.set(id, r.turns ?? []);
        if (opts.copies) {
          // A second file of the same receipt (a re-scan, a photo): read like any other document.
          const copy = await ocr.read(await copyImage(id), imgName);
          ocrPages.set(copyId(id), copy.pages);
          ocrTurns.set(copyId(id), copy.turns ?? []);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: opts.workers }, worker));
    } finally {
      await ocr.close();
    }
  }
  {
    const extracted = new Map();
    const copies = opts.copies && ocr ? ids.map(copyId) : [];
    for (const id of [...ids, ...copies]) {
      const original = id.replace(/#copy$/, '');
      const pages = ocr ? ocrPages.get(id) : [boxToPageText(await readFile(join(opts.dir, 'box', `${id}.txt`), 'utf8'))];
      // The vision model and QR decoding get the image as the pipeline gives it: preprocessed.
      const pageImages = async () => {
        const imgName = imgNames.find((f) => f.startsWith(`${original}.`));
        const { preprocessImage } = await import(pathToFileURL(join(dist, 'extractors', 'image', 'preprocess.js')).href);
        const bytes = id === original ? await distortImage(await readFile(join(opts.dir, 'img', imgName)), opts.distort) : await copyImage(original);
        // Turned as the OCR pass kept each page (a receipt scanned sideways is shown upright).
        const turns = ocrTurns.get(id) ?? [];
        const frames = await preprocessImage(bytes, { maxPages: 1, source: imgName });
        return Promise.all(frames.map(async (frame, i) => (turns[i] ? (await preprocessImage(bytes, { maxPages: 1, source: imgName, frame: i, rotate: turns[i] }))[0] : frame).png));
      };
      const t1 = performance.now();
      extracted.set(id, await extraction.extract(pages, pageImages));
      extractMs += performance.now() - t1;
    }
    // As at the end of `docintel run`: the receipts of one seller (same tax id) agree on its tax id, name
    // and address where one of them read a slip of what the others agree on.
    const readingsOf = (list) => list.flatMap((id) => {
      const fields = extracted.get(id).record?.fields;
      if (!fields) return [];
      return [{ id, vendorTaxId: fields.vendorTaxId.value, vendorName: fields.vendorName.value, vendorAddress: fields.vendorAddress.value, exact: exactFields((f) => fields[f].source) }];
    });
    const readings = readingsOf(ids);
    const agreed = extraction.sellerConsensus ? vendorConsensus(readings) : [];
    consensusChanges.push(...agreed);
    // As the run ends next: every receipt that repeats an earlier one's purchase is flagged. The set's
    // receipts are all different purchases, so a flag among them is a false one; with --copies each
    // receipt comes a second time, as another file, and its copy should be flagged against it.
    // The copies take part in the consensus there as in a run (the scores above are of the set alone).
    const agreedWithCopies = copies.length === 0 ? agreed : extraction.sellerConsensus ? vendorConsensus(readingsOf([...ids, ...copies])) : [];
    const final = (id) => extracted.get(id).record && withConsensus(id, extracted.get(id).record, agreedWithCopies);
    const scanOf = new Map();
    for (const id of ids) {
      // `--source box` needs no images: without them no two receipts are known to be one scan.
      const name = imgNames.find((f) => f.startsWith(`${id}.`));
      if (name) scanOf.set(id, createHash('sha256').update(await readFile(join(opts.dir, 'img', name))).digest('hex'));
    }
    const scan = (id) => scanOf.get(id.replace(/#copy$/, ''));
    const sameScan = (a, b) => scan(a) !== undefined && scan(a) === scan(b);
    duplicates = await measureDuplicates([...ids, ...copies].map((id) => ({ id, record: final(id) })), ids.length, sameScan);
    for (const id of ids) {
      const key = JSON.parse(await readFile(join(opts.dir, 'key', `${id}.json`), 'utf8'));
      const { record: read, skipped } = extracted.get(id);
      const record = read ? withConsensus(id, read, agreed) : undefined;
      if (skipped) skippedReceipts.push({ id, why: skipped });
      const got = {
        company: record?.fields.vendorName.value ?? '',
        date: record?.fields.date.value ?? '',
        address: record?.fields.vendorAddress.value ?? '',
        total: record?.fields.total.value ?? '',
      };
      // Whether the record asks for review, against whether the fields an accountant books from (date,
      // total) are right: a flag should catch the wrong ones without crying wolf on the right ones.
      const flagged = record?.needsReview ?? true;
      const itemCheck = record?.validations.find((v) => v.check === 'lines_sum_to_subtotal');
      const bookedWrong = ['date', 'total'].some((f) => {
        const expected = squash(key[f]);
        if (!expected) return false;
        return f === 'date' ? parseDate(expected) !== got.date : !sameMoney(parseMoney(expected.replace(/^RM\s*/i, '')), got.total || null);
      });
      review.flagged += flagged ? 1 : 0;
      if (itemCheck) review[itemCheck.passed ? 'itemsAddUp' : 'itemsDoNot'] += 1;
      // The tax an accountant books, and whether subtotal + tax (+ charges) closes on the total.
      if (record?.fields.tax.value) review.taxFound += 1;
      const sumCheck = record?.validations.find((v) => v.check === 'subtotal_plus_tax_is_total');
      if (sumCheck) review[sumCheck.passed ? 'sumsClose' : 'sumsOpen'] += 1;
      if (opts.reasons && (flagged || bookedWrong || (record?.reviewReasons.length ?? 0) > 0)) {
        reasonLines.push(`${id} ${bookedWrong ? 'wrong' : 'right'} date/total, ${flagged ? 'sent to review' : 'not sent'}: ${(record?.reviewReasons ?? ['no record']).join('; ')}`);
      }
      if (opts.reasons) {
        for (const r of record?.reviewReasons ?? ['no record']) {
          const name = r.split(':')[0];
          const c = reasonCounts.get(name) ?? { wrong: 0, right: 0 };
          c[bookedWrong ? 'wrong' : 'right'] += 1;
          reasonCounts.set(name, c);
        }
      }
      review.wrong += bookedWrong ? 1 : 0;
      review.wrongFlagged += bookedWrong && flagged ? 1 : 0;
      review.rightFlagged += !bookedWrong && flagged ? 1 : 0;
      for (const f of fields) {
        const expected = squash(key[f]);
        if (!expected) continue;
        let ok;
        if (f === 'date') ok = parseDate(expected) === got.date && got.date !== '';
        else if (f === 'total') ok = sameMoney(parseMoney(expected.replace(/^RM\s*/i, '')), got.total || null);
        else ok = squash(got[f]) === expected;
        const s = stats[f];
        s.n += 1;
        if (ok) s.exact += 1;
        // Diagnostic only (the score is `exact`): the same comparison with every space removed, since
        // SROIE keys space commas and points inconsistently (`27, JALAN` vs `NO.53,JALAN`).
        if (ok || (f !== 'date' && f !== 'total' && got[f].replace(/\s+/g, '') === expected.replace(/\s+/g, ''))) s.spaceless += 1;
        s.f1 += ok ? 1 : tokenF1(f === 'date' ? parseDate(expected) ?? expected : expected, got[f]);
        if (!ok) misses.push({ id, field: f, expected, got: got[f] });
        outcomes.push({ vendor: squash(key.company).toUpperCase(), field: f, ok });
      }
    }
  }
  const rows = fields.map((f) => ({ field: f, n: stats[f].n, exact: stats[f].exact / stats[f].n, f1: stats[f].f1 / stats[f].n, exactIgnoringSpaces: stats[f].spaceless / stats[f].n }));
  // A stand-in for held-out data: the receipts of vendors printed on only one receipt of the set (rules
  // tuned on a chain's many slips cannot have fitted those) against the rest. Mean of the per-field means.
  const receiptsOf = new Map();
  for (const o of outcomes) if (o.field === 'date') receiptsOf.set(o.vendor, (receiptsOf.get(o.vendor) ?? 0) + 1);
  const meanOf = (list) => {
    const perField = fields.map((f) => list.filter((o) => o.field === f)).filter((l) => l.length > 0).map((l) => l.filter((o) => o.ok).length / l.length);
    return perField.length === 0 ? null : perField.reduce((a, b) => a + b, 0) / perField.length;
  };
  const once = outcomes.filter((o) => receiptsOf.get(o.vendor) === 1);
  const repeated = outcomes.filter((o) => (receiptsOf.get(o.vendor) ?? 0) > 1);
  const byVendor = { onceReceipts: [...receiptsOf.values()].filter((n) => n === 1).length, onceMean: meanOf(once), repeatedReceipts: [...receiptsOf.values()].filter((n) => n > 1).reduce((a, b) => a + b, 0), repeatedMean: meanOf(repeated) };
  const mean = rows.reduce((s, r) => s + r.exact, 0) / rows.length;
  const meanF1 = rows.reduce((s, r) => s + r.f1, 0) / rows.length;
  if (opts.misses) {
    for (const m of misses) console.log(`miss ${m.id} ${m.field.padEnd(8)} expected ${JSON.stringify(m.expected)}\n${' '.repeat(27)}got      ${JSON.stringify(m.got)}`);
  }
  for (const skip of skippedReceipts) console.log(`no receipt for ${skip.id}: ${skip.why}`);
  const label = `${opts.source === 'ocr' ? `ocr ${ocr?.tag}` : 'box lines'}, ${extraction.label}, ids ${opts.ids}, ${ids.length} receipts, ${opts.dir}${opts.distort ? `, every image distorted: ${opts.distort}` : ''}`;
  console.log(`\n[eval] ${label}`);
  console.log('field      n    exact   token-F1   (exact ignoring spaces)');
  for (const r of rows) console.log(`${r.field.padEnd(9)} ${String(r.n).padStart(3)}   ${r.exact.toFixed(3)}   ${r.f1.toFixed(3)}      (${r.exactIgnoringSpaces.toFixed(3)})`);
  console.log(`mean           ${mean.toFixed(3)}   ${meanF1.toFixed(3)}`);
  const fmt = (v) => (v === null ? '-' : v.toFixed(3));
  console.log(`by vendor: ${byVendor.onceReceipts} receipts of vendors seen once, mean ${fmt(byVendor.onceMean)}; ${byVendor.repeatedReceipts} of vendors seen more than once, mean ${fmt(byVendor.repeatedMean)}`);
  console.log(`needs_review: ${review.flagged} of ${ids.length} receipts; wrong date or total: ${review.wrong}, of them flagged ${review.wrongFlagged}; right ones flagged ${review.rightFlagged} of ${ids.length - review.wrong}`);
  // Label-free measure of line items: receipts whose items add up to their subtotal or total.
  console.log(`line items: add up to the subtotal or total on ${review.itemsAddUp} receipts, do not on ${review.itemsDoNot}, none read on ${ids.length - review.itemsAddUp - review.itemsDoNot}`);
  console.log(`tax: found on ${review.taxFound} receipts; subtotal + tax = total on ${review.sumsClose}, not on ${review.sumsOpen}`);
  const agreedOn = (field) => consensusChanges.filter((c) => c.field === field).length;
  console.log(`seller consensus: ${agreedOn('vendorTaxId')} tax ids, ${agreedOn('vendorName')} names and ${agreedOn('vendorAddress')} addresses set to what the seller's other receipts agree on`);
  if (opts.misses) for (const c of consensusChanges) console.log(`  ${c.id} ${c.field}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)} (${c.agreeing} agree)`);
  if (opts.reasons) {
    for (const line of reasonLines) console.log(line);
    console.log('reasons, on receipts with a wrong / right date or total:');
    for (const [name, c] of [...reasonCounts].sort((a, b) => b[1].right - a[1].right)) console.log(`  ${name.padEnd(40)} ${String(c.wrong).padStart(3)} / ${c.right}`);
  }
  console.log(`duplicate claims: ${duplicates.falseFlags} of the ${ids.length} receipts flagged as repeating another purchase of them, ${duplicates.sameScan} as repeating the same scan under another id`);
  if (opts.misses) for (const line of duplicates.wrong) console.log(`  wrong flag ${line}`);
  if (opts.copies) {
    const d = duplicates;
    console.log(`copies (${opts.copies}): ${d.recognised} of ${d.copies} flagged against their receipt (by invoice number ${d.byNumber}, by seller, date and total ${d.bySellerDateTotal}), ${d.elsewhere} against another, ${d.copies - d.recognised - d.elsewhere} missed`);
    if (opts.misses) for (const line of d.missed) console.log(`  copy missed ${line}`);
  }
  const perReceipt = extractMs / Math.max(1, ids.length + (opts.copies && ocr ? ids.length : 0));
  console.log(`time: extraction ${perReceipt.toFixed(1)} ms/receipt` + (ocrCount ? `, OCR ${(ocrMs / ocrCount / 1000).toFixed(2)} s/receipt (${ocrCount} not cached)` : ocr ? ', OCR all cached' : '') + `, wall ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (opts.json) console.log(JSON.stringify({ rows, mean, meanF1, byVendor, review, consensus: consensusChanges, duplicates, misses, skipped: skippedReceipts }));
}

main().catch((error) => {
  console.error(error?.stack ?? String(error));
  process.exit(2);
});
