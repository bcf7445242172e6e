/*
 * bench_perf — the simulator's hot path against limits measured in the same
 * run (docs/design.md §1: ratios, never a timed assertion; docs/performance.md
 * holds measured tables).
 *
 *  1. SIMD limit: a plain loop adding 128-wide int8 rows of a 16 KiB tile (L1)
 *     into int32 accumulators, compiled for baseline x86-64 (SSE2) and for
 *     each wider instruction set the CPU has, one thread. G adds/s.
 *  2. Hot path: the batched accumulation of the fast path (sim_arith.c) on an
 *     LLM-like layer (int8 weights, 30 % zeros; bitwise-signed counts, T = 4),
 *     every SIMD path this CPU has, 1 thread and N threads: G synaptic adds/s
 *     (events × outputs) and the ratio to the best limit × threads.
 *  3. Threads and timing: cycle-accurate sim_run with 1 and N threads, and
 *     sim_run_functional (no timing): seconds, thread speed-up, and the cost
 *     of the timing (cycle-accurate / functional).
 *  4. Brian2: the same 1024 × 1024 int8 layer driven by 1000 tokens of 0/1
 *     counts (10 %, binary coding) in axon (cycle-accurate, 1 and N threads)
 *     and in Brian2 (bench/brian2_bench.py: cython target, else numpy) when
 *     python3-brian is importable: synaptic events/s and the ratio.
 *
 * Times are best of REPS runs: process CPU time for one thread, wall-clock
 * time for several (the machine may be shared: other load only lengthens
 * them, so thread speed-ups are lower bounds); only ratios of numbers
 * measured in the same run mean anything.
 *
 *  5. With --layer W T NAME: a layer of real files (`<NAME>.weight` of W,
 *     `<NAME>.input` of T, e.g. from `axon gen --preset qwen7b-mlp`), quantized
 *     and coded as `axon run` does (per channel, k = 3, integer inputs taken
 *     as counts; --coding, default bitwise-signed): the simulation alone
 *     (sim_new + run), cycle-accurate and functional, 1 and N threads; the
 *     other sections are skipped.
 *
 * usage: bench_perf [--full] [--threads N] [--reps R] [--no-brian] [--only S]
 *                   [--layer W.safetensors T.safetensors NAME [--coding C]] [--sb-rows N]
 *   --sb-rows N: axons per super-block of the accumulation (1 = one
 *   row-block at a time, tiles in L1), for tuning SB_ROWS of sim_arith.c.
 *   default layer 1024 -> 4096, 128 tokens; --full 3584 -> 18944, 128 tokens
 *   (Qwen2.5-7B up_proj); N default: online processors; --only S runs
 *   section S alone (1-4; 2 measures the limit too), for profiling.
 */
#include "../sim/sim_int.h"
#include "../tests/sim_testlib.h"
#include "../traces/trace.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

/* One thread: the process's CPU time (robust to other load on a shared
 * machine); several: wall-clock time (other load can only make it longer). */
static int wall_only;   /* speed-ups: wall-clock time for one thread too */
static size_t sb_rows;  /* --sb-rows: axons per super-block of the accumulation (tuning) */
static double last_cpu; /* process CPU time (all threads) of the last hot_time / run_time, best */

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double clk(int threads)
{
    struct timespec ts;
    clock_gettime(threads > 1 || wall_only ? CLOCK_MONOTONIC : CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- 1. the plain loop ---- */

#define TILE_ROWS 128
#define ROWS_PER_PASS 4096

/* acc[0..128) += row, accumulators in memory (L1): load, add, store per row */
static void limit_base(int32_t *acc, const int8_t *tile, const uint16_t *rows, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const int8_t *w = tile + (size_t)rows[k] * 128;
        for (int j = 0; j < 128; j++)
            acc[j] += w[j];
    }
}

#if defined(__x86_64__)
__attribute__((target("sse2"))) static void limit_sse2(int32_t *acc, const int8_t *tile,
                                                       const uint16_t *rows, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const int8_t *w = tile + (size_t)rows[k] * 128;
        for (int q = 0; q < 128; q += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(w + q));
            __m128i lo = _mm_unpacklo_epi8(x, x), hi = _mm_unpackhi_epi8(x, x);
            __m128i d[4] = {_mm_srai_epi32(_mm_unpacklo_epi16(lo, lo), 24),
                            _mm_srai_epi32(_mm_unpackhi_epi16(lo, lo), 24),
                            _mm_srai_epi32(_mm_unpacklo_epi16(hi, hi), 24),
                            _mm_srai_epi32(_mm_unpackhi_epi16(hi, hi), 24)};
            for (int i = 0; i < 4; i++) {
                __m128i *a = (__m128i *)(acc + q + 4 * i);
                _mm_storeu_si128(a, _mm_add_epi32(_mm_loadu_si128(a), d[i]));
            }
        }
    }
}

__attribute__((target("avx2"))) static void limit_avx2(int32_t *acc, const int8_t *tile,
                                                       const uint16_t *rows, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const int8_t *w = tile + (size_t)rows[k] * 128;
        for (int q = 0; q < 128; q += 8) {
            __m256i *a = (__m256i *)(acc + q);
            __m256i d = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(w + q)));
            _mm256_storeu_si256(a, _mm256_add_epi32(_mm256_loadu_si256(a), d));
        }
    }
}

__attribute__((target("avx512f,avx512bw"))) static void
limit_avx512(int32_t *acc, const int8_t *tile, const uint16_t *rows, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const int8_t *w = tile + (size_t)rows[k] * 128;
        for (int q = 0; q < 128; q += 16) {
            __m512i d = _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(w + q)));
            _mm512_storeu_si512(acc + q, _mm512_add_epi32(_mm512_loadu_si512(acc + q), d));
        }
    }
}
#endif

typedef void (*limit_fn)(int32_t *, const int8_t *, const uint16_t *, size_t);

/* G adds/s of one loop, one thread, best of reps passes of ~0.2 s. */
static double limit_rate(limit_fn f, int reps)
{
    static int8_t tile[TILE_ROWS * 128] __attribute__((aligned(64)));
    static int32_t acc[128] __attribute__((aligned(64)));
    static uint16_t rows[ROWS_PER_PASS];
    uint64_t st = 7;
    for (size_t i = 0; i < sizeof tile; i++)
        tile[i] = (int8_t)((int)(tl_rand(&st) % 255) - 127);
    for (size_t i = 0; i < ROWS_PER_PASS; i++)
        rows[i] = (uint16_t)(tl_rand(&st) % TILE_ROWS);
    double best = 0;
    for (int r = 0; r < reps; r++) {
        size_t passes = 0;
        double t0 = clk(1), t;
        do {
            f(acc, tile, rows, ROWS_PER_PASS);
            passes++;
        } while ((t = clk(1) - t0) < 0.2);
        double rate = (double)passes * ROWS_PER_PASS * 128 / t;
        best = rate > best ? rate : best;
    }
    volatile int32_t sink = acc[5];
    (void)sink;
    return best * 1e-9;
}

/* ---- workloads ---- */

typedef struct {
    const char *name;
    map_qweight qw;
    int32_t *counts;
    spike_event *ev;
    size_t *ts, nev, tokens, in, out;
    spike_coding cod;
    int T;
} work;

static void work_llm(work *w, size_t in, size_t out, size_t tokens)
{
    uint64_t st = 1;
    memset(w, 0, sizeof *w);
    w->name = "llm";
    w->in = in;
    w->out = out;
    w->tokens = tokens;
    w->cod = SPIKE_BITWISE_SIGNED;
    w->T = 4;
    tl_qweight(&w->qw, out, in, 0, 30, &st);
    w->counts = malloc(tokens * in * sizeof *w->counts);
    tl_counts(w->counts, tokens * in, w->cod, 3, 70, &st);
    w->ts = malloc((tokens + 1) * sizeof *w->ts);
    w->ev = tl_events(w->cod, w->counts, tokens, in, w->T, &w->nev, w->ts);
}

/* 1024 x 1024 dense int8 (no zeros forced), 1000 tokens of 0/1, 10 % ones. */
static void work_brian(work *w)
{
    uint64_t st = 11;
    memset(w, 0, sizeof *w);
    w->name = "brian";
    w->in = w->out = 1024;
    w->tokens = 1000;
    w->cod = SPIKE_BINARY;
    w->T = 1;
    tl_qweight(&w->qw, w->out, w->in, 0, 0, &st);
    w->counts = malloc(w->tokens * w->in * sizeof *w->counts);
    for (size_t i = 0; i < w->tokens * w->in; i++)
        w->counts[i] = tl_rand(&st) % 10 == 0;
    w->ts = malloc((w->tokens + 1) * sizeof *w->ts);
    w->ev = tl_events(w->cod, w->counts, w->tokens, w->in, w->T, &w->nev, w->ts);
}

static void work_free(work *w)
{
    map_qweight_free(&w->qw);
    free(w->counts);
    free(w->ev);
    free(w->ts);
}

static sim *mk(const work *w, int threads, sim_simd simd)
{
    sim_config c;
    sim_config_default(&c);
    sim *s = NULL;
    char *err = NULL;
    if (sim_new(&c, &w->qw, w->ev, w->nev, w->ts, w->tokens, &s, &err)) {
        fprintf(stderr, "bench_perf: %s\n", err);
        exit(1);
    }
    sim_exec x = {.threads = threads, .simd = simd};
    sim_set_exec(s, &x);
    s->sb_rows = sb_rows; /* 0: the simulator's */
    return s;
}

/* Seconds of sim_arith_prepare (chunk-major weights, programs; with counts,
 * the zero-gating counts of the timed run too), best of reps. */
static double prep_time(const work *w, int threads, int counts, int reps)
{
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        sim *s = mk(w, threads, SIM_SIMD_AUTO);
        char *err = NULL;
        s->functional = !counts;
        double t0 = clk(threads);
        if (sim_arith_prepare(s, &err)) {
            fprintf(stderr, "bench_perf: %s\n", err);
            exit(1);
        }
        double t = clk(threads) - t0;
        best = t < best ? t : best;
        sim_free(s);
    }
    return best;
}

/* Seconds of the batched accumulation alone (prepare excluded), best of reps. */
static double hot_time(const work *w, int threads, sim_simd simd, int reps, uint64_t *sum)
{
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        sim *s = mk(w, threads, simd);
        char *err = NULL;
        s->functional = 1;

        if (sim_arith_prepare(s, &err)) {
            fprintf(stderr, "bench_perf: %s\n", err);
            exit(1);
        }
        double t0 = clk(threads), c0 = cpu_now();
        if (sim_arith_run(s, &err)) {
            fprintf(stderr, "bench_perf: %s\n", err);
            exit(1);
        }
        double t = clk(threads) - t0, cpu = cpu_now() - c0;
        best = t < best ? t : best;
        last_cpu = r == 0 || cpu < last_cpu ? cpu : last_cpu;
        if (sim_chip_acc_finish(s, &err)) {
            fprintf(stderr, "bench_perf: %s\n", err);
            exit(1);
        }
        uint64_t h = 1469598103934665603ULL;
        for (size_t i = 0; i < w->tokens * w->out; i++)
            h = (h ^ (uint32_t)sim_acc(s)[i]) * 1099511628211ULL;
        *sum = h;
        sim_free(s);
    }
    return best;
}

/* The thread limit of this run: a trivially parallel integer loop, the same
 * total work on 1 and on n threads, wall-clock; returns the speed-up (other
 * load on a shared machine lowers it as it lowers the simulator's). */
static void *spin(void *arg)
{
    volatile uint64_t x = 0;
    for (uint64_t i = 0; i < (uint64_t)(uintptr_t)arg; i++)
        x += i * i;
    return NULL;
}

static double spin_speedup(int n, int reps)
{
    const uint64_t work = 200000000ULL;
    double t1 = 1e30, tn = 1e30;
    for (int r = 0; r < reps; r++)
        for (int k = 1; k <= n; k += n - 1 > 0 ? n - 1 : 1) {
            pthread_t tid[SIM_MAX_THREADS];
            int started = 0;
            wall_only = 1;
            double t0 = clk(1);
            for (int i = 0; i < k; i++)
                started += !pthread_create(&tid[i], NULL, spin,
                                           (void *)(uintptr_t)(work / (uint64_t)k));
            for (int i = 0; i < started; i++)
                pthread_join(tid[i], NULL);
            double t = clk(1) - t0;
            wall_only = 0;
            if (k == 1)
                t1 = t < t1 ? t : t1;
            else
                tn = t < tn ? t : tn;
        }
    return t1 / tn;
}

/* Seconds of sim_new + sim_run (or sim_run_functional), best of reps. */
static double run_time(const work *w, int threads, int functional, int reps, sim_report *rep)
{
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = clk(threads), c0 = cpu_now();
        sim *s = mk(w, threads, SIM_SIMD_AUTO);
        char *err = NULL;
        if ((functional ? sim_run_functional(s, &err) : sim_run(s, &err))) {
            fprintf(stderr, "bench_perf: %s\n", err);
            exit(1);
        }
        double t = clk(threads) - t0, cpu = cpu_now() - c0;
        best = t < best ? t : best;
        last_cpu = r == 0 || cpu < last_cpu ? cpu : last_cpu;
        if (rep)
            sim_get_report(s, rep);
        sim_free(s);
    }
    return best;
}

static double sops(const work *w)
{
    return (double)w->nev * (double)w->out;
}

/* ---- 4. Brian2 ---- */

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return 1;
    int bad = fwrite(p, 1, n, f) != n;
    return fclose(f) || bad;
}

/* Runs bench/brian2_bench.py on w; returns Brian2's synaptic events/s, 0 if
 * unavailable (reason in why). */
static double brian2(const work *w, const char *dir, char *why, size_t nwhy, char *target,
                     size_t ntarget)
{
    char wpath[512], spath[512], cmd[2048], line[200];
    snprintf(wpath, sizeof wpath, "%s/weights.i8", dir);
    snprintf(spath, sizeof spath, "%s/spikes.i32", dir);
    int32_t *sp = malloc(2 * w->nev * sizeof *sp + 1);
    for (size_t e = 0; e < w->nev; e++) {
        sp[2 * e] = (int32_t)w->ev[e].token;
        sp[2 * e + 1] = (int32_t)w->ev[e].axon;
    }
    int bad = write_file(wpath, w->qw.q, w->out * w->in) ||
              write_file(spath, sp, 2 * w->nev * sizeof *sp);
    free(sp);
    if (bad) {
        snprintf(why, nwhy, "cannot write the workload to %s", dir);
        return 0;
    }
    const char *py = getenv("AXON_PY") ? getenv("AXON_PY") : "/usr/bin/python3";
    const char *root = getenv("AXON_ROOT") ? getenv("AXON_ROOT") : ".";
    snprintf(cmd, sizeof cmd, "%s %s/bench/brian2_bench.py %s %s %zu %zu %zu 2>&1", py, root, wpath,
             spath, w->in, w->out, w->tokens);
    FILE *p = popen(cmd, "r");
    if (!p) {
        snprintf(why, nwhy, "cannot run %s", py);
        return 0;
    }
    double rate = 0;
    snprintf(why, nwhy, "bench/brian2_bench.py printed no result");
    while (fgets(line, sizeof line, p)) {
        char tg[64];
        double r;
        if (sscanf(line, "brian2 %63s %lf", tg, &r) == 2) {
            rate = r;
            snprintf(target, ntarget, "%s", tg);
        } else if (!strncmp(line, "unavailable: ", 13)) {
            line[strcspn(line, "\n")] = 0;
            snprintf(why, nwhy, "%s", line + 13);
        } else if (!strncmp(line, "check ", 6)) {
            line[strcspn(line, "\n")] = 0;
            printf("  brian2 %s\n", line);
        }
    }
    pclose(p);
    return rate;
}

/* 5: a layer of real files, as axon run codes it by default */
static int section_layer(const char *wpath, const char *tpath, const char *name, spike_coding cod,
                         int threads, int reps)
{
    trace_file *wf = NULL, *tf = NULL;
    char *err = NULL, tn[1024];
    work w;
    memset(&w, 0, sizeof w);
    w.name = name;
    w.cod = cod;
    snprintf(tn, sizeof tn, "%s.input", name);
    const trace_tensor *ti = NULL;
    if (trace_open(wpath, &wf, &err) || map_qweight_load(wf, name, 0, &w.qw, &err) ||
        trace_open(tpath, &tf, &err) || !(ti = trace_find(tf, tn)) || ti->ndim != 2) {
        fprintf(stderr, "bench_perf: %s\n", err ? err : "no 2-D <layer>.input in the trace");
        return 1;
    }
    w.tokens = (size_t)ti->shape[0];
    w.in = (size_t)ti->shape[1];
    w.out = w.qw.out;
    float *x = malloc(w.tokens * w.in * sizeof *x + 1), *vth = malloc(w.tokens * sizeof *vth + 1);
    w.counts = malloc(w.tokens * w.in * sizeof *w.counts + 1);
    w.ts = malloc((w.tokens + 1) * sizeof *w.ts);
    spike_params sp;
    spike_params_default(&sp);
    int ints = trace_dtype_is_int(ti->dtype); /* integer traces are counts already */
    if (w.in != w.qw.in || (ints ? trace_to_i32(ti, w.counts, &err) : trace_to_f32(ti, x, &err)) ||
        (!ints && spike_counts(x, w.tokens, w.in, &sp, w.counts, vth, &err)) ||
        spike_events(w.cod, w.counts, w.tokens, w.in, SPIKE_STEPS_AUTO, &w.ev, &w.nev, w.ts, NULL,
                     &err)) {
        fprintf(stderr, "bench_perf: %s\n", err ? err : "input and weight shapes differ");
        return 1;
    }
    free(x);
    free(vth);
    printf("\n5. layer %s of %s: %zu -> %zu, %zu tokens, %s, %zu spikes = %.4g synaptic adds\n",
           name, wpath, w.in, w.out, w.tokens, spike_coding_name(cod), w.nev, sops(&w));
    sim_report r;
    double c1 = run_time(&w, 1, 0, reps, &r), f1 = run_time(&w, 1, 1, reps, NULL);
    printf("  %zu cores, %lld cycles\n", r.cores, (long long)r.duration);
    printf("  simulation alone, 1 thread (CPU): cycle-accurate %.4f s, functional %.4f s, "
           "ratio %.2fx; %.2f G synaptic adds/s cycle-accurate\n",
           c1, f1, c1 / f1, sops(&w) / c1 * 1e-9);
    if (threads > 1) {
        double cn = run_time(&w, threads, 0, reps, NULL), fn = run_time(&w, threads, 1, reps, NULL);
        wall_only = 1;
        double cw = run_time(&w, 1, 0, reps, NULL);
        wall_only = 0;
        printf("  simulation alone, %d threads (wall): cycle-accurate %.4f s, functional %.4f s, "
               "ratio %.2fx; speed-up %.2fx over 1 thread (wall %.4f s)\n",
               threads, cn, fn, cn / fn, cw / cn, cw);
        printf("  thread limit now: a trivially parallel loop runs %.2fx faster on %d threads\n",
               spin_speedup(threads, reps), threads);
    }
    work_free(&w);
    trace_close(wf);
    trace_close(tf);
    return 0;
}

static double lim_isa[SIM_SIMD_AVX512 + 1]; /* each instruction set's own limit, G adds/s */

static double section_limit(int reps)
{
    printf("\n1. SIMD limit: plain loop adding 128-wide int8 rows (16 KiB tile) into int32 "
           "accumulators in L1 (load, add, store), 1 thread\n");
    double lim_base = limit_rate(limit_base, reps), lim_best = lim_base;
    const char *best_name = "C";
    printf("  %-28s %8.2f G adds/s\n", "C loop (compiler's choice)", lim_base);
    lim_isa[SIM_SIMD_SCALAR] = lim_base;
#if defined(__x86_64__)
    struct {
        sim_simd v;
        const char *name;
        limit_fn f;
    } l[] = {{SIM_SIMD_SSE2, "baseline x86-64 (sse2)", limit_sse2},
             {SIM_SIMD_AVX2, "avx2", limit_avx2},
             {SIM_SIMD_AVX512, "avx512", limit_avx512}};
    for (size_t i = 0; i < sizeof l / sizeof l[0]; i++) {
        if (!sim_simd_supported(l[i].v))
            continue;
        double r = limit_rate(l[i].f, reps);
        printf("  %-28s %8.2f G adds/s\n", l[i].name, r);
        lim_isa[l[i].v] = r;
        if (r > lim_best) {
            lim_best = r;
            best_name = sim_simd_name(l[i].v);
        }
    }
#endif
    printf("  limit used below: %s, %.2f G adds/s per thread\n", best_name, lim_best);
    return lim_best;
}

/* returns the best path's 1-thread time */
static double section_hot(const work *w, double lim, int threads, int reps)
{
    printf("\n2. hot path: batched accumulation (sim_arith.c), layer %zu -> %zu, %zu tokens, "
           "bitwise-signed T = %d, %zu events = %.3g synaptic adds\n",
           w->in, w->out, w->tokens, w->T, w->nev, sops(w));
    uint64_t ref_sum = 0, sum = 0;
    double t1 = 0;
    for (int v = SIM_SIMD_SCALAR; v <= SIM_SIMD_AVX512; v++) {
        if (!sim_simd_supported((sim_simd)v))
            continue;
        double t = hot_time(w, 1, (sim_simd)v, reps, &sum);
        if (!ref_sum)
            ref_sum = sum;
        double rate = sops(w) / t * 1e-9;
        printf("  %-8s 1 thread   %8.4f s  %8.2f G adds/s  %5.2f x limit  (%5.2f x its own "
               "ISA's limit)%s\n",
               sim_simd_name((sim_simd)v), t, rate, rate / lim,
               lim_isa[v] > 0 ? rate / lim_isa[v] : 0, sum == ref_sum ? "" : "  ACC DIFFERS");
        if (v == (int)sim_simd_best())
            t1 = t;
    }
    if (threads > 1) {
        double t = hot_time(w, threads, SIM_SIMD_AUTO, reps, &sum), cn = last_cpu;
        double rate = sops(w) / t * 1e-9;
        wall_only = 1;
        double tw = hot_time(w, 1, SIM_SIMD_AUTO, reps, &sum);
        wall_only = 0;
        printf("  %-8s %d threads  %8.4f s  %8.2f G adds/s  %5.2f x (limit x %d threads); "
               "speed-up %.2fx (wall, 1 thread %.4f s)%s\n",
               sim_simd_name(sim_simd_best()), threads, t, rate, rate / (lim * threads), threads,
               tw / t, tw, sum == ref_sum ? "" : "  ACC DIFFERS");
        printf("  %-8s CPU time of all %d threads %.4f s = %.2fx the 1-thread CPU time (work "
               "added by threading; robust to other load)\n",
               "", threads, cn, cn / t1);
    }
    return t1;
}

static void section_whole(const work *w, int threads, int reps)
{
    sim_report r1, rn;
    uint64_t sum;
    double c1 = run_time(w, 1, 0, reps, &r1), f1 = run_time(w, 1, 1, reps, NULL);
    printf("\n3. whole simulation (sim_new + run), same layer\n");
    printf("  cycle-accurate 1 thread   %8.4f s   functional 1 thread   %8.4f s   "
           "cycle-accurate / functional %.2fx\n",
           c1, f1, c1 / f1);
    printf("  of which, 1 thread: accumulation %.4f s; preparation (chunk-major weights, "
           "programs) %.4f s, with the zero-gating counts of the timed run %.4f s\n",
           hot_time(w, 1, SIM_SIMD_AUTO, reps, &sum), prep_time(w, 1, 0, reps),
           prep_time(w, 1, 1, reps));
    if (threads > 1) {
        double cn = run_time(w, threads, 0, reps, &rn), ccpu = last_cpu;
        double fn = run_time(w, threads, 1, reps, NULL), fcpu = last_cpu;
        printf("  cycle-accurate %d threads  %8.4f s   functional %d threads  %8.4f s   "
               "cycle-accurate / functional %.2fx\n",
               threads, cn, threads, fn, cn / fn);
        wall_only = 1;
        double cw = run_time(w, 1, 0, reps, NULL), fw = run_time(w, 1, 1, reps, NULL);
        wall_only = 0;
        printf("  thread speed-up (%d vs 1, wall: 1 thread %.4f s and %.4f s): cycle-accurate "
               "%.2fx, functional %.2fx; same cycles and counters: %s\n",
               threads, cw, fw, cw / cn, fw / fn,
               r1.duration == rn.duration && !memcmp(&r1.total, &rn.total, sizeof r1.total) ? "yes"
                                                                                            : "NO");
        printf("  CPU time of all %d threads / 1-thread CPU time: cycle-accurate %.2fx, "
               "functional %.2fx (work added by threading; robust to other load)\n",
               threads, ccpu / c1, fcpu / f1);
        double lim = spin_speedup(threads, reps);
        printf("  thread limit now: a trivially parallel loop runs %.2fx faster on %d threads than "
               "on 1 (wall); cycle-accurate speed-up / that: %.2f\n",
               lim, threads, cw / cn / lim);
    }
}

static void section_brian(int threads, int reps, int nobrian)
{
    work b;
    work_brian(&b);
    printf("\n4. Brian2 workload: 1024 x 1024 int8, %zu tokens of 0/1 counts (10 %%), binary: "
           "%zu spikes = %.4g synaptic events\n",
           b.tokens, b.nev, sops(&b));
    double a1 = run_time(&b, 1, 0, reps, NULL);
    printf("  axon cycle-accurate 1 thread   %8.4f s  %9.1f M synaptic events/s\n", a1,
           sops(&b) / a1 * 1e-6);
    double an = a1;
    if (threads > 1) {
        an = run_time(&b, threads, 0, reps, NULL);
        printf("  axon cycle-accurate %d threads  %8.4f s  %9.1f M synaptic events/s\n", threads,
               an, sops(&b) / an * 1e-6);
    }
    char dir[] = "/tmp/axon-bench-XXXXXX", why[256] = "", target[64] = "";
    if (nobrian) {
        printf("  brian2: skipped (--no-brian)\n");
    } else if (!mkdtemp(dir)) {
        printf("  brian2: no temporary directory\n");
    } else {
        double br = brian2(&b, dir, why, sizeof why, target, sizeof target);
        char rm[600];
        snprintf(rm, sizeof rm, "rm -rf %s", dir);
        if (system(rm)) {}
        if (br > 0) {
            printf("  brian2 (%s target, 1 thread, CPU time)  %9.1f M synaptic events/s\n", target,
                   br * 1e-6);
            printf("  axon / brian2: %.1fx (1 thread), %.1fx (%d threads)\n", sops(&b) / a1 / br,
                   sops(&b) / an / br, threads);
        } else {
            printf("  brian2: not measured: %s\n", why);
        }
    }
    work_free(&b);
}

int main(int argc, char **argv)
{
    size_t in = 1024, out = 4096, tokens = 128;
    int threads = sim_threads_default(), reps = 3, nobrian = 0, only = 0;
    const char *lw = NULL, *lt = NULL, *ln = NULL;
    spike_coding cod = SPIKE_BITWISE_SIGNED;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--full")) {
            in = 3584;
            out = 18944;
        } else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--no-brian"))
            nobrian = 1;
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            only = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--layer") && i + 3 < argc) {
            lw = argv[++i];
            lt = argv[++i];
            ln = argv[++i];
        } else if (!strcmp(argv[i], "--sb-rows") && i + 1 < argc) {
            sb_rows = (size_t)atol(argv[++i]);
        } else if (!strcmp(argv[i], "--coding") && i + 1 < argc) {
            char *err = NULL;
            if (spike_coding_parse(argv[++i], &cod, &err)) {
                fprintf(stderr, "bench_perf: %s\n", err);
                return 2;
            }
        } else {
            fprintf(stderr, "usage: bench_perf [--full] [--threads N] [--reps R] [--no-brian] "
                            "[--only S] [--layer W.safetensors T.safetensors NAME [--coding C]] "
                            "[--sb-rows N]\n");
            return 2;
        }
    }
    threads = threads < 1 ? 1 : threads;
    reps = reps < 1 ? 1 : reps;
    printf("bench_perf: %d threads (online processors %d), best of %d; 1 thread: CPU time, "
           "more: wall time; the machine may be shared: compare ratios only\n",
           threads, sim_threads_default(), reps);
    if (ln)
        return section_layer(lw, lt, ln, cod, threads, reps);
    double lim = only == 3 || only == 4 ? 0 : section_limit(reps);
    if (!only || only == 2 || only == 3) {
        work w;
        work_llm(&w, in, out, tokens);
        if (!only || only == 2)
            section_hot(&w, lim, threads, reps);
        if (!only || only == 3)
            section_whole(&w, threads, reps);
        work_free(&w);
    }
    if (!only || only == 4)
        section_brian(threads, reps, nobrian);
    return 0;
}
