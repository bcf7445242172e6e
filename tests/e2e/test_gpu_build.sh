#!/usr/bin/env bash
# The CUDA kernels compile warning-free (nvcc -Werror all-warnings, host
# compiler -Wall -Wextra -Werror) for the default arch list including sm_90
# (H100/H200); gpu_cuda.cu and its stub define the same symbols (so the
# CUDA binary can replace the stub member of libaxon.a); and a CUDA-linked
# checker runs: on a machine without a GPU it must stop cleanly with
# "no CUDA device" (exit 77 of the checker), never crash.
# Skips (77) when nvcc is not installed.
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
nvcc=$(command -v nvcc || true)
[ -z "$nvcc" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc=/usr/local/cuda/bin/nvcc
if [ -z "$nvcc" ]; then
  echo "skipped: nvcc not found (PATH, /usr/local/cuda/bin)"
  exit 77
fi
cuda_home=$(dirname "$(dirname "$(readlink -f "$nvcc")")")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"

gencode=""
for a in 80 86 89 90; do gencode="$gencode -gencode arch=compute_$a,code=sm_$a"; done
"$nvcc" -O2 -std=c++17 -Werror all-warnings -Xcompiler -Wall,-Wextra,-Werror $gencode \
  -gencode arch=compute_90,code=compute_90 -c gpu/gpu_cuda.cu -o "$work/gpu_cuda.o"
echo "nvcc -Werror: ok"
# sm_90 code is in the object (cuobjdump lists the cubins when available)
if [ -x "$cuda_home/bin/cuobjdump" ]; then
  "$cuda_home/bin/cuobjdump" --list-elf "$work/gpu_cuda.o" | grep -q sm_90
  echo "sm_90 cubin: present"
fi

cc -std=c11 -Wall -Wextra -Werror -O2 -D_DEFAULT_SOURCE -c gpu/gpu_cuda_stub.c -o "$work/stub.o"
nm "$work/gpu_cuda.o" | awk '$2 == "T" && $3 !~ /^_Z/ {print $3}' | sort >"$work/cuda.syms"
nm "$work/stub.o" | awk '$2 == "T" {print $3}' | sort >"$work/stub.syms"
if ! diff "$work/stub.syms" "$work/cuda.syms"; then
  echo "FAIL: gpu_cuda.cu and gpu_cuda_stub.c export different C symbols (diff above)"
  exit 1
fi
echo "symbols: $(tr '\n' ' ' <"$work/stub.syms")identical"

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
  -L"$cuda_home/lib64" -Wl,-rpath,"$cuda_home/lib64" -lcudart -lstdc++ -lcjson -lsqlite3 -lm -lpthread
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
