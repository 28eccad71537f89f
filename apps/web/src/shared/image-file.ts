/*
 * The page's image file (made by scripts/make-data.mjs): gzipped, then
 * 'BWIM', u32 version 1, u32 section count, and per section a 16-byte ASCII
 * name, u32 count, u32 height, u32 width, count labels (u8) and
 * count*height*width grey levels (u8, row-major). All little-endian.
 */

export interface ImageSet {
  name: string;
  count: number;
  height: number;
  width: number;
  labels: Uint8Array;
  /** Grey levels 0..255, image after image. */
  pixels: Uint8Array;
}

const NAME_BYTES = 16;

/** Gunzips when the bytes are gzip (a server may already have decoded a .gz it sent with Content-Encoding). */
async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function parseImageFile(bytes: Uint8Array): Map<string, ImageSet> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== 'BWIM' || view.getUint32(4, true) !== 1) throw new Error(`parseImageFile: the file must start with 'BWIM' version 1, received '${magic}' version ${view.getUint32(4, true)}.`);
  const sets = new Map<string, ImageSet>();
  let at = 12;
  for (let s = 0, n = view.getUint32(8, true); s < n; s++) {
    const name = new TextDecoder().decode(bytes.subarray(at, at + NAME_BYTES)).replace(/\0+$/, '');
    const count = view.getUint32(at + NAME_BYTES, true);
    const height = view.getUint32(at + NAME_BYTES + 4, true);
    const width = view.getUint32(at + NAME_BYTES + 8, true);
    at += NAME_BYTES + 12;
    const labels = bytes.subarray(at, at + count);
    at += count;
    const pixels = bytes.subarray(at, at + count * height * width);
    at += count * height * width;
    if (at > bytes.byteLength) throw new Error(`parseImageFile: section '${name}' must fit in the file, received a file of ${bytes.byteLength} bytes that ends inside it.`);
    sets.set(name, { name, count, height, width, labels, pixels });
  }
  return sets;
}

export async function fetchImageFile(url: string): Promise<Map<string, ImageSet>> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetchImageFile: ${url} must be served with HTTP status 200, received ${response.status} ${response.statusText}.`);
  return parseImageFile(await gunzip(new Uint8Array(await response.arrayBuffer())));
}

/** Images [from, to) as float32 k/255 (what @batchwise/datasets gives), flat. */
export function toFloats(set: ImageSet, from = 0, to = set.count): Float32Array {
  const size = set.height * set.width;
  const out = new Float32Array((to - from) * size);
  const src = set.pixels.subarray(from * size, to * size);
  for (let i = 0; i < out.length; i++) out[i] = src[i] / 255;
  return out;
}

export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;
export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
