import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useBrowser, type OpenPage } from './browser.js';
import { APP } from './node-side.js';
import { chooseModel } from './page-reads.js';

/*
 * A model the page cannot use is a clear message in the page (the alert
 * region), never a blank list or an uncaught error: a URL that 404s, a
 * model.json that is not JSON, a weight file of the wrong length. The bad
 * files are served by intercepting the requests, so none ship with the page.
 */

const { open, url } = useBrowser();
const shipped = `${APP}public/models/digits/`;
const modelJson = JSON.parse(readFileSync(`${shipped}model.json`, 'utf8'));
const weights = readFileSync(`${shipped}${modelJson.weightsManifest[0].paths[0]}`);

async function loadUrl({ page }: OpenPage, modelUrl: string): Promise<string> {
  await chooseModel(page, 'url');
  await page.fill('#model-url', modelUrl);
  await page.click('#url-form button[type="submit"]');
  await page.waitForSelector('#model-error:not(:empty)', { timeout: 30_000 });
  expect(await page.$$('#probabilities li')).toHaveLength(0);
  return (await page.textContent('#model-error'))!;
}

describe('bad model input shows a clear message in the page', () => {
  it('a model URL that 404s', async () => {
    const p = await open('index.html');
    const missing = url('models/none/model.json');
    expect(await loadUrl(p, missing)).toBe(`loadLayersModel: model.json ${missing} must be served with HTTP status 200, received 404 Not Found.`);
    // The browser logs the failed request itself; nothing else may fail.
    expect(p.errors.filter((e) => !e.includes('404'))).toEqual([]);
  });

  it('a malformed model.json', async () => {
    const p = await open('index.html');
    const bad = url('bad/model.json');
    await p.page.route(bad, (r) => r.fulfill({ status: 200, contentType: 'application/json', body: '{"modelTopology": {"class_name": "Sequential", ' }));
    expect(await loadUrl(p, bad)).toMatch(new RegExp(`^loadLayersModel: ${bad.replace(/[.?/]/g, '\\$&')} must be valid JSON, received a parse error: .+\\.$`));
    expect(p.errors).toEqual([]);
  });

  it('a weight file of the wrong length, shorter or longer', async () => {
    const p = await open('index.html');
    for (const [name, bytes] of [['short', weights.subarray(0, weights.length - 4)], ['long', Buffer.concat([weights, Buffer.alloc(4)])]] as const) {
      const json = url(`${name}/model.json`);
      await p.page.route(json, (r) => r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(modelJson) }));
      await p.page.route(url(`${name}/${modelJson.weightsManifest[0].paths[0]}`), (r) => r.fulfill({ status: 200, contentType: 'application/octet-stream', body: bytes }));
      const message = await loadUrl(p, json);
      if (name === 'short') expect(message).toMatch(/^loadLayersModel: weight file .+\.bin is truncated: tensor '.+' \[.+\] needs bytes \d+\.\.\d+, but the data ends at \d+\.$/);
      else expect(message).toBe(`loadLayersModel: weight file ${url(`long/${modelJson.weightsManifest[0].paths[0]}`)} must hold at most ${weights.length} bytes (what the ${modelJson.weightsManifest[0].weights.length} tensors of its manifest group still need), received ${weights.length + 4} (its Content-Length).`);
      await chooseModel(p.page, 'digits');
      await p.page.waitForSelector('#model-error:empty', { state: 'attached' });
    }
    expect(p.errors).toEqual([]);
  });
});
