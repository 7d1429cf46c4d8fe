#!/usr/bin/env bash
# Run ON the GPU machine (CUDA 13, nvcc, PyTorch with CUDA; no Java build there), from the repository
# root: builds libsqlrl and the CUDA kernels against PyTorch's libtorch, runs ctest (the kernel tests
# and the native tests), the kernel micro-benchmarks and, when prepare-gpu-run.sh's archive is given,
# the Java app on the GPU-built library: the reference check (check_reference.py) and the `sqlrl bench`
# runs of the issue's targets. Results go to $OUT (default ./gpu-results).
# SQLRL_GPU_STEPS picks steps (default all):
#   build,ctest,sanitizer,kernel-bench,reference,bench-sample,bench-train,bench-grpo
# SQLRL_GPU_SHAPES picks the bench shapes (default: qwen2.5-0.5b qwen2.5-1.5b qwen2.5-7b).
# The build folder (default build/gpu-native, inside the checkout) is reused by later calls.
# Usage: scripts/gpu/run-on-gpu.sh [build/gpu-run/sqlrl-gpu-run.tar.xz]
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${OUT:-$root/gpu-results}
build=${SQLRL_GPU_BUILD_DIR:-$root/build/gpu-native}
archive=${1:-}
steps=",${SQLRL_GPU_STEPS:-build,ctest,sanitizer,kernel-bench,reference,bench-sample,bench-train,bench-grpo},"
shapes=${SQLRL_GPU_SHAPES:-qwen2.5-0.5b qwen2.5-1.5b qwen2.5-7b}
mkdir -p "$out"
status=0
step() { echo; echo "== $*"; }
wanted() { [[ $steps == *",$1,"* ]]; }

step "device" | tee "$out/device.txt"
{ nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv; nvcc --version | tail -2; } \
  2>&1 | tee -a "$out/device.txt"

if wanted build; then
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
fi

if wanted ctest; then
step "ctest (kernel tests, Philox known answers, native tests)"
ctest --test-dir "$build" --output-on-failure --timeout 600 2>&1 | tee "$out/ctest.log" | tail -25
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
# ctest shows a test's output only on failure: keep the kernel tests' PASS lines too.
"$build/native/cuda/sqlrl_cuda_kernel_tests" > "$out/kernel-tests.txt" 2>&1 || status=1
fi

if wanted sanitizer; then
  # compute-sanitizer over the kernel tests: memcheck (out-of-bounds, misaligned) and racecheck (shared memory).
  sanitizer=$(command -v compute-sanitizer || echo "${CUDA_HOME:-/usr/local/cuda}/bin/compute-sanitizer")
  for tool in memcheck racecheck; do
    step "compute-sanitizer --tool $tool"
    if [ -x "$sanitizer" ]; then
      timeout "${SQLRL_GPU_SANITIZER_TIMEOUT:-480}" "$sanitizer" --tool "$tool" --error-exitcode 9 \
        "$build/native/cuda/sqlrl_cuda_kernel_tests" > "$out/sanitizer-$tool.txt" 2>&1
      code=$?
      tail -3 "$out/sanitizer-$tool.txt"
      [ $code -eq 0 ] || { echo "run-on-gpu: compute-sanitizer $tool exited $code" | tee -a "$out/sanitizer-$tool.txt"; status=1; }
    else
      echo "run-on-gpu: compute-sanitizer not found" | tee "$out/sanitizer-$tool.txt"
    fi
  done
fi

if wanted kernel-bench; then
step "kernel benchmarks"
"$build/native/cuda/sqlrl_cuda_kernel_tests" --bench 2>&1 | tee "$out/kernel-bench.txt" || status=1
fi

if [ -n "$archive" ]; then
  step "Java app on the GPU-built libsqlrl"
  app=${SQLRL_GPU_APP_DIR:-$root/build/gpu-app}
  if [ ! -x "$app/jre/bin/java" ] || [ "$archive" -nt "$app/jre/bin/java" ]; then
    rm -rf "$app" && mkdir -p "$app"
    tar -C "$app" -xJf "$archive" || { echo "run-on-gpu: cannot unpack $archive" >&2; exit 1; }
  fi
  export SQLRL_NATIVE_LIB="$build/libsqlrl.so"
  sqlrl() { "$app/jre/bin/java" --enable-native-access=ALL-UNNAMED -jar "$app/sqlrl.jar" "$@"; }
  sqlrl --version 2>&1 | tee "$out/java-smoke.txt"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1

  if wanted reference; then
    step "reference fixtures on CUDA (check_reference.py)"
    if [ -d "$app/reference" ]; then
      python3 "$root/scripts/gpu/check_reference.py" "$app/jre/bin/java" "$app/sqlrl.jar" "$app/reference" \
        "$out/reference" cuda 2>&1 | tee "$out/reference-check.txt"
      [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    else
      echo "run-on-gpu: the archive has no reference/ (see prepare-gpu-run.sh)" | tee "$out/reference-check.txt"
    fi
  fi
  # The issue's settings: B = 64, 384-token prompts, 256 new tokens, LoRA r = 16 on all projections, NF4 base.
  for shape in $shapes; do
    if wanted bench-sample; then
      # As stored (NF4 dequantized at each use), then with model.dense_sampling (bf16 copy held per call).
      for variant in nf4 dense; do
        step "bench sample $shape ($variant)"
        extra=(); [ "$variant" = dense ] && extra=(--dense-sampling)
        sqlrl bench sample --shape "$shape" --weights nf4 --batch 64 --prompt-len 384 --new-tokens 256 \
          --lora-rank 16 "${extra[@]}" --json 2> "$out/bench-sample-$variant-$shape.log" \
          | tee "$out/bench-sample-$variant-$shape.txt"
        [ "${PIPESTATUS[0]}" -eq 0 ] || { status=1; tail -5 "$out/bench-sample-$variant-$shape.log"; }
      done
    fi
    if wanted bench-train; then
      step "bench train-step $shape"
      sqlrl bench train-step --shape "$shape" --weights nf4 --batch 64 --micro-batch "${SQLRL_GPU_MICRO_BATCH:-8}" \
        --prompt-len 384 --completion-len 256 --lora-rank 16 --json 2> "$out/bench-train-$shape.log" \
        | tee "$out/bench-train-$shape.txt"
      [ "${PIPESTATUS[0]}" -eq 0 ] || { status=1; tail -5 "$out/bench-train-$shape.log"; }
    fi
    if wanted bench-grpo; then
      step "bench grpo-step $shape"
      sqlrl bench grpo-step --shape "$shape" --weights nf4 --prompts 8 --samples-per-prompt 8 --prompt-len 384 \
        --new-tokens 256 --micro-batch "${SQLRL_GPU_MICRO_BATCH:-8}" --lora-rank 16 --json \
        2> "$out/bench-grpo-$shape.log" | tee "$out/bench-grpo-$shape.txt"
      [ "${PIPESTATUS[0]}" -eq 0 ] || { status=1; tail -5 "$out/bench-grpo-$shape.log"; }
    fi
  done
fi

step "summary"
grep -hE "^(PASS|FAIL)|kernel tests failed|tests passed|tests failed" "$out/kernel-tests.txt" "$out/ctest.log" \
  "$out/reference-check.txt" 2>/dev/null | tail -40
grep -hE "tokens/s|per step" "$out"/bench-*.txt 2>/dev/null
exit $status
