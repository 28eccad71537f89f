import type { Tensor } from '@batchwise/core';
import { FRAME_SLOTS, SLOT_WIDTH, TAG } from './exports.js';
import type { WasmRuntime } from './runtime.js';
import { storageOf, type WasmStorage } from './storage.js';

/*
 * One kernel call: its arguments written to the module's frame (csrc/entry/
 * args.h) slot by slot, in the order the entry reads them, then the entry
 * run. Outputs allocated for the call are freed again if it fails.
 */
export class KernelCall {
  private slot = 0;
  private frame: Float64Array;
  private readonly base: number;
  private readonly outputs: WasmStorage[] = [];

  constructor(
    private readonly rt: WasmRuntime,
    readonly fn: string,
  ) {
    this.base = rt.exports.bw_frame() / 8;
    this.frame = new Float64Array(rt.buffer);
  }

  private put(tag: number, values: readonly number[]): this {
    if (this.slot >= FRAME_SLOTS || values.length > SLOT_WIDTH - 1) throw new Error(`${this.fn}: too many arguments for the frame.`);
    // A block allocated for an earlier argument may have grown (and, unshared, detached) the memory.
    if (this.frame.buffer !== this.rt.buffer) this.frame = new Float64Array(this.rt.buffer);
    const at = this.base + this.slot * SLOT_WIDTH;
    this.frame[at] = tag;
    for (let i = 0; i < values.length; i++) this.frame[at + 1 + i] = values[i];
    this.slot++;
    return this;
  }

  /** An input tensor (moved into this memory first if another backend made it). */
  tensor(t: Tensor): this {
    const s = storageOf(this.rt, this.fn, t);
    return this.put(TAG.float32, [s.ptr, s.length]);
  }

  /** A block of this memory as float32 (an output). */
  storage(s: WasmStorage): this {
    return this.put(TAG.float32, [s.ptr, s.length]);
  }

  /** A block of this memory as int32. */
  int32(s: WasmStorage): this {
    return this.put(TAG.int32, [s.ptr, s.length]);
  }

  /** An output the call allocated: released again if the call fails. */
  output(s: WasmStorage): this {
    this.outputs.push(s);
    return this.storage(s);
  }

  /** An int32 output (maxPool's argmax), released again if the call fails. */
  outputInt32(s: WasmStorage): this {
    this.outputs.push(s);
    return this.int32(s);
  }

  null(): this {
    return this.put(TAG.null, []);
  }

  array(values: readonly number[]): this {
    return this.put(TAG.array, [values.length, ...values]);
  }

  number(x: number): this {
    return this.put(TAG.number, [x]);
  }

  boolean(b: boolean): this {
    return this.put(TAG.boolean, [b ? 1 : 0]);
  }

  /** A string option, sent as its index among the entry's allowed values (-1 for any other). */
  oneOf(value: string, allowed: readonly string[]): this {
    return this.put(TAG.string, [allowed.indexOf(value)]);
  }

  run(): void {
    if (this.frame.buffer !== this.rt.buffer) this.frame = new Float64Array(this.rt.buffer);
    if (this.slot < FRAME_SLOTS) this.frame[this.base + this.slot * SLOT_WIDTH] = TAG.end;
    try {
      this.rt.invoke(this.fn);
    } catch (e) {
      for (const s of this.outputs) s.release();
      throw e;
    }
  }
}
