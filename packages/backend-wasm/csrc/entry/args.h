// Argument checks of the WebAssembly entry points, the counterpart of the
// native addon's binding/args.h: every entry re-validates what it relies on
// before it touches memory, although the TypeScript wrapper has validated with
// core's helpers already. Messages follow `<function>: <argument> <expected>,
// received <actual>.` A failure records the message and traps (entry/error.h).
//
// Arguments arrive in a frame of float64 slots that the JavaScript side fills
// before each call (one slot per argument: a tag, then its values), so an
// entry reads them by index as the N-API entries read `info[i]`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "validation/checks.h"

namespace bw {

constexpr int kFrameSlots = 24;
constexpr int kSlotWidth = 20;
constexpr size_t kMaxDims = kSlotWidth - 2;

// The frame's address, for the JavaScript side.
double* Frame();

// Slot tags, written by the JavaScript side (src/runtime/frame.ts).
enum class Tag : int { kNull = 0, kFloat32 = 1, kInt32 = 2, kArray = 3, kNumber = 4, kBoolean = 5, kString = 6 };

struct F32 {
  float* data = nullptr;
  int64_t length = 0;  // elements
  const char* name = "";
  operator check::ArrayView() const { return {name, data, length}; }
};

struct I32 {
  int32_t* data = nullptr;
  int64_t length = 0;
  const char* name = "";
  operator check::ArrayView() const { return {name, data, length}; }
};

// A short list of integers (shapes, strides, geometry), held without the heap
// so that a failed check leaks nothing.
struct Dims {
  int64_t v[kMaxDims] = {};
  size_t n = 0;

  size_t size() const { return n; }
  int64_t operator[](size_t i) const { return v[i]; }
  int64_t back() const { return v[n - 1]; }
  const int64_t* begin() const { return v; }
  const int64_t* end() const { return v + n; }
  bool operator==(const Dims& o) const;
  bool operator!=(const Dims& o) const { return !(*this == o); }
  std::vector<int64_t> Vector() const { return std::vector<int64_t>(v, v + n); }
  static Dims Of(std::initializer_list<int64_t> values);
  // For the shared checks, and printed as [a,b,c] in messages.
  operator check::DimsView() const { return {v, n}; }
};

// Message text: the one both bindings use (validation/checks.h).
using Text = check::Message;

// The call being checked: function name and the frame's arguments.
class Args {
 public:
  // Fails unless the frame holds exactly `count` arguments.
  Args(const char* fn, int count);

  const char* fn() const { return fn_; }

  F32 Float32(int i, const char* name) const;
  // null or a Float32Array; data == nullptr for null.
  F32 OptionalFloat32(int i, const char* name) const;
  bool IsNull(int i) const;
  I32 Int32(int i, const char* name) const;
  // An array of integers in [min_dim, 2^31); rank in [min_rank, max_rank].
  Dims Shape(int i, const char* name, size_t min_rank, size_t max_rank, int64_t min_dim) const;
  double Number(int i, const char* name) const;  // finite
  double NumberIn(int i, const char* name, double lo, double hi, bool lo_open, bool hi_open) const;
  int64_t Integer(int i, const char* name, int64_t lo, int64_t hi) const;
  bool Boolean(int i, const char* name) const;
  // Index of the string among `allowed` (the JavaScript side sends the index, -1 for any other string).
  int OneOf(int i, const char* name, std::initializer_list<const char*> allowed) const;
  Dims PositivePair(int i, const char* name) const;

  [[noreturn]] void Fail(bool range, const Text& what) const;
  // A failed shared check (validation/checks.h).
  [[noreturn]] void Fail(const check::Failure& f) const;

 private:
  const double* Slot(int i) const;
  const char* fn_;
};

// Product of dims with overflow detection.
int64_t CheckedProduct(const Args& args, const char* name, const Dims& dims);

void RequireCount(const Args& args, const F32& a, const Dims& dims, const char* dims_name);
void RequireSameLength(const Args& args, const F32& a, const F32& b);
void RequireLength(const Args& args, const F32& a, int64_t length);

// Output arrays must not overlap any input (or each other).
void RequireDisjoint(const Args& args, const F32& a, const F32& b);

}  // namespace bw
