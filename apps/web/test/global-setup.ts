import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateOnnxTests, ONNX_VECTORS, splitDataFiles } from '@batchwise/conformance';
import { chromium, type BrowserServer } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.js';

/*
 * Once for all browser tests: the built page (dist/, made by the build that
 * `pnpm test` runs first) served by Vite's preview server, cross-origin
 * isolated, and one headless Chromium they all connect to. Nothing here
 * throws: a failure is handed to the tests, which fail with its reason, so
 * the other projects' tests still run.
 */

const root = fileURLToPath(new URL('..', import.meta.url));

/** ONNX's test vectors for the conformance page, from the folder the Node suite uses (not shipped with the page). */
function onnxVectors(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const dir = locateOnnxTests().dir;
  const path = decodeURIComponent((req.url ?? '').split('?')[0]);
  if (!dir) return next();
  if (path === '/index.json') {
    const index = Object.fromEntries(ONNX_VECTORS.filter((v) => !v.skip && existsSync(join(dir, v.test, 'model.onnx'))).map((v) => [v.test, splitDataFiles(readdirSync(join(dir, v.test, 'test_data_set_0')))]));
    res.setHeader('content-type', 'application/json');
    return void res.end(JSON.stringify(index));
  }
  const file = join(dir, path);
  if (!file.startsWith(dir) || path.includes('..') || !existsSync(file) || !statSync(file).isFile()) return next();
  res.setHeader('content-type', 'application/octet-stream');
  res.end(readFileSync(file));
}

let server: PreviewServer | undefined;
let browser: BrowserServer | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let problem = '';
  try {
    if (!existsSync(join(root, 'dist', 'index.html'))) throw new Error(`${join(root, 'dist')} must hold the built page: run the build first (npx --yes pnpm@10 build).`);
    server = await preview({
      root,
      logLevel: 'silent',
      preview: { port: 4173, strictPort: false, host: '127.0.0.1' },
      plugins: [{ name: 'onnx-vectors', configurePreviewServer: (s) => void s.middlewares.use('/onnx-node-tests', onnxVectors) }],
    });
    project.provide('baseUrl', server.resolvedUrls!.local[0]);
  } catch (e) {
    problem += `the page could not be served: ${e instanceof Error ? e.message : String(e)} `;
  }
  try {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does).`);
    browser = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    project.provide('wsEndpoint', browser.wsEndpoint());
  } catch (e) {
    problem += `Chromium could not start: ${e instanceof Error ? e.message : String(e)}`;
  }
  project.provide('setupProblem', problem.trim());
  return async () => {
    await browser?.close();
    await server?.close();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    wsEndpoint: string;
    setupProblem: string;
  }
}
