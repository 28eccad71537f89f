// Softmax over the last axis, its gradient, and softmax cross-entropy (x viewed as [rows, cols]).
#pragma once

#include <cstdint>

namespace bw {

void Softmax(int64_t rows, int64_t cols, const float* x, float* y);
// dx = y * (dy - sum(dy * y)) per row.
void SoftmaxBackward(int64_t rows, int64_t cols, const float* dy, const float* y, float* dx);
// loss[r] = -sum(labels * log softmax(logits)); dlogits = softmax * sum(labels) - labels.
void SoftmaxCrossEntropy(int64_t rows, int64_t cols, const float* logits, const float* labels, float* loss,
                         float* dlogits);

}  // namespace bw
