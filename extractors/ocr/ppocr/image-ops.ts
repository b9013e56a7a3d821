/**
 * The two pixel operations the PP-OCR models need, on 8-bit grey buffers, in plain TypeScript: they run
 * inside worker processes, where a second native image library would only add risk.
 */

export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Bilinear resize of `rect` of `image` to `width` × `height`. With a `slope` (dy/dx) the rectangle is a
 * sheared band instead: `top` is its upper edge at `left`, and the edges rise or fall by `slope` per
 * pixel, so a tilted text line comes out level.
 */
export function resizeRegion(image: GreyImage, rect: Rect, width: number, height: number, slope = 0): Uint8Array {
  const out = new Uint8Array(width * height);
  const sx = rect.width / width;
  const sy = rect.height / height;
  const maxX = image.width - 1;
  const maxY = image.height - 1;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const along = rect.left + (x + 0.5) * sx - 0.5;
      const fy = Math.min(maxY, Math.max(0, rect.top + slope * (along + 0.5 - rect.left) + (y + 0.5) * sy - 0.5));
      const y0 = Math.floor(fy);
      const y1 = Math.min(maxY, y0 + 1);
      const wy = fy - y0;
      const fx = Math.min(maxX, Math.max(0, along));
      const x0 = Math.floor(fx);
      const x1 = Math.min(maxX, x0 + 1);
      const wx = fx - x0;
      const top = image.data[y0 * image.width + x0]! * (1 - wx) + image.data[y0 * image.width + x1]! * wx;
      const bottom = image.data[y1 * image.width + x0]! * (1 - wx) + image.data[y1 * image.width + x1]! * wx;
      out[y * width + x] = Math.round(top * (1 - wy) + bottom * wy);
    }
  }
  return out;
}

/**
 * A grey image as the models' NCHW float input: three equal channels, each value `(v / 255 - mean) / std`.
 * PaddleOCR feeds BGR; with grey pixels the channel order does not matter, only the per-channel constants.
 */
export function toChannels(grey: Uint8Array, means: readonly [number, number, number], stds: readonly [number, number, number]): Float32Array {
  const plane = grey.length;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c += 1) {
    const mean = means[c]!;
    const std = stds[c]!;
    const offset = c * plane;
    for (let i = 0; i < plane; i += 1) out[offset + i] = (grey[i]! / 255 - mean) / std;
  }
  return out;
}
