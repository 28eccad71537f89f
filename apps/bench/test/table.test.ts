import { describe, expect, it } from 'vitest';
import { formatNumber, formatPercent, formatRatio, formatTable } from '../src/table.js';

describe('formatTable', () => {
  it('pads columns, left-aligns the first and right-aligns the rest', () => {
    const text = formatTable(['kernel', 'ms'], [['matMul', '12.5'], ['conv2d', '3.10']]);
    expect(text.split('\n')).toEqual([
      '| kernel |   ms |',
      '|:-------|-----:|',
      '| matMul | 12.5 |',
      '| conv2d | 3.10 |',
    ]);
  });

  it('honours explicit alignment and rejects ragged rows', () => {
    expect(formatTable(['a', 'b'], [['x', 'y']], ['right', 'left']).split('\n')[1]).toBe('|----:|:----|');
    expect(() => formatTable(['a', 'b'], [['x']])).toThrow('formatTable: row 0 must have 2 cells, received 1.');
  });
});

describe('number formats', () => {
  it('keeps three significant digits', () => {
    expect(formatNumber(1234.5)).toBe('1235');
    expect(formatNumber(45.67)).toBe('45.7');
    expect(formatNumber(3.14159)).toBe('3.14');
    expect(formatNumber(0.012345)).toBe('0.0123');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(undefined)).toBe('-');
    expect(formatNumber(Number.NaN)).toBe('-');
  });

  it('formats ratios and percentages', () => {
    expect(formatRatio(3.2)).toBe('3.20x');
    expect(formatRatio(25)).toBe('25.0x');
    expect(formatRatio(undefined)).toBe('-');
    expect(formatPercent(0.714)).toBe('71%');
    expect(formatPercent(undefined)).toBe('-');
  });
});
