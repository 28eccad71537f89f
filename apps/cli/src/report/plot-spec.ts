/*
 * Plots as Vega-Lite specs (Satyanarayan et al. 2017): the report renders
 * each to SVG in Node (render-plot.ts) and keeps the spec beside it, so the
 * same plot can be opened interactively in any Vega-Lite viewer. The rules
 * every plot follows:
 * - the axes fit the data: no fixed range clips or pins a value to the frame;
 * - a non-finite value (a diverged loss) breaks its line and is marked with
 *   a cross on the bottom edge, and the legend counts such points;
 * - legends are never truncated (labelLimit 0);
 * - panels that are compared share their axes (panelGrid).
 */

/** One point; lower/upper draw a confidence band around y. */
export interface PlotPoint {
  x: number;
  y: number;
  lower?: number;
  upper?: number;
}

export interface PlotSeries {
  name: string;
  points: readonly PlotPoint[];
  dashed?: boolean;
  /** Index into the palette; by default the series' position. */
  colorIndex?: number;
  /** Markers at this series' points; by default ChartOptions.markers. */
  markers?: boolean;
  /** Line width in pixels; default 2 (a thin 1 suits a noisy per-batch curve). */
  strokeWidth?: number;
}

export interface AxisOptions {
  title: string;
  /** Log scale (base 10); points with a value <= 0 leave it. */
  log?: boolean;
  /** Show the value as a percentage (the data stays a fraction). */
  percent?: boolean;
  /** Include zero in the range; default false, so curves use the height. */
  zero?: boolean;
}

export interface ChartOptions {
  title: string;
  subtitle?: string;
  x: AxisOptions;
  y: AxisOptions;
  width?: number;
  height?: number;
  /** Draw a marker at every point (sweeps with few points). */
  markers?: boolean;
  /**
   * A panel of a panelGrid: the legend shows the bare series names, so the
   * panels share one legend and one colour per series, and the count of
   * undrawable points moves to the panel's subtitle.
   */
  panel?: boolean;
}

/** A plot: its title and its Vega-Lite spec (plain JSON). */
export interface PlotSpec {
  title: string;
  spec: Record<string, unknown>;
}

export const PLOT_DEFAULTS = { width: 520, height: 300, panelWidth: 300, panelHeight: 220 } as const;

/** Okabe-Ito colours: distinguishable with the common colour-vision deficiencies. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const DASH = [6, 4];

interface Row {
  series: string;
  marked: boolean;
  x: number;
  y: number | null;
  lower: number | null;
  upper: number | null;
  /** 'NaN', 'Infinity', '-Infinity', or '<= 0 on a log axis' for a point that cannot be drawn. */
  missing: string | null;
}

function plottable(v: number | undefined, log: boolean | undefined): v is number {
  return v !== undefined && Number.isFinite(v) && (!log || v > 0);
}

function rowsOf(s: PlotSeries, o: ChartOptions, label: string): Row[] {
  const rows: Row[] = [];
  for (const p of s.points) {
    // A log x axis has no place for step 0: that point is left out (the caption says where).
    if (!plottable(p.x, o.x.log)) continue;
    const ok = plottable(p.y, o.y.log);
    const band = ok && plottable(p.lower, o.y.log) && plottable(p.upper, o.y.log);
    rows.push({
      series: label,
      marked: s.markers ?? o.markers ?? false,
      x: p.x,
      y: ok ? p.y : null,
      lower: band ? p.lower! : null,
      upper: band ? p.upper! : null,
      missing: ok ? null : Number.isFinite(p.y) ? '<= 0 on a log axis' : String(p.y),
    });
  }
  return rows;
}

function missingCount(s: PlotSeries, o: ChartOptions): number {
  return s.points.filter((p) => plottable(p.x, o.x.log) && !plottable(p.y, o.y.log)).length;
}

/** The legend label: the name, and how many points could not be drawn. */
function labelOf(s: PlotSeries, o: ChartOptions): string {
  const missing = missingCount(s, o);
  return missing === 0 || o.panel ? s.name : `${s.name} (${missing} non-finite, marked ×)`;
}

function subtitleOf(series: readonly PlotSeries[], o: ChartOptions): string | undefined {
  const notes = o.panel ? series.filter((s) => missingCount(s, o) > 0).map((s) => `${s.name}: ${missingCount(s, o)} non-finite (×)`) : [];
  const parts = [o.subtitle, ...notes].filter((t): t is string => t !== undefined && t !== '');
  return parts.length === 0 ? undefined : parts.join('; ');
}

function axisEncoding(field: string, a: AxisOptions, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    field,
    type: 'quantitative',
    title: a.title,
    scale: a.log ? { type: 'log', nice: false } : { zero: a.zero ?? false, nice: true },
    // d3 formats: on a linear axis vega sets the precision from the tick step, which 'f' turns into
    // decimals (1,000 and 0.25) where 'g' would write 1e+3; a log axis formats each tick alone.
    axis: a.percent ? { format: '.0%' } : { format: a.log ? ',~g' : ',~f' },
    ...extra,
  };
}

/** A line chart (one layer spec): bands, lines, optional markers, and crosses for undrawable points. */
export function lineChart(series: readonly PlotSeries[], o: ChartOptions): PlotSpec {
  const labels = series.map((s) => labelOf(s, o));
  const rows = series.flatMap((s, i) => rowsOf(s, o, labels[i]));
  const colors = series.map((s, i) => PALETTE[(s.colorIndex ?? i) % PALETTE.length]);
  // The legend draws each series' line (full opacity, its dash), not the faint band.
  const legend = { title: null, labelLimit: 0, symbolType: 'stroke', symbolStrokeWidth: 2, symbolOpacity: 1, symbolSize: 300 };
  const color = { field: 'series', type: 'nominal', scale: { domain: labels, range: colors }, legend };
  const strokeDash = { field: 'series', type: 'nominal', scale: { domain: labels, range: series.map((s) => (s.dashed ? DASH : [1, 0])) }, legend };
  const widths = series.map((s) => s.strokeWidth ?? 2);
  // Encoded only when the widths differ (vega's ordinal width scale of one value draws NaN).
  const strokeWidth = widths.every((w) => w === widths[0]) ? { value: widths[0] } : { field: 'series', type: 'ordinal', sort: labels, scale: { domain: labels, range: widths }, legend };
  const x = axisEncoding('x', o.x);
  const layers: Record<string, unknown>[] = [];
  if (rows.some((r) => r.lower !== null)) {
    layers.push({
      mark: { type: 'area', opacity: 0.2, invalid: 'break-paths-filter-domains' },
      encoding: { x, y: axisEncoding('lower', o.y), y2: { field: 'upper' }, color },
    });
  }
  layers.push({
    mark: { type: 'line', invalid: 'break-paths-filter-domains' },
    encoding: { x, y: axisEncoding('y', o.y), color, strokeDash, strokeWidth },
  });
  if (rows.some((r) => r.marked && r.y !== null)) {
    layers.push({
      transform: [{ filter: 'datum.marked && datum.y !== null' }],
      mark: { type: 'point', filled: true, size: 36 },
      encoding: { x, y: axisEncoding('y', o.y), color },
    });
  }
  if (rows.some((r) => r.missing !== null)) {
    layers.push({
      transform: [{ filter: 'datum.missing !== null' }],
      mark: { type: 'point', shape: 'cross', angle: 45, filled: true, size: 90 },
      encoding: {
        x,
        y: { value: 'height' },
        color,
        tooltip: [{ field: 'series' }, { field: 'x', title: o.x.title }, { field: 'missing', title: 'value' }],
      },
    });
  }
  const subtitle = subtitleOf(series, o);
  return {
    title: o.title,
    spec: {
      title: subtitle ? { text: o.title, subtitle } : o.title,
      width: o.width ?? PLOT_DEFAULTS.width,
      height: o.height ?? PLOT_DEFAULTS.height,
      data: { values: rows },
      layer: layers,
    },
  };
}

export interface GridOptions {
  title: string;
  /** Panels per row. */
  columns: number;
  /** Axes the panels share (the compared quantities); default both. */
  shared?: readonly ('x' | 'y')[];
}

/** Panels side by side, compared on shared axes with one legend. */
export function panelGrid(panels: readonly PlotSpec[], o: GridOptions): PlotSpec {
  const shared = o.shared ?? ['x', 'y'];
  return {
    title: o.title,
    spec: {
      title: o.title,
      columns: o.columns,
      concat: panels.map((p) => p.spec),
      resolve: { scale: { x: shared.includes('x') ? 'shared' : 'independent', y: shared.includes('y') ? 'shared' : 'independent' } },
    },
  };
}

/** The spec as a standalone Vega-Lite document. */
export function topLevel(plot: PlotSpec): Record<string, unknown> {
  // Legends go below the plot, one entry per line: vega estimates text widths without a canvas
  // (generously), and a legend on the right would widen the figure by its estimate.
  return { $schema: SCHEMA, ...plot.spec, config: { font: 'sans-serif', legend: { orient: 'bottom', direction: 'vertical' }, view: { stroke: '#888' } } };
}
