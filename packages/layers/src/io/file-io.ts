import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '@batchwise/core';
import type { ModelArtifacts } from './artifacts.js';
import type { WeightGroup } from './weights.js';

/*
 * The TensorFlow.js Layers format on disk: model.json (topology plus
 * weightsManifest) and group1-shard1of1.bin. Node-only (node:fs), kept apart
 * so the in-memory path (artifacts.ts) runs anywhere.
 */

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'group1-shard1of1.bin';

let tempCounter = 0;

/** Writes through a temporary file in the same directory and renames it, so a crash never leaves a half-written file. */
async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = `${file}.tmp-${process.pid}-${tempCounter++}`;
  try {
    await fs.writeFile(temp, data);
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
}

/** Saves artifacts into dir (created if needed): weights first, then model.json that points at them. */
export async function saveArtifactsToDir(dir: string, artifacts: ModelArtifacts): Promise<{ modelJson: string; weights: string }> {
  await fs.mkdir(dir, { recursive: true });
  const weights = path.join(dir, WEIGHTS_BIN);
  const data = artifacts.weightData instanceof ArrayBuffer ? artifacts.weightData : new ArrayBuffer(0);
  await writeAtomic(weights, new Uint8Array(data));
  const json = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
  };
  const modelJson = path.join(dir, MODEL_JSON);
  await writeAtomic(modelJson, JSON.stringify(json));
  return { modelJson, weights };
}

export interface LoadedFiles {
  artifacts: ModelArtifacts;
  groups: WeightGroup[];
  fileSizes: Map<string, number>;
}

/** Reads model.json (a directory or the file itself) and every weight shard it lists. */
export async function loadArtifactsFromPath(fn: string, location: string): Promise<LoadedFiles> {
  let file = location;
  const stat = await fs.stat(location).catch(() => null);
  if (stat?.isDirectory()) file = path.join(location, MODEL_JSON);
  const text = await fs.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new InvalidArgumentError(`${fn}: path must name a model.json or a directory holding one, received '${location}' (${e.code ?? e.message}).`);
  });
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new InvalidArgumentError(`${fn}: ${file} must be valid JSON, received a parse error: ${(e as Error).message}.`);
  }
  const groups = (json.weightsManifest ?? []) as WeightGroup[];
  if (!Array.isArray(groups)) throw new InvalidArgumentError(`${fn}: ${file} weightsManifest must be a list, received ${typeof groups}.`);
  const dir = path.dirname(file);
  const buffers: Uint8Array[] = [];
  const fileSizes = new Map<string, number>();
  for (const group of groups) {
    for (const shard of group.paths) {
      const shardPath = path.join(dir, shard);
      const bytes = await fs.readFile(shardPath).catch((e: NodeJS.ErrnoException) => {
        const first = group.weights[0]?.name ?? '(none)';
        throw new InvalidArgumentError(`${fn}: weight file ${shardPath} (first tensor '${first}') must exist and be readable, received ${e.code ?? e.message}.`);
      });
      buffers.push(bytes);
      fileSizes.set(shardPath, bytes.byteLength);
    }
  }
  const total = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of buffers) {
    total.set(b, offset);
    offset += b.byteLength;
  }
  const named = groups.map((g) => ({ ...g, paths: g.paths.map((p) => path.join(dir, p)) }));
  const artifacts: ModelArtifacts = {
    modelTopology: json.modelTopology as Record<string, unknown>,
    format: json.format as string | undefined,
    generatedBy: json.generatedBy as string | undefined,
    convertedBy: (json.convertedBy as string | null | undefined) ?? null,
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData: total.buffer,
  };
  return { artifacts, groups: named, fileSizes };
}
