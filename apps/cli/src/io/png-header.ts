import { inflateSync } from 'node:zlib';
import { CliError } from '../cli/errors.js';

/*
 * What a PNG says about itself, read before pngjs decodes it, so that its
 * size can be refused before any pixel memory exists: the IHDR chunk, which
 * must come first (PNG specification, section 5.6), and the compressed
 * image data (IDAT chunks), whose inflated size must fit what IHDR declares.
 * pngjs bounds that for plain images but inflates interlaced ones without a
 * limit, so a few kilobytes of IDAT could expand to gigabytes.
 */

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlaced: boolean;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Samples per pixel by colour type (grey, -, RGB, palette, grey+alpha, -, RGBA). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** IHDR's fields, or null when the bytes do not start like a PNG (the decoder then says what is wrong). */
export function readPngHeader(bytes: Uint8Array): PngHeader | null {
  if (bytes.length < 33 || SIGNATURE.some((b, i) => bytes[i] !== b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
  return { width: view.getUint32(16), height: view.getUint32(20), bitDepth: bytes[24], colorType: bytes[25], interlaced: bytes[28] === 1 };
}

/** The IDAT payloads joined, walking the chunk list; null if a chunk runs past the end (pngjs reports that). */
function imageData(bytes: Uint8Array): Uint8Array | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (at + 12 + length > bytes.length) return null;
    if (type === 'IDAT') parts.push(bytes.subarray(at + 8, at + 8 + length));
    if (type === 'IEND') break;
    at += 12 + length;
  }
  return Buffer.concat(parts);
}

/**
 * Refuses image data that inflates to more than its header allows. Bound:
 * twice the plain (non-interlaced) size plus 4 KB, which covers Adam7's
 * extra filter bytes and padding; a bomb exceeds it by orders of magnitude.
 */
export function checkInflatedSize(bytes: Uint8Array, header: PngHeader, label: string): void {
  const channels = CHANNELS[header.colorType] ?? 4;
  const rowBytes = Math.ceil((header.width * channels * Math.max(1, header.bitDepth)) / 8) + 1;
  const bound = 2 * rowBytes * header.height + 4096;
  const data = imageData(bytes);
  if (data === null || data.length === 0) return;
  try {
    inflateSync(data, { maxOutputLength: bound });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new CliError(`${label}: the image data inflates to more than the ${bound} bytes a ${header.width}x${header.height} image can hold (a decompression bomb)`);
    }
    // Corrupt data: pngjs gives the precise error.
  }
}
