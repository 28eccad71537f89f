import type { Registrar } from '../cli/program.js';
import { registerBackends } from './backends.js';
import { registerConformance } from './conformance.js';
import { registerTrain } from './train.js';
import { registerEvaluate } from './evaluate.js';
import { registerPredict } from './predict.js';
import { registerSummary } from './summary.js';
import { registerExperiment } from './experiment.js';
import { registerExport } from './export.js';
import { registerImport } from './import.js';
import { registerInspect } from './inspect.js';
import { registerRecalibrate } from './recalibrate.js';

/** Every command, in the order `batchwise --help` lists them. */
export const COMMANDS: readonly Registrar[] = [registerTrain, registerEvaluate, registerPredict, registerSummary, registerInspect, registerRecalibrate, registerExport, registerImport, registerExperiment, registerBackends, registerConformance];
