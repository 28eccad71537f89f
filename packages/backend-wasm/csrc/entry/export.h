// Declares a kernel entry point: an exported function of no arguments (they
// come through the frame, entry/args.h) named after the Backend kernel, which
// `fn` names in its messages.
//
//   BW_ENTRY(conv2d) { Args args(fn, 9); ... }
#pragma once

#define BW_ENTRY(name)                                                                                \
  static void bw_body_##name(const char* fn);                                                         \
  extern "C" __attribute__((export_name(#name))) void bw_entry_##name() { bw_body_##name(#name); } \
  static void bw_body_##name(const char* fn)
