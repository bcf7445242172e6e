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
                acc[(t * qw->out + j) * qw->ngroups + g] +=
                    (int64_t)s[t * qw->in + i] * qw->q[j * qw->in + i];
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
    size_t shapes[][4] = {{1, 1, 1, 0},   {3, 5, 7, 2},   {4, 8, 16, 4},  {5, 3, 33, 8},
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
