#include "runtime/parallel.h"

#include <algorithm>

namespace bw {

void ParallelRangesSplit(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn, bool last_first) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  const int64_t pieces = (n + grain - 1) / grain;
  ParallelTasks(pieces, [&](int64_t p) {
    const int64_t begin = (last_first ? pieces - 1 - p : p) * grain;
    fn(begin, std::min(n, begin + grain));
  });
}

}  // namespace bw
