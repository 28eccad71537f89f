#!/usr/bin/env node
// The images the page ships, made from @batchwise/datasets: a Fashion-MNIST
// subset to train on in the page, Fashion-MNIST test images to pick and
// predict, and a few MNIST test digits. One gzipped file in the format
// src/shared/image-file.ts reads. The splits are balanced prefixes (the
// datasets interleave classes round-robin), so no seed is involved and the
// file is the same on every machine: it is made at build time, not committed.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { loadFashionMnist, loadMnist } from '@batchwise/datasets';

export const SECTIONS = [
  { name: 'fashion-train', load: () => loadFashionMnist({ split: 'train', limit: 3000 }) },
  { name: 'fashion-test', load: () => loadFashionMnist({ split: 'test', limit: 500 }) },
  { name: 'mnist-test', load: () => loadMnist({ split: 'test', limit: 100 }) },
];
const MAGIC = 'BWIM';
const VERSION = 1;
const NAME_BYTES = 16;

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'data', 'images.bin.gz');

/** One section: name (16 ASCII bytes), u32 count, u32 height, u32 width, labels (u8), grey levels (u8, row-major). */
function section(name, dataset) {
  const [n, h, w] = dataset.images.shape;
  const head = Buffer.alloc(NAME_BYTES + 12);
  head.write(name, 0, 'ascii');
  head.writeUInt32LE(n, NAME_BYTES);
  head.writeUInt32LE(h, NAME_BYTES + 4);
  head.writeUInt32LE(w, NAME_BYTES + 8);
  const labels = Uint8Array.from(dataset.labels);
  // The loader gives exactly k/255: rounding recovers k.
  const pixels = Uint8Array.from(dataset.images.data, (v) => Math.round(v * 255));
  return Buffer.concat([head, labels, pixels]);
}

function build() {
  const head = Buffer.alloc(12);
  head.write(MAGIC, 0, 'ascii');
  head.writeUInt32LE(VERSION, 4);
  head.writeUInt32LE(SECTIONS.length, 8);
  const body = Buffer.concat([head, ...SECTIONS.map((s) => section(s.name, s.load()))]);
  // mtime 0 in the gzip header, so the same images give the same bytes.
  return gzipSync(body, { level: 9 });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bytes = build();
  if (existsSync(out) && readFileSync(out).equals(bytes)) {
    console.log(`make-data: ${out} is up to date.`);
  } else {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(`${out}.tmp`, bytes);
    renameSync(`${out}.tmp`, out);
    console.log(`make-data: wrote ${out} (${bytes.length} bytes).`);
  }
}
