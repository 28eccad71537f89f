import type { Experiment } from './common.js';
import { covariateShiftExperiment } from './covariate-shift.js';
import { inputScalingExperiment } from './input-scaling.js';
import { learningRateExperiment } from './learning-rate.js';
import { placementExperiment } from './placement.js';
import { regularizationExperiment } from './regularization.js';
import { speedExperiment } from './speed.js';

/** Every `batchwise experiment` subcommand, in help order. */
export const EXPERIMENTS: readonly Experiment[] = [speedExperiment, learningRateExperiment, covariateShiftExperiment, inputScalingExperiment, regularizationExperiment, placementExperiment];
