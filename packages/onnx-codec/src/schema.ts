import onnxProto from 'onnx-proto';

/*
 * The official ONNX schema (onnx/onnx.proto3 of ONNX 1.10.2, IR version 8),
 * compiled to static protobufjs code by the `onnx-proto` package. It is a
 * CommonJS module that assigns `module.exports`, so its namespace arrives as
 * the default import. Newer ONNX files decode too: fields added after 1.10
 * (which none of our readers need) are skipped as unknown fields.
 */
export const onnx = onnxProto.onnx;

/** A 64-bit integer as protobufjs gives it: a number, or a `long` object when the `long` package is present. */
export type Int64 = number | { toNumber(): number; toString(): string };
