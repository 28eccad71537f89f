// How an entry point reports a failure without C++ exceptions (Debian's
// wasm32 libc++abi has none): the message goes to a static buffer and the
// call traps. The JavaScript side catches the trap (WebAssembly.RuntimeError),
// restores the stack pointer, reads the message and throws the matching error;
// the instance stays usable because checks run before any kernel writes, lock
// or allocation, and their values live on the stack or in static buffers.
#pragma once

namespace bw {

// Mirrors the native addon's mapping: kType -> TypeError, kRange -> RangeError.
enum class ErrorKind : int { kNone = 0, kType = 1, kRange = 2, kInternal = 3 };

// Records "<fn>: <what>" (just <what> for an empty fn; truncated to the
// buffer) and traps. Internal failures pass an empty fn: the JavaScript side
// names the kernel that was running.
[[noreturn]] void FailAndTrap(ErrorKind kind, const char* fn, const char* what);

// The last recorded failure (kNone after ClearError).
ErrorKind LastErrorKind();
const char* LastErrorMessage();
void ClearError();

}  // namespace bw
