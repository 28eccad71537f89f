#include "kernels/transpose.h"

#include <algorithm>

#include "runtime/parallel.h"

namespace bw {

void Transpose(const std::vector<int64_t>& dims, const std::vector<int64_t>& perm, const float* x, float* out) {
  const size_t rank = dims.size();
  int64_t total = 1;
  for (int64_t d : dims) total *= d;
  if (total == 0) return;
  if (rank == 0) {
    out[0] = x[0];
    return;
  }
  std::vector<int64_t> in_stride(rank), out_dims(rank), src_stride(rank);
  int64_t s = 1;
  for (size_t k = rank; k-- > 0;) {
    in_stride[k] = s;
    s *= dims[k];
  }
  for (size_t k = 0; k < rank; ++k) {
    out_dims[k] = dims[perm[k]];
    src_stride[k] = in_stride[perm[k]];  // step in x for a step along output axis k
  }
  const int64_t inner = out_dims[rank - 1], inner_stride = src_stride[rank - 1];
  const int64_t rows = total / inner;
  // Output rows are independent: each is a strided gather from x.
  ParallelRanges(rows, std::max<int64_t>(1, (1 << 15) / inner), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      int64_t src = 0, rest = r;
      for (size_t k = rank - 1; k-- > 0;) {
        src += (rest % out_dims[k]) * src_stride[k];
        rest /= out_dims[k];
      }
      float* o = out + r * inner;
      for (int64_t j = 0; j < inner; ++j) o[j] = x[src + j * inner_stride];
    }
  });
}

}  // namespace bw
