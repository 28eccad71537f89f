export { createReferenceBackend } from './reference-backend.js';
export { plantBug, PLANTED_BUGS, type PlantedBug } from './plant-bug.js';
