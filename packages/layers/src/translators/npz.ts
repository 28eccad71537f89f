import { InvalidArgumentError, sizeOf } from '@batchwise/core';
import { unzipSync, zipSync } from 'fflate';
import { dump, parse } from 'npyjs';

/*
 * `.npz` files (numpy.savez: a zip of one `.npy` per array) through two
 * well-kept readers instead of our own parsers: fflate for the zip container
 * and npyjs for the `.npy` arrays. Only what weight files hold is accepted:
 * little-endian C-order float32 or float64 arrays, and integer scalars
 * (PyTorch's num_batches_tracked). Sizes are checked before inflating.
 */

/** One array of a state dict. Floats as float32; integers (counts) as exact float64 values. */
export interface StateTensor {
  shape: number[];
  values: Float32Array | Float64Array;
  dtype: 'float32' | 'int64';
}

/** Ordered as in the file (PyTorch's state_dict order). */
export type StateDict = Map<string, StateTensor>;

/** The most a file may inflate to unless the caller allows more. */
export const NPZ_MAX_BYTES = 1 << 30;

export interface ReadNpzOptions {
  /** Refuse files whose arrays inflate to more than this many bytes. Default 1 GiB. */
  maxBytes?: number;
}

/** The arrays of an `.npz` file, keyed by name (the entry name without `.npy`). */
export function readNpz(bytes: Uint8Array, options: ReadNpzOptions = {}): StateDict {
  const fn = 'readNpz';
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(`${fn}: bytes must be a Uint8Array, received ${typeof bytes}.`);
  const maxBytes = options.maxBytes ?? NPZ_MAX_BYTES;
  let total = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (file) => {
        total += file.originalSize;
        if (total > maxBytes) throw new Error(`its arrays inflate past ${maxBytes} bytes (maxBytes)`);
        return true;
      },
    });
  } catch (e) {
    throw new InvalidArgumentError(`${fn}: bytes must be an .npz (zip) file, received one that fails to unzip: ${(e as Error).message}.`);
  }
  const out: StateDict = new Map();
  for (const [entry, content] of Object.entries(entries)) {
    if (!entry.endsWith('.npy')) throw new InvalidArgumentError(`${fn}: every entry must be a .npy array, received '${entry}'.`);
    out.set(entry.slice(0, -4), parseNpy(`${fn}: entry '${entry}'`, content));
  }
  return out;
}

/** One `.npy` array (the same checks as the entries of an `.npz`). */
export function readNpy(bytes: Uint8Array): StateTensor {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(`readNpy: bytes must be a Uint8Array, received ${typeof bytes}.`);
  return parseNpy('readNpy', bytes);
}

function parseNpy(where: string, content: Uint8Array): StateTensor {
  let array: ReturnType<typeof parse>;
  try {
    // A copy: npyjs views the data in place, which needs the buffer to start at the file.
    array = parse(content.slice().buffer);
  } catch (e) {
    throw new InvalidArgumentError(`${where}: must be a .npy array, received one npyjs cannot parse (${(e as Error).message}).`);
  }
  const { shape, data, fortranOrder } = array;
  const expected = sizeOf(shape);
  const got = (data as unknown as ArrayLike<unknown>).length;
  if (fortranOrder) throw new InvalidArgumentError(`${where}: must be in C order, received Fortran order.`);
  if (got !== expected) throw new InvalidArgumentError(`${where}: must hold ${expected} values for shape [${shape.join(',')}], received ${got}.`);
  if (data instanceof Float32Array) return { shape, values: Float32Array.from(data), dtype: 'float32' };
  if (data instanceof Float64Array) return { shape, values: Float32Array.from(data), dtype: 'float32' };
  if ((data instanceof BigInt64Array || data instanceof Int32Array) && expected === 1) {
    const v = Number(data[0]);
    if (!Number.isSafeInteger(v)) throw new InvalidArgumentError(`${where}: an integer must be a safe integer, received ${String(data[0])}.`);
    return { shape, values: Float64Array.of(v), dtype: 'int64' };
  }
  throw new InvalidArgumentError(`${where}: must be little-endian float32 or float64 (or an integer scalar), received dtype '${array.dtype}' shape [${shape.join(',')}].`);
}

/** An `.npz` file of these arrays (numpy.load reads it). */
export function writeNpz(dict: StateDict): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [name, t] of dict) {
    const array = t.dtype === 'int64' ? BigInt64Array.from(Array.from(t.values, (v) => BigInt(v))) : Float32Array.from(t.values);
    files[`${name}.npy`] = new Uint8Array(dump(array, t.shape));
  }
  // Stored, not deflated, as numpy.savez writes.
  return zipSync(files, { level: 0 });
}
