#include "entry/args.h"

#include <cmath>

#include "entry/error.h"

extern "C" unsigned char __heap_base;  // set by wasm-ld: the first byte malloc may hand out

namespace bw {
namespace {

double frame[kFrameSlots * kSlotWidth];

constexpr int64_t kMaxDim = (int64_t{1} << 31) - 1;

const char* Describe(const double* slot) {
  switch (static_cast<Tag>(static_cast<int>(slot[0]))) {
    case Tag::kNull: return "null";
    case Tag::kFloat32: return "Float32Array";
    case Tag::kInt32: return "Int32Array";
    case Tag::kArray: return "an array";
    case Tag::kNumber: return "a number";
    case Tag::kBoolean: return slot[1] != 0 ? "true" : "false";
    case Tag::kString: return "a string";
  }
  return "a value of another type";
}

Tag TagOf(const double* slot) { return static_cast<Tag>(static_cast<int>(slot[0])); }

// Bytes of linear memory now: a checked pointer range must lie below it.
uint64_t MemoryBytes() { return static_cast<uint64_t>(__builtin_wasm_memory_size(0)) * 65536u; }

// Tensors are heap blocks: nothing below the heap (static data, the main stack) may be named.
bool ValidBlock(double ptr, double length) {
  const double heap = static_cast<double>(reinterpret_cast<uintptr_t>(&__heap_base));
  return length >= 0 && length == std::floor(length) && ptr == std::floor(ptr) && std::fmod(ptr, 4.0) == 0 &&
         ptr + length * 4 <= static_cast<double>(MemoryBytes()) && (length == 0 || ptr >= heap);
}

}  // namespace

double* Frame() { return frame; }

bool Dims::operator==(const Dims& o) const {
  if (n != o.n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (v[i] != o.v[i]) return false;
  }
  return true;
}

Dims Dims::Of(std::initializer_list<int64_t> values) {
  Dims d;
  for (int64_t x : values) {
    if (d.n < kMaxDims) d.v[d.n++] = x;
  }
  return d;
}

Args::Args(const char* fn, int count) : fn_(fn) {
  int given = 0;
  while (given < kFrameSlots && frame[given * kSlotWidth] >= 0) ++given;
  if (given != count) Fail(false, Text() << "expects " << count << " arguments, received " << given << ".");
}

const double* Args::Slot(int i) const { return frame + i * kSlotWidth; }

void Args::Fail(bool range, const Text& what) const {
  FailAndTrap(range ? ErrorKind::kRange : ErrorKind::kType, fn_, what.c_str());
}

bool Args::IsNull(int i) const { return TagOf(Slot(i)) == Tag::kNull; }

F32 Args::Float32(int i, const char* name) const {
  const double* s = Slot(i);
  if (TagOf(s) != Tag::kFloat32) Fail(false, Text() << name << " must be a Float32Array, received " << Describe(s) << ".");
  const double ptr = s[1], length = s[2];
  // The block must lie inside the heap and be float-aligned: an entry never
  // reads or writes outside what the caller named.
  if (!ValidBlock(ptr, length)) {
    Fail(true, Text() << name << " must be a block of linear memory, received address " << ptr << " with " << length
                      << " elements.");
  }
  F32 r;
  r.length = static_cast<int64_t>(length);
  r.data = r.length > 0 ? reinterpret_cast<float*>(static_cast<uintptr_t>(ptr)) : nullptr;
  r.name = name;
  return r;
}

F32 Args::OptionalFloat32(int i, const char* name) const {
  if (IsNull(i)) {
    F32 r;
    r.name = name;
    return r;
  }
  return Float32(i, name);
}

I32 Args::Int32(int i, const char* name) const {
  const double* s = Slot(i);
  if (TagOf(s) != Tag::kInt32) Fail(false, Text() << name << " must be an Int32Array, received " << Describe(s) << ".");
  const double ptr = s[1], length = s[2];
  if (!ValidBlock(ptr, length)) {
    Fail(true, Text() << name << " must be a block of linear memory, received address " << ptr << " with " << length
                      << " elements.");
  }
  I32 r;
  r.length = static_cast<int64_t>(length);
  r.data = r.length > 0 ? reinterpret_cast<int32_t*>(static_cast<uintptr_t>(ptr)) : nullptr;
  r.name = name;
  return r;
}

Dims Args::Shape(int i, const char* name, size_t min_rank, size_t max_rank, int64_t min_dim) const {
  const double* s = Slot(i);
  if (TagOf(s) != Tag::kArray) Fail(false, Text() << name << " must be an array of integers, received " << Describe(s) << ".");
  const double count = s[1];
  if (!(count >= static_cast<double>(min_rank)) || !(count <= static_cast<double>(max_rank)) || count > kMaxDims) {
    Fail(true, Text() << name << " must have rank in [" << min_rank << ", " << max_rank << "], received rank " << count
                      << ".");
  }
  Dims dims;
  dims.n = static_cast<size_t>(count);
  for (size_t k = 0; k < dims.n; ++k) {
    const double d = s[2 + k];
    if (!std::isfinite(d) || d != std::floor(d) || d < static_cast<double>(min_dim) || d > static_cast<double>(kMaxDim)) {
      Fail(true, Text() << name << "[" << k << "] must be an integer in [" << min_dim << ", 2147483647], received " << d
                        << ".");
    }
    dims.v[k] = static_cast<int64_t>(d);
  }
  return dims;
}

double Args::Number(int i, const char* name) const {
  const double* s = Slot(i);
  if (TagOf(s) != Tag::kNumber || !std::isfinite(s[1])) {
    Fail(false, Text() << name << " must be a finite number, received "
                       << (TagOf(s) == Tag::kNumber ? (std::isnan(s[1]) ? "NaN" : "an infinity") : Describe(s)) << ".");
  }
  return s[1];
}

double Args::NumberIn(int i, const char* name, double lo, double hi, bool lo_open, bool hi_open) const {
  const double x = Number(i, name);
  const bool ok = (lo_open ? x > lo : x >= lo) && (hi_open ? x < hi : x <= hi);
  if (!ok) {
    Fail(true, Text() << name << " must be in " << (lo_open ? "(" : "[") << lo << ", " << hi << (hi_open ? ")" : "]")
                      << ", received " << x << ".");
  }
  return x;
}

int64_t Args::Integer(int i, const char* name, int64_t lo, int64_t hi) const {
  const double x = Number(i, name);
  if (x != std::floor(x) || x < static_cast<double>(lo) || x > static_cast<double>(hi)) {
    Fail(true, Text() << name << " must be an integer in [" << lo << ", " << hi << "], received " << x << ".");
  }
  return static_cast<int64_t>(x);
}

bool Args::Boolean(int i, const char* name) const {
  const double* s = Slot(i);
  if (TagOf(s) != Tag::kBoolean) Fail(false, Text() << name << " must be a boolean, received " << Describe(s) << ".");
  return s[1] != 0;
}

int Args::OneOf(int i, const char* name, std::initializer_list<const char*> allowed) const {
  const double* s = Slot(i);
  const int index = TagOf(s) == Tag::kString ? static_cast<int>(s[1]) : -1;
  if (index >= 0 && index < static_cast<int>(allowed.size())) return index;
  Text t;
  t << name << " must be one of ";
  int k = 0;
  for (const char* a : allowed) t << (k++ ? ", '" : "'") << a << "'";
  Fail(false, t << ", received " << (TagOf(s) == Tag::kString ? "another string" : Describe(s)) << ".");
}

Dims Args::PositivePair(int i, const char* name) const { return Shape(i, name, 2, 2, 1); }

void Args::Fail(const check::Failure& f) const { Fail(f.range, f.text); }

int64_t CheckedProduct(const Args& args, const char* name, const Dims& dims) {
  int64_t p = 0;
  check::Failure f;
  if (!check::Product(name, dims, &p, &f)) args.Fail(f);
  return p;
}

void RequireCount(const Args& args, const F32& a, const Dims& dims, const char* dims_name) {
  check::Failure f;
  if (!check::Count(a.name, a.length, dims_name, dims, &f)) args.Fail(f);
}

void RequireLength(const Args& args, const F32& a, int64_t length) {
  check::Failure f;
  if (!check::Length(a.name, a.length, length, &f)) args.Fail(f);
}

void RequireSameLength(const Args& args, const F32& a, const F32& b) {
  check::Failure f;
  if (!check::SameLength(a.name, a.length, b.name, b.length, &f)) args.Fail(f);
}

void RequireDisjoint(const Args& args, const F32& a, const F32& b) {
  check::Failure f;
  if (!check::Disjoint(a.name, a.data, a.length, b.name, b.data, b.length, &f)) args.Fail(f);
}

}  // namespace bw
