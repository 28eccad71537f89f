import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// tfjs-core registers no gradients by itself; tfjs-layers pulls them in (batch-norm backward needs them).
import '@tensorflow/tfjs-layers';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Contender, ContenderStatus, KernelCase, Preparation } from '../types.js';
import { tfjsRunner } from './tfjs-runners.js';
import { firstLine } from '../errors.js';

/*
 * TensorFlow.js 4.22 on its 'cpu' (plain JavaScript) and 'wasm' (XNNPACK,
 * SIMD) backends. In Node the wasm backend runs one thread: its worker
 * threads need blob: URLs, which Node refuses, so the flag is set off
 * explicitly rather than letting it fail.
 */

/** tfjs-cpu needs about a second per conv: 5 timed runs (the project minimum) keep a full run short. */
const TFJS_CPU_MAX_RUNS = 5;

/**
 * tfjs-cpu's Conv2DBackpropFilter is a scalar loop nest taking about 100 s on
 * the full batch of 32. Its cost is linear in the batch (the batch is a plain
 * outer sum), so it is timed on 32 / 16 = 2 images and scaled by 16, and the
 * table marks the figure.
 */
const TFJS_CPU_FILTER_GRAD_BATCH_DIVISOR = 16;

let wasmConfigured = false;

function configureWasm(): void {
  if (wasmConfigured) return;
  const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  // The .wasm binaries sit next to the package's dist entry; Node loads them from disk.
  setWasmPaths(path.dirname(entry) + path.sep);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wasmConfigured = true;
}

async function activate(backendName: 'cpu' | 'wasm'): Promise<ContenderStatus> {
  try {
    if (backendName === 'wasm') configureWasm();
    const ok = await tf.setBackend(backendName);
    if (!ok) return { available: false, reason: `tf.setBackend('${backendName}') returned false` };
    const simd = backendName === 'wasm' ? `, simd ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'on' : 'off'}` : '';
    return { available: true, detail: `tfjs ${tf.version_core}${simd}, 1 thread` };
  } catch (e) {
    return { available: false, reason: firstLine(e) };
  }
}

/** Kernels a tfjs backend lacks, so the table says why instead of timing a fallback. */
function missingKernel(backendName: string, kernel: KernelCase): string | undefined {
  const needs: Partial<Record<KernelCase['id'], string>> = {
    conv2dBackpropFilter: 'Conv2DBackpropFilter',
    conv2dBackpropInput: 'Conv2DBackpropInput',
    maxPoolBackward: 'MaxPoolGrad',
  };
  const name = needs[kernel.id];
  return name && !tf.getKernel(name, backendName) ? `tfjs-${backendName} has no ${name} kernel` : undefined;
}

export async function tfjsContender(backendName: 'cpu' | 'wasm'): Promise<Contender> {
  const status = await activate(backendName);
  return {
    id: `tfjs-${backendName}`,
    label: `tfjs-${backendName}`,
    threads: 1,
    ours: false,
    maxRuns: backendName === 'cpu' ? TFJS_CPU_MAX_RUNS : Number.POSITIVE_INFINITY,
    status,
    async prepare(kernel: KernelCase): Promise<Preparation> {
      if (!status.available) return { unavailable: status.reason ?? 'unavailable' };
      const missing = missingKernel(backendName, kernel);
      if (missing) return { unavailable: missing };
      await tf.setBackend(backendName);
      const divisor = backendName === 'cpu' && kernel.id === 'conv2dBackpropFilter' ? TFJS_CPU_FILTER_GRAD_BATCH_DIVISOR : 1;
      const { run, dispose } = tfjsRunner(kernel.id, divisor);
      // Switching backends before every run is cheap once both are initialized; inputs already live on this one.
      const before = async () => void (await tf.setBackend(backendName));
      if (divisor === 1) return { before, run, dispose };
      const note = `timed on 1/${divisor} of the batch and scaled x${divisor} (cost is linear in the batch; a full call takes ~100 s)`;
      return { before, run, dispose, scale: divisor, note };
    },
  };
}
