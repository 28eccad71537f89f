import { validated, type Backend } from '@batchwise/core';
import { KernelCall } from '../runtime/call.js';
import type { WasmRuntime } from '../runtime/runtime.js';

/** The in-place optimizer updates: param and state move into the module's memory once and are updated there. */
export function trainingKernels(rt: WasmRuntime): Pick<Backend, 'sgdUpdate' | 'adamUpdate'> {
  return {
    sgdUpdate: validated('sgdUpdate', (param, grad, velocity, o) => {
      const call = new KernelCall(rt, 'sgdUpdate').tensor(param).tensor(grad);
      (velocity === null ? call.null() : call.tensor(velocity)).number(o.learningRate).number(o.momentum).boolean(o.nesterov).run();
    }),
    adamUpdate: validated('adamUpdate', (param, grad, m, v, o) => {
      new KernelCall(rt, 'adamUpdate')
        .tensor(param).tensor(grad).tensor(m).tensor(v)
        .number(o.learningRate).number(o.beta1).number(o.beta2).number(o.epsilon).number(o.step)
        .run();
    }),
  };
}
