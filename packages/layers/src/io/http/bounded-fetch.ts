import { FileError } from '../file-error.js';

/*
 * Fetching what a model names, with the guarantees the file reader gives on
 * disk: a response other than 200 is an error naming the status, and no more
 * bytes are read than the caller allows (Content-Length is checked before
 * the body, the body is counted as it streams, so a lying or missing header
 * changes nothing).
 */

export interface BoundedFetchOptions {
  /** Name used in error messages. */
  fn: string;
  /** What the resource is, for messages ('model.json', 'weight file'). */
  what: string;
  /** Refuse a body larger than this many bytes. */
  maxBytes: number;
  /** How to say where the limit comes from. */
  limitName: string;
}

/** The subset of the WHATWG fetch Response this module reads (Node 20 and browsers have it). */
interface ResponseLike {
  ok: boolean;
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  body: { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> } } | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

type FetchLike = (url: string) => Promise<ResponseLike>;

function globalFetch(fn: string): FetchLike {
  const f = (globalThis as { fetch?: FetchLike }).fetch;
  if (typeof f !== 'function') throw new FileError(`${fn}: loading from a URL needs fetch(), which this JavaScript runtime lacks.`, '', undefined);
  return f.bind(globalThis);
}

function tooLarge(url: string, o: BoundedFetchOptions, received: string): FileError {
  return new FileError(`${o.fn}: ${o.what} ${url} must hold at most ${o.maxBytes} bytes (${o.limitName}), received ${received}.`, url, 'EFBIG');
}

/** The body of `url` (HTTP 200 only), at most `maxBytes` bytes. */
export async function fetchBounded(url: string, o: BoundedFetchOptions): Promise<{ bytes: Uint8Array; contentType: string }> {
  let response: ResponseLike;
  try {
    response = await globalFetch(o.fn)(url);
  } catch (e) {
    if (e instanceof FileError) throw e;
    const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    throw new FileError(`${o.fn}: ${o.what} ${url} must be reachable, received a network error (${why}).`, url, undefined);
  }
  if (!response.ok) {
    const text = response.statusText ? ` ${response.statusText}` : '';
    throw new FileError(`${o.fn}: ${o.what} ${url} must be served with HTTP status 200, received ${response.status}${text}.`, url, `HTTP${response.status}`);
  }
  const contentType = response.headers.get('content-type') ?? '';
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > o.maxBytes) throw tooLarge(url, o, `${declared} (its Content-Length)`);
  if (!response.body) return { bytes: checkedBuffer(url, o, new Uint8Array(await response.arrayBuffer())), contentType };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!value) continue;
    total += value.byteLength;
    if (total > o.maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(url, o, `more (${total} bytes read so far)`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return { bytes, contentType };
}

function checkedBuffer(url: string, o: BoundedFetchOptions, bytes: Uint8Array): Uint8Array {
  if (bytes.byteLength > o.maxBytes) throw tooLarge(url, o, String(bytes.byteLength));
  return bytes;
}
