#!/usr/bin/env bash
# Run ON the GPU machine (CUDA 13, nvcc, PyTorch with CUDA; no Java build there), from the repository
# root: builds libsqlrl and the CUDA kernels against PyTorch's libtorch, runs ctest (the kernel tests
# and the native tests), the kernel micro-benchmarks and, when prepare-gpu-run.sh's archive is given,
# a smoke run of the Java app on the GPU-built library. Results go to $OUT (default ./gpu-results).
# Usage: scripts/gpu/run-on-gpu.sh [build/gpu-run/sqlrl-gpu-run.tar.xz]
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${OUT:-$root/gpu-results}
build=${SQLRL_GPU_BUILD_DIR:-/tmp/sqlrl-build-gpu}
archive=${1:-}
mkdir -p "$out"
status=0
step() { echo; echo "== $*"; }

step "device" | tee "$out/device.txt"
{ nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv; nvcc --version | tail -2; } \
  2>&1 | tee -a "$out/device.txt"

step "configure (CUDA libtorch from PyTorch)"
torch_prefix=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)') || {
  echo "run-on-gpu: python3 cannot import torch" >&2; exit 3; }
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$torch_prefix" \
  -DSQLRL_CUDA_KERNELS=ON 2>&1 | tee "$out/configure.log" | tail -15
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "run-on-gpu: configure failed (see $out/configure.log)" >&2; exit 1; }

step "build"
start=$(date +%s)
cmake --build "$build" -j "$(nproc)" 2>&1 | tee "$out/build.log" | grep -E "error|warning: |Built target" | tail -20
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "run-on-gpu: build failed (see $out/build.log)" >&2; exit 1; }
echo "build took $(( $(date +%s) - start )) s" | tee -a "$out/build.log"

step "ctest (kernel tests, Philox known answers, native tests)"
ctest --test-dir "$build" --output-on-failure --timeout 600 2>&1 | tee "$out/ctest.log" | tail -25
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
# ctest shows a test's output only on failure: keep the kernel tests' PASS lines too.
"$build/native/cuda/sqlrl_cuda_kernel_tests" > "$out/kernel-tests.txt" 2>&1 || status=1

step "kernel benchmarks"
"$build/native/cuda/sqlrl_cuda_kernel_tests" --bench 2>&1 | tee "$out/kernel-bench.txt" || status=1

if [ -n "$archive" ]; then
  step "Java app on the GPU-built libsqlrl"
  app=$(mktemp -d)
  tar -C "$app" -xJf "$archive" || { echo "run-on-gpu: cannot unpack $archive" >&2; exit 1; }
  export SQLRL_NATIVE_LIB="$build/libsqlrl.so"
  "$app/jre/bin/java" --enable-native-access=ALL-UNNAMED -jar "$app/sqlrl.jar" --help 2>&1 | tee "$out/java-smoke.txt" \
    | head -20
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
fi

step "summary"
grep -E "^(PASS|FAIL)|kernel tests failed|tests passed|tests failed" "$out/kernel-tests.txt" "$out/ctest.log" | tail -20
exit $status
