#include "binding/args.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>

#include "binding/staging.h"

namespace bw {
namespace {

std::string Describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? "true" : "false";
  if (v.IsNumber()) {
    std::ostringstream s;
    s << v.As<Napi::Number>().DoubleValue();
    return s.str();
  }
  if (v.IsString()) return "'" + v.As<Napi::String>().Utf8Value() + "'";
  if (v.IsTypedArray()) {
    switch (v.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_float32_array: return "Float32Array";
      case napi_float64_array: return "Float64Array";
      case napi_int32_array: return "Int32Array";
      case napi_uint8_array: return "Uint8Array";
      default: return "a typed array of another type";
    }
  }
  if (v.IsArray()) return "an array";
  if (v.IsFunction()) return "a function";
  if (v.IsObject()) return "an object";
  return "a value of another type";
}

constexpr int64_t kMaxDim = (int64_t{1} << 31) - 1;
constexpr uint32_t kMaxArrayRead = 32;

}  // namespace

Args::Args(const Napi::CallbackInfo& info, const char* fn, size_t count, AsyncStaging* staging)
    : info_(info), fn_(fn), staging_(staging) {
  if (info.Length() != count) {
    Fail(false, "expects " + std::to_string(count) + " arguments, received " + std::to_string(info.Length()) + ".");
  }
  const napi_env env = info.Env();
  for (size_t i = 0; i < count; ++i) {
    begin_.push_back(static_cast<uint32_t>(elements_.size()));
    if (!info[i].IsArray()) continue;
    Napi::Array arr = info[i].As<Napi::Array>();
    // Shapes, strides and geometry have at most 17 entries; one more shows a wrong rank.
    const uint32_t length = arr.Length(), n = std::min<uint32_t>(length, kMaxArrayRead);
    for (uint32_t k = 0; k < n; ++k) {
      const Napi::Value e = arr.Get(k);
      double d = 0.0;
      // Not a number: napi_number_expected, and NaN fails every check that reads it.
      if (napi_get_value_double(env, e, &d) != napi_ok) d = std::nan("");
      elements_.push_back(e);
      numbers_.push_back(d);
    }
    if (length > n) {
      elements_.push_back(info.Env().Undefined());
      numbers_.push_back(std::nan(""));
    }
  }
  begin_.push_back(static_cast<uint32_t>(elements_.size()));
}

void Args::Fail(bool range, const std::string& what) const { throw ArgError(range, std::string(fn_) + ": " + what); }

F32 Args::Float32(size_t i, const char* name) const {
  F32 r = Float32View(i, name);
  if (staging_ != nullptr) r.data = staging_->CopyIn(r.data, r.length);
  return r;
}

F32 Args::Output(size_t i, const char* name) const {
  F32 r = Float32View(i, name);
  if (staging_ != nullptr) r.data = staging_->Reserve(i, name, r.length);
  return r;
}

namespace {

// Type, length and data of a typed array in one N-API call (node-addon-api's
// wrappers made three); false if v is not a typed array of that type.
bool TypedArrayOf(napi_env env, const Napi::Value& v, napi_typedarray_type want, size_t* length, void** data) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset = 0;
  return napi_get_typedarray_info(env, v, &type, length, data, &buffer, &offset) == napi_ok && type == want;
}

}  // namespace

F32 Args::Float32View(size_t i, const char* name) const {
  const Napi::Value v = info_[i];
  size_t length = 0;
  void* data = nullptr;
  if (!TypedArrayOf(info_.Env(), v, napi_float32_array, &length, &data)) {
    Fail(false, std::string(name) + " must be a Float32Array, received " + Describe(v) + ".");
  }
  F32 r;
  r.length = static_cast<int64_t>(length);
  r.data = r.length > 0 ? static_cast<float*>(data) : nullptr;
  r.name = name;
  r.origin = r.data;
  return r;
}

F32 Args::OptionalFloat32(size_t i, const char* name) const {
  if (info_[i].IsNull()) {
    F32 r;
    r.name = name;
    return r;
  }
  return Float32(i, name);
}

I32 Args::Int32(size_t i, const char* name) const {
  const Napi::Value v = info_[i];
  size_t length = 0;
  void* data = nullptr;
  if (!TypedArrayOf(info_.Env(), v, napi_int32_array, &length, &data)) {
    Fail(false, std::string(name) + " must be an Int32Array, received " + Describe(v) + ".");
  }
  I32 r;
  r.length = static_cast<int64_t>(length);
  r.data = r.length > 0 ? static_cast<int32_t*>(data) : nullptr;
  r.name = name;
  return r;
}

size_t Args::ShapeInto(size_t i, const char* name, size_t min_rank, size_t max_rank, int64_t min_dim, int64_t* out) const {
  const Napi::Value v = info_[i];
  // A Float64Array too: its values come in one N-API call instead of one per
  // element, and reading them runs no JS (the TS wrappers pass geometry so).
  const double* typed = nullptr;
  size_t n = begin_[i + 1] - begin_[i];
  if (!v.IsArray()) {
    void* data = nullptr;
    if (!TypedArrayOf(info_.Env(), v, napi_float64_array, &n, &data)) {
      Fail(false, std::string(name) + " must be an array of integers, received " + Describe(v) + ".");
    }
    typed = static_cast<const double*>(data);
  }
  if (n < min_rank || n > max_rank) {
    Fail(true, std::string(name) + " must have rank in [" + std::to_string(min_rank) + ", " + std::to_string(max_rank) +
                   "], received rank " + (n > kMaxArrayRead ? std::string("> ") + std::to_string(kMaxArrayRead) : std::to_string(n)) + ".");
  }
  for (size_t k = 0; k < n; ++k) {
    const double d = typed != nullptr ? typed[k] : numbers_[begin_[i] + k];
    // In range first (NaN fails it), then whole: the cast is exact there (no floor call per element).
    const bool in_range = d >= static_cast<double>(min_dim) && d <= static_cast<double>(kMaxDim);
    if (!in_range || static_cast<double>(static_cast<int64_t>(d)) != d) {
      std::ostringstream got;
      got << d;
      Fail(true, std::string(name) + "[" + std::to_string(k) + "] must be an integer in [" + std::to_string(min_dim) +
                     ", 2147483647], received " + (typed != nullptr ? got.str() : Describe(Napi::Value(info_.Env(), elements_[begin_[i] + k]))) + ".");
    }
    out[k] = static_cast<int64_t>(d);
  }
  return n;
}

Dims Args::Shape(size_t i, const char* name, size_t min_rank, size_t max_rank, int64_t min_dim) const {
  Dims room(std::max<size_t>(max_rank, 1));
  const size_t n = ShapeInto(i, name, min_rank, max_rank, min_dim, room.data());
  Dims dims(n);
  std::copy(room.data(), room.data() + n, dims.data());
  return dims;
}

double Args::Number(size_t i, const char* name) const {
  const Napi::Value v = info_[i];
  if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue())) {
    Fail(false, std::string(name) + " must be a finite number, received " + Describe(v) + ".");
  }
  return v.As<Napi::Number>().DoubleValue();
}

double Args::NumberIn(size_t i, const char* name, double lo, double hi, bool lo_open, bool hi_open) const {
  const double x = Number(i, name);
  const bool ok = (lo_open ? x > lo : x >= lo) && (hi_open ? x < hi : x <= hi);
  if (!ok) {
    std::ostringstream s;
    s << name << " must be in " << (lo_open ? "(" : "[") << lo << ", " << hi << (hi_open ? ")" : "]") << ", received " << x
      << ".";
    Fail(true, s.str());
  }
  return x;
}

int64_t Args::Integer(size_t i, const char* name, int64_t lo, int64_t hi) const {
  const double x = Number(i, name);
  if (x != std::floor(x) || x < static_cast<double>(lo) || x > static_cast<double>(hi)) {
    Fail(true, std::string(name) + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                   "], received " + Describe(info_[i]) + ".");
  }
  return static_cast<int64_t>(x);
}

bool Args::Boolean(size_t i, const char* name) const {
  const Napi::Value v = info_[i];
  if (!v.IsBoolean()) Fail(false, std::string(name) + " must be a boolean, received " + Describe(v) + ".");
  return v.As<Napi::Boolean>().Value();
}

std::string Args::OneOf(size_t i, const char* name, std::initializer_list<const char*> allowed) const {
  const Napi::Value v = info_[i];
  if (v.IsString()) {
    // One N-API call into a small buffer, no std::string per allowed value.
    // N-API cuts a longer string at a whole UTF-8 character, so up to 3 bytes
    // short of the buffer: only a length of at most 31 bytes (every allowed
    // value's bound) can be the whole string.
    char buf[64];
    size_t length = 0;
    if (napi_get_value_string_utf8(info_.Env(), v, buf, sizeof(buf), &length) == napi_ok && length <= 31) {
      for (const char* a : allowed) {
        // Compared with its length: a string with a NUL inside matches none.
        if (std::strlen(a) == length && std::memcmp(a, buf, length) == 0) return a;
      }
    }
  }
  std::string list;
  for (const char* a : allowed) list += (list.empty() ? "'" : ", '") + std::string(a) + "'";
  Fail(false, std::string(name) + " must be one of " + list + ", received " + Describe(v) + ".");
}

std::pair<int64_t, int64_t> Args::PositivePair(size_t i, const char* name) const {
  int64_t d[2];
  ShapeInto(i, name, 2, 2, 1, d);
  return {d[0], d[1]};
}

std::string FormatDims(const Dims& dims) {
  std::string s = "[";
  for (size_t k = 0; k < dims.size(); ++k) s += (k ? "," : "") + std::to_string(dims[k]);
  return s + "]";
}

namespace {

check::DimsView View(const Dims& dims) { return {dims.data(), dims.size()}; }

}  // namespace

void Args::Fail(const check::Failure& f) const { Fail(f.range, f.text.c_str()); }

int64_t CheckedProduct(const Args& args, const char* name, const Dims& dims) {
  int64_t p = 0;
  check::Failure f;
  if (!check::Product(name, View(dims), &p, &f)) args.Fail(f);
  return p;
}

void RequireCount(const Args& args, const F32& a, const Dims& dims, const char* dims_name) {
  check::Failure f;
  if (!check::Count(a.name, a.length, dims_name, View(dims), &f)) args.Fail(f);
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
  // origin: the caller's memory (an async call's a.data is its own copy).
  check::Failure f;
  if (!check::Disjoint(a.name, a.origin, a.length, b.name, b.origin, b.length, &f)) args.Fail(f);
}

void RequireAllDisjoint(const Args& args, std::initializer_list<F32> outputs, std::initializer_list<F32> inputs) {
  for (const F32* out = outputs.begin(); out != outputs.end(); ++out) {
    for (const F32& in : inputs) RequireDisjoint(args, *out, in);
    for (const F32* other = out + 1; other != outputs.end(); ++other) RequireDisjoint(args, *out, *other);
  }
}

}  // namespace bw
