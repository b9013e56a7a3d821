/**
 * One page through PP-OCRv4 (detection, then recognition of every detected segment) with ONNX Runtime.
 * Runs inside a worker process (ppocr-worker.ts): onnxruntime-node's `run` blocks the thread it is
 * called on, so two pages in parallel need two workers.
 */
import { readFile } from 'node:fs/promises';
import type { InferenceSession } from 'onnxruntime-node';
import type { TextWord } from '../../types.js';
import { decodeCtc, restoreLostCommas, wordsFromCharacters } from './ctc.js';
import { spaceCommasByInk } from './ink-gaps.js';
import { createLexicon, joinSplitWords, readWithLexicon, splitJoinedWords, type Lexicon } from './lexicon.js';
import { resizeRegion, toChannels, type GreyImage, type Rect } from './image-ops.js';
import { medianSlope, type RecognisedRegion } from './page-layout.js';
import { textRegions } from './text-regions.js';
import { besideUnreadGlyphs } from './unread-glyphs.js';

export interface PpOcrModelFiles {
  detection: string;
  recognition: string;
  /** One character per line, in class order (class 0 is the blank, the last class the space). */
  dictionary: string;
}

/** Segments at least this many times as wide as high are read along their own slope. */
const LONG_SEGMENT_ASPECT = 4;
/** The confidence of a word one Chinese character short (unread-glyphs.ts). */
const UNREAD_GLYPH_CONFIDENCE = 0.3;
/** The recognition model's input height. */
const LINE_HEIGHT = 48;
/** Widest line crop, in model pixels (a 67:1 segment); wider ones are squeezed. */
const MAX_LINE_WIDTH = 3200;
const DETECTION_MEANS = [0.485, 0.456, 0.406] as const;
const DETECTION_STDS = [0.229, 0.224, 0.225] as const;
const RECOGNITION_MEANS = [0.5, 0.5, 0.5] as const;
const RECOGNITION_STDS = [0.5, 0.5, 0.5] as const;

export class PpOcrEngine {
  private constructor(
    private readonly ort: typeof import('onnxruntime-node'),
    private readonly detector: InferenceSession,
    private readonly recogniser: InferenceSession,
    private readonly dictionary: readonly string[],
    private readonly lexicon: Lexicon | null,
  ) {
    this.classOf = new Map(dictionary.map((char, i) => [char, i + 1]));
  }

  private readonly classOf: ReadonlyMap<string, number>;

  /** `lexicon`: upper-case words whose spelling wins over a near-miss reading (lexicon.ts). */
  static async load(files: PpOcrModelFiles, threads = 1, lexicon: readonly string[] = []): Promise<PpOcrEngine> {
    const ort = await import('onnxruntime-node');
    const options: InferenceSession.SessionOptions = { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
    const [detector, recogniser, dictionaryText] = await Promise.all([
      ort.InferenceSession.create(files.detection, options),
      ort.InferenceSession.create(files.recognition, options),
      readFile(files.dictionary, 'utf8'),
    ]);
    const dictionary = dictionaryText.replace(/\r?\n$/u, '').split(/\r?\n/u);
    return new PpOcrEngine(ort, detector, recogniser, dictionary, lexicon.length > 0 ? createLexicon(lexicon) : null);
  }

  /**
   * `detectionImage` is `image` scaled down (or not) for the detector; regions and words come back in
   * pixels of `image`.
   */
  async readPage(image: GreyImage, detectionImage: GreyImage): Promise<RecognisedRegion[]> {
    const regions = await this.detect(detectionImage);
    const tilt = medianSlope(regions.map((region) => ({ width: region.x1 - region.x0, height: region.y1 - region.y0, slope: region.slope })));
    const scaleX = image.width / detectionImage.width;
    const scaleY = image.height / detectionImage.height;
    const out: RecognisedRegion[] = [];
    for (const region of regions) {
      const rect: Rect = {
        left: Math.max(0, Math.floor(region.x0 * scaleX)),
        top: Math.max(0, Math.floor(region.y0 * scaleY)),
        width: 0,
        height: 0,
      };
      rect.width = Math.min(image.width, Math.ceil(region.x1 * scaleX)) - rect.left;
      rect.height = Math.min(image.height, Math.ceil(region.y1 * scaleY)) - rect.top;
      if (rect.width < 3 || rect.height < 3) continue;
      const slope = (region.slope * scaleY) / scaleX;
      // A long segment's own slope is trustworthy; a short one is read along the page's tilt.
      const long = region.x1 - region.x0 >= LONG_SEGMENT_ASPECT * (region.y1 - region.y0);
      const bandSlope = ((long ? region.slope : tilt) * scaleY) / scaleX;
      const words = await this.recognise(image, rect, readingBand(rect, bandSlope, region.centerY * scaleY, region.thickness * scaleY));
      if (words.length > 0) out.push({ bbox: { x0: rect.left, y0: rect.top, x1: rect.left + rect.width, y1: rect.top + rect.height }, words, slope });
    }
    return out;
  }

  private async detect(image: GreyImage) {
    const input = new this.ort.Tensor('float32', toChannels(image.data, DETECTION_MEANS, DETECTION_STDS), [1, 3, image.height, image.width]);
    const output = await this.detector.run({ [this.detector.inputNames[0]!]: input });
    const map = output[this.detector.outputNames[0]!]!;
    return textRegions(map.data as Float32Array, image.width, image.height);
  }

  /**
   * The words of one segment, with boxes from the time steps their characters were read at. The model
   * reads `band` (the segment's line, levelled); word boxes are given in the upright `rect`.
   */
  private async recognise(image: GreyImage, rect: Rect, band: Band): Promise<TextWord[]> {
    const width = Math.min(MAX_LINE_WIDTH, Math.max(16, Math.round((band.width * LINE_HEIGHT) / band.height)));
    const pixels = resizeRegion(image, band, width, LINE_HEIGHT, band.slope);
    const input = new this.ort.Tensor('float32', toChannels(pixels, RECOGNITION_MEANS, RECOGNITION_STDS), [1, 3, LINE_HEIGHT, width]);
    const output = await this.recogniser.run({ [this.recogniser.inputNames[0]!]: input });
    const tensor = output[this.recogniser.outputNames[0]!]!;
    const [, steps, classes] = tensor.dims as [number, number, number];
    const probabilities = tensor.data as Float32Array;
    let chars = restoreLostCommas(decodeCtc(probabilities, steps, classes, this.dictionary));
    if (this.lexicon) chars = joinSplitWords(splitJoinedWords(readWithLexicon(chars, probabilities, steps, classes, this.classOf, this.lexicon), this.lexicon), this.lexicon);
    spaceCommasByInk(chars, pixels, width, LINE_HEIGHT, steps);
    // A word beside a Chinese character the model saw but did not read is one character short.
    const unsure = besideUnreadGlyphs(chars, pixels, width, LINE_HEIGHT, steps).map((i) => chars[i]!.step);
    const stepWidth = rect.width / steps;
    return wordsFromCharacters(chars).map((word) => ({
      text: word.text,
      confidence: unsure.some((step) => step >= word.firstStep && step <= word.lastStep) ? Math.min(word.confidence, UNREAD_GLYPH_CONFIDENCE) : word.confidence,
      bbox: {
        x0: rect.left + word.firstStep * stepWidth,
        y0: rect.top,
        x1: rect.left + Math.min(steps, word.lastStep + 1) * stepWidth,
        y1: rect.top + rect.height,
      },
    }));
  }
}

interface Band extends Rect {
  slope: number;
}

/**
 * What recognition reads of a segment. A photographed receipt is rarely level: an upright box around
 * a line tilted by 2° across 500 px is twice the line's height, and the recogniser, which scales every
 * crop to 48 px high, then sees letters at half size and squeezed (LIGHTROOM read as LIGHTRM). The band
 * follows the line's slope at its own thickness. A level or short segment keeps its box.
 */
function readingBand(rect: Rect, slope: number, centerY: number, thickness: number): Band {
  const rise = Math.abs(slope) * rect.width;
  if (rise < 2 || !Number.isFinite(thickness) || thickness <= 0) return { ...rect, slope: 0 };
  const height = Math.min(rect.height, Math.max(thickness, rect.height - rise, 8));
  const top = centerY - slope * (rect.width / 2) - height / 2;
  return { left: rect.left, top, width: rect.width, height, slope };
}
