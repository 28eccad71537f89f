/*
 * The one number grammar of batchwise's text inputs (CSV fields, command-line
 * values): decimal or scientific notation. `Number()` would also take '',
 * ' ', '0x10' (16), '0b1', '0o7' and 'Infinity'.
 */

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Largest finite float32 (2^128 - 2^104): beyond it a value stored as float32 becomes Infinity. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** The value of a decimal number (surrounding spaces allowed), or undefined when the text is not one or is not finite. */
export function parseDecimal(text: string): number | undefined {
  const t = text.trim();
  if (!DECIMAL.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

/** A field or column name in single quotes for a one-line message: line breaks and other control characters are escaped. */
export function quoted(text: string): string {
  const escaped = text.replace(/[\u0000-\u001f\u007f]/g, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `'${escaped}'`;
}

/** What is wrong with a field that must become a float32, or undefined when nothing is. */
export function float32FieldProblem(text: string): string | undefined {
  const v = parseDecimal(text);
  if (v === undefined) return `must be a number, received ${text.trim() === '' ? 'an empty value' : quoted(text)}`;
  if (Math.abs(v) > FLOAT32_MAX) return `must fit in float32 (magnitude at most ${FLOAT32_MAX.toPrecision(8)}), received ${quoted(text.trim())}`;
  return undefined;
}
