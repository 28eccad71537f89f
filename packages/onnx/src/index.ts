export { toOnnx, toOnnxGraph, TO_ONNX_DEFAULTS, EXPORT_OPSET, type ToOnnxOptions } from './to-onnx.js';
export { saveOnnx } from './save-onnx.js';
export { EXPORTABLE_LAYERS } from './layers/index.js';
