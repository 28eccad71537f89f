/*
 * Area-average resampling of a single-channel float image: each output pixel
 * is the mean of the input area it covers, with fractional weights at the
 * edges. For shrinking (the usual case: a photo or a 280x280 drawing down to
 * 20x20) this is the anti-aliased box filter MNIST's own preprocessing
 * approximates; for enlarging it degrades to pixel replication.
 */

/** Resizes one axis: `src` is `lines` runs of `inLen` values at `stride`; returns runs of `outLen`. */
function resizeAxis(src: Float32Array, inLen: number, outLen: number, lines: number, horizontal: boolean): Float32Array {
  const out = new Float32Array(outLen * lines);
  const scale = inLen / outLen;
  for (let line = 0; line < lines; line++) {
    for (let o = 0; o < outLen; o++) {
      const start = o * scale;
      const end = start + scale;
      let acc = 0;
      for (let i = Math.floor(start); i < Math.min(inLen, Math.ceil(end)); i++) {
        const weight = Math.min(end, i + 1) - Math.max(start, i);
        const v = horizontal ? src[line * inLen + i] : src[i * lines + line];
        acc += weight * v;
      }
      const value = acc / scale;
      if (horizontal) out[line * outLen + o] = value;
      else out[o * lines + line] = value;
    }
  }
  return out;
}

/** Resizes a row-major `width x height` image to `outWidth x outHeight`. */
export function resizeArea(src: Float32Array, width: number, height: number, outWidth: number, outHeight: number): Float32Array {
  const rows = resizeAxis(src, width, outWidth, height, true); // height rows of outWidth
  return resizeAxis(rows, height, outHeight, outWidth, false); // outHeight rows of outWidth
}

export interface Box {
  x0: number;
  y0: number;
  x1: number; // exclusive
  y1: number; // exclusive
}

/** The smallest box holding every pixel above `threshold`, or null for a blank image. */
export function boundingBox(src: Float32Array, width: number, height: number, threshold: number): Box | null {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (src[y * width + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

export function crop(src: Float32Array, width: number, box: Box): Float32Array {
  const w = box.x1 - box.x0;
  const out = new Float32Array(w * (box.y1 - box.y0));
  for (let y = box.y0; y < box.y1; y++) out.set(src.subarray(y * width + box.x0, y * width + box.x1), (y - box.y0) * w);
  return out;
}

/** Intensity-weighted centre (x, y) of an image. */
export function centerOfMass(src: Float32Array, width: number, height: number): [number, number] {
  let total = 0, sx = 0, sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = src[y * width + x];
      total += v;
      sx += v * (x + 0.5);
      sy += v * (y + 0.5);
    }
  }
  return total > 0 ? [sx / total, sy / total] : [width / 2, height / 2];
}
