import type { TopLevelSpec } from 'vega-lite';
import type { ColumnInfo, ModelFigure } from '../models/render.js';
import type { ModelCase } from '../models/specs.js';
import type { Chart } from '../run/context.js';
import type { Derived } from './derive.js';

/*
 * The report's charts as vega-lite specs built from a part's figures. They
 * are data only: ./svg.ts compiles them to SVG (vega-lite, then vega's
 * headless renderer) when the report is written.
 */

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 420;

function chart(id: string, title: string, spec: TopLevelSpec): Chart {
  // Long labels (contender and kernel names) are shown whole, not cut at vega's default 160 px.
  return { id, title, spec: { ...spec, $schema: SCHEMA, title, config: { legend: { labelLimit: 320 }, axis: { labelLimit: 320 } } } };
}

/** native (all threads, and 1 thread against onnxruntime 1t) over each peer, per kernel, log scale. */
export function kernelCharts(derived: readonly Derived[]): Chart[] {
  const peers: [keyof Derived, string][] = [
    ['vsCpu', 'batchwise cpu'],
    ['vsTfjsWasm', 'tfjs-wasm'],
    ['vsTfjsCpu', 'tfjs-cpu'],
    ['vsOrt1', 'onnxruntime 1t (native 1t)'],
    ['vsOrt2', 'onnxruntime 2t (native 2t)'],
  ];
  const values = derived.flatMap((d) =>
    peers.flatMap(([key, peer]) => {
      const v = d[key];
      return typeof v === 'number' ? [{ kernel: d.kernel.label, peer, speedup: v }] : [];
    }),
  );
  return [
    chart('kernels-speedup', 'Kernels: how many times faster batchwise native is than each peer (log scale; left of 1x: slower)', {
      width: WIDTH,
      layer: [
        {
          data: { values },
          mark: { type: 'point', filled: true, size: 70, tooltip: true },
          encoding: {
            y: { field: 'kernel', type: 'nominal', title: null, sort: null },
            x: { field: 'speedup', type: 'quantitative', scale: { type: 'log' }, title: 'peer time / native time' },
            color: { field: 'peer', type: 'nominal', title: 'peer', scale: { domain: peers.map(([, p]) => p) } },
            shape: { field: 'peer', type: 'nominal', scale: { domain: peers.map(([, p]) => p) } },
          },
        },
        { data: { values: [{ x: 1 }] }, mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { x: { field: 'x', type: 'quantitative' } } },
      ],
    }),
  ];
}

/** Training images/s per contender, and predict images/s against the batch size. */
export function modelCharts(cases: readonly ModelCase[], columns: readonly ColumnInfo[], figures: readonly ModelFigure[]): Chart[] {
  const label = new Map(columns.map((c) => [c.id, c.label]));
  const byCase = new Map(cases.map((c) => [c.id, c]));
  const rows = figures.map((f) => {
    const c = byCase.get(f.case)!;
    return { model: c.spec.label, mode: c.mode, batch: c.batch, contender: label.get(f.contender) ?? f.contender, imagesPerSecond: f.imagesPerSecond, peakShare: f.peakShare ?? null };
  });
  const order = columns.map((c) => c.label);
  return [
    chart('models-train', 'Training step (trainOnBatch): images per second', {
      data: { values: rows.filter((r) => r.mode === 'train') },
      facet: { row: { field: 'model', type: 'nominal', title: null } },
      spec: {
        width: WIDTH,
        mark: { type: 'bar', tooltip: true },
        encoding: {
          y: { field: 'contender', type: 'nominal', sort: order, title: null },
          x: { field: 'imagesPerSecond', type: 'quantitative', title: 'images/s' },
          color: { field: 'contender', type: 'nominal', scale: { domain: order }, legend: null },
        },
      },
      resolve: { scale: { x: 'independent' } },
    }),
    chart('models-predict', 'Predict: images per second against batch size (log-log)', {
      data: { values: rows.filter((r) => r.mode === 'predict') },
      facet: { column: { field: 'model', type: 'nominal', title: null } },
      spec: {
        width: 260,
        height: 220,
        mark: { type: 'line', point: true, tooltip: true },
        encoding: {
          x: { field: 'batch', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'batch size' },
          y: { field: 'imagesPerSecond', type: 'quantitative', scale: { type: 'log' }, title: 'images/s' },
          color: { field: 'contender', type: 'nominal', scale: { domain: order }, title: null },
        },
      },
    }),
  ];
}

export interface AccuracyPoint {
  contender: string;
  seconds: number;
  accuracy: number;
}

/** Test accuracy against training seconds, with the target as a rule. */
export function accuracyChart(points: readonly AccuracyPoint[], target: number): Chart {
  return chart('time-to-accuracy', `Time to ${Math.round(target * 100)} % test accuracy: cnn-bn on Fashion-MNIST`, {
    width: WIDTH,
    height: 260,
    layer: [
      {
        data: { values: [...points] },
        mark: { type: 'line', point: true, tooltip: true },
        encoding: {
          x: { field: 'seconds', type: 'quantitative', title: 'training seconds (evaluation not counted)' },
          y: { field: 'accuracy', type: 'quantitative', scale: { zero: false }, axis: { format: '%' }, title: 'test accuracy' },
          color: { field: 'contender', type: 'nominal', title: null },
        },
      },
      { data: { values: [{ target }] }, mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { field: 'target', type: 'quantitative' } } },
    ],
  });
}

export interface ScalingPoint {
  kernel: string;
  sweep: string;
  threads: string;
  work: number;
  ms: number;
}

/** Time against work, log-log, per kernel and sweep (batch size, image size), one line per thread count. */
export function scalingChart(points: readonly ScalingPoint[]): Chart {
  return chart('scaling', 'Scaling: median time against work (log-log)', {
    data: { values: [...points] },
    facet: { row: { field: 'kernel', type: 'nominal', title: null }, column: { field: 'sweep', type: 'nominal', title: null } },
    spec: {
      width: 240,
      height: 180,
      mark: { type: 'line', point: true, tooltip: true },
      encoding: {
        x: { field: 'work', type: 'quantitative', scale: { type: 'log' }, title: 'work (FLOPs or elements)' },
        y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms' },
        color: { field: 'threads', type: 'nominal', title: null },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  });
}
