export const ENTRIES: Record<'batchwise' | 'tfjs', string>;
export interface BundleMeasure {
  name: string;
  files: { file: string; bytes: number; gzip: number }[];
  bytes: number;
  gzip: number;
  builtins: { source: string; importer: string }[];
  code: string;
}
export function measure(name: 'batchwise' | 'tfjs'): Promise<BundleMeasure>;
export function tfjsPrebuilt(): { bytes: number; gzip: number };
