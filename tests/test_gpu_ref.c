/* Unit tests of gpu/gpu_ref.c (the CPU twin of the CUDA kernels) and of the
 * CUDA stub linked into a build without nvcc: the fast int32 path and the
 * checked int64 path must both equal an independent int64 sum, on hand
 * cases and on random shapes, at both sides of the no-overflow bound. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../gpu/gpu.h"
#include "../mapper/map.h"

/* Independent oracle: plain int64 sum per (token, output, group). */
static int oracle(const int32_t *s, size_t tokens, const map_qweight *qw, int64_t *acc)
{
    for (size_t t = 0; t < tokens; t++)
        for (size_t j = 0; j < qw->out; j++)
            for (size_t i = 0; i < qw->in; i++) {
                size_t g = i / qw->group;
                acc[(t * qw->out + j) * qw->ngroups + g] += (int64_t)s[t * qw->in + i] *
                                                            qw->q[j * qw->in + i];
            }
    return 0;
}

static uint64_t rng = 88172645463325252ULL;
static uint32_t xr(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* Random int8 weight (values in [-127, 127]) with the given group. */
static void rand_qweight(map_qweight *qw, size_t out, size_t in, size_t group)
{
    float *w = malloc(out * in * sizeof(float));
    for (size_t k = 0; k < out * in; k++)
        w[k] = (float)((int)(xr() % 2001) - 1000) / 100.0f;
    cr_assert_eq(map_quantize(w, out, in, group, qw, NULL), AX_OK);
    free(w);
}

static void check_random(size_t tokens, size_t out, size_t in, size_t group, int32_t cmax)
{
    map_qweight qw;
    rand_qweight(&qw, out, in, group);
    int32_t *s = malloc(tokens * in * sizeof(int32_t));
    for (size_t k = 0; k < tokens * in; k++)
        s[k] = (int32_t)(xr() % (2u * (uint32_t)cmax + 1)) - cmax;
    if (tokens > 0 && in > 0)
        s[0] = cmax; /* the bound sees the extreme */
    size_t na = tokens * out * qw.ngroups;
    int32_t *acc = malloc(na * sizeof(int32_t) + 1);
    int64_t *want = calloc(na + 1, sizeof(int64_t));
    oracle(s, tokens, &qw, want);
    char *err = NULL;
    ax_result r = gpu_ref_cpu(s, tokens, &qw, acc, &err);
    cr_assert_eq(r, AX_OK, "%s", err ? err : "");
    for (size_t k = 0; k < na; k++)
        cr_assert_eq(acc[k], want[k], "tokens %zu out %zu in %zu G %zu: acc[%zu] %d != %lld",
                     tokens, out, in, group, k, acc[k], (long long)want[k]);
    free(s);
    free(acc);
    free(want);
    map_qweight_free(&qw);
}

Test(gpu_ref, random_int8_counts_every_tail)
{
    /* tokens not a multiple of the 4-token block, groups with uneven tails */
    size_t shapes[][4] = {{1, 1, 1, 0},     {3, 5, 7, 2},   {4, 8, 16, 4},   {5, 3, 33, 8},
                          {7, 9, 130, 128}, {9, 17, 64, 0}, {13, 6, 100, 3}, {2, 2, 257, 128}};
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++)
        check_random(shapes[k][0], shapes[k][1], shapes[k][2], shapes[k][3], 127);
}

Test(gpu_ref, random_unclamped_counts_take_the_int64_path)
{
    /* max|s| = 2^20: 2^20 * 128 * G > INT32_MAX for G >= 16, so the int64 path
     * runs; the sums still fit int32 for these small G. */
    check_random(6, 5, 40, 16, 1 << 20);
    check_random(5, 4, 17, 0, 1 << 20);
    /* just under the bound: 127 * 128 * 132104 <= INT32_MAX */
    check_random(1, 1, 8, 0, 127);
}

Test(gpu_ref, overflow_names_the_first_element_in_order)
{
    float w[2 * 4] = {1, 1, 1, 1, 1, 1, -1, -1};
    map_qweight qw;
    cr_assert_eq(map_quantize(w, 2, 4, 2, &qw, NULL), AX_OK); /* q = +-127, 2 groups */
    /* token 0 is fine; token 1 overflows at output 0 group 1 and output 1 group 1 */
    int32_t s[2 * 4] = {1, 2, 3, 4, 0, 0, INT32_MAX / 127, INT32_MAX / 127};
    int32_t acc[2 * 2 * 2];
    char *err = NULL;
    cr_assert_eq(gpu_ref_cpu(s, 2, &qw, acc, &err), AX_EOVERFLOW);
    cr_assert(strstr(err, "token 1, output 0, group 1") != NULL, "%s", err);
    free(err);
    map_qweight_free(&qw);
}

Test(gpu_ref, int32_min_count_is_exact_in_int64)
{
    float w[2] = {1, 0};
    map_qweight qw;
    cr_assert_eq(map_quantize(w, 1, 2, 0, &qw, NULL), AX_OK);
    int32_t s[2] = {-1, INT32_MIN}, acc[1];
    cr_assert_eq(gpu_ref_cpu(s, 1, &qw, acc, NULL), AX_OK);
    cr_assert_eq(acc[0], -127); /* q[1] = 0, so INT32_MIN adds nothing */
    map_qweight_free(&qw);
}

Test(gpu_ref, dequant_hand_case)
{
    float w[2 * 2] = {127, 0, 0, 254};
    map_qweight qw;
    cr_assert_eq(map_quantize(w, 2, 2, 1, &qw, NULL), AX_OK); /* group 1: scales 1,0 / 0,2 */
    int32_t acc[2 * 2] = {3, 5, 7, -11};
    float vth = 0.25f, y[2];
    gpu_dequant(acc, &vth, 1, &qw, y);
    /* out 0: 0.25 * (1*3 + 0*5) = 0.75; out 1: 0.25 * (0*7 + 2*-11) = -5.5 */
    cr_assert_eq(y[0], 0.75f);
    cr_assert_eq(y[1], -5.5f);
    map_qweight_free(&qw);
}

Test(gpu_ref, cuda_path_reports_unsupported_or_matches)
{
    float w[4] = {1, -2, 3, -4};
    map_qweight qw;
    cr_assert_eq(map_quantize(w, 2, 2, 0, &qw, NULL), AX_OK);
    int32_t s[2] = {5, -7}, a_cpu[2], a_gpu[2];
    cr_assert_eq(gpu_ref_cpu(s, 1, &qw, a_cpu, NULL), AX_OK);
    char *err = NULL;
    ax_result r = gpu_ref_cuda(s, 1, &qw, a_gpu, &err);
    if (!gpu_cuda_built()) {
        cr_assert_eq(r, AX_EUNSUPPORTED);
        cr_assert(strstr(err, "without CUDA") != NULL, "%s", err);
    } else if (r == AX_OK) {
        cr_assert_eq(memcmp(a_cpu, a_gpu, sizeof a_cpu), 0);
    } else {
        cr_assert_eq(r, AX_EUNSUPPORTED, "%s", err);
    }
    free(err);
    map_qweight_free(&qw);
}

/* ---- every path and thread count against the plain loop ---------------- */

/* The plain scalar loop: one int64 sum per (token, output, group), in order. */
static void plain_loop(const int32_t *s, size_t tokens, const map_qweight *qw, int64_t *acc)
{
    for (size_t t = 0; t < tokens; t++)
        for (size_t j = 0; j < qw->out; j++)
            for (size_t g = 0; g < qw->ngroups; g++) {
                size_t lo = g * qw->group, hi = lo + qw->group < qw->in ? lo + qw->group : qw->in;
                int64_t a = 0;
                for (size_t i = lo; i < hi; i++)
                    a += (int64_t)s[t * qw->in + i] * qw->q[j * qw->in + i];
                acc[(t * qw->out + j) * qw->ngroups + g] = a;
            }
}

/* A weight whose values are mostly the extremes +-127 (the worst case for
 * the bound), with some random ones and zeros. */
static void extreme_qweight(map_qweight *qw, size_t out, size_t in, size_t group)
{
    memset(qw, 0, sizeof *qw);
    qw->out = out, qw->in = in;
    qw->group = group == 0 || group > in ? in : group;
    qw->ngroups = (in + qw->group - 1) / qw->group;
    qw->q = malloc(out * in);
    qw->scale = malloc(out * qw->ngroups * sizeof(float));
    cr_assert(qw->q && qw->scale);
    for (size_t k = 0; k < out * in; k++) {
        uint32_t r = xr() % 8;
        qw->q[k] = (int8_t)(r < 3 ? 127 : r < 6 ? -127 : r == 6 ? 0 : (int)(xr() % 255) - 127);
    }
    for (size_t k = 0; k < out * qw->ngroups; k++)
        qw->scale[k] = 1.0f;
}

/* The options every path can be asked for: portable, AVX2, AVX-512, VNNI
 * with int16 counts, VNNI with int8 counts (a path the CPU lacks falls back
 * to a narrower one: still compared). */
static const gpu_ref_opts PATHS[] = {{0, AX_SIMD_PORTABLE, 0, 0},
                                     {0, AX_SIMD_AVX2, 0, 0},
                                     {0, AX_SIMD_AVX512, 0, 0},
                                     {0, AX_SIMD_AVX512, 1, 0},
                                     {0, AX_SIMD_AVX512, 1, 1}};
static const int THREADS[] = {1, 2, 3, 7};

/* Counts in [-cmax, cmax] (a third of them zero, some at +-cmax), every
 * path x thread count equal to the plain loop. Returns the paths taken. */
static unsigned check_all_paths(size_t tokens, size_t out, size_t in, size_t group, int32_t cmax)
{
    map_qweight qw;
    extreme_qweight(&qw, out, in, group);
    int32_t *s = malloc((tokens * in + 1) * sizeof(int32_t));
    for (size_t k = 0; k < tokens * in; k++) {
        uint32_t r = xr() % 6;
        s[k] = r < 2    ? 0
               : r == 2 ? cmax
               : r == 3 ? -cmax
                        : (int32_t)(xr() % (2u * (uint32_t)cmax + 1)) - cmax;
    }
    size_t na = tokens * out * qw.ngroups;
    int64_t *want = malloc((na + 1) * sizeof(int64_t));
    int32_t *acc = malloc((na + 1) * sizeof(int32_t));
    plain_loop(s, tokens, &qw, want);
    unsigned seen = 0;
    for (size_t p = 0; p < sizeof PATHS / sizeof PATHS[0]; p++)
        for (size_t k = 0; k < sizeof THREADS / sizeof THREADS[0]; k++) {
            gpu_ref_opts o = PATHS[p];
            o.threads = THREADS[k];
            gpu_ref_path path;
            memset(acc, 0xa5, (na + 1) * sizeof(int32_t));
            char *err = NULL;
            ax_result r = gpu_ref_cpu_ex(s, tokens, &qw, acc, &o, &path, &err);
            cr_assert_eq(r, AX_OK, "%s", err ? err : "");
            seen |= 1u << path;
            for (size_t e = 0; e < na; e++)
                cr_assert_eq(acc[e], want[e],
                             "%s, %d threads: tokens %zu out %zu in %zu G %zu cmax %d: acc[%zu] "
                             "%d != %lld",
                             gpu_ref_path_name(path), o.threads, tokens, out, in, qw.group, cmax, e,
                             acc[e], (long long)want[e]);
        }
    free(s);
    free(want);
    free(acc);
    map_qweight_free(&qw);
    return seen;
}

Test(gpu_ref, every_path_and_thread_count_equals_the_plain_loop)
{
    /* odd shapes: token and row tails of the 4 x 4 blocks, groups that are
     * not a multiple of the SIMD width, groups longer than in, per channel */
    size_t shapes[][4] = {{1, 1, 1, 0},       {3, 5, 7, 2},     {5, 7, 33, 32},   {9, 13, 31, 0},
                          {4, 8, 128, 128},   {7, 9, 130, 128}, {6, 5, 257, 64},  {2, 3, 100, 1},
                          {11, 6, 1000, 100}, {1, 17, 96, 3},   {13, 4, 70, 200}, {9, 12, 512, 0}};
    unsigned seen = 0;
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++)
        seen |= check_all_paths(shapes[k][0], shapes[k][1], shapes[k][2], shapes[k][3], 127);
    ax_simd best = ax_simd_best();
    cr_assert(seen & (1u << GPU_REF_I16_PORTABLE), "the portable path never ran");
    if (best >= AX_SIMD_AVX2)
        cr_assert(seen & (1u << GPU_REF_I16_AVX2), "the AVX2 path never ran");
    if (best >= AX_SIMD_AVX512)
        cr_assert(seen & (1u << GPU_REF_I16_AVX512), "the AVX-512 path never ran");
    if (best >= AX_SIMD_AVX512 && __builtin_cpu_supports("avx512vnni"))
        cr_assert(seen & (1u << GPU_REF_I8_AVX512_VNNI), "the 8-bit VNNI path never ran");
}

Test(gpu_ref, counts_at_the_int32_safe_bound)
{
    /* max|s| * 128 * G <= INT32_MAX is the bound of the int32 paths: at it
     * (and at the int16 limit 32767, and one past it) every path is exact;
     * one past the bound takes the checked int64 path. */
    size_t groups[] = {1, 3, 32, 100, 128, 1000};
    for (size_t k = 0; k < sizeof groups / sizeof groups[0]; k++) {
        size_t G = groups[k];
        int32_t bound = (int32_t)(INT32_MAX / (128 * (int64_t)G));
        int32_t c16 = bound < 32767 ? bound : 32767;
        unsigned seen = check_all_paths(5, 6, G * 2 + 1, G, c16);
        cr_assert(!(seen & (1u << GPU_REF_I64)), "G %zu at %d took the int64 path", G, c16);
        if (bound > 32767) {
            seen = check_all_paths(5, 6, G * 2 + 1, G, bound);
            cr_assert(seen == (1u << GPU_REF_I32), "G %zu at %d: the int32 path", G, bound);
            seen = check_all_paths(5, 6, G * 2 + 1, G, 32768);
            cr_assert(seen == (1u << GPU_REF_I32), "G %zu at 32768: the int32 path", G);
        }
        /* one past the bound: int64, still exact (these sums fit int32 only
         * when G is small; the larger ones are checked for the error below) */
        if ((int64_t)(bound + 1) * 127 * (int64_t)(G * 2 + 1) <= INT32_MAX) {
            seen = check_all_paths(5, 6, G * 2 + 1, G, bound + 1);
            cr_assert(seen == (1u << GPU_REF_I64), "G %zu at %d: the int64 path", G, bound + 1);
        }
    }
}

Test(gpu_ref, overflow_is_the_first_in_order_for_every_thread_count)
{
    /* many rows overflow; whichever thread finds one, the message names the
     * first (token, output, group) in C order */
    map_qweight qw;
    extreme_qweight(&qw, 37, 8, 4);
    for (size_t k = 0; k < 37 * 8; k++)
        qw.q[k] = 127;
    int32_t s[3 * 8] = {0};
    s[2 * 8 + 5] = INT32_MAX / 100; /* token 2, group 1 of every output overflows */
    s[2 * 8 + 6] = INT32_MAX / 100;
    int32_t acc[3 * 37 * 2];
    for (size_t k = 0; k < sizeof THREADS / sizeof THREADS[0]; k++) {
        gpu_ref_opts o = {THREADS[k], -1, -1, -1};
        char *err = NULL;
        cr_assert_eq(gpu_ref_cpu_ex(s, 3, &qw, acc, &o, NULL, &err), AX_EOVERFLOW);
        cr_assert(strstr(err, "token 2, output 0, group 1") != NULL, "%d threads: %s", THREADS[k],
                  err);
        free(err);
    }
    map_qweight_free(&qw);
}

/* gpu_dequant_par splits the [tokens][out] elements into chunks that start
 * mid-row (out = 7001, chunks of 16384): every y equals the formula's,
 * bit for bit, on 1, 2 and 3 threads (a chunk that restarts its token or
 * output index wrongly, or skips its tail, fails). */
Test(gpu_ref, dequant_par_equals_the_formula_for_every_thread_count)
{
    const size_t out = 7001, in = 96, tokens = 5, group = 32;
    float *w = malloc(out * in * sizeof *w);
    uint64_t r = 77;
    for (size_t i = 0; i < out * in; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        w[i] = (float)((int64_t)(r >> 40) - (1 << 23)) / (float)(1 << 20);
    }
    map_qweight qw;
    cr_assert_eq(map_quantize(w, out, in, group, &qw, NULL), AX_OK);
    size_t ng = qw.ngroups, nacc = tokens * out * ng;
    int32_t *acc = malloc(nacc * sizeof *acc);
    for (size_t i = 0; i < nacc; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        acc[i] = (int32_t)(r >> 33) - (1 << 30);
    }
    float vth[5] = {0.5f, 1.0f, 0.125f, 3.0f, 0.0078125f};
    float *want = malloc(tokens * out * sizeof *want), *y = malloc(tokens * out * sizeof *y);
    for (size_t t = 0; t < tokens; t++)
        for (size_t j = 0; j < out; j++) {
            double sum = 0.0;
            for (size_t g = 0; g < ng; g++)
                sum += (double)qw.scale[j * ng + g] * acc[(t * out + j) * ng + g];
            want[t * out + j] = (float)((double)vth[t] * sum);
        }
    for (int th = 1; th <= 3; th++) {
        memset(y, 0xff, tokens * out * sizeof *y);
        gpu_dequant_par(acc, vth, tokens, &qw, y, th);
        for (size_t i = 0; i < tokens * out; i++)
            cr_assert(memcmp(&y[i], &want[i], sizeof *y) == 0,
                      "%d threads: y[%zu] (token %zu, out %zu) = %.9g, want %.9g", th, i, i / out,
                      i % out, y[i], want[i]);
    }
    memset(y, 0xff, tokens * out * sizeof *y);
    gpu_dequant(acc, vth, tokens, &qw, y);
    cr_assert_eq(memcmp(y, want, tokens * out * sizeof *y), 0);
    free(w);
    free(acc);
    free(want);
    free(y);
    map_qweight_free(&qw);
}
