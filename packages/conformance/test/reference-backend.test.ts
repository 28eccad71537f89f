import { describeConformance } from '../src/vitest.js';
import { createReferenceBackend } from '../src/testing/index.js';

// The clean float32 reference backend passes the whole suite, through the same binding every backend uses.
describeConformance('reference', () => createReferenceBackend());
