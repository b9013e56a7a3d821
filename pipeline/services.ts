/**
 * The providers a run uses, chosen from the config in one place and created on first use, so a run
 * with nothing to OCR starts no OCR worker and an offline run never touches Ollama.
 */
import type { OllamaClient } from '../extractors/ollama/client.js';
import type { OcrPool } from '../extractors/ocr/tesseract-pool.js';
import type { Config } from './config.js';
import { createLimiter, type Limiter } from './limit.js';

export interface RunServices {
  createOcr: () => Promise<OcrPool>;
  ollama: () => OllamaClient;
  llmLimit: Limiter;
}

export async function createRunServices(config: Config): Promise<RunServices> {
  const [{ createOcrPool }, { createOllamaClient }] = await Promise.all([
    import('../extractors/ocr/tesseract-pool.js'),
    import('../extractors/ollama/client.js'),
  ]);
  let client: OllamaClient | undefined;
  return {
    createOcr: () => createOcrPool({ languages: config.ocrLanguages, size: config.ocrWorkers }),
    ollama: () => (client ??= createOllamaClient({ host: config.ollamaHost, timeoutMs: config.ollamaTimeoutMs, retries: config.ollamaRetries })),
    llmLimit: createLimiter(config.llmConcurrency),
  };
}
