import type { Registrar } from '../cli/program.js';
import { registerBackends } from './backends.js';
import { registerConformance } from './conformance.js';

/** Every command, in the order `batchwise --help` lists them. */
export const COMMANDS: readonly Registrar[] = [registerBackends, registerConformance];
