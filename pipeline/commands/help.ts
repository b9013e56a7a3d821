import { SETTINGS, type SettingSpec } from '../settings.js';
import { COMMANDS, type CommandSpec } from './registry.js';

function column(rows: [string, string][], indent = 2): string {
  const width = Math.min(34, Math.max(...rows.map(([left]) => left.length)) + 2);
  return rows
    .map(([left, right]) =>
      left.length + 2 > width
        ? `${' '.repeat(indent)}${left}\n${' '.repeat(indent + width)}${right}`
        : `${' '.repeat(indent)}${left.padEnd(width)}${right}`,
    )
    .join('\n');
}

function settingRows(): [string, string][] {
  return (SETTINGS as readonly SettingSpec[]).map((spec) => {
    const value = spec.kind === 'boolean' ? '' : spec.kind === 'enum' ? ` ${spec.values?.join('|')}` : ` ${spec.kind === 'integer' ? 'N' : 'VALUE'}`;
    return [`--${spec.flag}${value}`, `${spec.description} [env ${spec.env}; default ${spec.defaultText}]`];
  });
}

const COMMON = `Settings (flag > environment > docintel.config.json > default):`;

export function generalHelp(version: string): string {
  return [
    `docintel ${version}: turn a folder of receipts, invoices and site photos into records in PostgreSQL.`,
    '',
    'Usage: docintel <command> [options]',
    '',
    'Commands:',
    column(COMMANDS.map((command) => [command.name, command.summary])),
    '',
    'Options:',
    column([
      ['--config FILE', 'Settings file [env DOCINTEL_CONFIG; default ./docintel.config.json when present]'],
      ['-h, --help', 'Show help (also `docintel <command> --help`)'],
      ['-v, --version', 'Show the version'],
    ]),
    '',
    COMMON,
    column(settingRows()),
    '',
    'Environment: DEBUG=1 prints stack traces with errors.',
    '',
  ].join('\n');
}

export function commandHelp(command: CommandSpec): string {
  const own = command.flags.map((flag): [string, string] => [
    `${flag.short ? `-${flag.short}, ` : ''}--${flag.name}${flag.type === 'string' ? ` ${flag.valueName ?? 'VALUE'}` : ''}`,
    flag.description,
  ]);
  return [
    `Usage: ${command.usage}`,
    '',
    command.summary,
    ...(command.details ? ['', command.details] : []),
    '',
    ...(own.length > 0 ? ['Options:', column(own), ''] : []),
    'Common options:',
    column([
      ['--config FILE', 'Settings file [env DOCINTEL_CONFIG; default ./docintel.config.json when present]'],
      ['-h, --help', 'Show this help'],
    ]),
    '',
    COMMON,
    column(settingRows()),
    '',
  ].join('\n');
}
