#include "binding/js-error.h"

#include <exception>
#include <new>

#include "binding/args.h"

namespace bw {

CaughtError CaughtNow(const char* fn) {
  CaughtError e;
  try {
    throw;
  } catch (const ArgError& a) {
    e.kind = a.is_range() ? CaughtError::Kind::kRange : CaughtError::Kind::kType;
    e.message = a.what();
  } catch (const std::bad_alloc&) {
    e.message = std::string(fn) + ": out of memory.";
  } catch (const std::exception& x) {
    e.message = std::string(fn) + ": " + x.what();
  } catch (...) {
    e.message = std::string(fn) + ": unknown C++ exception.";
  }
  return e;
}

Napi::Error ToJsError(Napi::Env env, const CaughtError& e) {
  switch (e.kind) {
    case CaughtError::Kind::kType: return Napi::TypeError::New(env, e.message);
    case CaughtError::Kind::kRange: return Napi::RangeError::New(env, e.message);
    case CaughtError::Kind::kError: break;
  }
  return Napi::Error::New(env, e.message);
}

}  // namespace bw
