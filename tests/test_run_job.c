/* Unit tests of run/run_job.c's core-image and reference paths: a layer run
 * from a core image whose input channels are permuted (reversed inside each
 * weight group, R splitting the groups) gives the accumulators and y of the
 * run from the checkpoint bit for bit, because the trace's counts get the
 * same permutation; a tile other than the image's is refused; --ref against
 * the run's own output is exact and against an altered one counts the
 * difference; the CPU reference compared block by block (a run whose cache
 * would not keep it whole) counts exactly the accumulators that differ and
 * gives the same results as the whole reference kept in a sweep's cache. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../gpu/gpu.h"
#include "../run/run.h"
#include "../run/run_int.h" /* run_ref_mismatches */
#include "../mapper/map.h"
#include "../traces/trace.h"

#define OUT 9
#define IN 40
#define TOK 3
#define G 8

static char wpath[64], tpath[64], ipath[64], rpath[64];

/* Layer "l": its float weight w[out][in] into wp, counts c[tok][in] into tp. */
static void write_layer(const char *wp, const char *tp, const float *w, const int32_t *c,
                        int64_t out, int64_t in, int64_t tok)
{
    trace_writer *tw;
    int64_t ws[2] = {out, in}, cs[2] = {tok, in};
    cr_assert_eq(trace_writer_new(&tw, NULL), AX_OK);
    cr_assert_eq(trace_writer_add(tw, "l.weight", TRACE_F32, 2, ws, w, NULL), AX_OK);
    cr_assert_eq(trace_writer_save(tw, wp, NULL), AX_OK);
    trace_writer_free(tw);
    cr_assert_eq(trace_writer_new(&tw, NULL), AX_OK);
    cr_assert_eq(trace_writer_add(tw, "l.input", TRACE_I32, 2, cs, c, NULL), AX_OK);
    cr_assert_eq(trace_writer_save(tw, tp, NULL), AX_OK);
    trace_writer_free(tw);
}

static void setup(void)
{
    int pid = (int)getpid();
    snprintf(wpath, sizeof wpath, "/tmp/axon_rj_w_%d.safetensors", pid);
    snprintf(tpath, sizeof tpath, "/tmp/axon_rj_t_%d.safetensors", pid);
    snprintf(ipath, sizeof ipath, "/tmp/axon_rj_%d.axi", pid);
    snprintf(rpath, sizeof rpath, "/tmp/axon_rj_r_%d.safetensors", pid);
    srand(11);
    static float w[OUT * IN];
    static int32_t c[TOK * IN];
    for (size_t i = 0; i < OUT * IN; i++)
        w[i] = i % 7 == 0 ? 0.0f : (float)(rand() % 2001 - 1000) / 991.0f;
    for (size_t i = 0; i < TOK * IN; i++)
        c[i] = i % 3 == 0 ? 0 : rand() % 255 - 127;
    write_layer(wpath, tpath, w, c, OUT, IN, TOK);
    /* the image: the same quantization, inputs reversed inside each group */
    map_qweight qw;
    map_tiling t;
    map_layer_place lp;
    map_placer *p;
    uint32_t perm[IN];
    for (size_t k = 0; k < IN; k++)
        perm[k] = (uint32_t)((k / G) * G + G - 1 - k % G);
    cr_assert_eq(map_quantize(w, OUT, IN, G, &qw, NULL), AX_OK);
    cr_assert_eq(map_tiling_make_group(OUT, IN, G, 5, 4, &t, NULL), AX_OK);
    cr_assert_eq(map_placer_new(8, 16, 0, &p, NULL), AX_OK);
    cr_assert_eq(map_placer_add(p, "l", &t, &lp, NULL), AX_OK);
    map_image_writer *iw;
    cr_assert_eq(map_image_writer_new(ipath, 5, 4, 8, 16, &iw, NULL), AX_OK);
    cr_assert_eq(map_image_writer_add(iw, "l", &qw, &t, &lp, perm, NULL), AX_OK);
    cr_assert_eq(map_image_writer_close(iw, NULL), AX_OK);
    map_placer_free(p);
    map_layer_place_free(&lp);
    map_qweight_free(&qw);
}

static void teardown(void)
{
    unlink(wpath), unlink(tpath), unlink(ipath), unlink(rpath);
}

static void job(run_job *j)
{
    run_job_default(j);
    j->trace = tpath;
    j->layer = "l";
    j->cfg.rows = 5;
    j->cfg.cols = 4;
    j->group = G;
}

TestSuite(run_job, .init = setup, .fini = teardown);

Test(run_job, image_permuted_equals_checkpoint)
{
    run_job j;
    run_result a, b, c;
    char *err = NULL;
    job(&j);
    j.weights = wpath;
    cr_assert_eq(run_job_exec(&j, &a, &err), AX_OK, "%s", err ? err : "");
    j.weights = NULL;
    j.image = ipath;
    cr_assert_eq(run_job_exec(&j, &b, &err), AX_OK, "%s", err ? err : "");
    j.weights = wpath; /* checked against the checkpoint */
    cr_assert_eq(run_job_exec(&j, &c, &err), AX_OK, "%s", err ? err : "");
    cr_assert(a.exact && b.exact && c.exact);
    cr_assert_eq(a.permuted, 0);
    cr_assert_eq(b.permuted, 1);
    cr_assert_eq(b.ngroups, IN / G);
    size_t nacc = (size_t)TOK * OUT * (IN / G);
    cr_assert_eq(memcmp(a.acc, b.acc, nacc * sizeof *a.acc), 0);
    cr_assert_eq(memcmp(a.acc, c.acc, nacc * sizeof *a.acc), 0);
    cr_assert_eq(memcmp(a.y, b.y, (size_t)TOK * OUT * sizeof *a.y), 0);
    /* the accumulators are not trivially zero */
    int nz = 0;
    for (size_t i = 0; i < nacc; i++)
        nz += a.acc[i] != 0;
    cr_assert_gt(nz, (int)nacc / 2);
    cr_assert_eq(a.spikes.spikes, b.spikes.spikes);
    cr_assert_neq(a.config_hash, b.config_hash);
    run_result_free(&a), run_result_free(&b), run_result_free(&c);
}

Test(run_job, image_tile_and_group_must_match)
{
    run_job j;
    run_result r;
    char *err = NULL;
    job(&j);
    j.image = ipath;
    j.cfg.rows = 8;
    cr_assert_eq(run_job_exec(&j, &r, &err), AX_EPARAM);
    cr_assert(strstr(err, "5x4") && strstr(err, "8x4"), "%s", err);
    free(err), err = NULL;
    job(&j);
    j.image = ipath;
    j.group = 4;
    cr_assert_eq(run_job_exec(&j, &r, &err), AX_EPARAM);
    cr_assert(strstr(err, "weight group 8"), "%s", err);
    free(err), err = NULL;
    job(&j);
    j.image = ipath;
    j.layer = "m";
    cr_assert_eq(run_job_exec(&j, &r, &err), AX_ENOTFOUND);
    cr_assert(strstr(err, "no layer 'm'"), "%s", err);
    free(err);
}

Test(run_job, reference_exact_and_altered)
{
    run_job j;
    run_result a, b;
    char *err = NULL;
    job(&j);
    j.weights = wpath;
    cr_assert_eq(run_job_exec(&j, &a, &err), AX_OK, "%s", err ? err : "");
    int64_t sa[3] = {TOK, OUT, IN / G}, sy[2] = {TOK, OUT};
    a.acc[7] += 5; /* the reference differs from the run in one accumulator */
    trace_writer *tw;
    cr_assert_eq(trace_writer_new(&tw, NULL), AX_OK);
    cr_assert_eq(trace_writer_add(tw, "l.acc", TRACE_I32, 3, sa, a.acc, NULL), AX_OK);
    cr_assert_eq(trace_writer_add(tw, "l.y", TRACE_F32, 2, sy, a.y, NULL), AX_OK);
    cr_assert_eq(trace_writer_save(tw, rpath, NULL), AX_OK);
    trace_writer_free(tw);
    j.image = ipath; /* from the permuted image, against the checkpoint's reference */
    j.ref = rpath;
    cr_assert_eq(run_job_exec(&j, &b, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(b.has_ref, 1);
    cr_assert_eq(b.ref_acc.n, (size_t)TOK * OUT * (IN / G));
    cr_assert_eq(b.ref_acc.mismatches, 1);
    cr_assert_eq(b.ref_acc.idx[0], 7);
    cr_assert_eq(b.ref_acc.max_abs_diff, 5);
    cr_assert_eq(b.ref_y.max_abs, 0); /* y of the reference is the run's own */
    cr_assert_eq(b.ref_y.cosine, 1);
    run_result_free(&a), run_result_free(&b);
}

/* Threads and --functional are execution options: 1, 2 and 3 threads give
 * the same acc, y, counters of every core, cycles and config hash; the
 * functional run gives the same acc and y and the same hash, no timing. */
Test(run_job, threads_and_functional_change_no_result)
{
    run_job j;
    run_result r[3], f;
    char *err = NULL;
    size_t nacc = (size_t)TOK * OUT * (IN / G);
    for (int n = 0; n < 3; n++) {
        job(&j);
        j.weights = wpath;
        j.threads = n + 1;
        cr_assert_eq(run_job_exec(&j, &r[n], &err), AX_OK, "%s", err ? err : "");
        cr_assert(r[n].exact);
        cr_assert_eq(r[n].sim.timed, 1);
    }
    for (int n = 1; n < 3; n++) {
        cr_assert_eq(memcmp(r[0].acc, r[n].acc, nacc * sizeof *r[0].acc), 0);
        cr_assert_eq(memcmp(r[0].y, r[n].y, (size_t)TOK * OUT * sizeof *r[0].y), 0);
        cr_assert_eq(r[0].sim.duration, r[n].sim.duration);
        cr_assert_eq(memcmp(&r[0].sim.total, &r[n].sim.total, sizeof r[0].sim.total), 0);
        cr_assert_eq(memcmp(r[0].per_core, r[n].per_core, r[0].sim.cores * sizeof *r[0].per_core),
                     0);
        cr_assert_eq(r[0].power.energy_pj, r[n].power.energy_pj);
        cr_assert_eq(r[0].config_hash, r[n].config_hash);
    }
    job(&j);
    j.weights = wpath;
    j.functional = 1;
    j.threads = 2;
    cr_assert_eq(run_job_exec(&j, &f, &err), AX_OK, "%s", err ? err : "");
    cr_assert(f.exact);
    cr_assert_eq(f.sim.timed, 0);
    cr_assert_eq(f.sim.duration, 0);
    cr_assert_eq(memcmp(r[0].acc, f.acc, nacc * sizeof *f.acc), 0);
    cr_assert_eq(memcmp(r[0].y, f.y, (size_t)TOK * OUT * sizeof *f.y), 0);
    cr_assert_eq(r[0].config_hash, f.config_hash);
    j.vcd = "/tmp/never.vcd";
    run_result g;
    cr_assert_eq(run_job_exec(&j, &g, &err), AX_EPARAM);
    free(err);
    for (int n = 0; n < 3; n++)
        run_result_free(&r[n]);
    run_result_free(&f);
}

/* A run whose cache would not keep the reference (run_job_exec: a private
 * cache) compares it 64 tokens at a time: over 150 tokens (two whole blocks
 * and a partial one, 5 weight groups) it counts exactly the accumulators
 * that differ in each block, and a whole run gives the results (exact, acc,
 * y, counters) of a run whose cache keeps the whole reference. */
Test(run_job, reference_compared_in_blocks)
{
    enum { T = 150 };
    static int32_t c[T * IN];
    static float w[OUT * IN];
    unsigned st = 7;
    for (size_t i = 0; i < T * IN; i++) {
        st = st * 1103515245u + 12345u;
        c[i] = (int)((st >> 8) % 31) - 15;
    }
    for (size_t i = 0; i < OUT * IN; i++) {
        st = st * 1103515245u + 12345u;
        w[i] = (float)((int)((st >> 8) % 2001) - 1000) / 700.0f;
    }
    map_qweight qw;
    cr_assert_eq(map_quantize(w, OUT, IN, G, &qw, NULL), AX_OK);
    const size_t per = (size_t)OUT * (IN / G), n = T * per;
    int32_t *ref = malloc(n * sizeof *ref), *acc = malloc(n * sizeof *acc);
    cr_assert_eq(gpu_ref_cpu(c, T, &qw, ref, NULL), AX_OK);
    memcpy(acc, ref, n * sizeof *acc);
    size_t m = 99;
    cr_assert_eq(run_ref_mismatches(c, T, &qw, acc, &m, NULL), AX_OK);
    cr_assert_eq(m, 0);
    acc[0] += 1;            /* block 0 */
    acc[70 * per + 3] -= 2; /* block 1 */
    acc[n - 1] ^= 4;        /* the last, partial block */
    cr_assert_eq(run_ref_mismatches(c, T, &qw, acc, &m, NULL), AX_OK);
    cr_assert_eq(m, 3);
    free(ref), free(acc);
    map_qweight_free(&qw);

    /* whole runs: blockwise (private cache) against the reference kept whole */
    trace_writer *tw;
    int64_t cs[2] = {T, IN};
    cr_assert_eq(trace_writer_new(&tw, NULL), AX_OK);
    cr_assert_eq(trace_writer_add(tw, "l.input", TRACE_I32, 2, cs, c, NULL), AX_OK);
    cr_assert_eq(trace_writer_save(tw, rpath, NULL), AX_OK);
    trace_writer_free(tw);
    run_job j;
    run_result a, b;
    run_cache *cache;
    char *err = NULL;
    job(&j);
    j.weights = wpath;
    j.trace = rpath;
    cr_assert_eq(run_job_exec(&j, &a, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(run_cache_new(RUN_CACHE_DEFAULT_BYTES, &cache, NULL), AX_OK);
    cr_assert_eq(run_job_exec_cached(&j, cache, &b, &err), AX_OK, "%s", err ? err : "");
    run_cache_stats cst;
    run_cache_get_stats(cache, &cst);
    cr_assert_geq(cst.bytes, n * sizeof(int32_t), "the whole reference is kept (%zu bytes)",
                  cst.bytes);
    cr_assert(a.exact && b.exact && a.mismatches == 0 && b.mismatches == 0);
    cr_assert_eq(a.tokens, (size_t)T);
    cr_assert_eq(memcmp(a.acc, b.acc, n * sizeof *a.acc), 0);
    cr_assert_eq(memcmp(a.y, b.y, (size_t)T * OUT * sizeof *a.y), 0);
    cr_assert_eq(a.sim.duration, b.sim.duration);
    cr_assert_eq(memcmp(a.per_core, b.per_core, a.sim.cores * sizeof *a.per_core), 0);
    cr_assert_eq(a.config_hash, b.config_hash);
    run_result_free(&a), run_result_free(&b);
    run_cache_free(cache);
}

/* The checks after a run on its threads: the reference comparison counts
 * chunks of 65 536 accumulators (mismatches placed on both sides of every
 * chunk boundary and in the last, partial chunk), and the accuracy against
 * the recorded output (two sums per thread) equals one plain pass over
 * the elements in order, bit for bit, on 1, 2 and 3 threads: a chunk
 * boundary off by one, or the sums taken in another order, fails. */
Test(run_job, checks_on_threads_equal_one_pass)
{
    enum { T = 100, O = 2100, I = 16, AO = 300, AI = 40 };
    static int32_t c[T * I];
    static float w[O * I], aw[AO * AI], ax[T * AI], ao[T * AO];
    unsigned st = 3;
    for (size_t i = 0; i < T * I; i++) {
        st = st * 1103515245u + 12345u;
        c[i] = (int)((st >> 8) % 31) - 15;
    }
    for (size_t i = 0; i < O * I; i++) {
        st = st * 1103515245u + 12345u;
        w[i] = (float)((int)((st >> 8) % 2001) - 1000) / 700.0f;
    }
    map_qweight qw;
    cr_assert_eq(map_quantize(w, O, I, 0, &qw, NULL), AX_OK);
    const size_t n = (size_t)T * O; /* one group: blocks of 64 tokens = 134 400 accumulators */
    int32_t *acc = malloc(n * sizeof *acc);
    cr_assert_eq(gpu_ref_cpu(c, T, &qw, acc, NULL), AX_OK);
    const size_t at[] = {0, 65535, 65536, 131071, 131072, 134399, 134400, 134401, n - 1};
    for (size_t k = 0; k < sizeof at / sizeof *at; k++)
        acc[at[k]] += 1 + (int32_t)k;
    for (int th = 1; th <= 3; th++) {
        size_t m = 0;
        cr_assert_eq(run_ref_mismatches_par(c, T, &qw, acc, th, &m, NULL), AX_OK);
        cr_assert_eq(m, sizeof at / sizeof *at, "%d threads: %zu mismatches", th, m);
    }
    free(acc);
    map_qweight_free(&qw);

    /* accuracy: a float layer with a recorded output */
    for (size_t i = 0; i < AO * AI; i++) {
        st = st * 1103515245u + 12345u;
        aw[i] = (float)((int)((st >> 8) % 2001) - 1000) / 900.0f;
    }
    for (size_t i = 0; i < T * AI; i++) {
        st = st * 1103515245u + 12345u;
        ax[i] = (float)((int)((st >> 8) % 2001) - 1000) / 300.0f;
    }
    for (size_t i = 0; i < T * AO; i++) {
        st = st * 1103515245u + 12345u;
        ao[i] = (float)((int)((st >> 8) % 20001) - 10000) / 137.0f;
    }
    trace_writer *tw;
    int64_t ws[2] = {AO, AI}, xs[2] = {T, AI}, os[2] = {T, AO};
    cr_assert_eq(trace_writer_new(&tw, NULL), AX_OK);
    cr_assert_eq(trace_writer_add(tw, "a.weight", TRACE_F32, 2, ws, aw, NULL), AX_OK);
    cr_assert_eq(trace_writer_save(tw, wpath, NULL), AX_OK);
    trace_writer_free(tw);
    cr_assert_eq(trace_writer_new(&tw, NULL), AX_OK);
    cr_assert_eq(trace_writer_add(tw, "a.input", TRACE_F32, 2, xs, ax, NULL), AX_OK);
    cr_assert_eq(trace_writer_add(tw, "a.output", TRACE_F32, 2, os, ao, NULL), AX_OK);
    cr_assert_eq(trace_writer_save(tw, rpath, NULL), AX_OK);
    trace_writer_free(tw);
    run_result r[3];
    char *err = NULL;
    for (int th = 1; th <= 3; th++) {
        run_job j;
        run_job_default(&j);
        j.weights = wpath;
        j.trace = rpath;
        j.layer = "a";
        j.cfg.rows = 16;
        j.cfg.cols = 32;
        j.threads = th;
        run_result *p = &r[th - 1];
        cr_assert_eq(run_job_exec(&j, p, &err), AX_OK, "%s", err ? err : "");
        cr_assert(p->exact && p->has_output);
        double dot = 0, yy = 0, rr = 0, ee = 0, mx = 0;
        for (size_t i = 0; i < (size_t)T * AO; i++) {
            double u = p->y[i], b = ao[i], e = u - b;
            dot += u * b;
            yy += u * u;
            rr += b * b;
            ee += e * e;
            mx = fabs(e) > mx ? fabs(e) : mx;
        }
        double cosine = dot / sqrt(yy * rr), rel = sqrt(ee / rr), snr = 10.0 * log10(rr / ee);
        cr_assert(memcmp(&p->cosine, &cosine, sizeof cosine) == 0,
                  "%d threads: cosine %.17g, want %.17g", th, p->cosine, cosine);
        cr_assert(memcmp(&p->rel_error, &rel, sizeof rel) == 0, "%d threads: rel %.17g, want %.17g",
                  th, p->rel_error, rel);
        cr_assert(memcmp(&p->snr_db, &snr, sizeof snr) == 0, "%d threads: snr", th);
        cr_assert_eq(p->max_abs_error, mx);
        if (th > 1) {
            cr_assert_eq(memcmp(p->y, r[0].y, (size_t)T * AO * sizeof *p->y), 0);
            cr_assert_eq(memcmp(&p->spikes, &r[0].spikes, sizeof p->spikes), 0);
            cr_assert_eq(p->config_hash, r[0].config_hash);
        }
    }
    for (int k = 0; k < 3; k++)
        run_result_free(&r[k]);
}

/* `--threads 1` is one thread for the whole run: the quantization of the
 * weights, the image's checks, the CPU reference and the simulator all take
 * the run's count (they used every CPU before). The layer is large enough
 * (8192 x 64 float weights) that every CPU would split the quantization and
 * the reference; with 2 threads the peak is 2, so the count is seen. */
Test(run_job, one_thread_is_one_thread)
{
    enum { BO = 8192, BI = 64, BT = 16 };
    char bw[64], bt[64];
    int pid = (int)getpid();
    snprintf(bw, sizeof bw, "/tmp/axon_rj_bw_%d.safetensors", pid);
    snprintf(bt, sizeof bt, "/tmp/axon_rj_bt_%d.safetensors", pid);
    float *w = malloc(sizeof(float) * BO * BI);
    int32_t *c = malloc(sizeof(int32_t) * BT * BI);
    cr_assert(w && c);
    for (size_t i = 0; i < (size_t)BO * BI; i++)
        w[i] = (float)((int)(i * 2654435761u % 2001) - 1000) / 997.0f;
    for (size_t i = 0; i < (size_t)BT * BI; i++)
        c[i] = (int)(i * 40503u % 255) - 127;
    write_layer(bw, bt, w, c, BO, BI, BT);
    free(w), free(c);
    char *err = NULL;
    run_result r[2];
    for (int n = 0; n < 2; n++) {
        run_job j;
        run_job_default(&j);
        j.weights = bw;
        j.trace = bt;
        j.layer = "l";
        j.threads = n + 1;
        ax_par_peak_take();
        cr_assert_eq(run_job_exec(&j, &r[n], &err), AX_OK, "%s", err ? err : "");
        cr_assert_eq(ax_par_peak_take(), n + 1, "--threads %d ran a loop on other threads", n + 1);
    }
    cr_assert_eq(memcmp(r[0].acc, r[1].acc, (size_t)BT * BO * sizeof *r[0].acc), 0);
    run_result_free(&r[0]);
    run_result_free(&r[1]);
    unlink(bw), unlink(bt);
}
