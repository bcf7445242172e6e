#!/usr/bin/env bash
# Finds the CUDA runtime library for linking, for mk/gpu.mk and the CUDA
# tests alike. usage: mk/cuda_rt.sh CUDA_HOME [LIBDIR]
# Looks in LIBDIR when given, else in CUDA_HOME's lib64, lib and
# targets/*/lib; prints "DIR FLAGS..." (libcudart.so: -lcudart; only a
# versioned libcudart.so.N: -l:libcudart.so.N; only the static library:
# -lcudart_static -ldl -lrt), or nothing when there is none: a compiler-only
# toolkit has nvcc but no runtime, and nothing can be linked against CUDA.
home=${1:-}
if [ -n "${2:-}" ]; then
  dirs=("$2")
else
  dirs=("$home/lib64" "$home/lib" "$home/targets/x86_64-linux/lib" "$home/targets/sbsa-linux/lib")
fi
for d in "${dirs[@]}"; do
  if [ -e "$d/libcudart.so" ]; then
    echo "$d -lcudart"; exit 0
  fi
  so=$(ls "$d"/libcudart.so.[0-9]* 2>/dev/null | head -n 1)
  if [ -n "$so" ]; then
    echo "$d -l:$(basename "$so")"; exit 0
  fi
  if [ -e "$d/libcudart_static.a" ]; then
    echo "$d -lcudart_static -ldl -lrt"; exit 0
  fi
done
exit 0
