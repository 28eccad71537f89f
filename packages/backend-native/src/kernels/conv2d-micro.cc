// Scalar convolution microkernels (see conv2d-micro.h): the reference for the SIMD ones.
#include "kernels/conv2d-micro.h"

namespace bw {
namespace {

constexpr int kMr = 4;
constexpr int kNr = 8;

void FilterGradScalar(int64_t runs, const ConvRun* run, int64_t x_step, const int64_t* offset, int64_t ldy,
                      int64_t cols, float* c, int64_t ldc) {
  float acc[kMr][kNr] = {};
  for (int64_t s = 0; s < runs; ++s) {
    const float* x = run[s].x;
    const float* dy = run[s].dy;
    for (int64_t q = 0; q < run[s].count; ++q, x += x_step, dy += ldy) {
      float b[kNr];
      for (int j = 0; j < kNr; ++j) b[j] = j < cols ? dy[j] : 0.0f;
      for (int r = 0; r < kMr; ++r) {
        const float a = x[offset[r]];
        for (int j = 0; j < kNr; ++j) acc[r][j] += a * b[j];
      }
    }
  }
  for (int r = 0; r < kMr; ++r) {
    for (int j = 0; j < cols && j < kNr; ++j) c[r * ldc + j] += acc[r][j];
  }
}

void ForwardScalar(int64_t kk, const float* const* pixel, const int64_t* offset, const float* b, float* c, int64_t ldc) {
  float acc[kMr][kNr] = {};
  for (int64_t k = 0; k < kk; ++k, b += kNr) {
    for (int r = 0; r < kMr; ++r) {
      const float a = pixel[r][offset[k]];
      for (int j = 0; j < kNr; ++j) acc[r][j] += a * b[j];
    }
  }
  for (int r = 0; r < kMr; ++r) {
    for (int j = 0; j < kNr; ++j) c[r * ldc + j] = acc[r][j];
  }
}

}  // namespace

ConvMicro ConvMicroScalar() { return {kMr, kNr, FilterGradScalar, ForwardScalar, "scalar-4x8"}; }

}  // namespace bw
