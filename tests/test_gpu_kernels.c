/* Unit tests of the CUDA kernels' code (gpu/gpu_kernels.cuh) without a GPU:
 * the kernels are compiled here as C11 under emulation macros and run on
 * the CPU, one POSIX thread per CUDA thread and a barrier for
 * __syncthreads, blocks one after another (so `static` stands for
 * __shared__). The host steps of gpu_ref_cuda_ex (kernel choice, operand
 * packing, launch geometry, overflow index) are mirrored, and the results
 * must equal gpu_ref_cpu / gpu_dequant bit for bit: acc for both kernels on
 * shapes with partial 64x64 blocks, groups not a multiple of 4 or 8 and
 * uneven tails; y; and the overflow's first flat index.
 * What this cannot test: the CUDA runtime calls and the real dp4a/atomics
 * hardware (tests/e2e/test_gpu_cuda.sh does, on a GPU). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../gpu/gpu.h"
#include "../mapper/map.h"

typedef struct {
    unsigned x, y, z;
} emu_dim3;

static _Thread_local emu_dim3 emu_thread;
static emu_dim3 emu_block, emu_bdim;
static pthread_barrier_t emu_bar;

#define __global__ static
#define __shared__ static
#define __restrict__ restrict
#define threadIdx emu_thread
#define blockIdx emu_block
#define blockDim emu_bdim
#define __syncthreads() pthread_barrier_wait(&emu_bar)

/* PTX dp4a.s32.s32: c + Σ of four signed byte products (wraps like the hardware). */
static int __dp4a(int a, int b, int c)
{
    uint32_t s = (uint32_t)c;
    for (int k = 0; k < 4; k++)
        s += (uint32_t)((int32_t)(int8_t)((uint32_t)a >> (8 * k)) *
                        (int32_t)(int8_t)((uint32_t)b >> (8 * k)));
    return (int)s;
}
static double __dadd_rn(double a, double b)
{
    return a + b;
}
static double __dmul_rn(double a, double b)
{
    return a * b;
}
static unsigned long long atomicMin(unsigned long long *p, unsigned long long v)
{
    unsigned long long old = __atomic_load_n(p, __ATOMIC_SEQ_CST);
    while (v < old &&
           !__atomic_compare_exchange_n(p, &old, v, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        ;
    return old;
}

#include "../gpu/gpu_kernels.cuh"

/* ---- launcher: grid of blocks in sequence, a block = n threads ---- */
typedef void (*emu_body)(void *args);
typedef struct {
    emu_dim3 tid;
    emu_body body;
    void *args;
} emu_thr;

static void *emu_entry(void *p)
{
    emu_thr *t = p;
    emu_thread = t->tid;
    t->body(t->args);
    return NULL;
}

static void emu_launch(emu_dim3 grid, emu_dim3 block, emu_body body, void *args)
{
    unsigned n = block.x * block.y;
    emu_bdim = block;
    pthread_t *th = malloc(n * sizeof *th);
    emu_thr *ta = malloc(n * sizeof *ta);
    cr_assert(th && ta);
    cr_assert_eq(pthread_barrier_init(&emu_bar, NULL, n), 0);
    for (unsigned by = 0; by < grid.y; by++)
        for (unsigned bx = 0; bx < grid.x; bx++) {
            emu_block = (emu_dim3){bx, by, 0};
            for (unsigned k = 0; k < n; k++) {
                ta[k] = (emu_thr){{k % block.x, k / block.x, 0}, body, args};
                cr_assert_eq(pthread_create(&th[k], NULL, emu_entry, &ta[k]), 0);
            }
            for (unsigned k = 0; k < n; k++)
                pthread_join(th[k], NULL);
        }
    pthread_barrier_destroy(&emu_bar);
    free(th);
    free(ta);
}

typedef struct {
    const void *c, *q;
    int tokens, out, in, ng, G, gw;
    int *acc;
    unsigned long long *bad;
    const float *vth, *scale;
    float *y;
} kargs;

static void body_dp4a(void *p)
{
    kargs *a = p;
    gpu_k_acc_dp4a(a->c, a->q, a->tokens, a->out, a->ng, a->gw, a->acc);
}
static void body_wide(void *p)
{
    kargs *a = p;
    gpu_k_acc_wide(a->c, a->q, a->tokens, a->out, a->in, a->ng, a->G, a->acc, a->bad);
}
static void body_dequant(void *p)
{
    kargs *a = p;
    gpu_k_dequant(a->acc, a->vth, a->scale, a->tokens, a->out, a->ng, a->y);
}

/* Mirrors gpu_ref_cuda_ex's host steps; returns the first bad flat index
 * (~0 when none) and whether the wide kernel ran. */
static unsigned long long emu_ref(const int32_t *counts, size_t tokens, const map_qweight *qw,
                                  const float *vth, unsigned flags, int32_t *acc, float *y,
                                  int *wide_out)
{
    size_t in = qw->in, out = qw->out, ng = qw->ngroups, G = qw->group;
    int64_t m = 0;
    for (size_t k = 0; k < tokens * in; k++) {
        int64_t v = counts[k] < 0 ? -(int64_t)counts[k] : counts[k];
        if (v > m)
            m = v;
    }
    size_t Gp = gpu_kernel_gp(G, in);
    int wide = gpu_kernel_wide(m, Gp, flags);
    *wide_out = wide;
    unsigned long long bad = ~0ULL;
    signed char *hc = NULL, *hq = NULL;
    kargs a = {0};
    a.tokens = (int)tokens, a.out = (int)out, a.in = (int)in, a.ng = (int)ng, a.G = (int)G;
    a.acc = acc, a.bad = &bad, a.vth = vth, a.scale = qw->scale, a.y = y;
    if (wide) {
        a.c = counts, a.q = qw->q;
    } else {
        hc = malloc(tokens * ng * Gp + 4); /* int-aligned (malloc) */
        hq = malloc(out * ng * Gp + 4);
        pack_rows_i32(counts, tokens, in, G, ng, Gp, hc);
        pack_rows_i8(qw->q, out, in, G, ng, Gp, hq);
        a.c = hc, a.q = hq, a.gw = (int)(Gp / 4);
    }
    emu_dim3 th = {NTH, NTH, 1},
             bl = {(unsigned)((out + BO - 1) / BO), (unsigned)((tokens + BT - 1) / BT), 1};
    emu_launch(bl, th, wide ? body_wide : body_dp4a, &a);
    if (bad == ~0ULL && y) {
        size_t nel = tokens * out;
        emu_launch((emu_dim3){(unsigned)((nel + 255) / 256), 1, 1}, (emu_dim3){256, 1, 1},
                   body_dequant, &a);
    }
    free(hc);
    free(hq);
    return bad;
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint32_t xr(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static void kernel_case(size_t tokens, size_t out, size_t in, size_t group, int32_t cmax,
                        unsigned flags, int expect_wide)
{
    float *w = malloc(out * in * sizeof(float));
    for (size_t k = 0; k < out * in; k++)
        w[k] = (float)((int)(xr() % 20001) - 10000) / 1000.0f;
    map_qweight qw;
    cr_assert_eq(map_quantize(w, out, in, group, &qw, NULL), AX_OK);
    free(w);
    int32_t *s = malloc(tokens * in * sizeof(int32_t));
    for (size_t k = 0; k < tokens * in; k++)
        s[k] = xr() % 3 == 0 ? 0 : (int32_t)(xr() % (2u * (uint32_t)cmax + 1)) - cmax;
    s[0] = -cmax;
    float *vth = malloc(tokens * sizeof(float));
    for (size_t t = 0; t < tokens; t++)
        vth[t] = (float)(xr() % 100000 + 1) / 77777.0f;
    size_t na = tokens * out * qw.ngroups;
    int32_t *a1 = malloc(na * sizeof(int32_t)), *a2 = malloc(na * sizeof(int32_t));
    float *y1 = malloc(tokens * out * sizeof(float)), *y2 = malloc(tokens * out * sizeof(float));
    cr_assert_eq(gpu_ref_cpu(s, tokens, &qw, a1, NULL), AX_OK);
    gpu_dequant(a1, vth, tokens, &qw, y1);
    int wide = -1;
    unsigned long long bad = emu_ref(s, tokens, &qw, vth, flags, a2, y2, &wide);
    cr_assert_eq(bad, ~0ULL);
    cr_assert_eq(wide, expect_wide);
    for (size_t k = 0; k < na; k++)
        cr_assert_eq(a1[k], a2[k], "tokens %zu out %zu in %zu G %zu %s: acc[%zu] cpu %d kernel %d",
                     tokens, out, in, qw.group, wide ? "wide" : "dp4a", k, a1[k], a2[k]);
    cr_assert_eq(memcmp(y1, y2, tokens * out * sizeof(float)), 0, "y differs");
    free(s), free(vth), free(a1), free(a2), free(y1), free(y2);
    map_qweight_free(&qw);
}

Test(gpu_kernels, dp4a_matches_cpu)
{
    kernel_case(1, 1, 1, 0, 127, 0, 0);
    kernel_case(3, 5, 7, 3, 127, 0, 0);     /* group of 3: padded to 4 */
    kernel_case(65, 70, 45, 32, 127, 0, 0); /* partial blocks in both directions */
    kernel_case(20, 9, 130, 0, 127, 0, 0);  /* per channel, 130 = 32 words + 2 */
    kernel_case(7, 66, 37, 1, 127, 0, 0);   /* group 1: every element its own group */
}

Test(gpu_kernels, wide_matches_cpu)
{
    kernel_case(65, 70, 45, 32, 127, GPU_CUDA_FORCE_WIDE, 1);
    kernel_case(9, 13, 50, 7, 100000, 0, 1); /* unclamped counts */
    kernel_case(3, 4, 19, 0, 1 << 20, 0, 1);
}

Test(gpu_kernels, wide_overflow_first_index)
{
    float w[2 * 4] = {1, 1, 1, 1, 1, 1, -1, -1};
    map_qweight qw;
    cr_assert_eq(map_quantize(w, 2, 4, 2, &qw, NULL), AX_OK);
    /* token 1 overflows at (output 0, group 1) and (output 1, group 1) */
    int32_t s[2 * 4] = {1, 2, 3, 4, 0, 0, INT32_MAX / 127, INT32_MAX / 127}, acc[8];
    int wide = -1;
    unsigned long long bad = emu_ref(s, 2, &qw, NULL, 0, acc, NULL, &wide);
    cr_assert_eq(wide, 1);
    cr_assert_eq(bad, (1ULL * 2 + 0) * 2 + 1); /* (t*out + j)*ng + g = 5 */
    map_qweight_free(&qw);
}

Test(gpu_kernels, kernel_choice_bound)
{
    cr_assert_eq(gpu_kernel_gp(3, 100), 4);
    cr_assert_eq(gpu_kernel_gp(128, 100), 100);
    cr_assert_eq(gpu_kernel_gp(129, 1000), 132);
    cr_assert_eq(gpu_kernel_wide(127, 132104, 0), 0); /* 127*128*132104 = 2147482624 */
    cr_assert_eq(gpu_kernel_wide(127, 132108, 0), 1);
    cr_assert_eq(gpu_kernel_wide(128, 4, 0), 1); /* -128 is not taken as int8 */
    cr_assert_eq(gpu_kernel_wide(5, 4, GPU_CUDA_FORCE_WIDE), 1);
}
