# Sourced by the CUDA tests (not a test itself): finds nvcc the way
# mk/gpu.mk does. Sets
#   nvcc        path of nvcc, or empty
#   cuda_home   the toolkit root (nvcc's ../..), or empty
nvcc=$(command -v nvcc || true)
[ -z "$nvcc" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc=/usr/local/cuda/bin/nvcc
cuda_home=""
[ -n "$nvcc" ] && cuda_home=$(dirname "$(dirname "$(readlink -f "$nvcc")")")
# Ends the calling test as skipped (77) when nvcc is missing.
cuda_require_nvcc() {
  if [ -z "$nvcc" ]; then
    echo "skipped: nvcc not found (PATH, /usr/local/cuda/bin)"
    exit 77
  fi
}
