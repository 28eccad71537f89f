import { setWarningHandler, type Layer, type LayersModel, type SymbolicShape, type SymbolicTensor } from '@batchwise/layers';
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { selectBackend } from '../cli/backend-setup.js';
import { UsageError } from '../cli/errors.js';
import { action, addJsonOption, type CliEnv } from '../cli/program.js';
import { buildModel, findPreset, IMAGE_INPUT_SHAPE, PRESET_NAMES } from '../presets/index.js';
import { loadSavedModel, modelFromFile, modelJsonPath, readModelJsonFile } from '../training/model-source.js';

/** `batchwise summary <preset|model>`: the Keras-style layer table of a preset, a topology or a saved model. */
export function registerSummary(program: Command, env: CliEnv): void {
  const cmd = program
    .command('summary')
    .description('print the Keras-style summary table of a preset, a model.json topology or a saved model')
    .argument('<model>', `preset (${PRESET_NAMES.join(', ')}), run directory or model.json`);
  addJsonOption(cmd).action(
    action(env, async (_o: { json?: boolean }, out, _cmd, args) => {
      await selectBackend(undefined);
      const model = await resolveModel(args[0]);
      const warnings: string[] = [];
      // The table already ends with its warnings; keep them out of stderr and put them in the JSON.
      const previous = setWarningHandler((w) => warnings.push(w));
      let text: string;
      try {
        text = model.summary(undefined, undefined, () => {});
      } finally {
        setWarningHandler(previous);
      }
      // Each layer's output shape, read off the model's graph from its outputs back (Sequential or functional).
      const shapes = new Map<Layer, SymbolicShape>();
      const visit = (t: SymbolicTensor): void => {
        if (shapes.has(t.sourceLayer)) return;
        shapes.set(t.sourceLayer, t.shape);
        t.inputs.forEach(visit);
      };
      model.outputs.forEach(visit);
      const layers = model.layers.map((l) => ({
        name: l.name, className: l.className, outputShape: shapes.get(l) ?? null, params: l.countParams(),
        trainableParams: l.trainableWeights.reduce((n, w) => n + w.value.size, 0),
      }));
      const totalParams = layers.reduce((n, l) => n + l.params, 0);
      const trainableParams = layers.reduce((n, l) => n + l.trainableParams, 0);
      out.result({ model: args[0], name: model.name, layers, totalParams, trainableParams, warnings, text }, () => text);
    }),
  );
}

async function resolveModel(arg: string): Promise<LayersModel> {
  const preset = findPreset(arg);
  if (preset) return buildModel(preset.layers(), IMAGE_INPUT_SHAPE, 1, preset.name);
  if (arg.endsWith('.json') || arg.includes('/') || arg.startsWith('.')) {
    // A saved model lists its weights; a bare topology (no weightsManifest) is built fresh.
    const file = modelJsonPath(arg);
    if (!existsSync(file)) return loadSavedModel(arg);
    const json = await readModelJsonFile(file);
    if (json.weightsManifest !== undefined) return loadSavedModel(arg);
    return modelFromFile(file, 1);
  }
  throw new UsageError(`model must be a preset (${PRESET_NAMES.join(', ')}), a run directory or a model.json path, received '${arg}'.`);
}
