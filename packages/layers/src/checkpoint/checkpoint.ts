import * as path from 'node:path';
import { InvalidArgumentError, Tensor, describeValue, sizeOf } from '@batchwise/core';
import { readValues } from '../engine/values.js';
import { loadLayersModel } from '../io/index.js';
import type { LayersModel } from '../models/layers-model.js';
import type { FitPosition } from '../models/fit-position.js';
import { optimizerFromConfig, type NamedTensor } from '../training/optimizers.js';
import { readRegularFile } from '../io/node/bounded-read.js';
import { writeNewFile } from '../io/node/atomic-write.js';
import { listGenerations, writeGeneration } from './generations.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, checkStateConsistency, parseState, type CheckpointState } from './state-schema.js';

/*
 * A checkpoint is everything fit needs to continue exactly where it was: the
 * model (TensorFlow.js format), the optimizer's state (optimizer.bin, float32
 * little-endian, with a manifest in state.json), the fit position and history,
 * the random state (Dropout call counts) and the caller's metadata. Saved as a
 * generation (generations.ts), so a crash at any instant leaves the last good one.
 */

const STATE_JSON = 'state.json';
const OPTIMIZER_BIN = 'optimizer.bin';
/** state.json is read whole; a history of a million epochs is still far below this. */
const MAX_STATE_BYTES = 64 * 1024 * 1024;

/** The fit settings a position is only meaningful with. */
export interface CheckpointFitParams {
  epochs: number;
  batchSize: number;
  seed: number;
  shuffle: boolean;
  /** Training samples (after any validation split). */
  samples: number;
}

export interface CheckpointHistory {
  epoch: number[];
  history: Record<string, number[]>;
}

export interface CheckpointContent {
  position: FitPosition;
  /** Completed epochs only. */
  history: CheckpointHistory;
  fit: CheckpointFitParams;
  /** Anything JSON the caller wants back (the CLI keeps its run settings here). */
  metadata?: unknown;
}

export interface SaveCheckpointOptions {
  /** Generations kept, newest first. Default 2. */
  keep?: number;
}

/** Saves a compiled model's training state into `dir` as a new generation; returns the generation's path. */
export async function saveCheckpoint(dir: string, model: LayersModel, content: CheckpointContent, options: SaveCheckpointOptions = {}): Promise<string> {
  const fn = 'saveCheckpoint';
  const compiled = model.compiled;
  if (!compiled) throw new InvalidArgumentError(`${fn}: the model must be compiled (the checkpoint stores its optimizer).`);
  const keep = options.keep ?? 2;
  if (!Number.isInteger(keep) || keep < 1) throw new InvalidArgumentError(`${fn}: keep must be a positive integer, received ${describeValue(keep)}.`);
  const named = compiled.optimizer.getWeights().filter((w) => w.name !== 'iter');
  const { manifest, bytes } = encodeSlots(named);
  const state: CheckpointState = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    savedAt: new Date().toISOString(),
    position: content.position,
    history: { epoch: content.history.epoch, history: content.history.history },
    fit: content.fit,
    compile: {
      loss: compiled.lossName,
      metrics: compiled.metricNames,
      optimizer: { className: compiled.optimizer.className as 'SGD' | 'Adam', config: compiled.optimizer.getConfig() as Record<string, number | boolean> },
    },
    optimizerState: { iterations: compiled.optimizer.iterations, slots: manifest },
    random: model.getRandomState(),
    metadata: content.metadata ?? null,
  };
  const json = JSON.stringify(state);
  // Validate what we write exactly as a reader will, so an unreadable checkpoint is never written
  // (and never replaces a good one: writeGeneration removes older generations).
  checkStateConsistency(fn, parseState(fn, JSON.parse(json)));
  return writeGeneration(
    dir,
    async (temp) => {
      await model.save(temp);
      await writeNewFile(path.join(temp, OPTIMIZER_BIN), bytes);
      await writeNewFile(path.join(temp, STATE_JSON), json);
    },
    keep,
  );
}

function encodeSlots(named: NamedTensor[]): { manifest: CheckpointState['optimizerState']['slots']; bytes: Uint8Array } {
  const data = new Float32Array(named.reduce((n, w) => n + w.tensor.size, 0));
  let offset = 0;
  const manifest = named.map(({ name, tensor }) => {
    data.set(readValues(tensor), offset);
    const entry = { name, shape: [...tensor.shape], offset };
    offset += tensor.size;
    return entry;
  });
  return { manifest, bytes: new Uint8Array(data.buffer) };
}

export interface LoadedCheckpoint extends Required<CheckpointContent> {
  /** The generation that was loaded. */
  dir: string;
  /** Rebuilt, weights loaded, compiled with the saved loss, metrics and optimizer (state restored), random state restored. */
  model: LayersModel;
  savedAt: string;
}

/** The newest generation in `dir` that loads; the error lists why each one did not. */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const fn = 'loadCheckpoint';
  const generations = await listGenerations(dir).catch((e: NodeJS.ErrnoException) => {
    throw new InvalidArgumentError(`${fn}: ${dir} must be a checkpoint directory, received ${e.code ?? e.message}.`);
  });
  if (generations.length === 0) throw new InvalidArgumentError(`${fn}: no checkpoint in ${dir} (no gen-* directory).`);
  const problems: string[] = [];
  for (const g of generations) {
    try {
      return await loadGeneration(g.dir);
    } catch (e) {
      problems.push(`${path.basename(g.dir)}: ${(e as Error).message}`);
    }
  }
  throw new InvalidArgumentError(`${fn}: no generation in ${dir} loads; ${problems.join('; ')}`);
}

async function loadGeneration(dir: string): Promise<LoadedCheckpoint> {
  const stateFile = path.join(dir, STATE_JSON);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(await readRegularFile(stateFile, { fn: 'loadCheckpoint', what: 'state.json', maxBytes: MAX_STATE_BYTES, limitName: 'the 64 MiB a state.json may hold' })));
  } catch (e) {
    throw new InvalidArgumentError(`${stateFile}: must be readable JSON, received ${(e as Error).message}.`);
  }
  const state = parseState(stateFile, json);
  checkStateConsistency(stateFile, state);
  const slots = await readSlots(path.join(dir, OPTIMIZER_BIN), state.optimizerState.slots);
  const model = await loadLayersModel(dir);
  const optimizer = optimizerFromConfig(stateFile, state.compile.optimizer.className, state.compile.optimizer.config);
  model.compile({ optimizer, loss: state.compile.loss, metrics: state.compile.metrics });
  optimizer.setWeights([{ name: 'iter', tensor: new Tensor(Float32Array.of(state.optimizerState.iterations), []) }, ...slots]);
  model.setRandomState(state.random);
  return {
    dir,
    model,
    savedAt: state.savedAt,
    position: state.position,
    history: { epoch: state.history.epoch, history: Object.fromEntries(Object.entries(state.history.history).map(([k, vs]) => [k, vs.map((x) => x ?? Number.NaN)])) },
    fit: state.fit,
    metadata: state.metadata,
  };
}

/** optimizer.bin, its size checked against the manifest before it is read. */
async function readSlots(file: string, manifest: CheckpointState['optimizerState']['slots']): Promise<NamedTensor[]> {
  let floats = 0;
  for (const s of manifest) {
    const size = sizeOf(s.shape);
    if (s.offset !== floats || !Number.isSafeInteger(size)) throw new InvalidArgumentError(`${file}: optimizer slot '${s.name}' must start at float ${floats}, received ${s.offset}.`);
    floats += size;
  }
  const bytes = await readRegularFile(file, { fn: 'loadCheckpoint', what: 'optimizer.bin', maxBytes: floats * 4, limitName: 'what its manifest declares' });
  if (bytes.byteLength !== floats * 4) throw new InvalidArgumentError(`${file}: must hold ${floats * 4} bytes for the ${manifest.length} optimizer slots, received ${bytes.byteLength}.`);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return manifest.map((s) => ({ name: s.name, tensor: new Tensor(data.slice(s.offset, s.offset + sizeOf(s.shape)), s.shape) }));
}

