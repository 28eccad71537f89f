import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseInteger, parseNonNegativeInt, parseNumberList, parsePositiveInt, parsePositiveNumber } from '../src/cli/parse.js';

describe('option parsers never coerce', () => {
  it.each(['0', '-1', '2.5', 'abc', '', '1e3'])('parsePositiveInt rejects %j', (v) => {
    expect(() => parsePositiveInt(v)).toThrow(InvalidArgumentError);
  });
  it('parsePositiveInt accepts integers', () => expect(parsePositiveInt('64')).toBe(64));
  it('parseNonNegativeInt accepts 0', () => expect(parseNonNegativeInt('0')).toBe(0));
  it.each(['0', '-0.1', 'NaN', 'Infinity', 'x', '0x10', '0b11', '0o7', ' '])('parsePositiveNumber rejects %j (decimal only: 0x10 was read as 16)', (v) => {
    expect(() => parsePositiveNumber(v)).toThrow('must be a positive number');
  });
  it('parsePositiveNumber accepts exponents', () => expect(parsePositiveNumber('1e-3')).toBe(0.001));
  it('parseInteger accepts negatives', () => expect(parseInteger('-7')).toBe(-7));
  it('parseNumberList splits on commas', () => expect(parseNumberList('0.1,1,10')).toEqual([0.1, 1, 10]));
  it('parseNumberList rejects empty items', () => expect(() => parseNumberList('0.1,,1')).toThrow(InvalidArgumentError));
  it('parseNumberList rejects hexadecimal items', () => expect(() => parseNumberList('0.1,0x10')).toThrow(InvalidArgumentError));
});
