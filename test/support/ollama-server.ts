/**
 * A stand-in for Ollama: a real HTTP server on 127.0.0.1 (random port) speaking the parts of Ollama's API
 * docintel uses (/api/version, /api/tags, /api/show, /api/chat, /api/generate, /api/embed), so tests go
 * through the real `ollama` client and the real network stack. Each test scripts what the "model" answers,
 * how slowly, and how the server fails; every request is recorded for assertions.
 *
 * Without a script the server answers like a cooperative model: chat with a JSON-schema `format` gets a
 * minimal value valid for that schema, `format: 'json'` gets `{}`, free text gets a fixed sentence, and
 * embeddings are a deterministic hash of the text (see `hashEmbedding`).
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface OllamaTestServerOptions {
  /** Installed models, as `ollama list` would show them (a name without a tag means `:latest`). Default: ['qwen2.5vl:7b', 'bge-m3', 'qwen2.5:7b']. */
  models?: string[];
  /** Length of the default embedding vectors. Default 16. */
  embeddingDimensions?: number;
  /** What GET /api/version reports. Default '0.12.6'. */
  version?: string;
}

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. '/api/chat'. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as sent. */
  rawBody: string;
  /** The body parsed as JSON; undefined when empty or not JSON. */
  body: unknown;
}

export interface ToolCallReply {
  function: { name: string; arguments: Record<string, unknown> };
}

/** A scripted model answer for /api/chat (and /api/generate, which draws from the same queue). */
export interface ChatReply {
  type?: 'reply';
  /** Answer content as a JSON value; the server sends `JSON.stringify(json)`. */
  json?: unknown;
  /** Answer content sent verbatim (use for answers that are not JSON). Wins over `json`. */
  content?: string;
  /** Tool calls in the assistant message. */
  toolCalls?: ToolCallReply[];
  /** `done_reason` of the final message. Default 'stop'. */
  doneReason?: string;
  /** Milliseconds to wait before answering; the wait ends early if the client goes away. */
  delayMs?: number;
}

/** A scripted answer for /api/embed; without `embeddings` the default hash vectors are used. */
export interface EmbedReply {
  type?: 'reply';
  embeddings?: number[][];
  delayMs?: number;
}

/** A scripted failure, usable on any endpoint. */
export type Fault =
  /** An HTTP error; an object body is sent as JSON (default `{ error: 'scripted failure' }`), a string verbatim. */
  | { type: 'http'; status: number; body?: unknown; contentType?: string; delayMs?: number }
  /** 200 with `application/json` but a body that is not JSON (cut in the middle of an object). */
  | { type: 'invalid-body'; delayMs?: number }
  /** A stream that ends without the final `done: true` message (a non-streamed answer is cut mid-JSON). */
  | { type: 'truncated-stream'; delayMs?: number }
  /**
   * Closes the connection without an answer. Use it on POST endpoints only: Node's fetch silently
   * retries an idempotent GET on a dropped connection, forever.
   */
  | { type: 'hang-up'; delayMs?: number };

export type ChatScript = ChatReply | Fault | ((request: RecordedRequest) => ChatReply | Fault);

export interface FailNextOptions {
  /** Only requests to this path fail (e.g. '/api/chat'). Default: any path. */
  path?: string;
  /** How many matching requests fail. Default 1. */
  times?: number;
}

export interface OllamaTestServer {
  /** Base URL, e.g. 'http://127.0.0.1:43210' (what OLLAMA_HOST would be). */
  url: string;
  /** '127.0.0.1:43210', the scheme-less form Ollama also accepts. */
  host: string;
  port: number;
  /** Every request received, in order (including failed and aborted ones). */
  requests: RecordedRequest[];
  /** Installed models; mutate (push/splice) to add or remove one mid-test. */
  models: string[];
  /** Requests to one path, e.g. `requestsTo('/api/chat')`. */
  requestsTo(path: string): RecordedRequest[];
  /** Queues answers for the next chat/generate calls, in order. */
  enqueueChat(...replies: (ChatReply | Fault)[]): void;
  /** Queues answers for the next embed calls, in order. */
  enqueueEmbed(...replies: (EmbedReply | Fault)[]): void;
  /** What chat answers when its queue is empty (a reply, a fault, or a function of the request). */
  setDefaultChat(script: ChatScript | undefined): void;
  /** Makes the next matching request(s) fail, before any queued answer is used. */
  failNext(fault: Fault, options?: FailNextOptions): void;
  /** Forgets requests, queues, faults and the default chat; restores the initial models. */
  reset(): void;
  /** Stops listening and destroys open connections, so the test process can exit. */
  close(): Promise<void>;
}

const DEFAULT_MODELS = ['qwen2.5vl:7b', 'bge-m3', 'qwen2.5:7b'];
const FREE_TEXT_ANSWER = 'This is an answer from the Ollama test server.';

/** Adds the ':latest' tag Ollama implies when a name has none (a ':' before the last '/' is a registry port). */
export function withImpliedTag(name: string): string {
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? name : `${name}:latest`;
}

/**
 * The default embedding of a text: a unit vector derived from SHA-256 of the text, so equal texts give
 * equal vectors and tests can compute the expected value.
 */
export function hashEmbedding(text: string, dimensions: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}\u0000${text}`).digest();
    for (let i = 0; i + 4 <= digest.length && values.length < dimensions; i += 4) {
      values.push(digest.readUInt32BE(i) / 0xffffffff - 0.5);
    }
  }
  const norm = Math.sqrt(values.reduce((sum, v) => sum + v * v, 0)) || 1;
  return values.map((v) => v / norm);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A small value that satisfies a JSON schema (as produced by `z.toJSONSchema`): required properties
 * only, first enum/anyOf branch, minimum lengths. Best effort; script an answer when it is not enough.
 */
export function sampleFromSchema(schema: unknown, root: unknown = schema, depth = 0): unknown {
  if (!isRecord(schema) || depth > 20) return null;
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref
      .replace(/^#\/?/, '')
      .split('/')
      .filter((part) => part !== '')
      .reduce<unknown>((node, part) => (isRecord(node) ? node[part] : undefined), root);
    return sampleFromSchema(target, root, depth + 1);
  }
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('default' in schema) return schema.default;
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) return sampleFromSchema(branches[0], root, depth + 1);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = isRecord(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === 'string') : [];
      return Object.fromEntries(required.map((key) => [key, sampleFromSchema(properties[key], root, depth + 1)]));
    }
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      return Array.from({ length: min }, () => sampleFromSchema(schema.items, root, depth + 1));
    }
    case 'string': {
      const formats: Record<string, string> = {
        date: '2024-01-01',
        'date-time': '2024-01-01T00:00:00Z',
        time: '00:00:00',
        email: 'test@example.com',
        uuid: '00000000-0000-4000-8000-000000000000',
        uri: 'https://example.com/',
      };
      if (typeof schema.format === 'string' && formats[schema.format] !== undefined) return formats[schema.format];
      return 'x'.repeat(typeof schema.minLength === 'number' ? schema.minLength : 0);
    }
    case 'integer':
    case 'number': {
      if (typeof schema.minimum === 'number') return type === 'integer' ? Math.ceil(schema.minimum) : schema.minimum;
      if (typeof schema.exclusiveMinimum === 'number') return Math.floor(schema.exclusiveMinimum) + 1;
      return 0;
    }
    case 'boolean':
      return false;
    default:
      return null;
  }
}

function isFault(script: ChatReply | EmbedReply | Fault): script is Fault {
  return script.type !== undefined && script.type !== 'reply';
}

function defaultChatReply(request: RecordedRequest): ChatReply {
  const format = isRecord(request.body) ? request.body.format : undefined;
  if (isRecord(format)) return { json: sampleFromSchema(format) };
  if (format === 'json') return { json: {} };
  return { content: FREE_TEXT_ANSWER };
}

interface PendingFault {
  fault: Fault;
  path: string | undefined;
  remaining: number;
}

export async function startOllamaTestServer(options: OllamaTestServerOptions = {}): Promise<OllamaTestServer> {
  const initialModels = [...(options.models ?? DEFAULT_MODELS)];
  const dimensions = options.embeddingDimensions ?? 16;
  const version = options.version ?? '0.12.6';

  const requests: RecordedRequest[] = [];
  const models: string[] = [...initialModels];
  let chatQueue: (ChatReply | Fault)[] = [];
  let embedQueue: (EmbedReply | Fault)[] = [];
  let defaultChat: ChatScript | undefined;
  let faults: PendingFault[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const hasModel = (name: unknown): boolean =>
    typeof name === 'string' && models.some((m) => withImpliedTag(m) === withImpliedTag(name));

  /** Waits `ms`, or less if the client goes away; resolves false when the response can no longer be sent. */
  const wait = (res: ServerResponse, ms: number | undefined): Promise<boolean> => {
    if (!ms || ms <= 0) return Promise.resolve(!res.destroyed);
    return new Promise((resolve) => {
      const onClose = (): void => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        timers.delete(timer);
        res.off('close', onClose);
        resolve(!res.destroyed);
      }, ms);
      timers.add(timer);
      res.once('close', onClose);
    });
  };

  const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };

  // Ollama (Go's http.ServeMux) answers unknown routes with a plain-text 404.
  const sendNotFoundRoute = (res: ServerResponse): void => {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('404 page not found');
  };

  // Ollama's wording differs per endpoint: /api/show says 'model 'x' not found', chat/generate/embed add 'try pulling it first'.
  const sendModelMissing = (res: ServerResponse, path: string, model: unknown): void => {
    const name = typeof model === 'string' ? model : '';
    sendJson(res, 404, { error: path === '/api/show' ? `model '${name}' not found` : `model "${name}" not found, try pulling it first` });
  };

  const applyFault = async (res: ServerResponse, fault: Fault, streamed: boolean): Promise<void> => {
    if (!(await wait(res, fault.delayMs))) return;
    switch (fault.type) {
      case 'http': {
        const body = fault.body ?? { error: 'scripted failure' };
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        const contentType = fault.contentType ?? (typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
        res.writeHead(fault.status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      case 'invalid-body': {
        const text = '{"model":"broken","message":{"role":"assistant","content":"unfinished';
        res.writeHead(200, { 'Content-Type': streamed ? 'application/x-ndjson' : 'application/json; charset=utf-8' });
        res.end(text);
        return;
      }
      case 'truncated-stream': {
        if (streamed) {
          res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
          const chunk = { model: 'truncated', created_at: new Date().toISOString(), message: { role: 'assistant', content: 'par' }, done: false };
          res.end(`${JSON.stringify(chunk)}\n`);
        } else {
          // Promise a longer body than is sent, then cut the connection: the client sees a body that ends early.
          const text = '{"model":"truncated","message":{"role":"assistant","content":"par';
          res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) * 2 });
          res.write(text, () => res.destroy());
        }
        return;
      }
      case 'hang-up':
        res.destroy();
        return;
    }
  };

  const takeFault = (path: string): Fault | undefined => {
    const index = faults.findIndex((f) => f.path === undefined || f.path === path);
    const pending = faults[index];
    if (!pending) return undefined;
    pending.remaining -= 1;
    if (pending.remaining <= 0) faults.splice(index, 1);
    return pending.fault;
  };

  const answerChat = async (req: RecordedRequest, res: ServerResponse, kind: 'chat' | 'generate'): Promise<void> => {
    const body = isRecord(req.body) ? req.body : {};
    // Ollama streams unless told `stream: false`.
    const streamed = body.stream !== false;
    const queued = chatQueue.shift();
    let script: ChatScript = queued ?? defaultChat ?? defaultChatReply;
    if (typeof script === 'function') script = script(req);
    if (isFault(script)) return applyFault(res, script, streamed);
    const reply = script;
    if (!(await wait(res, reply.delayMs))) return;

    const model = String(body.model);
    const content = reply.content ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
    const createdAt = (): string => new Date().toISOString();
    const piece = (text: string, toolCalls?: ToolCallReply[]): Record<string, unknown> =>
      kind === 'chat'
        ? { message: { role: 'assistant', content: text, ...(toolCalls ? { tool_calls: toolCalls } : {}) } }
        : { response: text };
    const final = {
      done: true,
      done_reason: reply.doneReason ?? 'stop',
      total_duration: 1_000_000,
      load_duration: 100_000,
      prompt_eval_count: 10,
      prompt_eval_duration: 200_000,
      eval_count: Math.max(1, Math.ceil(content.length / 4)),
      eval_duration: 700_000,
    };

    if (!streamed) {
      sendJson(res, 200, { model, created_at: createdAt(), ...piece(content, reply.toolCalls), ...final });
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    // Several chunks, as a real model streams tokens; a client must concatenate them.
    const size = Math.max(1, Math.ceil(content.length / 3));
    for (let i = 0; i < content.length; i += size) {
      res.write(`${JSON.stringify({ model, created_at: createdAt(), ...piece(content.slice(i, i + size)), done: false })}\n`);
    }
    if (reply.toolCalls) res.write(`${JSON.stringify({ model, created_at: createdAt(), ...piece('', reply.toolCalls), done: false })}\n`);
    res.end(`${JSON.stringify({ model, created_at: createdAt(), ...piece(''), ...final })}\n`);
  };

  const answerEmbed = async (req: RecordedRequest, res: ServerResponse): Promise<void> => {
    const body = isRecord(req.body) ? req.body : {};
    const input = body.input;
    const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? input.map(String) : undefined;
    if (!texts) return sendJson(res, 400, { error: 'invalid input type' });
    const script = embedQueue.shift() ?? {};
    if (isFault(script)) return applyFault(res, script, false);
    const reply = script;
    if (!(await wait(res, reply.delayMs))) return;
    sendJson(res, 200, {
      model: body.model,
      embeddings: reply.embeddings ?? texts.map((text) => hashEmbedding(text, dimensions)),
      total_duration: 1_000_000,
      load_duration: 100_000,
      prompt_eval_count: texts.length,
    });
  };

  const tagsBody = (): unknown => ({
    models: models.map((name, index) => {
      const tagged = withImpliedTag(name);
      return {
        name: tagged,
        model: tagged,
        modified_at: '2025-01-01T00:00:00Z',
        size: 1_000_000 + index,
        digest: createHash('sha256').update(tagged).digest('hex'),
        details: { parent_model: '', format: 'gguf', family: 'test', families: ['test'], parameter_size: '7B', quantization_level: 'Q4_K_M' },
      };
    }),
  });

  const route = async (req: RecordedRequest, res: ServerResponse): Promise<void> => {
    const fault = takeFault(req.path);
    const body = isRecord(req.body) ? req.body : undefined;
    const streamed = req.path === '/api/chat' || req.path === '/api/generate' ? body?.stream !== false : false;
    if (fault) return applyFault(res, fault, streamed);

    const key = `${req.method} ${req.path}`;
    if (key === 'GET /api/version') return sendJson(res, 200, { version });
    if (key === 'GET /api/tags') return sendJson(res, 200, tagsBody());
    if (req.method === 'POST' && ['/api/show', '/api/chat', '/api/generate', '/api/embed'].includes(req.path)) {
      if (!body) return sendJson(res, 400, { error: 'invalid request body' });
      if (typeof body.model !== 'string' || body.model === '') return sendJson(res, 400, { error: 'model is required' });
      if (!hasModel(body.model)) return sendModelMissing(res, req.path, body.model);
      if (req.path === '/api/show') {
        return sendJson(res, 200, {
          license: '',
          modelfile: `FROM ${withImpliedTag(body.model)}`,
          parameters: 'temperature 0',
          template: '{{ .Prompt }}',
          details: { parent_model: '', format: 'gguf', family: 'test', families: ['test'], parameter_size: '7B', quantization_level: 'Q4_K_M' },
          model_info: { 'general.architecture': 'test' },
          capabilities: ['completion', 'vision', 'tools'],
          modified_at: '2025-01-01T00:00:00Z',
        });
      }
      if (req.path === '/api/embed') return answerEmbed(req, res);
      return answerChat(req, res, req.path === '/api/chat' ? 'chat' : 'generate');
    }
    return sendNotFoundRoute(res);
  };

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const server = createServer((req, res) => {
    void (async () => {
      const rawBody = await readBody(req);
      let body: unknown;
      try {
        body = rawBody === '' ? undefined : JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: new URL(req.url ?? '/', 'http://127.0.0.1').pathname,
        headers: req.headers,
        rawBody,
        body,
      };
      requests.push(recorded);
      await route(recorded, res);
    })().catch((error: unknown) => {
      // A bug in the stand-in must show up in the test, not hang it.
      if (!res.headersSent) sendJson(res, 500, { error: `ollama test server: ${String(error)}` });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    requests,
    models,
    requestsTo: (path) => requests.filter((r) => r.path === path),
    enqueueChat: (...replies) => {
      chatQueue.push(...replies);
    },
    enqueueEmbed: (...replies) => {
      embedQueue.push(...replies);
    },
    setDefaultChat: (script) => {
      defaultChat = script;
    },
    failNext: (fault, opts = {}) => {
      faults.push({ fault, path: opts.path, remaining: opts.times ?? 1 });
    },
    reset: () => {
      requests.length = 0;
      models.splice(0, models.length, ...initialModels);
      chatQueue = [];
      embedQueue = [];
      defaultChat = undefined;
      faults = [];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        // server.close() waits for keep-alive connections (fetch keeps them open); end them now.
        for (const socket of sockets) socket.destroy();
      }),
  };
}
