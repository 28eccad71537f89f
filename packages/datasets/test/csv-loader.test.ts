import { InvalidArgumentError } from '@batchwise/core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCsv, parseCsv } from '../src/csv-loader.js';
import { tokenizeCsv } from '../src/csv-tokenize.js';
import { parseDecimal } from '../src/decimal.js';
import { CsvFormatError } from '../src/errors.js';

function csvError(text: string, target = 'price'): CsvFormatError {
  try {
    parseCsv(text, { target });
  } catch (e) {
    expect(e).toBeInstanceOf(CsvFormatError);
    return e as CsvFormatError;
  }
  throw new Error('expected a CsvFormatError');
}

describe('tokenizeCsv', () => {
  it('handles quotes, doubled quotes, embedded delimiters and line breaks', () => {
    const text = 'a,b\r\n"x, y","say ""hi"""\n"multi\nline",2\n';
    expect(tokenizeCsv(text, ',')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['multi\nline', '2'] },
    ]);
  });

  it('skips blank lines but keeps physical line numbers, with LF, CRLF and CR', () => {
    expect(tokenizeCsv('\uFEFFa\r\n\r\n1\r2\n  \n3', ',').map((r) => [r.line, r.fields[0]])).toEqual([
      [1, 'a'],
      [3, '1'],
      [4, '2'],
      [6, '3'],
    ]);
  });

  it('marks malformed quoting without throwing', () => {
    const records = tokenizeCsv('a,b\n1,x"y\n"1"2,3\n4,"open\n', ',');
    expect(records.map((r) => r.error)).toEqual([
      undefined,
      'field 2 has a quote but is not quoted',
      'field 1 has text after its closing quote',
      'quoted field 2 is never closed',
    ]);
  });

  it('keeps empty trailing fields', () => {
    expect(tokenizeCsv('1,,\n', ',')[0].fields).toEqual(['1', '', '']);
  });
});

describe('parseCsv', () => {
  const text = 'age,km,price,model\r\n1,1000,50,"Fiat, 500"\r\n2.5,2e4,41.5,Golf\r\n\r\n 3 ,+30000,-1,x\r\n';

  it('returns features [n, f] and target [n, 1] in header order', () => {
    const d = parseCsv(text, { target: 'price', features: ['age', 'km'] });
    expect(d.features.shape).toEqual([3, 2]);
    expect(d.target.shape).toEqual([3, 1]);
    expect([...d.features.data]).toEqual([1, 1000, 2.5, 20000, 3, 30000]);
    expect([...d.target.data]).toEqual([50, 41.5, -1]);
    expect(d.featureNames).toEqual(['age', 'km']);
    expect(d.targetName).toBe('price');
    expect([...d.lines]).toEqual([2, 3, 5]);
    expect(d.skipped).toEqual([]);
  });

  it('uses every other column as a feature by default, and they must be numeric', () => {
    const e = csvError(text);
    expect(e.problems.map((p) => p.line)).toEqual([2, 3, 5]);
    expect(e.problems[0].message).toBe("column 'model' must be a number, received 'Fiat, 500'");
    expect(parseCsv('a;b;y\n1;2;3\n', { target: 'y', delimiter: ';' }).featureNames).toEqual(['a', 'b']);
  });

  it('reports every malformed row by line number', () => {
    const bad = ['x,y,price', '1,2,3', '1,2', '1,abc,3', '', '1,,3', '4,5,6,7', '1,0x10,Infinity', '"1"2,3,4', '7,8,9'].join('\n');
    const e = csvError(bad);
    expect(e.problems).toEqual([
      { line: 3, message: 'expected 3 fields, received 2' },
      { line: 4, message: "column 'y' must be a number, received 'abc'" },
      { line: 6, message: "column 'y' must be a number, received an empty value" },
      { line: 7, message: 'expected 3 fields, received 4' },
      { line: 8, message: "column 'y' must be a number, received '0x10', column 'price' must be a number, received 'Infinity'" },
      { line: 9, message: 'field 1 has text after its closing quote' },
    ]);
    expect(e.message).toBe(
      "parseCsv: csv must have well-formed numeric rows, received 6 malformed: line 3: expected 3 fields, received 2; " +
        "line 4: column 'y' must be a number, received 'abc'; line 6: column 'y' must be a number, received an empty value; " +
        "line 7: expected 3 fields, received 4; line 8: column 'y' must be a number, received '0x10', column 'price' must be a number, received 'Infinity'; and 1 more.",
    );
  });

  it('skips malformed rows with onMalformed: skip and lists them', () => {
    const d = parseCsv('a,y\n1,2\n1e999,3\n4,5\n', { target: 'y', onMalformed: 'skip' });
    expect([...d.features.data]).toEqual([1, 4]);
    expect([...d.lines]).toEqual([2, 4]);
    expect(d.skipped).toEqual([{ line: 3, message: "column 'a' must be a number, received '1e999'" }]);
  });

  it('refuses values float32 cannot hold (1e39 became Infinity, silently), keeps the largest it can', () => {
    const d = parseCsv('a,y\n1e39,1\n-3.5e38,2\n3.4e38,3\n1e-50,4\n', { target: 'y', onMalformed: 'skip' });
    expect(d.skipped).toEqual([
      { line: 2, message: "column 'a' must fit in float32 (magnitude at most 3.4028235e+38), received '1e39'" },
      { line: 3, message: "column 'a' must fit in float32 (magnitude at most 3.4028235e+38), received '-3.5e38'" },
    ]);
    expect([...d.features.data]).toEqual([Math.fround(3.4e38), 0]);
    expect(d.features.data.every(Number.isFinite)).toBe(true);
    expect(() => parseCsv('a,y\n1,1e39\n', { target: 'y' })).toThrow("line 2: column 'y' must fit in float32");
  });

  it('parseDecimal reads decimal numbers only', () => {
    expect(['1', ' 2.5 ', '-3e4', '.5', '+7.'].map(parseDecimal)).toEqual([1, 2.5, -30000, 0.5, 7]);
    for (const bad of ['', ' ', '0x10', '0b1', '0o7', 'Infinity', '1e999', 'NaN', '1,5', '--1']) expect(parseDecimal(bad), bad).toBeUndefined();
  });

  it.each([
    ['', 'parseCsv: csv must have a header row, received no lines.'],
    ['a,,price\n1,2,3', 'parseCsv: csv header on line 1 must name every column, received an empty name for column 2.'],
    ['a,a,price\n1,2,3', "parseCsv: csv header on line 1 must have unique column names, received 'a' twice."],
    ['a,"b,price\n1,2,3', 'parseCsv: csv header on line 1 is malformed: quoted field 2 is never closed.'],
    ['a,price\n\n', 'parseCsv: csv must have at least one data row, received none.'],
  ])('rejects a bad file: %j', (bad, message) => {
    expect(csvError(bad).message).toBe(message);
  });

  it.each([
    [{ target: 'cost' }, "parseCsv: target must name a header column ('a', 'b', 'price'), received 'cost'."],
    [{ target: 'price', features: ['a', 'z'] }, "parseCsv: features must name a header column ('a', 'b', 'price'), received 'z'."],
    [{ target: 'price', features: ['a', 'price'] }, "parseCsv: features must not include the target 'price', received ['a','price']."],
    [{ target: 'price', features: ['a', 'a'] }, "parseCsv: features must not repeat a column, received ['a','a']."],
    [{ target: 'price', features: [] }, 'parseCsv: features must name at least one column, received none.'],
    [{ target: 'price', delimiter: '"' }, "parseCsv: delimiter must be one character other than '\"', CR or LF, received '\"'."],
    [{ target: 'price', onMalformed: 'warn' }, "parseCsv: onMalformed must be one of 'error', 'skip', received 'warn'."],
    [{ target: '' }, "parseCsv: target must be a non-empty string, received ''."],
    [{ target: 'price', header: true }, "parseCsv: options must only have keys 'target', 'features', 'delimiter', 'onMalformed', 'source', received 'header'."],
  ])('rejects options %j', (options, message) => {
    const call = () => parseCsv('a,b,price\n1,2,3\n', options as never);
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(message);
  });
});

describe('loadCsv', () => {
  it('reads a file and names it in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-csv-'));
    try {
      const path = join(dir, 'cars.csv');
      writeFileSync(path, 'age,km,price\r\n1,2,3\r\n4,5\r\n');
      expect(() => loadCsv(path, { target: 'price' })).toThrow(
        `loadCsv: ${path} must have well-formed numeric rows, received 1 malformed: line 3: expected 3 fields, received 2.`,
      );
      writeFileSync(path, 'age,km,price\r\n1,2,3\r\n');
      expect(loadCsv(path, { target: 'price' }).features.shape).toEqual([1, 2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
