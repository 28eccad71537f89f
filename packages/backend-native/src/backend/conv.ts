import { validated, type Backend } from '@batchwise/core';
import type { FullAddon } from '../addon.js';
import { planConv2d, planConv2dBackpropFilter, planConv2dBackpropInput, runPlan } from './plans.js';

type ConvKernels = Pick<Backend, 'conv2d' | 'conv2dBackpropInput' | 'conv2dBackpropFilter'>;

export function convKernels(addon: FullAddon): ConvKernels {
  return {
    conv2d: validated('conv2d', (x, filter, o) => runPlan(addon, planConv2d(x, filter, o))),
    conv2dBackpropInput: validated('conv2dBackpropInput', (dy, filter, inputShape, o) =>
      runPlan(addon, planConv2dBackpropInput(dy, filter, inputShape, o)),
    ),
    conv2dBackpropFilter: validated('conv2dBackpropFilter', (x, dy, filterShape, o) =>
      runPlan(addon, planConv2dBackpropFilter(x, dy, filterShape, o)),
    ),
  };
}
