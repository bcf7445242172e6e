/*
 * bench_trace — speed of the trace layer against its own limits, measured
 * in the same run (never asserted; docs/design.md §1):
 *   - safetensors save (atomic: temp file, checked writes, fsync, rename)
 *     vs. a plain write(2) + fsync of the same bytes;
 *   - open (mmap + header validation) of that file, in microseconds: it
 *     does not grow with the tensor size because nothing is read;
 *   - trace_to_f32 from F32, F16 and BF16 vs. memcpy of the same output
 *     (best of 3, output pages already faulted in).
 * usage: bench_trace [MIB]   (default 64: one tensor of MIB MiB of f32)
 */
#include "../traces/trace.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(char *err)
{
    fprintf(stderr, "bench_trace: %s\n", err ? err : "failed");
    exit(1);
}

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? (size_t)atol(argv[1]) : 64, n = mib << 18; /* floats */
    if (!n)
        return 2;
    char dir[] = "/tmp/bench-trace-XXXXXX", path[64], raw[64];
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/t.safetensors", dir);
    snprintf(raw, sizeof raw, "%s/raw.bin", dir);
    float *x = malloc(n * 4), *y = malloc(n * 4);
    uint16_t *h = malloc(n * 2), *b = malloc(n * 2);
    if (!x || !y || !h || !b)
        return 1;
    for (size_t i = 0; i < n; i++) {
        x[i] = (float)((int)(i % 2001) - 1000) * 0.001f;
        h[i] = trace_f32_to_f16(x[i]);
        b[i] = trace_f32_to_bf16(x[i]);
    }
    char *err = NULL;
    int64_t sh[1] = {(int64_t)n};
    trace_writer *w;
    if (trace_writer_new(&w, &err) || trace_writer_add(w, "f32", TRACE_F32, 1, sh, x, &err) ||
        trace_writer_add(w, "f16", TRACE_F16, 1, sh, h, &err) ||
        trace_writer_add(w, "bf16", TRACE_BF16, 1, sh, b, &err))
        die(err);
    double t0 = now_s();
    if (trace_writer_save(w, path, &err))
        die(err);
    double t_save = now_s() - t0;
    trace_writer_free(w);
    t0 = now_s();
    int fd = open(raw, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int ok = fd >= 0 && write(fd, x, n * 4) == (ssize_t)(n * 4) &&
             write(fd, h, n * 2) == (ssize_t)(n * 2) && write(fd, b, n * 2) == (ssize_t)(n * 2) &&
             fsync(fd) == 0;
    double t_raw = now_s() - t0;
    if (fd >= 0)
        close(fd);
    if (!ok)
        return 1;
    double mb = (double)(n * 8) / 1e6;
    printf("save %zu MiB/tensor x 3:  atomic writer %8.1f MB/s   plain write+fsync %8.1f MB/s   "
           "ratio %.2f\n",
           mib, mb / t_save, mb / t_raw, t_raw / t_save);
    trace_file *f;
    t0 = now_s();
    for (int k = 0; k < 100; k++) {
        if (trace_open(path, &f, &err))
            die(err);
        if (k < 99)
            trace_close(f);
    }
    printf("open (mmap + validate):   %8.1f us per open (file %.1f MB)\n",
           (now_s() - t0) / 100 * 1e6, (double)(n * 8) / 1e6);
    const char *names[] = {"f32", "f16", "bf16"};
    memset(y, 0, n * 4); /* fault the output pages in before timing anything */
    double t_copy = 1e30;
    for (int r = 0; r < 3; r++) { /* best of 3 for each */
        t0 = now_s();
        memcpy(y, x, n * 4);
        double t = now_s() - t0;
        t_copy = t < t_copy ? t : t_copy;
    }
    for (int k = 0; k < 3; k++) {
        double t = 1e30;
        for (int r = 0; r < 3; r++) {
            t0 = now_s();
            if (trace_to_f32(trace_find(f, names[k]), y, &err))
                die(err);
            double dt = now_s() - t0;
            t = dt < t ? dt : t;
        }
        printf("to_f32 from %-4s          %8.1f M elem/s   memcpy of the output %8.1f M elem/s   "
               "ratio %.2f\n",
               names[k], (double)n / t / 1e6, (double)n / t_copy / 1e6, t_copy / t);
    }
    trace_close(f);
    unlink(path);
    unlink(raw);
    rmdir(dir);
    free(x);
    free(y);
    free(h);
    free(b);
    return 0;
}
