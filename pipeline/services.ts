/**
 * The providers a run uses, chosen from the config in one place and created on first use, so a run
 * with nothing to OCR starts no OCR worker and an offline run never touches Ollama.
 */
import type { OllamaClient } from '../extractors/ollama/client.js';
import type { OcrPool } from '../extractors/ocr/tesseract-pool.js';
import type { Config } from './config.js';
import { createLimiter, type Limiter } from './limit.js';

/** See createOcr below for why and the measurements. */
export const RECEIPT_PAGE_SEG_MODE = '6';

export interface RunServices {
  createOcr: () => Promise<OcrPool>;
  ollama: () => OllamaClient;
  llmLimit: Limiter;
}

export async function createRunServices(config: Config): Promise<RunServices> {
  const [{ createAdaptiveOcr }, { createOllamaClient }] = await Promise.all([
    import('../extractors/ocr/adaptive-ocr.js'),
    import('../extractors/ollama/client.js'),
  ]);
  const tesseract = () =>
    createAdaptiveOcr({ languages: config.ocrLanguages, languageMode: config.ocrLanguageMode, size: config.ocrWorkers, pageSegMode: RECEIPT_PAGE_SEG_MODE });
  let client: OllamaClient | undefined;
  return {
    // Page segmentation 6 (one uniform block) instead of tesseract's automatic layout: on receipts the
    // automatic mode drops right-aligned amount columns as non-text (the sample receipts lose every
    // amount; on 30 SROIE receipts total exact went 0.63 -> 0.80, date 0.87 -> 0.90, vendor 0.40 -> 0.30).
    // Languages per page (adaptive-ocr.ts): English receipts are read with eng alone, Chinese pages and
    // lines with eng+chi_tra, unless ocrLanguageMode is `all`.
    // `ppocr` reads pages with PP-OCRv4 and hands Chinese pages to the tesseract reader (ppocr-pool.ts).
    createOcr: async () => {
      if (config.ocrEngine === 'tesseract') return tesseract();
      const { createPpOcrPool } = await import('../extractors/ocr/ppocr/ppocr-pool.js');
      return createPpOcrPool({ size: config.ocrWorkers, chineseReader: tesseract });
    },
    ollama: () => (client ??= createOllamaClient({ host: config.ollamaHost, timeoutMs: config.ollamaTimeoutMs, retries: config.ollamaRetries })),
    llmLimit: createLimiter(config.llmConcurrency),
  };
}
