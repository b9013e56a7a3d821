/**
 * The command table. Only names, flags and help text live here, so `docintel --help` loads nothing
 * heavy; each command's code is imported when it runs.
 */
import type { Config, LoadedConfig } from '../config.js';

export interface CommandFlag {
  name: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** Shown in --help, e.g. 'DATE'. */
  valueName?: string;
  description: string;
}

export interface CommandContext {
  config: Config;
  loaded: LoadedConfig;
  /** The command's own flags (not the settings). */
  flags: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
}

/** A command returns its exit code. */
export type CommandHandler = (ctx: CommandContext) => Promise<number>;

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  /** Longer description shown by `docintel <command> --help`. */
  details?: string;
  flags: CommandFlag[];
  /** Number of positional arguments accepted. */
  positionals: { min: number; max: number; names: string };
  load: () => Promise<CommandHandler>;
}

export const COMMANDS: CommandSpec[] = [
  {
    name: 'export',
    summary: 'Export receipts as CSV for accountants (one row per receipt, or per line item).',
    usage: 'docintel export csv [--from DATE] [--to DATE] [--needs-review] [--lines] [-o FILE] [--no-bom]',
    details:
      'UTF-8 with a byte-order mark and CRLF line ends (Excel opens Chinese correctly), ISO dates, money as plain ' +
      'decimal strings, and cells that could run as spreadsheet formulas neutralised. Without -o the CSV goes to ' +
      'stdout; with -o it is written atomically.',
    flags: [
      { name: 'from', type: 'string', valueName: 'DATE', description: 'Receipts dated on or after DATE (YYYY-MM-DD).' },
      { name: 'to', type: 'string', valueName: 'DATE', description: 'Receipts dated on or before DATE (YYYY-MM-DD).' },
      { name: 'needs-review', type: 'boolean', description: 'Only receipts flagged for review.' },
      { name: 'lines', type: 'boolean', description: 'One row per line item, with the receipt keys.' },
      { name: 'output', short: 'o', type: 'string', valueName: 'FILE', description: 'Write to FILE (atomically) instead of stdout.' },
      { name: 'no-bom', type: 'boolean', description: 'Leave out the UTF-8 byte-order mark (for tools other than Excel).' },
    ],
    positionals: { min: 1, max: 1, names: 'csv' },
    load: async () => (await import('./export.js')).exportCommand,
  },
  {
    name: 'migrate',
    summary: 'Create or upgrade the database schema (safe to run any time).',
    usage: 'docintel migrate [options]',
    details:
      'Applies the pending sql/NNN_*.sql migrations in order, each in a transaction under an advisory lock. ' +
      'Refuses a changed applied migration and a database newer than this docintel.',
    flags: [],
    positionals: { min: 0, max: 0, names: '' },
    load: async () => (await import('./migrate.js')).migrateCommand,
  },
  {
    name: 'run',
    summary: 'Process a folder: register new files, read them (PDF text or OCR), store the results.',
    usage: 'docintel run <folder> [--retry-failed] [--report FILE] [options]',
    details:
      'Idempotent and resumable: unchanged files are skipped, a copy of a known file creates nothing new, ' +
      'a run that was killed is finished by the next. Exit code 0 when every document succeeded, 1 when some ' +
      'failed (listed in the summary), 2 when the run itself could not proceed. SIGINT/SIGTERM finish the ' +
      'documents in flight and stop.',
    flags: [
      { name: 'retry-failed', type: 'boolean', description: 'Also retry documents that used up their attempts.' },
      { name: 'report', type: 'string', valueName: 'FILE', description: 'Write the run summary as JSON to FILE.' },
    ],
    positionals: { min: 1, max: 1, names: '<folder>' },
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    name: 'retry',
    summary: 'Queue failed documents again (all, or the given ids) and process them.',
    usage: 'docintel retry [ID ...] [--report FILE] [options]',
    details: 'Resets the attempts of failed documents and processes the queue from the paths stored in the database.',
    flags: [{ name: 'report', type: 'string', valueName: 'FILE', description: 'Write the run summary as JSON to FILE.' }],
    positionals: { min: 0, max: 10_000, names: '[ID ...]' },
    load: async () => (await import('./run.js')).retryCommand,
  },
  {
    name: 'doctor',
    summary: 'Check the database, pgvector, migrations, OCR language data and Ollama.',
    usage: 'docintel doctor [--json] [options]',
    details:
      'Prints one line per check with what to do about each problem. Exit code 0 when everything the ' +
      'configuration needs works (Ollama is only required with --extractor ollama or --embedder ollama), 2 otherwise.',
    flags: [{ name: 'json', type: 'boolean', description: 'Print the checks as JSON.' }],
    positionals: { min: 0, max: 0, names: '' },
    load: async () => (await import('./doctor.js')).doctorCommand,
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name);
}
