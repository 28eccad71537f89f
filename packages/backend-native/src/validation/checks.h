// Argument checks shared by the two bindings of the kernels: the N-API addon
// (binding/args.cc, entry.cc) and the WebAssembly entries (backend-wasm's
// csrc/entry/args.cc, window.cc). Plain C++ on plain values: no N-API or wasm
// type, no exception, no allocation (a wasm entry traps after a failed check,
// so nothing it allocated would be freed). Each check returns true when it
// passes, else fills a Failure, whose text follows the bindings' rule
// `<argument> <expected>, received <actual>.`; the binding prefixes the
// kernel's name and raises it (a JS RangeError or TypeError).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/conv2d.h"

namespace bw {
namespace check {

// A list of integers to print as [a,b,c].
struct DimsView {
  const int64_t* v;
  size_t n;
};

// Message text in a fixed buffer (truncated, never allocated); both bindings
// build their messages with it (backend-wasm's entries call it Text).
class Message {
 public:
  Message() { buf_[0] = '\0'; }
  Message& operator<<(const char* s);
  Message& operator<<(int64_t x);
  Message& operator<<(int x) { return *this << static_cast<int64_t>(x); }
  Message& operator<<(size_t x) { return *this << static_cast<int64_t>(x); }
  // Whole numbers (addresses, lengths) in full, others as %g.
  Message& operator<<(double x);
  Message& operator<<(DimsView d);
  const char* c_str() const { return buf_; }

 private:
  // Only the terminator is set (constructor): every check builds a Failure,
  // almost always to leave it unused, and clearing 512 bytes each time cost
  // more than a small kernel. Each write keeps the text terminated.
  char buf_[512];
  size_t len_ = 0;
};

struct Failure {
  bool range = false;  // RangeError, else TypeError
  Message text;
};

// The product of dims (1 for none); fails past 2^53 (typed array
// lengths stay far below, so anything larger is an error, not a wrap-around).
bool Product(const char* name, DimsView dims, int64_t* product, Failure* f);

// An array of `length` elements must hold product(dims).
bool Count(const char* array, int64_t length, const char* dims_name, DimsView dims, Failure* f);
bool Length(const char* array, int64_t length, int64_t want, Failure* f);
// b must have a's length.
bool SameLength(const char* a, int64_t a_length, const char* b, int64_t b_length, Failure* f);
// Two arrays of float32 must not overlap (an output aliasing an input would corrupt it).
bool Disjoint(const char* a, const void* a_data, int64_t a_length, const char* b, const void* b_data, int64_t b_length,
              Failure* f);

// One array argument: its name, the caller's memory (for the aliasing checks)
// and its element count; float32, or int32 (argmax): both 4 bytes an element.
struct ArrayView {
  const char* name = "";
  const void* data = nullptr;
  int64_t length = 0;
};

// A conv call's input and filter: both shapes have 4 dimensions, each array
// holds its shape's elements, and the filter's in-channels (dimension 2) are
// the input's channels.
bool ConvArrays(ArrayView input, const char* input_shape_name, DimsView input_shape, ArrayView filter,
                DimsView filter_shape, Failure* f);

// A conv/pool call's window: the shapes and options as received, and the
// 17-value geometry the TypeScript side computed.
struct WindowRequest {
  DimsView input;  // NHWC, rank 4
  int64_t k_h, k_w, out_c;
  int64_t stride_h, stride_w, dil_h, dil_w;
  bool same;
  DimsView passed;
};

// Core's window limits, then the geometry recomputed as core's conv2dGeometry
// does (WindowAxis), which must equal the one passed.
bool Window(const WindowRequest& r, ConvGeom* g, Failure* f);

// conv2dBatchNormReluBackwardFilter's arrays, once its conv window (and,
// pooled, its pool window on the conv output) passed Window: element counts,
// the output shape dy must have, and outputs apart from every input and
// from each other. argmax's range is the kernel's own check (only its
// unfused fallback follows the indices).
struct ConvBnReluFilterRequest {
  const ConvGeom* conv = nullptr;
  const ConvGeom* pool = nullptr;  // null: no pool
  ArrayView input, filter, dy;
  DimsView dy_shape;
  ArrayView z, gamma, mean, inv_std, y;
  ArrayView argmax;  // pooled only
  ArrayView dfilter, dgamma, dbeta;
};
bool ConvBnReluFilter(const ConvBnReluFilterRequest& r, Failure* f);

}  // namespace check
}  // namespace bw
