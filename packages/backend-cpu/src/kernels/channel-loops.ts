/*
 * Per-channel loops over a [rows, channels] view (NHWC puts the channel last),
 * shared by batch norm and bias. Rows go in blocks of about 8 KiB so a block
 * stays in L1, and within a block four channels at a time run down the rows
 * with their sums in local float64 variables, which stay in registers: a
 * Float64Array accumulator (acc[c] += x[o + c]) makes every element a
 * load-add-store on memory, several times slower (docs/backend-cpu/design.md).
 * Leftover channels (channels % 4) run one at a time. Write passes go one
 * channel at a time within a block: there four at a time gains nothing.
 */

/** Elements of one row block (8 KiB of float32). */
const BLOCK_ELEMENTS = 2048;

function rowBlock(channels: number): number {
  return Math.max(1, Math.floor(BLOCK_ELEMENTS / channels));
}

/** acc[c] += sum over rows of x[r, c]. */
export function channelSums(x: Float32Array, rows: number, channels: number, acc: Float64Array): void {
  const block = rowBlock(channels);
  const c4 = channels - (channels % 4);
  for (let r0 = 0; r0 < rows; r0 += block) {
    const end = Math.min(rows, r0 + block) * channels;
    let c = 0;
    for (; c < c4; c += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let o = r0 * channels + c; o < end; o += channels) {
        s0 += x[o];
        s1 += x[o + 1];
        s2 += x[o + 2];
        s3 += x[o + 3];
      }
      acc[c] += s0;
      acc[c + 1] += s1;
      acc[c + 2] += s2;
      acc[c + 3] += s3;
    }
    for (; c < channels; c++) {
      let s = 0;
      for (let o = r0 * channels + c; o < end; o += channels) s += x[o];
      acc[c] += s;
    }
  }
}

/** acc[c] += sum over rows of (x[r, c] - center[c])^2: the second pass of a two-pass variance. */
export function channelSquaredDeviations(
  x: Float32Array, rows: number, channels: number, center: Float64Array, acc: Float64Array,
): void {
  const block = rowBlock(channels);
  const c4 = channels - (channels % 4);
  for (let r0 = 0; r0 < rows; r0 += block) {
    const end = Math.min(rows, r0 + block) * channels;
    let c = 0;
    for (; c < c4; c += 4) {
      const m0 = center[c], m1 = center[c + 1], m2 = center[c + 2], m3 = center[c + 3];
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let o = r0 * channels + c; o < end; o += channels) {
        const d0 = x[o] - m0, d1 = x[o + 1] - m1, d2 = x[o + 2] - m2, d3 = x[o + 3] - m3;
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
      }
      acc[c] += s0;
      acc[c + 1] += s1;
      acc[c + 2] += s2;
      acc[c + 3] += s3;
    }
    for (; c < channels; c++) {
      const m = center[c];
      let s = 0;
      for (let o = r0 * channels + c; o < end; o += channels) {
        const d = x[o] - m;
        s += d * d;
      }
      acc[c] += s;
    }
  }
}

/** sumG[c] += sum of g[r, c]; sumGD[c] += sum of g[r, c] * (x[r, c] - center[c]), in one pass. */
export function channelSumAndCenteredDot(
  g: Float32Array, x: Float32Array, rows: number, channels: number,
  center: Float64Array, sumG: Float64Array, sumGD: Float64Array,
): void {
  const block = rowBlock(channels);
  const c4 = channels - (channels % 4);
  for (let r0 = 0; r0 < rows; r0 += block) {
    const end = Math.min(rows, r0 + block) * channels;
    let c = 0;
    for (; c < c4; c += 4) {
      const m0 = center[c], m1 = center[c + 1], m2 = center[c + 2], m3 = center[c + 3];
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (let o = r0 * channels + c; o < end; o += channels) {
        const g0 = g[o], g1 = g[o + 1], g2 = g[o + 2], g3 = g[o + 3];
        s0 += g0;
        s1 += g1;
        s2 += g2;
        s3 += g3;
        t0 += g0 * (x[o] - m0);
        t1 += g1 * (x[o + 1] - m1);
        t2 += g2 * (x[o + 2] - m2);
        t3 += g3 * (x[o + 3] - m3);
      }
      sumG[c] += s0; sumG[c + 1] += s1; sumG[c + 2] += s2; sumG[c + 3] += s3;
      sumGD[c] += t0; sumGD[c + 1] += t1; sumGD[c + 2] += t2; sumGD[c + 3] += t3;
    }
    for (; c < channels; c++) {
      const m = center[c];
      let s = 0;
      let t = 0;
      for (let o = r0 * channels + c; o < end; o += channels) {
        s += g[o];
        t += g[o] * (x[o] - m);
      }
      sumG[c] += s;
      sumGD[c] += t;
    }
  }
}

/** out[r, c] = (x[r, c] - center[c]) * scale[c] + shift[c]: batch norm's normalize-and-shift. */
export function channelNormalize(
  x: Float32Array, rows: number, channels: number,
  center: Float64Array, scale: Float64Array, shift: Float64Array | Float32Array, out: Float32Array,
): void {
  const block = rowBlock(channels);
  for (let r0 = 0; r0 < rows; r0 += block) {
    const end = Math.min(rows, r0 + block) * channels;
    for (let c = 0; c < channels; c++) {
      const m = center[c], k = scale[c], t = shift[c];
      for (let o = r0 * channels + c; o < end; o += channels) out[o] = (x[o] - m) * k + t;
    }
  }
}

/** out[r, c] = g[r, c] * a[c] + (x[r, c] - center[c]) * b[c] + shift[c]: batch norm's dx. */
export function channelCombine(
  g: Float32Array, x: Float32Array, rows: number, channels: number,
  a: Float64Array, center: Float64Array, b: Float64Array, shift: Float64Array, out: Float32Array,
): void {
  const block = rowBlock(channels);
  for (let r0 = 0; r0 < rows; r0 += block) {
    const end = Math.min(rows, r0 + block) * channels;
    for (let c = 0; c < channels; c++) {
      const ac = a[c], m = center[c], bc = b[c], t = shift[c];
      for (let o = r0 * channels + c; o < end; o += channels) out[o] = g[o] * ac + (x[o] - m) * bc + t;
    }
  }
}
