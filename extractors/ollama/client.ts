/**
 * The one place docintel talks to Ollama. Built on the `ollama` package (imported lazily, so the CLI starts
 * without it), with what the package leaves out: a per-call timeout, bounded retries with backoff,
 * JSON answers validated with zod (and one corrective retry), and errors mapped to DocintelError codes
 * with a hint an operator can act on.
 */
import { z } from 'zod';
import type { Message, Ollama, Tool, ToolCall } from 'ollama';
import { DocintelError } from '../../pipeline/errors.js';
import { normaliseOllamaHost } from './host.js';

// Where Ollama's address is read and normalised (shared with the config loader, which must stay light).
export { DEFAULT_OLLAMA_HOST, normaliseOllamaHost, resolveOllamaHost } from './host.js';

export interface OllamaClientOptions {
  /** Ollama base URL, e.g. from `resolveOllamaHost(process.env)`. Also accepts `host:port`. */
  host: string;
  /** Deadline of one HTTP call (request and whole response body) in ms. Default 180000. */
  timeoutMs?: number;
  /** Retries of a call that failed with HTTP 5xx/429, a non-JSON body or a dropped connection. Default 2. */
  retries?: number;
  /** Wait before the first retry in ms; doubles with each further retry. Default 500. */
  backoffMs?: number;
  /** fetch implementation. Default: the global fetch. */
  fetch?: typeof fetch;
}

/** A chat message as Ollama takes it; images are base64 strings or raw bytes. */
export type OllamaMessage = Message;
export type OllamaTool = Tool;
export type OllamaToolCall = ToolCall;

export interface ChatJsonRequest {
  model: string;
  /** System message, sent first. Default: none. */
  system?: string;
  /** The user message that asks for the answer. */
  prompt: string;
  /**
   * Images attached to the prompt message: raw bytes, or base64 strings. (ollama-js reads a string that
   * names an existing file as that file, so never pass a path from untrusted input.) Default: none.
   */
  images?: Uint8Array[] | string[];
  /** Messages between the system message and the prompt, e.g. few-shot examples. Default: none. */
  extraMessages?: OllamaMessage[];
}

export interface ChatJsonResult<T> {
  /** The answer, parsed and validated. */
  value: T;
  /** Answers the model gave: 1, or 2 when the first one was invalid. */
  attempts: number;
  /** The text of the accepted answer, as the model wrote it. */
  raw: string;
}

export interface ChatRequest {
  model: string;
  /** The whole conversation, system message included. */
  messages: OllamaMessage[];
  /** Tools the model may call. Default: none. */
  tools?: OllamaTool[];
  /** 'json' or a JSON schema. Default: free text. */
  format?: 'json' | Record<string, unknown>;
  /** Sampling temperature. Default 0, so reruns give the same answer. */
  temperature?: number;
}

export interface ChatResult {
  /** The assistant message; `tool_calls` is set when the model called tools. */
  message: { role: string; content: string; thinking?: string; tool_calls?: OllamaToolCall[] };
  /** Why generation stopped ('stop', 'length', ...); 'length' means the answer was cut off. */
  doneReason: string | undefined;
}

export interface OllamaModelInfo {
  /** Name with tag, e.g. 'bge-m3:latest'. */
  name: string;
  model: string;
  size: number;
  digest: string;
  modifiedAt: string;
}

export interface OllamaClient {
  /** The normalised base URL the client talks to. */
  readonly host: string;
  /**
   * Asks for a JSON answer constrained by `schema` (sent as `format`) at temperature 0 and validates it.
   * An answer that is not JSON or does not match is retried once with the errors; a second failure
   * throws OLLAMA_INVALID_OUTPUT with the raw answer in `details.raw`.
   */
  chatJson<T>(schema: z.ZodType<T>, request: ChatJsonRequest): Promise<ChatJsonResult<T>>;
  /** Free-text chat, optionally with tools; not streamed. */
  chat(request: ChatRequest): Promise<ChatResult>;
  /** One embedding per text, in order. */
  embed(model: string, texts: string[]): Promise<number[][]>;
  /** Installed models (`ollama list`). */
  listModels(): Promise<OllamaModelInfo[]>;
  /** The server's version string. */
  version(): Promise<string>;
}

const ollamaModule = { promise: undefined as Promise<typeof import('ollama')> | undefined };
function loadOllama(): Promise<typeof import('ollama')> {
  ollamaModule.promise ??= import('ollama');
  return ollamaModule.promise;
}

function checkOptions(options: OllamaClientOptions): Required<Omit<OllamaClientOptions, 'fetch'>> {
  const bad = (name: string, value: unknown, expected: string): DocintelError =>
    new DocintelError('CONFIG_INVALID', `[ollama] Option ${name} must be ${expected}, received ${JSON.stringify(value)}`);
  const timeoutMs = options.timeoutMs ?? 180_000;
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 500;
  if (typeof options.host !== 'string' || options.host.trim() === '') throw bad('host', options.host, 'a host, host:port or URL');
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw bad('timeoutMs', timeoutMs, 'a positive number');
  if (!Number.isInteger(retries) || retries < 0) throw bad('retries', retries, 'a whole number >= 0');
  if (!Number.isFinite(backoffMs) || backoffMs < 0) throw bad('backoffMs', backoffMs, 'a number >= 0');
  return { host: normaliseOllamaHost(options.host.trim()), timeoutMs, retries, backoffMs };
}

const UNREACHABLE_HINT = 'Start it with `ollama serve`, set OLLAMA_HOST, or run with --extractor offline.';
const NETWORK_DOWN_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** What went wrong with one HTTP call, before it becomes a DocintelError. */
type Failure =
  | { kind: 'timeout' }
  | { kind: 'unreachable'; code: string | undefined }
  | { kind: 'connection-lost'; code: string | undefined }
  | { kind: 'http'; status: number; message: string }
  | { kind: 'bad-body'; message: string }
  | { kind: 'other'; message: string };

function errorCodes(error: unknown): string[] {
  // undici puts the socket error in `cause`; with several addresses (localhost) it is an AggregateError.
  const cause = (error as { cause?: unknown } | null)?.cause as { code?: unknown; errors?: unknown } | undefined;
  const codes: string[] = [];
  if (typeof cause?.code === 'string') codes.push(cause.code);
  if (Array.isArray(cause?.errors)) {
    for (const inner of cause.errors) if (typeof (inner as { code?: unknown })?.code === 'string') codes.push((inner as { code: string }).code);
  }
  return codes;
}

function classify(error: unknown, timedOut: boolean): Failure {
  if (timedOut) return { kind: 'timeout' };
  const message = error instanceof Error ? error.message : String(error);
  // ollama-js does not export ResponseError; it is recognised by its name and numeric status_code.
  if (error instanceof Error && error.name === 'ResponseError' && typeof (error as { status_code?: unknown }).status_code === 'number') {
    return { kind: 'http', status: (error as unknown as { status_code: number }).status_code, message };
  }
  if (error instanceof SyntaxError) return { kind: 'bad-body', message };
  const codes = errorCodes(error);
  if (codes.some((code) => NETWORK_DOWN_CODES.has(code))) return { kind: 'unreachable', code: codes[0] };
  if (error instanceof TypeError && message === 'fetch failed') return { kind: 'connection-lost', code: codes[0] };
  // A body cut short surfaces as a plain 'terminated' TypeError from the stream reader.
  if (error instanceof TypeError && /terminated|other side closed|socket/i.test(message)) return { kind: 'connection-lost', code: codes[0] };
  return { kind: 'other', message };
}

function isRetryable(failure: Failure): boolean {
  switch (failure.kind) {
    case 'http':
      return failure.status === 429 || failure.status >= 500;
    case 'bad-body':
    case 'connection-lost':
      return true;
    default:
      // Refused connections fail fast (doctor, a stopped server); a timeout already waited its full budget.
      return false;
  }
}

/** Parses and validates one answer; `problem` is written to the model, so it speaks to it. */
function judge<T>(schema: z.ZodType<T>, raw: string, doneReason: string | undefined): { ok: true; value: T } | { ok: false; problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    const cutOff = doneReason === 'length' ? '; it was cut off at the length limit' : '';
    return { ok: false, problem: `Your answer is not valid JSON (${(error as Error).message}${cutOff}).` };
  }
  const result = schema.safeParse(parsed);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problem: `Your answer does not match the required JSON schema:\n${z.prettifyError(result.error)}` };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function toBase64(image: Uint8Array | string): string {
  return typeof image === 'string' ? image : Buffer.from(image.buffer, image.byteOffset, image.byteLength).toString('base64');
}

export function createOllamaClient(options: OllamaClientOptions): OllamaClient {
  const { host, timeoutMs, retries, backoffMs } = checkOptions(options);
  const baseFetch = options.fetch ?? globalThis.fetch;

  /** Describes a call for messages: `chat with model "x" at http://...`. */
  const describe = (action: string, model: string | undefined): string =>
    `${action}${model ? ` with model "${model}"` : ''} at ${host}`;

  const toError = (failure: Failure, action: string, model: string | undefined, attempts: number, cause: unknown): DocintelError => {
    const what = describe(action, model);
    const details = { host, action, model, attempts };
    switch (failure.kind) {
      case 'timeout':
        return new DocintelError('OLLAMA_TIMEOUT', `Ollama ${what} timed out after ${timeoutMs} ms`, {
          cause,
          details,
          hint: 'Raise --ollama-timeout-ms, use a smaller model, or check with `ollama ps` that the model runs on the GPU.',
        });
      case 'unreachable':
        return new DocintelError('OLLAMA_UNREACHABLE', `Cannot reach Ollama at ${host} (${failure.code ?? 'connection failed'}) for ${action}`, {
          cause,
          details,
          hint: UNREACHABLE_HINT,
        });
      case 'connection-lost':
        return new DocintelError('OLLAMA_UNREACHABLE', `Ollama closed the connection during ${what} (${attempts} attempts)`, {
          cause,
          details,
          hint: 'Check that `ollama serve` is still running and its log for a crash (out of memory?), or run with --extractor offline.',
        });
      case 'http':
        if (failure.status === 404 && model && /model .*not found/i.test(failure.message)) {
          return new DocintelError('OLLAMA_MODEL_MISSING', `Ollama at ${host} does not have model "${model}" (needed for ${action})`, {
            cause,
            details: { ...details, status: 404, error: failure.message },
            hint: `Run \`ollama pull ${model}\`, or configure a model that \`ollama list\` shows.`,
          });
        }
        return new DocintelError('OLLAMA_HTTP_ERROR', `Ollama ${what} failed with HTTP ${failure.status}: ${failure.message}`, {
          cause,
          details: { ...details, status: failure.status, error: failure.message },
          hint:
            failure.status === 404
              ? `The server at ${host} does not offer this endpoint; check that it is Ollama and upgrade it (\`ollama --version\`).`
              : `Check the Ollama server log; the call was tried ${attempts} times.`,
        });
      case 'bad-body':
        return new DocintelError('OLLAMA_HTTP_ERROR', `Ollama ${what} answered with a body that is not JSON: ${failure.message}`, {
          cause,
          details,
          hint: `Check that ${host} is an Ollama server and its log; the call was tried ${attempts} times.`,
        });
      case 'other':
        return new DocintelError('OLLAMA_HTTP_ERROR', `Ollama ${what} failed: ${failure.message}`, { cause, details, hint: 'Check the Ollama server log.' });
    }
  };

  /**
   * Runs one API call with a deadline and retries. ollama-js passes no AbortSignal on non-streamed calls
   * and has no per-call options, so the deadline lives in the fetch each attempt's Ollama instance is
   * built with; the timer runs until the body has been read, not just the headers.
   */
  const call = async <R>(action: string, model: string | undefined, run: (ollama: Ollama) => Promise<R>): Promise<R> => {
    const { Ollama: OllamaClass } = await loadOllama();
    for (let attempt = 1; ; attempt++) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new DOMException(`Ollama call exceeded ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
      const deadlineFetch: typeof fetch = (input, init) =>
        baseFetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal });
      try {
        return await run(new OllamaClass({ host, fetch: deadlineFetch }));
      } catch (error) {
        if (error instanceof DocintelError) throw error;
        const failure = classify(error, controller.signal.aborted);
        if (isRetryable(failure) && attempt <= retries) {
          await sleep(backoffMs * 2 ** (attempt - 1));
          continue;
        }
        throw toError(failure, action, model, attempt, error);
      } finally {
        clearTimeout(timer);
      }
    }
  };

  const chat = async (request: ChatRequest): Promise<ChatResult> => {
    // ollama-js rewrites `images` in place; send copies so a caller's messages stay as they were.
    const messages = request.messages.map((m) => ({ ...m, ...(m.images ? { images: m.images.map(toBase64) } : {}) }));
    const response = await call('chat', request.model, (ollama) =>
      ollama.chat({
        model: request.model,
        messages,
        stream: false,
        ...(request.tools ? { tools: request.tools } : {}),
        ...(request.format ? { format: request.format } : {}),
        options: { temperature: request.temperature ?? 0 },
      }),
    );
    const message = (response as { message?: unknown }).message;
    if (typeof message !== 'object' || message === null || typeof (message as { content?: unknown }).content !== 'string') {
      throw new DocintelError('OLLAMA_INVALID_OUTPUT', `Ollama ${describe('chat', request.model)} answered without a message`, {
        details: { host, model: request.model, response },
        hint: 'Check that the server is Ollama and up to date.',
      });
    }
    const m = message as ChatResult['message'];
    return {
      message: {
        role: m.role,
        content: m.content,
        ...(m.thinking ? { thinking: m.thinking } : {}),
        ...(m.tool_calls?.length ? { tool_calls: m.tool_calls } : {}),
      },
      doneReason: (response as { done_reason?: string }).done_reason,
    };
  };

  const chatJson = async <T>(schema: z.ZodType<T>, request: ChatJsonRequest): Promise<ChatJsonResult<T>> => {
    // The model writes what the schema parses, i.e. its input side; 'output' would also reject transforms.
    const format = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
    const messages: OllamaMessage[] = [
      ...(request.system ? [{ role: 'system', content: request.system }] : []),
      ...(request.extraMessages ?? []),
      { role: 'user', content: request.prompt, ...(request.images?.length ? { images: request.images.map(toBase64) } : {}) },
    ];
    const answers: { raw: string; problem: string }[] = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      const { message, doneReason } = await chat({ model: request.model, messages, format, temperature: 0 });
      const raw = message.content;
      const verdict = judge(schema, raw, doneReason);
      if (verdict.ok) return { value: verdict.value, attempts: attempt, raw };
      const { problem } = verdict;
      answers.push({ raw, problem });
      messages.push(
        { role: 'assistant', content: raw },
        { role: 'user', content: `${problem}\nAnswer again with only a JSON value that matches the schema, correcting these errors.` },
      );
    }
    const last = answers[answers.length - 1];
    throw new DocintelError(
      'OLLAMA_INVALID_OUTPUT',
      `Ollama ${describe('chat', request.model)} gave no valid answer in 2 attempts: ${last?.problem.split('\n').slice(0, 3).join(' ')}`,
      {
        details: { host, model: request.model, attempts: 2, raw: last?.raw, answers },
        hint: 'The document is flagged for review; a larger model or a clearer prompt may help.',
      },
    );
  };

  const embed = async (model: string, texts: string[]): Promise<number[][]> => {
    if (texts.length === 0) return [];
    const response = await call('embed', model, (ollama) => ollama.embed({ model, input: texts }));
    const embeddings = (response as { embeddings?: unknown }).embeddings;
    const valid =
      Array.isArray(embeddings) &&
      embeddings.length === texts.length &&
      embeddings.every((v) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x)));
    if (!valid) {
      throw new DocintelError('OLLAMA_INVALID_OUTPUT', `Ollama ${describe('embed', model)} returned ${Array.isArray(embeddings) ? embeddings.length : 'no'} embeddings for ${texts.length} texts`, {
        details: { host, model, texts: texts.length },
        hint: `Check that "${model}" is an embedding model (\`ollama show ${model}\`).`,
      });
    }
    return embeddings as number[][];
  };

  const listModels = async (): Promise<OllamaModelInfo[]> => {
    const response = await call('list models', undefined, (ollama) => ollama.list());
    const models: unknown = (response as { models?: unknown }).models;
    if (!Array.isArray(models)) {
      throw new DocintelError('OLLAMA_INVALID_OUTPUT', `Ollama at ${host} answered /api/tags without a model list`, { details: { host, response } });
    }
    return models.map((m: Record<string, unknown>) => ({
      name: String(m.name ?? m.model ?? ''),
      model: String(m.model ?? m.name ?? ''),
      size: typeof m.size === 'number' ? m.size : 0,
      digest: typeof m.digest === 'string' ? m.digest : '',
      // ollama-js types it as Date, but it is the JSON string.
      modifiedAt: String(m.modified_at ?? ''),
    }));
  };

  const version = async (): Promise<string> => {
    const response = await call('version check', undefined, (ollama) => ollama.version());
    const value = (response as { version?: unknown }).version;
    if (typeof value !== 'string') {
      throw new DocintelError('OLLAMA_INVALID_OUTPUT', `The server at ${host} answered /api/version without a version; is it Ollama?`, { details: { host, response } });
    }
    return value;
  };

  return { host, chatJson, chat, embed, listModels, version };
}
