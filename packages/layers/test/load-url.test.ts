import { promises as fs } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidArgumentError } from '@batchwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileError, layers, loadLayersModel, sequential, type LayersModel } from '../src/index.js';
import { loadArtifactsFromPath as loadInPage } from '../src/io/files-browser.js';
import { randn } from './helpers.js';

/*
 * loadLayersModel('http(s)://.../model.json'), as tfjs loads it: weights
 * fetched from beside model.json. A local server plays the web server (no
 * network); each route below is one way a server or a model file can be wrong.
 */

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'bw-url-'));
const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
const requested: string[] = [];
const server = createServer((req, res) => {
  requested.push(req.url ?? '');
  const route = routes.get((req.url ?? '').split('?')[0]);
  if (route) return route(req, res);
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
});
let origin = '';
let model: LayersModel;
let json: Record<string, any>;
let weights: Buffer;

const serve = (body: string | Buffer, type = 'application/json') => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);
};

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  model = sequential({ layers: [layers.dense({ units: 4, inputShape: [3], name: 'd' }), layers.batchNormalization({ name: 'bn' })] });
  const { files } = await model.save(path.join(root, 'm'));
  json = JSON.parse(await fs.readFile(files!.modelJson, 'utf8'));
  weights = await fs.readFile(files!.weights);
  const shard = json.weightsManifest[0].paths[0];
  routes.set('/models/m/model.json', serve(JSON.stringify(json)));
  routes.set(`/models/m/${shard}`, serve(weights, 'application/octet-stream'));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await fs.rm(root, { recursive: true, force: true });
});

/** A model.json at /models/<name>/model.json whose manifest names `paths`, with the weights served as `bytes`. */
function variant(name: string, bytes: Buffer, paths = ['w.bin']): string {
  routes.set(`/models/${name}/model.json`, serve(JSON.stringify({ ...json, weightsManifest: [{ ...json.weightsManifest[0], paths }] })));
  routes.set(`/models/${name}/w.bin`, serve(bytes, 'application/octet-stream'));
  return `${origin}/models/${name}/model.json`;
}

describe('loadLayersModel from a URL', () => {
  it('fetches model.json and the weights beside it, and predicts as the saved model', async () => {
    const loaded = await loadLayersModel(`${origin}/models/m/model.json`);
    const x = randn([5, 3], 1);
    expect(Array.from((loaded.predict(x) as { data: Float32Array }).data)).toEqual(Array.from((model.predict(x) as { data: Float32Array }).data));
  });

  it("carries the model URL's query string to the weight files, as tfjs does", async () => {
    requested.length = 0;
    await loadLayersModel(`${origin}/models/m/model.json?v=7`);
    expect(requested).toEqual([`/models/m/model.json?v=7`, `/models/m/${json.weightsManifest[0].paths[0]}?v=7`]);
  });

  it('names the status of a model.json that is not there', async () => {
    const url = `${origin}/models/none/model.json`;
    await expect(loadLayersModel(url)).rejects.toThrow(new FileError(`loadLayersModel: model.json ${url} must be served with HTTP status 200, received 404 Not Found.`, url, 'HTTP404'));
  });

  it('names a weight file that is not there', async () => {
    const url = variant('missing-weights', weights, ['gone.bin']);
    await expect(loadLayersModel(url)).rejects.toThrow(`loadLayersModel: weight file ${origin}/models/missing-weights/gone.bin must be served with HTTP status 200, received 404 Not Found.`);
  });

  it('says when model.json is not JSON, and when the server sent an HTML page instead', async () => {
    routes.set('/models/bad/model.json', serve('{"modelTopology": '));
    await expect(loadLayersModel(`${origin}/models/bad/model.json`)).rejects.toThrow(/^loadLayersModel: http:\/\/127\.0\.0\.1:\d+\/models\/bad\/model\.json must be valid JSON, received a parse error: /);
    routes.set('/models/html/model.json', serve('<!doctype html><p>app</p>', 'text/html'));
    await expect(loadLayersModel(`${origin}/models/html/model.json`)).rejects.toThrow('must be valid JSON, received a parse error (the server sent an HTML page: is the URL right?)');
    routes.set('/models/list/model.json', serve('[1, 2]'));
    await expect(loadLayersModel(`${origin}/models/list/model.json`)).rejects.toThrow('must hold a JSON object { modelTopology, weightsManifest }, received [1,2].');
    routes.set('/models/notopology/model.json', serve('{"format": "layers-model"}'));
    await expect(loadLayersModel(`${origin}/models/notopology/model.json`)).rejects.toThrow("must have a modelTopology field (a TensorFlow.js Layers model.json), received the keys [\"format\"].");
  });

  it('refuses a weight file shorter than its manifest, naming both sizes', async () => {
    const url = variant('short', weights.subarray(0, weights.length - 4));
    await expect(loadLayersModel(url)).rejects.toThrow(`loadLayersModel: weight file ${origin}/models/short/w.bin is truncated`);
  });

  it('stops reading a weight file longer than its manifest declares', async () => {
    const url = variant('long', Buffer.concat([weights, Buffer.alloc(8)]));
    await expect(loadLayersModel(url)).rejects.toThrow(
      `loadLayersModel: weight file ${origin}/models/long/w.bin must hold at most ${weights.length} bytes (what the 6 tensors of its manifest group still need), received ${weights.length + 8} (its Content-Length).`,
    );
  });

  it('counts the body when no Content-Length is sent', async () => {
    routes.set('/models/chunked/model.json', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(JSON.stringify(json));
      res.end(' '.repeat(4096));
    });
    await expect(loadLayersModel(`${origin}/models/chunked/model.json`, { maxModelJsonBytes: 1024 })).rejects.toThrow(/model\.json .* must hold at most 1024 bytes \(the limit maxModelJsonBytes\), received more \(\d+ bytes read so far\)\./);
  });

  it("fetches weight files only from the model's own directory", async () => {
    for (const shard of ['../m/w.bin', '/models/m/w.bin', 'http://example.invalid/w.bin', 'w.bin?x=1']) {
      requested.length = 0;
      const url = variant('escape', weights, [shard]);
      await expect(loadLayersModel(url)).rejects.toThrow(new RegExp(`^loadLayersModel: weight file '${shard.replace(/[.?/]/g, '\\$&')}' in .* must be a file in the model's directory ${origin}/models/escape/, received a path that leads to `));
      expect(requested).toEqual(['/models/escape/model.json']);
    }
  });

  it('says when the server cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(loadLayersModel(`http://127.0.0.1:${port}/model.json`)).rejects.toThrow(`loadLayersModel: model.json http://127.0.0.1:${port}/model.json must be reachable, received a network error (TypeError: fetch failed).`);
  });
});

describe('browser-only targets, asked for on Node', () => {
  it('indexeddb:// and downloads:// say what they need', async () => {
    await expect(model.save('indexeddb://m')).rejects.toThrow(new InvalidArgumentError('save: indexeddb:// needs IndexedDB, which a browser page or worker has, received a runtime without it.'));
    await expect(loadLayersModel('indexeddb://m')).rejects.toThrow('loadLayersModel: indexeddb:// needs IndexedDB');
    await expect(model.save('downloads://m')).rejects.toThrow("save: downloads:// needs a web page (document), received a runtime without one (a worker or Node); save to 'indexeddb://<name>' there.");
    await expect(loadLayersModel('downloads://m')).rejects.toThrow("loadLayersModel: source must not be 'downloads://...' (downloads are save-only; load the saved model.json by its URL or path), received 'downloads://m'.");
    await expect(model.save(`${origin}/upload`)).rejects.toThrow("save: target must be a directory, 'indexeddb://<name>' or 'downloads://<prefix>' (saving over HTTP is not supported)");
  });
});

describe('a path where there is no file system (the "default" #files module)', () => {
  it('is a URL relative to the page', async () => {
    const g = globalThis as { location?: unknown };
    g.location = { href: `${origin}/models/m/index.html` };
    try {
      const { artifacts } = await loadInPage('loadLayersModel', 'model.json', { maxParameters: 1e6, maxModelJsonBytes: 1e6 });
      expect(artifacts.weightSpecs?.map((s) => s.name)).toEqual(json.weightsManifest[0].weights.map((w: { name: string }) => w.name));
    } finally {
      delete g.location;
    }
    await expect(loadInPage('loadLayersModel', 'model.json', { maxParameters: 1e6, maxModelJsonBytes: 1e6 })).rejects.toThrow(
      "loadLayersModel: a model here must come from an absolute http(s) URL, 'indexeddb://<name>' or a handler (paths need Node's file system), received 'model.json'.",
    );
  });
});
