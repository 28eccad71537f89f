#include "kernels/elementwise.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "runtime/kernel-table.h"
#include "runtime/parallel.h"

namespace bw {
namespace {

// Elements per task: big enough to amortise a wake-up, fixed so that the split
// never depends on the thread count (it does not matter here, but stays uniform).
constexpr int64_t kGrain = 1 << 15;

template <typename F>
void Map(int64_t n, F f) {
  ParallelRanges(n, kGrain, [&](int64_t i0, int64_t i1) {
    // A local copy of f: the pointers it captured are then locals. Through f
    // itself clang (the WebAssembly build) reloaded them after every store, in
    // case the store changed them, and did not vectorise relu or maximum.
    const F g = f;
    for (int64_t i = i0; i < i1; ++i) g(i);
  });
}

// An array function (vec-math.h) over task-sized pieces.
void MapArray(int64_t n, const float* x, float* y, void (*fn)(int64_t, const float*, float*)) {
  ParallelRanges(n, kGrain, [&](int64_t i0, int64_t i1) { fn(i1 - i0, x + i0, y + i0); });
}

// The dropout mask contract of @batchwise/core (dropout-mask.ts): a
// counter-based murmur3-finalizer hash of (seed, index) in 32-bit arithmetic,
// so each unit's draw is independent of the thread computing it and equal to
// what every other backend draws.
inline uint32_t Fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bU;
  h ^= h >> 13;
  h *= 0xc2b2ae35U;
  h ^= h >> 16;
  return h;
}

inline uint32_t DropoutKey(int64_t seed) {
  const uint32_t low = static_cast<uint32_t>(static_cast<uint64_t>(seed));
  const uint32_t high = static_cast<uint32_t>(static_cast<uint64_t>(seed >> 32));
  return Fmix32(low ^ Fmix32(high + 0x9e3779b9U));
}

}  // namespace

void Unary(UnaryKind kind, int64_t n, const float* x, float* y) {
  switch (kind) {
    // NaN stays NaN through relu, as in TensorFlow.
    case UnaryKind::kRelu: return Map(n, [&](int64_t i) { y[i] = x[i] > 0.0f ? x[i] : (std::isnan(x[i]) ? x[i] : 0.0f); });
    case UnaryKind::kSigmoid: return MapArray(n, x, y, Kernels().vec_math.sigmoid);
    case UnaryKind::kTanh: return MapArray(n, x, y, Kernels().vec_math.tanh);
    case UnaryKind::kNeg: return Map(n, [&](int64_t i) { y[i] = -x[i]; });
    case UnaryKind::kAbs: return Map(n, [&](int64_t i) { y[i] = std::fabs(x[i]); });
    case UnaryKind::kExp: return MapArray(n, x, y, Kernels().vec_math.exp);
    case UnaryKind::kLog: return Map(n, [&](int64_t i) { y[i] = std::log(x[i]); });
    case UnaryKind::kSqrt: return Map(n, [&](int64_t i) { y[i] = std::sqrt(x[i]); });
    case UnaryKind::kSquare: return Map(n, [&](int64_t i) { y[i] = x[i] * x[i]; });
  }
}

void Binary(BinaryKind kind, int64_t n, const float* a, const float* b, float* out) {
  switch (kind) {
    case BinaryKind::kAdd: return Map(n, [&](int64_t i) { out[i] = a[i] + b[i]; });
    case BinaryKind::kSub: return Map(n, [&](int64_t i) { out[i] = a[i] - b[i]; });
    case BinaryKind::kMul: return Map(n, [&](int64_t i) { out[i] = a[i] * b[i]; });
    case BinaryKind::kDiv: return Map(n, [&](int64_t i) { out[i] = a[i] / b[i]; });
    // NaN in either operand gives NaN, as tf.maximum/minimum.
    case BinaryKind::kMaximum:
      return Map(n, [&](int64_t i) { out[i] = (a[i] > b[i] || std::isnan(a[i])) ? a[i] : b[i]; });
    case BinaryKind::kMinimum:
      return Map(n, [&](int64_t i) { out[i] = (a[i] < b[i] || std::isnan(a[i])) ? a[i] : b[i]; });
  }
}

void ActivationBackward(GradKind kind, int64_t n, const float* dy, const float* y, float* dx) {
  switch (kind) {
    // dy is loaded whatever the sign: a load only on the taken side cannot be
    // if-converted, so GCC branched per element and mispredicted on half of
    // them, a large share of a cnn-bn training step; now a vector select.
    // Same results.
    case GradKind::kRelu:
      return Map(n, [&](int64_t i) {
        const float g = dy[i];
        dx[i] = y[i] > 0.0f ? g : 0.0f;
      });
    // float64 inside: 1 - y*y cancels badly in float when y is close to 1.
    case GradKind::kSigmoid:
      return Map(n, [&](int64_t i) { dx[i] = static_cast<float>(static_cast<double>(dy[i]) * y[i] * (1.0 - y[i])); });
    case GradKind::kTanh:
      return Map(n, [&](int64_t i) { dx[i] = static_cast<float>(dy[i] * (1.0 - static_cast<double>(y[i]) * y[i])); });
  }
}

void AddScalar(int64_t n, const float* x, float s, float* y) {
  Map(n, [&](int64_t i) { y[i] = x[i] + s; });
}

void MulScalar(int64_t n, const float* x, float s, float* y) {
  Map(n, [&](int64_t i) { y[i] = x[i] * s; });
}

void Clip(int64_t n, const float* x, float lo, float hi, float* y) {
  Map(n, [&](int64_t i) { y[i] = x[i] < lo ? lo : (x[i] > hi ? hi : x[i]); });
}

void BiasAdd(int64_t rows, int64_t channels, const float* x, const float* bias, float* y) {
  ParallelRanges(rows, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, channels)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      for (int64_t c = 0; c < channels; ++c) y[r * channels + c] = x[r * channels + c] + bias[c];
    }
  });
}

void BiasGrad(int64_t rows, int64_t channels, const float* dy, float* out) {
  // float64 partial sums per fixed chunk of rows, added in chunk order.
  const int64_t per = std::max<int64_t>(1, kGrain / std::max<int64_t>(1, channels));
  const int64_t chunks = (rows + per - 1) / per;
  std::vector<double> partial(static_cast<size_t>(std::max<int64_t>(1, chunks) * channels), 0.0);
  ParallelTasks(chunks, [&](int64_t q) {
    double* s = partial.data() + q * channels;
    for (int64_t r = q * per; r < std::min(rows, (q + 1) * per); ++r) {
      for (int64_t c = 0; c < channels; ++c) s[c] += dy[r * channels + c];
    }
  });
  for (int64_t c = 0; c < channels; ++c) {
    double s = 0.0;
    for (int64_t q = 0; q < chunks; ++q) s += partial[q * channels + c];
    out[c] = static_cast<float>(s);
  }
}

void Dropout(int64_t n, const float* x, double rate, int64_t seed, float* y, float* mask) {
  const float keep_scale = static_cast<float>(1.0 / (1.0 - rate));
  const uint32_t key = DropoutKey(seed);
  // 24 random bits give u = bits / 2^24 in [0, 1); the unit is kept when u >= rate,
  // i.e. when bits >= ceil(rate * 2^24) (rate * 2^24 is exact in a double). An
  // integer compare and a multiply instead of a branch: the branch on a random
  // mask mispredicted half the time.
  const uint32_t threshold = static_cast<uint32_t>(std::ceil(rate * 16777216.0));
  uint32_t scale_bits;
  std::memcpy(&scale_bits, &keep_scale, sizeof scale_bits);
  ParallelRanges(n, kGrain, [=](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      const uint32_t h = Fmix32((static_cast<uint32_t>(i) * 0x9e3779b1U) ^ key);
      // All ones when kept, zero when dropped: the mask is keep_scale or +0.0f.
      const uint32_t bits = scale_bits & (0u - static_cast<uint32_t>((h >> 8) >= threshold));
      float m;
      std::memcpy(&m, &bits, sizeof m);
      mask[i] = m;
      y[i] = x[i] * m;
    }
  });
}

}  // namespace bw
