/*
 * Speed of the CPU reference (gpu/gpu_ref.c) on one layer shape, every
 * path and thread count in the same run, against two measurements of the
 * same run: the plain loop it replaced (one int64 multiply-add per
 * element, one weight-row pass per token) and the in-run SIMD limit (the
 * reference's own multiply-add step, vpmaddwd + vpaddd on 4 tokens x 4
 * rows, over L1-resident data with no group sums, no memory traffic and
 * no stores). acc must be identical on every path (exit 1 otherwise).
 * Each figure is the best of --repeat runs (the machine is shared).
 * Prints times, GMAC/s and ratios; asserts nothing about time.
 * Usage: gpu_ref_bench [TOKENS IN OUT GROUP [REPEAT]]   (default 64 3584 4096 128 3)
 */
#include "../gpu/gpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The original reference loop, kept here as the baseline. */
static void plain(const int32_t *counts, size_t tokens, const map_qweight *qw, int32_t *acc)
{
    const size_t in = qw->in, out = qw->out, ng = qw->ngroups, G = qw->group;
    for (size_t t = 0; t < tokens; t++)
        for (size_t j = 0; j < out; j++)
            for (size_t g = 0; g < ng; g++) {
                size_t lo = g * G, hi = lo + G < in ? lo + G : in;
                int64_t a = 0;
                for (size_t i = lo; i < hi; i++)
                    a += (int64_t)counts[t * in + i] * qw->q[j * in + i];
                acc[(t * out + j) * ng + g] = (int32_t)a;
            }
}

/* In-run limit: MACs per second of the multiply-add step alone, one thread. */
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx512f,avx512bw"))) static double limit512(size_t n)
{
    static int16_t s[4][512] __attribute__((aligned(64)));
    static int8_t w[4][512] __attribute__((aligned(64)));
    for (int k = 0; k < 512; k++)
        for (int u = 0; u < 4; u++)
            s[u][k] = (int16_t)(k % 7 - 3), w[u][k] = (int8_t)(k % 5 - 2);
    __m512i a[4][4];
#pragma GCC unroll 16
    for (int t = 0; t < 4; t++)
#pragma GCC unroll 16
        for (int j = 0; j < 4; j++)
            a[t][j] = _mm512_setzero_si512();
    double t0 = now_s();
    for (size_t rep = 0; rep < n; rep++)
        for (int i = 0; i < 512; i += 32) {
            __m512i sv[4], wv[4];
#pragma GCC unroll 16
            for (int j = 0; j < 4; j++)
                wv[j] = _mm512_cvtepi8_epi16(_mm256_load_si256((const __m256i *)&w[j][i]));
#pragma GCC unroll 16
            for (int t = 0; t < 4; t++)
                sv[t] = _mm512_load_si512((const void *)&s[t][i]);
#pragma GCC unroll 16
            for (int t = 0; t < 4; t++)
#pragma GCC unroll 16
                for (int j = 0; j < 4; j++)
                    a[t][j] = _mm512_add_epi32(a[t][j], _mm512_madd_epi16(sv[t], wv[j]));
        }
    double dt = now_s() - t0;
    int32_t sink = 0;
#pragma GCC unroll 16
    for (int t = 0; t < 4; t++)
#pragma GCC unroll 16
        for (int j = 0; j < 4; j++)
            sink += _mm512_reduce_add_epi32(a[t][j]);
    if (sink == 12345)
        puts("");
    return (double)n * 512 * 16 / dt;
}

__attribute__((target("avx2"))) static double limit256(size_t n)
{
    static int16_t s[4][512] __attribute__((aligned(64)));
    static int8_t w[4][512] __attribute__((aligned(64)));
    for (int k = 0; k < 512; k++)
        for (int u = 0; u < 4; u++)
            s[u][k] = (int16_t)(k % 7 - 3), w[u][k] = (int8_t)(k % 5 - 2);
    __m256i a[4][2];
#pragma GCC unroll 16
    for (int t = 0; t < 4; t++)
#pragma GCC unroll 16
        for (int j = 0; j < 2; j++)
            a[t][j] = _mm256_setzero_si256();
    double t0 = now_s();
    for (size_t rep = 0; rep < n; rep++)
        for (int i = 0; i < 512; i += 16) {
            __m256i sv[4], wv[2];
#pragma GCC unroll 16
            for (int j = 0; j < 2; j++)
                wv[j] = _mm256_cvtepi8_epi16(_mm_load_si128((const __m128i *)&w[j][i]));
#pragma GCC unroll 16
            for (int t = 0; t < 4; t++)
                sv[t] = _mm256_load_si256((const __m256i *)&s[t][i]);
#pragma GCC unroll 16
            for (int t = 0; t < 4; t++)
#pragma GCC unroll 16
                for (int j = 0; j < 2; j++)
                    a[t][j] = _mm256_add_epi32(a[t][j], _mm256_madd_epi16(sv[t], wv[j]));
        }
    double dt = now_s() - t0;
    int32_t sink = 0;
#pragma GCC unroll 16
    for (int t = 0; t < 4; t++)
#pragma GCC unroll 16
        for (int j = 0; j < 2; j++) {
            int32_t v[8];
            _mm256_storeu_si256((__m256i *)v, a[t][j]);
#pragma GCC unroll 16
            for (int k = 0; k < 8; k++)
                sink += v[k];
        }
    if (sink == 12345)
        puts("");
    return (double)n * 512 * 8 / dt;
}
#endif

static double best_limit(ax_simd s, int repeat)
{
    double best = 0;
    for (int r = 0; r < repeat; r++) {
        double v = 0;
#if defined(__x86_64__) && defined(__GNUC__)
        if (s == AX_SIMD_AVX512)
            v = limit512(40000);
        else if (s == AX_SIMD_AVX2)
            v = limit256(40000);
#endif
        if (v > best)
            best = v;
    }
    return best;
}

int main(int argc, char **argv)
{
    size_t tokens = 64, in = 3584, out = 4096, group = 128;
    int repeat = 3;
    if (argc >= 5) {
        tokens = strtoull(argv[1], NULL, 10), in = strtoull(argv[2], NULL, 10);
        out = strtoull(argv[3], NULL, 10), group = strtoull(argv[4], NULL, 10);
    }
    if (argc >= 6)
        repeat = atoi(argv[5]) > 0 ? atoi(argv[5]) : 1;
    float *w = malloc(out * in * sizeof(float));
    int32_t *s = malloc(tokens * in * sizeof(int32_t));
    uint64_t x = 99;
    for (size_t k = 0; k < out * in; k++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        w[k] = (float)((int)(x >> 40) % 2001 - 1000);
    }
    for (size_t k = 0; k < tokens * in; k++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        s[k] = (x >> 20) % 4 ? 0 : (int32_t)((x >> 33) % 31) - 15;
    }
    map_qweight qw;
    char *err = NULL;
    if (map_quantize(w, out, in, group, &qw, &err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    free(w);
    size_t na = tokens * out * qw.ngroups;
    int32_t *a0 = malloc(na * sizeof(int32_t)), *a1 = malloc(na * sizeof(int32_t));
    double macs = (double)tokens * (double)in * (double)out;
    int ncpu = ax_cpu_count();
    ax_simd top = ax_simd_best();
    printf("gpu_ref_bench: tokens %zu in %zu out %zu group %zu; %d CPUs, widest SIMD %s; "
           "best of %d\n",
           tokens, in, out, qw.group, ncpu, ax_simd_name(top), repeat);
    double t0 = now_s();
    plain(s, tokens, &qw, a0);
    double tp = now_s() - t0;
    printf("%-26s %9.4f s %8.2f GMAC/s\n", "plain int64 loop (1 thr)", tp, macs / tp / 1e9);
    double lim = best_limit(top, repeat);
    if (lim > 0)
        printf("%-26s %20.2f GMAC/s per thread (vpmaddwd+vpaddd, L1, %s)\n", "in-run SIMD limit",
               lim / 1e9, ax_simd_name(top));
    int bad = 0;
    /* every path this CPU runs: portable, AVX2, AVX-512, AVX-512 VNNI (int16 and int8 counts) */
    struct {
        int simd, vnni, i8;
    } var[] = {{AX_SIMD_PORTABLE, 0, 0},
               {AX_SIMD_AVX2, 0, 0},
               {AX_SIMD_AVX512, 0, 0},
               {AX_SIMD_AVX512, 1, 0},
               {AX_SIMD_AVX512, 1, 1}};
    gpu_ref_path seen[8];
    int nseen = 0;
    for (size_t v = 0; v < sizeof var / sizeof var[0]; v++) {
        if (var[v].simd > (int)top)
            continue;
        int tl[2] = {1, ncpu};
        for (int k = 0; k < (ncpu > 1 ? 2 : 1); k++) {
            gpu_ref_opts o = {.threads = tl[k],
                              .simd = var[v].simd,
                              .vnni = var[v].vnni,
                              .i8 = var[v].i8};
            gpu_ref_path path = GPU_REF_I64;
            double best = 1e30;
            for (int r = 0; r < repeat; r++) {
                memset(a1, 0x5a, na * sizeof(int32_t));
                double t1 = now_s();
                if (gpu_ref_cpu_ex(s, tokens, &qw, a1, &o, &path, &err)) {
                    fprintf(stderr, "%s\n", err);
                    return 1;
                }
                double dt = now_s() - t1;
                best = dt < best ? dt : best;
                bad |= memcmp(a0, a1, na * sizeof(int32_t)) != 0;
            }
            int dup = 0; /* a path this CPU lacks falls back to one already shown */
            for (int q = 0; q < nseen && !k; q++)
                dup |= seen[q] == path;
            if (dup)
                break;
            if (!k)
                seen[nseen++] = path;
            char label[64];
            snprintf(label, sizeof label, "%s, %d thr", gpu_ref_path_name(path), tl[k]);
            printf("%-26s %9.4f s %8.2f GMAC/s  %6.1fx plain", label, best, macs / best / 1e9,
                   tp / best);
            if (lim > 0)
                printf("  %5.1f %% of limit x threads", 100.0 * macs / best / (lim * tl[k]));
            printf("\n");
        }
    }
    printf("acc %s on every path\n", bad ? "DIFFERENT" : "identical");
    free(s), free(a0), free(a1);
    map_qweight_free(&qw);
    return bad;
}
