import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidArgumentError, Tensor, zeros } from '@batchwise/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { layers, loadLayersModel, model as functionalModel, sequential, setWarningHandler, type LayersModel } from '../src/index.js';
import './helpers.js';

/*
 * Property-based fuzzing of model loading (issue 11, "Fuzzing the parsers"):
 * random mutations of valid model.json files and weight files must give a
 * model or one InvalidArgumentError (ShapeError and FileError are kinds of
 * it), never another exception, a hang (each case has a time bound), or
 * memory beyond the limits given. The seed is fixed so CI repeats itself;
 * BATCHWISE_FUZZ_SEED and BATCHWISE_FUZZ_RUNS explore further. The first
 * cases are the reproductions of the issue (the regression corpus).
 */

const SEED = Number(process.env.BATCHWISE_FUZZ_SEED ?? 20240611);
const RUNS = Number(process.env.BATCHWISE_FUZZ_RUNS ?? 150);
/** A load of these small models takes milliseconds; a case still running after this is a hang. */
const CASE_TIME_LIMIT_MS = 10_000;
/** What a case may leave allocated: the limits below allow 4 MB of weights; anything near this bound is unbounded growth. */
const CASE_MEMORY_LIMIT = 128 * 1024 * 1024;
const LIMITS = { maxParameters: 1_000_000, maxModelJsonBytes: 1024 * 1024 };

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'bw-fuzz-'));
afterAll(() => fs.rm(root, { recursive: true, force: true }));
setWarningHandler(() => {});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Base {
  json: Json;
  weights: Uint8Array;
  weightFile: string;
}

async function saved(m: LayersModel, name: string): Promise<Base> {
  const { files } = await m.save(path.join(root, `base-${name}`));
  return { json: JSON.parse(await fs.readFile(files!.modelJson, 'utf8')) as Json, weights: await fs.readFile(files!.weights), weightFile: path.basename(files!.weights) };
}

const cnn = sequential({
  layers: [
    layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', inputShape: [6, 6, 1], name: 'c' }),
    layers.batchNormalization({ name: 'bn' }),
    layers.maxPooling2d({ poolSize: 2, name: 'p' }),
    layers.flatten({ name: 'f' }),
    layers.dropout({ rate: 0.5, name: 'dr' }),
    layers.dense({ units: 3, activation: 'softmax', name: 'd' }),
  ],
});
const input = layers.input({ shape: [4], name: 'in' });
const a = layers.dense({ units: 3, activation: 'relu', name: 'a' }).apply(input);
const b = layers.dense({ units: 3, name: 'b' }).apply(input);
const graph = functionalModel({
  inputs: input,
  outputs: layers.concatenate({ name: 'cat' }).apply([layers.add({ name: 'add' }).apply([a, b]), layers.normalization({ name: 'n', mean: [0, 0, 0], variance: [1, 1, 1] }).apply(a)]),
  name: 'g',
});
const bases = [await saved(cnn, 'cnn'), await saved(graph, 'graph')];

/** Every path to a value of a JSON document. */
function paths(v: Json, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((e, i) => out.push(...paths(e, [...at, i])));
  else if (v !== null && typeof v === 'object') for (const [k, e] of Object.entries(v)) out.push(...paths(e, [...at, k]));
  return out;
}

function setAt(doc: Json, at: (string | number)[], value: Json | undefined): Json {
  if (at.length === 0) return value ?? null;
  const copy = structuredClone(doc) as Record<string | number, Json>;
  let node = copy;
  for (const k of at.slice(0, -1)) node = node[k] as Record<string | number, Json>;
  const last = at[at.length - 1];
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return copy as Json;
}

/** Values a hostile or careless file would hold. */
const interesting: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null, true, false, 0, -1, 1, 2.5, 3, 1e9, 600000, 2 ** 31, 1e300, -1e300, '', 'relu', 'softmax', 'same', 'valid', 'float16', 'two\nlines',
    '../../etc/passwd', '/dev/zero', '/proc/self', 'sub/../x.bin', 'Sequential', 'Model', 'Functional', 'Dense', 'Conv2D',
    'BatchNormalization', 'Flatten', 'Normalization', 'InputLayer', 'Add', [], {}, [null], [null, 3], [null, 1e6, 1e6, 1],
    [1e9, 1e9], [-1], [0], ['a'], [[]], { class_name: 'Dense', config: {} }, { class_name: 'Zeros', config: {} },
  ),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 12 }),
);

type Mutation =
  | { kind: 'set'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'text'; at: number; insert: string; remove: number }
  | { kind: 'weights'; at: number; bytes: number[]; remove: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: interesting }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('text' as const), at: fc.nat(), insert: fc.string({ maxLength: 4 }), remove: fc.nat({ max: 8 }) }),
  fc.record({ kind: fc.constant('weights' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 16 }), remove: fc.nat({ max: 64 }) }),
);

/** Applies the mutations to a base: model.json text and weight bytes. */
function mutate(base: Base, mutations: Mutation[]): { text: string; weights: Uint8Array } {
  let json = base.json;
  let text: string | null = null;
  let weights = base.weights;
  for (const m of mutations) {
    if (m.kind === 'weights') {
      const at = m.at % (weights.length + 1);
      weights = Uint8Array.from([...weights.subarray(0, at), ...m.bytes, ...weights.subarray(at + m.remove)]);
    } else if (m.kind === 'text') {
      const t = text ?? JSON.stringify(json);
      const at = m.at % (t.length + 1);
      text = t.slice(0, at) + m.insert + t.slice(at + m.remove);
    } else if (text === null) {
      const all = paths(json);
      json = setAt(json, all[m.at % all.length], m.kind === 'set' ? m.value : undefined);
    }
  }
  return { text: text ?? JSON.stringify(json), weights };
}

let cases = 0;

/** One case: write the files, load them within the limits, and judge the outcome. */
async function loadCase(base: Base, mutations: Mutation[]): Promise<void> {
  const dir = path.join(root, `case-${cases++}`);
  await fs.mkdir(dir);
  const { text, weights } = mutate(base, mutations);
  await fs.writeFile(path.join(dir, 'model.json'), text);
  await fs.writeFile(path.join(dir, base.weightFile), weights);
  const before = process.memoryUsage().arrayBuffers;
  let outcome: LayersModel | Error;
  try {
    outcome = await loadLayersModel(dir, LIMITS);
  } catch (e) {
    outcome = e as Error;
  }
  const grown = process.memoryUsage().arrayBuffers - before;
  await fs.rm(dir, { recursive: true, force: true });
  if (outcome instanceof Error && !(outcome instanceof InvalidArgumentError)) {
    throw new Error(`load threw ${outcome.name}, not one of our errors: ${outcome.message}\n${outcome.stack}`);
  }
  if (outcome instanceof Error) {
    expect(outcome.message.split('\n'), outcome.message).toHaveLength(1);
    expect(outcome.message.length).toBeLessThan(2000);
  } else {
    expect(outcome.countParams()).toBeLessThanOrEqual(LIMITS.maxParameters);
    // A model that loads also predicts (or refuses its input in one line) on a small batch.
    const shape = outcome.inputs[0]?.shape.slice(1);
    if (outcome.inputs.length === 1 && shape.every((d) => d !== null && d <= 64) && shape.reduce((p, d) => p * (d ?? 1), 1) <= 4096) {
      try {
        outcome.predict(zeros([2, ...(shape as number[])]));
      } catch (e) {
        if (!(e instanceof InvalidArgumentError)) throw new Error(`predict threw ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
  }
  expect(grown, 'bytes left allocated by one case').toBeLessThan(CASE_MEMORY_LIMIT);
}

/** The reproductions, as mutations of the bases: they run first, every time. */
function corpus(base: Base): Mutation[][] {
  const all = paths(base.json).map((p) => p.join('/'));
  const at = (p: string) => all.indexOf(p);
  const units = all.find((p) => /layers\/\d+\/config\/units$/.test(p))!;
  return [
    [{ kind: 'set', at: at('weightsManifest/0/paths/0'), value: '../../secret.txt' }],
    [{ kind: 'set', at: at('weightsManifest/0/paths/0'), value: '/dev/zero' }],
    [{ kind: 'set', at: all.indexOf(units), value: 600000 }],
    [{ kind: 'set', at: at('weightsManifest/0/weights/0/shape'), value: [1e9, 1e9] }],
    [{ kind: 'weights', at: 0, bytes: [], remove: 4 }],
    [{ kind: 'text', at: 10, insert: '', remove: 100000 }],
  ];
}

describe('fuzzing model files', () => {
  bases.forEach((base, k) => {
    it(`${['sequential conv/bn', 'functional add/concatenate/normalization'][k]}: ${RUNS} mutated files load or fail in one line (seed ${SEED + k})`, async () => {
      expect(mutate(base, []).text).toBe(JSON.stringify(base.json));
      await loadCase(base, []);
      await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => loadCase(base, ms)), {
        seed: SEED + k,
        numRuns: RUNS,
        timeout: CASE_TIME_LIMIT_MS,
        examples: corpus(base).map((ms) => [ms]),
      });
    }, 120_000);
  });

  it('the valid bases load and predict like the models they came from', async () => {
    const back = await loadLayersModel(path.join(root, 'base-cnn'));
    const x = new Tensor(Float32Array.from({ length: 72 }, (_, i) => Math.sin(i)), [2, 6, 6, 1]);
    expect([...(back.predict(x) as Tensor).data]).toEqual([...(cnn.predict(x) as Tensor).data]);
  });
});
