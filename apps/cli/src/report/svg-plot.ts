import { escapeHtml } from './html-escape.js';
import { axisFraction, linearAxis, logAxis, tickLabel, type Axis } from './ticks.js';

/*
 * Line plots as inline SVG, so a report is one self-contained HTML file with
 * no script and no network. Non-finite points (a diverged loss) break the
 * line instead of stretching the axis to infinity; they are counted in the
 * legend so the reader knows the run blew up.
 */

export interface Series {
  name: string;
  /** [x, y] pairs; non-finite y values leave a gap. */
  points: readonly (readonly [number, number])[];
  /** Dashed line, e.g. for the validation curve next to the training one. */
  dashed?: boolean;
  /** Index into the palette; by default the series' position. */
  colorIndex?: number;
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  logX?: boolean;
  logY?: boolean;
  /** Fixed y range, e.g. [0, 1] for accuracy; values outside are clipped to the frame. */
  yRange?: readonly [number, number];
  /** Draw point markers (useful for sweeps with few points). */
  markers?: boolean;
}

export const PLOT_DEFAULTS = { width: 640, height: 360 } as const;

/** Okabe-Ito colours: distinguishable with the common colour-vision deficiencies. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

const MARGIN = { left: 64, right: 170, top: 34, bottom: 48 };

function finitePoints(series: readonly Series[], logX: boolean, logY: boolean): [number, number][] {
  const out: [number, number][] = [];
  for (const s of series) {
    for (const [x, y] of s.points) {
      if (Number.isFinite(x) && Number.isFinite(y) && (!logX || x > 0) && (!logY || y > 0)) out.push([x, y]);
    }
  }
  return out;
}

function makeAxis(values: number[], log: boolean, fixed?: readonly [number, number]): Axis {
  if (fixed) return log ? logAxis(fixed[0], fixed[1]) : linearAxis(fixed[0], fixed[1]);
  if (values.length === 0) return linearAxis(0, 1);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return log ? logAxis(lo, hi) : linearAxis(lo, hi);
}

const n = (v: number) => Number(v.toFixed(2));

// Clip-path ids must be unique within a page that holds several plots.
let plotCounter = 0;

/** An <svg> element with axes, ticks, grid, axis labels, a legend and one polyline per series. */
export function linePlot(series: readonly Series[], options: PlotOptions): string {
  const width = options.width ?? PLOT_DEFAULTS.width;
  const height = options.height ?? PLOT_DEFAULTS.height;
  const logX = options.logX ?? false;
  const logY = options.logY ?? false;
  const pts = finitePoints(series, logX, logY);
  const xAxis = makeAxis(pts.map((p) => p[0]), logX);
  const yAxis = makeAxis(pts.map((p) => p[1]), logY, options.yRange);
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const px = (x: number) => MARGIN.left + axisFraction(xAxis, x) * plotW;
  const py = (y: number) => MARGIN.top + (1 - Math.min(1, Math.max(0, axisFraction(yAxis, y)))) * plotH;

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}" font-family="system-ui, sans-serif" font-size="11">`);
  parts.push(`<title>${escapeHtml(options.title)}</title>`);
  parts.push(`<text x="${width / 2 - MARGIN.right / 2}" y="18" text-anchor="middle" font-size="14" font-weight="600">${escapeHtml(options.title)}</text>`);
  // Grid and ticks.
  for (const t of xAxis.ticks) {
    const x = n(px(t));
    parts.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotH}" stroke="#e5e5e5"/>`);
    parts.push(`<line x1="${x}" y1="${MARGIN.top + plotH}" x2="${x}" y2="${MARGIN.top + plotH + 5}" stroke="#333"/>`);
    parts.push(`<text x="${x}" y="${MARGIN.top + plotH + 17}" text-anchor="middle">${escapeHtml(tickLabel(xAxis, t))}</text>`);
  }
  for (const t of yAxis.ticks) {
    const y = n(py(t));
    parts.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#e5e5e5"/>`);
    parts.push(`<line x1="${MARGIN.left - 5}" y1="${y}" x2="${MARGIN.left}" y2="${y}" stroke="#333"/>`);
    parts.push(`<text x="${MARGIN.left - 8}" y="${y + 4}" text-anchor="end">${escapeHtml(tickLabel(yAxis, t))}</text>`);
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${height - 8}" text-anchor="middle">${escapeHtml(options.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(options.yLabel)}</text>`);

  // Series, clipped to the frame.
  const clipId = `clip${hashString(options.title)}-${plotCounter++}`;
  parts.push(`<clipPath id="${clipId}"><rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}"/></clipPath>`);
  series.forEach((s, i) => {
    const color = PALETTE[(s.colorIndex ?? i) % PALETTE.length];
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    for (const segment of segments(s.points, logX, logY)) {
      const d = segment.map(([x, y]) => `${n(px(x))},${n(py(y))}`).join(' ');
      parts.push(`<polyline clip-path="url(#${clipId})" fill="none" stroke="${color}" stroke-width="2"${dash} points="${d}"/>`);
      if (options.markers || segment.length === 1) {
        for (const [x, y] of segment) parts.push(`<circle cx="${n(px(x))}" cy="${n(py(y))}" r="3" fill="${color}"/>`);
      }
    }
  });

  // Legend to the right of the frame.
  const lx = MARGIN.left + plotW + 14;
  series.forEach((s, i) => {
    const color = PALETTE[(s.colorIndex ?? i) % PALETTE.length];
    const y = MARGIN.top + 10 + i * 18;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    const bad = s.points.filter(([, v]) => !Number.isFinite(v)).length;
    const label = bad > 0 ? `${s.name} (${bad} non-finite)` : s.name;
    parts.push(`<line x1="${lx}" y1="${y}" x2="${lx + 22}" y2="${y}" stroke="${color}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${lx + 28}" y="${y + 4}">${escapeHtml(label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Runs of consecutive plottable points. */
function segments(points: Series['points'], logX: boolean, logY: boolean): [number, number][][] {
  const out: [number, number][][] = [];
  let current: [number, number][] = [];
  for (const [x, y] of points) {
    const ok = Number.isFinite(x) && Number.isFinite(y) && (!logX || x > 0) && (!logY || y > 0);
    if (ok) current.push([x, y]);
    else if (current.length > 0) {
      out.push(current);
      current = [];
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** A short readable prefix for clip-path ids. */
function hashString(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}
