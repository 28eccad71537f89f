import { InvalidArgumentError } from '@batchwise/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/csv-loader.js';
import { CsvFormatError } from '../src/errors.js';

/*
 * Property-based fuzzing of parseCsv (issue 11, "Fuzzing the parsers"): any
 * text, with either malformed-row policy, gives finite float32 features and
 * targets with one physical line per row, or one CsvFormatError /
 * InvalidArgumentError. The seed is fixed; BATCHWISE_FUZZ_SEED and
 * BATCHWISE_FUZZ_RUNS explore further.
 */

const SEED = Number(process.env.BATCHWISE_FUZZ_SEED ?? 20240611);
const RUNS = Number(process.env.BATCHWISE_FUZZ_RUNS ?? 500);

const piece = fc.constantFrom('a', 'b', 'y', ',', ';', '"', '\n', '\r\n', '\r', ' ', '0', '1', '-2.5', '3e4', '1e39', '-1e39', '3.4e38', '1e-50', '0x10', 'NaN', 'Infinity', '', '\uFEFF', '\u0000', 'é');
const text = fc.array(piece, { maxLength: 60 }).map((p) => p.join(''));

describe('fuzzing parseCsv', () => {
  it(`${RUNS} random texts parse to finite rows or fail in one error (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.oneof(text, text.map((t) => `a,b,y\n${t}`)), fc.constantFrom('error' as const, 'skip' as const), fc.constantFrom(',', ';'), (t, onMalformed, delimiter) => {
        try {
          const d = parseCsv(t, { target: 'y', onMalformed, delimiter });
          expect(d.features.data.every(Number.isFinite)).toBe(true);
          expect(d.target.data.every(Number.isFinite)).toBe(true);
          expect(d.lines).toHaveLength(d.features.shape[0]);
          expect(d.target.shape).toEqual([d.features.shape[0], 1]);
        } catch (e) {
          if (!(e instanceof CsvFormatError) && !(e instanceof InvalidArgumentError)) throw e;
          expect((e as Error).message.split('\n')).toHaveLength(1);
        }
      }),
      { seed: SEED, numRuns: RUNS, examples: [['a,y\n1e39,1\n', 'error', ','], ['a,y\n1,1e39\n', 'skip', ',']] },
    );
  });
});
