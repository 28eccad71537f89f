/*
 * A minimal protobuf wire-format reader, enough for ONNX's ModelProto and
 * TensorProto (https://protobuf.dev/programming-guides/encoding/): varints,
 * 64- and 32-bit fixed fields and length-delimited fields. No schema: callers
 * pick fields by number.
 */

export type WireValue =
  | { wire: 0; varint: bigint }
  | { wire: 1; bytes: Uint8Array }
  | { wire: 2; bytes: Uint8Array }
  | { wire: 5; bytes: Uint8Array };

/** Every field of one message, by field number, in order of appearance (repeated fields have several). */
export type ProtoMessage = Map<number, WireValue[]>;

export class ProtobufError extends Error {
  override name = 'ProtobufError';
}

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new ProtobufError(`protobuf: varint runs past the end at byte ${pos}.`);
    const b = buf[pos++];
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
  throw new ProtobufError(`protobuf: varint longer than 10 bytes at byte ${pos}.`);
}

/** Splits one message into its fields. */
export function parseMessage(buf: Uint8Array): ProtoMessage {
  const fields: ProtoMessage = new Map();
  let pos = 0;
  while (pos < buf.length) {
    const [key, afterKey] = readVarint(buf, pos);
    pos = afterKey;
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    let value: WireValue;
    if (wire === 0) {
      const [v, next] = readVarint(buf, pos);
      value = { wire: 0, varint: v };
      pos = next;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (pos + n > buf.length) throw new ProtobufError(`protobuf: fixed field ${field} runs past the end.`);
      value = { wire, bytes: buf.subarray(pos, pos + n) };
      pos += n;
    } else if (wire === 2) {
      const [len, next] = readVarint(buf, pos);
      const end = next + Number(len);
      if (end > buf.length) throw new ProtobufError(`protobuf: field ${field} of length ${len} runs past the end.`);
      value = { wire: 2, bytes: buf.subarray(next, end) };
      pos = end;
    } else {
      throw new ProtobufError(`protobuf: unsupported wire type ${wire} for field ${field}.`);
    }
    const list = fields.get(field);
    if (list) list.push(value);
    else fields.set(field, [value]);
  }
  return fields;
}

/** A varint field as a signed 64-bit number (ONNX ints are int64; two's complement negatives). */
export function toInt(v: WireValue): number {
  if (v.wire !== 0) throw new ProtobufError(`protobuf: expected a varint, received wire type ${v.wire}.`);
  return Number(BigInt.asIntN(64, v.varint));
}

/** All values of a repeated varint field, packed (one length-delimited run) or not. */
export function repeatedInts(msg: ProtoMessage, field: number): number[] {
  const out: number[] = [];
  for (const v of msg.get(field) ?? []) {
    if (v.wire === 0) {
      out.push(toInt(v));
      continue;
    }
    if (v.wire !== 2) throw new ProtobufError(`protobuf: field ${field} is neither a varint nor packed varints.`);
    let pos = 0;
    while (pos < v.bytes.length) {
      const [x, next] = readVarint(v.bytes, pos);
      out.push(Number(BigInt.asIntN(64, x)));
      pos = next;
    }
  }
  return out;
}

/** All values of a repeated float field, packed or not (little-endian float32). */
export function repeatedFloats(msg: ProtoMessage, field: number): number[] {
  const out: number[] = [];
  for (const v of msg.get(field) ?? []) {
    if (v.wire === 0) throw new ProtobufError(`protobuf: field ${field} is a varint, expected floats.`);
    const dv = new DataView(v.bytes.buffer, v.bytes.byteOffset, v.bytes.byteLength);
    for (let i = 0; i + 4 <= v.bytes.byteLength; i += 4) out.push(dv.getFloat32(i, true));
  }
  return out;
}

export function bytesField(msg: ProtoMessage, field: number): Uint8Array | undefined {
  const v = msg.get(field)?.[0];
  return v && v.wire === 2 ? v.bytes : undefined;
}

export function stringField(msg: ProtoMessage, field: number): string | undefined {
  const b = bytesField(msg, field);
  return b ? new TextDecoder().decode(b) : undefined;
}

export function messages(msg: ProtoMessage, field: number): ProtoMessage[] {
  return (msg.get(field) ?? []).filter((v) => v.wire === 2).map((v) => parseMessage(v.bytes));
}
