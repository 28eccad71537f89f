import { readRegularFile } from '@batchwise/layers/node';
import { PNG } from 'pngjs';
import { CliError, describeFileError, fileCliError, oneLine } from '../cli/errors.js';
import { LIMIT_DEFAULTS, limit, raiseHint } from '../cli/limits.js';
import { checkInflatedSize, readPngHeader } from './png-header.js';
import { boundingBox, centerOfMass, crop, resizeArea } from './resize.js';

/*
 * A PNG of a handwritten digit, made to look like an MNIST example: 28x28,
 * white ink on black, values in [0, 1]. MNIST digits were size-normalised to
 * fit a 20x20 box (keeping the aspect ratio) and centred by centre of mass in
 * a 28x28 field (LeCun et al., the MNIST database page); we do the same:
 *   1. RGB(A) or grey -> luminance (ITU-R BT.601 weights), alpha composited on white;
 *   2. dark ink on a light background (mean border > 0.5) is inverted;
 *   3. an image already 28x28 is used as it is (it is presumably an MNIST-style image);
 *   4. otherwise: crop to the ink's bounding box, area-average resize so the
 *      longer side is 20 px, and paste it into 28x28 with its centre of mass at (14, 14).
 */

export const MNIST_SIZE = 28;
/** Largest width or height the PNG specification allows (section 11.2.2): 2^31 - 1. */
const PNG_MAX_SIDE = 2 ** 31 - 1;
const DIGIT_BOX = 20;
/** Pixels above this (after inversion) count as ink for the bounding box. */
const INK_THRESHOLD = 0.1;

export type InvertMode = 'auto' | 'always' | 'never';
export const INVERT_MODES: readonly InvertMode[] = ['auto', 'always', 'never'];

export interface DigitImage {
  /** 784 values in [0, 1], row-major 28x28, white ink on black. */
  pixels: Float32Array;
  sourceWidth: number;
  sourceHeight: number;
  /** What was done, for the user ("inverted", "resized 280x280 -> 20x20 box"). */
  steps: string[];
}

/**
 * Decodes PNG bytes to luminance in [0, 1] composited on white. An image of
 * more than `maxPixels` pixels is refused from its header, before decoding:
 * a 389 KB PNG of 20000x20000 took 3.2 GB and 27 s to decode.
 */
export function decodePngLuminance(bytes: Uint8Array, label: string, maxPixels: number = LIMIT_DEFAULTS.maxImagePixels): { gray: Float32Array; width: number; height: number } {
  const header = readPngHeader(bytes);
  if (header !== null) {
    // A zero side would pass the product test, yet pngjs sizes its buffers by the other side (8 GB for a height of 2^32 - 2^24).
    if (header.width < 1 || header.height < 1 || header.width > PNG_MAX_SIDE || header.height > PNG_MAX_SIDE) {
      throw new CliError(`${label}: the image header must give a width and height in [1, ${PNG_MAX_SIDE}], received ${header.width}x${header.height}`);
    }
    if (header.width * header.height > maxPixels) {
      throw new CliError(`${label}: the image is ${header.width}x${header.height} = ${header.width * header.height} pixels, more than the limit of ${maxPixels} (${raiseHint('maxImagePixels')})`);
    }
    checkInflatedSize(bytes, header, label);
  }
  let png: PNG;
  try {
    // pngjs expands every colour type and bit depth to 8-bit RGBA.
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new CliError(`${label}: not a readable PNG image (${oneLine(e)})`);
  }
  const { width, height, data } = png;
  const gray = new Float32Array(width * height);
  for (let i = 0; i < gray.length; i++) {
    const lum = (0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2]) / 255;
    const alpha = data[4 * i + 3] / 255;
    gray[i] = alpha * lum + (1 - alpha);
  }
  return { gray, width, height };
}

function meanBorder(gray: Float32Array, width: number, height: number): number {
  let sum = 0, count = 0;
  for (let x = 0; x < width; x++) {
    sum += gray[x] + gray[(height - 1) * width + x];
    count += 2;
  }
  for (let y = 1; y < height - 1; y++) {
    sum += gray[y * width] + gray[y * width + width - 1];
    count += 2;
  }
  return count > 0 ? sum / count : 0;
}

/** The MNIST-style 28x28 image of a PNG's bytes. */
export function digitFromPng(bytes: Uint8Array, label: string, invert: InvertMode = 'auto', maxPixels?: number): DigitImage {
  const { gray, width, height } = decodePngLuminance(bytes, label, maxPixels);
  const steps: string[] = [];
  const doInvert = invert === 'always' || (invert === 'auto' && meanBorder(gray, width, height) > 0.5);
  if (doInvert) {
    for (let i = 0; i < gray.length; i++) gray[i] = 1 - gray[i];
    steps.push('inverted (dark ink on a light background)');
  }
  if (width === MNIST_SIZE && height === MNIST_SIZE) {
    steps.push('used as is (already 28x28)');
    return { pixels: gray, sourceWidth: width, sourceHeight: height, steps };
  }
  const box = boundingBox(gray, width, height, INK_THRESHOLD) ?? { x0: 0, y0: 0, x1: width, y1: height };
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const scale = DIGIT_BOX / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale));
  const th = Math.max(1, Math.round(bh * scale));
  const small = resizeArea(crop(gray, width, box), bw, bh, tw, th);
  steps.push(`cropped to the ink (${bw}x${bh} of ${width}x${height}), area-averaged to ${tw}x${th}`);
  const [cx, cy] = centerOfMass(small, tw, th);
  // Put the centre of mass at the field centre, keeping the digit inside the field.
  const ox = Math.min(MNIST_SIZE - tw, Math.max(0, Math.round(MNIST_SIZE / 2 - cx)));
  const oy = Math.min(MNIST_SIZE - th, Math.max(0, Math.round(MNIST_SIZE / 2 - cy)));
  const pixels = new Float32Array(MNIST_SIZE * MNIST_SIZE);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) pixels[(y + oy) * MNIST_SIZE + x + ox] = Math.min(1, Math.max(0, small[y * tw + x]));
  }
  steps.push(`centred by centre of mass in 28x28 at offset (${ox}, ${oy})`);
  return { pixels, sourceWidth: width, sourceHeight: height, steps };
}

/** Reads and converts a PNG file; a missing or corrupt file is a one-line CliError. */
export async function readDigitPng(path: string, invert: InvertMode = 'auto'): Promise<DigitImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(path, { fn: 'read', what: 'image', maxBytes: limit('maxImageBytes'), limitName: raiseHint('maxImageBytes') });
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw code === 'ENOENT' || code === 'EACCES' ? new CliError(describeFileError(path, e)) : fileCliError(e);
  }
  return digitFromPng(bytes, path, invert, limit('maxImagePixels'));
}
