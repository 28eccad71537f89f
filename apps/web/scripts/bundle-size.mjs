#!/usr/bin/env node
// Bundle size of a program that trains a model, batchwise against
// TensorFlow.js 4.22, measured the same way: the same Vite build (browser
// target, its default minifier), every emitted JavaScript chunk counted,
// gzip level 9. Also records every Node built-in a bundle tried to import:
// a browser bundle of batchwise must have none (test/bundle.test.ts).
// `node scripts/bundle-size.mjs` prints the table the README quotes.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
export const ENTRIES = {
  batchwise: join(here, 'bundle-entries', 'batchwise.js'),
  'batchwise-wasm': join(here, 'bundle-entries', 'batchwise-wasm.js'),
  tfjs: join(here, 'bundle-entries', 'tfjs.js'),
};
const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Every import of a Node built-in, seen before any other resolution (Vite would otherwise swap in a stub). */
function builtinImports(found) {
  return {
    name: 'record-node-builtins',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source.startsWith('node:') || BUILTINS.has(source)) found.push({ source, importer: importer ?? '(entry)' });
      return null;
    },
  };
}

const gzip = (text) => gzipSync(text, { level: 9 }).length;

/** Builds one entry for the browser; sizes of its JavaScript and the built-ins it imported. */
export async function measure(name) {
  const found = [];
  const output = await build({
    configFile: false,
    root: here,
    logLevel: 'silent',
    plugins: [builtinImports(found)],
    build: { write: false, target: 'es2022', modulePreload: false, rollupOptions: { input: ENTRIES[name] } },
  });
  const chunks = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output).filter((c) => c.type === 'chunk');
  const files = chunks.map((c) => ({ file: c.fileName, bytes: Buffer.byteLength(c.code), gzip: gzip(c.code) }));
  const assets = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output).filter((c) => c.type === 'asset').map((a) => a.fileName);
  return { name, files, assets, bytes: files.reduce((n, f) => n + f.bytes, 0), gzip: files.reduce((n, f) => n + f.gzip, 0), builtins: found, code: chunks.map((c) => c.code).join('\n') };
}

/** TensorFlow.js's own prebuilt bundles, the figure the issue quotes. */
export function tfjsPrebuilt() {
  const files = ['@tensorflow/tfjs-core/dist/tf-core.min.js', '@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.min.js', '@tensorflow/tfjs-layers/dist/tf-layers.min.js'];
  const texts = files.map((f) => readFileSync(fileURLToPath(import.meta.resolve(f, import.meta.url))));
  return { bytes: texts.reduce((n, t) => n + t.length, 0), gzip: texts.reduce((n, t) => n + gzip(t), 0) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
  const ours = await measure('batchwise');
  const theirs = await measure('tfjs');
  const prebuilt = tfjsPrebuilt();
  console.log('| bundle (Vite 8 build, default minifier) | minified | gzipped |');
  console.log('|---|---:|---:|');
  console.log(`| batchwise: core + backend-cpu + layers | ${kb(ours.bytes)} | ${kb(ours.gzip)} |`);
  console.log(`| TensorFlow.js 4.22: tfjs-core + tfjs-backend-cpu + tfjs-layers | ${kb(theirs.bytes)} | ${kb(theirs.gzip)} |`);
  console.log(`| TensorFlow.js 4.22, its own dist/*.min.js (for reference) | ${kb(prebuilt.bytes)} | ${kb(prebuilt.gzip)} |`);
  console.log(`batchwise / TensorFlow.js (gzipped, same build): ${(ours.gzip / theirs.gzip).toFixed(3)}`);
  console.log(`Node built-ins imported: batchwise ${ours.builtins.length}, TensorFlow.js ${theirs.builtins.length} (${[...new Set(theirs.builtins.map((b) => b.source))].join(', ')})`);
}
