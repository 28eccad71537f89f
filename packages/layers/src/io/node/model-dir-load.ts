import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '@batchwise/core';
import type { ModelArtifacts } from '../artifacts.js';
import { artifactsFromModelJson } from '../assemble.js';
import { brief } from '../brief.js';
import { checkManifest } from '../manifest.js';
import type { WeightGroup } from '../weights.js';
import { readRegularFile, readRegularTextFile } from './bounded-read.js';
import { resolveInside } from './contained-path.js';
import { fileError } from '../file-error.js';

/*
 * Reading the TensorFlow.js Layers format from disk: model.json (topology
 * plus weightsManifest) and the weight files it lists. What a model file may
 * make us read is bounded (README, "Safety"): model.json up to
 * maxModelJsonBytes; weight files only inside the model's directory, only
 * regular files, each no larger than its manifest group declares, and a
 * manifest only up to maxParameters.
 */

export const MODEL_JSON = 'model.json';

export interface FileLimits {
  maxParameters: number;
  maxModelJsonBytes: number;
}

export interface LoadedFiles {
  artifacts: ModelArtifacts;
  groups: WeightGroup[];
  fileSizes: Map<string, number>;
}

/** The model.json of a directory, or the path itself. */
export async function modelJsonPath(location: string): Promise<string> {
  const st = await fs.stat(location).catch(() => null);
  return st?.isDirectory() ? path.join(location, MODEL_JSON) : location;
}

/** Reads and parses a model.json (a directory holding one, or the file), bounded and regular-file only. */
export async function readModelJson(fn: string, location: string, maxBytes: number): Promise<{ file: string; json: Record<string, unknown> }> {
  if (typeof location !== 'string' || location === '') throw new InvalidArgumentError(`${fn}: path must be a non-empty string, received ${brief(location)}.`);
  const file = await modelJsonPath(location);
  const text = await readRegularTextFile(file, { fn, what: 'model.json', maxBytes, limitName: 'the limit maxModelJsonBytes' });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InvalidArgumentError(`${fn}: ${file} must be valid JSON, received a parse error: ${(e as Error).message.slice(0, 200)}.`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InvalidArgumentError(`${fn}: ${file} must hold a JSON object { modelTopology, weightsManifest }, received ${brief(json)}.`);
  }
  return { file, json: json as Record<string, unknown> };
}

/** Reads model.json (a directory or the file itself) and every weight file its manifest lists. */
export async function loadArtifactsFromPath(fn: string, location: string, limits: FileLimits): Promise<LoadedFiles> {
  const { file, json } = await readModelJson(fn, location, limits.maxModelJsonBytes);
  const dir = path.dirname(file);
  const root = await fs.realpath(dir).catch((e: unknown) => {
    throw fileError(fn, 'read the directory of', file, e);
  });
  const groups = checkManifest(fn, file, json.weightsManifest, limits.maxParameters);
  const buffers: Uint8Array[] = [];
  const fileSizes = new Map<string, number>();
  for (const group of groups) {
    let remaining = group.bytes;
    for (const shard of group.paths) {
      const where = await resolveInside(root, shard);
      if (where.kind === 'outside') {
        throw new InvalidArgumentError(`${fn}: weight file ${brief(shard)} in ${file} must be inside the model's directory ${dir} (symbolic links followed), received a path that leads outside it.`);
      }
      const shardPath = path.join(dir, shard);
      if (where.kind === 'missing') {
        const first = group.weights[0]?.name ?? '(none)';
        throw new InvalidArgumentError(`${fn}: weight file ${shardPath} (first tensor ${brief(first)}) must exist and be readable, received ENOENT.`);
      }
      const bytes = await readRegularFile(where.path, {
        fn, what: 'weight file', maxBytes: remaining, noFollow: true,
        limitName: `what the ${group.weights.length} tensors of its manifest group still need`,
      });
      remaining -= bytes.byteLength;
      buffers.push(bytes);
      fileSizes.set(shardPath, bytes.byteLength);
    }
  }
  const artifacts = artifactsFromModelJson(json, groups, buffers);
  const named = groups.map((g) => ({ weights: g.weights, paths: g.paths.map((p) => path.join(dir, p)) }));
  return { artifacts, groups: named, fileSizes };
}
