/* Unit tests of sim/sim_share.c: a sim that uses prepared weights
 * (sim_weights_new, then reused by sims of other tiles and lanes, whose
 * zero-gating counts the weights keep) and a sim that takes the accumulation
 * of an earlier run (sim_sums, for runs that differ only in timing) give the
 * same acc, result code, error text, report and per-core counters as a sim
 * that prepares and accumulates itself — over random shapes, weight groups,
 * sync and async, narrow accumulators that overflow; sums of another tile or
 * accumulator width are refused; a core image's tiles written straight into
 * the prepared form (map_image_load_layer_rows) equal the transposition of
 * the reassembled weights, for tiles narrower than, equal to and not
 * dividing the 128-lane chunk. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <unistd.h>

#include "../sim/sim_int.h" /* sim_weights: the prepared rows, to compare bytes */
#include "sim_testlib.h"

typedef struct {
    ax_result rc;
    char msg[512];
    int32_t *acc;
    size_t nacc;
    sim_report r;
    sim_counters *pc;
    sim_sums *sums;
} outcome;

/* One run; w and u (either may be NULL) are used; take: keep its sums. */
static void run_one(const sim_config *c, const map_qweight *qw, const spike_event *ev, size_t nev,
                    const size_t *ts, size_t tokens, int functional, sim_weights *w,
                    const sim_sums *u, int take, outcome *o)
{
    sim *s = NULL;
    char *err = NULL;
    memset(o, 0, sizeof *o);
    cr_assert_eq(sim_new(c, qw, ev, nev, ts, tokens, &s, &err), AX_OK, "%s", err);
    sim_exec x = {.threads = 2, .simd = SIM_SIMD_AUTO};
    sim_set_exec(s, &x);
    if (w)
        cr_assert_eq(sim_use_weights(s, w, NULL), AX_OK);
    if (u)
        cr_assert_eq(sim_use_sums(s, u, NULL), AX_OK);
    o->rc = functional ? sim_run_functional(s, &err) : sim_run(s, &err);
    if (o->rc)
        snprintf(o->msg, sizeof o->msg, "%s", err);
    free(err);
    if (take)
        cr_assert_eq(sim_sums_take(s, &o->sums, NULL), AX_OK);
    o->nacc = tokens * qw->out * qw->ngroups;
    tl_take_outputs(s, o->nacc, &o->acc, &o->r, &o->pc);
    sim_free(s);
}

static void outcome_free(outcome *o)
{
    free(o->acc);
    free(o->pc);
    sim_sums_free(o->sums);
}

static void same(const outcome *a, const outcome *b, const char *what)
{
    cr_assert_eq(a->rc, b->rc, "%s: rc %d vs %d (%s | %s)", what, a->rc, b->rc, a->msg, b->msg);
    cr_assert_str_eq(a->msg, b->msg, "%s: error text", what);
    cr_assert_eq(memcmp(a->acc, b->acc, a->nacc * sizeof *a->acc), 0, "%s: acc", what);
    cr_assert_eq(a->r.duration, b->r.duration, "%s: duration", what);
    cr_assert_eq(a->r.latency_ns_per_token, b->r.latency_ns_per_token, "%s: latency", what);
    cr_assert_eq(a->r.timed, b->r.timed, "%s", what);
    cr_assert_eq(memcmp(&a->r.total, &b->r.total, sizeof a->r.total), 0, "%s: total counters",
                 what);
    cr_assert_eq(a->r.cores, b->r.cores);
    for (size_t k = 0; k < a->r.cores; k++)
        cr_assert_eq(memcmp(&a->pc[k], &b->pc[k], sizeof a->pc[k]), 0, "%s: counters of core %zu",
                     what, k);
}

static void random_case(uint64_t seed, spike_coding cod, int narrow)
{
    uint64_t st = seed;
    size_t in = 1 + tl_rand(&st) % 300, out = 1 + tl_rand(&st) % 300,
           tokens = 1 + tl_rand(&st) % 30;
    size_t group = tl_rand(&st) % 3 == 0 ? 0 : 1 + tl_rand(&st) % in;
    sim_config c[3];
    sim_config_default(&c[0]);
    c[0].rows = 1 + (int)(tl_rand(&st) % 60);
    c[0].cols = 1 + (int)(tl_rand(&st) % 150);
    c[0].lanes = 1 + (int)(tl_rand(&st) % 17);
    c[0].zero_gating = (int)(tl_rand(&st) % 4 != 0);
    if (narrow)
        c[0].acc_bits = 8 + (int)(tl_rand(&st) % 10);
    /* c[1]: another timing (the sums apply); c[2]: another tile and lanes */
    c[1] = c[0];
    c[1].clock_mhz = 250;
    c[1].timing = seed % 2 ? SIM_ASYNC : SIM_SYNC;
    c[1].fifo_depth = 1 + (int)(tl_rand(&st) % 5);
    c[1].hop_cycles = 2;
    c[2] = c[0];
    c[2].rows = 1 + (int)(tl_rand(&st) % 60);
    c[2].cols = seed % 3 == 0 ? 128 : seed % 3 == 1 ? 64 : 1 + (int)(tl_rand(&st) % 150);
    c[2].lanes = 1 + (int)(tl_rand(&st) % 17);
    int T = cod == SPIKE_BINARY || cod == SPIKE_TERNARY ? 1 + (int)(tl_rand(&st) % 6)
                                                        : 2 + (int)(tl_rand(&st) % 7);
    map_qweight qw;
    tl_qweight(&qw, out, in, group, (int)(tl_rand(&st) % 60), &st);
    int32_t *counts = malloc(tokens * in * sizeof *counts);
    tl_counts(counts, tokens * in, cod, T, (int)(tl_rand(&st) % 90), &st);
    size_t *ts = malloc((tokens + 1) * sizeof *ts), nev;
    spike_event *ev = tl_events(cod, counts, tokens, in, T, &nev, ts);
    char tag[128];
    sim_weights *w;
    cr_assert_eq(sim_weights_new(&qw, 2, &w, NULL), AX_OK);
    outcome own[3], shw[3], shs[3];
    for (int k = 0; k < 3; k++) {
        snprintf(tag, sizeof tag, "seed %llu coding %d%s config %d", (unsigned long long)seed,
                 (int)cod, narrow ? " narrow" : "", k);
        run_one(&c[k], &qw, ev, nev, ts, tokens, 0, NULL, NULL, 0, &own[k]);
        /* the same prepared weights for every config, in turn */
        run_one(&c[k], &qw, ev, nev, ts, tokens, 0, w, NULL, k == 0, &shw[k]);
        same(&own[k], &shw[k], tag);
    }
    /* configs 0 and 1 share a tile: counts kept once for it, once for config 2's */
    size_t tiles = 1 + (c[2].cols != c[0].cols || c[2].lanes != c[0].lanes);
    /* (with zero gating or without: lane_adds_nonzero needs them either way) */
    cr_assert_eq(w->ncnt, tiles, "counts kept for %zu tiles", w->ncnt);
    /* again, the counts now taken from w */
    outcome again;
    run_one(&c[2], &qw, ev, nev, ts, tokens, 0, w, NULL, 0, &again);
    same(&own[2], &again, "counts from the prepared weights");
    outcome_free(&again);
    /* the other zero gating on config 0's tile: its own lane term toggles
     * (kept per gating beside the counts), computed, then taken from w */
    sim_config cz = c[0];
    cz.zero_gating = !c[0].zero_gating;
    outcome oz, sz;
    run_one(&cz, &qw, ev, nev, ts, tokens, 0, NULL, NULL, 0, &oz);
    for (int k = 0; k < 2; k++) {
        run_one(&cz, &qw, ev, nev, ts, tokens, 0, w, NULL, 0, &sz);
        same(&oz, &sz, "the other zero gating on the prepared weights");
        outcome_free(&sz);
    }
    outcome_free(&oz);
    /* the sums of config 0 for configs that differ only in timing */
    for (int k = 0; k < 2; k++) {
        snprintf(tag, sizeof tag, "seed %llu coding %d%s sums for config %d",
                 (unsigned long long)seed, (int)cod, narrow ? " narrow" : "", k);
        run_one(&c[k], &qw, ev, nev, ts, tokens, 0, w, shw[0].sums, 0, &shs[k]);
        same(&own[k], &shs[k], tag);
        outcome_free(&shs[k]);
        outcome f0, f1;
        run_one(&c[k], &qw, ev, nev, ts, tokens, 1, NULL, NULL, 0, &f0);
        run_one(&c[k], &qw, ev, nev, ts, tokens, 1, NULL, shw[0].sums, 0, &f1);
        same(&f0, &f1, tag);
        outcome_free(&f0);
        outcome_free(&f1);
    }
    /* another tile or accumulator width: only where no sum can overflow on
     * either (then the result is the tile's own), refused otherwise */
    const uint64_t bound = sim_events_bound(ev, nev, ts, tokens);
    sim *s;
    char *err = NULL;
    sim_config other = c[2];
    other.rows = c[2].rows == c[0].rows ? c[0].rows + 1 : c[2].rows;
    const int fits = sim_bound_fits(bound, c[0].acc_bits);
    cr_assert_eq(sim_new(&other, &qw, ev, nev, ts, tokens, &s, NULL), AX_OK);
    cr_assert_eq(sim_use_sums(s, shw[0].sums, &err), fits ? AX_OK : AX_ESHAPE, "bound %llu, A %d",
                 (unsigned long long)bound, c[0].acc_bits);
    cr_assert(fits || strstr(err, "tile"), "%s", err);
    free(err);
    sim_free(s);
    if (fits) {
        outcome o1, o2;
        run_one(&other, &qw, ev, nev, ts, tokens, 0, NULL, NULL, 0, &o1);
        run_one(&other, &qw, ev, nev, ts, tokens, 0, w, shw[0].sums, 0, &o2);
        same(&o1, &o2, "sums of another tile");
        cr_assert_eq(o1.rc, AX_OK);
        outcome_free(&o1);
        outcome_free(&o2);
    }
    other = c[0];
    other.acc_bits = c[0].acc_bits == 32 ? 31 : 32;
    cr_assert_eq(sim_new(&other, &qw, ev, nev, ts, tokens, &s, NULL), AX_OK);
    cr_assert_eq(sim_use_sums(s, shw[0].sums, NULL),
                 fits && sim_bound_fits(bound, other.acc_bits) ? AX_OK : AX_ESHAPE);
    sim_free(s);
    for (int k = 0; k < 3; k++) {
        outcome_free(&own[k]);
        outcome_free(&shw[k]);
    }
    sim_weights_free(w);
    free(ev);
    free(ts);
    free(counts);
    map_qweight_free(&qw);
}

Test(sim_share, prepared_weights_and_sums_equal_own)
{
    for (uint64_t seed = 1; seed <= 6; seed++)
        for (int cod = SPIKE_BINARY; cod <= SPIKE_BITWISE_2C; cod += 2)
            random_case(seed * 6151 + (uint64_t)cod, (spike_coding)cod, 0);
}

/* A = 8..17 bits: the overflow verdict (code and text) travels with the sums. */
Test(sim_share, narrow_accumulators_overflow_alike)
{
    for (uint64_t seed = 1; seed <= 6; seed++)
        random_case(seed * 977, SPIKE_BITWISE_SIGNED, 1);
}

Test(sim_share, weights_of_another_shape_refused)
{
    uint64_t st = 3;
    map_qweight a, b;
    tl_qweight(&a, 20, 30, 0, 10, &st);
    tl_qweight(&b, 21, 30, 0, 10, &st);
    sim_weights *w;
    cr_assert_eq(sim_weights_new(&a, 1, &w, NULL), AX_OK);
    sim_config c;
    sim_config_default(&c);
    size_t ts[2] = {0, 0};
    sim *s;
    char *err = NULL;
    cr_assert_eq(sim_new(&c, &b, NULL, 0, ts, 1, &s, NULL), AX_OK);
    cr_assert_eq(sim_use_weights(s, w, &err), AX_ESHAPE);
    cr_assert(strstr(err, "[20, 30]") && strstr(err, "[21, 30]"), "%s", err);
    free(err);
    sim_free(s);
    sim_weights_free(w);
    map_qweight_free(&a);
    map_qweight_free(&b);
}

/* Tiles of R x C written into the 128-lane chunks by the image loader equal
 * sim_weights_new of the reassembled (core order) weights, byte for byte
 * (the padding lanes included), for C = 64, 128, 96 and 200, grouped and
 * permuted layers. */
Test(sim_share, image_rows_equal_transposed_weights)
{
    static const int tiles[][2] = {{64, 64}, {128, 128}, {40, 96}, {7, 200}};
    for (int ti = 0; ti < 4; ti++) {
        const int R = tiles[ti][0], C = tiles[ti][1];
        static const size_t out[2] = {300, 131}, in[2] = {70, 48}, group[2] = {0, 16};
        uint64_t st = 11 + (uint64_t)ti;
        map_qweight qw[2];
        map_tiling t[2];
        map_layer_place lp[2];
        uint32_t perm[48];
        map_placer *p;
        cr_assert_eq(map_placer_new(64, 64, 0, &p, NULL), AX_OK);
        for (int l = 0; l < 2; l++) {
            tl_qweight(&qw[l], out[l], in[l], group[l], 30, &st);
            cr_assert_eq(map_tiling_make_group(out[l], in[l], group[l], R, C, &t[l], NULL), AX_OK);
            cr_assert_eq(map_placer_add(p, l ? "b" : "a", &t[l], &lp[l], NULL), AX_OK);
        }
        map_placer_free(p);
        for (size_t k = 0; k < 48; k++)
            perm[k] = (uint32_t)((k / 16) * 16 + 15 - k % 16);
        char path[64];
        snprintf(path, sizeof path, "/tmp/axon_test_share_%d.axi", (int)getpid());
        map_image_writer *wr;
        cr_assert_eq(map_image_writer_new(path, R, C, 64, 64, &wr, NULL), AX_OK);
        cr_assert_eq(map_image_writer_add(wr, "a", &qw[0], &t[0], &lp[0], NULL, NULL), AX_OK);
        cr_assert_eq(map_image_writer_add(wr, "b", &qw[1], &t[1], &lp[1], perm, NULL), AX_OK);
        cr_assert_eq(map_image_writer_close(wr, NULL), AX_OK);
        map_image *img;
        cr_assert_eq(map_image_open(path, &img, NULL), AX_OK);
        for (size_t l = 0; l < 2; l++) {
            map_qweight q0, q1;
            uint32_t *p0 = NULL, *p1 = NULL;
            sim_weights *wa, *wb;
            int8_t *rows;
            cr_assert_eq(map_image_load_layer(img, l, 0, &q0, &p0, NULL), AX_OK);
            cr_assert_eq(sim_weights_alloc(out[l], in[l], &wb, &rows, NULL), AX_OK);
            memset(rows, 0x5a, wb->nch * SIM_WEIGHT_LANES * in[l]); /* no byte left unwritten */
            cr_assert_eq(map_image_load_layer_rows(img, l, &q1, &p1, rows, SIM_WEIGHT_LANES, NULL),
                         AX_OK);
            cr_assert_eq(memcmp(q0.q, q1.q, out[l] * in[l]), 0, "tile %dx%d layer %zu: q", R, C, l);
            cr_assert_eq((p0 == NULL), (p1 == NULL));
            cr_assert_eq(sim_weights_new(&q0, 2, &wa, NULL), AX_OK);
            cr_assert_eq(memcmp(wa->wk, wb->wk, wa->nch * SIM_WEIGHT_LANES * in[l]), 0,
                         "tile %dx%d layer %zu: prepared rows differ", R, C, l);
            sim_weights_free(wa);
            sim_weights_free(wb);
            map_qweight_free(&q0);
            map_qweight_free(&q1);
            free(p0);
            free(p1);
        }
        map_image_free(img);
        unlink(path);
        for (int l = 0; l < 2; l++) {
            map_qweight_free(&qw[l]);
            map_layer_place_free(&lp[l]);
        }
    }
}

/* sim_events_bound: 128 · Σ 2^shift of the heaviest token; sim_bound_fits
 * at the edge of A bits and of int32. */
Test(sim_share, events_bound_and_fit)
{
    spike_event ev[5] = {{.token = 0, .shift = 3},
                         {.token = 0, .shift = 0, .neg = 1},
                         {.token = 1, .shift = 5},
                         {.token = 1, .shift = 5},
                         {.token = 2, .shift = 0}};
    size_t ts[4] = {0, 2, 4, 5};
    cr_assert_eq(sim_events_bound(ev, 5, ts, 3), 128u * 64, "token 1: 128 * (32 + 32)");
    cr_assert_eq(sim_events_bound(ev, 2, ts, 1), 128u * 9);
    cr_assert(sim_bound_fits(8191, 14) && !sim_bound_fits(8192, 14));
    cr_assert(sim_bound_fits(INT32_MAX, 32) && !sim_bound_fits((uint64_t)INT32_MAX + 1, 40));
    cr_assert(!sim_bound_fits(0, 1) && !sim_bound_fits(0, 65));
}

/* sim_timed: a run's outcome reported at another clock equals the run at
 * that clock (every field of the report, every core's counters), for sync
 * (cycles) and async (ps, no clock) cores, with DRAM streaming too. */
Test(sim_share, timed_report_at_another_clock_equals_that_run)
{
    for (uint64_t seed = 1; seed <= 6; seed++) {
        uint64_t st = seed * 131;
        size_t in = 1 + tl_rand(&st) % 200, out = 1 + tl_rand(&st) % 200,
               tokens = 1 + tl_rand(&st) % 20;
        map_qweight qw;
        tl_qweight(&qw, out, in, 0, 30, &st);
        int32_t *counts = malloc(tokens * in * sizeof *counts);
        tl_counts(counts, tokens * in, SPIKE_BITWISE_SIGNED, 4, 50, &st);
        size_t *ts = malloc((tokens + 1) * sizeof *ts), nev;
        spike_event *ev = tl_events(SPIKE_BITWISE_SIGNED, counts, tokens, in, 4, &nev, ts);
        sim_config a, b;
        sim_config_default(&a);
        a.rows = 1 + (int)(tl_rand(&st) % 60);
        a.cols = 1 + (int)(tl_rand(&st) % 100);
        a.timing = seed % 3 == 0 ? SIM_ASYNC : SIM_SYNC;
        a.dram = seed % 2;
        a.clock_mhz = 500;
        b = a;
        b.clock_mhz = 333.3;
        sim *s;
        sim_timed *t = NULL;
        cr_assert_eq(sim_new(&a, &qw, ev, nev, ts, tokens, &s, NULL), AX_OK);
        cr_assert_eq(sim_run(s, NULL), AX_OK);
        cr_assert_eq(sim_timed_take(s, &t, NULL), AX_OK);
        sim_free(s);
        outcome ob;
        run_one(&b, &qw, ev, nev, ts, tokens, 0, NULL, NULL, 0, &ob);
        sim_report r;
        sim_timed_report(t, b.clock_mhz, &r);
        sim_report want = ob.r;
        want.per_core = r.per_core = NULL;
        cr_assert_eq(memcmp(&r, &want, sizeof r), 0, "seed %llu: report at %g MHz",
                     (unsigned long long)seed, b.clock_mhz);
        sim_timed_report(t, b.clock_mhz, &r);
        for (size_t k = 0; k < ob.r.cores; k++)
            cr_assert_eq(memcmp(&r.per_core[k], &ob.pc[k], sizeof ob.pc[k]), 0, "core %zu", k);
        if (a.timing == SIM_SYNC && r.duration > 0) { /* the clock is applied */
            sim_report r2;
            sim_timed_report(t, a.clock_mhz, &r2);
            cr_assert_neq(r.duration_ns, r2.duration_ns);
        }
        outcome_free(&ob);
        sim_timed_free(t);
        free(ev);
        free(ts);
        free(counts);
        map_qweight_free(&qw);
    }
    sim_timed_free(NULL);
}

/* sim_new_ex splits the event stream into row-blocks on its threads, by
 * blocks of 8 tokens (37 tokens: the last block partial; groups and R
 * make several row-blocks per group; with and without row reuse): every
 * row-block's item stream, the per-axon event, shift and row-read counts
 * are the same for 1, 2 and 3 threads, and so are acc and the report of the
 * run. An invalid event is reported as the first one in stream order (an
 * axon out of range at token 20 before a bad shift at token 30) for every
 * thread count. A block written at another block's offsets, a worker's
 * counters left out of the sum, or the first error taken from whichever
 * block finished first fails. */
Test(sim_share, split_on_threads_is_the_same_sim)
{
    const size_t tokens = 37, in = 45, out = 21;
    uint64_t st = 91;
    map_qweight qw;
    tl_qweight(&qw, out, in, 15, 30, &st);
    int32_t *cnt = malloc(tokens * in * sizeof *cnt);
    for (size_t i = 0; i < tokens * in; i++)
        cnt[i] = tl_rand(&st) % 3 ? 0 : (int32_t)(tl_rand(&st) % 15) - 7;
    size_t nev, ts[38];
    spike_event *ev = tl_events(SPIKE_BITWISE_SIGNED, cnt, tokens, in, 3, &nev, ts);
    for (int reuse = 0; reuse < 2; reuse++) {
        sim_config c;
        tl_small_cfg(&c);
        c.acc_bits = 24; /* no overflow: the runs compare their sums */
        c.row_reuse = reuse;
        c.batch_tokens = reuse ? 4 : 1;
        sim *sv[3];
        for (int th = 1; th <= 3; th++) { /* all built first: their streams compared, then run */
            sim_exec ex;
            sim_exec_default(&ex);
            ex.threads = th;
            char *err = NULL;
            cr_assert_eq(sim_new_ex(&c, &qw, ev, nev, ts, tokens, &ex, &sv[th - 1], &err), AX_OK,
                         "%s", err ? err : "");
        }
        const sim *s1 = sv[0];
        cr_assert_gt(s1->nrb, 3);
        for (int th = 2; th <= 3; th++) {
            const sim *s = sv[th - 1];
            for (size_t rb = 0; rb < s->nrb; rb++) {
                cr_assert_eq(s->nitems[rb], s1->nitems[rb], "%d threads, row-block %zu", th, rb);
                size_t k = 0;
                while (k < s->nitems[rb] && s->items[rb][k] == s1->items[rb][k])
                    k++;
                cr_assert_eq(k, s->nitems[rb],
                             "reuse %d, %d threads: row-block %zu differs at item %zu of %zu",
                             reuse, th, rb, k, s->nitems[rb]);
                if (reuse)
                    cr_assert_eq(memcmp(s->rrow[rb], s1->rrow[rb], s->nitems[rb]), 0);
            }
            cr_assert_eq(memcmp(s->ecnt, s1->ecnt, in * sizeof *s->ecnt), 0, "%d threads", th);
            cr_assert_eq(memcmp(s->scnt, s1->scnt, in * sizeof *s->scnt), 0, "%d threads", th);
            cr_assert_eq(memcmp(s->rcnt, s1->rcnt, in * sizeof *s->rcnt), 0, "%d threads", th);
        }
        sim_report r1;
        int32_t *acc1 = NULL;
        for (int th = 1; th <= 3; th++) {
            char *err = NULL;
            sim_report r;
            cr_assert_eq(sim_run(sv[th - 1], &err), AX_OK, "%s", err ? err : "");
            sim_get_report(sv[th - 1], &r);
            int32_t *acc = sim_acc_take(sv[th - 1]);
            if (th == 1) {
                r1 = r;
                acc1 = acc;
                continue;
            }
            cr_assert_eq(r.duration, r1.duration);
            cr_assert_eq(memcmp(&r.total, &r1.total, sizeof r.total), 0);
            cr_assert_eq(memcmp(acc, acc1, tokens * out * qw.ngroups * sizeof *acc), 0);
            free(acc);
        }
        free(acc1);
        for (int k = 0; k < 3; k++)
            sim_free(sv[k]);
    }
    /* the first invalid event in stream order, whichever block finds one first */
    size_t e20 = ts[20], e30 = ts[30];
    cr_assert(e20 < ts[21] && e30 < ts[31], "tokens 20 and 30 have events");
    ev[e30].shift = 200;
    char *want = NULL;
    for (int th = 1; th <= 3; th++) {
        sim_config c;
        tl_small_cfg(&c);
        sim_exec ex;
        sim_exec_default(&ex);
        ex.threads = th;
        sim *s = NULL;
        char *err = NULL;
        for (int k = 0; k < 2; k++) {
            uint32_t keep = ev[e20].axon;
            if (k)
                ev[e20].axon = (uint32_t)in + 3;
            ax_result rc = sim_new_ex(&c, &qw, ev, nev, ts, tokens, &ex, &s, &err);
            ev[e20].axon = keep;
            cr_assert_neq(rc, AX_OK);
            cr_assert_null(s);
            cr_assert_not_null(strstr(err, k ? "axon" : "shift"), "%d threads: %s", th, err);
            if (th == 1 && k)
                want = err;
            else if (k)
                cr_assert_str_eq(err, want, "%d threads", th);
            if (!(th == 1 && k))
                free(err);
            err = NULL;
        }
    }
    free(want);
    free(ev);
    free(cnt);
    map_qweight_free(&qw);
}
