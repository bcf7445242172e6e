# gpu — the CUDA build of the reference kernels (gpu/gpu_cuda.cu).
#   make gpu            build/axon-cuda (axon with the real gpu_ref_cuda),
#                       build/gpu-check (CUDA vs CPU on random inputs) and
#                       build/gpu-bench (kernel time, TOPS) when nvcc exists;
#                       otherwise prints "skipped: nvcc not found".
#   make gpu CUDA_ARCHS="90"   restrict the architectures (default 80 86 89 90)
# The plain build (build/axon) never needs nvcc: it links gpu/gpu_cuda_stub.c
# (from libaxon.a), whose functions return AX_EUNSUPPORTED. The CUDA binaries
# link gpu_cuda.o in front of libaxon.a, so the stub member is not pulled in.
# When a GPU is present (`nvidia-smi -L` lists one), `make test` builds them too.

NVCC ?= $(or $(shell command -v nvcc 2>/dev/null),$(wildcard /usr/local/cuda/bin/nvcc))
CUDA_HOME ?= $(if $(NVCC),$(patsubst %/bin/nvcc,%,$(realpath $(NVCC))))
CUDA_ARCHS ?= 80 86 89 90
NVCC_GENCODE := $(foreach a,$(CUDA_ARCHS),-gencode arch=compute_$(a),code=sm_$(a)) \
                -gencode arch=compute_$(lastword $(CUDA_ARCHS)),code=compute_$(lastword $(CUDA_ARCHS))
NVCCFLAGS ?= -O2 -std=c++17 -Werror all-warnings -Xcompiler -Wall,-Wextra,-Werror $(NVCC_GENCODE)
# The runtime library: a compiler-only toolkit has nvcc but no libcudart, and
# then nothing can be linked against CUDA (the object still compiles).
CUDA_LIBDIR ?= $(firstword $(foreach d,lib64 lib targets/x86_64-linux/lib targets/sbsa-linux/lib,\
                 $(if $(wildcard $(CUDA_HOME)/$(d)/libcudart.so $(CUDA_HOME)/$(d)/libcudart.so.[0-9]* $(CUDA_HOME)/$(d)/libcudart_static.a),$(CUDA_HOME)/$(d))))
CUDART_SO := $(notdir $(firstword $(wildcard $(CUDA_LIBDIR)/libcudart.so.[0-9]*)))
CUDART := $(if $(wildcard $(CUDA_LIBDIR)/libcudart.so),-lcudart,$(if $(CUDART_SO),-l:$(CUDART_SO),-lcudart_static -ldl -lrt))
CUDA_LDLIBS := -L$(CUDA_LIBDIR) -Wl,-rpath,$(CUDA_LIBDIR) $(CUDART) -lstdc++

GPU_CUDA_OBJ := $(BUILD)/cuda/gpu_cuda.o
GPU_BINS := $(BUILD)/axon-cuda $(BUILD)/gpu-check $(BUILD)/gpu-bench

.PHONY: gpu
ifneq ($(NVCC),)
ifneq ($(CUDA_LIBDIR),)
gpu: $(GPU_BINS)
else
gpu: $(GPU_CUDA_OBJ)
	@echo "make gpu: built $(GPU_CUDA_OBJ) only: no libcudart.so / libcudart_static.a under $(CUDA_HOME)/{lib64,lib,targets/*/lib}; set CUDA_LIBDIR=/path"
endif

$(GPU_CUDA_OBJ): gpu/gpu_cuda.cu gpu/gpu_kernels.cuh gpu/gpu.h mapper/map.h ax/ax.h traces/trace.h mk/gpu.mk
	@mkdir -p $(dir $@)
	$(NVCC) $(NVCCFLAGS) -c $< -o $@

$(BUILD)/axon-cuda: $(BUILD)/cli/main.o $(GPU_CUDA_OBJ) $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CUDA_LDLIBS) $(LDLIBS)

$(BUILD)/gpu-check: $(BUILD)/tests/gpu/cuda_check.o $(GPU_CUDA_OBJ) $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CUDA_LDLIBS) $(LDLIBS)

$(BUILD)/gpu-bench: $(BUILD)/bench/gpu_bench.o $(GPU_CUDA_OBJ) $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(CUDA_LDLIBS) $(LDLIBS)

ifneq ($(shell nvidia-smi -L 2>/dev/null | head -n 1),)
TEST_EXTRA += gpu
endif
else
gpu:
	@echo "make gpu: skipped: nvcc not found (looked in PATH and /usr/local/cuda/bin; set NVCC=/path/to/nvcc); build/axon uses the CPU reference"
endif

# CPU reference speed against the plain loop it replaced (prints a ratio).
.PHONY: bench-gpu
bench-gpu: $(BUILD)/gpu_ref_bench
	$(BUILD)/gpu_ref_bench

$(BUILD)/gpu_ref_bench: $(BUILD)/bench/gpu_ref_bench.o $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
