import { activationAndBiasCases } from './activations.js';
import { batchNormCases } from './batch-norm.js';
import { broadcastCompareCases } from './broadcast-compare.js';
import { convCases } from './conv.js';
import { dataMovementCases } from './data-movement.js';
import { dropoutCases } from './dropout.js';
import { elementwiseCases } from './elementwise.js';
import { fusedCases } from './fused.js';
import { invalidCases } from './invalid.js';
import { linearCases } from './linear.js';
import { poolCases } from './pooling.js';
import { reduceCases } from './reduce.js';
import { trainingCases } from './training.js';
import type { ConformanceCase } from './types.js';

/** Every kernel case (forward, backward, in-place updates), in KERNEL_NAMES order of groups. */
export function kernelCases(): ConformanceCase[] {
  return [
    ...linearCases(),
    ...convCases(),
    ...batchNormCases(),
    ...poolCases(),
    ...activationAndBiasCases(),
    ...dropoutCases(),
    ...elementwiseCases(),
    ...broadcastCompareCases(),
    ...dataMovementCases(),
    ...reduceCases(),
    ...trainingCases(),
    ...fusedCases(),
  ];
}

export { invalidCases };
export * from './types.js';
