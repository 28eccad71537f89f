import { describe, expect, it } from 'vitest';
import { initializers, layers, sequential } from '../src/index.js';
import { computeFans } from '../src/initializers.js';
import './helpers.js';

describe('initializers', () => {
  it('are seeded: the same seed gives the same values, another seed different ones', () => {
    const a = initializers.glorotUniform({ seed: 1 }).apply([4, 3], 0);
    const b = initializers.glorotUniform({ seed: 1 }).apply([4, 3], 99);
    const c = initializers.glorotUniform({ seed: 2 }).apply([4, 3], 0);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
  });

  it('glorotUniform stays inside sqrt(6 / (fanIn + fanOut)); heNormal is truncated at 2 stddevs', () => {
    const g = initializers.glorotUniform().apply([30, 20], 5);
    expect(Math.max(...g.data.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 50));
    const h = initializers.heNormal().apply([3, 3, 8, 16], 6);
    const std = Math.sqrt(2 / 72) / 0.87962566103423978;
    expect(Math.max(...h.data.map(Math.abs))).toBeLessThanOrEqual(2 * std + 1e-6);
    expect(computeFans([3, 3, 8, 16])).toEqual({ fanIn: 72, fanOut: 144 });
  });

  it('layers derive their seeds from their names, so a rebuilt model with the same names starts the same', () => {
    const build = () => sequential({ layers: [layers.dense({ units: 4, inputShape: [3], name: 'seeded' }), layers.dense({ units: 2, name: 'seeded2', kernelInitializer: 'heNormal' })] });
    const a = build().getWeights();
    const b = build().getWeights();
    expect(a.map((w) => Array.from(w.data))).toEqual(b.map((w) => Array.from(w.data)));
  });
});
