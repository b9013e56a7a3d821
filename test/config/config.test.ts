import { describe, expect, it } from 'vitest';
import { DEFAULTS, loadConfig, normaliseOllamaHost, SETTINGS } from '../../pipeline/config.js';
import { DocintelError } from '../../pipeline/errors.js';

function configError(fn: () => unknown): DocintelError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DocintelError);
    return error as DocintelError;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('gives the documented defaults with no input', () => {
    const { config, sources } = loadConfig();
    expect(config).toEqual(DEFAULTS);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe('./.docintel/db');
    expect(config.ocrLanguages).toEqual(['eng', 'chi_tra']);
    expect(Object.values(sources).every((s) => s === 'default')).toBe(true);
  });

  it('applies flag > environment > file > default for every setting kind', () => {
    const { config, sources } = loadConfig({
      flags: { 'ocr-workers': '3', extractor: 'ollama' },
      env: { DOCINTEL_OCR_WORKERS: '2', DOCINTEL_MAX_PAGES: '7', DOCINTEL_EXTRACTOR: 'offline', DOCINTEL_EMBEDDER: 'ollama' },
      file: { ocrWorkers: 1, maxPages: 9, maxAttempts: 5, embedder: 'hash', visionModel: 'llava:13b' },
    });
    expect(config.ocrWorkers).toBe(3);
    expect(sources.ocrWorkers).toBe('flag');
    expect(config.extractor).toBe('ollama');
    expect(config.maxPages).toBe(7);
    expect(sources.maxPages).toBe('env');
    expect(config.embedder).toBe('ollama');
    expect(config.maxAttempts).toBe(5);
    expect(sources.maxAttempts).toBe('file');
    expect(config.visionModel).toBe('llava:13b');
    expect(config.minYear).toBe(DEFAULTS.minYear);
    expect(sources.minYear).toBe('default');
  });

  it('treats an empty environment variable as unset', () => {
    expect(loadConfig({ env: { DATABASE_URL: '' } }).config.databaseUrl).toBeUndefined();
  });

  it('parses lists: OCR languages joined with + and PDF passwords from env or repeated flags', () => {
    expect(loadConfig({ env: { DOCINTEL_OCR_LANGUAGES: 'chi_tra+eng' } }).config.ocrLanguages).toEqual(['chi_tra', 'eng']);
    expect(loadConfig({ env: { DOCINTEL_PDF_PASSWORDS: 'a,b c' } }).config.pdfPasswords).toEqual(['a', 'b c']);
    expect(loadConfig({ flags: { 'pdf-password': ['x', 'y'] } }).config.pdfPasswords).toEqual(['x', 'y']);
  });

  it('chooses OCR languages per page by default, or every language on every page when asked', () => {
    expect(loadConfig({}).config.ocrEngine).toBe('ppocr');
    expect(loadConfig({ flags: { 'ocr-engine': 'tesseract' } }).config.ocrEngine).toBe('tesseract');
    expect(loadConfig({ env: { DOCINTEL_OCR_ENGINE: 'tesseract' } }).config.ocrEngine).toBe('tesseract');
    expect(loadConfig({}).config.ocrLanguageMode).toBe('auto');
    expect(loadConfig({ flags: { 'ocr-language-mode': 'all' } }).config.ocrLanguageMode).toBe('all');
    expect(loadConfig({ env: { DOCINTEL_OCR_LANGUAGE_MODE: 'all' } }).config.ocrLanguageMode).toBe('all');
  });

  it('normalises OLLAMA_HOST the way Ollama does', () => {
    expect(loadConfig({ env: { OLLAMA_HOST: '10.0.0.5:11500' } }).config.ollamaHost).toBe('http://10.0.0.5:11500');
    expect(normaliseOllamaHost('gpu-box')).toBe('http://gpu-box:11434');
    expect(normaliseOllamaHost('https://ollama.example.com/')).toBe('https://ollama.example.com:443');
    // An explicit http:// without a port is port 80 for Ollama too (only a bare host gets 11434).
    expect(loadConfig({ env: { OLLAMA_HOST: 'http://gpu-box' } }).config.ollamaHost).toBe('http://gpu-box:80');
  });

  it.each([
    [{ flags: { 'ocr-workers': 'many' } }, 'ocrWorkers', /flag --ocr-workers.*not a whole number/],
    [{ flags: { 'ocr-workers': '0' } }, 'ocrWorkers', /below the minimum 1/],
    [{ env: { DOCINTEL_MAX_PAGES: '99999999' } }, 'maxPages', /environment DOCINTEL_MAX_PAGES.*above the maximum/],
    [{ env: { DOCINTEL_EXTRACTOR: 'gpt' } }, 'extractor', /"gpt" is not one of offline, ollama/],
    [{ file: { embedder: 3 } }, 'embedder', /docintel.config.json "embedder"/],
    [{ env: { DOCINTEL_OCR_LANGUAGES: 'eng+klingon' } }, 'ocrLanguages', /contains "klingon"/],
    [{ env: { DATABASE_URL: 'mysql://x@y/z' } }, 'databaseUrl', /not a postgres:\/\/ or postgresql:\/\/ URL/],
    [{ env: { DATABASE_URL: 'not a url' } }, 'databaseUrl', /is not a URL/],
    [{ env: { DOCINTEL_LOG_FORMAT: 'xml' } }, 'logFormat', /not one of auto, pretty, json/],
    [{ env: { DOCINTEL_OCR_LANGUAGE_MODE: 'some' } }, 'ocrLanguageMode', /not one of auto, all/],
    [{ flags: { 'ocr-engine': 'paddle' } }, 'ocrEngine', /not one of ppocr, tesseract/],
    [{ env: { DOCINTEL_SETTLE_SECONDS: '-1' } }, 'settleSeconds', /below the minimum 0/],
  ])('rejects an invalid value naming the setting (%#)', (input, key, pattern) => {
    const error = configError(() => loadConfig(input));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(`Invalid ${key}`);
    expect(error.message).toMatch(pattern);
    expect(error.hint).toContain('Default:');
    expect(error.isUserOrEnvironment).toBe(true);
  });

  it('rejects a config file with unknown settings or the wrong shape', () => {
    expect(configError(() => loadConfig({ file: { ocrWorker: 2 } })).message).toMatch(/unknown setting\(s\): ocrWorker/);
    expect(configError(() => loadConfig({ file: [1, 2] })).code).toBe('CONFIG_FILE_INVALID');
  });

  it('never echoes a database password in an error', () => {
    const error = configError(() => loadConfig({ env: { DATABASE_URL: 'secret-password-not-a-url' } }));
    expect(error.message).not.toContain('secret-password');
  });

  it('declares every setting with a flag, an env var and a description', () => {
    const flags = new Set(SETTINGS.map((s) => s.flag));
    const envs = new Set(SETTINGS.map((s) => s.env));
    expect(flags.size).toBe(SETTINGS.length);
    expect(envs.size).toBe(SETTINGS.length);
    for (const spec of SETTINGS) {
      expect(spec.description.length).toBeGreaterThan(10);
      expect(Object.keys(DEFAULTS)).toContain(spec.key);
    }
  });
});
