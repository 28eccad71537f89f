// The one mapping from C++ exceptions to JavaScript errors, used by every
// entry point, sync and async.
#pragma once

#include <napi.h>

#include <string>

namespace bw {

// An exception captured where no JS value may be made (a libuv worker), turned
// into a JS error later on the main thread.
struct CaughtError {
  enum class Kind { kType, kRange, kError };
  Kind kind = Kind::kError;
  std::string message;
};

// Call only inside a catch block: describes the exception in flight. ArgError
// becomes a TypeError or RangeError with its own message (it names the
// function already); std::bad_alloc "<fn>: out of memory."; any other
// std::exception "<fn>: <what>"; anything else "<fn>: unknown C++ exception.".
CaughtError CaughtNow(const char* fn);

Napi::Error ToJsError(Napi::Env env, const CaughtError& e);

// Runs body() and rethrows whatever it throws as a JS error: a Napi::Error
// unchanged (it is one already), every C++ exception through CaughtNow.
template <typename Body>
auto GuardJs(Napi::Env env, const char* fn, Body body) -> decltype(body()) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (...) {
    throw ToJsError(env, CaughtNow(fn));
  }
}

}  // namespace bw
