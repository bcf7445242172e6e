/*
 * bench_io — the fixed costs of a run and of a sweep against limits and
 * baselines measured in the same run (never asserted; docs/design.md §1,
 * figures in docs/performance.md, "Loading, oracle and sweeps"):
 *   load    a bf16 weight quantized straight from the mapping
 *           (map_qweight_load) vs. the replaced way (a whole f32 copy, then
 *           map_quantize) and vs. memcpy of the file's bytes; peak RSS of
 *           each in a child process, as a multiple of the weight's bytes;
 *   image   a core image: open (header, directory, layer sections), then
 *           per layer the first load (XXH64 and field checks fused with the
 *           transpose) and a second load (transpose only), vs. memcpy of
 *           the layer's bytes and vs. hashing it with byte-wise FNV-1a (what
 *           version 1 did, for the whole file, at every open);
 *   gen     axon gen's weights (trace_gen_write, bf16) vs. memset of the
 *           same bytes; the reference output's double products per second;
 *   sweep   points per second of a 12-point sweep (3 clocks x 2 tiles x 2
 *           codings) without and with the run_cache, and the ratio;
 *   growth  a run (run_job_exec) and its shared part (what the cache
 *           saves) vs. tokens and vs. layer size.
 * Each figure is the best of REPEAT runs (the machine may be shared).
 * usage: bench_io [--quick] [--repeat N]
 */
#include "../gpu/gpu.h"
#include "../mapper/map.h"
#include "../run/run.h"
#include "../traces/trace.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int repeat = 3, quick = 0;
static char dir[64];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what, char *err)
{
    fprintf(stderr, "bench_io: %s: %s\n", what, err ? err : "failed");
    exit(1);
}

static char *path(const char *name)
{
    static char buf[8][128];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* Best wall time of memcpy over n bytes (destination faulted in). */
static double memcpy_s(const void *src, size_t n)
{
    char *d = malloc(n);
    memset(d, 1, n);
    double best = 1e30;
    for (int r = 0; r < repeat; r++) {
        double t = now_s();
        memcpy(d, src, n);
        t = now_s() - t;
        best = t < best ? t : best;
    }
    if (d[n / 2] == 42)
        puts("");
    free(d);
    return best;
}

/* Peak RSS (KiB) of fn(arg) run in a child process. */
static long child_rss(void (*fn)(void *), void *arg)
{
    pid_t pid = fork();
    if (pid == 0) {
        fn(arg);
        _exit(0);
    }
    int st;
    struct rusage ru;
    if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
        return -1;
    return ru.ru_maxrss;
}

/* ---- load ---------------------------------------------------------------- */

typedef struct {
    const char *file, *layer;
    int old;
} load_arg;

static void load_once(void *p)
{
    load_arg *a = p;
    trace_file *f;
    char *err = NULL;
    map_qweight qw;
    if (trace_open(a->file, &f, &err))
        die("open", err);
    if (a->old) { /* the replaced loader: a whole float copy, then quantize */
        const trace_tensor *t = trace_find(f, "w.weight");
        float *w = malloc(trace_numel(t) * sizeof *w);
        if (!w || trace_to_f32(t, w, &err) ||
            map_quantize(w, (size_t)t->shape[0], (size_t)t->shape[1], 0, &qw, &err))
            die("old load", err);
        free(w);
    } else if (map_qweight_load(f, a->layer, 0, &qw, &err)) {
        die("load", err);
    }
    map_qweight_free(&qw);
    trace_close(f);
}

static void bench_load(void)
{
    size_t out = quick ? 4096 : 18944, in = 3584;
    trace_gen_cfg c;
    char *err = NULL;
    trace_gen_preset("tiny", &c, NULL);
    c.hidden = in, c.ffn = out, c.wdtype = TRACE_BF16, c.with_output = 0;
    if (trace_gen_write(&c, path("load.st"), NULL, &err))
        die("gen", err);
    /* rename the layer: the bench reads "w.weight" through map_qweight_load's name */
    trace_file *f;
    if (trace_open(path("load.st"), &f, &err))
        die("open", err);
    const trace_tensor *t = trace_at(f, 0);
    int64_t sh[2] = {t->shape[0], t->shape[1]};
    trace_writer *w;
    trace_writer_new(&w, NULL);
    trace_writer_add(w, "w.weight", TRACE_BF16, 2, sh, t->data, NULL);
    if (trace_writer_save(w, path("w.st"), &err))
        die("save", err);
    trace_writer_free(w);
    size_t bytes = t->nbytes;
    double mc = memcpy_s(t->data, bytes);
    trace_close(f);
    unlink(path("load.st"));
    load_arg na = {path("w.st"), "w", 0}, oa = {path("w.st"), "w", 1};
    double tn = 1e30, to = 1e30;
    for (int r = 0; r < repeat; r++) {
        double t0 = now_s();
        load_once(&na);
        double t1 = now_s();
        load_once(&oa);
        double t2 = now_s();
        tn = t1 - t0 < tn ? t1 - t0 : tn;
        to = t2 - t1 < to ? t2 - t1 : to;
    }
    long rn = child_rss(load_once, &na), ro = child_rss(load_once, &oa);
    double mib = (double)bytes / (1 << 20);
    printf("load: bf16 weight [%zu, %zu], %.1f MiB\n", out, in, mib);
    printf("  map_qweight_load (streamed, all cores) %8.3f s  %6.2f GB/s  %5.2fx memcpy time  "
           "peak RSS %6.1f MiB = %.2fx the weight\n",
           tn, bytes / tn / 1e9, tn / mc, rn / 1024.0, rn / 1024.0 / mib);
    printf("  whole f32 copy + map_quantize (before) %8.3f s  %6.2f GB/s  %5.2fx memcpy time  "
           "peak RSS %6.1f MiB = %.2fx the weight\n",
           to, bytes / to / 1e9, to / mc, ro / 1024.0, ro / 1024.0 / mib);
    printf("  speed-up %.1fx, peak RSS %.2fx lower (memcpy of the bytes: %.3f s, %.2f GB/s)\n",
           to / tn, (double)ro / (double)rn, mc, bytes / mc / 1e9);
    unlink(path("w.st"));
}

/* ---- image --------------------------------------------------------------- */

static void bench_image(void)
{
    /* 4 layers of a qwen-like block at 128 x 128 tiles (quick: 1024-wide) */
    size_t hid = quick ? 1024 : 3584, ffn = quick ? 4096 : 18944;
    size_t out[4] = {ffn, ffn, hid, hid}, in[4] = {hid, hid, ffn, hid};
    const char *names[4] = {"up", "gate", "down", "o"};
    map_placer *pl;
    char *err = NULL;
    map_image_writer *w;
    if (map_placer_new(1024, 1024, 1, &pl, &err) ||
        map_image_writer_new(path("b.axi"), 128, 128, 1024, 1024, &w, &err))
        die("image", err);
    for (int l = 0; l < 4; l++) {
        map_qweight qw;
        map_tiling t;
        map_layer_place lp;
        float *wf = malloc(out[l] * in[l] * sizeof *wf);
        for (size_t i = 0; i < out[l] * in[l]; i++)
            wf[i] = (float)((int)((i * 2654435761u) >> 20) % 255 - 127);
        if (map_quantize(wf, out[l], in[l], 0, &qw, &err) ||
            map_tiling_make(out[l], in[l], 128, 128, &t, &err) ||
            map_placer_add(pl, names[l], &t, &lp, &err) ||
            map_image_writer_add(w, names[l], &qw, &t, &lp, NULL, &err))
            die("image", err);
        free(wf);
        map_qweight_free(&qw);
        map_layer_place_free(&lp);
    }
    if (map_image_writer_close(w, &err))
        die("image", err);
    map_placer_free(pl);
    double to = 1e30, tl[4], tl2[4], tf[4], tm[4];
    size_t lb[4];
    for (int l = 0; l < 4; l++)
        tl[l] = tl2[l] = tf[l] = tm[l] = 1e30;
    for (int r = 0; r < repeat; r++) {
        map_image *img;
        double t0 = now_s();
        if (map_image_open(path("b.axi"), &img, &err))
            die("open", err);
        double t1 = now_s();
        to = t1 - t0 < to ? t1 - t0 : to;
        for (int l = 0; l < 4; l++) {
            const map_image_layer *L = map_image_layer_at(img, (size_t)l);
            map_qweight qw;
            t0 = now_s();
            if (map_image_load_layer(img, (size_t)l, 0, &qw, NULL, &err))
                die("load", err);
            t1 = now_s();
            map_qweight_free(&qw);
            double t2 = now_s();
            if (map_image_load_layer(img, (size_t)l, 0, &qw, NULL, &err))
                die("load", err);
            double t3 = now_s();
            map_qweight_free(&qw);
            tl[l] = t1 - t0 < tl[l] ? t1 - t0 : tl[l];
            tl2[l] = t3 - t2 < tl2[l] ? t3 - t2 : tl2[l];
            /* the bytes of the layer's cores (per channel: one scale per column) */
            size_t bytes = L->rb * L->cb * (24 + 48 + 128 * 128 + 4 * 128);
            lb[l] = bytes;
        }
        map_image_free(img);
    }
    /* baselines on the file's bytes */
    FILE *fp = fopen(path("b.axi"), "rb");
    fseek(fp, 0, SEEK_END);
    size_t fsz = (size_t)ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *all = malloc(fsz);
    if (fread(all, 1, fsz, fp) != fsz)
        die("read", NULL);
    fclose(fp);
    double tfnv = 1e30;
    for (int r = 0; r < repeat; r++) {
        double t0 = now_s();
        volatile uint64_t h = ax_fnv1a(all, fsz, AX_FNV_SEED);
        (void)h;
        double t = now_s() - t0;
        tfnv = t < tfnv ? t : tfnv;
    }
    double tmc = memcpy_s(all, fsz);
    free(all);
    printf("image: %zu layers, %.1f MiB, tile 128x128\n", (size_t)4, fsz / 1048576.0);
    printf("  open (header, directory, layer sections)       %10.1f us  (version 1 hashed every "
           "byte "
           "at open: FNV-1a over the file %.3f s, %.0fx)\n",
           to * 1e6, tfnv, tfnv / to);
    for (int l = 0; l < 4; l++) {
        double mcl = tmc * (double)lb[l] / (double)fsz;
        printf("  layer %-4s [%5zu, %5zu] %7.1f MiB: first load %.3f s (%.2f GB/s, %.2fx memcpy), "
               "again %.3f s (%.2fx memcpy)\n",
               names[l], out[l], in[l], lb[l] / 1048576.0, tl[l], lb[l] / tl[l] / 1e9, tl[l] / mcl,
               tl2[l], tl2[l] / mcl);
    }
    printf("  memcpy of the file %.3f s (%.2f GB/s); byte-wise FNV-1a %.2f GB/s\n", tmc,
           fsz / tmc / 1e9, fsz / tfnv / 1e9);
    unlink(path("b.axi"));
}

/* ---- gen ----------------------------------------------------------------- */

static void bench_gen(void)
{
    trace_gen_cfg c;
    char *err = NULL;
    trace_gen_preset("qwen7b-mlp", &c, NULL);
    c.wdtype = TRACE_BF16;
    if (quick)
        c.hidden = 1024, c.ffn = 4096;
    c.projs = TRACE_GEN_UP;
    double tw = 1e30, tt = 1e30;
    for (int r = 0; r < repeat; r++) {
        double t0 = now_s();
        if (trace_gen_write(&c, path("g.st"), NULL, &err))
            die("gen", err);
        double t1 = now_s();
        if (trace_gen_write(&c, NULL, path("gt.st"), &err))
            die("gen", err);
        double t2 = now_s();
        tw = t1 - t0 < tw ? t1 - t0 : tw;
        tt = t2 - t1 < tt ? t2 - t1 : tt;
    }
    size_t n = c.hidden * c.ffn, bytes = 2 * n;
    volatile char *b = malloc(bytes);
    memset((char *)b, 1, bytes); /* pages faulted in */
    double tm = 1e30;
    for (int r = 0; r < repeat + 2; r++) {
        double t0 = now_s();
        memset((char *)b, r + 2, bytes);
        double t = now_s() - t0;
        tm = t < tm ? t : tm;
    }
    if (b[bytes / 3] == 0)
        puts("");
    free((char *)b);
    double macs = (double)c.tokens * (double)n;
    printf("gen: up_proj [%zu, %zu] bf16, %zu tokens\n", c.ffn, c.hidden, c.tokens);
    printf("  weights file       %8.3f s  %7.1f M weights/s  %5.2fx memset of the bytes (%.3f s)\n",
           tw, n / tw / 1e6, tw / tm, tm);
    printf("  trace (x, y = x W^T in double) %8.3f s  %7.2f G double MACs/s (weights "
           "regenerated)\n",
           tt, macs / tt / 1e9);
    unlink(path("g.st"));
    unlink(path("gt.st"));
}

/* ---- sweep and growth ---------------------------------------------------- */

static void make_layer(size_t out, size_t in, size_t tokens, const char *w, const char *t)
{
    trace_gen_cfg c;
    char *err = NULL;
    trace_gen_preset("tiny", &c, NULL);
    c.hidden = in, c.ffn = out, c.tokens = tokens;
    if (trace_gen_write(&c, w, t, &err))
        die("gen", err);
}

static void job_of(run_job *j, const char *w, const char *t, int k)
{
    static const double clocks[] = {250, 500, 1000};
    static const int tiles[] = {64, 128};
    static const spike_coding cod[] = {SPIKE_TERNARY, SPIKE_BITWISE_SIGNED};
    run_job_default(j);
    j->weights = w;
    j->trace = t;
    j->layer = "model.layers.0.mlp.up_proj";
    j->cfg.clock_mhz = clocks[k % 3];
    j->cfg.rows = j->cfg.cols = tiles[(k / 3) % 2];
    j->coding = cod[(k / 6) % 2];
}

static double run_points(const char *w, const char *t, int n, run_cache *c)
{
    double t0 = now_s();
    for (int k = 0; k < n; k++) {
        run_job j;
        run_result r;
        char *err = NULL;
        job_of(&j, w, t, k);
        if (run_job_exec_cached(&j, c, &r, &err))
            die("run", err);
        run_result_free(&r);
    }
    return now_s() - t0;
}

static void bench_sweep(void)
{
    size_t in = quick ? 512 : 1024, out = quick ? 1024 : 4096, tokens = 64;
    make_layer(out, in, tokens, path("sw.st"), path("st.st"));
    double t0 = 1e30, t1 = 1e30;
    for (int r = 0; r < repeat; r++) {
        double a = run_points(path("sw.st"), path("st.st"), 12, NULL);
        run_cache *c;
        run_cache_new(RUN_CACHE_DEFAULT_BYTES, &c, NULL);
        double b = run_points(path("sw.st"), path("st.st"), 12, c);
        run_cache_free(c);
        t0 = a < t0 ? a : t0;
        t1 = b < t1 ? b : t1;
    }
    printf("sweep: 12 points (3 clocks x 2 tiles x 2 codings) of [%zu, %zu], %zu tokens, one "
           "process\n",
           out, in, tokens);
    printf("  every point loads, quantizes, encodes and checks  %7.3f s  %6.2f points/s\n", t0,
           12 / t0);
    printf("  shared through run_cache                          %7.3f s  %6.2f points/s  (%.2fx)\n",
           t1, 12 / t1, t0 / t1);
    unlink(path("sw.st"));
    unlink(path("st.st"));
}

/* One layer: the parts a sweep point shares, timed one by one, and a whole
 * run (which adds the simulation, pricing and comparisons). */
static void growth_row(size_t out, size_t in, size_t tokens)
{
    make_layer(out, in, tokens, path("gw.st"), path("gt.st"));
    double tw = 1e30, tc = 1e30, te = 1e30, tr = 1e30, trun = 1e30;
    for (int r = 0; r < repeat; r++) {
        trace_file *wf, *tf;
        char *err = NULL;
        map_qweight qw;
        if (trace_open(path("gw.st"), &wf, &err) || trace_open(path("gt.st"), &tf, &err))
            die("open", err);
        const trace_tensor *x = trace_find(tf, "model.layers.0.mlp.up_proj.input");
        double t0 = now_s();
        if (map_qweight_load(wf, "model.layers.0.mlp.up_proj", 0, &qw, &err))
            die("load", err);
        double t1 = now_s();
        float *xf = malloc(tokens * in * sizeof *xf), *vth = malloc(tokens * sizeof *vth);
        int32_t *cnt = malloc(tokens * in * sizeof *cnt), *acc = malloc(tokens * out * sizeof *acc);
        if (trace_to_f32(x, xf, &err) || spike_counts(xf, tokens, in, NULL, cnt, vth, &err))
            die("counts", err);
        double t2 = now_s();
        spike_stats st;
        spike_event *ev = NULL;
        size_t nev = 0, *ts = malloc((tokens + 1) * sizeof *ts);
        if (spike_stats_compute(SPIKE_TERNARY, cnt, tokens, in, SPIKE_STEPS_AUTO, &st, &err) ||
            spike_events(SPIKE_TERNARY, cnt, tokens, in, SPIKE_STEPS_AUTO, &ev, &nev, ts, NULL,
                         &err))
            die("events", err);
        double t3 = now_s();
        if (gpu_ref_cpu(cnt, tokens, &qw, acc, &err))
            die("ref", err);
        double t4 = now_s();
        free(xf), free(vth), free(cnt), free(acc), free(ev), free(ts);
        map_qweight_free(&qw);
        trace_close(wf);
        trace_close(tf);
        double a = run_points(path("gw.st"), path("gt.st"), 1, NULL);
        tw = t1 - t0 < tw ? t1 - t0 : tw;
        tc = t2 - t1 < tc ? t2 - t1 : tc;
        te = t3 - t2 < te ? t3 - t2 : te;
        tr = t4 - t3 < tr ? t4 - t3 : tr;
        trun = a < trun ? a : trun;
    }
    double sh = tw + tc + te + tr;
    printf("  %6zu %6zu %7zu  %9.4f %9.4f %9.4f %9.4f  %9.4f  %5.1f %%  %7.2f ns/weight  %8.3f "
           "ms/token\n",
           out, in, tokens, tw, tc, te, tr, trun, 100 * sh / trun, tw / ((double)out * in) * 1e9,
           trun / (double)tokens * 1e3);
    unlink(path("gw.st"));
    unlink(path("gt.st"));
}

static void bench_growth(void)
{
    printf(
        "growth: one layer, f32 weights, per channel; load = quantize from the mapping, counts =\n"
        "convert + adaptive threshold, events = ternary events + statistics, ref = the CPU\n"
        "reference, run = run_job_exec (clock 250 MHz, tile 64x64, ternary, everything included);\n"
        "share = the first four (what a sweep point gets from the cache) over the run\n");
    printf("  %6s %6s %7s  %9s %9s %9s %9s  %9s  %7s  %16s  %11s\n", "out", "in", "tokens",
           "load s", "counts s", "events s", "ref s", "run s", "share", "load/weight", "run/token");
    size_t tk[] = {1, 8, 64, 256};
    for (size_t i = 0; i < (quick ? 3u : 4u); i++)
        growth_row(1024, 1024, tk[i]);
    size_t sz[][2] = {{1024, 256}, {4096, 1024}, {8192, 2048}};
    for (size_t i = 0; i < (quick ? 2u : 3u); i++)
        growth_row(sz[i][0], sz[i][1], 8);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick"))
            quick = 1;
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = atoi(argv[++i]) > 0 ? atoi(argv[i]) : 1;
        else {
            fprintf(stderr, "usage: bench_io [--quick] [--repeat N]\n");
            return 2;
        }
    }
    snprintf(dir, sizeof dir, "/tmp/bench-io-XXXXXX");
    if (!mkdtemp(dir))
        die("mkdtemp", NULL);
    printf("bench_io: %d CPUs, SIMD %s, best of %d%s\n", ax_cpu_count(),
           ax_simd_name(ax_simd_best()), repeat, quick ? ", quick sizes" : "");
    bench_load();
    bench_image();
    bench_gen();
    bench_sweep();
    bench_growth();
    rmdir(dir);
    return 0;
}
