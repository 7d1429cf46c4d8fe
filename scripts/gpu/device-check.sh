#!/usr/bin/env bash
# The one command for a lent GPU machine (issue 15): run from the repository root THERE, with the archive
# that scripts/gpu/prepare-gpu-run.sh made HERE carried beside it (build/gpu-run). Each phase runs under its
# own timeout, so a slow phase costs only its own share; the worst case of the first profile is about
# 8 minutes. Phases of the first profile, in this order:
#   env        GPU, driver, nvcc, torch, cmake, transformers/peft versions
#   build      libsqlrl + the CUDA kernels against PyTorch's CUDA libtorch (kernel tests built first, so they
#              survive a libsqlrl failure; an nvcc-only build of them if CMake cannot configure)
#   check      at once: kernel tests, libsqlrl's native tests (with the fused decode step on the GPU), HF
#              fixtures on CUDA (check_reference.py), interoperability with transformers + peft (check_interop.py)
#   graphs-7b, plain-graphs-7b, grpo-shape-7b, tensor-core-7b, graphs-0.5b, plain-graphs-0.5b, sample-0.5b
#              `sqlrl bench sample` at the issue's settings: the fused decode step with CUDA graphs beside the
#              plain step it replaced, GRPO's 8 x 8 shape, the tensor-core NF4 GEMM, and 0.5B eager (7B first:
#              its numbers survive a cut)
# The second profile (SQLRL_CHECK_PROFILE=second, for the next window; needs the build of the first on a
# warm machine or builds again): compute-sanitizer memcheck, a 7B GRPO step, kernel micro-benchmarks, 1.5B
# sampling, 7B sampling from dense bf16 weights with CUDA graphs, 7B, 1.5B and 0.5B update steps.
# Results: $OUT/summary.txt (one line per phase) and $OUT/device-check.tgz (every log and JSON), both
# rewritten after each phase so that a cut run still returns what it finished. Two files: the device tool
# returns at most 8.
# SQLRL_CHECK_PROFILE=quick (a window of under 4 minutes): build, the fixtures on CUDA, 0.5B sampling
# without and with CUDA graphs.
# Usage: scripts/gpu/device-check.sh [RUN_DIR]   (default build/gpu-run)
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
self=$root/scripts/gpu/device-check.sh
if [ "${1:-}" != --phase ]; then export SQLRL_CHECK_RUN_DIR=${1:-$root/build/gpu-run}; fi
run_dir=$SQLRL_CHECK_RUN_DIR
out=${OUT:-$root/gpu-results}
logs=${SQLRL_CHECK_LOGS:-/tmp/sqlrl-device-check}
build=${SQLRL_GPU_BUILD_DIR:-$root/build/gpu-native}
app=/tmp/sqlrl-gpu-app
export SQLRL_NATIVE_LIB=$build/libsqlrl.so

sqlrl() { "$app/jre/bin/java" --enable-native-access=ALL-UNNAMED -jar "$app/sqlrl.jar" "$@"; }

# ---- one phase, run as `device-check.sh --phase NAME` under timeout ------------------------------------
phase_env() {
  date -u +%FT%TZ
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
  nvcc --version | tail -2
  python3 -c 'import torch;print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.is_available(), torch.cuda.get_device_name(0))'
  python3 -c 'import transformers, peft; print("transformers", transformers.__version__, "peft", peft.__version__)'
  cmake --version | head -1; ninja --version 2>/dev/null | sed 's/^/ninja /'
  command -v xz >/dev/null && echo "xz present" || echo "xz absent"
  echo "cores $(nproc)"; free -g | head -2
  command -v compute-sanitizer >/dev/null && echo "compute-sanitizer present"
  # Unpack the Java side with Python's tarfile: xz may be missing there.
  rm -rf "$app" && mkdir -p "$app"
  python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' \
    "$run_dir/sqlrl-gpu-run.tar.xz" "$app" || return 1
  echo "archive made from commit $(cat "$app/commit.txt" 2>/dev/null || echo unknown)"
}

torch_cxx_standard() {
  # PyTorch 2.13+ headers need C++20 (see CMakeLists.txt); older ones build as C++17.
  python3 -c 'import torch; v = tuple(int(p) for p in torch.__version__.split("+")[0].split(".")[:2]); print(20 if v >= (2, 13) else 17)'
}

phase_build() {
  local prefix std
  prefix=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)') || return 1
  std=$(torch_cxx_standard)
  local generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
  # Only the chip in hand (sm_90a): the sm_80 pass would double the kernels' compile time.
  if ! TORCH_CUDA_ARCH_LIST=9.0 cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$prefix" -DSQLRL_CUDA_KERNELS=ON -DSQLRL_CXX_STANDARD="$std" \
      -DCMAKE_POLICY_VERSION_MINIMUM=3.5 -DSQLRL_CUDA_ARCHITECTURES=90a-real -DCMAKE_CUDA_ARCHITECTURES=90a-real; then
    echo "device-check: CMake could not configure against the CUDA libtorch; building the kernel tests with nvcc alone"
    mkdir -p "$build/native/cuda"
    nvcc -O3 -std=c++17 -gencode=arch=compute_90a,code=sm_90a -I"$root/native/cuda" -I"$root/native/src" \
      "$root"/native/cuda/*.cu "$root"/native/cuda/tests/*.cpp "$root/native/src/nf4_codec.cpp" \
      -o "$build/native/cuda/sqlrl_cuda_kernel_tests"
    return 1
  fi
  # One build, keeping going past a failure: the kernel tests still come out if libsqlrl does not compile.
  local keep_going=(); [ ${#generator[@]} -gt 0 ] && keep_going=(-- -k 0)
  cmake --build "$build" -j "$(nproc)" --target sqlrl_cuda_kernel_tests sqlrl sqlrl_native_tests "${keep_going[@]}"
  [ -x "$build/native/cuda/sqlrl_cuda_kernel_tests" ] || { echo "device-check: the kernel tests did not build"; return 1; }
  [ -f "$build/libsqlrl.so" ] || { echo "device-check: libsqlrl did not build"; return 1; }
  echo "libsqlrl's libtorch libraries:"
  readelf -d "$build/libsqlrl.so" | grep -E 'NEEDED.*(torch|c10|cuda)'
  readelf -d "$build/libsqlrl.so" | grep -q 'libtorch_cuda' || { echo "device-check: libsqlrl does not link libtorch_cuda"; return 1; }
  sqlrl --version
}

phase_kernels() { "$build/native/cuda/sqlrl_cuda_kernel_tests"; }

# libsqlrl's own tests against this libtorch (2.x code paths: SDPA, causal attention without a mask), and the
# fused decode step on the GPU against the plain one (fused_decode_step_on_cuda_equals_the_plain_step).
phase_native_tests() { "$build/sqlrl_native_tests"; }

phase_reference() {
  python3 "$root/scripts/gpu/check_reference.py" "$app/jre/bin/java" "$app/sqlrl.jar" "$app/reference" \
    "$logs/reference" cuda
}

phase_interop() {
  python3 "$root/scripts/gpu/check_interop.py" "$app/jre/bin/java" "$app/sqlrl.jar" "$app/reference" \
    "$app/sqlrl-adapters" "$logs/interop"
}

# The issue's settings: B = 64, 384-token prompts, 256 new tokens, LoRA r = 16 on all projections, NF4 base.
# phase_sample LABEL SHAPE [FLAGS...]: writes bench-sample-LABEL.json.
phase_sample() {
  local label=$1 shape=$2
  shift 2
  sqlrl bench sample --shape "$shape" --weights nf4 --batch 64 --prompt-len 384 --new-tokens 256 --lora-rank 16 \
    --repeats 2 "$@" --json > "$logs/bench-sample-$label.json"
}

phase_train() {
  sqlrl bench train-step --shape "$1" --weights nf4 --batch 64 --micro-batch 8 --prompt-len 384 \
    --completion-len 256 --lora-rank 16 --steps "${2:-2}" --json > "$logs/bench-train-$1.json"
}

phase_grpo() {
  sqlrl bench grpo-step --shape "$1" --weights nf4 --prompts 8 --samples-per-prompt 8 --prompt-len 384 \
    --new-tokens 256 --micro-batch 8 --lora-rank 16 --set model.cuda_graphs=true --set model.decode_step=fused --json > "$logs/bench-grpo-$1.json"
}

phase_sanitizer() {
  local code=0
  for tool in memcheck; do
    compute-sanitizer --tool "$tool" --error-exitcode 9 "$build/native/cuda/sqlrl_cuda_kernel_tests" \
      > "$logs/sanitizer-$tool.txt" 2>&1 || code=1
    tail -3 "$logs/sanitizer-$tool.txt"
  done
  return $code
}

phase_kernel_bench() { "$build/native/cuda/sqlrl_cuda_kernel_tests" --bench; }

if [ "${1:-}" = --phase ]; then
  name=$2; shift 2
  "phase_${name//-/_}" "$@"
  exit $?
fi

# ---- the driver -----------------------------------------------------------------------------------------
rm -rf "$logs"  # a warm machine keeps /tmp: no figures from an earlier call
mkdir -p "$out" "$logs"
: > "$logs/summary.txt"
pack() {  # under a lock: the check phases run side by side
  (
    flock 9
    cp "$logs/summary.txt" "$out/summary.txt"
    tar -C "$(dirname "$logs")" -czf "$out/device-check.tgz.part" "$(basename "$logs")" &&
      mv "$out/device-check.tgz.part" "$out/device-check.tgz"
  ) 9> "$logs/.pack.lock"
}
# run LOG_NAME SECONDS PHASE [ARGS]: the phase under its timeout; one summary line; logs packed.
run() {
  local name=$1 limit=$2 started code verdict
  shift 2
  started=$(date +%s)
  timeout --kill-after=10 "$limit" "$self" --phase "$@" > "$logs/$name.log" 2>&1
  code=$?
  case $code in 0) verdict=ok ;; 124|137) verdict="TIMEOUT after ${limit}s" ;; *) verdict="FAILED (exit $code)" ;; esac
  printf '%-12s %-22s %4ss  last: %s\n' "$name" "$verdict" "$(( $(date +%s) - started ))" \
    "$(grep -v '^\s*$' "$logs/$name.log" | tail -1 | cut -c1-150)" | tee -a "$logs/summary.txt"
  pack
  return $code
}
profile=${SQLRL_CHECK_PROFILE:-first}
# The device tool copies the working tree, not the history: the commit comes from the archive (env phase).
echo "device-check ($profile profile) at $(date -u +%FT%TZ)" \
  | tee -a "$logs/summary.txt"
run env 45 env
if [ "$profile" != second ] || [ ! -f "$build/libsqlrl.so" ]; then
  run build 140 build
fi
if [ "$profile" = quick ]; then
  # A short window: the fixtures on CUDA, then 0.5B decode (launch-bound) without and with CUDA graphs.
  run reference 60 reference
  run sample-0.5b 35 sample 0.5b qwen2.5-0.5b
  run graphs-0.5b 35 sample 0.5b-cuda-graphs qwen2.5-0.5b --cuda-graphs
elif [ "$profile" = first ]; then
  # Correctness at once: the kernel tests, the fixtures and the interoperability check use little of the GPU.
  run kernels 60 kernels & k=$!
  run native-tests 80 native-tests & n=$!
  run reference 80 reference & r=$!
  run interop 80 interop & i=$!
  wait $k $n $r $i
  # The fused decode step beside the plain one it replaced (same card, same window), then GRPO's shape (8
  # prompts x 8 samples: the samples read their prompt's K/V once).
  run graphs-7b 55 sample 7b-fused-cuda-graphs qwen2.5-7b --cuda-graphs --decode-step fused
  run plain-graphs-7b 55 sample 7b-plain-cuda-graphs qwen2.5-7b --cuda-graphs --decode-step plain
  run grpo-shape-7b 55 sample 7b-8x8-fused-cuda-graphs qwen2.5-7b --cuda-graphs --decode-step fused --samples-per-prompt 8
  run tensor-core-7b 55 sample 7b-tensor-core-fused-cuda-graphs qwen2.5-7b --cuda-graphs --decode-step fused --tensor-core-gemm
  run graphs-0.5b 35 sample 0.5b-fused-cuda-graphs qwen2.5-0.5b --cuda-graphs --decode-step fused
  run plain-graphs-0.5b 35 sample 0.5b-plain-cuda-graphs qwen2.5-0.5b --cuda-graphs --decode-step plain
  run sample-0.5b 35 sample 0.5b-fused qwen2.5-0.5b --decode-step fused
else
  run sanitizer 120 sanitizer
  run grpo-7b 100 grpo qwen2.5-7b
  run kernel-bench 45 kernel-bench
  run sample-1.5b 50 sample 1.5b qwen2.5-1.5b
  run dense-graphs-7b 50 sample 7b-dense-cuda-graphs qwen2.5-7b --dense-sampling --cuda-graphs
  run train-7b 55 train qwen2.5-7b
  run train-1.5b 45 train qwen2.5-1.5b
  run train-0.5b 40 train qwen2.5-0.5b
fi
echo "device-check done at $(date -u +%FT%TZ)" | tee -a "$logs/summary.txt"
pack
cat "$logs/summary.txt"
