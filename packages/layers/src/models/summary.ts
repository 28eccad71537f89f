import type { Layer } from '../engine/layer.js';
import { formatSymbolicShape } from '../engine/symbolic-tensor.js';
import type { Graph } from '../engine/topology.js';
import { warn } from '../engine/warnings.js';

export interface SummaryOptions {
  lineLength?: number;
  /** Column ends as fractions of lineLength (or absolute positions), as tfjs. */
  positions?: number[];
  printFn: (line: string) => void;
}

interface ModelLike {
  name: string;
  className: string;
  layers: Layer[];
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** Cells padded or cut to the column ends. */
function row(cells: string[], ends: number[]): string {
  let line = '';
  cells.forEach((cell, i) => {
    line += cell;
    line = line.slice(0, ends[i]).padEnd(ends[i]);
  });
  return line.trimEnd();
}

/**
 * Dense/Conv2D with a bias and no activation feeding straight into
 * BatchNormalization: the batch mean subtraction cancels that bias, so it is
 * a wasted parameter (Ioffe & Szegedy 2015, section 3.2). With an activation
 * in between the bias is not redundant and nothing is reported.
 */
export function redundantBiasWarnings(graph: Graph): string[] {
  const found: string[] = [];
  for (const t of graph.order) {
    if (t.sourceLayer.className !== 'BatchNormalization') continue;
    const prev = t.inputs[0]?.sourceLayer as (Layer & { useBias?: boolean; activation?: string }) | undefined;
    if (prev && (prev.className === 'Dense' || prev.className === 'Conv2D') && prev.useBias && prev.activation === 'linear') {
      found.push(
        `Warning: ${prev.name} (${prev.className}) has a bias and feeds straight into ${t.sourceLayer.name} (BatchNormalization), ` +
          'whose mean subtraction cancels it; pass useBias: false (beta plays its role).',
      );
    }
  }
  return found;
}

/** Keras-style summary: layer (type), output shape, params (and connections for graphs), then counts. */
export function modelSummary(model: ModelLike, graph: Graph, options: SummaryOptions): string {
  const sequential = model.className === 'Sequential';
  const header = sequential ? ['Layer (type)', 'Output Shape', 'Param #'] : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  const shown = graph.order.filter((t) => !sequential || t.inputs.length > 0);
  const rows: string[][] = [];
  shown.forEach((t) => {
    const layer = t.sourceLayer;
    const inbound = t.inputs.map((p) => `${p.sourceLayer.name}[${p.nodeIndex}][0]`);
    const cells = [`${layer.name} (${layer.className})`, formatSymbolicShape(t.shape), fmt(t.nodeIndex === 0 ? layer.countParams() : 0)];
    if (!sequential) cells.push(inbound[0] ?? '');
    rows.push(cells);
    for (const extra of inbound.slice(1)) rows.push(['', '', '', extra]);
  });
  // Columns fit their content unless lineLength/positions say otherwise (tfjs names are long).
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)) + 3);
  const natural = widths.reduce((a, b) => a + b, 0);
  const width = options.lineLength ?? natural;
  const ends = options.positions
    ? options.positions.map((p) => (p <= 1 ? Math.floor(p * width) : p))
    : widths.map((_, i) => Math.round((widths.slice(0, i + 1).reduce((a, b) => a + b, 0) * width) / natural));
  const lines = [`Model: "${model.name}"`, '_'.repeat(width), row(header, ends), '='.repeat(width)];
  rows.forEach((cells, i) => {
    lines.push(row(cells, ends));
    const nextIsContinuation = rows[i + 1]?.[0] === '';
    if (i < rows.length - 1 && !nextIsContinuation) lines.push(sequential ? '' : '_'.repeat(width));
  });
  const total = model.layers.reduce((n, l) => n + l.countParams(), 0);
  const trainable = model.layers.reduce((n, l) => n + l.trainableWeights.reduce((m, w) => m + w.value.size, 0), 0);
  lines.push('='.repeat(width), `Total params: ${fmt(total)}`, `Trainable params: ${fmt(trainable)}`, `Non-trainable params: ${fmt(total - trainable)}`, '_'.repeat(width));
  const warnings = redundantBiasWarnings(graph);
  lines.push(...warnings);
  const text = lines.join('\n');
  for (const line of text.split('\n')) options.printFn(line);
  for (const w of warnings) warn(w);
  return text;
}
