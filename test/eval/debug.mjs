#!/usr/bin/env node
// Prints the rows and the extracted record for one SROIE id: node test/eval/debug.mjs ID [--source box|ocr]
import { readFile, readdir } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { boxToPageText } from './eval-lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [id, , sourceArg] = process.argv.slice(2);
const source = sourceArg ?? 'box';
const dir = resolve(root, '..', 'shared', 'data', 'sroie-dev');
const m = await import(pathToFileURL(join(root, 'dist', 'extractors', 'receipt', 'index.js')).href);
let pages;
if (source === 'box') pages = [boxToPageText(await readFile(join(dir, 'box', `${id}.txt`), 'utf8'))];
else {
  const bytes = await readFile(join(dir, 'img', `${id}.jpg`));
  const sha = createHash('sha256').update(bytes).digest('hex');
  const cacheRoot = join(root, '.docintel', 'eval-cache');
  // The newest cache that holds the page (the one the last `npm run eval` wrote), unless TAG names one.
  const holding = (await readdir(cacheRoot)).filter((d) => existsSync(join(cacheRoot, d, `${sha}.json`)));
  const newest = holding.map((d) => ({ d, at: statSync(join(cacheRoot, d, `${sha}.json`)).mtimeMs })).sort((a, b) => b.at - a.at)[0]?.d;
  const tag = process.env.TAG ?? newest;
  if (tag === undefined) throw new Error(`no eval cache holds ${id}: run npm run eval first`);
  console.error(`[debug] OCR from ${tag}`);
  // A cache file holds { pages, turns }; one written before turns were kept holds the pages alone.
  const cached = JSON.parse(await readFile(join(cacheRoot, tag, `${sha}.json`), 'utf8'));
  pages = Array.isArray(cached) ? cached : cached.pages;
}
for (const r of m.buildRows(pages)) console.log(String(r.index).padStart(3), `[${Math.round(r.bbox.y0)}-${Math.round(r.bbox.y1)}]`, r.text);
const rec = m.extractReceiptOffline(pages);
console.log(JSON.stringify(Object.fromEntries(Object.entries(rec.fields).map(([k, v]) => [k, [v.value, +v.confidence.toFixed(2)]]))));
console.log(await readFile(join(dir, 'key', `${id}.json`), 'utf8'));
