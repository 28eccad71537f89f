/*
 * A drawing made into what MNIST's networks expect (LeCun et al.'s
 * preparation of the digits): the strokes' bounding box scaled to fit a
 * 20x20 box, keeping its aspect ratio, then placed in 28x28 so that its
 * centre of mass is at the centre. Grey levels in [0, 1], white on black.
 */

export const SIDE = 28;
const BOX = 20;

/** The 28x28 input for a white-on-black drawing, or null when nothing is drawn. */
export function mnistStyle(source: HTMLCanvasElement): Float32Array | null {
  const ctx = source.getContext('2d', { willReadFrequently: true })!;
  const { width, height } = source;
  const pixels = ctx.getImageData(0, 0, width, height).data;
  let top = height, left = width, bottom = -1, right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[(y * width + x) * 4] > 0) {
        top = Math.min(top, y); bottom = Math.max(bottom, y);
        left = Math.min(left, x); right = Math.max(right, x);
      }
    }
  }
  if (bottom < 0) return null;
  const w = right - left + 1;
  const h = bottom - top + 1;
  const scale = BOX / Math.max(w, h);
  const sw = Math.max(1, Math.round(w * scale));
  const sh = Math.max(1, Math.round(h * scale));
  const small = document.createElement('canvas');
  small.width = sw;
  small.height = sh;
  const sctx = small.getContext('2d', { willReadFrequently: true })!;
  sctx.imageSmoothingQuality = 'high';
  sctx.drawImage(source, left, top, w, h, 0, 0, sw, sh);
  const grey = sctx.getImageData(0, 0, sw, sh).data;
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const v = grey[(y * sw + x) * 4];
      mass += v; mx += v * (x + 0.5); my += v * (y + 0.5);
    }
  }
  const ox = Math.round(SIDE / 2 - mx / mass);
  const oy = Math.round(SIDE / 2 - my / mass);
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const tx = x + ox, ty = y + oy;
      if (tx >= 0 && tx < SIDE && ty >= 0 && ty < SIDE) out[ty * SIDE + tx] = grey[(y * sw + x) * 4] / 255;
    }
  }
  return out;
}
