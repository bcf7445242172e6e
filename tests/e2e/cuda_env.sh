# Sourced by the CUDA tests (not a test itself): finds nvcc and the CUDA
# runtime library the way mk/gpu.mk does. Sets
#   nvcc        path of nvcc, or empty
#   cuda_home   the toolkit root (nvcc's ../..)
#   cudart_dir  the folder holding libcudart.so[.N] or libcudart_static.a, or empty
#   cudart_libs the linker flags for it (-lcudart, or the static runtime)
# A toolkit can ship nvcc without the runtime (a compiler-only install): the
# kernels then compile, but nothing can be linked against CUDA.
nvcc=$(command -v nvcc || true)
[ -z "$nvcc" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc=/usr/local/cuda/bin/nvcc
cuda_home=""
cudart_dir=""
cudart_libs=""
if [ -n "$nvcc" ]; then
  cuda_home=$(dirname "$(dirname "$(readlink -f "$nvcc")")")
  for d in "$cuda_home/lib64" "$cuda_home/lib" "$cuda_home/targets/x86_64-linux/lib" \
           "$cuda_home/targets/sbsa-linux/lib"; do
    if [ -e "$d/libcudart.so" ]; then
      cudart_dir=$d; cudart_libs="-lcudart"; break
    elif so=$(ls "$d"/libcudart.so.[0-9]* 2>/dev/null | head -n 1) && [ -n "$so" ]; then
      cudart_dir=$d; cudart_libs="-l:$(basename "$so")"; break
    elif [ -e "$d/libcudart_static.a" ]; then
      cudart_dir=$d; cudart_libs="-lcudart_static -ldl -lrt"; break
    fi
  done
fi
# Ends the calling test as skipped (77) when nvcc is missing.
cuda_require_nvcc() {
  if [ -z "$nvcc" ]; then
    echo "skipped: nvcc not found (PATH, /usr/local/cuda/bin)"
    exit 77
  fi
}
