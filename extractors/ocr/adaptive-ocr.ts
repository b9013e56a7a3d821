/**
 * OCR that reads each page with the first configured language and brings in the others only where the
 * page needs them (language-strategy.ts has the rules and the measurements behind them):
 *
 * 1. read the page with the first language (`eng`);
 * 2. a page that reads poorly is read again with all languages (`eng+chi_tra`), and the better read kept;
 * 3. otherwise the few lines that read as garbage are cut out and read alone with the other languages
 *    (`chi_tra`, one line per image: page segmentation 7), and a line is replaced when its new reading is
 *    mostly the other script and confident. Measured on 16 such lines from SROIE receipts: 37 ms per line
 *    this way (61 with tesseract's inverted retry), 129 ms with `eng+chi_tra` and page segmentation 6.
 *    English is not added: these lines are the ones English could not read, and chi_tra's own model
 *    reads the Latin letters and digits in them well enough;
 * 4. when enough of the recent pages needed all languages (RecentPages: they held the other script, or
 *    the first language read them poorly, as it does scene photos), the next page starts with all
 *    languages, so a folder of Chinese invoices or site photos is not read twice per page; a run of
 *    pages the first language reads well switches back.
 *
 * `mode: 'all'` (or a single language) is the plain pool: every language on every page. Both modes give
 * the same `OcrPool` interface, so the read stage does not know which one it has.
 */
import { DocintelError } from '../../pipeline/errors.js';
import type { BoundingBox, PageText, TextLine } from '../types.js';
import {
  foreignLetterCount,
  isBetterLine,
  MAX_SUSPECT_LINES,
  meanWordConfidence,
  pageNeedsAllLanguages,
  NEEDED_FOREIGN_LETTERS,
  PAGE_CONFIDENCE_FLOOR,
  RecentPages,
  suspectLines,
  type OcrLanguageMode,
} from './language-strategy.js';
import { createOcrPool, type OcrPool, type OcrPoolOptions, type OcrPoolStats } from './tesseract-pool.js';

export interface AdaptiveOcrOptions extends OcrPoolOptions {
  /** Default `auto`. */
  languageMode?: OcrLanguageMode;
}

/** How the adaptive reader spent its reads; all zero in `all` mode. */
export interface LanguageStats {
  /** Pages kept as read with the first language alone (possibly with some lines re-read). */
  firstLanguageOnly: number;
  /** Pages read a second time with all languages because the first read was poor. */
  escalated: number;
  /** Pages read with all languages straight away because many recent pages needed them (RecentPages). */
  direct: number;
  /** Lines cut out and re-read with the other languages. */
  linesRetried: number;
  /** Of those, lines replaced by the new reading. */
  linesReplaced: number;
}

export interface AdaptiveOcrStats extends OcrPoolStats {
  languageMode: OcrLanguageMode;
  languageUse: LanguageStats;
}

export interface AdaptiveOcr extends OcrPool {
  stats(): AdaptiveOcrStats;
}

/** Tesseract page segmentation for a cut-out line: treat the image as a single text line. */
const LINE_PAGE_SEG_MODE = '7';

/** White margin around a cut-out line, in multiples of the line height: tesseract wants some border. */
const LINE_MARGIN = 0.35;

export async function createAdaptiveOcr(options: AdaptiveOcrOptions = {}): Promise<AdaptiveOcr> {
  const languages = options.languages ?? ['eng', 'chi_tra'];
  const mode = options.languageMode ?? 'auto';
  const languageUse: LanguageStats = { firstLanguageOnly: 0, escalated: 0, direct: 0, linesRetried: 0, linesReplaced: 0 };
  const allEngine = `tesseract.js ${languages.join('+')}`;

  const all = await createOcrPool({ ...options, languages });
  if (mode === 'all' || languages.length === 1) {
    return {
      size: all.size,
      languages: all.languages,
      recognize: async (image, pageNo) => ({ ...(await all.recognize(image, pageNo)), engine: allEngine }),
      stats: () => ({ ...all.stats(), languageMode: mode, languageUse: { ...languageUse } }),
      terminate: () => all.terminate(),
    };
  }

  const primaryLanguage = languages[0]!;
  const first = await createOcrPool({ ...options, languages: [primaryLanguage] });
  // Line reads are short; half the workers keep memory down (every worker holds its own models).
  const lineLanguages = languages.slice(1);
  const lineReader = await createOcrPool({
    ...options,
    languages: lineLanguages,
    size: Math.max(1, Math.floor(all.size / 2)),
    pageSegMode: LINE_PAGE_SEG_MODE,
    // Tesseract re-reads every low-confidence line inverted (white on black), and these lines are low
    // confidence by construction; Han lines are not printed inverted on receipts. 61 -> 37 ms per line.
    parameters: { ...options.parameters, tessedit_do_invert: '0' },
  });
  const firstEngine = `tesseract.js ${primaryLanguage}`;
  const recent = new RecentPages();
  let recognized = 0;
  let failed = 0;

  /**
   * Reads with all languages and remembers whether this page needed them: it held the other script, or
   * the first language could not read it (`firstReadPoor`; for a page read with all languages straight
   * away, a poor read of it stands in). A folder of scene photos, which English reads poorly, then
   * starts its pages with all languages too, instead of reading each one twice.
   */
  async function readWithAll(image: Buffer, pageNo: number, firstReadPoor?: boolean): Promise<PageText> {
    const page = await all.recognize(image, pageNo);
    const foreign = foreignLetterCount(page.text, primaryLanguage) >= NEEDED_FOREIGN_LETTERS;
    recent.record(foreign || (firstReadPoor ?? page.confidence < PAGE_CONFIDENCE_FLOOR));
    return { ...page, engine: allEngine };
  }

  async function read(image: Buffer, pageNo: number): Promise<PageText> {
    if (recent.startWithAll()) {
      languageUse.direct += 1;
      return readWithAll(image, pageNo);
    }
    const firstRead = await first.recognize(image, pageNo);
    if (pageNeedsAllLanguages(firstRead)) {
      languageUse.escalated += 1;
      const allRead = await readWithAll(image, pageNo, true);
      // A page no language reads well (a photo, a blank) keeps whichever read is more confident.
      const keepAll = foreignLetterCount(allRead.text, primaryLanguage) > 0 || allRead.confidence >= firstRead.confidence;
      return keepAll ? allRead : { ...firstRead, engine: firstEngine };
    }
    const suspects = suspectLines(firstRead);
    if (suspects.length > MAX_SUSPECT_LINES) {
      // Many garbage lines on an otherwise good page: one full read is cheaper than many line reads.
      languageUse.escalated += 1;
      const allRead = await readWithAll(image, pageNo, true);
      return foreignLetterCount(allRead.text, primaryLanguage) > 0 ? allRead : { ...firstRead, engine: firstEngine };
    }
    languageUse.firstLanguageOnly += 1;
    // A page English read well did not need the other languages as a whole, even if a few of its lines
    // are re-read below: those are cheap, and must not make the next page start with a full read.
    recent.record(false);
    if (suspects.length === 0) return { ...firstRead, engine: firstEngine };
    return rereadLines(image, firstRead, suspects);
  }

  /** Re-reads the suspect lines one by one with the other languages and swaps in better readings. */
  async function rereadLines(image: Buffer, page: PageText, suspects: number[]): Promise<PageText> {
    const sharp = (await import('sharp')).default;
    const lines = [...page.lines];
    let replaced = 0;
    for (const index of suspects) {
      const line = lines[index]!;
      const region = lineRegion(line.bbox, page.width, page.height);
      if (region === null) continue;
      languageUse.linesRetried += 1;
      let reread: PageText;
      try {
        const crop = await sharp(image).extract(region).png().toBuffer();
        reread = await lineReader.recognize(crop, page.pageNo);
      } catch (error) {
        // The pool was stopped: the page is cancelled, not kept half-read. Any other failure of a
        // line read (an odd crop) leaves the first reading of that line in place.
        if (error instanceof DocintelError && error.code === 'INTERRUPTED') throw error;
        continue;
      }
      const candidate = joinLines(reread.lines, region.left, region.top);
      if (candidate !== null && isBetterLine(line, candidate, primaryLanguage)) {
        lines[index] = candidate;
        replaced += 1;
      }
    }
    languageUse.linesReplaced += replaced;
    if (replaced === 0) return { ...page, engine: firstEngine };
    return {
      ...page,
      lines,
      text: lines.map((line) => line.text).join('\n'),
      rawText: lines.map((line) => line.rawText).join('\n'),
      confidence: meanWordConfidence(lines),
      // Most of the page was read with the first language, some lines with all of them.
      engine: `${firstEngine}; lines ${lineLanguages.join('+')}`,
    };
  }

  return {
    size: all.size,
    languages: [...languages],
    async recognize(image, pageNo = 1) {
      try {
        const page = await read(image, pageNo);
        recognized += 1;
        return page;
      } catch (error) {
        failed += 1;
        throw error;
      }
    },
    stats() {
      const pools = [first.stats(), all.stats(), lineReader.stats()];
      const sum = (key: 'workers' | 'busy' | 'queued' | 'restarts') => pools.reduce((total, stats) => total + stats[key], 0);
      return {
        size: all.size,
        workers: sum('workers'),
        busy: sum('busy'),
        queued: sum('queued'),
        maxBusy: Math.max(...pools.map((stats) => stats.maxBusy)),
        recognized,
        failed,
        restarts: sum('restarts'),
        languageMode: mode,
        languageUse: { ...languageUse },
      };
    },
    async terminate() {
      await Promise.all([first.terminate(), all.terminate(), lineReader.terminate()]);
    },
  };
}

/** The line's box grown by a margin and clipped to the page, as a sharp `extract` region; null if empty. */
function lineRegion(box: BoundingBox, width: number, height: number): { left: number; top: number; width: number; height: number } | null {
  const margin = Math.max(4, Math.round((box.y1 - box.y0) * LINE_MARGIN));
  const left = Math.max(0, Math.floor(box.x0 - margin));
  const top = Math.max(0, Math.floor(box.y0 - margin));
  const right = Math.min(width, Math.ceil(box.x1 + margin));
  const bottom = Math.min(height, Math.ceil(box.y1 + margin));
  if (right - left < 2 || bottom - top < 2) return null;
  return { left, top, width: right - left, height: bottom - top };
}

/** The lines read from a cut-out as one line in page coordinates (a line may come back split in two). */
function joinLines(lines: readonly TextLine[], dx: number, dy: number): TextLine | null {
  if (lines.length === 0) return null;
  const shift = (box: BoundingBox): BoundingBox => ({ x0: box.x0 + dx, y0: box.y0 + dy, x1: box.x1 + dx, y1: box.y1 + dy });
  const words = lines.flatMap((line) => line.words.map((word) => ({ ...word, bbox: shift(word.bbox) })));
  if (words.length === 0) return null;
  // Tesseract's line box can be tighter than its words' (accents, Han glyph tops): cover both.
  const boxes = [...lines.map((line) => shift(line.bbox)), ...words.map((word) => word.bbox)];
  return {
    text: lines.map((line) => line.text).join(' '),
    rawText: lines.map((line) => line.rawText).join(' '),
    confidence: words.reduce((sum, word) => sum + word.confidence, 0) / words.length,
    bbox: {
      x0: Math.min(...boxes.map((b) => b.x0)),
      y0: Math.min(...boxes.map((b) => b.y0)),
      x1: Math.max(...boxes.map((b) => b.x1)),
      y1: Math.max(...boxes.map((b) => b.y1)),
    },
    words,
  };
}
