/**
 * Configuration: one pure loader, `loadConfig({ flags, env, file })`, with the precedence
 * flag > environment > docintel.config.json > default. Every setting is declared once in SETTINGS,
 * which also drives `--help`, the README table and validation messages.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { normaliseOllamaHost } from '../extractors/ollama/host.js';
import { DocintelError } from './errors.js';
import { SETTINGS, type SettingKey, type SettingSpec } from './settings.js';

// Ollama's own reading of OLLAMA_HOST, shared with the client.
export { normaliseOllamaHost };

export { SETTINGS, type SettingKey, type SettingSpec } from './settings.js';

const cores = Math.max(1, availableParallelism());

const ConfigSchema = z.object({
  databaseUrl: z.string().optional(),
  dataDir: z.string().min(1),
  extractor: z.enum(['offline', 'ollama']),
  embedder: z.enum(['hash', 'ollama']),
  ollamaHost: z.string().min(1),
  visionModel: z.string().min(1),
  embeddingModel: z.string().min(1),
  chatModel: z.string().min(1),
  ollamaTimeoutMs: z.number().int(),
  ollamaRetries: z.number().int(),
  llmConcurrency: z.number().int(),
  ocrEngine: z.enum(['tesseract', 'ppocr']),
  ocrLanguages: z.array(z.enum(['eng', 'chi_tra'])).min(1),
  ocrLanguageMode: z.enum(['auto', 'all']),
  ocrWorkers: z.number().int(),
  maxAttempts: z.number().int(),
  maxPages: z.number().int(),
  maxFileMb: z.number().int(),
  maxImageMegapixels: z.number().int(),
  pdfPasswords: z.array(z.string()),
  settleSeconds: z.number().int(),
  logFormat: z.enum(['auto', 'pretty', 'json']),
  minYear: z.number().int(),
  sellerConsensus: z.enum(['on', 'off']),
});

export type Config = z.infer<typeof ConfigSchema>;

export const DEFAULTS: Config = {
  databaseUrl: undefined,
  dataDir: './.docintel/db',
  extractor: 'offline',
  embedder: 'hash',
  ollamaHost: 'http://127.0.0.1:11434',
  visionModel: 'qwen2.5vl:7b',
  embeddingModel: 'bge-m3',
  chatModel: 'qwen2.5:7b',
  ollamaTimeoutMs: 180_000,
  ollamaRetries: 2,
  llmConcurrency: 1,
  ocrEngine: 'ppocr',
  ocrLanguages: ['eng', 'chi_tra'],
  ocrLanguageMode: 'auto',
  ocrWorkers: cores,
  maxAttempts: 3,
  maxPages: 50,
  maxFileMb: 200,
  maxImageMegapixels: 100,
  pdfPasswords: [],
  settleSeconds: 2,
  logFormat: 'auto',
  minYear: 2000,
  sellerConsensus: 'on',
};

export type ConfigSource = 'flag' | 'env' | 'file' | 'default';

export interface LoadConfigInput {
  /** Parsed command-line values keyed by flag name (strings, or string[] for repeatable flags). */
  flags?: Record<string, string | string[] | boolean | undefined>;
  env?: Record<string, string | undefined>;
  /** Parsed docintel.config.json (already JSON.parse'd), keyed by setting key. */
  file?: unknown;
  /** Name of the config file, for messages. */
  fileName?: string;
}

export interface LoadedConfig {
  config: Config;
  /** Where each setting's value came from (for doctor and debugging). */
  sources: Record<SettingKey, ConfigSource>;
}

function invalid(spec: SettingSpec, origin: string, value: unknown, why: string): DocintelError {
  return new DocintelError(
    'CONFIG_INVALID',
    `Invalid ${spec.key} (${origin}): ${JSON.stringify(value)} ${why}`,
    { hint: `${spec.description} Default: ${spec.defaultText}. See \`docintel --help\`.`, details: { setting: spec.key, origin, value } },
  );
}

function originOf(spec: SettingSpec, source: ConfigSource, fileName: string): string {
  switch (source) {
    case 'flag':
      return `flag --${spec.flag}`;
    case 'env':
      return `environment ${spec.env}`;
    case 'file':
      return `${fileName} "${spec.key}"`;
    default:
      return 'default';
  }
}

/** Converts one raw value (string from flag/env, or JSON from the file) to the setting's type. */
function coerce(spec: SettingSpec, raw: unknown, origin: string): unknown {
  switch (spec.kind) {
    case 'integer': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isInteger(n)) throw invalid(spec, origin, raw, 'is not a whole number');
      if (spec.min !== undefined && n < spec.min) throw invalid(spec, origin, raw, `is below the minimum ${spec.min}`);
      if (spec.max !== undefined && n > spec.max) throw invalid(spec, origin, raw, `is above the maximum ${spec.max}`);
      return n;
    }
    case 'enum': {
      if (typeof raw !== 'string' || !spec.values?.includes(raw)) {
        throw invalid(spec, origin, raw, `is not one of ${spec.values?.join(', ')}`);
      }
      return raw;
    }
    case 'list': {
      let items: string[];
      if (Array.isArray(raw)) items = raw.map(String);
      else if (typeof raw === 'string') items = raw.split(spec.key === 'ocrLanguages' ? /[+,]/ : /,/);
      else throw invalid(spec, origin, raw, 'is not a list');
      items = items.map((item) => item.trim()).filter((item) => item.length > 0);
      if (spec.values) {
        const bad = items.find((item) => !spec.values?.includes(item));
        if (bad !== undefined) throw invalid(spec, origin, raw, `contains ${JSON.stringify(bad)}, not one of ${spec.values.join(', ')}`);
        if (items.length === 0) throw invalid(spec, origin, raw, 'is empty');
      }
      return items;
    }
    case 'url': {
      if (typeof raw !== 'string' || raw.trim() === '') throw invalid(spec, origin, raw, 'is not a URL');
      if (spec.key === 'ollamaHost') {
        try {
          return normaliseOllamaHost(raw.trim());
        } catch {
          throw invalid(spec, origin, raw, 'is not a host, host:port or URL');
        }
      }
      let url: URL;
      try {
        url = new URL(raw.trim());
      } catch {
        throw invalid(spec, origin, '<redacted>', 'is not a URL (expected postgres://user:pass@host:5432/db)');
      }
      if (spec.key === 'databaseUrl' && !['postgres:', 'postgresql:'].includes(url.protocol)) {
        throw invalid(spec, origin, url.protocol, 'is not a postgres:// or postgresql:// URL');
      }
      return raw.trim();
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw invalid(spec, origin, raw, 'is not true or false');
    }
    default: {
      if (typeof raw !== 'string' || raw.length === 0) throw invalid(spec, origin, raw, 'is not a non-empty string');
      return raw;
    }
  }
}

const FileSchema = z.record(z.string(), z.unknown());

/** Pure: the same input always gives the same config or the same error. */
export function loadConfig(input: LoadConfigInput = {}): LoadedConfig {
  const flags = input.flags ?? {};
  const env = input.env ?? {};
  const fileName = input.fileName ?? 'docintel.config.json';
  let file: Record<string, unknown> = {};
  if (input.file !== undefined) {
    const parsed = FileSchema.safeParse(input.file);
    if (!parsed.success) {
      throw new DocintelError('CONFIG_FILE_INVALID', `${fileName} must hold a JSON object of settings`, {
        hint: 'Example: { "extractor": "offline", "ocrWorkers": 2 }',
      });
    }
    file = parsed.data;
    const known = new Set<string>(SETTINGS.map((s) => s.key));
    const unknown = Object.keys(file).filter((key) => !known.has(key));
    if (unknown.length > 0) {
      throw new DocintelError('CONFIG_FILE_INVALID', `${fileName} has unknown setting(s): ${unknown.join(', ')}`, {
        hint: `Known settings: ${[...known].join(', ')}.`,
      });
    }
  }

  const values: Record<string, unknown> = { ...DEFAULTS };
  const sources = {} as Record<SettingKey, ConfigSource>;
  for (const spec of SETTINGS as readonly SettingSpec[]) {
    const candidates: [ConfigSource, unknown][] = [
      ['flag', flags[spec.flag]],
      ['env', env[spec.env] === '' ? undefined : env[spec.env]],
      ['file', file[spec.key]],
    ];
    const chosen = candidates.find(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0));
    if (chosen) {
      values[spec.key] = coerce(spec, chosen[1], originOf(spec, chosen[0], fileName));
      sources[spec.key as SettingKey] = chosen[0];
    } else {
      sources[spec.key as SettingKey] = 'default';
    }
  }
  const result = ConfigSchema.safeParse(values);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new DocintelError('CONFIG_INVALID', `Invalid configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return { config: result.data, sources };
}
