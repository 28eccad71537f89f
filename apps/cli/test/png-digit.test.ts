import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { CliError } from '../src/cli/errors.js';
import { digitFromPng, readDigitPng } from '../src/io/png-digit.js';
import { tempDir } from './helpers.js';

/** A black-on-white RGBA PNG with a filled rectangle of ink. */
export function inkPng(width: number, height: number, box: [number, number, number, number], options: { colorType?: 0 | 6 } = {}): Buffer {
  const png = new PNG({ width, height, colorType: options.colorType ?? 6, inputColorType: 6 });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const ink = x >= box[0] && x < box[2] && y >= box[1] && y < box[3];
      const i = 4 * (y * width + x);
      png.data[i] = png.data[i + 1] = png.data[i + 2] = ink ? 0 : 255;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png, { colorType: options.colorType ?? 6, inputColorType: 6 });
}

describe('digitFromPng', () => {
  it('inverts dark ink, crops, fits 20 px and centres by mass', () => {
    const d = digitFromPng(inkPng(100, 100, [10, 20, 30, 80]), 'x.png');
    expect(d.pixels).toHaveLength(784);
    expect(d.steps.join(' ')).toContain('inverted');
    let sum = 0, sx = 0, sy = 0, rows = new Set<number>();
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
      const v = d.pixels[y * 28 + x];
      sum += v; sx += v * (x + 0.5); sy += v * (y + 0.5);
      if (v > 0.5) rows.add(y);
    }
    expect(rows.size).toBe(20); // the 60 px tall stroke is scaled to 20 px
    // Whole-pixel placement: the centre of mass is within half a pixel of the field centre.
    expect(Math.abs(sx / sum - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(sy / sum - 14)).toBeLessThanOrEqual(0.5);
  });

  it('reads greyscale PNGs and uses a 28x28 image as it is', () => {
    const d = digitFromPng(inkPng(28, 28, [0, 0, 3, 3], { colorType: 0 }), 'g.png');
    expect(d.pixels[0]).toBe(1);
    expect(d.pixels[27 * 28 + 27]).toBe(0);
  });

  it('reports a corrupt file in one line', () => {
    expect(() => digitFromPng(new Uint8Array([1, 2, 3]), 'bad.png')).toThrow(CliError);
    expect(() => digitFromPng(new Uint8Array([1, 2, 3]), 'bad.png')).toThrow(/^bad.png: not a readable PNG/);
  });

  it('reports a missing file', async () => {
    const { dir, cleanup } = tempDir();
    try {
      await expect(readDigitPng(join(dir, 'none.png'))).rejects.toThrow('no such file');
      writeFileSync(join(dir, 'ok.png'), inkPng(50, 40, [5, 5, 20, 30]));
      expect((await readDigitPng(join(dir, 'ok.png'))).sourceWidth).toBe(50);
    } finally {
      cleanup();
    }
  });
});
