import { afterEach, describe, expect, it } from 'vitest';
import {
  POOLED_FROM_BYTES,
  Tensor,
  clearMemoryPool,
  dispose,
  hold,
  keep,
  makeTensor,
  memory,
  outputBuffer,
  outputFloat32,
  setMemoryPoolLimit,
  tidy,
  trackStorage,
} from '../src/index.js';
import { assertTensor } from '../src/assert.js';

const BIG = 4096; // elements: 16 KiB, above POOLED_FROM_BYTES

/** A tensor whose memory came from the pool, the way a backend makes outputs. */
function output(n = BIG, shape: number[] = [n]): Tensor {
  return makeTensor(outputFloat32(n), shape);
}

afterEach(() => {
  setMemoryPoolLimit(512 * 1024 * 1024);
  clearMemoryPool();
});

describe('memory pool', () => {
  it('reuses a disposed output for the next output of that size and empties the old tensor', () => {
    const a = output();
    a.data.fill(7);
    const before = memory().reused;
    dispose(a);
    expect(a.disposed).toBe(true);
    expect(a.data.length).toBe(0);
    expect(memory().pooledBuffers).toBe(1);
    const b = output();
    expect(memory().reused).toBe(before + 1);
    // Same memory, zero-filled again by the portable allocator.
    expect(b.data.every((v) => v === 0)).toBe(true);
    expect(memory().pooledBuffers).toBe(0);
  });

  it('hands recycled buffers to the caller with recycled = true and stale contents', () => {
    const first = outputBuffer(BIG * 4, (n) => new ArrayBuffer(n));
    expect(first.recycled).toBe(false);
    new Float32Array(first.buffer).fill(3);
    dispose(new Float32Array(first.buffer));
    const second = outputBuffer(BIG * 4, () => {
      throw new Error('should have been recycled');
    });
    expect(second.recycled).toBe(true);
    expect(new Float32Array(second.buffer)[0]).toBe(3);
  });

  it('names the kernel and argument when a disposed tensor is used', () => {
    const a = output(BIG, [64, 64]);
    dispose(a);
    expect(() => assertTensor('relu', 'x', a)).toThrow(/relu: x \(shape \[64,64\]\) was disposed/);
  });

  it('leaves memory it did not allocate alone: user arrays, small outputs, double dispose', () => {
    const user = new Tensor(new Float32Array(BIG).fill(1), [BIG]);
    dispose(user);
    expect(user.disposed).toBe(false);
    expect(user.data[0]).toBe(1);
    const small = output(POOLED_FROM_BYTES / 4 - 1);
    dispose(small);
    expect(small.disposed).toBe(false);
    const a = output();
    dispose(a);
    expect(() => dispose(a)).not.toThrow();
    expect(memory().pooledBuffers).toBe(1);
  });

  it('disposing a reshaped view releases the shared memory of both', () => {
    const a = output(BIG, [64, 64]);
    const flat = a.reshape([BIG]);
    dispose(flat);
    expect(a.disposed).toBe(true);
  });

  it('keeps at most the limit; 0 still detaches released buffers', () => {
    setMemoryPoolLimit(3 * BIG * 4);
    const ts = [output(), output(), output(), output(), output()];
    dispose(ts);
    expect(memory().pooledBytes).toBe(3 * BIG * 4);
    setMemoryPoolLimit(0);
    expect(memory().pooledBytes).toBe(0);
    const b = output();
    dispose(b);
    expect(b.disposed).toBe(true);
    expect(memory().pooledBuffers).toBe(0);
    expect(() => setMemoryPoolLimit(-1)).toThrow(/non-negative integer/);
  });
});

describe('releasing several buffers at once (one detach for all)', () => {
  it('a tidy empties every scratch tensor and pools each buffer once, by its own size', () => {
    const before = memory().pooledBuffers;
    const scratch: Tensor[] = [];
    const result = tidy(() => {
      scratch.push(output(), output(2 * BIG), output(), output(3 * BIG));
      return output();
    });
    expect(scratch.every((t) => t.disposed)).toBe(true);
    expect(result.disposed).toBe(false);
    expect(memory().pooledBuffers - before).toBe(4);
    expect(memory().pooledBytes).toBe((BIG + 2 * BIG + BIG + 3 * BIG) * 4);
    // Each size is served again from the pool.
    const again = [output(2 * BIG), output(3 * BIG), output(), output()];
    expect(memory().pooledBuffers).toBe(before);
    dispose([...again, result]);
  });

  it('dispose of a list naming one buffer several times releases it once', () => {
    const t = output();
    const view = t.reshape([64, 64]);
    const other = output();
    dispose([t, view, t, other]);
    expect([t.disposed, view.disposed, other.disposed]).toEqual([true, true, true]);
    expect(memory().pooledBuffers).toBe(2);
  });

  it('a storage whose release throws leaves no other released buffer readable', () => {
    let a!: Tensor, b!: Tensor;
    const failing = { view: () => new Float32Array(4), release: () => { throw new Error('release failed'); } };
    expect(() =>
      tidy(() => {
        a = output();
        trackStorage(failing);
        b = output();
        return null;
      }),
    ).toThrow('release failed');
    expect([a.data.length, b.data.length]).toEqual([0, 0]);
  });

  it('pools up to the limit and still detaches the rest', () => {
    setMemoryPoolLimit(2 * BIG * 4);
    const ts = [output(), output(), output()];
    dispose(ts);
    expect(ts.every((t) => t.disposed)).toBe(true);
    expect(memory().pooledBytes).toBe(2 * BIG * 4);
  });
});

describe('tidy', () => {
  it('releases what fn allocated except what it returns, in nested objects and Maps too', () => {
    let scratch!: Tensor;
    let viewOfKept!: Tensor;
    const result = tidy(() => {
      scratch = output();
      const kept = output(BIG, [64, 64]);
      viewOfKept = kept.reshape([BIG]);
      return { nested: [new Map([['k', kept]])], n: 3 };
    });
    expect(scratch.disposed).toBe(true);
    const kept = (result.nested[0] as Map<string, Tensor>).get('k') as Tensor;
    expect(kept.disposed).toBe(false);
    expect(viewOfKept.disposed).toBe(false);
    expect(memory().scopes).toBe(0);
  });

  it('moves returned buffers to the enclosing scope, which releases them in turn', () => {
    let inner!: Tensor;
    let kept!: Tensor;
    tidy(() => {
      inner = tidy(() => output());
      expect(inner.disposed).toBe(false);
      kept = keep(output());
      return 0;
    });
    expect(inner.disposed).toBe(true);
    // keep() removed it from the scope that created it; nothing releases it now.
    expect(kept.disposed).toBe(false);
  });

  it("keep inside a nested tidy protects an outer scope's tensor from every scope", () => {
    let outer!: Tensor;
    tidy(() => {
      outer = output();
      tidy(() => keep(outer));
      return 0;
    });
    expect(outer.disposed).toBe(false);
    dispose(outer);
    expect(outer.disposed).toBe(true);
  });

  it('releases everything fn allocated when it throws, and rethrows', () => {
    let a!: Tensor;
    expect(() =>
      tidy(() => {
        a = output();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(a.disposed).toBe(true);
    expect(memory().scopes).toBe(0);
  });

  it('refuses an async fn and releases what it allocated before its first await', async () => {
    let a!: Tensor;
    const fn = async () => {
      a = output();
      await Promise.resolve();
      return a;
    };
    expect(() => tidy(fn)).toThrow(/tidy: fn returned a Promise/);
    expect(a.disposed).toBe(true);
    expect(memory().scopes).toBe(0);
  });

  it('does not track outputs made outside any scope', () => {
    const outside = output();
    tidy(() => 0);
    expect(outside.disposed).toBe(false);
  });

  it('refuses thenables too, not only Promises', () => {
    expect(() => tidy(() => ({ then: () => undefined }))).toThrow(/tidy: fn returned a Promise/);
  });
});

describe('hold', () => {
  it('defers a release until the last hold ends', () => {
    const a = output();
    const end1 = hold([a]);
    const end2 = hold({ x: a });
    dispose(a);
    expect(a.disposed).toBe(false);
    end1();
    expect(a.disposed).toBe(false);
    end2();
    end2(); // ending twice is harmless
    expect(a.disposed).toBe(true);
    expect(memory().pooledBuffers).toBe(1);
  });

  it("defers a tidy's release the same way", () => {
    let end!: () => void;
    const t = tidy(() => {
      const inner = output();
      end = hold(inner);
      return { inner };
    }).inner;
    expect(t.disposed).toBe(false);
    let scratch!: Tensor;
    tidy(() => {
      scratch = output();
      end = hold(scratch);
      return 0;
    });
    expect(scratch.disposed).toBe(false);
    end();
    expect(scratch.disposed).toBe(true);
  });
});
