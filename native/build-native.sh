#!/usr/bin/env bash
# Configures (once) and builds libsqlrl with CMake, then copies the library to DEST.
# Usage: native/build-native.sh BUILD_DIR DEST_DIR
# Torch is found through Torch_DIR / CMAKE_PREFIX_PATH (a CUDA libtorch) or Debian's libtorch-dev.
set -euo pipefail
build=${1:?build dir}; dest=${2:?destination dir}
src=$(cd "$(dirname "$0")/.." && pwd)
for tool in cmake g++; do
  command -v "$tool" >/dev/null || { echo "sqlrl: '$tool' is missing; install it with: apt-get install -y cmake g++" >&2; exit 3; }
done
if [ -z "${Torch_DIR:-}${CMAKE_PREFIX_PATH:-}" ] && [ ! -e /usr/lib/x86_64-linux-gnu/cmake/Torch/TorchConfig.cmake ]; then
  echo "sqlrl: libtorch is missing; install it with: apt-get install -y libtorch-dev (or set Torch_DIR to a libtorch's share/cmake/Torch)" >&2
  exit 3
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE="${SQLRL_BUILD_TYPE:-Release}" ${SQLRL_CMAKE_ARGS:-}
fi
cmake --build "$build" -j "${SQLRL_BUILD_JOBS:-$(nproc)}"
mkdir -p "$dest"
cp "$build/libsqlrl.so" "$dest/libsqlrl.so"
