/**
 * The Ollama client and health check against the stand-in server: answers, validation retries,
 * timeouts, HTTP retries with backoff, and the error codes an operator sees.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createOllamaClient, resolveOllamaHost } from '../../extractors/ollama/client.js';
import type { OllamaClientOptions } from '../../extractors/ollama/client.js';
import { checkOllama } from '../../extractors/ollama/health.js';
import { DocintelError } from '../../pipeline/errors.js';
import { hashEmbedding, startOllamaTestServer } from '../support/ollama-server.js';
import type { OllamaTestServer } from '../support/ollama-server.js';

const VISION = 'qwen2.5vl:7b';
const server: OllamaTestServer = await startOllamaTestServer({ models: [VISION, 'bge-m3'], embeddingDimensions: 12 });

afterAll(() => server.close());
beforeEach(() => server.reset());

const receipt = z.object({
  vendor: z.string().min(1),
  total: z.number().nonnegative(),
  currency: z.enum(['TWD', 'USD']),
});

function client(options: Partial<OllamaClientOptions> = {}) {
  return createOllamaClient({ host: server.url, timeoutMs: 2_000, retries: 2, backoffMs: 20, ...options });
}

/** The DocintelError a promise rejects with (fails the test if it resolves or throws something else). */
async function docintelError(promise: Promise<unknown>): Promise<DocintelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DocintelError);
  return error as DocintelError;
}

/** A port on 127.0.0.1 where nothing listens any more. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

type SentMessage = { role: string; content: string; images?: string[] };
const sentMessages = (index: number): SentMessage[] =>
  ((server.requestsTo('/api/chat')[index]?.body as { messages?: SentMessage[] } | undefined)?.messages ?? []);

describe('chatJson', () => {
  it('sends the zod schema as `format`, temperature 0, no streaming, and the images; returns the validated value', async () => {
    server.enqueueChat({ json: { vendor: '全聯', total: 120, currency: 'TWD' } });
    const image = new Uint8Array([1, 2, 3, 250]);
    const result = await client().chatJson(receipt, { model: VISION, system: 'You read receipts.', prompt: 'Extract the fields.', images: [image] });

    expect(result).toEqual({ value: { vendor: '全聯', total: 120, currency: 'TWD' }, attempts: 1, raw: '{"vendor":"全聯","total":120,"currency":"TWD"}' });
    const [sent] = server.requestsTo('/api/chat');
    expect(sent?.body).toMatchObject({
      model: VISION,
      stream: false,
      options: { temperature: 0 },
      format: {
        type: 'object',
        properties: { vendor: { type: 'string', minLength: 1 }, currency: { enum: ['TWD', 'USD'] } },
        required: ['vendor', 'total', 'currency'],
      },
    });
    expect(sentMessages(0)).toEqual([
      { role: 'system', content: 'You read receipts.' },
      { role: 'user', content: 'Extract the fields.', images: [Buffer.from(image).toString('base64')] },
    ]);
  });

  it('retries once after an answer that is not JSON, telling the model what was wrong', async () => {
    server.enqueueChat({ content: 'Sure! The total is 120.' }, { json: { vendor: 'A', total: 120, currency: 'TWD' } });
    const result = await client().chatJson(receipt, { model: VISION, prompt: 'Extract.' });

    expect(result.attempts).toBe(2);
    expect(result.value.total).toBe(120);
    const retry = sentMessages(1);
    expect(retry).toHaveLength(3);
    expect(retry[1]).toEqual({ role: 'assistant', content: 'Sure! The total is 120.' });
    expect(retry[2]?.role).toBe('user');
    expect(retry[2]?.content).toMatch(/not valid JSON/);
    // The retry asks with the same schema.
    expect((server.requestsTo('/api/chat')[1]?.body as { format?: unknown }).format).toEqual((server.requestsTo('/api/chat')[0]?.body as { format?: unknown }).format);
  });

  it('carries the zod errors into the retry and throws OLLAMA_INVALID_OUTPUT with the raw answer after a second mismatch', async () => {
    server.enqueueChat({ json: { vendor: 'A', total: 'a lot', currency: 'TWD' } }, { json: { vendor: '', total: 5, currency: 'EUR' } });
    const error = await docintelError(client().chatJson(receipt, { model: VISION, prompt: 'Extract.' }));

    expect(error.code).toBe('OLLAMA_INVALID_OUTPUT');
    expect(error.message).toContain(VISION);
    expect(error.details?.raw).toBe('{"vendor":"","total":5,"currency":"EUR"}');
    expect(error.details?.attempts).toBe(2);
    expect(error.hint).toBeTruthy();
    const correction = sentMessages(1)[2]?.content ?? '';
    expect(correction).toContain('expected number');
    expect(correction).toContain('total');
    // Exactly one corrective retry, no more.
    expect(server.requestsTo('/api/chat')).toHaveLength(2);
  });

  it('times out with OLLAMA_TIMEOUT when the server is slower than timeoutMs, without retrying', async () => {
    server.enqueueChat({ json: { vendor: 'A', total: 1, currency: 'TWD' }, delayMs: 5_000 });
    const started = Date.now();
    const error = await docintelError(client({ timeoutMs: 150 }).chatJson(receipt, { model: VISION, prompt: 'Extract.' }));

    expect(error.code).toBe('OLLAMA_TIMEOUT');
    expect(error.message).toContain('150 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requestsTo('/api/chat')).toHaveLength(1);
  });

  it('retries HTTP 500 with exponential backoff and then succeeds', async () => {
    server.failNext({ type: 'http', status: 500, body: { error: 'llama runner process has terminated' } }, { path: '/api/chat', times: 2 });
    server.enqueueChat({ json: { vendor: 'A', total: 1, currency: 'USD' } });
    const started = Date.now();
    const result = await client({ retries: 2, backoffMs: 40 }).chatJson(receipt, { model: VISION, prompt: 'Extract.' });

    expect(result.value.currency).toBe('USD');
    expect(result.attempts).toBe(1);
    expect(server.requestsTo('/api/chat')).toHaveLength(3);
    // 40 ms then 80 ms of backoff.
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('gives up on a persistent 500 with OLLAMA_HTTP_ERROR after retries + 1 requests', async () => {
    server.failNext({ type: 'http', status: 500, body: { error: 'out of memory' } }, { path: '/api/chat', times: 100 });
    const error = await docintelError(client({ retries: 3, backoffMs: 5 }).chatJson(receipt, { model: VISION, prompt: 'Extract.' }));

    expect(error.code).toBe('OLLAMA_HTTP_ERROR');
    expect(error.message).toContain('HTTP 500');
    expect(error.message).toContain('out of memory');
    expect(error.details).toMatchObject({ status: 500, attempts: 4 });
    expect(server.requestsTo('/api/chat')).toHaveLength(4);
  });

  it('does not retry a 400', async () => {
    server.failNext({ type: 'http', status: 400, body: { error: 'invalid format' } });
    const error = await docintelError(client().chatJson(receipt, { model: VISION, prompt: 'Extract.' }));
    expect(error.code).toBe('OLLAMA_HTTP_ERROR');
    expect(server.requestsTo('/api/chat')).toHaveLength(1);
  });

  it('retries a 200 whose body is not JSON, then succeeds', async () => {
    server.enqueueChat({ type: 'invalid-body' }, { json: { vendor: 'A', total: 2, currency: 'TWD' } });
    const result = await client().chatJson(receipt, { model: VISION, prompt: 'Extract.' });
    expect(result.value.total).toBe(2);
    expect(server.requestsTo('/api/chat')).toHaveLength(2);
  });

  it('retries a dropped connection and a body cut short, then reports OLLAMA_UNREACHABLE if it keeps happening', async () => {
    server.enqueueChat({ type: 'hang-up' }, { type: 'truncated-stream' }, { json: { vendor: 'A', total: 3, currency: 'TWD' } });
    expect((await client().chatJson(receipt, { model: VISION, prompt: 'Extract.' })).value.total).toBe(3);
    expect(server.requestsTo('/api/chat')).toHaveLength(3);

    server.reset();
    server.failNext({ type: 'hang-up' }, { path: '/api/chat', times: 100 });
    const error = await docintelError(client({ retries: 1, backoffMs: 5 }).chatJson(receipt, { model: VISION, prompt: 'Extract.' }));
    expect(error.code).toBe('OLLAMA_UNREACHABLE');
    expect(error.message).toContain('closed the connection');
    expect(server.requestsTo('/api/chat')).toHaveLength(2);
  });

  it('reports a missing model at once as OLLAMA_MODEL_MISSING with the pull command', async () => {
    const error = await docintelError(client().chatJson(receipt, { model: 'llava:13b', prompt: 'Extract.' }));

    expect(error.code).toBe('OLLAMA_MODEL_MISSING');
    expect(error.message).toContain('llava:13b');
    expect(error.hint).toContain('ollama pull llava:13b');
    expect(error.isUserOrEnvironment).toBe(true);
    expect(server.requestsTo('/api/chat')).toHaveLength(1);
  });

  it('reports OLLAMA_UNREACHABLE when nothing listens, with the hint to start Ollama', async () => {
    const port = await closedPort();
    const error = await docintelError(
      createOllamaClient({ host: `127.0.0.1:${port}`, timeoutMs: 2_000, retries: 2, backoffMs: 1_000 }).chatJson(receipt, { model: VISION, prompt: 'x' }),
    );

    expect(error.code).toBe('OLLAMA_UNREACHABLE');
    expect(error.message).toContain(`http://127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.hint).toContain('ollama serve');
  });
});

describe('chat, embed, listModels', () => {
  it('returns free text and tool calls, passing the tools on', async () => {
    server.enqueueChat({ content: '', toolCalls: [{ function: { name: 'search_records', arguments: { query: 'rebar' } } }] });
    const tools = [{ type: 'function', function: { name: 'search_records', description: 'Search', parameters: { type: 'object', properties: { query: { type: 'string' } } } } }];
    const messages = [{ role: 'user', content: 'How much rebar?' }];
    const result = await client().chat({ model: VISION, messages, tools });

    expect(result.message.tool_calls).toEqual([{ function: { name: 'search_records', arguments: { query: 'rebar' } } }]);
    expect(result.doneReason).toBe('stop');
    expect(server.requestsTo('/api/chat')[0]?.body).toMatchObject({ tools, stream: false, options: { temperature: 0 } });
    expect(server.requestsTo('/api/chat')[0]?.body).not.toHaveProperty('format');
  });

  it('embeds several texts in one request, in order', async () => {
    const vectors = await client().embed('bge-m3', ['a', '鋼筋']);
    expect(vectors).toEqual([hashEmbedding('a', 12), hashEmbedding('鋼筋', 12)]);
    expect(server.requestsTo('/api/embed')).toHaveLength(1);
    expect(server.requestsTo('/api/embed')[0]?.body).toEqual({ model: 'bge-m3', input: ['a', '鋼筋'] });
    expect(await client().embed('bge-m3', [])).toEqual([]);
    expect(server.requestsTo('/api/embed')).toHaveLength(1);
  });

  it('maps embed failures the same way: missing model, retried 503, wrong count', async () => {
    expect((await docintelError(client().embed('nomic-embed-text', ['a']))).code).toBe('OLLAMA_MODEL_MISSING');

    server.enqueueEmbed({ type: 'http', status: 503, body: { error: 'busy' } });
    expect(await client().embed('bge-m3', ['a'])).toEqual([hashEmbedding('a', 12)]);

    server.enqueueEmbed({ embeddings: [[0.1, 0.2]] });
    expect((await docintelError(client().embed('bge-m3', ['a', 'b']))).code).toBe('OLLAMA_INVALID_OUTPUT');
  });

  it('lists the installed models', async () => {
    const models = await client().listModels();
    expect(models.map((m) => m.name)).toEqual([VISION, 'bge-m3:latest']);
    expect(models[0]?.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects bad options with a message naming the option', () => {
    expect(() => createOllamaClient({ host: server.url, timeoutMs: 0 })).toThrow(/timeoutMs .*received 0/);
    expect(() => createOllamaClient({ host: server.url, retries: 1.5 })).toThrow(/retries/);
  });
});

describe('resolveOllamaHost', () => {
  it('reads OLLAMA_HOST the way Ollama does', () => {
    expect(resolveOllamaHost({})).toBe('http://127.0.0.1:11434');
    expect(resolveOllamaHost({ OLLAMA_HOST: '' })).toBe('http://127.0.0.1:11434');
    expect(resolveOllamaHost({ OLLAMA_HOST: 'gpu-box:9000' })).toBe('http://gpu-box:9000');
    expect(resolveOllamaHost({ OLLAMA_HOST: 'gpu-box' })).toBe('http://gpu-box:11434');
    expect(resolveOllamaHost({ OLLAMA_HOST: ':8080' })).toBe('http://127.0.0.1:8080');
    expect(resolveOllamaHost({ OLLAMA_HOST: '0.0.0.0' })).toBe('http://127.0.0.1:11434');
    expect(resolveOllamaHost({ OLLAMA_HOST: ' "10.0.0.5:11434" ' })).toBe('http://10.0.0.5:11434');
    expect(resolveOllamaHost({ OLLAMA_HOST: 'https://ollama.example.com/' })).toBe('https://ollama.example.com:443');
    expect(resolveOllamaHost({ OLLAMA_HOST: 'http://[::1]:11435' })).toBe('http://[::1]:11435');
  });
});

describe('checkOllama', () => {
  it('reports the version and which models are present, with the pull command for a missing one', async () => {
    const health = await checkOllama({
      host: server.host,
      models: [{ name: VISION, role: 'vision' }, 'bge-m3:latest', 'qwen2.5:7b'],
      timeoutMs: 2_000,
    });
    expect(health).toEqual({
      host: server.url,
      reachable: true,
      version: '0.12.6',
      models: [
        { name: VISION, role: 'vision', present: true },
        { name: 'bge-m3:latest', present: true },
        { name: 'qwen2.5:7b', present: false, pullCommand: 'ollama pull qwen2.5:7b' },
      ],
    });
  });

  it('treats a name without a tag as :latest', async () => {
    server.models.splice(0, server.models.length, 'bge-m3:latest', 'qwen2.5vl:7b');
    const health = await checkOllama({ host: server.url, models: ['bge-m3', 'qwen2.5vl'], timeoutMs: 2_000 });
    expect(health.models.map((m) => m.present)).toEqual([true, false]);
  });

  it('reports an unreachable server without throwing', async () => {
    const port = await closedPort();
    const health = await checkOllama({ host: `http://127.0.0.1:${port}`, models: ['bge-m3'], timeoutMs: 1_000 });
    expect(health).toEqual({
      host: `http://127.0.0.1:${port}`,
      reachable: false,
      error: 'connection refused',
      models: [{ name: 'bge-m3', present: false, pullCommand: 'ollama pull bge-m3' }],
    });
  });

  it('reports a server that does not answer in time as unreachable', async () => {
    server.failNext({ type: 'http', status: 200, body: { version: 'late' }, delayMs: 5_000 }, { path: '/api/version' });
    const health = await checkOllama({ host: server.url, models: [], timeoutMs: 100 });
    expect(health.reachable).toBe(false);
    expect(health.error).toBe('no answer within 100 ms');
  });
});
