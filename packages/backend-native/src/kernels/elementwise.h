// Elementwise kernels: activations and their gradients, arithmetic, bias, dropout.
#pragma once

#include <cstdint>

namespace bw {

enum class UnaryKind { kRelu, kSigmoid, kTanh, kNeg, kAbs, kExp, kLog, kSqrt, kSquare };
enum class BinaryKind { kAdd, kSub, kMul, kDiv, kMaximum, kMinimum };
// Activation gradients from the forward output y.
enum class GradKind { kRelu, kSigmoid, kTanh };

void Unary(UnaryKind kind, int64_t n, const float* x, float* y);
void Binary(BinaryKind kind, int64_t n, const float* a, const float* b, float* out);
void ActivationBackward(GradKind kind, int64_t n, const float* dy, const float* y, float* dx);
void AddScalar(int64_t n, const float* x, float s, float* y);
void MulScalar(int64_t n, const float* x, float s, float* y);
void Clip(int64_t n, const float* x, float lo, float hi, float* y);

// x viewed as [rows, channels]; bias and the gradient have `channels` entries.
void BiasAdd(int64_t rows, int64_t channels, const float* x, const float* bias, float* y);
void BiasGrad(int64_t rows, int64_t channels, const float* dy, float* out);

// Inverted dropout: mask is 0 or 1/(1-rate), y = x * mask.
void Dropout(int64_t n, const float* x, double rate, int64_t seed, float* y, float* mask);

}  // namespace bw
