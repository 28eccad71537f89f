#include "entry/error.h"

#include <cstdio>

namespace bw {
namespace {

ErrorKind last_kind = ErrorKind::kNone;
char last_message[1024];

}  // namespace

void FailAndTrap(ErrorKind kind, const char* fn, const char* what) {
  if (fn[0] == '\0') {
    std::snprintf(last_message, sizeof last_message, "%s", what);
  } else {
    std::snprintf(last_message, sizeof last_message, "%s: %s", fn, what);
  }
  last_kind = kind;
  __builtin_trap();
}

ErrorKind LastErrorKind() { return last_kind; }

const char* LastErrorMessage() { return last_message; }

void ClearError() {
  last_kind = ErrorKind::kNone;
  last_message[0] = '\0';
}

}  // namespace bw
