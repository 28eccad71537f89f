import { Tensor } from '@batchwise/core';
import { loadLayersModel, type LayersModel } from '@batchwise/layers';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError, describeFileError, oneLine } from '../cli/errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../report/atomic-write.js';
import type { OptimizerState } from './optimizers.js';
import type { EpochRecord, LoopPosition } from './train-loop.js';

/*
 * A checkpoint is a directory `<run>/checkpoint/`: the model in TensorFlow.js
 * format (model.json + weights), optimizer.bin (the optimizer's slots,
 * float32, little-endian) and state.json (run settings, loop position,
 * history, optimizer manifest). It is written into `checkpoint.tmp/` and
 * swapped in with renames, so an interrupted save leaves the previous
 * checkpoint (`checkpoint/` or, mid-swap, `checkpoint.old/`) intact.
 */

export const CHECKPOINT_FORMAT = 'batchwise-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface RunSettings {
  source: { kind: 'preset'; name: string } | { kind: 'topology'; path: string };
  dataset: string;
  limit: number | null;
  validationSplit: number;
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Per-epoch learning-rate multiplier (absent in older checkpoints: 1). */
  lrDecay?: number;
  optimizer: OptimizerState['name'];
}

export interface CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** Why it was written: at the start, after an epoch, or on Ctrl-C. */
  reason: 'start' | 'epoch-end' | 'interrupted';
  savedAt: string;
  settings: RunSettings;
  position: LoopPosition;
  history: EpochRecord[];
  optimizer: {
    name: OptimizerState['name'];
    learningRate: number;
    step: number;
    slots: { weight: string; slot: string; shape: number[]; offset: number }[];
  };
}

export function checkpointDir(runDir: string): string {
  return join(runDir, 'checkpoint');
}

function encodeOptimizer(state: OptimizerState): { manifest: CheckpointState['optimizer']; bytes: Uint8Array } {
  const entries = Object.entries(state.slots).flatMap(([weight, slots]) => Object.entries(slots).map(([slot, t]) => ({ weight, slot, t })));
  const total = entries.reduce((n, e) => n + e.t.size, 0);
  const data = new Float32Array(total);
  let offset = 0;
  const slots = entries.map(({ weight, slot, t }) => {
    data.set(t.data, offset);
    const entry = { weight, slot, shape: [...t.shape], offset };
    offset += t.size;
    return entry;
  });
  return { manifest: { name: state.name, learningRate: state.learningRate, step: state.step, slots }, bytes: new Uint8Array(data.buffer) };
}

export async function saveCheckpoint(
  runDir: string,
  model: LayersModel,
  optimizer: OptimizerState,
  state: Omit<CheckpointState, 'format' | 'version' | 'savedAt' | 'optimizer'>,
): Promise<string> {
  const final = checkpointDir(runDir);
  const temp = `${final}.tmp`;
  const old = `${final}.old`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  await model.save(temp);
  const { manifest, bytes } = encodeOptimizer(optimizer);
  await writeFileAtomic(join(temp, 'optimizer.bin'), bytes);
  const full: CheckpointState = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, savedAt: new Date().toISOString(), ...state, optimizer: manifest };
  await writeJsonAtomic(join(temp, 'state.json'), full);
  await rm(old, { recursive: true, force: true });
  if (existsSync(final)) await rename(final, old);
  await rename(temp, final);
  await rm(old, { recursive: true, force: true });
  return final;
}

export interface LoadedCheckpoint {
  dir: string;
  state: CheckpointState;
  model: LayersModel;
  optimizer: OptimizerState;
}

/** Reads `<runDir>/checkpoint` (or the `.old` copy a crash mid-swap left behind). */
export async function loadCheckpoint(runDir: string): Promise<LoadedCheckpoint> {
  const primary = checkpointDir(runDir);
  const dir = existsSync(join(primary, 'state.json')) ? primary : existsSync(join(`${primary}.old`, 'state.json')) ? `${primary}.old` : null;
  if (!dir) {
    if (!existsSync(runDir)) throw new CliError(describeFileError(runDir, Object.assign(new Error(), { code: 'ENOENT' })));
    throw new CliError(`${runDir}: no checkpoint here (expected ${join(primary, 'state.json')})`);
  }
  let state: CheckpointState;
  let bytes: Buffer;
  try {
    state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as CheckpointState;
    bytes = await readFile(join(dir, 'optimizer.bin'));
  } catch (e) {
    throw new CliError(`${dir}: corrupt checkpoint (${oneLine(e)})`);
  }
  if (state.format !== CHECKPOINT_FORMAT || state.version !== CHECKPOINT_VERSION) {
    throw new CliError(`${dir}: not a ${CHECKPOINT_FORMAT} version ${CHECKPOINT_VERSION} checkpoint`);
  }
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const slots: OptimizerState['slots'] = {};
  for (const s of state.optimizer.slots) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    if (s.offset + size > floats.length) throw new CliError(`${dir}: corrupt checkpoint (optimizer.bin is too short for ${s.weight}/${s.slot})`);
    (slots[s.weight] ??= {})[s.slot] = new Tensor(floats.slice(s.offset, s.offset + size), s.shape);
  }
  let model: LayersModel;
  try {
    model = await loadLayersModel(dir);
  } catch (e) {
    throw new CliError(`${dir}: corrupt checkpoint model (${oneLine(e)})`);
  }
  return {
    dir,
    state,
    model,
    optimizer: { name: state.optimizer.name, learningRate: state.optimizer.learningRate, step: state.optimizer.step, slots },
  };
}
