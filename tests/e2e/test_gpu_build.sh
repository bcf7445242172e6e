#!/usr/bin/env bash
# The CUDA kernels compile warning-free (nvcc -Werror all-warnings, host
# compiler -Wall -Wextra -Werror) for the default arch list including sm_90
# (H100/H200); and gpu_cuda.cu and its stub define the same symbols (so the
# CUDA binary can replace the stub member of libaxon.a). Linking and running
# the CUDA build is test_gpu_link. Skips (77) when nvcc is not installed.
set -euo pipefail
root=${AXON_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${AXON_BUILD:-$root/build}
. "$root/tests/e2e/cuda_env.sh"
cuda_require_nvcc
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
