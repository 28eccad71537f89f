/*
 * Axis ticks. Linear axes use "nice" steps of 1, 2 or 5 times a power of
 * ten (Heckbert, "Nice numbers for graph labels", Graphics Gems 1990), so
 * labels read 0, 0.2, 0.4 instead of 0, 0.1873, 0.3746. Log axes put a tick
 * at every power of ten in range.
 */

export interface Axis {
  min: number;
  max: number;
  ticks: number[];
  log: boolean;
}

function niceStep(span: number, targetTicks: number): number {
  const raw = span / Math.max(1, targetTicks);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * magnitude;
}

/** A linear axis covering [lo, hi], widened to whole steps. */
export function linearAxis(lo: number, hi: number, targetTicks = 5): Axis {
  if (!(hi > lo)) {
    // A flat series still needs a visible band around its one value.
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, targetTicks);
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  // Index-based loop: adding `step` repeatedly would drift (0.30000000000000004).
  for (let i = 0; min + i * step <= max + step * 1e-9; i++) ticks.push(Number((min + i * step).toPrecision(12)));
  return { min, max, ticks, log: false };
}

/** A base-10 log axis; lo and hi must be positive. */
export function logAxis(lo: number, hi: number): Axis {
  let a = Math.floor(Math.log10(lo));
  let b = Math.ceil(Math.log10(hi));
  if (a === b) {
    a -= 1;
    b += 1;
  }
  const ticks: number[] = [];
  for (let e = a; e <= b; e++) ticks.push(10 ** e);
  return { min: 10 ** a, max: 10 ** b, ticks, log: true };
}

/** Where v falls on the axis, 0 at min and 1 at max. */
export function axisFraction(axis: Axis, v: number): number {
  if (axis.log) return (Math.log10(v) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min));
  return (v - axis.min) / (axis.max - axis.min);
}

/** A short tick label: 1e-3 style on log axes, trimmed decimals on linear ones. */
export function tickLabel(axis: Axis, v: number): string {
  if (axis.log) {
    const e = Math.round(Math.log10(v));
    return e >= -2 && e <= 3 ? String(Number(v.toPrecision(1))) : `1e${e}`;
  }
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e5 || abs < 1e-3)) return v.toExponential(1);
  return String(Number(v.toPrecision(6)));
}
