#!/usr/bin/env node
// OCR throughput and accuracy: docintel (sharp preprocessing + tesseract.js pool) against the native
// `tesseract` CLI on the same receipt images, same languages, same number of cores.
//
//   npm run bench:ocr -- [--dir DIR] [--box-dir DIR] [--limit N] [--workers N] [--languages eng+chi_tra]
//                        [--language-modes auto,all] [--engines tesseract,ppocr] [--native-tessdata DIR]
//                        [--no-native] [--no-rerun]
//                        [--json FILE] [--verbose]
//
// Runs on the compiled code in dist/ (`npm run bench:ocr` builds first). Defaults: the SROIE dev
// receipts (../shared/data/sroie-dev/img, ground truth in ../box), 20 images spread evenly over the
// folder, one worker / native process per core, eng+chi_tra, the system tessdata for native.
//
// docintel is measured as `docintel run` reads images: the same preprocessing, page segmentation and
// language handling (pipeline/services.ts). Both language modes are measured by default: `auto` (the
// default: eng first, chi_tra only on pages and lines that need it, extractors/ocr/language-strategy.ts)
// and `all` (eng+chi_tra on every page, what native tesseract does with `-l eng+chi_tra`). Native
// tesseract is configured the same languages and no other option but `preserve_interword_spaces`.
// `--engines` adds docintel's second engine, PP-OCRv4 (`--ocr-engine ppocr`, extractors/ocr/ppocr/),
// measured the same way (Chinese pages in Traditional characters, as `docintel run` gives them).
//
// Measured per engine: documents per minute (wall clock, including worker start-up: a nightly run
// pays it too, and native tesseract pays it for every image), CPU ms per document (less sensitive to
// other load on a shared machine; docintel's includes its PP-OCR worker processes), peak RSS (docintel:
// the process and its children, which includes tesseract.js' worker threads and the PP-OCR worker
// processes; native: the sum over the tesseract processes alive at once, sampled from /proc), and
// CER against the box files.
//
// CER: Levenshtein distance between OCR text and ground truth divided by the ground-truth length, after
// normalising both the same way: Unicode NFKC (full-width → ASCII), all whitespace removed (line breaks
// and column spacing are layout, not characters), upper-cased (SROIE transcribes as printed, tesseract
// sometimes lower-cases). Ground truth is the box file's lines in file order (top to bottom). Reported
// as the mean over images and as the pooled rate (total edits / total characters).
//
// Figures measured are in the README ("Speed and accuracy").
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = parseArgs(process.argv.slice(2));
const dir = resolve(args.dir ?? join(root, '..', 'shared', 'data', 'sroie-dev', 'img'));
const boxDir = resolve(args['box-dir'] ?? join(dir, '..', 'box'));
const limit = Number(args.limit ?? 20);
const workers = Number(args.workers ?? availableParallelism());
const languages = String(args.languages ?? 'eng+chi_tra').split('+');
const verbose = args.verbose === true;
const languageModes = String(args['language-modes'] ?? 'auto,all').split(',').filter(Boolean);
const engines = String(args.engines ?? 'tesseract,ppocr').split(',').filter(Boolean);

if (!existsSync(dir)) fail(`image folder ${dir} does not exist (use --dir)`);
if (!Number.isInteger(limit) || limit < 1) fail(`--limit must be a positive integer, got ${args.limit}`);
if (!Number.isInteger(workers) || workers < 1) fail(`--workers must be a positive integer, got ${args.workers}`);
for (const mode of languageModes) if (!['auto', 'all'].includes(mode)) fail(`--language-modes takes auto and/or all, got ${mode}`);
for (const engine of engines) if (!['tesseract', 'ppocr'].includes(engine)) fail(`--engines takes tesseract and/or ppocr, got ${engine}`);

const images = pickImages(dir, limit);
console.log(`ocr-bench: ${images.length} images from ${dir}, ${workers} workers/processes, languages ${languages.join('+')}`);

const ours = [];
if (engines.includes('tesseract')) for (const mode of languageModes) ours.push(await benchDocintel(images, mode));
if (engines.includes('ppocr')) ours.push(await benchDocintel(images, 'auto', 'ppocr'));
const native = args['no-native'] === true ? null : await benchNative(images);
report(ours, native);
if (args['no-rerun'] !== true) await benchRerun(images);

// --- re-run over an already processed folder ------------------------------------------------------

/**
 * The nightly promise: a second `docintel run` over a folder it already processed reads nothing again.
 * Copies the images into a temporary inbox, runs the real CLI twice on a temporary embedded database
 * and prints the wall time of each run.
 */
async function benchRerun(files) {
  const { mkdtempSync, copyFileSync, rmSync, utimesSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { spawnSync } = await import('node:child_process');
  const work = mkdtempSync(join(tmpdir(), 'docintel-bench-rerun-'));
  const inbox = join(work, 'inbox');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(inbox);
  const old = new Date(Date.now() - 3600_000);
  for (const file of files) {
    const target = join(inbox, file.split('/').pop());
    copyFileSync(file, target);
    utimesSync(target, old, old);
  }
  const cli = join(root, 'dist', 'pipeline', 'cli.js');
  const env = { ...process.env, DOCINTEL_DATA_DIR: join(work, 'db'), DOCINTEL_LOG_FORMAT: 'json', DOCINTEL_OCR_LANGUAGES: languages.join('+'), DOCINTEL_OCR_WORKERS: String(workers) };
  const timed = () => {
    const started = performance.now();
    const result = spawnSync(process.execPath, [cli, 'run', inbox], { env, encoding: 'utf8' });
    if (result.status !== 0) fail(`docintel run exited ${result.status}: ${result.stderr.slice(-500)}`);
    return (performance.now() - started) / 1000;
  };
  const first = timed();
  const second = timed();
  console.log(`docintel run over ${files.length} new files: ${first.toFixed(1)} s; re-run over the processed folder: ${second.toFixed(2)} s`);
  rmSync(work, { recursive: true, force: true });
}

// --- docintel -------------------------------------------------------------------------------------

async function benchDocintel(files, languageMode, engine = 'tesseract') {
  const dist = join(root, 'dist');
  const preprocessJs = join(dist, 'extractors', 'image', 'preprocess.js');
  if (!existsSync(preprocessJs)) fail(`${preprocessJs} is missing: run \`npm run build\` (npm run bench:ocr does)`);
  const { preprocessImage } = await import(pathToFileURL(preprocessJs).href);
  const { createOcrReader, RECEIPT_PAGE_SEG_MODE } = await import(pathToFileURL(join(dist, 'pipeline', 'services.js')).href);

  // PP-OCR reads in child processes: memory and CPU count this process and its children.
  const memory = sampleMemory(() => rssOfPid(process.pid));
  const cpuStart = process.cpuUsage();
  const childrenCpuStart = childrenCpuMs();
  const started = performance.now();
  // The reader `docintel run` builds (pipeline/services.ts).
  const pool = await createOcrReader({ ocrEngine: engine, ocrLanguages: languages, ocrLanguageMode: languageMode, ocrWorkers: workers });
  const results = [];
  let languageUse;
  try {
    await runAll(files, workers, async (file) => {
      const t0 = performance.now();
      const frames = await preprocessImage(readFileSync(file), { source: file });
      const t1 = performance.now();
      const pages = [];
      for (const [index, frame] of frames.entries()) pages.push(await pool.recognize(frame.png, index + 1));
      const t2 = performance.now();
      results.push({ file, text: pages.map((page) => page.text).join('\n'), preprocessMs: t1 - t0, ocrMs: t2 - t1, scale: frames[0]?.scale });
    });
    languageUse = pool.stats().languageUse;
  } finally {
    await pool.terminate();
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  const childrenCpu = childrenCpuMs() - childrenCpuStart;
  const peakRss = memory.stop();
  const name = engine === 'ppocr' ? 'docintel, --ocr-engine ppocr (sharp + PP-OCRv4 on onnxruntime)' : `docintel, languages ${languageMode} (sharp + tesseract.js, psm ${RECEIPT_PAGE_SEG_MODE})`;
  return summarise(name, files, results, wallMs, (cpu.user + cpu.system) / 1000 + childrenCpu, peakRss, {
    engine,
    languageMode,
    languageUse,
    preprocessMs: mean(results.map((r) => r.preprocessMs)),
    ocrMs: mean(results.map((r) => r.ocrMs)),
  });
}

// --- native tesseract -----------------------------------------------------------------------------

async function benchNative(files) {
  const found = await promisify(execFile)('tesseract', ['--version']).then(
    (out) => out.stdout.split('\n')[0] ?? 'tesseract',
    () => null,
  );
  if (found === null) {
    console.log('native tesseract not found on PATH: skipped (Debian: apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-tra)');
    return null;
  }
  const tessdata = args['native-tessdata'];
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const scratch = mkdtempSync(join(tmpdir(), 'ocr-bench-'));
  const alive = new Set();
  const memory = sampleMemory(() => {
    let total = 0;
    for (const pid of alive) total += rssOfPid(pid);
    return total;
  });
  const results = [];
  let cpuMs = 0;
  const started = performance.now();
  try {
    await runAll(files, workers, async (file, slot) => {
      const tesseractArgs = [file, 'stdout', '-l', languages.join('+'), '-c', 'preserve_interword_spaces=1'];
      if (tessdata) tesseractArgs.push('--tessdata-dir', tessdata);
      const timeFile = join(scratch, `time-${slot}.txt`);
      const [command, commandArgs] = timeBin
        ? [timeBin, ['-f', '%U %S', '-o', timeFile, 'tesseract', ...tesseractArgs]]
        : ['tesseract', tesseractArgs];
      const t0 = performance.now();
      // OpenMP's default of one thread per core is 4x slower here with one process per core.
      const text = await run(command, commandArgs, { ...process.env, OMP_THREAD_LIMIT: '1' }, alive);
      if (timeBin) {
        const [user = 0, system = 0] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        cpuMs += (user + system) * 1000;
      }
      results.push({ file, text, ocrMs: performance.now() - t0 });
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const wallMs = performance.now() - started;
  const peakRss = memory.stop();
  return summarise(`native ${found} (OMP_THREAD_LIMIT=1, tessdata ${tessdata ?? 'system'})`, files, results, wallMs, timeBin ? cpuMs : null, peakRss, {
    ocrMs: mean(results.map((r) => r.ocrMs)),
  });
}

function run(command, commandArgs, env, alive) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, commandArgs, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    alive.add(child.pid);
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      alive.delete(child.pid);
      if (code === 0) resolvePromise(out);
      else reject(new Error(`${command} exited with ${code} on ${commandArgs.join(' ')}`));
    });
  });
}

/**
 * CPU milliseconds of this process's children that have exited and been waited for (/proc/self/stat
 * cutime + cstime): the PP-OCR workers, once the pool has stopped them.
 */
function childrenCpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
  // After the command name: field 3 is index 0, so cutime (16) and cstime (17) are 13 and 14.
  const ticks = Number(fields[13]) + Number(fields[14]);
  const clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return (ticks * 1000) / clockTicksPerSecond;
}

/** RSS of a process and its children (time → tesseract) in bytes, from /proc; 0 when unavailable. */
function rssOfPid(pid) {
  let total = 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    total += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean)) {
      total += rssOfPid(Number(child));
    }
  } catch {
    // exited between listing and reading
  }
  return total;
}

// --- shared ---------------------------------------------------------------------------------------

function pickImages(folder, count) {
  const all = readdirSync(folder)
    .filter((name) => /\.(jpe?g|png|tiff?|webp)$/i.test(name))
    .sort();
  if (all.length === 0) fail(`no images in ${folder}`);
  const n = Math.min(count, all.length);
  // Spread over the folder: SROIE ids cluster by source (small till rolls first, A4 scans later).
  return Array.from({ length: n }, (_, i) => join(folder, all[Math.floor((i * all.length) / n)]));
}

async function runAll(items, concurrency, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async (_, slot) => {
      while (next < items.length) {
        const item = items[next++];
        await task(item, slot);
      }
    }),
  );
}

function sampleMemory(read) {
  let peak = read();
  const timer = setInterval(() => {
    peak = Math.max(peak, read());
  }, 25);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, read());
    },
  };
}

function groundTruth(file) {
  const box = join(boxDir, `${basename(file, extname(file))}.txt`);
  if (!existsSync(box)) return null;
  return readFileSync(box, 'utf8')
    .split(/\r?\n/)
    .filter(Boolean)
    .map((line) => line.split(',').slice(8).join(','))
    .join('\n');
}

function normalise(text) {
  return text.normalize('NFKC').replace(/\s+/gu, '').toUpperCase();
}

function levenshtein(a, b) {
  let previous = new Int32Array(b.length + 1).map((_, j) => j);
  let current = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      current[j] = Math.min(substitution, previous[j] + 1, current[j - 1] + 1);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}

function summarise(name, files, results, wallMs, cpuMs, peakRss, extra) {
  let edits = 0;
  let chars = 0;
  const perImage = [];
  for (const result of results) {
    const truth = groundTruth(result.file);
    if (truth === null) continue;
    const t = normalise(truth);
    const distance = levenshtein(normalise(result.text), t);
    edits += distance;
    chars += t.length;
    perImage.push({ file: basename(result.file), cer: distance / t.length, ms: result.ocrMs + (result.preprocessMs ?? 0) });
  }
  return {
    name,
    documents: files.length,
    wallMs,
    docsPerMinute: (files.length / wallMs) * 60_000,
    cpuMsPerDoc: cpuMs === null ? null : cpuMs / files.length,
    peakRssMb: peakRss / 1_048_576,
    meanCer: perImage.length ? mean(perImage.map((p) => p.cer)) : null,
    pooledCer: chars ? edits / chars : null,
    scored: perImage.length,
    perImage: perImage.sort((a, b) => a.file.localeCompare(b.file)),
    ...extra,
  };
}

function report(ours, theirs) {
  const rows = [...ours, theirs].filter(Boolean);
  const fmt = (value, digits = 1) => (value === null || value === undefined ? 'n/a' : value.toFixed(digits));
  console.log('');
  console.log('| engine | docs/min | CPU ms/doc | peak RSS MB | mean CER | pooled CER |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) {
    console.log(`| ${row.name} | ${fmt(row.docsPerMinute)} | ${fmt(row.cpuMsPerDoc, 0)} | ${fmt(row.peakRssMb, 0)} | ${fmt(row.meanCer, 4)} | ${fmt(row.pooledCer, 4)} |`);
  }
  for (const row of ours) {
    console.log(`\ndocintel (${row.engine === 'ppocr' ? 'ppocr' : `languages ${row.languageMode}`}) per document: preprocess ${fmt(row.preprocessMs, 0)} ms, OCR ${fmt(row.ocrMs, 0)} ms (wall, ${workers} in parallel)`);
    const use = row.languageUse;
    if (row.engine === 'tesseract' && row.languageMode === 'auto' && use) {
      console.log(`  pages kept with ${languages[0]} alone: ${use.firstLanguageOnly}, read again with all languages: ${use.escalated}, read with all straight away: ${use.direct}; lines re-read: ${use.linesRetried}, replaced: ${use.linesReplaced}`);
    }
    if (theirs) {
      console.log(`  throughput ratio docintel/native: ${(row.docsPerMinute / theirs.docsPerMinute).toFixed(2)}x (wall)` +
        (row.cpuMsPerDoc && theirs.cpuMsPerDoc ? `, ${(theirs.cpuMsPerDoc / row.cpuMsPerDoc).toFixed(2)}x (CPU)` : ''));
      console.log(`  CER docintel ${fmt(row.meanCer, 4)} vs native ${fmt(theirs.meanCer, 4)} (mean over ${row.scored} images)`);
    }
  }
  if (verbose) {
    for (const row of rows) {
      console.log(`\n${row.name}`);
      for (const image of row.perImage) console.log(`  ${image.file}  CER ${image.cer.toFixed(3)}  ${image.ms.toFixed(0)} ms`);
    }
  }
  if (typeof args.json === 'string') writeFileSync(args.json, `${JSON.stringify({ workers, languages, docintel: ours, native: theirs }, null, 2)}\n`);
}

function mean(values) {
  return values.length ? values.reduce((sum, v) => sum + v, 0) / values.length : null;
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) fail(`unexpected argument ${arg}`);
    const [key, inline] = arg.slice(2).split('=', 2);
    if (inline !== undefined) out[key] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) out[key] = argv[++i];
    else out[key] = true;
  }
  return out;
}

function fail(message) {
  console.error(`ocr-bench: ${message}`);
  process.exit(2);
}
