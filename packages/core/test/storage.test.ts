import { describe, expect, it } from 'vitest';
import {
  ShapeError,
  Tensor,
  dispose,
  keep,
  makeTensor,
  outputFloat32,
  relocateTensor,
  tidy,
  trackStorage,
  type TensorStorage,
} from '../src/index.js';

/*
 * Tensors over backend-managed storage (the WebAssembly backend's memory):
 * `data` is the storage's view, and dispose/tidy call `release` on it.
 */
class FakeStorage implements TensorStorage {
  releases = 0;
  views = 0;
  constructor(private readonly values: Float32Array) {}
  view(): Float32Array {
    this.views++;
    return this.releases > 0 ? new Float32Array(0) : this.values;
  }
  release(): void {
    this.releases++;
  }
}

function stored(values: number[], shape: number[], track = true): { t: Tensor; s: FakeStorage } {
  const s = new FakeStorage(Float32Array.from(values));
  if (track) trackStorage(s);
  return { t: new Tensor(s, shape), s };
}

describe('tensors over backend-managed storage', () => {
  it('read their data through the storage view on every access', () => {
    const { t, s } = stored([1, 2, 3, 4], [2, 2]);
    expect(t.storage).toBe(s);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
    const before = s.views;
    void t.data;
    expect(s.views).toBe(before + 1);
    expect(t.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(makeTensor(new Float32Array(1), [1]).storage).toBeUndefined();
  });

  it('compare by value under deep equality, like plain tensors', () => {
    expect(stored([1, 2], [2]).t).toEqual(stored([1, 2], [2]).t);
    expect(stored([1, 2], [2]).t).not.toEqual(stored([1, 3], [2]).t);
    expect(stored([1, 2], [2]).t).toEqual(makeTensor(Float32Array.from([1, 2]), [2]));
  });

  it('check the storage length against the shape', () => {
    expect(() => new Tensor(new FakeStorage(new Float32Array(3)), [2, 2])).toThrow(
      new ShapeError('Tensor: data must have 4 elements for shape [2,2], received 3.'),
    );
  });

  it('share the storage when reshaped, and dispose releases it once for all views', () => {
    const { t, s } = stored([1, 2, 3, 4], [2, 2]);
    const r = t.reshape([4]);
    expect(r.storage).toBe(s);
    dispose([t, r]);
    expect(s.releases).toBe(1);
    expect(t.disposed).toBe(true);
    expect(r.disposed).toBe(true);
    dispose(t);
    expect(s.releases).toBe(1);
  });

  it('are released by tidy unless returned or kept', () => {
    let dropped!: FakeStorage, kept!: FakeStorage, returned!: FakeStorage;
    const out = tidy(() => {
      dropped = stored([1], [1]).s;
      const k = stored([2], [1]);
      kept = k.s;
      keep(k.t);
      const r = stored([3], [1]);
      returned = r.s;
      return r.t;
    });
    expect(dropped.releases).toBe(1);
    expect(kept.releases).toBe(0);
    expect(returned.releases).toBe(0);
    expect(out.data[0]).toBe(3);
  });

  it('leave untracked storage alone (dispose does not own it)', () => {
    const { t, s } = stored([1], [1], false);
    dispose(t);
    expect(s.releases).toBe(0);
  });

  it('release storage through a typed array registered with it', () => {
    const s = new FakeStorage(new Float32Array(2));
    const argmax = new Int32Array(2);
    tidy(() => {
      trackStorage(s, argmax);
      return { argmax };
    });
    expect(s.releases).toBe(0);
    dispose({ argmax });
    expect(s.releases).toBe(1);
  });
});

describe('relocateTensor', () => {
  it('moves a tensor onto storage holding its values; other tensors keep the old array', () => {
    const old = Float32Array.from([5, 6]);
    const t = makeTensor(old, [2]);
    const alias = makeTensor(old, [1, 2]);
    const s = new FakeStorage(Float32Array.from([5, 6]));
    relocateTensor(t, s);
    expect(t.storage).toBe(s);
    expect(t.data).not.toBe(old);
    expect(alias.data).toBe(old);
    dispose(t);
    expect(s.releases).toBe(1);
  });

  it('releases the storage with the tidy scope that held the old memory', () => {
    const s = new FakeStorage(new Float32Array(4096));
    let t!: Tensor;
    tidy(() => {
      t = makeTensor(outputFloat32(4096), [4096]);
      tidy(() => {
        relocateTensor(t, s);
        return 0;
      });
      expect(s.releases).toBe(0);
      return 0;
    });
    expect(s.releases).toBe(1);
    expect(t.disposed).toBe(true);
  });

  it('checks the storage length', () => {
    const t = makeTensor(new Float32Array(3), [3]);
    expect(() => relocateTensor(t, new FakeStorage(new Float32Array(2)))).toThrow(
      new ShapeError('relocateTensor: storage must have 3 elements for shape [3], received 2.'),
    );
    expect(t.storage).toBeUndefined();
  });
});
