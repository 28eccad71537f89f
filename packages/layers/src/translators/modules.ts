import { InvalidArgumentError } from '@batchwise/core';
import type { Layer } from '../engine/layer.js';
import type { SymbolicTensor } from '../engine/symbolic-tensor.js';
import type { LayersModel } from '../models/layers-model.js';
import type { StateDict, StateTensor } from './npz.js';

/*
 * Pairs a state dict's modules with a model's layers. A state dict names
 * parameters `<module>.<param>` in module order (PyTorch's state_dict, or the
 * initializers of an ONNX file exported from it); batchwise pairs the k-th
 * module holding parameters with the k-th layer holding weights, and checks
 * that their kinds and shapes agree, so a mismatch is an error naming both.
 */

export type ModuleKind = 'linear' | 'conv' | 'batchnorm';

export interface SourceModule {
  name: string;
  kind: ModuleKind;
  params: Map<string, StateTensor>;
}

export interface TargetLayer {
  layer: Layer;
  kind: ModuleKind;
  /** For a Dense fed by a Flatten of feature maps: their [H, W, C]. */
  flattenFrom: number[] | null;
  /** Values per feature and sample at a BatchNormalization's input (H*W after a conv, 1 after a Dense). */
  positions: number;
}

const KIND_OF_CLASS: Record<string, ModuleKind> = { Dense: 'linear', Conv2D: 'conv', BatchNormalization: 'batchnorm' };
/** Layers that pass a Flatten's output on unchanged in shape. */
const SHAPE_KEEPING = new Set(['Dropout', 'Activation', 'BatchNormalization']);

/** Modules in order of first appearance; kind from their parameters. */
export function groupModules(fn: string, dict: StateDict): SourceModule[] {
  const modules = new Map<string, Map<string, StateTensor>>();
  for (const [key, t] of dict) {
    const dot = key.lastIndexOf('.');
    const [module, param] = dot < 0 ? ['', key] : [key.slice(0, dot), key.slice(dot + 1)];
    if (!modules.has(module)) modules.set(module, new Map());
    modules.get(module)!.set(param, t);
  }
  return [...modules].map(([name, params]) => {
    const weight = params.get('weight');
    let kind: ModuleKind;
    if (params.has('running_mean')) kind = 'batchnorm';
    else if (weight?.shape.length === 4) kind = 'conv';
    else if (weight?.shape.length === 2) kind = 'linear';
    else throw new InvalidArgumentError(`${fn}: module '${name}' must be a Linear, Conv2d or BatchNorm (weight of rank 2 or 4, or running_mean), received parameters ${[...params].map(([p, t]) => `${p} [${t.shape.join(',')}]`).join(', ')}.`);
    return { name, kind, params };
  });
}

/** The model's layers that hold weights, in order, with what translation needs to know of their inputs. */
export function targetLayers(fn: string, model: LayersModel): TargetLayer[] {
  const producedBy = new Map<Layer, SymbolicTensor>();
  const visit = (t: SymbolicTensor) => {
    if (producedBy.has(t.sourceLayer)) return;
    producedBy.set(t.sourceLayer, t);
    t.inputs.forEach(visit);
  };
  model.outputs.forEach(visit);
  return model.layers
    .filter((l) => l.weights.length > 0)
    .map((layer) => {
      const kind = KIND_OF_CLASS[layer.className];
      if (!kind) throw new InvalidArgumentError(`${fn}: every layer with weights must be Dense, Conv2D or BatchNormalization, received ${layer.label}.`);
      const input = producedBy.get(layer)?.inputs[0];
      return { layer, kind, flattenFrom: kind === 'linear' && input ? flattenSource(input) : null, positions: positionsOf(input) };
    });
}

function flattenSource(input: SymbolicTensor): number[] | null {
  let t = input;
  while (SHAPE_KEEPING.has(t.sourceLayer.className) && t.inputs.length === 1) t = t.inputs[0];
  if (t.sourceLayer.className !== 'Flatten') return null;
  const shape = t.inputs[0].shape;
  return shape.length === 4 ? (shape.slice(1) as number[]) : null;
}

function positionsOf(input: SymbolicTensor | undefined): number {
  if (!input) return 1;
  return input.shape.slice(1, -1).reduce<number>((n, d) => n * (d ?? 1), 1);
}

/** Pairs modules and layers one to one, or says where the sequences part. */
export function pairModules(fn: string, modules: SourceModule[], targets: TargetLayer[]): [SourceModule, TargetLayer][] {
  const describe = () =>
    `state dict modules: ${modules.map((m) => `${m.name} (${m.kind})`).join(', ')}; model layers: ${targets.map((t) => `${t.layer.name} (${t.kind})`).join(', ')}`;
  if (modules.length !== targets.length) {
    throw new InvalidArgumentError(`${fn}: the state dict must have one module per layer with weights (${targets.length}), received ${modules.length}; ${describe()}.`);
  }
  return modules.map((m, i) => {
    if (m.kind !== targets[i].kind) {
      throw new InvalidArgumentError(`${fn}: module ${i} '${m.name}' must be a ${targets[i].kind} for layer '${targets[i].layer.name}', received a ${m.kind}; ${describe()}.`);
    }
    return [m, targets[i]];
  });
}
