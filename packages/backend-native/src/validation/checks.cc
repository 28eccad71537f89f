#include "validation/checks.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <initializer_list>

namespace bw {
namespace check {
namespace {

// core's WINDOW_LIMITS: the effective window within int32.
constexpr int64_t kMaxInt32 = (int64_t{1} << 31) - 1;

bool Fail(Failure* f, bool range) {
  f->range = range;
  return false;
}

}  // namespace

Message& Message::operator<<(const char* s) {
  const size_t room = sizeof(buf_) - 1 - len_;
  const size_t n = std::strlen(s) < room ? std::strlen(s) : room;
  std::memcpy(buf_ + len_, s, n);
  len_ += n;
  buf_[len_] = '\0';
  return *this;
}

Message& Message::operator<<(int64_t x) {
  char digits[24];
  std::snprintf(digits, sizeof(digits), "%lld", static_cast<long long>(x));
  return *this << digits;
}

Message& Message::operator<<(double x) {
  char digits[32];
  if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 1e15) {
    std::snprintf(digits, sizeof(digits), "%.0f", x);
  } else {
    std::snprintf(digits, sizeof(digits), "%g", x);
  }
  return *this << digits;
}

Message& Message::operator<<(DimsView d) {
  *this << "[";
  for (size_t i = 0; i < d.n; ++i) {
    if (i > 0) *this << ",";
    *this << d.v[i];
  }
  return *this << "]";
}

bool Product(const char* name, DimsView dims, int64_t* product, Failure* f) {
  int64_t p = 1;
  for (size_t i = 0; i < dims.n; ++i) {
    if (__builtin_mul_overflow(p, dims.v[i], &p) || p > (int64_t{1} << 53)) {
      f->text << name << " " << dims << " has too many elements.";
      return Fail(f, true);
    }
  }
  *product = p;
  return true;
}

bool Count(const char* array, int64_t length, const char* dims_name, DimsView dims, Failure* f) {
  int64_t want = 0;
  if (!Product(dims_name, dims, &want, f)) return false;
  if (length == want) return true;
  f->text << array << " must have " << want << " elements for shape " << dims << ", received " << length << ".";
  return Fail(f, true);
}

bool Length(const char* array, int64_t length, int64_t want, Failure* f) {
  if (length == want) return true;
  f->text << array << " must have " << want << " elements, received " << length << ".";
  return Fail(f, true);
}

bool SameLength(const char* a, int64_t a_length, const char* b, int64_t b_length, Failure* f) {
  if (a_length == b_length) return true;
  f->text << b << " must have the " << a_length << " elements of " << a << ", received " << b_length << ".";
  return Fail(f, true);
}

bool Disjoint(const char* a, const void* a_data, int64_t a_length, const char* b, const void* b_data, int64_t b_length,
              Failure* f) {
  if (a_length == 0 || b_length == 0) return true;
  const auto a0 = reinterpret_cast<uintptr_t>(a_data), a1 = a0 + static_cast<uintptr_t>(a_length) * sizeof(float);
  const auto b0 = reinterpret_cast<uintptr_t>(b_data), b1 = b0 + static_cast<uintptr_t>(b_length) * sizeof(float);
  if (!(a0 < b1 && b0 < a1)) return true;
  f->text << a << " must not share memory with " << b << ".";
  return Fail(f, false);
}

bool ConvArrays(ArrayView input, const char* input_shape_name, DimsView input_shape, ArrayView filter,
                DimsView filter_shape, Failure* f) {
  if (!Count(input.name, input.length, input_shape_name, input_shape, f)) return false;
  if (!Count(filter.name, filter.length, "filterShape", filter_shape, f)) return false;
  if (input_shape.n != 4 || filter_shape.n != 4) {
    f->text << input_shape_name << " and filterShape must have 4 dimensions, received " << input_shape << " and "
            << filter_shape << ".";
    return Fail(f, true);
  }
  if (filter_shape.v[2] == input_shape.v[3]) return true;
  f->text << "filterShape in-channels (dimension 2) must equal the input's channels " << input_shape.v[3]
          << ", received " << filter_shape << ".";
  return Fail(f, true);
}

bool Window(const WindowRequest& r, ConvGeom* out, Failure* f) {
  ConvGeom g{};
  g.batch = r.input.v[0];
  g.in_h = r.input.v[1];
  g.in_w = r.input.v[2];
  g.in_c = r.input.v[3];
  g.out_c = r.out_c;
  g.k_h = r.k_h;
  g.k_w = r.k_w;
  g.stride_h = r.stride_h;
  g.stride_w = r.stride_w;
  g.dil_h = r.dil_h;
  g.dil_w = r.dil_w;
  // At most 2 * in + 1 taps per axis with 'same' padding: more only multiply
  // padding, and the work grows with them.
  const int64_t eff_h = (r.k_h - 1) * r.dil_h + 1, eff_w = (r.k_w - 1) * r.dil_w + 1;
  const int64_t kernel[2] = {r.k_h, r.k_w}, dilation[2] = {r.dil_h, r.dil_w};
  if (eff_h > kMaxInt32 || eff_w > kMaxInt32) {
    f->text << "window " << DimsView{kernel, 2} << " with dilation " << DimsView{dilation, 2}
            << " must span at most 2147483647 elements.";
    return Fail(f, true);
  }
  if (r.same && (r.k_h > 2 * g.in_h + 1 || r.k_w > 2 * g.in_w + 1)) {
    const int64_t most[2] = {2 * g.in_h + 1, 2 * g.in_w + 1};
    f->text << "window must be at most " << DimsView{most, 2} << " (2 x input size + 1) with 'same' padding on input "
            << r.input << ", received " << DimsView{kernel, 2} << ".";
    return Fail(f, true);
  }
  const bool fits = WindowAxis(g.in_h, g.k_h, g.stride_h, g.dil_h, r.same, &g.out_h, &g.pad_top, &g.pad_bottom) &&
                    WindowAxis(g.in_w, g.k_w, g.stride_w, g.dil_w, r.same, &g.out_w, &g.pad_left, &g.pad_right);
  if (!fits) {
    f->text << "window " << DimsView{kernel, 2} << " does not fit input " << r.input << ".";
    return Fail(f, true);
  }
  const int64_t mine[17] = {g.batch,    g.in_h,     g.in_w,  g.in_c,  g.out_h,   g.out_w,    g.out_c,
                            g.k_h,      g.k_w,      g.stride_h, g.stride_w, g.dil_h, g.dil_w, g.pad_top,
                            g.pad_left, g.pad_bottom, g.pad_right};
  bool same_geometry = r.passed.n == 17;
  for (size_t i = 0; same_geometry && i < 17; ++i) same_geometry = mine[i] == r.passed.v[i];
  if (!same_geometry) {
    f->text << "geometry must be " << DimsView{mine, 17} << " for these shapes and options, received " << r.passed << ".";
    return Fail(f, true);
  }
  *out = g;
  return true;
}

namespace {

bool Disjoint(ArrayView a, ArrayView b, Failure* f) {
  return Disjoint(a.name, a.data, a.length, b.name, b.data, b.length, f);
}

bool ShapesEqual(DimsView a, DimsView b) {
  if (a.n != b.n) return false;
  for (size_t i = 0; i < a.n; ++i) {
    if (a.v[i] != b.v[i]) return false;
  }
  return true;
}

}  // namespace

bool ConvBnReluFilter(const ConvBnReluFilterRequest& r, Failure* f) {
  const ConvGeom& g = *r.conv;
  const int64_t zs[4] = {g.batch, g.out_h, g.out_w, g.out_c};
  int64_t z_count = 0;
  if (!Product("conv output shape", {zs, 4}, &z_count, f)) return false;
  // argmax and the kernels index the conv output with int32.
  if (z_count > kMaxInt32) {
    f->text << "the conv output must have fewer than 2^31 elements.";
    return Fail(f, true);
  }
  if (!Count(r.dy.name, r.dy.length, "dyShape", r.dy_shape, f)) return false;
  if (!Count(r.z.name, r.z.length, "conv output shape", {zs, 4}, f)) return false;
  const ConvGeom& out = r.pool != nullptr ? *r.pool : g;
  const int64_t want[4] = {out.batch, out.out_h, out.out_w, out.out_c};
  if (!ShapesEqual(r.dy_shape, {want, 4})) {
    f->text << "dyShape must be the output shape " << DimsView{want, 4} << ", received " << r.dy_shape << ".";
    return Fail(f, true);
  }
  if (!SameLength(r.dy.name, r.dy.length, r.y.name, r.y.length, f)) return false;
  if (!Length(r.dfilter.name, r.dfilter.length, r.filter.length, f)) return false;
  for (const ArrayView& a : {r.gamma, r.mean, r.inv_std, r.dgamma, r.dbeta}) {
    if (!Length(a.name, a.length, g.out_c, f)) return false;
  }
  if (r.pool != nullptr && r.argmax.length != r.dy.length) {
    f->text << "argmax must have one index per dy element (" << r.dy.length << "), received " << r.argmax.length << ".";
    return Fail(f, true);
  }
  const ArrayView outputs[3] = {r.dfilter, r.dgamma, r.dbeta};
  for (size_t i = 0; i < 3; ++i) {
    for (const ArrayView& in : {r.dy, r.input, r.filter, r.z, r.gamma, r.mean, r.inv_std, r.y}) {
      if (!Disjoint(outputs[i], in, f)) return false;
    }
    for (size_t j = i + 1; j < 3; ++j) {
      if (!Disjoint(outputs[i], outputs[j], f)) return false;
    }
    if (r.pool != nullptr && !Disjoint(r.argmax, outputs[i], f)) return false;
  }
  return true;
}

}  // namespace check
}  // namespace bw
