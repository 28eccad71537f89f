export { decodeModel, decodeTensor } from './decode.js';
export { encodeModel, encodeTensor, ENCODE_MODEL_DEFAULTS, type EncodeModelOptions } from './encode.js';
export {
  ONNX_IR_VERSION, ONNX_OPSET, OnnxDataType,
  type OnnxAttribute, type OnnxDim, type OnnxGraph, type OnnxInitializer, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo,
} from './types.js';
