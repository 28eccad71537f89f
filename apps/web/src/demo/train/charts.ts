import { parse, View, changeset } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { VARIANT_LABEL, VARIANTS, type Variant } from '../../shared/networks.js';

/*
 * The training charts, in Vega-Lite (the chart language of batchwise's
 * experiment reports), rendered as SVG by Vega and fed row by row. Both
 * networks are told apart without colour: solid line without BN, dashed
 * with BN, and the unit's input is drawn in one panel per network, on a
 * shared y range.
 */

export interface ChartRow {
  step: number;
  network: string;
  loss: number;
  accuracy: number;
  p15: number;
  p50: number;
  p85: number;
}

const NETWORKS = VARIANTS.map((v) => VARIANT_LABEL[v]);
const DASH = { field: 'network', type: 'nominal', title: null, scale: { domain: NETWORKS, range: [[1, 0], [6, 4]] }, legend: { orient: 'top' } } as const;
const COLOUR = { field: 'network', type: 'nominal', title: null, scale: { domain: NETWORKS, range: ['#1b1b1b', '#0b57d0'] }, legend: { orient: 'top' } } as const;
const BASE = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 'container', height: 170, autosize: { type: 'fit', contains: 'padding' }, data: { name: 'rows' } } as const;

function lineSpec(field: 'loss' | 'accuracy', title: string, description: string): TopLevelSpec {
  return {
    ...BASE,
    description,
    mark: { type: 'line', strokeWidth: 2, clip: true, point: false },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step', axis: { format: 'd' } },
      y: field === 'loss'
        ? { field, type: 'quantitative', title, scale: { type: 'log' } }
        : { field, type: 'quantitative', title, scale: { domain: [0, 1] }, axis: { format: '%' } },
      strokeDash: DASH,
      color: COLOUR,
    },
  } as TopLevelSpec;
}

function unitSpec(network: string, unit: number): TopLevelSpec {
  return {
    ...BASE,
    title: { text: network, anchor: 'start', fontSize: 13 },
    description: `Input of unit ${unit} of the last hidden layer, ${network}: 15th to 85th percentile band and median, over training steps.`,
    params: [{ name: 'ylo', value: -1 }, { name: 'yhi', value: 1 }],
    transform: [{ filter: { field: 'network', equal: network } }],
    encoding: { x: { field: 'step', type: 'quantitative', title: 'step', axis: { format: 'd' } } },
    layer: [
      { mark: { type: 'area', opacity: 0.25, color: '#1b1b1b', clip: true }, encoding: { y: { field: 'p15', type: 'quantitative', title: 'unit input', scale: { domain: { expr: '[ylo, yhi]' } } }, y2: { field: 'p85' } } },
      { mark: { type: 'line', color: '#1b1b1b', strokeWidth: 2, clip: true }, encoding: { y: { field: 'p50', type: 'quantitative' } } },
    ],
  } as TopLevelSpec;
}

async function view(container: HTMLElement, spec: TopLevelSpec): Promise<View> {
  const v = new View(parse(compile(spec).spec), { renderer: 'svg', container, hover: false });
  await v.runAsync();
  return v;
}

export interface Charts {
  add(rows: ChartRow[]): Promise<void>;
  clear(): Promise<void>;
}

export async function createCharts(loss: HTMLElement, accuracy: HTMLElement, unitBox: HTMLElement, unit: number): Promise<Charts> {
  const panels = VARIANTS.map((v: Variant) => {
    const div = document.createElement('div');
    div.className = 'chart';
    unitBox.append(div);
    return unitSpec(VARIANT_LABEL[v], unit);
  }).map((spec, i) => view(unitBox.children[i] as HTMLElement, spec));
  const views = await Promise.all([view(loss, lineSpec('loss', 'training loss', 'Training loss per step, without and with BN.')), view(accuracy, lineSpec('accuracy', 'test accuracy', 'Test accuracy, without and with BN.')), ...panels]);
  let low = Infinity;
  let high = -Infinity;
  return {
    async add(rows) {
      for (const r of rows) {
        for (const p of [r.p15, r.p85]) {
          if (Number.isFinite(p)) {
            low = Math.min(low, p);
            high = Math.max(high, p);
          }
        }
      }
      for (const v of views) v.change('rows', changeset().insert(rows.map((r) => ({ ...r }))));
      if (low <= high) for (const v of views.slice(2)) v.signal('ylo', low).signal('yhi', high === low ? low + 1 : high);
      await Promise.all(views.map((v) => v.runAsync()));
    },
    async clear() {
      low = Infinity;
      high = -Infinity;
      for (const v of views) v.change('rows', changeset().remove(() => true));
      await Promise.all(views.map((v) => v.runAsync()));
    },
  };
}
