export * from './tolerance.js';
export * from './cases/types.js';
export { compareOutputs, comparisonCase, type ComparisonSpec, type Outputs, type OutputValue } from './cases/comparison.js';
export { kernelCases, invalidCases } from './cases/index.js';
export { INVALID_CASES } from './cases/invalid.js';
export * from './runner.js';
export * from './gradient-check.js';
export * as references from './references/index.js';
