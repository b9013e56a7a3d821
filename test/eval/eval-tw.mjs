#!/usr/bin/env node
// `npm run eval:tw`: scores Taiwan invoices end to end, exactly as a user gets them: `docintel run` over
// the folder (embedded database in a temporary directory), then `docintel export csv`, compared field by
// field with hand-read labels.
//
//   node test/eval/eval-tw.mjs [--dir DIR] [--labels FILE] [-- extra docintel run flags, e.g. --ocr-engine tesseract]
//
// Defaults: ../shared/data/tw-dev and test/eval/labels/tw-dev.json. Compared after removing whitespace;
// invoice numbers without their hyphen; totals as numbers. A field a label leaves out is not scored.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const passThrough = argv.includes('--') ? argv.slice(argv.indexOf('--') + 1) : [];
const own = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
const option = (name, fallback) => (own.includes(name) ? own[own.indexOf(name) + 1] : fallback);
const dir = resolve(option('--dir', join(root, '..', 'shared', 'data', 'tw-dev')));
const labelsFile = resolve(option('--labels', join(root, 'test', 'eval', 'labels', 'tw-dev.json')));
const labels = JSON.parse(readFileSync(labelsFile, 'utf8')).documents;

const work = mkdtempSync(join(tmpdir(), 'docintel-eval-tw-'));
const cli = join(root, 'dist', 'pipeline', 'cli.js');
const docintel = (args) => spawnSync(process.execPath, [cli, ...args, '--data-dir', join(work, 'db')], { encoding: 'utf8' });
try {
  const started = Date.now();
  const run = docintel(['run', dir, ...passThrough]);
  if (run.status !== 0 && run.status !== 1) throw new Error(`docintel run exited ${run.status}: ${run.stderr.slice(-800)}`);
  const csvFile = join(work, 'out.csv');
  const exported = docintel(['export', 'csv', '-o', csvFile]);
  if (exported.status !== 0) throw new Error(`docintel export exited ${exported.status}: ${exported.stderr.slice(-800)}`);
  const rows = parse(readFileSync(csvFile, 'utf8'), { columns: true, bom: true });
  const byFile = new Map(rows.map((row) => [basename(row.source_file), row]));

  const normal = {
    invoice_number: (v) => v.replace(/[\s-]/g, '').toUpperCase(),
    total: (v) => (v.trim() === '' ? '' : String(Number(v.replace(/,/g, '')))),
  };
  const fields = ['vendor_name', 'vendor_tax_id', 'buyer_tax_id', 'invoice_number', 'date', 'total'];
  const score = Object.fromEntries(fields.map((f) => [f, { right: 0, n: 0 }]));
  const misses = [];
  for (const [file, expected] of Object.entries(labels)) {
    const row = byFile.get(file);
    for (const field of fields) {
      if (!(field in expected)) continue;
      const norm = normal[field] ?? ((v) => v.replace(/\s+/g, ''));
      const got = row ? norm(row[field] ?? '') : '';
      const want = norm(expected[field]);
      score[field].n += 1;
      if (got === want) score[field].right += 1;
      else misses.push(`${file} ${field}: expected ${JSON.stringify(expected[field])}, got ${JSON.stringify(row?.[field] ?? '(no record)')}`);
    }
  }
  for (const miss of misses) console.log(`miss ${miss}`);
  console.log(`\n[eval:tw] ${Object.keys(labels).length} labelled documents in ${dir}${passThrough.length ? `, run ${passThrough.join(' ')}` : ''}`);
  let right = 0;
  let n = 0;
  for (const field of fields) {
    const { right: r, n: count } = score[field];
    right += r;
    n += count;
    console.log(`${field.padEnd(16)} ${String(r).padStart(2)} / ${count}`);
  }
  console.log(`all fields       ${right} / ${n} (${(right / n).toFixed(2)}), wall ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
