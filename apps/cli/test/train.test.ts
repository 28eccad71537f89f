import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const { dir, cleanup } = tempDir();

/** The newest checkpoint generation's state.json of a run. */
function checkpointState(runDir: string): { position: { epoch: number; batch: number; step: number }; history: { epoch: number[] }; metadata: { dataset: string } } {
  const root = join(runDir, 'checkpoint');
  const newest = readdirSync(root).filter((n) => n.startsWith('gen-')).sort().at(-1)!;
  return JSON.parse(readFileSync(join(root, newest, 'state.json'), 'utf8'));
}
afterAll(cleanup);

interface TrainJson {
  status: string;
  model: string | null;
  report: string;
  checkpoint: string | null;
  test: { accuracy: number; loss: number } | null;
  history: { epoch: number; valAccuracy?: number }[];
  message: string;
}

describe('batchwise train', () => {
  const out = join(dir, 'mlp');

  it('trains a preset, saves the model, a checkpoint and an HTML report', async () => {
    const r = await run(['train', 'mlp-bn', '--limit', '300', '--epochs', '2', '--backend', 'cpu', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as TrainJson;
    expect(j.status).toBe('completed');
    expect(j.history).toHaveLength(2);
    expect(j.test!.accuracy).toBeGreaterThan(0.2);
    expect(existsSync(join(out, 'model.json'))).toBe(true);
    expect(checkpointState(out).position).toMatchObject({ epoch: 2, batch: 0 });
    expect(checkpointState(out).metadata.dataset).toBe('fashion-mnist');
    const html = readFileSync(j.report, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('Conclusion');
    expect(html).toContain('Test accuracy after 2 epochs');
    // The loss of every batch, not only of every epoch.
    expect(html).toContain('Loss per batch and per epoch');
    expect(html).toContain('train, per batch');
  });

  it('refuses to overwrite a run', async () => {
    const r = await run(['train', 'mlp', '--limit', '100', '--epochs', '1', '--backend', 'cpu', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already holds a run');
  });

  it('evaluates, predicts and summarizes the saved model', async () => {
    const e = await run(['evaluate', out, '--limit', '100', '--backend', 'cpu', '--json']);
    expect(e.code).toBe(0);
    const ej = JSON.parse(e.stdout) as { dataset: string; examples: number; accuracy: number; perClass: unknown[] };
    expect(ej.dataset).toBe('fashion-mnist'); // read from the run's checkpoint
    expect(ej.examples).toBe(100);
    expect(ej.perClass).toHaveLength(10);
    const p = await run(['predict', out, '--split', 'test', '--limit', '4', '--backend', 'cpu', '--json']);
    expect(p.code).toBe(0);
    expect((JSON.parse(p.stdout) as { predictions: unknown[] }).predictions).toHaveLength(4);
    const s = await run(['summary', out]);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain('BatchNormalization');
    expect(s.stdout).toContain('Total params');
    const sj = JSON.parse((await run(['summary', 'cnn-bn', '--json'])).stdout) as { layers: { outputShape: (number | null)[] }[]; totalParams: number };
    expect(sj.layers[3].outputShape).toEqual([null, 14, 14, 16]);
    expect(sj.layers[sj.layers.length - 1].outputShape).toEqual([null, 10]);
    expect(sj.totalParams).toBeGreaterThan(0);
  });

  it('resumes a finished run only with more epochs', async () => {
    const again = await run(['train', '--resume', out, '--backend', 'cpu']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--epochs above 2');
    const more = await run(['train', '--resume', out, '--epochs', '3', '--backend', 'cpu', '--json']);
    expect(more.code).toBe(0);
    expect((JSON.parse(more.stdout) as TrainJson).history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect((await run(['train', '--resume', out, '--lr', '0.1'])).code).toBe(2);
  });

  it('stops on a NaN loss and keeps the last good checkpoint', async () => {
    const nanOut = join(dir, 'nan');
    const r = await run(['train', 'mlp', '--optimizer', 'sgd', '--lr', '1e12', '--limit', '200', '--epochs', '2', '--backend', 'cpu', '--out', nanOut, '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as TrainJson;
    expect(j.status).toBe('diverged');
    expect(j.message).toMatch(/loss became (NaN|Infinity)/);
    // Only the checkpoint taken before the first step: the diverged run never saved over it.
    expect(checkpointState(nanOut).position).toMatchObject({ epoch: 0, batch: 0, step: 0 });
    expect(existsSync(join(nanOut, 'model.json'))).toBe(false);
    expect(readFileSync(j.report, 'utf8')).toContain('did not finish');
  });

  it('trains from a TensorFlow.js topology file', async () => {
    const topo = join(dir, 'topology.json');
    writeFileSync(topo, JSON.stringify({
      modelTopology: { class_name: 'Sequential', config: { name: 'tiny', layers: [
        { class_name: 'Flatten', config: { name: 'flat', batch_input_shape: [null, 28, 28, 1] } },
        { class_name: 'Dense', config: { name: 'hidden', units: 32, activation: 'linear', use_bias: false } },
        { class_name: 'BatchNormalization', config: { name: 'bn' } },
        { class_name: 'Activation', config: { name: 'act', activation: 'relu' } },
        { class_name: 'Dense', config: { name: 'out', units: 10, activation: 'softmax' } },
      ] } },
    }));
    const r = await run(['train', topo, '--limit', '100', '--epochs', '1', '--backend', 'cpu', '--out', join(dir, 'topo'), '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as TrainJson).status).toBe('completed');
    writeFileSync(topo, '{ not json');
    const bad = await run(['train', topo, '--limit', '100', '--backend', 'cpu', '--out', join(dir, 'topo2')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('must be valid JSON');
  });

  it('on SIGINT finishes the batch, saves a checkpoint, exits 130, and --resume completes the run', async () => {
    const sigOut = join(dir, 'sigint');
    const child = spawn(process.execPath, [MAIN, 'train', 'mlp', '--limit', '3000', '--epochs', '4', '--batch-size', '32', '--backend', 'cpu', '--out', sigOut], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // After the first epoch's line, the run is mid-training: interrupt it like Ctrl-C.
      if (!sent && stderr.includes('epoch 1/4:')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(sent).toBe(true);
    expect(code).toBe(130);
    const state = checkpointState(sigOut);
    // Saved where it stopped: mid-epoch, after at least one finished epoch.
    expect(state.position.batch).toBeGreaterThan(0);
    expect(state.history.epoch.length).toBeGreaterThanOrEqual(1);
    expect(state.history.epoch.length).toBeLessThan(4);
    const resumed = await run(['train', '--resume', sigOut, '--backend', 'cpu', '--json']);
    expect(resumed.code).toBe(0);
    const j = JSON.parse(resumed.stdout) as TrainJson;
    expect(j.status).toBe('completed');
    expect(j.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
  });
});
