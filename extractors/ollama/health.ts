/**
 * The Ollama part of `docintel doctor`: is the server reachable, which version, and which of the
 * configured models are installed. Never throws, so doctor can report everything it finds in one go.
 */
import { isDocintelError } from '../../pipeline/errors.js';
import { createOllamaClient } from './client.js';
import type { OllamaClient } from './client.js';

export interface OllamaModelCheck {
  /** The model name as configured (not normalised), so callers can look their models up. */
  name: string;
  /** What the model is used for ('vision', 'embedding', ...), when given. */
  role?: string;
  present: boolean;
  /** `ollama pull <name>`, set when the model is missing. */
  pullCommand?: string;
}

export interface OllamaHealth {
  /** The normalised address that was checked. */
  host: string;
  reachable: boolean;
  /** Server version, when reachable. */
  version?: string;
  /** Short reason when unreachable or when the model list could not be read. */
  error?: string;
  models: OllamaModelCheck[];
}

export interface CheckOllamaInput {
  /** Ollama address (URL or host:port). */
  host: string;
  /** Models to look for: names, or names with the role they play. */
  models: (string | { name: string; role?: string })[];
  /** Deadline of each of the two calls in ms. Default 3000. */
  timeoutMs?: number;
  /** fetch implementation. Default: the global fetch. */
  fetch?: typeof fetch;
}

/** Ollama shows 'bge-m3' as 'bge-m3:latest'; a ':' before the last '/' belongs to a registry port, not a tag. */
function withImpliedTag(name: string): string {
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? name : `${name}:latest`;
}

function shortReason(error: unknown, timeoutMs: number): string {
  if (!isDocintelError(error)) return error instanceof Error ? error.message : String(error);
  switch (error.code) {
    case 'OLLAMA_TIMEOUT':
      return `no answer within ${timeoutMs} ms`;
    case 'OLLAMA_UNREACHABLE': {
      const cause = error.cause as { cause?: { code?: unknown } } | undefined;
      const code = typeof cause?.cause?.code === 'string' ? cause.cause.code : undefined;
      return code === 'ECONNREFUSED' ? 'connection refused' : code ? `connection failed (${code})` : 'connection failed';
    }
    default:
      return error.message;
  }
}

export async function checkOllama(input: CheckOllamaInput): Promise<OllamaHealth> {
  const wanted = input.models.map((m) => (typeof m === 'string' ? { name: m } : m));
  const timeoutMs = input.timeoutMs ?? 3000;
  const everyModel = (present: boolean): OllamaModelCheck[] =>
    wanted.map((m) => ({ ...m, present, ...(present ? {} : { pullCommand: `ollama pull ${m.name}` }) }));

  let client: OllamaClient;
  try {
    // No retries: doctor should answer quickly, and a refused connection is not going to change.
    client = createOllamaClient({ host: input.host, timeoutMs, retries: 0, ...(input.fetch ? { fetch: input.fetch } : {}) });
  } catch (error) {
    return { host: input.host, reachable: false, error: shortReason(error, timeoutMs), models: everyModel(false) };
  }
  const host = client.host;

  let version: string;
  try {
    version = await client.version();
  } catch (error) {
    // Something answered HTTP but not like Ollama: reachable, yet not usable.
    const answered = isDocintelError(error) && (error.code === 'OLLAMA_HTTP_ERROR' || error.code === 'OLLAMA_INVALID_OUTPUT');
    return { host, reachable: answered, error: shortReason(error, timeoutMs), models: everyModel(false) };
  }

  try {
    const installed = await client.listModels();
    const names = new Set(installed.flatMap((m) => [withImpliedTag(m.name), withImpliedTag(m.model)]));
    return {
      host,
      reachable: true,
      version,
      models: wanted.map((m) => {
        const present = names.has(withImpliedTag(m.name));
        return { ...m, present, ...(present ? {} : { pullCommand: `ollama pull ${m.name}` }) };
      }),
    };
  } catch (error) {
    return { host, reachable: true, version, error: `cannot list models: ${shortReason(error, timeoutMs)}`, models: everyModel(false) };
  }
}
