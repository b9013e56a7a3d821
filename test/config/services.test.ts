import { describe, expect, it } from 'vitest';
import { ppocrPoolOptions } from '../../pipeline/services.js';
import { createLexicon } from '../../extractors/ocr/ppocr/lexicon.js';
import { RECEIPT_LEXICON } from '../../extractors/receipt/vocabulary.js';

describe('ppocrPoolOptions: the PP-OCR pool `docintel run` starts', () => {
  it('hands the receipt-header lexicon to the workers, with the configured worker count', () => {
    const options = ppocrPoolOptions({ ocrWorkers: 3 });
    expect(options.size).toBe(3);
    expect(options.lexicon).toBe(RECEIPT_LEXICON);
    // The words the engine builds its lexicon from: place names, street words and split place names.
    const lexicon = createLexicon(options.lexicon ?? []);
    for (const word of ['SELANGOR', 'JOHOR', 'JALAN', 'PERINDUSTRIAN', 'KEMBANGAN', 'BERJUNTAI']) expect(lexicon.words.has(word)).toBe(true);
    expect(lexicon.words.size).toBeGreaterThan(250);
  });
});
