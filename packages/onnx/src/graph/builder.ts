import type { OnnxAttribute, OnnxInitializer, OnnxNode } from '@batchwise/onnx-codec';

/**
 * Collects the nodes and initializers of the graph being exported and hands
 * out unique value names. Names start from a hint (a layer name, or the
 * layer name plus a step such as '/conv'), so the ONNX graph reads like the model.
 */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private readonly names = new Set<string>();
  /** Initializers already made from a weight, by key: a shared layer exports its weights once. */
  private readonly cached = new Map<unknown, Map<string, string>>();
  /** Transposes emitted so far, by '<value>|<layout>' (see layout.ts). */
  readonly transposes = new Map<string, { name: string; perm: readonly number[] }>();

  /** `hint`, or `hint_1`, `hint_2`... when taken. */
  unique(hint: string): string {
    let name = hint;
    for (let i = 1; this.names.has(name); i++) name = `${hint}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Adds a node with one output named from `hint`; returns that name. */
  node(opType: string, inputs: readonly string[], hint: string, attributes?: Record<string, OnnxAttribute>): string {
    const output = this.unique(hint);
    this.nodes.push({ opType, inputs, outputs: [output], name: output, ...(attributes ? { attributes } : {}) });
    return output;
  }

  /** Adds a float32 initializer; returns its name. */
  constant(hint: string, dims: readonly number[], data: Float32Array): string {
    const name = this.unique(hint);
    this.initializers.push({ name, dims, data });
    return name;
  }

  /** The initializer made from `source` by `make` under `key`, made once per source and key. */
  cachedConstant(source: unknown, key: string, make: () => { hint: string; dims: readonly number[]; data: Float32Array }): string {
    let bySource = this.cached.get(source);
    if (!bySource) this.cached.set(source, (bySource = new Map()));
    const hit = bySource.get(key);
    if (hit) return hit;
    const c = make();
    const name = this.constant(c.hint, c.dims, c.data);
    bySource.set(key, name);
    return name;
  }
}
