export { quantile, percentile, median, sortedAscending } from './quantile.js';
export { mean, sampleVariance, standardDeviation } from './moments.js';
export { studentTCdf, studentTQuantile, tInterval, INTERVAL_DEFAULTS, type TInterval } from './t-distribution.js';
export { pairedDifferences, type PairedDifferences } from './paired.js';
export { mcnemarTest, mcnemarFromOutcomes, type McNemarResult } from './mcnemar.js';
export { pairedBootstrap, BOOTSTRAP_DEFAULTS, type BootstrapOptions, type BootstrapInterval } from './bootstrap.js';
export { pairedSampleSize, SAMPLE_SIZE_DEFAULTS } from './sample-size.js';
export { logGamma, regularizedIncompleteBeta } from './special-functions.js';
