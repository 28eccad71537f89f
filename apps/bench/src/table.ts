/*
 * Markdown tables with padded columns: readable in a terminal and pasted
 * unchanged into the README.
 */

export type Align = 'left' | 'right';

/** Formats a Markdown table; columns are padded to their widest cell. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): string {
  for (const [i, row] of rows.entries()) {
    if (row.length !== headers.length) {
      throw new RangeError(`formatTable: row ${i} must have ${headers.length} cells, received ${row.length}.`);
    }
  }
  const widths = headers.map((h, c) => Math.max(3, h.length, ...rows.map((r) => r[c].length)));
  const alignOf = (c: number): Align => align?.[c] ?? (c === 0 ? 'left' : 'right');
  const pad = (s: string, c: number) => (alignOf(c) === 'left' ? s.padEnd(widths[c]) : s.padStart(widths[c]));
  const line = (cells: readonly string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (alignOf(c) === 'left' ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** Three significant digits, without exponent notation for the ranges a benchmark shows. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  if (abs === 0) return '0';
  return value.toPrecision(3);
}

/** A speedup like '3.2x'; '-' when a side did not run. */
export function formatRatio(value: number | undefined): string {
  return value === undefined ? '-' : `${formatNumber(value)}x`;
}

/** A fraction as a percentage, like '71%'. */
export function formatPercent(value: number | undefined): string {
  return value === undefined ? '-' : `${(value * 100).toFixed(0)}%`;
}
