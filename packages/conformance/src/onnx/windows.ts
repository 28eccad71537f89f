import { refAxis } from '../references/index.js';

/*
 * Whether an ONNX window (explicit pads or auto_pad, floor or ceil output
 * size) can be expressed with batchwise's 'valid' or TF 'same' padding.
 * ONNX pads are [begin_1, begin_2, end_1, end_2]. SAME_UPPER is TF/Keras
 * 'same'; SAME_LOWER puts the odd padding element first, which 'same' does
 * not, so it is only expressible when the total padding is even.
 */

export interface OnnxWindowAttrs {
  kernel: number[];
  strides: number[];
  dilations: number[];
  pads: number[];
  autoPad: string;
  ceilMode: boolean;
}

/** Per output position along one axis: the first tap's input index (may be negative in the padding). */
function onnxStarts(size: number, a: OnnxWindowAttrs, axis: number): number[] {
  const k = a.kernel[axis];
  const s = a.strides[axis];
  const d = a.dilations[axis];
  const span = d * (k - 1) + 1;
  const rank = a.kernel.length;
  let before = a.pads[axis] ?? 0;
  let after = a.pads[axis + rank] ?? 0;
  if (a.autoPad === 'SAME_UPPER' || a.autoPad === 'SAME_LOWER') {
    const out = Math.ceil(size / s);
    const total = Math.max(0, (out - 1) * s + span - size);
    before = a.autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
    after = total - before;
  } else if (a.autoPad === 'VALID') {
    before = 0;
    after = 0;
  }
  const padded = size + before + after - span;
  let out = (a.ceilMode ? Math.ceil(padded / s) : Math.floor(padded / s)) + 1;
  // ONNX (like PyTorch) drops a ceil-mode window that would start in the end padding.
  if (a.ceilMode && (out - 1) * s >= size + before) out--;
  return Array.from({ length: out }, (_, i) => i * s - before);
}

function ourStarts(size: number, a: OnnxWindowAttrs, axis: number, padding: 'same' | 'valid'): number[] {
  const r = refAxis(size, a.kernel[axis], a.strides[axis], a.dilations[axis], padding);
  return Array.from({ length: Math.max(r.out, 0) }, (_, i) => i * a.strides[axis] - r.before);
}

const sameList = (p: number[], q: number[]) => p.length === q.length && p.every((v, i) => v === q[i]);

/**
 * The padding mode that visits exactly ONNX's windows (same count, same first
 * tap) along every spatial axis, or null. Identical starts mean identical taps,
 * which is what a zero-padded conv needs; a max pool, whose padding never wins,
 * would also accept windows that agree only on their real elements, but no
 * vector here needs that.
 */
export function matchPadding(spatial: number[], a: OnnxWindowAttrs): 'same' | 'valid' | null {
  for (const mode of ['valid', 'same'] as const) {
    if (spatial.every((size, axis) => sameList(onnxStarts(size, a, axis), ourStarts(size, a, axis, mode)))) return mode;
  }
  return null;
}

/** Describes ONNX's windows along each axis for skip messages. */
export function describeWindows(spatial: number[], a: OnnxWindowAttrs): string {
  return spatial
    .map((size, axis) => `axis ${axis}: ONNX starts [${onnxStarts(size, a, axis).join(',')}], 'same' [${ourStarts(size, a, axis, 'same').join(',')}], 'valid' [${ourStarts(size, a, axis, 'valid').join(',')}]`)
    .join('; ');
}
