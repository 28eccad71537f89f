import { InvalidArgumentError, dispose, tidy, type Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/index.js';
import { KernelCall } from '../src/runtime/call.js';
import { WasmRuntime } from '../src/runtime/runtime.js';
import { outputStorage, type WasmStorage } from '../src/runtime/storage.js';
import { randn } from './helpers.js';

/*
 * The module re-checks every argument before a kernel touches memory, as the
 * native addon does; these calls skip the TypeScript validation and write the
 * frame directly. A failed check is an error naming the kernel; a kernel that
 * traps (here: out of memory inside it) is an error naming the kernel, and
 * afterwards the instance and its workers keep working.
 */
const backend = createWasmBackend({ numThreads: 2 });
const rt = WasmRuntime.get(undefined, undefined);

function block(ptr: number, length: number): WasmStorage {
  return { ptr, length } as unknown as WasmStorage;
}

function expectUsable(): void {
  const x = randn([33, 17], 1);
  expect(Array.from(backend.relu(x).data)).toEqual(Array.from(x.data, (v) => Math.max(0, v)));
}

describe('argument checks in the module', () => {
  const x = randn([4, 4], 2);
  const cases: [string, () => void, Error][] = [
    ['a missing argument', () => new KernelCall(rt, 'relu').tensor(x).run(), new TypeError('relu: expects 2 arguments, received 1.')],
    [
      'a block past the end of memory',
      () => new KernelCall(rt, 'relu').tensor(x).storage(block(rt.buffer.byteLength - 8, 16)).run(),
      new RangeError(`relu: y must be a block of linear memory, received address ${rt.buffer.byteLength - 8} with 16 elements.`),
    ],
    [
      'a block in static data (below the heap)',
      () => new KernelCall(rt, 'relu').tensor(x).storage(block(1024, 16)).run(),
      new RangeError('relu: y must be a block of linear memory, received address 1024 with 16 elements.'),
    ],
    [
      'a misaligned block',
      () => new KernelCall(rt, 'relu').tensor(x).storage(block(x.storage === undefined ? 0 : (x.storage as WasmStorage).ptr + 2, 16)).run(),
      new RangeError(/^relu: y must be a block of linear memory, received address \d+ with 16 elements\.$/.source),
    ],
    ['a wrong length', () => new KernelCall(rt, 'relu').tensor(x).storage(outputStorage(rt, 'test', 15)).run(), new RangeError('relu: y must have the 16 elements of x, received 15.')],
    [
      'an output overlapping its input',
      () => new KernelCall(rt, 'relu').tensor(x).tensor(x).run(),
      new TypeError('relu: y must not share memory with x.'),
    ],
    [
      'a padding outside the allowed values',
      () => {
        const f = randn([3, 3, 1, 2], 3), img = randn([1, 5, 5, 1], 4);
        new KernelCall(rt, 'conv2d').tensor(img).array(img.shape).tensor(f).array(f.shape).array([1, 1]).oneOf('full', ['same', 'valid']).array([1, 1]).array(new Array(17).fill(1)).storage(outputStorage(rt, 'test', 50)).run();
      },
      new TypeError("conv2d: padding must be one of 'same', 'valid', received another string."),
    ],
    [
      'a geometry that does not match the shapes',
      () => {
        const f = randn([3, 3, 1, 2], 3), img = randn([1, 5, 5, 1], 4);
        const geometry = [1, 5, 5, 1, 5, 5, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0];
        new KernelCall(rt, 'conv2d').tensor(img).array(img.shape).tensor(f).array(f.shape).array([1, 1]).oneOf('same', ['same', 'valid']).array([1, 1]).array(geometry).storage(outputStorage(rt, 'test', 50)).run();
      },
      new RangeError('conv2d: geometry must be [1,5,5,1,5,5,2,3,3,1,1,1,1,1,1,1,1] for these shapes and options, received [1,5,5,1,5,5,2,3,3,1,1,1,1,1,1,1,0].'),
    ],
    [
      // The shared window check (backend-native/src/validation/checks.h), the same message as the addon's.
      "a 'same' window of more than 2 x input + 1 taps",
      () => {
        const img = randn([1, 28, 28, 1], 4);
        new KernelCall(rt, 'maxPoolInference').tensor(img).array(img.shape).array([30000, 30000]).array([1, 1]).oneOf('same', ['same', 'valid']).array(new Array(17).fill(1)).storage(outputStorage(rt, 'test', 784)).run();
      },
      new RangeError("maxPoolInference: window must be at most [57,57] (2 x input size + 1) with 'same' padding on input [1,28,28,1], received [30000,30000]."),
    ],
    [
      'a pooled output of the wrong size',
      () => {
        const img = randn([1, 4, 4, 1], 4);
        new KernelCall(rt, 'maxPoolInference').tensor(img).array(img.shape).array([2, 2]).array([2, 2]).oneOf('valid', ['same', 'valid']).array([1, 4, 4, 1, 2, 2, 1, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0]).storage(outputStorage(rt, 'test', 5)).run();
      },
      new RangeError('maxPoolInference: y must have 4 elements for shape [1,2,2,1], received 5.'),
    ],
    [
      'an argmax index outside x',
      () => {
        const dy = randn([1, 1, 1, 1], 5);
        const argmax = outputStorage(rt, 'test', 1);
        argmax.int32View()[0] = 9;
        new KernelCall(rt, 'maxPoolBackward').tensor(dy).array(dy.shape).int32(argmax).array([1, 2, 2, 1]).storage(outputStorage(rt, 'test', 4)).run();
      },
      new RangeError('maxPoolBackward: argmax[0] must be in [0, 4), received 9.'),
    ],
    [
      'a fused call one argument short (the widest frame: 21)',
      () => {
        const call = new KernelCall(rt, 'conv2dBatchNormReluPoolTraining');
        for (let i = 0; i < 20; i++) call.number(0);
        call.run();
      },
      new TypeError('conv2dBatchNormReluPoolTraining: expects 21 arguments, received 20.'),
    ],
    [
      'an argmax index outside x in the fused backward',
      () => {
        const one = () => randn([1], 6);
        const dy = randn([1, 1, 1, 1], 5), xs = randn([1, 2, 2, 1], 7);
        const argmax = outputStorage(rt, 'test', 1);
        argmax.int32View()[0] = 9;
        new KernelCall(rt, 'batchNormReluPoolBackward')
          .tensor(dy).array(dy.shape).tensor(xs).array(xs.shape).tensor(one()).tensor(one()).tensor(one()).tensor(randn([1, 1, 1, 1], 8))
          .int32(argmax).array([2, 2]).array([2, 2]).oneOf('valid', ['same', 'valid']).array([1, 2, 2, 1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0])
          .storage(outputStorage(rt, 'test', 4)).storage(outputStorage(rt, 'test', 1)).storage(outputStorage(rt, 'test', 1))
          .run();
      },
      new RangeError('batchNormReluPoolBackward: argmax[0] must be in [0, 4), received 9.'),
    ],
    [
      // The fused filter gradient's shared check (backend-native/src/validation/checks.h), the same message as the addon's.
      'a fused filter gradient whose dy is not the conv output shape',
      () => {
        const input = randn([1, 4, 4, 1], 4), f = randn([3, 3, 1, 2], 3), dy = randn([1, 3, 2, 2], 5), z = randn([1, 2, 2, 2], 6);
        const two = (seed: number) => randn([2], seed);
        new KernelCall(rt, 'conv2dBatchNormReluBackwardFilter')
          .tensor(input).array(input.shape).tensor(f).array(f.shape).array([1, 1]).oneOf('valid', ['same', 'valid']).array([1, 1])
          .array([1, 4, 4, 1, 2, 2, 2, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0]).tensor(dy).array(dy.shape).tensor(z).tensor(two(7)).tensor(two(8)).tensor(two(9))
          .tensor(randn([1, 3, 2, 2], 10)).storage(outputStorage(rt, 'test', 18)).storage(outputStorage(rt, 'test', 2)).storage(outputStorage(rt, 'test', 2))
          .run();
      },
      new RangeError('conv2dBatchNormReluBackwardFilter: dyShape must be the output shape [1,2,2,2], received [1,3,2,2].'),
    ],
  ];
  for (const [name, call, expected] of cases) {
    it(`rejects ${name} with an error naming the kernel, and stays usable`, () => {
      let thrown: unknown;
      try {
        tidy(call);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(expected.constructor);
      const message = (thrown as Error).message;
      if (expected.message.startsWith('^')) expect(message).toMatch(new RegExp(expected.message));
      else expect(message).toBe(expected.message);
      expectUsable();
    });
  }

  it('leaves the stack pointer where it was after any number of failed checks', () => {
    const sp = rt.exports.__stack_pointer.value as number;
    for (let i = 0; i < 10_000; i++) expect(() => new KernelCall(rt, 'relu').tensor(x).run()).toThrow(TypeError);
    expect(rt.exports.__stack_pointer.value).toBe(sp);
    expectUsable();
  });
});

describe('traps inside kernels', () => {
  // A memory capped at 24 MiB: a [256,2048] x [2048,2048] product's inputs
  // and output fit (20 MiB), the copy of b it packs first (16 MiB) does not.
  const LIMIT = 24 << 20;

  for (const [label, options] of [
    ['threaded module, 2 threads', { numThreads: 2, memoryLimitBytes: LIMIT }],
    ['single-threaded module', { sharedMemory: false, memoryLimitBytes: LIMIT }],
  ] as const) {
    it(`out of memory inside a kernel is an error naming it, and the backend recovers (${label})`, () => {
      const capped = createWasmBackend(options);
      expect(capped.info().memoryLimitBytes).toBe(LIMIT);
      const a = randn([256, 2048], 6), b = randn([2048, 2048], 7);
      expect(() => tidy(() => capped.matMul(a, b))).toThrow(/^matMul: out of WebAssembly memory \(the memory reached its maximum size\)\.$/);
      dispose([a, b]);
      const x = randn([64, 48], 8), y = randn([48, 40], 9);
      const reference = createWasmBackend({ numThreads: 1 }).matMul(x, y);
      for (let i = 0; i < 3; i++) expect(Array.from(capped.matMul(x, y).data)).toEqual(Array.from(reference.data));
    });
  }

  it('a worker that traps fails the call, keeps serving, and the pool keeps using it', () => {
    // A memory and workers of its own (another limit). [8,512] x [512,2048] is
    // tasks over columns with no packed copy of b (and more rows than the
    // GEMM's row kernel takes, which needs no scratch); the caller's scratch
    // buffers exist before the memory is filled with 1 KiB blocks, a worker's
    // (256 KiB) do not, so the first task a worker takes fails to allocate them.
    const limit = 20 << 20;
    const capped = createWasmBackend({ numThreads: 1, memoryLimitBytes: limit });
    const a = randn([8, 512], 10), b = randn([512, 2048], 11);
    const expected = Array.from(capped.matMul(a, b).data);
    const chunk = capped.addScalar(randn([256], 12), 0);
    // One 192 KiB block kept aside, the rest filled with 1 KiB blocks; freeing the
    // big one leaves room for the 64 KiB output (with 128 KiB to spare: with 128 KiB
    // kept aside, the output itself sometimes failed to fit under load), not for a
    // worker's 256 KiB of scratch.
    const reserve = capped.addScalar(randn([49152], 13), 0);
    const fill: Tensor[] = [];
    for (;;) {
      try {
        fill.push(capped.addScalar(chunk, 0));
      } catch {
        break;
      }
    }
    dispose(reserve);
    const started = createWasmBackend({ numThreads: 2, memoryLimitBytes: limit });
    // Whether a worker takes a task before the caller has taken them all is up to the
    // scheduler (under load the caller may run every task for a while): try until one does.
    let failure: Error | undefined;
    for (let i = 0; i < 5000 && failure === undefined; i++) {
      try {
        tidy(() => started.matMul(a, b));
      } catch (e) {
        failure = e as Error;
      }
    }
    expect(failure?.message).toMatch(/^matMul: out of WebAssembly memory \(the memory reached its maximum size\)\.$/);
    // The trap came from a worker: the caller only rethrew it at the end of the job.
    expect((failure?.cause as Error).stack).toMatch(/bw::ParallelTasks/);
    dispose(fill);
    const before = started.info().workerTasks as number;
    for (let i = 0; i < 20; i++) expect(Array.from(tidy(() => started.matMul(a, b)).data)).toEqual(expected);
    // The worker serves again: again up to the scheduler when, so keep calling until it has.
    for (let i = 0; i < 5000 && (started.info().workerTasks as number) === before; i++) tidy(() => started.matMul(a, b));
    expect(started.info().workerTasks).toBeGreaterThan(before);
  });

  it('rejects a memory limit below the first memory size, and thread counts outside [1, 64]', () => {
    expect(() => createWasmBackend({ memoryLimitBytes: 1 << 20 })).toThrow(/memoryLimitBytes must be at least 16777216/);
    expect(() => createWasmBackend({ numThreads: 65 })).toThrow(
      new InvalidArgumentError('createWasmBackend: numThreads must be an integer in [1, 64], received 65.'),
    );
  });
});
