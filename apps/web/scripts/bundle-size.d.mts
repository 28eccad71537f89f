export type BundleName = 'batchwise' | 'batchwise-wasm' | 'tfjs';
export const ENTRIES: Record<BundleName, string>;
export interface BundleMeasure {
  name: string;
  files: { file: string; bytes: number; gzip: number }[];
  /** Emitted files other than code (.wasm modules and the like). */
  assets: string[];
  bytes: number;
  gzip: number;
  builtins: { source: string; importer: string }[];
  code: string;
}
export function measure(name: BundleName): Promise<BundleMeasure>;
export function tfjsPrebuilt(): { bytes: number; gzip: number };
