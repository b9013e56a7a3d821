#!/usr/bin/env node
// The end-of-run duplicate-claim pass (pipeline/store/duplicate-claims.ts) on a large store.
//
//   npm run bench:duplicates -- [--receipts N] [--copies N] [--database-url postgres://.../postgres]
//
// Builds a synthetic store in a throwaway database: N receipts (default 100 000) of 200 sellers over
// three years, totals 1.00 to 500.00 from a seeded generator, a toll road with 3000 receipts of one
// amount, 5% without a total and 5% without a date; then `--copies` (default 200) true copies of
// earlier receipts. Times the pass twice (the first flags the copies, the second finds nothing to
// change, as a nightly run with nothing new does), and, as the baseline measured in the same run, one
// read of every receipt's key columns: the pass costs that many full reads.
//
// Without --database-url the store is an embedded PGlite in a temporary directory. With it (a server
// URL; its database is only used to create and drop `docintel_bench_<pid>`), the same on PostgreSQL.
// Runs on the compiled code in dist/ (`npm run bench:duplicates` builds first).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const load = (path) => import(pathToFileURL(join(root, 'dist', ...path.split('/'))).href);

function parseArgs(argv) {
  const opts = { receipts: 100_000, copies: 200, databaseUrl: undefined };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--receipts') opts.receipts = Number(argv[++i]);
    else if (a === '--copies') opts.copies = Number(argv[++i]);
    else if (a === '--database-url') opts.databaseUrl = argv[++i];
    else throw new Error(`[bench] unknown option ${a}`);
  }
  if (!(Number.isInteger(opts.receipts) && opts.receipts > 0)) throw new Error('[bench] --receipts must be a positive integer');
  if (!(Number.isInteger(opts.copies) && opts.copies >= 0 && opts.copies < opts.receipts)) throw new Error('[bench] --copies must be an integer from 0 to --receipts - 1');
  return opts;
}

/** A seeded generator (mulberry32): the same store on every run. */
function generator(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function fill(db, receipts, copies) {
  const originals = receipts - copies;
  await db.query(
    `INSERT INTO documents (sha256, original_path, file_name, size_bytes, status, stage)
     SELECT lpad(to_hex(g), 64, '0'), '/bench/' || g || '.jpg', g || '.jpg', 1, 'done', 'validate' FROM generate_series(1, $1) g`,
    [receipts],
  );
  const rand = generator(42);
  for (let from = 1; from <= originals; from += 5000) {
    const rows = [];
    for (let id = from; id < Math.min(from + 5000, originals + 1); id += 1) {
      const toll = id % 33 === 0 && id <= 99_000;
      const seller = toll ? 999 : Math.floor(rand() * 200);
      const day = Math.floor(rand() * 1095);
      const total = toll ? '5.00' : (Math.floor(rand() * 49_900 + 100) / 100).toFixed(2);
      const r = rand();
      rows.push([id, `SHOP ${seller}`, String(seller).padStart(12, '0'), `CS${String(id).padStart(8, '0')}`, r < 0.05 ? null : new Date(Date.UTC(2022, 0, 1 + day)).toISOString().slice(0, 10), r > 0.95 ? null : total]);
    }
    await db.query(
      `INSERT INTO receipts (document_id, vendor_name, vendor_tax_id, invoice_number, invoice_date, total, extractor)
       SELECT *, 'offline' FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::date[], $6::numeric[])`,
      [0, 1, 2, 3, 4, 5].map((column) => rows.map((row) => row[column])),
    );
  }
  // The copies repeat the last `copies` originals' values under new documents.
  await db.query(
    `INSERT INTO receipts (document_id, vendor_name, vendor_tax_id, invoice_number, invoice_date, total, extractor)
     SELECT d.id, r.vendor_name, r.vendor_tax_id, r.invoice_number, r.invoice_date, r.total, 'offline'
     FROM documents d JOIN receipts r ON r.document_id = d.id - $2 WHERE d.id > $1`,
    [originals, copies],
  );
}

async function timed(fn) {
  const started = performance.now();
  const result = await fn();
  return { result, seconds: (performance.now() - started) / 1000 };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const [{ openDatabase }, { migrate }, { flagDuplicateClaims }] = await Promise.all([load('pipeline/db/open.js'), load('pipeline/db/migrate.js'), load('pipeline/store/duplicate-claims.js')]);
  let cleanup = async () => {};
  let target;
  if (opts.databaseUrl) {
    const { default: pg } = await import('pg');
    const name = `docintel_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: opts.databaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(opts.databaseUrl);
    url.pathname = `/${name}`;
    target = { databaseUrl: url.toString(), label: 'PostgreSQL' };
    cleanup = async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'docintel-bench-'));
    target = { dataDir: join(dir, 'db'), label: 'PGlite' };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  try {
    const db = await openDatabase(target);
    try {
      await migrate(db);
      const built = await timed(() => fill(db, opts.receipts, opts.copies));
      console.log(`[bench] ${target.label}: ${opts.receipts} receipts, ${opts.copies} of them copies, stored in ${built.seconds.toFixed(1)} s`);
      const read = await timed(() => db.query(`SELECT document_id, vendor_tax_id, vendor_name, invoice_number, invoice_date::text, total::text FROM receipts`));
      const first = await timed(() => flagDuplicateClaims(db));
      const second = await timed(() => flagDuplicateClaims(db));
      console.log(`baseline: one read of every receipt's key columns   ${read.seconds.toFixed(2)} s`);
      console.log(`first pass (flags the copies)                       ${first.seconds.toFixed(2)} s  (${(first.seconds / read.seconds).toFixed(1)}x the read)  ${JSON.stringify(first.result)}`);
      console.log(`second pass (nothing new)                           ${second.seconds.toFixed(2)} s  (${(second.seconds / read.seconds).toFixed(1)}x the read)  ${JSON.stringify(second.result)}`);
      if (first.result.flagged !== opts.copies || second.result.flagged + second.result.cleared !== 0) {
        console.error(`[bench] expected ${opts.copies} flags and then none`);
        process.exitCode = 1;
      }
    } finally {
      await db.close();
    }
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  console.error(error?.stack ?? String(error));
  process.exit(2);
});
