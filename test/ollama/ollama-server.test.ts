/**
 * The Ollama stand-in, driven through the real `ollama` client: if these pass, tests that use the
 * stand-in exercise the same requests and responses a real server would see and give.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Ollama } from 'ollama';
import { hashEmbedding, sampleFromSchema, startOllamaTestServer } from '../support/ollama-server.js';
import type { OllamaTestServer } from '../support/ollama-server.js';

const server: OllamaTestServer = await startOllamaTestServer({ models: ['qwen2.5vl:7b', 'bge-m3'], embeddingDimensions: 8 });
const ollama = new Ollama({ host: server.host });

afterAll(() => server.close());
beforeEach(() => server.reset());

/** ResponseError is not exported by ollama-js; this catches it and returns its public fields. */
async function responseError(promise: Promise<unknown>): Promise<{ name: string; status_code: unknown; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error & { status_code?: unknown },
  );
  if (!error) throw new Error('expected the call to fail');
  return { name: error.name, status_code: error.status_code, message: error.message };
}

describe('ollama test server', () => {
  it('reports a version and the installed models with the implied :latest tag', async () => {
    expect(await ollama.version()).toEqual({ version: '0.12.6' });
    const list = await ollama.list();
    expect(list.models.map((m) => m.name)).toEqual(['qwen2.5vl:7b', 'bge-m3:latest']);
    expect(list.models[1]?.details.format).toBe('gguf');
    expect(server.requestsTo('/api/tags')).toHaveLength(1);
  });

  it('shows an installed model and answers 404 with Ollama’s wording for a missing one', async () => {
    const shown = await ollama.show({ model: 'bge-m3' });
    expect(shown.modelfile).toContain('bge-m3:latest');
    expect(shown.capabilities).toContain('vision');
    expect(await responseError(ollama.show({ model: 'llama9' }))).toEqual({
      name: 'ResponseError',
      status_code: 404,
      message: "model 'llama9' not found",
    });
  });

  it('answers a non-streamed chat with a scripted JSON value and records the request', async () => {
    server.enqueueChat({ json: { total: 120, currency: 'TWD' } });
    const image = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const response = await ollama.chat({
      model: 'qwen2.5vl:7b',
      messages: [{ role: 'user', content: 'read this', images: [image] }],
      format: { type: 'object', properties: { total: { type: 'number' } } },
      stream: false,
      options: { temperature: 0 },
    });
    expect(JSON.parse(response.message.content)).toEqual({ total: 120, currency: 'TWD' });
    expect(response.done).toBe(true);
    expect(response.done_reason).toBe('stop');

    const [sent] = server.requestsTo('/api/chat');
    expect(sent?.method).toBe('POST');
    expect(sent?.body).toMatchObject({
      model: 'qwen2.5vl:7b',
      stream: false,
      format: { type: 'object' },
      options: { temperature: 0 },
      messages: [{ role: 'user', content: 'read this', images: [Buffer.from(image).toString('base64')] }],
    });
  });

  it('streams a chat answer in several NDJSON chunks that add up to the scripted content', async () => {
    server.enqueueChat({ content: 'The total is 120 TWD.' });
    const stream = await ollama.chat({ model: 'qwen2.5vl:7b', messages: [{ role: 'user', content: 'total?' }], stream: true });
    const parts: string[] = [];
    let final: { done: boolean; done_reason: string } | undefined;
    for await (const chunk of stream) {
      parts.push(chunk.message.content);
      if (chunk.done) final = chunk;
    }
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.join('')).toBe('The total is 120 TWD.');
    expect(final?.done_reason).toBe('stop');
    // Ollama streams by default; the client says so explicitly.
    expect(server.requestsTo('/api/chat')[0]?.body).toMatchObject({ stream: true });
  });

  it('returns scripted tool calls', async () => {
    server.enqueueChat({ content: '', toolCalls: [{ function: { name: 'search_records', arguments: { query: 'cement' } } }] });
    const response = await ollama.chat({ model: 'qwen2.5vl:7b', messages: [{ role: 'user', content: 'cement?' }], stream: false });
    expect(response.message.tool_calls).toEqual([{ function: { name: 'search_records', arguments: { query: 'cement' } } }]);
  });

  it('answers like a cooperative model by default: a value valid for the schema in `format`', async () => {
    const schema = {
      type: 'object',
      properties: { vendor: { type: 'string', minLength: 2 }, date: { type: 'string', format: 'date' }, kind: { enum: ['receipt', 'invoice'] }, note: { type: 'string' } },
      required: ['vendor', 'date', 'kind'],
    };
    const response = await ollama.chat({ model: 'qwen2.5vl:7b', messages: [{ role: 'user', content: 'x' }], format: schema, stream: false });
    expect(JSON.parse(response.message.content)).toEqual({ vendor: 'xx', date: '2024-01-01', kind: 'receipt' });
    expect(sampleFromSchema({ type: 'array', items: { type: 'integer', minimum: 3 }, minItems: 2 })).toEqual([3, 3]);
  });

  it('answers /api/generate from the same script, streamed and not', async () => {
    server.enqueueChat({ content: 'hello there' }, { content: 'second' });
    const single = await ollama.generate({ model: 'qwen2.5vl:7b', prompt: 'hi', stream: false });
    expect(single.response).toBe('hello there');
    const stream = await ollama.generate({ model: 'qwen2.5vl:7b', prompt: 'hi', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.response;
    expect(text).toBe('second');
  });

  it('embeds with deterministic hash vectors of the configured dimension', async () => {
    const response = await ollama.embed({ model: 'bge-m3', input: ['水泥 cement', 'rebar'] });
    expect(response.embeddings).toHaveLength(2);
    expect(response.embeddings[0]).toHaveLength(8);
    expect(response.embeddings[0]).toEqual(hashEmbedding('水泥 cement', 8));
    expect(response.embeddings[0]).not.toEqual(response.embeddings[1]);
    const norm = Math.hypot(...(response.embeddings[1] ?? []));
    expect(norm).toBeCloseTo(1, 10);
    const single = await ollama.embed({ model: 'bge-m3', input: 'rebar' });
    expect(single.embeddings).toEqual([response.embeddings[1]]);
  });

  it('answers chat and embed for a missing model with 404 and Ollama’s error body', async () => {
    const chat = await responseError(ollama.chat({ model: 'llava', messages: [{ role: 'user', content: 'x' }], stream: false }));
    expect(chat).toEqual({ name: 'ResponseError', status_code: 404, message: 'model "llava" not found, try pulling it first' });
    const embed = await responseError(ollama.embed({ model: 'nomic-embed-text', input: 'x' }));
    expect(embed.status_code).toBe(404);
    expect(embed.message).toContain('not found, try pulling it first');
    server.models.push('llava');
    const again = await ollama.chat({ model: 'llava:latest', messages: [{ role: 'user', content: 'x' }], stream: false });
    expect(again.message.content).toContain('Ollama test server');
  });

  it('fails the next requests as scripted: HTTP error, invalid body, truncated stream', async () => {
    server.failNext({ type: 'http', status: 503, body: { error: 'server busy' } }, { path: '/api/chat', times: 2 });
    const messages = [{ role: 'user', content: 'x' }];
    for (let i = 0; i < 2; i++) {
      expect(await responseError(ollama.chat({ model: 'bge-m3', messages, stream: false }))).toMatchObject({ status_code: 503, message: 'server busy' });
    }
    // Only chat was scripted to fail, and only twice.
    await expect(ollama.version()).resolves.toEqual({ version: '0.12.6' });
    await expect(ollama.chat({ model: 'bge-m3', messages, stream: false })).resolves.toMatchObject({ done: true });

    server.enqueueChat({ type: 'invalid-body' });
    await expect(ollama.chat({ model: 'bge-m3', messages, stream: false })).rejects.toThrow(SyntaxError);

    server.enqueueChat({ type: 'truncated-stream' });
    const stream = await ollama.chat({ model: 'bge-m3', messages, stream: true });
    await expect(
      (async () => {
        for await (const chunk of stream) void chunk;
      })(),
    ).rejects.toThrow('Did not receive done or success response in stream.');
    expect(server.requestsTo('/api/chat')).toHaveLength(5);
  });

  it('sends a plain-text body and status for a scripted non-JSON error', async () => {
    server.failNext({ type: 'http', status: 502, body: 'Bad Gateway from proxy' });
    expect(await responseError(ollama.list())).toMatchObject({ status_code: 502, message: 'Bad Gateway from proxy' });
  });

  it('waits the scripted latency, and stops waiting when the client aborts', async () => {
    server.enqueueChat({ content: 'slow', delayMs: 150 });
    const started = Date.now();
    await ollama.chat({ model: 'bge-m3', messages: [{ role: 'user', content: 'x' }], stream: false });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    server.enqueueChat({ content: 'too slow', delayMs: 60_000 });
    const aborting = new Ollama({ host: server.url, fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(50) }) });
    const abortedAt = Date.now();
    await expect(aborting.chat({ model: 'bge-m3', messages: [{ role: 'user', content: 'x' }], stream: false })).rejects.toThrow(/abort|timeout/i);
    expect(Date.now() - abortedAt).toBeLessThan(5_000);
    // The server is still serving after the abandoned request.
    await expect(ollama.version()).resolves.toEqual({ version: '0.12.6' });
  });

  it('closes with connections still open and a response still pending', async () => {
    const other = await startOllamaTestServer();
    other.enqueueChat({ content: 'never', delayMs: 60_000 });
    const client = new Ollama({ host: other.url });
    const pending = client.chat({ model: 'bge-m3', messages: [{ role: 'user', content: 'x' }], stream: false });
    const settled = pending.then(
      () => 'resolved',
      () => 'rejected',
    );
    // The request is in once the server has seen it (a fixed wait is too short on a loaded machine).
    for (let waited = 0; other.requestsTo('/api/chat').length === 0 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(other.requestsTo('/api/chat')).toHaveLength(1);
    const closing = Date.now();
    await other.close();
    expect(Date.now() - closing).toBeLessThan(2_000);
    expect(await settled).toBe('rejected');
  });
});
