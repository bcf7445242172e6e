/*
 * The device code of the CUDA reference (docs/design.md §2 "Result"), kept apart
 * from the host wrapper so that it is valid both as CUDA C (included by
 * gpu_cuda.cu) and, under a handful of emulation macros, as C11: the unit
 * test tests/test_gpu_kernels.c runs these exact kernels on the CPU (one
 * POSIX thread per CUDA thread, a barrier for __syncthreads) against
 * gpu_ref_cpu, so their tiling and indexing are tested on machines without
 * a GPU. Also here: the operand packing and the kernel choice, shared by
 * the wrapper and the test.
 *
 *  - gpu_k_acc_dp4a: int8 counts x int8 weights, __dp4a (four int8 products
 *    added to an int32 in one instruction, PTX dp4a.s32.s32, sm_61+), on
 *    operands packed [rows][ngroups][Gp] (Gp = group padded to a multiple of
 *    4, zero padding), so each group starts on a 4-byte word.
 *  - gpu_k_acc_wide: int32 counts x int8 weights in int64, each result
 *    checked against int32; the first overflowing flat index (token, output,
 *    group in C order) is kept with atomicMin.
 *  - gpu_k_dequant: y = vth * Σ_g scale * acc in double with __dmul_rn /
 *    __dadd_rn (no FMA contraction), in gpu_dequant's order.
 * Tiling of both accumulate kernels: a block of 16x16 threads computes 64
 * tokens x 64 outputs (4x4 per thread); K is staged in shared memory 8
 * words (dp4a) or 8 elements (wide) at a time; accumulators reset per group.
 */
#ifndef AX_GPU_KERNELS_CUH
#define AX_GPU_KERNELS_CUH

#ifdef __CUDACC__
#define GPU_UNROLL _Pragma("unroll")
#else
#define GPU_UNROLL
#endif

#define BT 64   /* tokens per block */
#define BO 64   /* outputs per block */
#define KW 8    /* K words (4 int8 each) or K elements (wide) per shared stage */
#define NTH 16  /* threads per block side */

__global__ void gpu_k_acc_dp4a(const int *__restrict__ cw, const int *__restrict__ qwd, int tokens,
                               int out, int ng, int gw, int *__restrict__ acc)
{
    __shared__ int sa[KW][BT + 1];
    __shared__ int sb[KW][BO + 1];
    const int tx = threadIdx.x, ty = threadIdx.y, tid = ty * NTH + tx;
    const int t0 = blockIdx.y * BT, j0 = blockIdx.x * BO;
    const long long rw = (long long)ng * gw; /* words per row */
    for (int g = 0; g < ng; g++) {
        int c[4][4];
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++)
                c[a][b] = 0;
        for (int k0 = 0; k0 < gw; k0 += KW) {
            for (int l = tid; l < BT * KW; l += NTH * NTH) {
                int r = l / KW, w = l % KW, k = k0 + w;
                int t = t0 + r, j = j0 + r;
                sa[w][r] = (t < tokens && k < gw) ? cw[t * rw + (long long)g * gw + k] : 0;
                sb[w][r] = (j < out && k < gw) ? qwd[j * rw + (long long)g * gw + k] : 0;
            }
            __syncthreads();
            GPU_UNROLL
            for (int w = 0; w < KW; w++) {
                int av[4], bv[4];
                for (int a = 0; a < 4; a++)
                    av[a] = sa[w][ty + NTH * a];
                for (int b = 0; b < 4; b++)
                    bv[b] = sb[w][tx + NTH * b];
                for (int a = 0; a < 4; a++)
                    for (int b = 0; b < 4; b++)
                        c[a][b] = __dp4a(av[a], bv[b], c[a][b]);
            }
            __syncthreads();
        }
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++) {
                int t = t0 + ty + NTH * a, j = j0 + tx + NTH * b;
                if (t < tokens && j < out)
                    acc[((long long)t * out + j) * ng + g] = c[a][b];
            }
    }
}

__global__ void gpu_k_acc_wide(const int *__restrict__ s, const signed char *__restrict__ q,
                               int tokens, int out, int in, int ng, int G, int *__restrict__ acc,
                               unsigned long long *first_bad)
{
    __shared__ int sa[KW][BT + 1];
    __shared__ int sb[KW][BO + 1];
    const int tx = threadIdx.x, ty = threadIdx.y, tid = ty * NTH + tx;
    const int t0 = blockIdx.y * BT, j0 = blockIdx.x * BO;
    for (int g = 0; g < ng; g++) {
        const int lo = g * G, hi = lo + G < in ? lo + G : in;
        long long c[4][4];
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++)
                c[a][b] = 0;
        for (int k0 = lo; k0 < hi; k0 += KW) {
            for (int l = tid; l < BT * KW; l += NTH * NTH) {
                int r = l / KW, w = l % KW, k = k0 + w;
                int t = t0 + r, j = j0 + r;
                sa[w][r] = (t < tokens && k < hi) ? s[(long long)t * in + k] : 0;
                sb[w][r] = (j < out && k < hi) ? (int)q[(long long)j * in + k] : 0;
            }
            __syncthreads();
            GPU_UNROLL
            for (int w = 0; w < KW; w++) {
                long long av[4];
                int bv[4];
                for (int a = 0; a < 4; a++)
                    av[a] = sa[w][ty + NTH * a];
                for (int b = 0; b < 4; b++)
                    bv[b] = sb[w][tx + NTH * b];
                for (int a = 0; a < 4; a++)
                    for (int b = 0; b < 4; b++)
                        c[a][b] += av[a] * bv[b];
            }
            __syncthreads();
        }
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++) {
                int t = t0 + ty + NTH * a, j = j0 + tx + NTH * b;
                if (t < tokens && j < out) {
                    unsigned long long f = ((unsigned long long)t * out + j) * ng + g;
                    long long v = c[a][b];
                    if (v > 2147483647LL || v < -2147483648LL) {
                        atomicMin(first_bad, f);
                        acc[f] = 0;
                    } else {
                        acc[f] = (int)v;
                    }
                }
            }
    }
}

__global__ void gpu_k_dequant(const int *__restrict__ acc, const float *__restrict__ vth,
                              const float *__restrict__ scale, long long tokens, int out, int ng,
                              float *__restrict__ y)
{
    long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (k >= tokens * out)
        return;
    long long t = k / out;
    int j = (int)(k % out);
    double sum = 0.0;
    for (int g = 0; g < ng; g++)
        sum = __dadd_rn(sum, __dmul_rn((double)scale[j * ng + g], (double)acc[k * ng + g]));
    y[k] = (float)__dmul_rn((double)vth[t], sum);
}

/* ---- host helpers ---------------------------------------------------------- */

/* Group length padded to whole 4-byte words (the dp4a operand layout). */
static size_t gpu_kernel_gp(size_t group, size_t in)
{
    size_t g = group < in ? group : in;
    return (g + 3) / 4 * 4;
}

/* 1: the wide kernel must run. The dp4a kernel is exact only when every
 * count fits int8 and max|s| * 128 * Gp <= INT32_MAX (the CPU int32 path's
 * bound over the padded group; padding adds 0), so that no partial sum can
 * leave int32 whatever the order of the additions. */
static int gpu_kernel_wide(int64_t absmax, size_t gp, unsigned flags)
{
    return (flags & GPU_CUDA_FORCE_WIDE) || absmax > 127 || absmax * 128 * (int64_t)gp > INT32_MAX;
}

/* Packs rows of int8 values into [rows][ng][Gp] words, zero padded. */
static void pack_rows_i32(const int32_t *src, size_t rows, size_t in, size_t G, size_t ng,
                          size_t Gp, signed char *dst)
{
    memset(dst, 0, rows * ng * Gp);
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < in; i++)
            dst[(r * ng + i / G) * Gp + i % G] = (signed char)src[r * in + i];
}

static void pack_rows_i8(const int8_t *src, size_t rows, size_t in, size_t G, size_t ng,
                         size_t Gp, signed char *dst)
{
    memset(dst, 0, rows * ng * Gp);
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < in; i++)
            dst[(r * ng + i / G) * Gp + i % G] = (signed char)src[r * in + i];
}

#endif
