/*
 * Threads and SIMD selection shared by the hot loops (the CPU reference,
 * the weight loaders, the trace generator). ax_parallel_for hands out
 * chunks through an atomic counter, so fast and slow threads balance; the
 * callers make every chunk write its own outputs, which is why their
 * results are the same for every thread count. ax_simd_best asks the CPU
 * once (__builtin_cpu_supports) and lets AXON_SIMD cap the answer, so
 * tests and benchmarks can run each path on one machine.
 */
#define _GNU_SOURCE
#include "ax.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ax_cpu_count(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0)
            return n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int ax_threads(int n)
{
    return n > 0 ? n : ax_cpu_count();
}

#define PAR_MAX 256

typedef struct {
    atomic_size_t next;
    size_t n, grain;
    ax_par_fn fn;
    void *ctx;
} par_job;

typedef struct {
    par_job *job;
    int worker;
} par_arg;

static void *par_worker(void *arg)
{
    par_arg *a = arg;
    par_job *j = a->job;
    for (;;) {
        size_t b = atomic_fetch_add(&j->next, j->grain);
        if (b >= j->n)
            break;
        size_t e = j->n - b < j->grain ? j->n : b + j->grain;
        j->fn(j->ctx, b, e, a->worker);
    }
    return NULL;
}

static atomic_int par_peak;

void ax_par_note(int workers)
{
    int cur = atomic_load(&par_peak);
    while (workers > cur && !atomic_compare_exchange_weak(&par_peak, &cur, workers))
        ;
}

int ax_par_peak_take(void)
{
    return atomic_exchange(&par_peak, 0);
}

int ax_parallel_workers(int threads, size_t n, size_t grain)
{
    if (grain == 0)
        grain = 1;
    size_t chunks = (n + grain - 1) / grain;
    int t = ax_threads(threads);
    if ((size_t)t > chunks)
        t = (int)chunks;
    if (t > PAR_MAX)
        t = PAR_MAX;
    return t < 1 ? 1 : t;
}

void ax_parallel_for(int threads, size_t n, size_t grain, ax_par_fn fn, void *ctx)
{
    if (n == 0)
        return;
    if (grain == 0)
        grain = 1;
    int t = ax_parallel_workers(threads, n, grain);
    if (t <= 1) { /* the same chunks on one thread: callers size them for the cache */
        ax_par_note(1);
        for (size_t b = 0; b < n; b += grain)
            fn(ctx, b, n - b < grain ? n : b + grain, 0);
        return;
    }
    par_job j = {.n = n, .grain = grain, .fn = fn, .ctx = ctx};
    atomic_init(&j.next, 0);
    pthread_t tid[PAR_MAX];
    par_arg args[PAR_MAX];
    int started = 0;
    for (int i = 1; i < t; i++) {
        args[i] = (par_arg){&j, i};
        if (pthread_create(&tid[started], NULL, par_worker, &args[i]))
            break;
        started++;
    }
    ax_par_note(started + 1);
    args[0] = (par_arg){&j, 0};
    par_worker(&args[0]);
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
}

const char *ax_simd_name(ax_simd s)
{
    switch (s) {
    case AX_SIMD_AVX2: return "avx2";
    case AX_SIMD_AVX512: return "avx512";
    default: return "portable";
    }
}

static ax_simd detect(void)
{
    ax_simd s = AX_SIMD_PORTABLE;
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        s = AX_SIMD_AVX2;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl"))
        s = AX_SIMD_AVX512;
#endif
    const char *cap = getenv("AXON_SIMD");
    if (cap) {
        ax_simd c = !strcmp(cap, "portable") ? AX_SIMD_PORTABLE
                    : !strcmp(cap, "avx2")   ? AX_SIMD_AVX2
                                             : AX_SIMD_AVX512;
        if (c < s)
            s = c;
    }
    return s;
}

ax_simd ax_simd_best(void)
{
    static _Atomic int cached = -1;
    int v = atomic_load(&cached);
    if (v < 0) {
        v = (int)detect();
        atomic_store(&cached, v);
    }
    return (ax_simd)v;
}
