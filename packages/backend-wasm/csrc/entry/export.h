// Declares a kernel entry point: an exported function of no arguments (they
// come through the frame, entry/args.h) that `fn` names in its messages.
//
//   BW_ENTRY("conv2d") { Args args(fn, 9); ... }
#pragma once

#define BW_ENTRY_CONCAT2(a, b) a##b
#define BW_ENTRY_CONCAT(a, b) BW_ENTRY_CONCAT2(a, b)
#define BW_ENTRY_IMPL(name, id)                                                        \
  static void id(const char* fn);                                                      \
  extern "C" __attribute__((export_name(name))) void BW_ENTRY_CONCAT(id, _export)() { \
    id(name);                                                                          \
  }                                                                                    \
  static void id(const char* fn)
#define BW_ENTRY(name) BW_ENTRY_IMPL(name, BW_ENTRY_CONCAT(bw_entry_, __LINE__))
