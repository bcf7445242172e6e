/*
 * gpu-check: the CUDA kernels against their CPU twin on random inputs
 * (docs/design.md §2: acc must agree bit for bit; y too, see gpu_cuda.cu).
 * Random shapes (tails that are not multiples of 4 or of the 64x64 block),
 * group sizes (per channel, 1, 3, 128, ...), INT8 counts through the dp4a
 * kernel and through the wide kernel, unclamped counts (wide kernel), and an
 * overflow that both sides must report with the same message.
 * Exit 0: all equal; 1: a difference (printed); 77: no CUDA device (reason
 * on the last line). Usage: gpu-check [CASES] [SEED]
 */
#include "../../gpu/gpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng;
static uint32_t xr(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static int one_case(size_t tokens, size_t out, size_t in, size_t group, int32_t cmax,
                    unsigned flags, int expect_wide)
{
    float *w = malloc(out * in * sizeof(float));
    for (size_t k = 0; k < out * in; k++)
        w[k] = (float)((int)(xr() % 20001) - 10000) / 1000.0f;
    map_qweight qw;
    char *err = NULL;
    if (map_quantize(w, out, in, group, &qw, &err)) {
        fprintf(stderr, "quantize: %s\n", err);
        free(err), free(w);
        return 1;
    }
    free(w);
    int32_t *s = malloc(tokens * in * sizeof(int32_t));
    for (size_t k = 0; k < tokens * in; k++)
        s[k] = (xr() % 3 == 0) ? 0 : (int32_t)(xr() % (2u * (uint32_t)cmax + 1)) - cmax;
    float *vth = malloc(tokens * sizeof(float));
    for (size_t t = 0; t < tokens; t++)
        vth[t] = (float)(xr() % 100000 + 1) / 77777.0f;
    size_t na = tokens * out * qw.ngroups;
    int32_t *a1 = malloc(na * sizeof(int32_t)), *a2 = malloc(na * sizeof(int32_t));
    float *y1 = malloc(tokens * out * sizeof(float)), *y2 = malloc(tokens * out * sizeof(float));
    int bad = 0;
    char *err2 = NULL;
    ax_result r1 = gpu_ref_cpu(s, tokens, &qw, a1, &err);
    gpu_cuda_stats st;
    ax_result r2 = gpu_ref_cuda_ex(s, vth, tokens, &qw, a2, y2, flags, 1, &st, &err2);
    if (r2 == AX_EUNSUPPORTED) {
        fprintf(stderr, "cuda: %s\n", err2);
        bad = 77;
        goto out;
    }
    if (r1 || r2) {
        /* an overflow must be the same error, word for word, on both sides */
        int same = r1 == r2 && err && err2 && !strcmp(err, err2);
        printf("%s tokens %zu out %zu in %zu group %zu: cpu \"%s\" / cuda \"%s\"\n",
               same ? "ok  " : "FAIL", tokens, out, in, qw.group, err ? err : "", err2 ? err2 : "");
        bad = !same;
        goto out;
    }
    gpu_dequant(a1, vth, tokens, &qw, y1);
    if (st.wide != expect_wide) {
        fprintf(stderr, "kernel choice: wide=%d, expected %d\n", st.wide, expect_wide);
        bad = 1;
    }
    gpu_cmp_int ci;
    gpu_compare_i32(a1, a2, na, &ci);
    if (ci.mismatches) {
        fprintf(stderr, "acc: %zu of %zu differ; first at %zu: cpu %lld cuda %lld\n", ci.mismatches,
                na, ci.idx[0], (long long)ci.a[0], (long long)ci.b[0]);
        bad = 1;
    }
    if (memcmp(y1, y2, tokens * out * sizeof(float))) {
        for (size_t k = 0; k < tokens * out; k++)
            if (memcmp(&y1[k], &y2[k], sizeof(float))) {
                fprintf(stderr, "y: first bit difference at %zu: cpu %.9g cuda %.9g\n", k,
                        (double)y1[k], (double)y2[k]);
                break;
            }
        bad = 1;
    }
    printf("%s tokens %zu out %zu in %zu group %zu |s|<=%d %s kernel: acc %.4f ms\n",
           bad ? "FAIL" : "ok  ", tokens, out, in, qw.group, cmax, st.wide ? "wide" : "dp4a",
           st.acc_ms);
out:
    free(err), free(err2);
    free(s), free(vth), free(a1), free(a2), free(y1), free(y2);
    map_qweight_free(&qw);
    return bad;
}

static int overflow_case(void)
{
    float w[2 * 4] = {1, 1, 1, 1, 1, 1, -1, -1};
    map_qweight qw;
    if (map_quantize(w, 2, 4, 2, &qw, NULL))
        return 1;
    int32_t s[2 * 4] = {1, 2, 3, 4, 0, 0, INT32_MAX / 127, INT32_MAX / 127}, a[8];
    char *e1 = NULL, *e2 = NULL;
    ax_result r1 = gpu_ref_cpu(s, 2, &qw, a, &e1);
    ax_result r2 = gpu_ref_cuda(s, 2, &qw, a, &e2);
    int bad = r1 != AX_EOVERFLOW || r2 != AX_EOVERFLOW || !e1 || !e2 || strcmp(e1, e2);
    printf("%s overflow: cpu \"%s\" / cuda \"%s\"\n", bad ? "FAIL" : "ok  ", e1 ? e1 : "",
           e2 ? e2 : "");
    free(e1), free(e2);
    map_qweight_free(&qw);
    return bad;
}

int main(int argc, char **argv)
{
    int cases = argc > 1 ? atoi(argv[1]) : 24;
    rng = argc > 2 ? strtoull(argv[2], NULL, 10) : 20260101ULL;
    if (!rng)
        rng = 1;
    if (!gpu_cuda_built()) {
        printf("skipped: this binary was built without CUDA\n");
        return 77;
    }
    int fails = 0;
    /* fixed cases first: the edges */
    /* clang-format off */
    size_t fixed[][4] = {{1, 1, 1, 0}, {3, 5, 7, 3}, {64, 64, 128, 128}, {65, 63, 130, 128},
                         {17, 129, 256, 0}, {5, 7, 33, 1}};
    /* clang-format on */
    for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++) {
        int r = one_case(fixed[k][0], fixed[k][1], fixed[k][2], fixed[k][3], 127, 0, 0);
        if (r == 77) {
            printf("skipped: no CUDA device at run time\n");
            return 77;
        }
        fails += r != 0;
    }
    for (int c = 0; c < cases; c++) {
        size_t tokens = 1 + xr() % 150, out = 1 + xr() % 200, in = 1 + xr() % 700;
        size_t gs[] = {0, 1, 4, 32, 64, 128, 3, 100};
        size_t group = gs[xr() % 8];
        fails += one_case(tokens, out, in, group, 127, 0, 0) != 0; /* dp4a */
        fails += one_case(tokens, out, in, group, 127, GPU_CUDA_FORCE_WIDE, 1) != 0;
        fails += one_case(tokens, out, in, group, 100000, 0, 1) != 0; /* unclamped */
    }
    fails += overflow_case();
    printf("%d failed\n", fails);
    return fails ? 1 : 0;
}
