#!/usr/bin/env node
/**
 * The `docintel` command line. Kept light: heavy libraries load inside the command that needs them,
 * so `docintel --help` answers instantly.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SETTINGS, type SettingSpec } from './settings.js';
import { DocintelError, isDocintelError } from './errors.js';
import { commandHelp, generalHelp } from './commands/help.js';
import { COMMANDS, findCommand, type CommandSpec } from './commands/registry.js';
import { packageVersion as version } from './paths.js';

type ParseOptions = NonNullable<ParseArgsConfig['options']>;

function optionsFor(command: CommandSpec | undefined): ParseOptions {
  const options: ParseOptions = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
    config: { type: 'string' },
  };
  for (const spec of SETTINGS as readonly SettingSpec[]) {
    options[spec.flag] = spec.key === 'pdfPasswords' ? { type: 'string', multiple: true } : { type: 'string' };
  }
  for (const flag of command?.flags ?? []) {
    options[flag.name] = {
      type: flag.type,
      ...(flag.multiple ? { multiple: true } : {}),
      ...(flag.short ? { short: flag.short } : {}),
    };
  }
  return options;
}

function readConfigFile(explicit: string | undefined, env: Record<string, string | undefined>): { file?: unknown; fileName?: string } {
  const named = explicit ?? env.DOCINTEL_CONFIG;
  const path = resolve(named ?? 'docintel.config.json');
  if (!existsSync(path)) {
    if (named) {
      throw new DocintelError('CONFIG_FILE_INVALID', `Config file ${path} does not exist`, {
        hint: 'Check the --config path or DOCINTEL_CONFIG.',
      });
    }
    return {};
  }
  try {
    return { file: JSON.parse(readFileSync(path, 'utf8')), fileName: path };
  } catch (cause) {
    throw new DocintelError('CONFIG_FILE_INVALID', `Config file ${path} is not valid JSON`, {
      cause,
      hint: 'Fix the JSON (a single object of settings) or remove the file.',
    });
  }
}

function parseFailure(error: unknown, command: CommandSpec | undefined): DocintelError {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const helpLine = command ? `docintel ${command.name} --help` : 'docintel --help';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
    return new DocintelError('CLI_UNKNOWN_FLAG', `Unknown option ${flag}${command ? ` for ${command.name}` : ''}`, {
      hint: `See \`${helpLine}\` for the options.`,
    });
  }
  return new DocintelError('CLI_BAD_ARGUMENT', message.split('\n')[0] ?? message, { hint: `See \`${helpLine}\`.` });
}

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
}

/** Runs the CLI and returns the exit code (0 ok, 1 bug or documents failed, 2 user/environment problem). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const first = argv[0];
  const command = first !== undefined && !first.startsWith('-') ? findCommand(first) : undefined;
  try {
    if (first !== undefined && !first.startsWith('-') && !command) {
      const near = COMMANDS.map((c) => c.name).filter((name) => name.startsWith(first.slice(0, 2)));
      throw new DocintelError('CLI_UNKNOWN_COMMAND', `Unknown command "${first}"`, {
        hint: `Commands: ${COMMANDS.map((c) => c.name).join(', ')}.${near.length ? ` Did you mean ${near.join(' or ')}?` : ''} See \`docintel --help\`.`,
      });
    }
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: command ? argv.slice(1) : argv, options: optionsFor(command), strict: true, allowPositionals: true });
    } catch (error) {
      throw parseFailure(error, command);
    }
    const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
    if (values.version) {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    if (!command) {
      if (values.help) {
        io.stdout.write(generalHelp(version()));
        return 0;
      }
      io.stderr.write(generalHelp(version()));
      return 2;
    }
    if (values.help) {
      io.stdout.write(commandHelp(command));
      return 0;
    }
    const { min, max, names } = command.positionals;
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new DocintelError(
        'CLI_BAD_ARGUMENT',
        max === 0
          ? `${command.name} takes no arguments (got ${parsed.positionals.map((p) => JSON.stringify(p)).join(' ')})`
          : `${command.name} expects ${names}`,
        { hint: `Usage: ${command.usage}` },
      );
    }
    const settingFlags: Record<string, string | string[] | undefined> = {};
    for (const spec of SETTINGS as readonly SettingSpec[]) settingFlags[spec.flag] = values[spec.flag] as string | string[] | undefined;
    const commandFlags: Record<string, string | boolean | string[] | undefined> = {};
    for (const flag of command.flags) commandFlags[flag.name] = values[flag.name];
    // zod and the loader load only when a command runs, not for --help.
    const { loadConfig } = await import('./config.js');
    const loaded = loadConfig({ flags: settingFlags, env: io.env, ...readConfigFile(values.config as string | undefined, io.env) });
    const handler = await command.load();
    return await handler({
      config: loaded.config,
      loaded,
      flags: commandFlags,
      positionals: parsed.positionals,
      stdout: io.stdout,
      stderr: io.stderr,
      env: io.env,
    });
  } catch (error) {
    return reportError(error, io);
  }
}

export function reportError(error: unknown, io: Pick<CliIo, 'stderr' | 'env'>): number {
  if (isDocintelError(error)) {
    io.stderr.write(`error [${error.code}]: ${error.message}\n`);
    if (error.hint) io.stderr.write(`hint: ${error.hint}\n`);
    if (io.env.DEBUG) io.stderr.write(`${error.stack ?? ''}\n${error.cause ? `cause: ${String((error.cause as Error).stack ?? error.cause)}\n` : ''}`);
    return error.isUserOrEnvironment ? 2 : 1;
  }
  io.stderr.write(`error [INTERNAL]: ${error instanceof Error ? error.message : String(error)}\n`);
  io.stderr.write('hint: this is a bug in docintel; please report it with the output of DEBUG=1.\n');
  if (io.env.DEBUG && error instanceof Error) io.stderr.write(`${error.stack}\n`);
  return 1;
}

// Run only when executed directly (not when imported by tests).
// The npm bin is a symlink, so compare real paths.
function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}
if (invokedDirectly()) {
  // `docintel export csv | head`: a reader that closes stdout early ends the output, not with a crash
  // ("Unhandled 'error' event ... EPIPE"). A closed stderr only loses the progress lines: work goes on.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.exitCode = reportError(error, { stderr: process.stderr, env: process.env });
    },
  );
}
