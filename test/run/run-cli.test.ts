/**
 * The run as cron sees it: the compiled CLI in a child process, killed with -9 or SIGTERM mid-way,
 * then run again, on the embedded database (and on PostgreSQL when configured).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../pipeline/db/pglite.js';
import { cliPath, runCli } from '../support/cli.js';
import { databaseTargets, type TestDatabase } from '../support/databases.js';
import { textImage } from '../support/fixtures.js';

const old = new Date(Date.now() - 3600_000);
const DOCS = 6;

/** Starts `docintel run` and kills it with `signal` once `afterDone` documents are committed. */
function runAndKill(args: string[], env: Record<string, string>, signal: NodeJS.Signals, afterDone: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let done = 0;
    let sent = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      done = (stderr.match(/"type":"document-done"/g) ?? []).length;
      if (!sent && done >= afterDone) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code, sig) => resolve({ code, signal: sig, stderr }));
  });
}

/**
 * Starts `docintel run`, sends SIGINT once `afterDone` documents are committed, and a second SIGINT as
 * soon as the run reports the first one (an impatient operator pressing Ctrl-C twice).
 */
function runAndInterruptTwice(args: string[], env: Record<string, string>, afterDone: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = 0;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (sent === 0 && (stderr.match(/"type":"document-done"/g) ?? []).length >= afterDone) {
        sent = 1;
        child.kill('SIGINT');
      } else if (sent === 1 && stderr.includes('"type":"interrupted"')) {
        sent = 2;
        child.kill('SIGINT');
      }
    });
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe.each(databaseTargets)('docintel run CLI on $name', (target) => {
  let folder: string;
  let work: string;
  let t: TestDatabase | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'docintel-runcli-'));
    folder = join(work, 'inbox');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(folder);
    for (let i = 0; i < DOCS; i++) {
      const path = join(folder, `receipt-${i}.png`);
      writeFileSync(path, await textImage([`SHOP NUMBER ${i}`, `TOTAL ${i}.00`]));
      utimesSync(path, old, old);
    }
    writeFileSync(join(folder, 'broken.jpg'), 'not an image');
    utimesSync(join(folder, 'broken.jpg'), old, old);
    env = { DOCINTEL_OCR_LANGUAGES: 'eng', DOCINTEL_OCR_WORKERS: '1', DOCINTEL_LOG_FORMAT: 'json' };
    if (target.name === 'postgres') {
      t = await target.create();
      env.DATABASE_URL = t.location;
    } else {
      env.DOCINTEL_DATA_DIR = join(work, 'db');
    }
  });
  afterAll(async () => {
    await t?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  async function countRows() {
    const db = target.name === 'postgres' ? t!.db : await openPglite({ dataDir: env.DOCINTEL_DATA_DIR! });
    try {
      const result = await db.query<{ documents: number; pages: number; done: number; distinct_pages: number; processing: number }>(
        `SELECT (SELECT count(*) FROM documents)::int AS documents,
                (SELECT count(*) FROM pages)::int AS pages,
                (SELECT count(DISTINCT (document_id, page_no)) FROM pages)::int AS distinct_pages,
                (SELECT count(*) FROM documents WHERE status = 'done')::int AS done,
                (SELECT count(*) FROM documents WHERE status = 'processing')::int AS processing`,
      );
      return result.rows[0]!;
    } finally {
      if (target.name !== 'postgres') await db.close();
    }
  }

  it('a run killed with -9 mid-way is finished by the next run with one record per document', async () => {
    const killed = await runAndKill(['run', folder], env, 'SIGKILL', 2);
    expect(killed.signal).toBe('SIGKILL');
    const partial = await countRows();
    expect(partial.documents).toBe(DOCS + 1);
    expect(partial.done).toBeGreaterThanOrEqual(2);
    expect(partial.done).toBeLessThan(DOCS);

    const report = join(work, 'report.json');
    const second = await runCli(['run', folder, '--report', report], { env });
    expect(second.code).toBe(1); // broken.jpg failed, everything else done
    const rows = await countRows();
    expect(rows).toEqual({ documents: DOCS + 1, pages: DOCS, distinct_pages: DOCS, done: DOCS, processing: 0 });
    const summary = JSON.parse(readFileSync(report, 'utf8')) as { files: { new: number; unchanged: number }; documents: { failedByCode: Record<string, number> } };
    expect(summary.files.new).toBe(0);
    expect(summary.documents.failedByCode).toEqual({ UNSUPPORTED_TYPE: 1 });
    expect(second.stdout).toMatch(/failures\n\s+#\d+ \[UNSUPPORTED_TYPE\] at preprocess: .*broken\.jpg/);
  });

  it('a third run over the processed folder creates nothing and exits by the failures it still has', async () => {
    const third = await runCli(['run', folder], { env });
    expect(third.stdout).toMatch(/unchanged \(not read again\)\s+7/);
    expect(await countRows()).toMatchObject({ documents: DOCS + 1, pages: DOCS, done: DOCS });
  });

  it('SIGTERM finishes the documents in flight, exits 2, and the next run completes', async () => {
    for (let i = 0; i < 3; i++) {
      const path = join(folder, `late-${i}.png`);
      writeFileSync(path, await textImage([`LATE ARRIVAL ${i}`]));
      utimesSync(path, old, old);
    }
    const stopped = await runAndKill(['run', folder], env, 'SIGTERM', 1);
    expect(stopped.code).toBe(2);
    expect(stopped.stderr).toContain('"type":"interrupted"');
    const between = await countRows();
    expect(between.processing).toBe(0);
    const resumed = await runCli(['run', folder], { env });
    // broken.jpg may have used up its attempts by now (then it is no longer retried): the exit code
    // follows whether anything failed in this run, and nothing but broken.jpg may fail.
    expect(resumed.code).toBe(/\nfailures\n/.test(resumed.stdout) ? 1 : 0);
    expect(resumed.stdout).not.toMatch(/\[(?!UNSUPPORTED_TYPE\])[A-Z_]+\] at /);
    expect(await countRows()).toMatchObject({ documents: DOCS + 4, pages: DOCS + 3, done: DOCS + 3, processing: 0 });
  });

  it('a second Ctrl-C stops at once (exit 130) without committing half a document; the next run completes', async () => {
    for (let i = 0; i < 3; i++) {
      const path = join(folder, `impatient-${i}.png`);
      writeFileSync(path, await textImage([`IMPATIENT ${i}`, `TOTAL ${i}.50`]));
      utimesSync(path, old, old);
    }
    const stopped = await runAndInterruptTwice(['run', folder], env, 1);
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('"type":"interrupted"');
    expect(stopped.stderr).not.toContain('"type":"run-finished"');
    const resumed = await runCli(['run', folder], { env });
    expect(resumed.stdout).not.toMatch(/\[(?!UNSUPPORTED_TYPE\])[A-Z_]+\] at /);
    // Every document exactly once, every page exactly once, nothing left claimed by the stopped run.
    expect(await countRows()).toMatchObject({ documents: DOCS + 7, pages: DOCS + 6, distinct_pages: DOCS + 6, done: DOCS + 6, processing: 0 });
  });

  it('retry queues the failed documents again with fresh attempts and processes them', async () => {
    const retried = await runCli(['retry'], { env });
    expect(retried.stderr).toMatch(/^1 failed document\(s\) queued again$/m);
    expect(retried.code).toBe(1);
    expect(retried.stdout).toMatch(/#\d+ \[UNSUPPORTED_TYPE\] at preprocess: .*broken\.jpg/);
    expect(retried.stdout).not.toContain('no attempts left');
    const bad = await runCli(['retry', 'abc'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error [CLI_BAD_ARGUMENT]: Document id "abc" is not a number');
  });

  it.runIf(target.name === 'pglite')('a second run on the same embedded database exits 2 naming the running one', async () => {
    const slow = join(work, 'slow');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(slow);
    for (let i = 0; i < 3; i++) {
      const path = join(slow, `s-${i}.png`);
      writeFileSync(path, await textImage([`SLOW ${i}`]));
      utimesSync(path, old, old);
    }
    const child = spawn(process.execPath, [cliPath, 'run', slow], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('"type":"run-started"')) resolve();
      });
    });
    const second = await runCli(['run', slow], { env });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/error \[RUN_LOCKED\]: Another run is in progress since \d{4}-\d\d-\d\dT[\d:.]+Z on \S+/);
    await new Promise((resolve) => child.on('close', resolve));
  });
});
