#!/bin/sh
# Builds kernel-probe, a stand-alone timing driver for the C++ kernels (no Node):
#   sh probe/build.sh && ./probe/out/kernel-probe conv2dBackpropFilter 32,28,28,32 64 3
# Flags as CMakeLists.txt: -O3, -ffp-contract=off -fno-math-errno, ISA flags only on *_<isa>.cc.
set -e
cd "$(dirname "$0")/.."
mkdir -p probe/out
objs=""
for f in $(sed -n '/set(BATCHWISE_SOURCES/,/^)/p' CMakeLists.txt | grep 'src/kernels\|src/runtime' | grep -v allocator); do
  flags=""
  case "$f" in
    *_avx2.cc) flags="-mavx2 -mfma" ;;
    *_avx512.cc) flags="-mavx512f -mavx512dq -mavx512bw -mavx512vl -mfma" ;;
  esac
  o="probe/out/$(basename "$f" .cc).o"
  objs="$objs $o"
  # Rebuilt when its source or any header is newer than the object.
  if [ -f "$o" ] && [ "$o" -nt "$f" ] && [ -z "$(find src -name '*.h' -newer "$o" -o -name '*.inc' -newer "$o")" ]; then continue; fi
  g++ -std=c++17 -O3 -g -ffp-contract=off -fno-math-errno -Isrc $flags -c "$f" -o "$o" &
done
wait
g++ -std=c++17 -O3 -g -ffp-contract=off -fno-math-errno -Isrc -c probe/kernel-probe.cc -o probe/out/kernel-probe.o
g++ -o probe/out/kernel-probe probe/out/kernel-probe.o $objs -lpthread
