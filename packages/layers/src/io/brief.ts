import { describeValue } from '@batchwise/core';

/*
 * Values from a model file quoted in an error message, kept short: the file
 * may hold a megabyte-long string or list, and a message is one line.
 */

const MAX_CHARS = 80;

export function brief(v: unknown): string {
  if (Array.isArray(v) && v.length > 8) return `a list of ${v.length} items`;
  const s = typeof v === 'string' ? `'${escapeControl(v)}'` : Array.isArray(v) ? JSON.stringify(v) ?? describeValue(v) : escapeControl(describeValue(v));
  return s.length > MAX_CHARS ? `${s.slice(0, MAX_CHARS)}...` : s;
}

/** Line breaks and other control characters as escapes, so a message stays one line. */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}
