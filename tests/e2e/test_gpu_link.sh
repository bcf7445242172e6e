#!/usr/bin/env bash
# The CUDA build links and runs: a checker is linked from gpu_cuda.o in front
# of libaxon.a and the CUDA runtime, so the real gpu_ref_cuda replaces the
# stub; on a machine without a GPU it must stop cleanly with "no CUDA device"
# (exit 77 of the checker), never crash; with a GPU it must match the CPU twin.
# Skips (77) when nvcc is missing, or when the toolkit has no CUDA runtime
# library (a compiler-only install: test_gpu_build still checks the kernels).
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
. "$root/tests/e2e/cuda_env.sh"
cuda_require_nvcc
if [ -z "$cudart_dir" ]; then
  echo "skipped: no CUDA runtime (libcudart.so / libcudart_static.a) under $cuda_home/{lib64,lib,targets/*/lib}; the kernels compile (test_gpu_build) but cannot be linked here"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
"$nvcc" -O2 -std=c++17 -gencode arch=compute_90,code=sm_90 -gencode arch=compute_80,code=sm_80 \
  -c gpu/gpu_cuda.cu -o "$work/gpu_cuda.o"

# Link a checker against libaxon.a: the real gpu_ref_cuda must replace the stub.
if [ ! -f "$build/libaxon.a" ]; then
  echo "FAIL: $build/libaxon.a missing (run make first)"
  exit 1
fi
# a sanitizer build (build-address, build-undefined) links its own runtime
san=()
case "$(basename "$build")" in
  build-*) san=(-fsanitize="$(basename "$build" | sed 's/^build-//')") ;;
esac
cc -std=c11 -Wall -Wextra -Werror -O2 -D_DEFAULT_SOURCE "${san[@]}" -c tests/gpu/cuda_check.c -o "$work/check.o"
cc "${san[@]}" -o "$work/gpu-check" "$work/check.o" "$work/gpu_cuda.o" "$build/libaxon.a" \
  -L"$cudart_dir" -Wl,-rpath,"$cudart_dir" $cudart_libs -lstdc++ -lcjson -lsqlite3 -lm -lpthread
set +e
ASAN_OPTIONS=protect_shadow_gap=0 "$work/gpu-check" 3 >"$work/check.out" 2>&1
rc=$?
set -e
cat "$work/check.out"
if grep -q "built without CUDA" "$work/check.out"; then
  echo "FAIL: the CUDA link picked the stub"
  exit 1
fi
case $rc in
  0) echo "CUDA kernels match the CPU twin" ;;
  77) grep -q "no CUDA device" "$work/check.out" || { echo "FAIL: exit 77 without the no-device message"; exit 1; }
      echo "no GPU here: checker stopped cleanly with AX_EUNSUPPORTED" ;;
  *) echo "FAIL: gpu-check exit $rc"; exit 1 ;;
esac
