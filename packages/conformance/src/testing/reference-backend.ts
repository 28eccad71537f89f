import { Tensor, argmaxRangeError, sizeOf, type Backend, type BackendInfo } from '@batchwise/core';
import * as R from '../references/index.js';

/*
 * A correct but slow float32 backend built on the float64 references, each
 * result rounded to float32. It exists to prove the suite: the clean backend
 * must pass, and `plantBug` wrappers of it must fail. It is not for real use.
 */

const f64 = R.fromTensor;
const f32 = (a: R.Array64): Tensor => new Tensor(Float32Array.from(a.data), a.shape);
const copyInto = (dst: Tensor, src: R.Array64): void => dst.data.set(src.data);

/** Creates the reference backend; `name` defaults to 'reference'. */
export function createReferenceBackend(name = 'reference'): Backend {
  return {
    name,
    info: (): BackendInfo => ({ name, threads: 1, simd: 'scalar', precision: 'float64 reference rounded to float32' }),
    matMul: (a, b, o = {}) => f32(R.refMatMul(f64(a), f64(b), o.transposeA ?? false, o.transposeB ?? false)),
    transpose: (x, perm) => f32(R.refTranspose(f64(x), perm)),
    conv2d: (x, f, o) => f32(R.refConv2d(f64(x), f64(f), o)),
    conv2dBackpropInput: (dy, f, shape, o) => f32(R.refConv2dBackpropInput(f64(dy), f64(f), shape, o)),
    conv2dBackpropFilter: (x, dy, shape, o) => f32(R.refConv2dBackpropFilter(f64(x), f64(dy), shape, o)),
    batchNormTraining: (x, gamma, beta, o) => {
      const r = R.refBatchNormTraining(f64(x), f64(gamma), f64(beta), o.epsilon);
      return { y: f32(r.y), mean: f32(r.mean), variance: f32(r.variance), invStd: f32(r.invStd) };
    },
    batchNormInference: (x, p) =>
      f32(R.refBatchNormInference(f64(x), f64(p.mean), f64(p.variance), f64(p.gamma), f64(p.beta), p.epsilon)),
    batchNormBackward: (dy, p) => {
      const g = R.refBatchNormBackward(f64(dy), f64(p.x), f64(p.gamma), f64(p.mean), f64(p.invStd));
      return { dx: f32(g.dx), dgamma: f32(g.dgamma), dbeta: f32(g.dbeta) };
    },
    maxPool: (x, o) => {
      const r = R.refMaxPool(f64(x), o);
      return { y: f32(r.y), argmax: r.argmax };
    },
    maxPoolInference: (x, o) => f32(R.refMaxPool(f64(x), o).y),
    maxPoolBackward: (dy, argmax, shape) => {
      const bad = argmaxRangeError(argmax, sizeOf(shape));
      if (bad) throw bad;
      return f32(R.refMaxPoolBackward(f64(dy), argmax, shape));
    },
    batchNormReluTraining: (x, gamma, beta, o) => {
      const r = R.refBatchNormReluTraining(f64(x), f64(gamma), f64(beta), o.epsilon, o.pool);
      return { y: f32(r.y), mean: f32(r.mean), variance: f32(r.variance), invStd: f32(r.invStd), ...(r.argmax ? { argmax: r.argmax } : {}) };
    },
    batchNormReluBackward: (dy, p) => {
      if (p.argmax) {
        const bad = argmaxRangeError(p.argmax, p.x.size);
        if (bad) throw bad;
      }
      const g = R.refBatchNormReluBackward(f64(dy), f64(p.x), f64(p.gamma), f64(p.mean), f64(p.invStd), f64(p.y), p.argmax);
      return { dx: f32(g.dx), dgamma: f32(g.dgamma), dbeta: f32(g.dbeta) };
    },
    conv2dBatchNormReluBackwardFilter: (dy, p) => {
      if (p.argmax) {
        const bad = argmaxRangeError(p.argmax, p.x.size);
        if (bad) throw bad;
      }
      const g = R.refBatchNormReluBackward(f64(dy), f64(p.x), f64(p.gamma), f64(p.mean), f64(p.invStd), f64(p.y), p.argmax);
      return { dfilter: f32(R.refConv2dBackpropFilter(f64(p.input), g.dx, p.filter.shape, p.conv)), dgamma: f32(g.dgamma), dbeta: f32(g.dbeta) };
    },
    conv2dBatchNormReluTraining: (x, f, gamma, beta, o) => {
      const r = R.refConv2dBatchNormReluTraining(f64(x), f64(f), f64(gamma), f64(beta), o.epsilon, o, o.pool);
      return { z: f32(r.z), y: f32(r.y), mean: f32(r.mean), variance: f32(r.variance), invStd: f32(r.invStd), ...(r.argmax ? { argmax: r.argmax } : {}) };
    },
    conv2dBatchNormRelu: (x, f, p, o) =>
      f32(R.refConv2dBatchNormRelu(f64(x), f64(f), f64(p.mean), f64(p.variance), f64(p.gamma), f64(p.beta), p.epsilon, o, o.pool)),
    biasAdd: (x, bias) => f32(R.refBiasAdd(f64(x), f64(bias))),
    biasGrad: (dy) => f32(R.refBiasGrad(f64(dy))),
    relu: (x) => f32(R.refRelu(f64(x))),
    reluBackward: (dy, y) => f32(R.refReluBackward(f64(dy), f64(y))),
    sigmoid: (x) => f32(R.refSigmoid(f64(x))),
    sigmoidBackward: (dy, y) => f32(R.refSigmoidBackward(f64(dy), f64(y))),
    tanh: (x) => f32(R.refTanh(f64(x))),
    tanhBackward: (dy, y) => f32(R.refTanhBackward(f64(dy), f64(y))),
    softmax: (x) => f32(R.refSoftmax(f64(x))),
    softmaxBackward: (dy, y) => f32(R.refSoftmaxBackward(f64(dy), f64(y))),
    dropout: (x, o) => {
      const keepUnit = R.refDropoutKeep(o.seed, x.size, o.rate);
      const keep = 1 / (1 - o.rate);
      const mask = new Tensor(Float32Array.from(keepUnit, (k) => (k ? keep : 0)), x.shape);
      return { y: f32(R.refDropoutApply(f64(x), f64(mask))), mask };
    },
    dropoutBackward: (dy, mask) => f32(R.refDropoutApply(f64(dy), f64(mask))),
    add: (a, b) => f32(R.refBinary('add', f64(a), f64(b))),
    sub: (a, b) => f32(R.refBinary('sub', f64(a), f64(b))),
    mul: (a, b) => f32(R.refBinary('mul', f64(a), f64(b))),
    div: (a, b) => f32(R.refBinary('div', f64(a), f64(b))),
    maximum: (a, b) => f32(R.refBinary('maximum', f64(a), f64(b))),
    minimum: (a, b) => f32(R.refBinary('minimum', f64(a), f64(b))),
    equal: (a, b) => f32(R.refEqual(f64(a), f64(b))),
    greater: (a, b) => f32(R.refGreater(f64(a), f64(b))),
    addScalar: (x, s) => f32(R.refAddScalar(f64(x), s)),
    mulScalar: (x, s) => f32(R.refMulScalar(f64(x), s)),
    neg: (x) => f32(R.refUnary('neg', f64(x))),
    abs: (x) => f32(R.refUnary('abs', f64(x))),
    exp: (x) => f32(R.refUnary('exp', f64(x))),
    log: (x) => f32(R.refUnary('log', f64(x))),
    sqrt: (x) => f32(R.refUnary('sqrt', f64(x))),
    square: (x) => f32(R.refUnary('square', f64(x))),
    clip: (x, lo, hi) => f32(R.refClip(f64(x), lo, hi)),
    broadcastBinary: (x, v, o) => f32(R.refBroadcastBinary(o.op, f64(x), f64(v), o.axis)),
    gather: (x, indices, o) => f32(R.refGather(f64(x), indices, o.axis)),
    concat: (tensors, o) => f32(R.refConcat(tensors.map(f64), o.axis)),
    oneHot: (indices, o) => f32(R.refOneHot(f64(indices), o.depth)),
    sum: (x, o = {}) => f32(R.refReduce('sum', f64(x), o.axes, o.keepDims ?? false)),
    mean: (x, o = {}) => f32(R.refReduce('mean', f64(x), o.axes, o.keepDims ?? false)),
    max: (x, o = {}) => f32(R.refReduce('max', f64(x), o.axes, o.keepDims ?? false)),
    argMax: (x) => f32(R.refArgMax(f64(x))),
    softmaxCrossEntropy: (logits, labels) => {
      const r = R.refSoftmaxCrossEntropy(f64(logits), f64(labels));
      return { loss: f32(r.loss), dlogits: f32(r.dlogits) };
    },
    // In place, like every backend: the float32 state is read, stepped in float64 and written back.
    sgdUpdate: (param, grad, velocity, o) => {
      const w = f64(param);
      const v = velocity ? f64(velocity) : null;
      R.refSgdStep(w, f64(grad), v, o);
      copyInto(param, w);
      if (velocity && v) copyInto(velocity, v);
    },
    adamUpdate: (param, grad, m, v, o) => {
      const w = f64(param);
      const mm = f64(m);
      const vv = f64(v);
      R.refAdamStep(w, f64(grad), mm, vv, o);
      copyInto(param, w);
      copyInto(m, mm);
      copyInto(v, vv);
    },
    assign: (target, source) => copyInto(target, f64(source)),
    axpby: (y, x, o) => copyInto(y, R.refAxpby(f64(y), f64(x), o.alpha, o.beta)),
  };
}
