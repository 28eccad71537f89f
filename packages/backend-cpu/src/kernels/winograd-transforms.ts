/*
 * The tile transforms of Winograd F(2x2, 3x3) (Lavin & Gray 2016, section
 * 4.1), each applied to every channel of a tile at once, channels innermost
 * as in NHWC. Forward: U = G g G^T (filter), V = B^T d B (input tile),
 * Y = A^T M A (output tile). Backprop filter uses their adjoints:
 * dM = A dY A^T (output-gradient tile) and dg = G^T dU G.
 *
 *   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
 *   G   = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
 *   A^T = [1 1 1 0; 0 1 -1 -1]
 */

/**
 * U = G g G^T for every (in, out) channel pair, stored [16][in][out]. With
 * `flip`, the filter is used rotated by 180 degrees with in and out swapped
 * (g'[ky][kx][o][c] = g[2-ky][2-kx][c][o]), the filter of conv2dBackpropInput.
 * `w` is always the HWIO filter [3, 3, C, F]; the result is [16][F][C] when flipped.
 */
export function winogradFilterTransform(w: Float32Array, C: number, F: number, flip: boolean, u: Float32Array): void {
  const cin = flip ? F : C;
  const cout = flip ? C : F;
  const g = new Float64Array(9);
  const t = new Float64Array(12);
  for (let i = 0; i < cin; i++) {
    for (let o = 0; o < cout; o++) {
      for (let k = 0; k < 9; k++) {
        // Tap k = ky*3 + kx; flipped, it reads tap 8 - k of filter [c = o][f = i].
        g[k] = flip ? w[(8 - k) * C * F + o * F + i] : w[k * C * F + i * F + o];
      }
      // t = G g (4x3), column by column.
      for (let j = 0; j < 3; j++) {
        const g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
        t[j] = g0;
        t[3 + j] = 0.5 * (g0 + g1 + g2);
        t[6 + j] = 0.5 * (g0 - g1 + g2);
        t[9 + j] = g2;
      }
      // U = t G^T (4x4), row by row.
      for (let r = 0; r < 4; r++) {
        const a0 = t[r * 3], a1 = t[r * 3 + 1], a2 = t[r * 3 + 2];
        const at = (r * 4 * cin + i) * cout + o;
        const step = cin * cout;
        u[at] = a0;
        u[at + step] = 0.5 * (a0 + a1 + a2);
        u[at + 2 * step] = 0.5 * (a0 - a1 + a2);
        u[at + 3 * step] = a2;
      }
    }
  }
}

/**
 * V = B^T d B for one tile and every channel: d is read from src at
 * base + row*rowStride + col*C + c, and V_xi lands at v[xi*vStride + vAt + c].
 */
export function inputTile(
  src: Float32Array, base: number, rowStride: number, C: number,
  v: Float32Array, vAt: number, vStride: number,
): void {
  const r1 = rowStride, r2 = 2 * rowStride, r3 = 3 * rowStride;
  const c1 = C, c2 = 2 * C, c3 = 3 * C;
  for (let c = 0; c < C; c++) {
    const p = base + c;
    // B^T d: rows 0..3 of the tile combine as (d0-d2, d1+d2, d2-d1, d1-d3).
    const d00 = src[p], d01 = src[p + c1], d02 = src[p + c2], d03 = src[p + c3];
    const d10 = src[p + r1], d11 = src[p + r1 + c1], d12 = src[p + r1 + c2], d13 = src[p + r1 + c3];
    const d20 = src[p + r2], d21 = src[p + r2 + c1], d22 = src[p + r2 + c2], d23 = src[p + r2 + c3];
    const d30 = src[p + r3], d31 = src[p + r3 + c1], d32 = src[p + r3 + c2], d33 = src[p + r3 + c3];
    const e00 = d00 - d20, e01 = d01 - d21, e02 = d02 - d22, e03 = d03 - d23;
    const e10 = d10 + d20, e11 = d11 + d21, e12 = d12 + d22, e13 = d13 + d23;
    const e20 = d20 - d10, e21 = d21 - d11, e22 = d22 - d12, e23 = d23 - d13;
    const e30 = d10 - d30, e31 = d11 - d31, e32 = d12 - d32, e33 = d13 - d33;
    // (B^T d) B: the same combination across columns.
    let o = vAt + c;
    v[o] = e00 - e02; v[o + vStride] = e01 + e02; v[o + 2 * vStride] = e02 - e01; v[o + 3 * vStride] = e01 - e03;
    o += 4 * vStride;
    v[o] = e10 - e12; v[o + vStride] = e11 + e12; v[o + 2 * vStride] = e12 - e11; v[o + 3 * vStride] = e11 - e13;
    o += 4 * vStride;
    v[o] = e20 - e22; v[o + vStride] = e21 + e22; v[o + 2 * vStride] = e22 - e21; v[o + 3 * vStride] = e21 - e23;
    o += 4 * vStride;
    v[o] = e30 - e32; v[o + vStride] = e31 + e32; v[o + 2 * vStride] = e32 - e31; v[o + 3 * vStride] = e31 - e33;
  }
}

/** Y = A^T M A for one tile and every output channel; writes the rows/cols of the 2x2 that exist. */
export function outputTile(
  m: Float32Array, mAt: number, mStride: number, F: number,
  y: Float32Array, yAt: number, yRowStride: number, rows: number, cols: number,
): void {
  const s = mStride;
  for (let f = 0; f < F; f++) {
    const p = mAt + f;
    const m00 = m[p], m01 = m[p + s], m02 = m[p + 2 * s], m03 = m[p + 3 * s];
    const m10 = m[p + 4 * s], m11 = m[p + 5 * s], m12 = m[p + 6 * s], m13 = m[p + 7 * s];
    const m20 = m[p + 8 * s], m21 = m[p + 9 * s], m22 = m[p + 10 * s], m23 = m[p + 11 * s];
    const m30 = m[p + 12 * s], m31 = m[p + 13 * s], m32 = m[p + 14 * s], m33 = m[p + 15 * s];
    // A^T M: rows (m0+m1+m2, m1-m2-m3); then the same across columns.
    const a0 = m00 + m10 + m20, a1 = m01 + m11 + m21, a2 = m02 + m12 + m22, a3 = m03 + m13 + m23;
    const b0 = m10 - m20 - m30, b1 = m11 - m21 - m31, b2 = m12 - m22 - m32, b3 = m13 - m23 - m33;
    const q = yAt + f;
    y[q] = a0 + a1 + a2;
    if (cols > 1) y[q + F] = a1 - a2 - a3;
    if (rows > 1) {
      y[q + yRowStride] = b0 + b1 + b2;
      if (cols > 1) y[q + yRowStride + F] = b1 - b2 - b3;
    }
  }
}

/**
 * dM = A dY A^T for one tile and every channel: the 2x2 output gradient
 * (rows/cols past the output edge read as 0) spread to the 16 positions,
 * dM_xi landing at dm[xi*mStride + mAt + f].
 */
export function outputGradTile(
  dy: Float32Array, yAt: number, yRowStride: number, F: number, rows: number, cols: number,
  dm: Float32Array, mAt: number, mStride: number,
): void {
  const s = mStride;
  for (let f = 0; f < F; f++) {
    const q = yAt + f;
    const y00 = dy[q];
    const y01 = cols > 1 ? dy[q + F] : 0;
    const y10 = rows > 1 ? dy[q + yRowStride] : 0;
    const y11 = rows > 1 && cols > 1 ? dy[q + yRowStride + F] : 0;
    // A dY: rows (y0, y0+y1, y0-y1, -y1); then the same across columns.
    const p0 = y00, q0 = y01;
    const p1 = y00 + y10, q1 = y01 + y11;
    const p2 = y00 - y10, q2 = y01 - y11;
    const p3 = -y10, q3 = -y11;
    let o = mAt + f;
    dm[o] = p0; dm[o + s] = p0 + q0; dm[o + 2 * s] = p0 - q0; dm[o + 3 * s] = -q0;
    o += 4 * s;
    dm[o] = p1; dm[o + s] = p1 + q1; dm[o + 2 * s] = p1 - q1; dm[o + 3 * s] = -q1;
    o += 4 * s;
    dm[o] = p2; dm[o + s] = p2 + q2; dm[o + 2 * s] = p2 - q2; dm[o + 3 * s] = -q2;
    o += 4 * s;
    dm[o] = p3; dm[o + s] = p3 + q3; dm[o + 2 * s] = p3 - q3; dm[o + 3 * s] = -q3;
  }
}

/** dW = G^T dU G for every (c, f): dU is [16][C][F], dw the HWIO filter gradient [3, 3, C, F]. */
export function winogradFilterGradTransform(du: Float32Array, C: number, F: number, dw: Float32Array): void {
  const CF = C * F;
  const t = new Float64Array(12);
  for (let cf = 0; cf < CF; cf++) {
    // t = G^T dU (3x4), column by column: G^T rows are (1, 1/2, 1/2, 0), (0, 1/2, -1/2, 0), (0, 1/2, 1/2, 1).
    for (let j = 0; j < 4; j++) {
      const u0 = du[j * CF + cf], u1 = du[(4 + j) * CF + cf], u2 = du[(8 + j) * CF + cf], u3 = du[(12 + j) * CF + cf];
      t[j] = u0 + 0.5 * (u1 + u2);
      t[4 + j] = 0.5 * (u1 - u2);
      t[8 + j] = 0.5 * (u1 + u2) + u3;
    }
    // dW = t G (3x3), row by row.
    for (let r = 0; r < 3; r++) {
      const a0 = t[r * 4], a1 = t[r * 4 + 1], a2 = t[r * 4 + 2], a3 = t[r * 4 + 3];
      dw[(r * 3) * CF + cf] = a0 + 0.5 * (a1 + a2);
      dw[(r * 3 + 1) * CF + cf] = 0.5 * (a1 - a2);
      dw[(r * 3 + 2) * CF + cf] = 0.5 * (a1 + a2) + a3;
    }
  }
}
