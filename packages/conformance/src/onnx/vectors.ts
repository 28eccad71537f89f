/*
 * Every ONNX node-test vector of the relevant operators in
 * shared/onnx-node-tests (ONNX v1.22.0), and whether batchwise is held to it.
 * A vector without `skip` must be found and must pass; a skipped one is
 * reported with its reason. The padding reasons were checked with
 * `matchPadding` (windows.ts): ONNX's window starts differ from both 'valid'
 * and TF 'same'.
 */

export type OnnxOp = 'Conv' | 'BatchNormalization' | 'MaxPool' | 'Gemm' | 'Softmax' | 'Relu' | 'Dropout';

export interface OnnxVector {
  /** Folder name, relative to the vector root. */
  test: string;
  op: OnnxOp;
  /** Why the vector cannot be expressed with batchwise's kernels and options. */
  skip?: string;
  /** How it is mapped, when that is not obvious. */
  note?: string;
}

const GROUPS = 'grouped/depthwise convolution (group > 1): conv2d has no groups';
const RANDOM_MASK = "training-mode mask drawn by ONNX's generator; batchwise draws its own (the dropout cases check the mask's properties instead)";
const NO_POOL_DILATION = 'maxPool has no dilation option';
const PT = 'pytorch-converted/';

export const ONNX_VECTORS: OnnxVector[] = [
  { test: 'test_basic_conv_with_padding', op: 'Conv', note: "pads [1,1,1,1], 3x3, stride 1 = 'same'" },
  { test: 'test_basic_conv_without_padding', op: 'Conv' },
  { test: 'test_conv_with_autopad_same', op: 'Conv',
    note: "SAME_LOWER is not Keras 'same' in general (it puts an odd padding element first), but here the total padding is 2, split 1/1 either way" },
  { test: 'test_conv_with_strides_and_asymmetric_padding', op: 'Conv',
    skip: "pads [1,0,1,0] on 7x5: 'same' along H but 'valid' along W; one padding mode covers both axes" },
  { test: 'test_conv_with_strides_no_padding', op: 'Conv' },
  { test: 'test_conv_with_strides_padding', op: 'Conv', note: "pads [1,1,1,1], stride 2 on 7x5 = 'same'" },
  { test: `${PT}test_Conv2d`, op: 'Conv' },
  { test: `${PT}test_Conv2d_depthwise`, op: 'Conv', skip: GROUPS },
  { test: `${PT}test_Conv2d_depthwise_padded`, op: 'Conv', skip: GROUPS },
  { test: `${PT}test_Conv2d_depthwise_strided`, op: 'Conv', skip: GROUPS },
  { test: `${PT}test_Conv2d_depthwise_with_multiplier`, op: 'Conv', skip: GROUPS },
  { test: `${PT}test_Conv2d_dilated`, op: 'Conv',
    skip: "pads [1,1,1,1], dilation 2, stride 2 on 8x8: windows start at -1,1,3 (3 outputs); 'same' starts at -1,1,3,5 (4 outputs, padding 1/2)" },
  { test: `${PT}test_Conv2d_groups`, op: 'Conv', skip: GROUPS },
  { test: `${PT}test_Conv2d_groups_thnn`, op: 'Conv', skip: GROUPS },
  { test: `${PT}test_Conv2d_no_bias`, op: 'Conv' },
  { test: `${PT}test_Conv2d_padding`, op: 'Conv',
    skip: "PyTorch's symmetric pads [1,1,1,1], stride 2 on 6x6: windows start at -1,1,3; TF 'same' pads 0 before and 1 after, starting at 0,2,4" },
  { test: `${PT}test_Conv2d_strided`, op: 'Conv' },

  { test: 'test_batchnorm_example', op: 'BatchNormalization' },
  { test: 'test_batchnorm_epsilon', op: 'BatchNormalization' },
  { test: 'test_batchnorm_example_training_mode', op: 'BatchNormalization',
    note: 'running = momentum * running + (1 - momentum) * batch, with the biased batch variance: the Keras convention' },
  { test: 'test_batchnorm_epsilon_training_mode', op: 'BatchNormalization' },
  { test: `${PT}test_BatchNorm1d_3d_input_eval`, op: 'BatchNormalization', note: 'NCL to NLC: rank-3 batch norm' },
  { test: `${PT}test_BatchNorm2d_eval`, op: 'BatchNormalization' },
  { test: `${PT}test_BatchNorm2d_momentum_eval`, op: 'BatchNormalization' },
  { test: `${PT}test_BatchNorm3d_eval`, op: 'BatchNormalization', note: 'NCDHW to NDHWC: rank-5 batch norm' },
  { test: `${PT}test_BatchNorm3d_momentum_eval`, op: 'BatchNormalization' },

  { test: 'test_globalmaxpool', op: 'MaxPool', note: 'GlobalMaxPool = maxPool with the whole H x W window' },
  { test: 'test_globalmaxpool_precomputed', op: 'MaxPool' },
  { test: 'test_maxpool_1d_default', op: 'MaxPool', skip: '1-D pooling: maxPool is 2-D (NHWC)' },
  { test: 'test_maxpool_2d_ceil', op: 'MaxPool', note: "ceil_mode windows on 4x4, 3x3 stride 2 start at 0,2: the same windows as 'same'" },
  { test: 'test_maxpool_2d_ceil_output_size_reduce_by_one', op: 'MaxPool' },
  { test: 'test_maxpool_2d_default', op: 'MaxPool' },
  { test: 'test_maxpool_2d_dilations', op: 'MaxPool', skip: NO_POOL_DILATION },
  { test: 'test_maxpool_2d_pads', op: 'MaxPool',
    skip: "pads 2 around a 3x3 window, stride 1, on 28x28: 30x30 outputs starting at -2; 'same' gives 28x28 starting at -1" },
  { test: 'test_maxpool_2d_precomputed_pads', op: 'MaxPool' },
  { test: 'test_maxpool_2d_precomputed_same_upper', op: 'MaxPool' },
  { test: 'test_maxpool_2d_precomputed_strides', op: 'MaxPool' },
  { test: 'test_maxpool_2d_same_lower', op: 'MaxPool',
    skip: "SAME_LOWER with an odd total padding (2x2 window, stride 1) puts the extra row and column first; TF/Keras 'same' puts them last" },
  { test: 'test_maxpool_2d_same_upper', op: 'MaxPool' },
  { test: 'test_maxpool_2d_strides', op: 'MaxPool' },
  { test: 'test_maxpool_2d_uint8', op: 'MaxPool', note: 'uint8 values converted to float32 (exact)' },
  { test: 'test_maxpool_3d_default', op: 'MaxPool', skip: '3-D pooling: maxPool is 2-D (NHWC)' },
  { test: 'test_maxpool_3d_dilations', op: 'MaxPool', skip: '3-D pooling with dilation' },
  { test: 'test_maxpool_3d_dilations_use_ref_impl', op: 'MaxPool', skip: '3-D pooling with dilation' },
  { test: 'test_maxpool_3d_dilations_use_ref_impl_large', op: 'MaxPool', skip: '3-D pooling with dilation' },
  { test: 'test_maxpool_with_argmax_2d_precomputed_pads', op: 'MaxPool', note: 'argmax converted from NHWC to NCHW flat indices' },
  { test: 'test_maxpool_with_argmax_2d_precomputed_strides', op: 'MaxPool', note: 'storage_order 1: column-major argmax indices' },
  { test: `${PT}test_MaxPool2d`, op: 'MaxPool' },
  { test: `${PT}test_MaxPool2d_stride_padding_dilation`, op: 'MaxPool', skip: NO_POOL_DILATION },

  ...[
    'test_gemm_all_attributes', 'test_gemm_alpha', 'test_gemm_beta', 'test_gemm_default_matrix_bias', 'test_gemm_default_no_bias',
    'test_gemm_default_scalar_bias', 'test_gemm_default_single_elem_vector_bias', 'test_gemm_default_vector_bias',
    'test_gemm_default_zero_bias', 'test_gemm_transposeA', 'test_gemm_transposeB', `${PT}test_Linear`,
  ].map((test): OnnxVector => ({ test, op: 'Gemm', note: 'matMul with transposes, mulScalar for alpha and beta, add for C' })),
  { test: `${PT}test_Linear_no_bias`, op: 'Gemm', note: 'Transpose + MatMul graph: transpose then matMul' },

  { test: 'test_softmax_axis_0', op: 'Softmax', skip: 'softmax over axis 0 of a rank-3 tensor: softmax is last-axis only' },
  { test: 'test_softmax_axis_1', op: 'Softmax', skip: 'softmax over axis 1 of a rank-3 tensor: softmax is last-axis only' },
  { test: 'test_softmax_axis_2', op: 'Softmax' },
  { test: 'test_softmax_default_axis', op: 'Softmax' },
  { test: 'test_softmax_example', op: 'Softmax' },
  { test: 'test_softmax_large_number', op: 'Softmax' },
  { test: 'test_softmax_negative_axis', op: 'Softmax' },
  { test: `${PT}test_Softmax`, op: 'Softmax', note: 'opset 6, axis 1 of a rank-2 tensor: the last axis' },
  { test: `${PT}test_softmax_lastdim`, op: 'Softmax' },

  { test: 'test_relu', op: 'Relu' },
  { test: `${PT}test_ReLU`, op: 'Relu' },

  ...['test_dropout_default', 'test_dropout_default_mask', 'test_dropout_default_mask_ratio', 'test_dropout_default_old',
    'test_dropout_default_ratio', 'test_dropout_random_old'].map((test): OnnxVector => ({
    test, op: 'Dropout', note: 'inference: the layer skips the kernel; the kernel at rate 0 must be the identity with an all-ones mask',
  })),
  { test: 'test_training_dropout', op: 'Dropout', skip: RANDOM_MASK },
  { test: 'test_training_dropout_default', op: 'Dropout', skip: RANDOM_MASK },
  { test: 'test_training_dropout_default_mask', op: 'Dropout', skip: RANDOM_MASK },
  { test: 'test_training_dropout_mask', op: 'Dropout', skip: RANDOM_MASK },
  { test: 'test_training_dropout_zero_ratio', op: 'Dropout' },
  { test: 'test_training_dropout_zero_ratio_mask', op: 'Dropout' },
];
