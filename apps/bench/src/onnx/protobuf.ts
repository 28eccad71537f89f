/*
 * A minimal protocol-buffers writer: just the wire format the ONNX model
 * messages need (varints, length-delimited fields, 32-bit floats). Writing it
 * here avoids a protobuf runtime plus generated ONNX code for a handful of
 * single-node models. Wire format: https://protobuf.dev/programming-guides/encoding/
 */

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/** Appends protobuf fields to a growing byte buffer; `finish()` returns the message bytes. */
export class ProtoWriter {
  /** Finished pieces; large byte fields are kept as they are instead of copied byte by byte. */
  private chunks: Uint8Array[] = [];
  private bytes: number[] = [];

  private flush(): void {
    if (this.bytes.length > 0) {
      this.chunks.push(Uint8Array.from(this.bytes));
      this.bytes = [];
    }
  }

  /** Unsigned or signed integer as a varint; negatives take ten bytes (two's complement int64). */
  private varint(value: bigint | number): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  /** An int32/int64/enum/bool field. */
  int(field: number, value: number | bigint): this {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new RangeError(`ProtoWriter.int: value must be a safe integer, received ${value}.`);
    }
    this.tag(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  /** Repeated integers, one tag each (the unpacked form every proto2 parser reads). */
  ints(field: number, values: readonly number[]): this {
    for (const v of values) this.int(field, v);
    return this;
  }

  /** A float field (fixed 32-bit, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const buf = new DataView(new ArrayBuffer(4));
    buf.setFloat32(0, value, true);
    for (let i = 0; i < 4; i++) this.bytes.push(buf.getUint8(i));
    return this;
  }

  /** A length-delimited bytes field. */
  bytesField(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(value.length);
    this.flush();
    this.chunks.push(value);
    return this;
  }

  /** A UTF-8 string field. */
  string(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  /** An embedded message field, written by `build` into its own writer. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }
}
