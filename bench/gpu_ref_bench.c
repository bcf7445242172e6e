/*
 * Speed of the CPU reference (gpu/gpu_ref.c) against the plain loop it
 * replaced (one int64 multiply-add per element, one weight-row pass per
 * token), measured in the same run on the same data; acc must be identical.
 * Prints times and the ratio; asserts nothing about time.
 * Usage: gpu_ref_bench [TOKENS IN OUT GROUP]   (default 64 1024 1024 128)
 */
#include "../gpu/gpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int main(int argc, char **argv)
{
    size_t tokens = 64, in = 1024, out = 1024, group = 128;
    if (argc == 5) {
        tokens = strtoull(argv[1], NULL, 10), in = strtoull(argv[2], NULL, 10);
        out = strtoull(argv[3], NULL, 10), group = strtoull(argv[4], NULL, 10);
    }
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
    size_t na = tokens * out * qw.ngroups;
    int32_t *a0 = malloc(na * sizeof(int32_t)), *a1 = malloc(na * sizeof(int32_t));
    double t0 = now_s();
    plain(s, tokens, &qw, a0);
    double t1 = now_s();
    if (gpu_ref_cpu(s, tokens, &qw, a1, &err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    double t2 = now_s();
    int same = !memcmp(a0, a1, na * sizeof(int32_t));
    double ops = 2.0 * (double)tokens * (double)in * (double)out;
    printf("shape tokens %zu in %zu out %zu group %zu\n", tokens, in, out, qw.group);
    printf("plain int64 loop: %.3f s (%.3f GOPS)\n", t1 - t0, ops / (t1 - t0) / 1e9);
    printf("gpu_ref_cpu:      %.3f s (%.3f GOPS)\n", t2 - t1, ops / (t2 - t1) / 1e9);
    printf("speed-up: %.2fx; acc %s\n", (t1 - t0) / (t2 - t1), same ? "identical" : "DIFFERENT");
    free(w), free(s), free(a0), free(a1);
    map_qweight_free(&qw);
    return same ? 0 : 1;
}
