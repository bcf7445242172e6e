# gpu — the CUDA build of the reference kernels (gpu/gpu_cuda.cu).
#   make gpu            build/axon-cuda (axon with the real gpu_ref_cuda),
#                       build/gpu-check (CUDA vs CPU on random inputs) and
#                       build/gpu-bench (kernel time, TOPS) when nvcc exists;
#                       otherwise prints "skipped: nvcc not found".
#   make gpu CUDA_ARCHS="90"   restrict the architectures (default 80 86 89 90)
# The plain build (build/axon) never needs nvcc: it links gpu/gpu_cuda_stub.c
# (from libaxon.a), whose functions return AX_EUNSUPPORTED. The CUDA binaries
# link gpu_cuda.o in front of libaxon.a, so the stub member is not pulled in.
# When nvcc is present, `make test` builds them too (the object alone without
# a CUDA runtime).

NVCC ?= $(or $(shell command -v nvcc 2>/dev/null),$(wildcard /usr/local/cuda/bin/nvcc))
CUDA_HOME ?= $(if $(NVCC),$(patsubst %/bin/nvcc,%,$(realpath $(NVCC))))
CUDA_ARCHS ?= 80 86 89 90
NVCC_GENCODE := $(foreach a,$(CUDA_ARCHS),-gencode arch=compute_$(a),code=sm_$(a)) \
                -gencode arch=compute_$(lastword $(CUDA_ARCHS)),code=compute_$(lastword $(CUDA_ARCHS))
NVCCFLAGS ?= -O2 -std=c++17 -Werror all-warnings -Xcompiler -Wall,-Wextra,-Werror $(NVCC_GENCODE)
# The runtime library (mk/cuda_rt.sh, shared with the CUDA tests): a
# compiler-only toolkit has nvcc but no libcudart, and then nothing can be
# linked against CUDA (the object still compiles). CUDA_LIBDIR=/path names the
# folder by hand.
CUDA_RT := $(if $(NVCC),$(shell bash mk/cuda_rt.sh '$(CUDA_HOME)' '$(CUDA_LIBDIR)'))
CUDA_RT_DIR := $(firstword $(CUDA_RT))
CUDA_LDLIBS := -L$(CUDA_RT_DIR) -Wl,-rpath,$(CUDA_RT_DIR) $(wordlist 2,$(words $(CUDA_RT)),$(CUDA_RT)) -lstdc++

GPU_CUDA_OBJ := $(BUILD)/cuda/gpu_cuda.o
GPU_BINS := $(BUILD)/axon-cuda $(BUILD)/gpu-check $(BUILD)/gpu-bench

.PHONY: gpu
ifneq ($(NVCC),)
ifneq ($(CUDA_RT_DIR),)
gpu: $(GPU_BINS)
else
gpu: $(GPU_CUDA_OBJ)
	@echo "make gpu: built $(GPU_CUDA_OBJ) only: no libcudart.so / libcudart_static.a under $(CUDA_HOME)/{lib64,lib,targets/*/lib}; set CUDA_LIBDIR=/path"
endif

$(GPU_CUDA_OBJ): gpu/gpu_cuda.cu gpu/gpu_kernels.cuh gpu/gpu.h mapper/map.h ax/ax.h traces/trace.h mk/gpu.mk
	@mkdir -p $(dir $@)
	$(NVCC) $(NVCCFLAGS) -c $< -o $@

$(BUILD)/axon-cuda: $(BUILD)/cli/main.o $(GPU_CUDA_OBJ) $(LIBCLI) $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CUDA_LDLIBS) $(LDLIBS)

$(BUILD)/gpu-check: $(BUILD)/tests/gpu/cuda_check.o $(GPU_CUDA_OBJ) $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CUDA_LDLIBS) $(LDLIBS)

$(BUILD)/gpu-bench: $(BUILD)/bench/gpu_bench.o $(GPU_CUDA_OBJ) $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CUDA_LDLIBS) $(LDLIBS)

# make test builds what nvcc can: the object always (test_gpu_build reads
# it), the CUDA binaries when the runtime is there (test_gpu_link runs
# gpu-check; test_gpu_cuda, with a GPU, all of them).
TEST_EXTRA += gpu
else
gpu:
	@echo "make gpu: skipped: nvcc not found (looked in PATH and /usr/local/cuda/bin; set NVCC=/path/to/nvcc); build/axon uses the CPU reference"
endif

# CPU reference speed, every path and thread count, against the plain loop
# it replaced and the in-run SIMD limit (prints ratios; `make bench` runs it).
# BENCH_GPU_ARGS='TOKENS IN OUT GROUP REPEAT' (default 64 3584 4096 128 3).
.PHONY: bench-gpu
bench: bench-gpu
bench-gpu: $(BUILD)/gpu_ref_bench
	$(BUILD)/gpu_ref_bench $(BENCH_GPU_ARGS)

$(BUILD)/gpu_ref_bench: $(BUILD)/bench/gpu_ref_bench.o $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
