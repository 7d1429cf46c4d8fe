#!/usr/bin/env bash
# Compiles (syntax only) the native code against libtorch 2.x headers: the CPU path against Debian
# trixie's libtorch-dev, the CUDA path (SQLRL_WITH_CUDA + SQLRL_WITH_CUDA_KERNELS) against its
# libtorch-cuda-dev and the local CUDA toolkit's headers, with Gloo's (libgloo-dev) and NCCL's (libnccl-dev,
# non-free) headers so that the data-parallel backends of process_group.cpp are checked too: the NCCL one only
# compiles on CUDA builds, and no machine here has NCCL. The packages are only downloaded and unpacked
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
Components: main contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  local apt_options=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$cache/apt/sources"
    -o Dir::State::Lists="$cache/apt/lists" -o Dir::Cache="$cache/apt/cache" -o Debug::NoLocking=1
    -o APT::Sandbox::User=root)
  apt-get "${apt_options[@]}" -qq update >/dev/null
  # gloo's and NCCL's headers too: libtorch's c10d backends (data-parallel training) include them
  (cd "$cache" && apt-get "${apt_options[@]}" -qq download libtorch-dev libtorch-cuda-dev libgloo-dev libnccl-dev >/dev/null)
  for package in libtorch-dev libtorch-cuda-dev libgloo-dev libnccl-dev; do
    rm -rf "$cache/$package" && mkdir -p "$cache/$package"
    dpkg -x "$cache"/${package}_*.deb "$cache/$package"
  done
}

if [ ! -f "$cache/libtorch-cuda-dev/usr/include/c10/cuda/CUDAStream.h" ] || [ ! -f "$cache/libnccl-dev/usr/include/nccl.h" ]; then
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
      sh "${flags[@]}" -I"$root" -I"$root/torch/csrc/api/include" -I"$cache/libgloo-dev/usr/include" \
      -I"$src/native/include" -I"$src/native/src" \
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
# The CUDA math libraries' headers (cuBLAS, cuSPARSE, cuSOLVER) are not in every toolkit (this machine's CUDA 13
# has none); ATen's CUDAContext, which c10d's NCCL backend includes, only names their handle types. Declarations
# of those types stand in for them, after the real include paths, for this syntax check only.
stubs="$cache/cuda-library-stubs"
mkdir -p "$stubs"
printf '#pragma once\ntypedef struct cusparseContext* cusparseHandle_t;\ntypedef int cusparseStatus_t;\n' > "$stubs/cusparse.h"
printf '#pragma once\ntypedef struct cublasContext* cublasHandle_t;\ntypedef int cublasStatus_t;\n' > "$stubs/cublas_v2.h"
printf '#pragma once\ntypedef struct cublasLtContext* cublasLtHandle_t;\n' > "$stubs/cublasLt.h"
printf '#pragma once\ntypedef int cusolverStatus_t;\n' > "$stubs/cusolver_common.h"
printf '#pragma once\n#include <cusolver_common.h>\ntypedef struct cusolverDnContext* cusolverDnHandle_t;\n' > "$stubs/cusolverDn.h"
if [ -n "$cuda_include" ]; then
  check cuda "$cache/libtorch-cuda-dev/usr/include" -DSQLRL_WITH_CUDA=1 -DSQLRL_WITH_CUDA_KERNELS=1 \
    -I"$cuda_include" -I"$cache/libnccl-dev/usr/include" -idirafter "$stubs" -- "$src"/native/src/*.cpp || status=1
  # the data-parallel backends must have been compiled in, not left out for want of their headers
  preprocessed="$cache/process_group.ii"
  g++ -std=c++17 -E -DSQLRL_WITH_CUDA=1 -I"$cache/libtorch-cuda-dev/usr/include" \
    -I"$cache/libtorch-cuda-dev/usr/include/torch/csrc/api/include" -I"$cache/libgloo-dev/usr/include" \
    -I"$cache/libnccl-dev/usr/include" -I"$cuda_include" -idirafter "$stubs" -I"$src/native/src" \
    -I"$src/native/include" "$src/native/src/process_group.cpp" -o "$preprocessed" || status=1
  for backend in ProcessGroupGloo ProcessGroupNCCL; do
    if grep -q "make_unique<CollectivesOf<c10d::$backend>>" "$preprocessed"; then
      echo "check-libtorch2: cuda: process_group.cpp compiles with $backend"
    else
      echo "check-libtorch2: cuda: $backend was not compiled into process_group.cpp" >&2
      status=1
    fi
  done
else
  echo "check-libtorch2: no CUDA toolkit headers (cuda_runtime_api.h): the CUDA path was not checked" >&2
fi
exit $status
