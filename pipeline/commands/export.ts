import { resolve } from 'node:path';
import { openDatabase } from '../db/open.js';
import { assertMigrated } from '../db/migrate.js';
import { DocintelError } from '../errors.js';
import type { CommandHandler } from './registry.js';

function isoDate(value: unknown, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!match || !date || date.getUTCMonth() !== Number(match[2]) - 1 || date.getUTCDate() !== Number(match[3])) {
    throw new DocintelError('CLI_BAD_ARGUMENT', `--${flag} ${JSON.stringify(text)} is not a date as YYYY-MM-DD`, {
      hint: 'Example: docintel export csv --from 2024-01-01 --to 2024-02-29',
    });
  }
  return text;
}

export const exportCommand: CommandHandler = async (ctx) => {
  const format = ctx.positionals[0];
  if (format !== 'csv') {
    throw new DocintelError('CLI_BAD_ARGUMENT', `Unknown export format ${JSON.stringify(format)}`, { hint: 'Use `docintel export csv`.' });
  }
  const from = isoDate(ctx.flags.from, 'from');
  const to = isoDate(ctx.flags.to, 'to');
  if (from && to && from > to) {
    throw new DocintelError('CLI_BAD_ARGUMENT', `--from ${from} is after --to ${to}`, { hint: 'Swap the dates.' });
  }
  const options = {
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    needsReview: ctx.flags['needs-review'] === true,
    lines: ctx.flags.lines === true,
    bom: ctx.flags['no-bom'] !== true,
  };
  const db = await openDatabase(ctx.config);
  try {
    await assertMigrated(db);
    const { exportCsv, exportCsvToFile } = await import('../export/csv.js');
    if (typeof ctx.flags.output === 'string') {
      const file = resolve(ctx.flags.output);
      const rows = await exportCsvToFile(db, file, options);
      ctx.stderr.write(`${rows} row(s) written to ${file}\n`);
    } else {
      await exportCsv(db, ctx.stdout, options);
    }
    return 0;
  } finally {
    await db.close();
  }
};
