#!/usr/bin/env bash
# The CUDA build links and runs: build/gpu-check (mk/gpu.mk, built by `make
# test` when nvcc and the CUDA runtime exist) links gpu_cuda.o in front of
# libaxon.a and the runtime, so the real gpu_ref_cuda replaces the stub; on a
# machine without a GPU it must stop cleanly with "no CUDA device" (exit 77
# of the checker), never crash; with a GPU it must match the CPU twin.
# Skips (77) when nvcc is missing, or when the toolkit has no CUDA runtime
# library (a compiler-only install: test_gpu_build still checks the kernels).
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
. "$root/tests/e2e/cuda_env.sh"
cuda_require_nvcc
cudart=$(bash "$root/mk/cuda_rt.sh" "$cuda_home" "${CUDA_LIBDIR:-}")
if [ -z "$cudart" ]; then
  echo "skipped: no CUDA runtime (libcudart.so[.N] / libcudart_static.a) under $cuda_home/{lib64,lib,targets/*/lib}; the kernels compile (test_gpu_build) but cannot be linked here"
  exit 77
fi
echo "CUDA runtime: $cudart"
check=$build/gpu-check
if [ ! -x "$check" ]; then
  echo "FAIL: $check missing (make test builds it when nvcc and the CUDA runtime exist; or make gpu)"
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
set +e
ASAN_OPTIONS=protect_shadow_gap=0 "$check" 3 >"$work/check.out" 2>&1
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
