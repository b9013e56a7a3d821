/**
 * Every setting declared once: flag, environment variable, type, default and description. Kept free of
 * zod and other libraries because `docintel --help` reads it and must start instantly; the loader that
 * validates values lives in config.ts.
 */
import { availableParallelism } from 'node:os';

export type Kind = 'string' | 'url' | 'integer' | 'enum' | 'list' | 'boolean';

export interface SettingSpec {
  /** Key in the config object and in docintel.config.json. */
  key: string;
  /** Command-line flag without the leading dashes. */
  flag: string;
  /** Environment variable. */
  env: string;
  kind: Kind;
  /** For enums. */
  values?: readonly string[];
  /** For integers. */
  min?: number;
  max?: number;
  /** Default as shown in --help; `undefined` means unset. */
  defaultText: string;
  description: string;
}

const cores = Math.max(1, availableParallelism());

export const SETTINGS = [
  { key: 'databaseUrl', flag: 'database-url', env: 'DATABASE_URL', kind: 'url', defaultText: '(unset: embedded PGlite)', description: 'PostgreSQL connection URL (postgres://user:pass@host:5432/db); needs the pgvector extension.' },
  { key: 'dataDir', flag: 'data-dir', env: 'DOCINTEL_DATA_DIR', kind: 'string', defaultText: './.docintel/db', description: 'Directory of the embedded PGlite database, used when no database URL is set.' },
  { key: 'extractor', flag: 'extractor', env: 'DOCINTEL_EXTRACTOR', kind: 'enum', values: ['offline', 'ollama'], defaultText: 'offline', description: 'Field extraction: offline rules and QR codes, or Ollama vision model on top of them.' },
  { key: 'embedder', flag: 'embedder', env: 'DOCINTEL_EMBEDDER', kind: 'enum', values: ['hash', 'ollama'], defaultText: 'hash', description: 'Embeddings for `ask`: offline hashed character n-grams, or an Ollama embedding model.' },
  { key: 'ollamaHost', flag: 'ollama-host', env: 'OLLAMA_HOST', kind: 'url', defaultText: 'http://127.0.0.1:11434', description: 'Ollama server address.' },
  { key: 'visionModel', flag: 'vision-model', env: 'DOCINTEL_VISION_MODEL', kind: 'string', defaultText: 'qwen2.5vl:7b', description: 'Ollama vision model for receipts and site photos.' },
  { key: 'embeddingModel', flag: 'embedding-model', env: 'DOCINTEL_EMBEDDING_MODEL', kind: 'string', defaultText: 'bge-m3', description: 'Ollama embedding model (with --embedder ollama).' },
  { key: 'chatModel', flag: 'chat-model', env: 'DOCINTEL_CHAT_MODEL', kind: 'string', defaultText: 'qwen2.5:7b', description: 'Ollama chat model that writes `ask` answers.' },
  { key: 'ollamaTimeoutMs', flag: 'ollama-timeout-ms', env: 'DOCINTEL_OLLAMA_TIMEOUT_MS', kind: 'integer', min: 1000, max: 3_600_000, defaultText: '180000', description: 'Timeout of one Ollama call in milliseconds.' },
  { key: 'ollamaRetries', flag: 'ollama-retries', env: 'DOCINTEL_OLLAMA_RETRIES', kind: 'integer', min: 0, max: 10, defaultText: '2', description: 'Retries of a failed Ollama call (with backoff).' },
  { key: 'llmConcurrency', flag: 'llm-concurrency', env: 'DOCINTEL_LLM_CONCURRENCY', kind: 'integer', min: 1, max: 64, defaultText: '1', description: 'Ollama calls in flight at once.' },
  { key: 'ocrEngine', flag: 'ocr-engine', env: 'DOCINTEL_OCR_ENGINE', kind: 'enum', values: ['ppocr', 'tesseract'], defaultText: 'ppocr', description: 'ppocr: PP-OCRv4 on ONNX Runtime, far fewer misread letters and digits on receipts and Taiwan invoices, Chinese given in Taiwan Traditional characters; tesseract: tesseract.js alone, less CPU and memory.' },
  { key: 'ocrLanguages', flag: 'ocr-languages', env: 'DOCINTEL_OCR_LANGUAGES', kind: 'list', values: ['eng', 'chi_tra'], defaultText: 'eng+chi_tra', description: 'tesseract engine: OCR languages in order, joined with + (language data ships in npm packages).' },
  { key: 'ocrLanguageMode', flag: 'ocr-language-mode', env: 'DOCINTEL_OCR_LANGUAGE_MODE', kind: 'enum', values: ['auto', 'all'], defaultText: 'auto', description: 'tesseract engine: auto: read with the first language, add the others only on pages or lines that need them; all: every language on every page.' },
  { key: 'ocrWorkers', flag: 'ocr-workers', env: 'DOCINTEL_OCR_WORKERS', kind: 'integer', min: 1, max: 64, defaultText: `${cores} (cores)`, description: 'Pages OCRed at once (and documents in flight).' },
  { key: 'maxAttempts', flag: 'max-attempts', env: 'DOCINTEL_MAX_ATTEMPTS', kind: 'integer', min: 1, max: 100, defaultText: '3', description: 'Runs that may try a failing document before it is left failed until `docintel retry`.' },
  { key: 'maxPages', flag: 'max-pages', env: 'DOCINTEL_MAX_PAGES', kind: 'integer', min: 1, max: 10_000, defaultText: '50', description: 'Largest number of pages read from one PDF or TIFF.' },
  { key: 'maxFileMb', flag: 'max-file-mb', env: 'DOCINTEL_MAX_FILE_MB', kind: 'integer', min: 1, max: 10_000, defaultText: '200', description: 'Largest file accepted, in MiB.' },
  { key: 'maxImageMegapixels', flag: 'max-image-megapixels', env: 'DOCINTEL_MAX_IMAGE_MEGAPIXELS', kind: 'integer', min: 1, max: 2_000, defaultText: '100', description: 'Largest decoded image accepted (decompression-bomb guard), in megapixels.' },
  { key: 'pdfPasswords', flag: 'pdf-password', env: 'DOCINTEL_PDF_PASSWORDS', kind: 'list', defaultText: '(none)', description: 'Passwords tried on encrypted PDFs after the empty one (env: comma-separated; flag: repeatable).' },
  { key: 'settleSeconds', flag: 'settle-seconds', env: 'DOCINTEL_SETTLE_SECONDS', kind: 'integer', min: 0, max: 3600, defaultText: '2', description: 'A file modified this recently is treated as still being written and left for the next run.' },
  { key: 'logFormat', flag: 'log-format', env: 'DOCINTEL_LOG_FORMAT', kind: 'enum', values: ['auto', 'pretty', 'json'], defaultText: 'auto', description: 'Progress output: a progress bar on a terminal, JSON lines otherwise (auto).' },
  { key: 'minYear', flag: 'min-year', env: 'DOCINTEL_MIN_YEAR', kind: 'integer', min: 1900, max: 2100, defaultText: '2000', description: 'Receipt dates before this year are flagged for review.' },
  { key: 'sellerConsensus', flag: 'seller-consensus', env: 'DOCINTEL_SELLER_CONSENSUS', kind: 'enum', values: ['on', 'off'], defaultText: 'on', description: 'At the end of a run, set a tax id, name or address one receipt read a slip away from what the seller\'s other receipts (same tax id) agree on; off keeps every reading as it was read.' },
] as const satisfies readonly SettingSpec[];

export type SettingKey = (typeof SETTINGS)[number]['key'];

