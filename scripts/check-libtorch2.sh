#!/usr/bin/env bash
# Compiles (syntax only) the native code against libtorch 2.x headers: the CPU path against Debian
# trixie's libtorch-dev, the CUDA path (SQLRL_WITH_CUDA + SQLRL_WITH_CUDA_KERNELS) against its
# libtorch-cuda-dev and the local CUDA toolkit's headers. The packages are only downloaded and unpacked
# into a cache folder, never installed, so the machine's own libtorch (1.13 on bookworm) stays as it is.
# Exit 0: both compile; 1: a compile error; 3: the headers could not be fetched (no apt / no network).
# Usage: scripts/check-libtorch2.sh [CACHE_DIR]   (default: build/libtorch2-headers)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
cache=${1:-$src/build/libtorch2-headers}
suite=${SQLRL_LIBTORCH2_SUITE:-trixie}

fetch() {
  mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial" "$cache/apt/sources"
  cat > "$cache/apt/sources/libtorch2.sources" <<SOURCES
Types: deb
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  local apt_options=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$cache/apt/sources"
    -o Dir::State::Lists="$cache/apt/lists" -o Dir::Cache="$cache/apt/cache" -o Debug::NoLocking=1
    -o APT::Sandbox::User=root)
  apt-get "${apt_options[@]}" -qq update >/dev/null
  (cd "$cache" && apt-get "${apt_options[@]}" -qq download libtorch-dev libtorch-cuda-dev >/dev/null)
  for package in libtorch-dev libtorch-cuda-dev; do
    rm -rf "$cache/$package" && mkdir -p "$cache/$package"
    dpkg -x "$cache"/${package}_*.deb "$cache/$package"
  done
}

if [ ! -f "$cache/libtorch-cuda-dev/usr/include/c10/cuda/CUDAStream.h" ]; then
  command -v apt-get >/dev/null || { echo "check-libtorch2: apt-get is missing; cannot fetch the headers" >&2; exit 3; }
  echo "check-libtorch2: fetching libtorch-dev and libtorch-cuda-dev headers from Debian $suite into $cache"
  fetch || { echo "check-libtorch2: could not download the $suite packages" >&2; exit 3; }
fi
version_h="$cache/libtorch-dev/usr/include/torch/csrc/api/include/torch/version.h"
version=$(awk '/define TORCH_VERSION_(MAJOR|MINOR|PATCH)/ {v = v (v == "" ? "" : ".") $3} END {print v}' "$version_h")

check() {  # label include_root extra_flags... -- files...
  local label=$1 root=$2; shift 2
  local flags=()
  while [ "$1" != "--" ]; do flags+=("$1"); shift; done; shift
  # One g++ per file, as many at a time as there are cores; any failure fails the check.
  if printf '%s\0' "$@" | xargs -0 -P "$(nproc)" -I{} sh -c 'g++ -std=c++17 -fsyntax-only -Wall -Wextra \
      -Wno-unused-parameter "$@" "{}" || { echo "check-libtorch2: $(basename "{}") does not compile" >&2; exit 1; }' \
      sh "${flags[@]}" -I"$root" -I"$root/torch/csrc/api/include" -I"$src/native/include" -I"$src/native/src" \
      -I"$src/native/tests" -I"$src/native/cuda"; then
    echo "check-libtorch2: $label: $# files compile against libtorch $version"
  else
    echo "check-libtorch2: $label: compile errors against libtorch $version (above)" >&2
    return 1
  fi
}

status=0
check cpu "$cache/libtorch-dev/usr/include" -- "$src"/native/src/*.cpp "$src"/native/tests/*.cpp \
  "$src"/native/tests/oracle/*.cpp "$src"/native/tests/torch/*.cpp || status=1
cuda_include=""
for candidate in "${CUDA_HOME:-/usr/local/cuda}/include" /usr/local/cuda/include /usr/include; do
  if [ -f "$candidate/cuda_runtime_api.h" ]; then cuda_include=$candidate; break; fi
done
if [ -n "$cuda_include" ]; then
  check cuda "$cache/libtorch-cuda-dev/usr/include" -DSQLRL_WITH_CUDA=1 -DSQLRL_WITH_CUDA_KERNELS=1 \
    -I"$cuda_include" -- "$src"/native/src/*.cpp || status=1
else
  echo "check-libtorch2: no CUDA toolkit headers (cuda_runtime_api.h): the CUDA path was not checked" >&2
fi
exit $status
