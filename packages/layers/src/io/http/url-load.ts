import { InvalidArgumentError } from '@batchwise/core';
import type { ModelArtifacts } from '../artifacts.js';
import { artifactsFromModelJson } from '../assemble.js';
import { brief } from '../brief.js';
import { checkManifest } from '../manifest.js';
import type { WeightGroup } from '../weights.js';
import { fetchBounded } from './bounded-fetch.js';

/*
 * Loading the TensorFlow.js Layers format over HTTP, as tfjs's
 * `loadLayersModel('https://.../model.json')` does: model.json first, then
 * the weight files its manifest lists, fetched from beside it (relative to
 * the model.json URL, with its query string, as tfjs appends it). The same
 * bounds as on disk: model.json up to maxModelJsonBytes, each weight group
 * only up to the bytes its manifest declares, and weight files only from
 * the model's own directory on the same origin, so a model file cannot make
 * the page fetch from anywhere else.
 */

export interface UrlLimits {
  maxParameters: number;
  maxModelJsonBytes: number;
}

export interface LoadedUrl {
  artifacts: ModelArtifacts;
  groups: WeightGroup[];
  fileSizes: Map<string, number>;
}

/** Whether a string is an absolute http(s) URL. */
export function isHttpUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

function parseModelJson(fn: string, url: string, bytes: Uint8Array, contentType: string): Record<string, unknown> {
  const text = new TextDecoder().decode(bytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // A server's fallback page for a missing file is the usual cause; say so rather than quote '<'.
    const html = /text\/html/i.test(contentType) ? ' (the server sent an HTML page: is the URL right?)' : '';
    throw new InvalidArgumentError(`${fn}: ${url} must be valid JSON, received a parse error${html}: ${(e as Error).message.slice(0, 200)}.`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InvalidArgumentError(`${fn}: ${url} must hold a JSON object { modelTopology, weightsManifest }, received ${brief(json)}.`);
  }
  if (!('modelTopology' in json)) {
    throw new InvalidArgumentError(`${fn}: ${url} must have a modelTopology field (a TensorFlow.js Layers model.json), received the keys ${brief(Object.keys(json))}.`);
  }
  return json as Record<string, unknown>;
}

/** The URL of a weight file named in the manifest, refused unless it stays in the model's directory. */
export function weightUrl(fn: string, modelUrl: URL, shard: string): string {
  const dir = modelUrl.pathname.slice(0, modelUrl.pathname.lastIndexOf('/') + 1);
  const resolved = new URL(shard, modelUrl);
  if (resolved.origin !== modelUrl.origin || !resolved.pathname.startsWith(dir) || shard.includes('?') || shard.includes('#')) {
    throw new InvalidArgumentError(
      `${fn}: weight file ${brief(shard)} in ${modelUrl.href} must be a file in the model's directory ${modelUrl.origin}${dir}, received a path that leads to ${resolved.href}.`,
    );
  }
  resolved.search = modelUrl.search;
  return resolved.href;
}

/** Fetches model.json at `url` and every weight file its manifest lists. */
export async function loadArtifactsFromUrl(fn: string, url: string, limits: UrlLimits): Promise<LoadedUrl> {
  let modelUrl: URL;
  try {
    modelUrl = new URL(url);
  } catch {
    throw new InvalidArgumentError(`${fn}: url must be an absolute http(s) URL, received ${brief(url)}.`);
  }
  const { bytes, contentType } = await fetchBounded(modelUrl.href, { fn, what: 'model.json', maxBytes: limits.maxModelJsonBytes, limitName: 'the limit maxModelJsonBytes' });
  const json = parseModelJson(fn, modelUrl.href, bytes, contentType);
  const groups = checkManifest(fn, modelUrl.href, json.weightsManifest, limits.maxParameters);
  const buffers: Uint8Array[] = [];
  const fileSizes = new Map<string, number>();
  const named: WeightGroup[] = [];
  for (const group of groups) {
    let remaining = group.bytes;
    const urls = group.paths.map((p) => weightUrl(fn, modelUrl, p));
    for (const shard of urls) {
      const { bytes: data } = await fetchBounded(shard, {
        fn, what: 'weight file', maxBytes: remaining,
        limitName: `what the ${group.weights.length} tensors of its manifest group still need`,
      });
      remaining -= data.byteLength;
      buffers.push(data);
      fileSizes.set(shard, data.byteLength);
    }
    named.push({ weights: group.weights, paths: urls });
  }
  return { artifacts: artifactsFromModelJson(json, groups, buffers), groups: named, fileSizes };
}
