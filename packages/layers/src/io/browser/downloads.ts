import { InvalidArgumentError } from '@batchwise/core';
import { concatBuffers, type ModelArtifacts, type SaveHandler } from '../artifacts.js';

/*
 * Saving as browser downloads, as tfjs's `downloads://<prefix>`: two files,
 * `<prefix>.json` (model.json with a manifest naming the weight file) and
 * `<prefix>.weights.bin`, each offered through a link clicked by script.
 * Put side by side, they load with `loadLayersModel` in either library.
 */

export const DOWNLOADS_SCHEME = 'downloads://';
const DEFAULT_PREFIX = 'model';

/* The few DOM members used, typed here so the package needs no DOM typings. */
interface Anchor { download: string; href: string; click(): void }
interface Page {
  document?: { createElement(tag: 'a'): Anchor };
  Blob?: new (parts: unknown[], options: { type: string }) => unknown;
  URL: { createObjectURL(blob: unknown): string; revokeObjectURL(url: string): void };
}

/** The two file names for `prefix` (tfjs: `model.json` and `model.weights.bin` when empty). */
export function downloadNames(prefix: string): { modelJson: string; weights: string } {
  const p = prefix.length === 0 ? DEFAULT_PREFIX : prefix;
  return { modelJson: `${p}.json`, weights: `${p}.weights.bin` };
}

/** model.json text for artifacts whose weights are saved as `weightsFile` beside it. */
export function modelJsonText(artifacts: ModelArtifacts, weightsFile: string): string {
  return JSON.stringify({
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [`./${weightsFile}`], weights: artifacts.weightSpecs ?? [] }],
  });
}

// As tfjs, each link is clicked in a task of its own.
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Offers the model as two downloads. */
export async function saveAsDownloads(prefix: string, artifacts: ModelArtifacts): Promise<{ modelJson: string; weights: string }> {
  const page = globalThis as unknown as Page;
  if (!page.document || !page.Blob) {
    throw new InvalidArgumentError(`save: ${DOWNLOADS_SCHEME} needs a web page (document), received a runtime without one (a worker or Node); save to 'indexeddb://<name>' there.`);
  }
  const names = downloadNames(prefix);
  const weights = new page.Blob([concatBuffers(artifacts.weightData ?? new ArrayBuffer(0))], { type: 'application/octet-stream' });
  const json = new page.Blob([modelJsonText(artifacts, names.weights)], { type: 'application/json' });
  for (const [blob, name] of [[json, names.modelJson], [weights, names.weights]] as const) {
    const url = page.URL.createObjectURL(blob);
    const a = page.document.createElement('a');
    a.download = name;
    a.href = url;
    a.click();
    await nextTask();
    // Revoked after the click's task: the download has taken its copy by then.
    setTimeout(() => page.URL.revokeObjectURL(url), 1000);
  }
  return names;
}

/** A handler for `model.save`, as tfjs's `io.browserDownloads(prefix)`. */
export function downloadsHandler(prefix = DEFAULT_PREFIX): SaveHandler {
  return { save: (a) => saveAsDownloads(prefix, a) };
}
