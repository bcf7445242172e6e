/* Unit tests of run/run_cache.c and of the header checks of run_job.c:
 * points that share weights, counts, events or the reference get them from
 * the cache, and every result (acc, y, counters per core, the priced
 * report, spike statistics, accuracy, config hash) is identical with and
 * without the cache, whatever order the points come in; a trace whose
 * in-features do not match the weight is reported from the headers before
 * the weight is loaded (a NaN weight never gets read). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../run/run.h"
#include "../traces/trace.h"

#define OUT 24
#define IN 64
#define TOK 5

static char wpath[64], tpath[64], bpath[64];

static void setup(void)
{
    int pid = (int)getpid();
    snprintf(wpath, sizeof wpath, "/tmp/axon_rc_w_%d.safetensors", pid);
    snprintf(tpath, sizeof tpath, "/tmp/axon_rc_t_%d.safetensors", pid);
    snprintf(bpath, sizeof bpath, "/tmp/axon_rc_b_%d.safetensors", pid);
    static float w[OUT * IN], x[TOK * IN], y[TOK * OUT], bad[OUT * IN], x2[TOK * (IN + 1)];
    unsigned s = 5;
    for (size_t i = 0; i < OUT * IN; i++) {
        s = s * 1103515245u + 12345u;
        w[i] = (float)((int)((s >> 8) % 2001) - 1000) / 700.0f;
        bad[i] = w[i];
    }
    bad[3] = NAN;
    for (size_t i = 0; i < TOK * IN; i++) {
        s = s * 1103515245u + 12345u;
        x[i] = (float)((int)((s >> 8) % 2001) - 1000) / 300.0f;
    }
    for (size_t t = 0; t < TOK; t++)
        for (size_t j = 0; j < OUT; j++) {
            double a = 0;
            for (size_t i = 0; i < IN; i++)
                a += (double)x[t * IN + i] * w[j * IN + i];
            y[t * OUT + j] = (float)a;
        }
    trace_writer *tw;
    int64_t ws[2] = {OUT, IN}, xs[2] = {TOK, IN}, ys[2] = {TOK, OUT}, x2s[2] = {TOK, IN + 1};
    cr_assert_eq(trace_writer_new(&tw, NULL), AX_OK);
    cr_assert_eq(trace_writer_add(tw, "l.weight", TRACE_F32, 2, ws, w, NULL), AX_OK);
    cr_assert_eq(trace_writer_add(tw, "nan.weight", TRACE_F32, 2, ws, bad, NULL), AX_OK);
    cr_assert_eq(trace_writer_save(tw, wpath, NULL), AX_OK);
    trace_writer_free(tw);
    cr_assert_eq(trace_writer_new(&tw, NULL), AX_OK);
    cr_assert_eq(trace_writer_add(tw, "l.input", TRACE_F32, 2, xs, x, NULL), AX_OK);
    cr_assert_eq(trace_writer_add(tw, "l.output", TRACE_F32, 2, ys, y, NULL), AX_OK);
    cr_assert_eq(trace_writer_add(tw, "nan.input", TRACE_F32, 2, x2s, x2, NULL), AX_OK);
    cr_assert_eq(trace_writer_save(tw, tpath, NULL), AX_OK);
    trace_writer_free(tw);
}

static void teardown(void)
{
    unlink(wpath), unlink(tpath), unlink(bpath);
}

TestSuite(run_cache, .init = setup, .fini = teardown);

/* Point k of a small sweep: clock x tile x coding x k. */
static void point(run_job *j, int k)
{
    static const double clocks[] = {250, 1000};
    static const int tiles[] = {16, 32};
    static const spike_coding codings[] = {SPIKE_TERNARY, SPIKE_BITWISE_SIGNED};
    static const float ks[] = {2.0f, 3.0f};
    run_job_default(j);
    j->weights = wpath;
    j->trace = tpath;
    j->layer = "l";
    j->cfg.clock_mhz = clocks[k & 1];
    j->cfg.rows = j->cfg.cols = tiles[(k >> 1) & 1];
    j->coding = codings[(k >> 2) & 1];
    j->sp.k = ks[(k >> 3) & 1];
}

static void same(const run_result *a, const run_result *b, int k)
{
    size_t nacc = a->tokens * a->out * a->ngroups;
    cr_assert(a->tokens == b->tokens && a->out == b->out && a->ngroups == b->ngroups, "point %d",
              k);
    cr_assert_eq(memcmp(a->acc, b->acc, nacc * sizeof *a->acc), 0, "point %d: acc", k);
    cr_assert_eq(memcmp(a->y, b->y, a->tokens * a->out * sizeof *a->y), 0, "point %d: y", k);
    cr_assert_eq(a->sim.cores, b->sim.cores);
    cr_assert_eq(memcmp(a->per_core, b->per_core, a->sim.cores * sizeof *a->per_core), 0,
                 "point %d: per-core counters", k);
    cr_assert_eq(memcmp(&a->sim.total, &b->sim.total, sizeof a->sim.total), 0, "point %d: counters",
                 k);
    cr_assert(a->sim.duration == b->sim.duration, "point %d: duration", k);
    cr_assert(a->sim.duration_ns == b->sim.duration_ns &&
                  a->sim.latency_ns_per_token == b->sim.latency_ns_per_token &&
                  a->sim.interval_ns == b->sim.interval_ns &&
                  a->sim.tokens_per_s == b->sim.tokens_per_s,
              "point %d: times in ns", k);
    cr_assert(a->mismatches == b->mismatches && a->exact == b->exact &&
                  a->has_output == b->has_output && a->cosine == b->cosine &&
                  a->rel_error == b->rel_error && a->snr_db == b->snr_db,
              "point %d: accuracy", k);
    cr_assert(a->power.energy_pj == b->power.energy_pj && a->power.area_um2 == b->power.area_um2,
              "point %d: power", k);
    cr_assert(a->power.base_energy_pj == b->power.base_energy_pj &&
                  a->power.base_compute_pj == b->power.base_compute_pj &&
                  a->power.energy_reduction_pct == b->power.energy_reduction_pct,
              "point %d: the baseline (its activation statistics)", k);
    cr_assert_eq(memcmp(&a->spikes, &b->spikes, sizeof a->spikes), 0, "point %d: spike stats", k);
    cr_assert(a->exact && b->exact && a->mismatches == b->mismatches, "point %d: exact", k);
    cr_assert(a->has_output && b->has_output && a->cosine == b->cosine && a->snr_db == b->snr_db &&
                  a->rel_error == b->rel_error && a->max_abs_error == b->max_abs_error,
              "point %d: accuracy", k);
    cr_assert_eq(a->config_hash, b->config_hash, "point %d: config hash", k);
}

Test(run_cache, shared_results_equal_unshared)
{
    run_cache *c;
    cr_assert_eq(run_cache_new(RUN_CACHE_DEFAULT_BYTES, &c, NULL), AX_OK);
    /* in an order where equal keys are not adjacent, twice */
    int order[] = {0, 9, 3, 12, 5, 15, 6, 10, 1, 14, 7, 8, 2, 11, 4, 13};
    for (int pass = 0; pass < 2; pass++)
        for (size_t n = 0; n < 16; n++) {
            run_job j;
            run_result a, b;
            char *err = NULL;
            point(&j, order[n]);
            cr_assert_eq(run_job_exec(&j, &a, &err), AX_OK, "%s", err ? err : "");
            cr_assert_eq(run_job_exec_cached(&j, c, &b, &err), AX_OK, "%s", err ? err : "");
            same(&a, &b, order[n]);
            run_result_free(&a);
            run_result_free(&b);
        }
    run_cache_stats st;
    run_cache_get_stats(c, &st);
    /* 32 points x 7 lookups (weights, counts, events, sums, reference, the
     * baselines' activation statistics, files) and one more per statistics
     * computed (the calibrated baseline's nonzero weights per column):
     * misses = 1 weight + 2 counts (k) + 4 event sets (k x coding) + 32 sums
     * (only run_job_prepare computes them: a run keeps none) + 2 references
     * (k) + 4 statistics (k x tile rows) + 1 column count (the weights') + 1
     * set of files */
    cr_assert_eq(st.misses, 47, "misses %llu", (unsigned long long)st.misses);
    cr_assert_eq(st.hits, 32 * 7 + 4 - 47, "hits %llu", (unsigned long long)st.hits);
    cr_assert_eq(st.evictions, 0);
    run_cache_free(c);
}

Test(run_cache, small_budget_evicts_and_stays_exact)
{
    run_cache *c;
    cr_assert_eq(run_cache_new(1, &c, NULL), AX_OK); /* keeps nothing beyond a run */
    for (int k = 0; k < 16; k += 5) {
        run_job j;
        run_result a, b;
        point(&j, k);
        cr_assert_eq(run_job_exec(&j, &a, NULL), AX_OK);
        cr_assert_eq(run_job_exec_cached(&j, c, &b, NULL), AX_OK);
        same(&a, &b, k);
        run_result_free(&a);
        run_result_free(&b);
    }
    run_cache_stats st;
    run_cache_get_stats(c, &st);
    cr_assert_gt(st.evictions, 0);
    cr_assert_eq(st.bytes, 0, "%zu bytes kept", st.bytes);
    run_cache_free(c);
}

Test(run_cache, shape_mismatch_from_the_headers)
{
    run_job j;
    run_result r;
    char *err = NULL;
    point(&j, 0);
    j.layer = "nan"; /* a NaN weight and a trace with in = 65: the shapes fail first */
    cr_assert_eq(run_job_exec(&j, &r, &err), AX_ESHAPE);
    cr_assert(strstr(err, "65 features") && strstr(err, "in = 64"), "%s", err);
    free(err);
}

/* run_job_prepare fills the cache with every shared part, so the runs that
 * follow (a sweep's workers, after the fork) compute none of them again,
 * and their results equal unshared runs. */
Test(run_cache, prepare_then_run)
{
    run_cache *c;
    cr_assert_eq(run_cache_new(RUN_CACHE_DEFAULT_BYTES, &c, NULL), AX_OK);
    for (int k = 0; k < 16; k++) {
        run_job j;
        point(&j, k);
        cr_assert_eq(run_job_prepare(&j, c, NULL), AX_OK);
    }
    run_cache_stats st;
    run_cache_get_stats(c, &st);
    uint64_t misses = st.misses;
    /* weights 1 + counts 2 + events 4 + sums 4 (no sum can overflow: one
     * accumulation for both tiles) + reference 2 + y and its checks 4 (one
     * per accumulation, in the parent) + timing 8 (one for both clocks) +
     * the baselines' activation statistics 4 (k x tile rows) + the nonzero
     * weights per column 1 + the files' checksums 1 */
    cr_assert_eq(misses, 31, "prepare: %llu misses", (unsigned long long)misses);
    for (int k = 15; k >= 0; k--) {
        run_job j;
        run_result a, b, c2;
        point(&j, k);
        cr_assert_eq(run_job_exec(&j, &a, NULL), AX_OK);
        cr_assert_eq(run_job_exec_cached(&j, c, &b, NULL), AX_OK);
        same(&a, &b, k);
        /* a sweep's point reads no tensors: shared, they are not copied,
         * and every other field is the same */
        j.no_tensors = 1;
        cr_assert_eq(run_job_exec_cached(&j, c, &c2, NULL), AX_OK);
        cr_assert(!c2.acc && !c2.y, "point %d: acc and y copied for a point without tensors", k);
        c2.acc = b.acc, c2.y = b.y;
        same(&b, &c2, k);
        c2.acc = NULL, c2.y = NULL;
        run_result_free(&a);
        run_result_free(&b);
        run_result_free(&c2);
    }
    run_cache_get_stats(c, &st);
    cr_assert_eq(st.misses, misses, "runs after prepare: %llu misses (none expected)",
                 (unsigned long long)(st.misses - misses));
    run_cache_free(c);
}
