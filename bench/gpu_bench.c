/*
 * gpu-bench: time of the CUDA accumulate kernels on one layer shape, and the
 * achieved integer throughput against the GPU's INT8 peak (the peak is a
 * number the user passes, from the vendor's datasheet, e.g. H100 SXM
 * 1979 dense INT8 TOPS on tensor cores). The CPU twin runs on a slice of
 * the tokens in the same process, so the ratio is measured in one run; acc
 * is compared on that slice. Prints; asserts nothing about time.
 * Usage: gpu-bench [--tokens N] [--in N] [--out N] [--group G] [--repeat N]
 *                  [--wide] [--peak-tops P] [--cpu-tokens N]
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

int main(int argc, char **argv)
{
    size_t tokens = 2048, in = 3584, out = 18944, group = 128, cpu_tokens = 8;
    int repeat = 10;
    unsigned flags = 0;
    double peak = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--wide")) {
            flags |= GPU_CUDA_FORCE_WIDE;
            continue;
        }
        if (!v) {
            fprintf(stderr, "gpu-bench: %s needs a value (see the usage in the source header)\n",
                    a);
            return 2;
        }
        i++;
        if (!strcmp(a, "--tokens"))
            tokens = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--in"))
            in = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--out"))
            out = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--group"))
            group = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--repeat"))
            repeat = atoi(v);
        else if (!strcmp(a, "--peak-tops"))
            peak = atof(v);
        else if (!strcmp(a, "--cpu-tokens"))
            cpu_tokens = strtoull(v, NULL, 10);
        else {
            fprintf(stderr, "gpu-bench: unknown option %s\n", a);
            return 2;
        }
    }
    if (!tokens || !in || !out) {
        fprintf(stderr, "gpu-bench: need --tokens, --in, --out >= 1\n");
        return 2;
    }
    if (cpu_tokens > tokens)
        cpu_tokens = tokens;
    uint64_t x = 12345;
    float *w = malloc(out * in * sizeof(float));
    int32_t *s = malloc(tokens * in * sizeof(int32_t));
    if (!w || !s) {
        fprintf(stderr, "gpu-bench: out of memory\n");
        return 1;
    }
    for (size_t k = 0; k < out * in; k++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        w[k] = (float)((int)(x >> 40) % 2001 - 1000) / 1000.0f;
    }
    for (size_t k = 0; k < tokens * in; k++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        int v = (int)((x >> 33) % 31) - 15; /* mostly small counts, like k = 3 traces */
        s[k] = (x >> 20) % 4 ? 0 : v;
    }
    map_qweight qw;
    char *err = NULL;
    if (map_quantize(w, out, in, group, &qw, &err)) {
        fprintf(stderr, "gpu-bench: %s\n", err);
        return 1;
    }
    free(w);
    int32_t *acc = malloc(tokens * out * qw.ngroups * sizeof(int32_t));
    if (!acc) {
        fprintf(stderr, "gpu-bench: out of memory for acc\n");
        return 1;
    }
    gpu_cuda_stats st;
    if (gpu_ref_cuda_ex(s, NULL, tokens, &qw, acc, NULL, flags, repeat, &st, &err)) {
        fprintf(stderr, "gpu-bench: %s\n", err);
        return 1;
    }
    double tops = st.int_ops / (st.acc_ms * 1e-3) / 1e12;
    printf("device: %s\nshape: tokens %zu x in %zu x out %zu, group %zu (%zu groups)\n", st.device,
           tokens, in, out, qw.group, qw.ngroups);
    printf("kernel: %s, %d launches, %.4f ms per launch\n",
           st.wide ? "wide (int32 counts)" : "dp4a", st.repeat, st.acc_ms);
    printf("achieved: %.3f TOPS (2 ops per multiply-accumulate)\n", tops);
    if (peak > 0)
        printf("peak: %.1f TOPS given, achieved %.2f %% of it\n", peak, 100.0 * tops / peak);
    if (cpu_tokens) {
        int32_t *ac = malloc(cpu_tokens * out * qw.ngroups * sizeof(int32_t));
        double t0 = now_s();
        if (gpu_ref_cpu(s, cpu_tokens, &qw, ac, &err)) {
            fprintf(stderr, "gpu-bench: %s\n", err);
            return 1;
        }
        double cpu_s = now_s() - t0;
        double cpu_tops = 2.0 * (double)cpu_tokens * out * in / cpu_s / 1e12;
        int same = !memcmp(ac, acc, cpu_tokens * out * qw.ngroups * sizeof(int32_t));
        printf("cpu twin: %zu tokens in %.3f s = %.4f TOPS; GPU/CPU throughput ratio %.1f; acc "
               "%s\n",
               cpu_tokens, cpu_s, cpu_tops, tops / cpu_tops, same ? "identical" : "DIFFERENT");
        free(ac);
        if (!same)
            return 1;
    }
    map_qweight_free(&qw);
    free(s);
    free(acc);
    return 0;
}
