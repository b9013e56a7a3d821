/**
 * The providers a run uses, chosen from the config in one place and created on first use, so a run
 * with nothing to OCR starts no OCR worker and an offline run never touches Ollama.
 */
import type { OllamaClient } from '../extractors/ollama/client.js';
import type { PpOcrPoolOptions } from '../extractors/ocr/ppocr/ppocr-pool.js';
import type { OcrPool } from '../extractors/ocr/tesseract-pool.js';
import { RECEIPT_LEXICON } from '../extractors/receipt/vocabulary.js';
import type { Config } from './config.js';
import { createLimiter, type Limiter } from './limit.js';

/** See createOcrReader below for why and the measurements. */
export const RECEIPT_PAGE_SEG_MODE = '6';

export interface RunServices {
  createOcr: () => Promise<OcrPool>;
  ollama: () => OllamaClient;
  llmLimit: Limiter;
}

/** What `createOcrReader` needs from the config; the eval and the benchmark pass the same. */
export type OcrReaderSettings = Pick<Config, 'ocrEngine' | 'ocrLanguages' | 'ocrLanguageMode' | 'ocrWorkers'> & { pageSegMode?: string };

/**
 * The page reader `docintel run` uses (and `npm run eval` and `npm run bench:ocr` measure).
 *
 * tesseract: page segmentation 6 (one uniform block) instead of tesseract's automatic layout: on
 * receipts the automatic mode drops right-aligned amount columns as non-text (the sample receipts lose
 * every amount; on 30 SROIE receipts total exact went 0.63 -> 0.80, date 0.87 -> 0.90, vendor 0.40 ->
 * 0.30). Languages per page (adaptive-ocr.ts): English receipts are read with eng alone, Chinese pages
 * and lines with eng+chi_tra, unless ocrLanguageMode is `all`.
 *
 * ppocr: PP-OCRv4 reads every page; on a page it finds Chinese its Simplified characters are given in
 * Taiwan Traditional (extractors/ocr/ppocr/traditional.ts). No tesseract worker is started.
 */
export async function createOcrReader(settings: OcrReaderSettings): Promise<OcrPool> {
  if (settings.ocrEngine === 'tesseract') {
    const { createAdaptiveOcr } = await import('../extractors/ocr/adaptive-ocr.js');
    const pageSegMode = settings.pageSegMode ?? RECEIPT_PAGE_SEG_MODE;
    return createAdaptiveOcr({ languages: settings.ocrLanguages, languageMode: settings.ocrLanguageMode, size: settings.ocrWorkers, pageSegMode });
  }
  const { createPpOcrPool } = await import('../extractors/ocr/ppocr/ppocr-pool.js');
  return createPpOcrPool(ppocrPoolOptions(settings));
}

/**
 * The PP-OCR pool of a run: one worker per configured OCR worker, and the receipt-header lexicon, whose
 * near-miss corrections are worth 0.57 -> 0.63 address exact on sroie-dev (extractors/ocr/ppocr/lexicon.ts).
 */
export function ppocrPoolOptions(settings: Pick<OcrReaderSettings, 'ocrWorkers'>): PpOcrPoolOptions {
  return { size: settings.ocrWorkers, lexicon: RECEIPT_LEXICON };
}

export async function createRunServices(config: Config): Promise<RunServices> {
  const { createOllamaClient } = await import('../extractors/ollama/client.js');
  let client: OllamaClient | undefined;
  return {
    createOcr: () => createOcrReader(config),
    ollama: () => (client ??= createOllamaClient({ host: config.ollamaHost, timeoutMs: config.ollamaTimeoutMs, retries: config.ollamaRetries })),
    llmLimit: createLimiter(config.llmConcurrency),
  };
}
