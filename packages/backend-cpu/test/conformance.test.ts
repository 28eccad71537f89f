import { describeConformance } from '@batchwise/conformance/vitest';
import { createCpuBackend } from '../src/cpu-backend.js';

// The shared suite: every kernel against the float64 references, invalid arguments, ONNX vectors.
describeConformance('cpu', createCpuBackend);
