import type { Experiment } from './common.js';
import { covariateShiftExperiment } from './covariate-shift.js';
import { learningRateExperiment } from './learning-rate.js';
import { speedExperiment } from './speed.js';

/** Every `batchwise experiment` subcommand, in help order. */
export const EXPERIMENTS: readonly Experiment[] = [speedExperiment, learningRateExperiment, covariateShiftExperiment];
