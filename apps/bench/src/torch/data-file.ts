import { open } from 'node:fs/promises';

/*
 * Arrays for the PyTorch child in one binary file: an 8-byte little-endian
 * header length, a JSON header naming each array's type, offset, length and
 * shape, then the raw data (little-endian, as typed arrays are on x86 and
 * ARM). Offsets are multiples of 8 from the start of the data. Read by
 * read_arrays in python/torch_child.py.
 */

export interface NamedArray {
  data: Float32Array | Int32Array;
  shape: readonly number[];
}

export type NamedArrays = Record<string, NamedArray>;

interface HeaderEntry {
  dtype: 'float32' | 'int32';
  offset: number;
  length: number;
  shape: number[];
}

const ALIGN = 8;

export function fileHeader(arrays: NamedArrays): { header: Buffer; entries: [string, NamedArray, HeaderEntry][] } {
  let offset = 0;
  const entries: [string, NamedArray, HeaderEntry][] = [];
  for (const [name, a] of Object.entries(arrays)) {
    const length = a.shape.reduce((p, d) => p * d, 1);
    if (length !== a.data.length) throw new RangeError(`writeArrays: '${name}' must have ${length} elements for shape [${a.shape.join(',')}], received ${a.data.length}.`);
    entries.push([name, a, { dtype: a.data instanceof Int32Array ? 'int32' : 'float32', offset, length, shape: [...a.shape] }]);
    offset += Math.ceil(a.data.byteLength / ALIGN) * ALIGN;
  }
  let json = JSON.stringify({ arrays: Object.fromEntries(entries.map(([n, , e]) => [n, e])) });
  json += ' '.repeat((ALIGN - ((8 + Buffer.byteLength(json)) % ALIGN)) % ALIGN);
  const body = Buffer.from(json, 'utf8');
  const header = Buffer.alloc(8 + body.length);
  header.writeBigUInt64LE(BigInt(body.length), 0);
  body.copy(header, 8);
  return { header, entries };
}

/** Writes `arrays` to `file` (replacing it), one write per array: no copy of the data is made. */
export async function writeArrays(file: string, arrays: NamedArrays): Promise<void> {
  const { header, entries } = fileHeader(arrays);
  const fh = await open(file, 'w');
  try {
    await fh.write(header);
    let position = header.length;
    for (const [, a, e] of entries) {
      const bytes = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
      await fh.write(bytes, 0, bytes.length, position + e.offset);
    }
    position += entries.reduce((end, [, a, e]) => Math.max(end, e.offset + a.data.byteLength), 0);
    await fh.truncate(position);
  } finally {
    await fh.close();
  }
}
