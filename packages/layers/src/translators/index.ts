import { InvalidArgumentError, assertOneOf } from '@batchwise/core';
import type { LayersModel } from '../models/layers-model.js';
import { CONVENTIONS, CONVENTION_NAMES, momentumFromOurs, momentumToOurs, varianceToBiasedFactor, type Convention, type ConventionInfo } from './conventions.js';
import { readNpy, readNpz, writeNpz, NPZ_MAX_BYTES, type ReadNpzOptions, type StateDict, type StateTensor } from './npz.js';
import { exportStateDict, loadStateDict, type ExportStateDictOptions, type LoadStateDictOptions } from './state-dict.js';

export interface LoadPytorchOptions extends Omit<LoadStateDictOptions, 'convention'>, ReadNpzOptions {
  /** The file format. Only 'npz' (numpy.savez of state_dict tensors) is read. Default 'npz'. */
  format?: 'npz';
}

/**
 * Loads a PyTorch `state_dict` saved with `numpy.savez(path, **{k: v.numpy() for k, v in
 * model.state_dict().items()})` into a model of the same architecture: layouts and batch-norm
 * conventions translated and logged (see conventions.ts). Returns the log lines.
 */
export function loadPytorchStateDict(model: LayersModel, bytes: Uint8Array, options: LoadPytorchOptions = {}): string[] {
  const format = options.format ?? 'npz';
  assertOneOf('loadPytorchStateDict', 'format', format, ['npz'] as const);
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(`loadPytorchStateDict: bytes must be a Uint8Array, received ${typeof bytes}.`);
  return loadStateDict(model, readNpz(bytes, options), { ...options, convention: 'pytorch' });
}

/** Weight translation between batchwise (Keras/TF.js conventions) and PyTorch or ONNX. */
export const translators = {
  loadPytorchStateDict,
  loadStateDict,
  exportStateDict,
  readNpz,
  readNpy,
  writeNpz,
  momentumToOurs,
  momentumFromOurs,
  varianceToBiasedFactor,
  CONVENTIONS,
  CONVENTION_NAMES,
  NPZ_MAX_BYTES,
};

export type { Convention, ConventionInfo, ExportStateDictOptions, LoadStateDictOptions, ReadNpzOptions, StateDict, StateTensor };
