import { renameSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config.js';
import { openDatabase } from '../db/open.js';
import { DocintelError } from '../errors.js';
import { packageVersion } from '../paths.js';
import { jsonLinesSink, ttyProgressSink, type ProgressSink } from '../progress.js';
import { resetFailed } from '../store/documents.js';
import { formatSummary } from '../summary.js';
import { runFolder, type RunSummary } from '../runner.js';
import { createRunServices } from '../services.js';
import type { CommandContext, CommandHandler } from './registry.js';

function progressFor(config: Config, stderr: NodeJS.WritableStream): ProgressSink {
  const tty = (stderr as NodeJS.WriteStream).isTTY === true;
  const format = config.logFormat === 'auto' ? (tty ? 'pretty' : 'json') : config.logFormat;
  return format === 'pretty' && tty ? ttyProgressSink(stderr as NodeJS.WriteStream) : jsonLinesSink(stderr);
}

function writeReport(file: string, summary: RunSummary): void {
  // Atomic: a reader never sees half a report.
  const target = resolve(file);
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(summary, null, 2)}\n`);
  renameSync(temp, target);
}

/** Shared by `run` and `retry`: signals, progress, summary, report and exit code. */
async function execute(ctx: CommandContext, folder: string | undefined, retryFailed: boolean, before?: (reset: (ids?: number[]) => Promise<number>) => Promise<void>): Promise<number> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      progress.emit({ type: 'interrupted', signal });
      controller.abort();
    } else {
      // A second signal: stop now. Documents in flight were not committed; the next run redoes them.
      process.exit(130);
    }
  };
  const progress = progressFor(ctx.config, ctx.stderr);
  const db = await openDatabase(ctx.config);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (before) await before((ids) => resetFailed(db, ids));
    const services = await createRunServices(ctx.config);
    const summary = await runFolder(
      { ...(folder !== undefined ? { folder } : {}), retryFailed, signal: controller.signal },
      {
        db,
        config: ctx.config,
        progress,
        version: packageVersion(),
        ...services,
      },
    ).catch((error: unknown) => {
      const partial = (error as { summary?: RunSummary }).summary;
      if (partial) {
        progress.close();
        ctx.stdout.write(formatSummary(partial));
        if (typeof ctx.flags.report === 'string') writeReport(ctx.flags.report, partial);
      }
      throw error;
    });
    progress.close();
    ctx.stdout.write(formatSummary(summary));
    if (typeof ctx.flags.report === 'string') writeReport(ctx.flags.report, summary);
    if (summary.status === 'interrupted') return 2;
    return summary.documents.failed > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await db.close();
  }
}

export const runCommand: CommandHandler = async (ctx) => {
  const folder = resolve(ctx.positionals[0]!);
  try {
    if (!statSync(folder).isDirectory()) throw new Error('not a directory');
  } catch (cause) {
    throw new DocintelError('FOLDER_NOT_FOUND', `Cannot open the folder ${folder}`, {
      cause,
      hint: 'Pass the folder that holds the documents, e.g. `docintel run /srv/inbox`.',
    });
  }
  return execute(ctx, folder, ctx.flags['retry-failed'] === true);
};

export const retryCommand: CommandHandler = async (ctx) => {
  const ids = ctx.positionals.map((value) => {
    if (!/^\d+$/.test(value)) {
      throw new DocintelError('CLI_BAD_ARGUMENT', `Document id ${JSON.stringify(value)} is not a number`, {
        hint: 'Pass document ids as shown in the run summary (#12), or none to retry every failed document.',
      });
    }
    return Number(value);
  });
  return execute(ctx, undefined, false, async (reset) => {
    const count = await reset(ids.length > 0 ? ids : undefined);
    ctx.stderr.write(`${count} failed document(s) queued again\n`);
  });
};
