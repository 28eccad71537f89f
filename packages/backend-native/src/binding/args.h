// Argument checks for the N-API entry points. Every entry re-validates what
// it relies on before touching a pointer, even though the TypeScript wrapper
// has already validated with core's helpers: the addon can be called directly.
// Messages follow `<function>: <argument> <expected>, received <actual>.`
#pragma once

#include <napi.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "validation/checks.h"

namespace bw {

// A checked argument error; turned into a JS TypeError or RangeError at the boundary.
class ArgError : public std::runtime_error {
 public:
  ArgError(bool is_range, const std::string& message) : std::runtime_error(message), is_range_(is_range) {}
  bool is_range() const { return is_range_; }

 private:
  bool is_range_;
};

struct F32 {
  float* data = nullptr;  // what the kernel reads or writes (an async call's own copy)
  int64_t length = 0;     // elements
  const char* name = "";
  const void* origin = nullptr;  // the caller's memory, for the aliasing checks
  operator check::ArrayView() const { return {name, origin, length}; }
};

struct I32 {
  int32_t* data = nullptr;
  int64_t length = 0;
  const char* name = "";
  operator check::ArrayView() const { return {name, data, length}; }
};

// A shape or another short list of integers: up to kInline entries inline, the heap past them. A
// call reads a few of these, and a std::vector per shape was one heap allocation more per call.
class Dims {
 public:
  static constexpr size_t kInline = 20;  // rank 16 and the 17 numbers of a window's geometry
  Dims() = default;
  explicit Dims(size_t n) : n_(n) {
    if (n > kInline) heap_.resize(n);
  }
  Dims(std::initializer_list<int64_t> values) : Dims(values.size()) {
    size_t k = 0;
    for (int64_t v : values) data()[k++] = v;
  }
  // Copies only the entries in use (the rest of the inline array is never read).
  Dims(const Dims& other) : heap_(other.heap_), n_(other.n_) {
    if (n_ <= kInline) std::copy(other.inline_, other.inline_ + n_, inline_);
  }
  Dims& operator=(const Dims& other) {
    if (this == &other) return *this;
    heap_ = other.heap_;
    n_ = other.n_;
    if (n_ <= kInline) std::copy(other.inline_, other.inline_ + n_, inline_);
    return *this;
  }
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  int64_t* data() { return n_ > kInline ? heap_.data() : inline_; }
  const int64_t* data() const { return n_ > kInline ? heap_.data() : inline_; }
  int64_t& operator[](size_t i) { return data()[i]; }
  int64_t operator[](size_t i) const { return data()[i]; }
  int64_t back() const { return data()[n_ - 1]; }
  const int64_t* begin() const { return data(); }
  const int64_t* end() const { return data() + n_; }
  bool operator==(const Dims& other) const { return n_ == other.n_ && std::equal(begin(), end(), other.begin()); }
  bool operator!=(const Dims& other) const { return !(*this == other); }
  // For the kernels that take their dimensions as a vector (transpose, reduce).
  std::vector<int64_t> ToVector() const { return std::vector<int64_t>(begin(), end()); }

 private:
  int64_t inline_[kInline] = {};  // zeros, as std::vector's: no entry is ever read unset
  std::vector<int64_t> heap_;
  size_t n_ = 0;
};

class AsyncStaging;

// An append-only list of trivially copyable values, the first N inline (left
// uninitialised until appended), the rest on the heap.
template <class T, size_t N>
class InlineList {
 public:
  void push_back(T v) {
    if (size_ < N) {
      inline_[size_] = v;
    } else {
      heap_.push_back(v);
    }
    ++size_;
  }
  T operator[](size_t i) const { return i < N ? inline_[i] : heap_[i - N]; }
  size_t size() const { return size_; }

 private:
  T inline_[N];
  std::vector<T> heap_;
  size_t size_ = 0;
};

// The call being checked: function name and arguments, for the messages.
// With `staging` (an async call), Float32 hands out a copy of the input and
// Output memory of the call's own, copied back when it is done (staging.h).
class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* fn, size_t count, AsyncStaging* staging = nullptr);

  const char* fn() const { return fn_; }

  // An input Float32Array.
  F32 Float32(size_t i, const char* name) const;
  // A Float32Array the kernel writes (and does not read).
  F32 Output(size_t i, const char* name) const;
  // null or a Float32Array; returns data == nullptr for null.
  F32 OptionalFloat32(size_t i, const char* name) const;
  I32 Int32(size_t i, const char* name) const;
  // An array of integers in [min_dim, 2^31); rank in [min_rank, max_rank]
  // (a small bound: Shape allocates max_rank values).
  Dims Shape(size_t i, const char* name, size_t min_rank, size_t max_rank, int64_t min_dim) const;
  // The same into out (room for max_rank values), no allocation; returns the rank.
  size_t ShapeInto(size_t i, const char* name, size_t min_rank, size_t max_rank, int64_t min_dim, int64_t* out) const;
  double Number(size_t i, const char* name) const;  // finite
  double NumberIn(size_t i, const char* name, double lo, double hi, bool lo_open, bool hi_open) const;
  int64_t Integer(size_t i, const char* name, int64_t lo, int64_t hi) const;
  bool Boolean(size_t i, const char* name) const;
  // allowed: strings shorter than 31 bytes.
  std::string OneOf(size_t i, const char* name, std::initializer_list<const char*> allowed) const;
  std::pair<int64_t, int64_t> PositivePair(size_t i, const char* name) const;

  [[noreturn]] void Fail(bool range, const std::string& what) const;
  // A failed shared check (validation/checks.h).
  [[noreturn]] void Fail(const check::Failure& f) const;

 private:
  F32 Float32View(size_t i, const char* name) const;

  const Napi::CallbackInfo& info_;
  const char* fn_;
  AsyncStaging* staging_;
  // Elements of every array argument, read once up front. Reading an element
  // can run JS (a getter), which could detach or resize a typed array; doing
  // all such reads before any typed-array pointer is taken means a pointer,
  // once checked, stays valid. Argument i's elements are [begin_[i],
  // begin_[i + 1]) of one flat list (a few allocations per call, not one per
  // array), each with its number value (NaN if it is not a number), read in
  // the same pass: each N-API call costs tens of nanoseconds, and a
  // convolution passes about fifty elements. Held inline up to a size no
  // entry exceeds (heap past it): three heap lists per call cost as much as
  // a batch of one's kernel.
  InlineList<napi_value, 64> elements_;
  InlineList<double, 64> numbers_;
  InlineList<uint32_t, 32> begin_;
};

// Product of dims with overflow detection (throws a RangeError naming fn and name).
int64_t CheckedProduct(const Args& args, const char* name, const Dims& dims);

// a.length must equal product(dims).
void RequireCount(const Args& args, const F32& a, const Dims& dims, const char* dims_name);
void RequireSameLength(const Args& args, const F32& a, const F32& b);
void RequireLength(const Args& args, const F32& a, int64_t length);

// Output arrays must not overlap any input (or each other): kernels read
// inputs while writing outputs, so aliasing would corrupt results.
void RequireDisjoint(const Args& args, const F32& a, const F32& b);
// Every output apart from every input and from the other outputs. Initializer
// lists, not vectors: two heap lists per call showed in a batch of one's profile.
void RequireAllDisjoint(const Args& args, std::initializer_list<F32> outputs, std::initializer_list<F32> inputs);

std::string FormatDims(const Dims& dims);

}  // namespace bw
