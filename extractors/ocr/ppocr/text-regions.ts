/**
 * Text regions from the PP-OCR detection model's probability map (DB, "differentiable binarisation").
 *
 * The model marks the shrunken core of every text segment; PaddleOCR's post-processing binarises the
 * map, takes each connected blob, scores it by its mean probability and grows it back by
 * `area × unclip ratio / perimeter`. Receipts and invoices are printed upright and preprocessing
 * has already turned the page upright, so blobs become axis-aligned rectangles instead of rotated ones.
 */

export interface TextRegion {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Mean probability inside the blob, 0..1. */
  score: number;
  /**
   * dy/dx of the blob's long axis (its principal axis from the pixel moments): a photographed receipt is
   * rarely level, and rows are rebuilt along this slope (page-layout.ts).
   */
  slope: number;
  /**
   * The segment's band across its slope: the y of its centre line at the region's horizontal middle, and
   * its thickness (the blob's, from the moments, grown back as the box is). A tilted line's upright box
   * is taller than the line; recognition reads the band instead (ppocr-engine.ts).
   */
  centerY: number;
  thickness: number;
}

export interface RegionOptions {
  /** A map value above this is text. PaddleOCR's default 0.3. */
  threshold?: number;
  /** Blobs whose mean probability is lower are dropped. PaddleOCR's default 0.6. */
  minScore?: number;
  /** How far a blob is grown back, as PaddleOCR's unclip ratio. Default 1.5. */
  unclipRatio?: number;
  /** Blobs smaller than this many map pixels in width or height are specks. Default 3 (wide) and 2 (high). */
  minWidth?: number;
  minHeight?: number;
}

/**
 * Regions in map pixels (the map is the size of the image the model was given), clipped to the map.
 * A flood fill with an explicit stack: a page is millions of pixels and recursion would overflow.
 */
export function textRegions(probability: Float32Array, width: number, height: number, options: RegionOptions = {}): TextRegion[] {
  const threshold = options.threshold ?? 0.3;
  const minScore = options.minScore ?? 0.6;
  const unclipRatio = options.unclipRatio ?? 1.5;
  const minWidth = options.minWidth ?? 3;
  const minHeight = options.minHeight ?? 2;
  const size = width * height;
  if (probability.length < size) throw new RangeError(`probability map holds ${probability.length} values, expected ${width} x ${height}`);
  const seen = new Uint8Array(size);
  const stack = new Int32Array(size);
  const regions: TextRegion[] = [];
  for (let start = 0; start < size; start += 1) {
    if (seen[start] || probability[start]! <= threshold) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let x0 = width;
    let y0 = height;
    let x1 = -1;
    let y1 = -1;
    let area = 0;
    let sum = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    while (top > 0) {
      const index = stack[--top]!;
      const x = index % width;
      const y = (index - x) / width;
      area += 1;
      sum += probability[index]!;
      sx += x;
      sy += y;
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (x > 0 && !seen[index - 1] && probability[index - 1]! > threshold) (seen[index - 1] = 1), (stack[top++] = index - 1);
      if (x < width - 1 && !seen[index + 1] && probability[index + 1]! > threshold) (seen[index + 1] = 1), (stack[top++] = index + 1);
      if (y > 0 && !seen[index - width] && probability[index - width]! > threshold) (seen[index - width] = 1), (stack[top++] = index - width);
      if (y < height - 1 && !seen[index + width] && probability[index + width]! > threshold) (seen[index + width] = 1), (stack[top++] = index + width);
    }
    const w = x1 - x0 + 1;
    const h = y1 - y0 + 1;
    if (w < minWidth || h < minHeight) continue;
    const score = sum / area;
    if (score < minScore) continue;
    const grow = (w * h * unclipRatio) / (2 * (w + h));
    const mx = sx / area;
    const my = sy / area;
    const varX = sxx / area - mx * mx;
    const varY = syy / area - my * my;
    const covXY = sxy / area - mx * my;
    const angle = 0.5 * Math.atan2(2 * covXY, varX - varY);
    // The smaller eigenvalue of the covariance is the variance across the long axis; a band of
    // thickness t has variance t²/12 across it.
    const across = (varX + varY) / 2 - Math.sqrt(((varX - varY) / 2) ** 2 + covXY ** 2);
    const slope = Math.tan(angle);
    regions.push({
      x0: Math.max(0, x0 - grow),
      y0: Math.max(0, y0 - grow),
      x1: Math.min(width, x1 + 1 + grow),
      y1: Math.min(height, y1 + 1 + grow),
      score,
      slope,
      centerY: my + slope * ((x0 + x1 + 1) / 2 - mx),
      thickness: Math.min(h, Math.sqrt(12 * Math.max(0, across))) + 2 * grow,
    });
  }
  return regions;
}
