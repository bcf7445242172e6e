/* Unit tests of the fast path's execution options (sim/sim_simd.c,
 * sim_par.c, sim_arith.c, the timing of sim_noc.c): every SIMD path this
 * CPU has and 1, 2 and 3 threads give the same acc, the same report (cycles,
 * latencies, every counter of every core) and the same result code and error
 * text as the stepped simulation, over random shapes, every coding, sync,
 * async and DRAM, weight groups, narrow accumulators that overflow (the
 * exact path) and counts whose reduced sums leave int32; sim_run_functional
 * gives the cycle-accurate acc and errors; the multicast shortcut of the
 * timing is checked against the stepped run with link contention; AXON_SIMD
 * parsing and refusal. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "../sim/sim_int.h" /* sim.sb_rows: the accumulation's super-block size */
#include "sim_testlib.h"

typedef struct {
    ax_result rc;
    char msg[512];
    int32_t *acc;
    size_t nacc;
    sim_report r;
    sim_counters *pc;
} outcome;

static void run_one(const sim_config *c, const map_qweight *qw, const spike_event *ev, size_t nev,
                    const size_t *ts, size_t tokens, int mode, int threads, sim_simd simd,
                    outcome *o)
{
    /* mode 0: fast (no observer), 2: functional */
    sim *s = NULL;
    char *err = NULL;
    memset(o, 0, sizeof *o);
    cr_assert_eq(sim_new(c, qw, ev, nev, ts, tokens, &s, &err), AX_OK, "%s", err);
    sim_exec x = {.threads = threads, .simd = simd};
    sim_set_exec(s, &x);
    o->rc = mode == 2 ? sim_run_functional(s, &err) : sim_run(s, &err);
    if (o->rc)
        snprintf(o->msg, sizeof o->msg, "%s", err);
    free(err);
    o->nacc = tokens * qw->out * qw->ngroups;
    tl_take_outputs(s, o->nacc, &o->acc, &o->r, &o->pc);
    sim_free(s);
}

static void outcome_free(outcome *o)
{
    free(o->acc);
    free(o->pc);
}

static void same(const outcome *a, const outcome *b, int timing, const char *what)
{
    cr_assert_eq(a->rc, b->rc, "%s: rc %d vs %d (%s | %s)", what, a->rc, b->rc, a->msg, b->msg);
    cr_assert_str_eq(a->msg, b->msg, "%s: error text", what);
    for (size_t i = 0; i < a->nacc; i++)
        cr_assert_eq(a->acc[i], b->acc[i], "%s: acc[%zu] %d vs %d", what, i, a->acc[i], b->acc[i]);
    if (!timing)
        return;
    cr_assert_eq(a->r.duration, b->r.duration, "%s: duration %lld vs %lld", what,
                 (long long)a->r.duration, (long long)b->r.duration);
    cr_assert_eq(a->r.latency_ns_per_token, b->r.latency_ns_per_token, "%s: latency", what);
    cr_assert_eq(a->r.max_latency_ns, b->r.max_latency_ns, "%s", what);
    cr_assert_eq(a->r.service_latency_ns, b->r.service_latency_ns, "%s: service latency", what);
    cr_assert_eq(a->r.fill_ns, b->r.fill_ns, "%s", what);
    cr_assert_eq(a->r.interval_ns, b->r.interval_ns, "%s", what);
    cr_assert_eq(a->r.drain_ns, b->r.drain_ns, "%s: drain", what);
    cr_assert_eq(memcmp(&a->r.total, &b->r.total, sizeof a->r.total), 0, "%s: total counters",
                 what);
    cr_assert_eq(a->r.cores, b->r.cores);
    for (size_t k = 0; k < a->r.cores; k++)
        cr_assert_eq(memcmp(&a->pc[k], &b->pc[k], sizeof a->pc[k]), 0, "%s: counters of core %zu",
                     what, k);
}

static void nop_obs(void *u, const sim_obs *o)
{
    (void)u;
    (void)o;
}

/* stepped reference, then every SIMD path x threads 1..3, then functional;
 * returns the reference's result code */
static ax_result check_all(const sim_config *c, const map_qweight *qw, const spike_event *ev,
                           size_t nev, const size_t *ts, size_t tokens, const char *tag)
{
    outcome ref, o;
    sim *s = NULL;
    char *err = NULL;
    cr_assert_eq(sim_new(c, qw, ev, nev, ts, tokens, &s, &err), AX_OK, "%s", err);
    sim_observe(s, nop_obs, NULL);
    memset(&ref, 0, sizeof ref);
    ref.rc = sim_run(s, &err);
    if (ref.rc)
        snprintf(ref.msg, sizeof ref.msg, "%s", err);
    free(err);
    ref.nacc = tokens * qw->out * qw->ngroups;
    ref.acc = malloc(ref.nacc * sizeof *ref.acc + 1);
    memcpy(ref.acc, sim_acc(s), ref.nacc * sizeof *ref.acc);
    sim_get_report(s, &ref.r);
    ref.pc = malloc(ref.r.cores * sizeof *ref.pc + 1);
    memcpy(ref.pc, ref.r.per_core, ref.r.cores * sizeof *ref.pc);
    sim_free(s);
    if (!ref.rc && nev) /* the lane term toggles are compared too, not 0 == 0 */
        cr_assert_gt(ref.r.total.lane_term_toggles, 0, "%s: no lane term toggles", tag);
    if (!ref.rc && nev) /* and the replayed toggles (sim_replay.c) */
        cr_assert(ref.r.total.acc_write_toggles > 0 && ref.r.total.lane_term_toggles_seq > 0 &&
                      ref.r.total.acc_readout_ones > 0,
                  "%s: no replayed toggles", tag);
    char what[160];
    for (int v = SIM_SIMD_SCALAR; v <= SIM_SIMD_AVX512; v++) {
        if (!sim_simd_supported((sim_simd)v))
            continue;
        for (int th = 1; th <= 3; th++) {
            snprintf(what, sizeof what, "%s, %s, %d threads", tag, sim_simd_name((sim_simd)v), th);
            run_one(c, qw, ev, nev, ts, tokens, 0, th, (sim_simd)v, &o);
            same(&ref, &o, 1, what);
            outcome_free(&o);
        }
        snprintf(what, sizeof what, "%s, %s, functional", tag, sim_simd_name((sim_simd)v));
        run_one(c, qw, ev, nev, ts, tokens, 2, 2, (sim_simd)v, &o);
        same(&ref, &o, 0, what);
        cr_assert_eq(o.r.timed, 0);
        cr_assert_eq(o.r.duration, 0);
        cr_assert_eq(o.r.total.events, 0, "functional: no counters");
        outcome_free(&o);
    }
    cr_assert_eq(ref.r.timed, 1);
    ax_result rc = ref.rc;
    outcome_free(&ref);
    return rc;
}

/* batch > 0: the row-reuse core with batches of that many tokens */
static ax_result random_case_rr(uint64_t seed, spike_coding cod, sim_timing timing, int narrow,
                                int dram, int batch)
{
    uint64_t st = seed;
    size_t in = 1 + tl_rand(&st) % 300, out = 1 + tl_rand(&st) % 300,
           tokens = 1 + tl_rand(&st) % 40;
    size_t group = tl_rand(&st) % 3 == 0 ? 0 : 1 + tl_rand(&st) % in;
    sim_config c;
    sim_config_default(&c);
    c.timing = timing;
    c.rows = 1 + (int)(tl_rand(&st) % 60);
    c.cols = 1 + (int)(tl_rand(&st) % 150);
    c.lanes = 1 + (int)(tl_rand(&st) % 17);
    c.fifo_depth = 1 + (int)(tl_rand(&st) % 5);
    c.sram_latency = 1 + (int)(tl_rand(&st) % 4);
    c.double_buffer = (int)(tl_rand(&st) % 2);
    c.zero_gating = (int)(tl_rand(&st) % 2);
    c.readout_bits = 8 << (tl_rand(&st) % 4);
    c.link_bits = 8 << (tl_rand(&st) % 4);
    c.hop_cycles = (int)(tl_rand(&st) % 3);
    c.hop_ps = (int64_t)(tl_rand(&st) % 3) * 250;
    c.dram = dram;
    c.dram_burst_bytes = 8 << (tl_rand(&st) % 4);
    c.row_reuse = batch > 0;
    c.batch_tokens = batch > 0 ? batch : 1;
    if (narrow)
        c.acc_bits = 8 + (int)(tl_rand(&st) % 10);
    int T = cod == SPIKE_BINARY || cod == SPIKE_TERNARY ? 1 + (int)(tl_rand(&st) % 6)
                                                        : 2 + (int)(tl_rand(&st) % 7);
    map_qweight qw;
    tl_qweight(&qw, out, in, group, (int)(tl_rand(&st) % 60), &st);
    int32_t *counts = malloc(tokens * in * sizeof *counts);
    tl_counts(counts, tokens * in, cod, T, (int)(tl_rand(&st) % 90), &st);
    size_t *ts = malloc((tokens + 1) * sizeof *ts), nev;
    spike_event *ev = tl_events(cod, counts, tokens, in, T, &nev, ts);
    char tag[96];
    snprintf(tag, sizeof tag, "seed %llu coding %d %s%s%s reuse batch %d", (unsigned long long)seed,
             (int)cod, timing == SIM_SYNC ? "sync" : "async", narrow ? " narrow" : "",
             dram ? " dram" : "", batch);
    ax_result rc = check_all(&c, &qw, ev, nev, ts, tokens, tag);
    free(ev);
    free(ts);
    free(counts);
    map_qweight_free(&qw);
    return rc;
}

static ax_result random_case(uint64_t seed, spike_coding cod, sim_timing timing, int narrow,
                             int dram)
{
    return random_case_rr(seed, cod, timing, narrow, dram, 0);
}

/* The row-reuse core (its (token, axon, step) item order and row-read
 * counters) and its token batches (the (batch, axon, token, step) order, a
 * set of accumulators per token of the batch, the batch's readouts at its
 * end) through every SIMD path and thread count, the template-core timing
 * copies, DRAM (no batches) and the exact path of narrow accumulators. */
Test(sim_perf, every_path_and_thread_count_row_reuse)
{
    for (uint64_t seed = 1; seed <= 4; seed++)
        for (int cod = SPIKE_BINARY; cod <= SPIKE_BITWISE_2C; cod++)
            random_case_rr(seed * 2711 + (uint64_t)cod, (spike_coding)cod, SIM_SYNC, 0, 0,
                           seed <= 2 ? 1 : (int)(2 + seed * 5 % 11));
    for (uint64_t seed = 1; seed <= 2; seed++) /* DRAM streaming has no batches */
        random_case_rr(seed * 9973, SPIKE_BITWISE_SIGNED, SIM_SYNC, 0, 1, 1);
    int overflowed = 0;
    for (uint64_t seed = 1; seed <= 8; seed++) {
        ax_result rc = random_case_rr(seed * 6151, SPIKE_BITWISE_SIGNED, SIM_SYNC, 1, 0,
                                      seed % 2 ? 1 : 3);
        cr_assert(rc == AX_OK || rc == AX_EOVERFLOW);
        overflowed += rc == AX_EOVERFLOW;
    }
    cr_assert_gt(overflowed, 0, "no row-reuse case took the exact path to an overflow");
}

Test(sim_perf, every_path_and_thread_count_sync)
{
    for (uint64_t seed = 1; seed <= 6; seed++)
        for (int cod = SPIKE_BINARY; cod <= SPIKE_BITWISE_2C; cod++)
            random_case(seed * 7919 + (uint64_t)cod, (spike_coding)cod, SIM_SYNC, 0, 0);
}

Test(sim_perf, every_path_and_thread_count_async)
{
    for (uint64_t seed = 1; seed <= 3; seed++)
        for (int cod = SPIKE_BINARY; cod <= SPIKE_BITWISE_2C; cod++)
            random_case(seed * 104729 + (uint64_t)cod, (spike_coding)cod, SIM_ASYNC, 0, 0);
}

Test(sim_perf, every_path_and_thread_count_dram)
{
    for (uint64_t seed = 1; seed <= 3; seed++)
        random_case(seed * 31337, SPIKE_BITWISE_SIGNED, seed % 2 ? SIM_SYNC : SIM_ASYNC, 0, 1);
}

/* A = 8..17 bits: partial sums overflow in some tokens (the exact path, the
 * overflow flag and its AX_EOVERFLOW) and fit in others (the kernels). */
Test(sim_perf, narrow_accumulators_overflow_alike)
{
    int overflowed = 0, fit = 0;
    for (uint64_t seed = 1; seed <= 12; seed++) {
        ax_result rc = random_case(seed * 6151, seed % 2 ? SPIKE_BITWISE_SIGNED : SPIKE_TERNARY,
                                   SIM_SYNC, 1, 0);
        cr_assert(rc == AX_OK || rc == AX_EOVERFLOW);
        overflowed += rc == AX_EOVERFLOW;
        fit += rc == AX_OK;
    }
    cr_assert_gt(overflowed, 0, "no case overflowed");
    cr_assert_gt(fit, 0, "every case overflowed");
}

/* Counts far beyond INT8 (--no-clamp): per-token bounds fail, reduced sums
 * leave int32 in some tokens, others stay safe. */
Test(sim_perf, reduced_sum_overflow_alike)
{
    size_t in = 300, out = 70, tokens = 9;
    uint64_t st = 99;
    map_qweight qw;
    tl_qweight(&qw, out, in, 0, 0, &st);
    for (size_t i = 0; i < out * in; i++)
        qw.q[i] = 127;
    int32_t *counts = calloc(tokens * in, sizeof *counts);
    for (size_t t = 0; t < tokens; t++)
        for (size_t i = 0; i < in; i++)
            counts[t * in + i] = t % 3 == 1 ? 100000 : (t % 3 == 2 ? -(int32_t)(i % 100) : 3);
    /* token 1: each row-block's partial 128 * 127 * 100000 fits int32, their sum does not */
    size_t *ts = malloc((tokens + 1) * sizeof *ts), nev;
    spike_event *ev = tl_events(SPIKE_BITWISE_SIGNED, counts, tokens, in, 17, &nev, ts);
    sim_config c;
    sim_config_default(&c);
    outcome o;
    run_one(&c, &qw, ev, nev, ts, tokens, 0, 1, SIM_SIMD_AUTO, &o);
    cr_assert_eq(o.rc, AX_EOVERFLOW, "%s", o.msg);
    cr_assert(strstr(o.msg, "reduced sum overflow at token 1,"), "%s", o.msg);
    outcome_free(&o);
    check_all(&c, &qw, ev, nev, ts, tokens, "reduced overflow");
    c.acc_bits = 20; /* and the A-bit flag first */
    check_all(&c, &qw, ev, nev, ts, tokens, "acc-bits 20");
    run_one(&c, &qw, ev, nev, ts, tokens, 2, 3, SIM_SIMD_AUTO, &o);
    cr_assert_eq(o.rc, AX_EOVERFLOW);
    cr_assert(strstr(o.msg, "partial sum of row-block 0"), "%s", o.msg);
    outcome_free(&o);
    free(ev);
    free(ts);
    free(counts);
    map_qweight_free(&qw);
}

/* Link contention at link 1 (narrow links, zero hop): no multicast shortcut;
 * wide links: the shortcut. Both equal the stepped run. */
Test(sim_perf, multicast_shortcut_and_contention)
{
    for (int lb = 8; lb <= 64; lb *= 8)
        for (int hop = 0; hop <= 2; hop += 2) {
            size_t in = 64, out = 200, tokens = 6;
            uint64_t st = (uint64_t)(lb * 10 + hop);
            map_qweight qw;
            tl_qweight(&qw, out, in, 0, 20, &st);
            int32_t *counts = malloc(tokens * in * sizeof *counts);
            tl_counts(counts, tokens * in, SPIKE_BITWISE_SIGNED, 4, 50, &st);
            size_t *ts = malloc((tokens + 1) * sizeof *ts), nev;
            spike_event *ev = tl_events(SPIKE_BITWISE_SIGNED, counts, tokens, in, 4, &nev, ts);
            sim_config c;
            sim_config_default(&c);
            c.rows = 32;
            c.cols = 16;
            c.lanes = 16;
            c.link_bits = lb;
            c.hop_cycles = hop;
            char tag[64];
            snprintf(tag, sizeof tag, "link %d hop %d", lb, hop);
            check_all(&c, &qw, ev, nev, ts, tokens, tag);
            free(ev);
            free(ts);
            free(counts);
            map_qweight_free(&qw);
        }
}

Test(sim_perf, simd_names_and_refusal)
{
    sim_simd v;
    char *err = NULL;
    cr_assert_eq(sim_simd_parse("avx2", &v, NULL), AX_OK);
    cr_assert_eq(v, SIM_SIMD_AVX2);
    cr_assert_eq(sim_simd_parse("avx1024", &v, &err), AX_EPARAM);
    cr_assert(strstr(err, "avx1024") && strstr(err, "hint"), "%s", err);
    free(err);
    err = NULL;
    cr_assert(sim_simd_supported(SIM_SIMD_SCALAR));
    cr_assert(sim_simd_supported(sim_simd_best()));
    cr_assert_str_eq(sim_simd_name(SIM_SIMD_AVX512), "avx512");
    setenv("AXON_SIMD", "scalar", 1);
    cr_assert_eq(sim_simd_resolve(SIM_SIMD_AUTO, &v, NULL), AX_OK);
    cr_assert_eq(v, SIM_SIMD_SCALAR);
    cr_assert_eq(sim_simd_resolve(SIM_SIMD_SSE2, &v, NULL),
                 sim_simd_supported(SIM_SIMD_SSE2) ? AX_OK : AX_EPARAM);
    setenv("AXON_SIMD", "fast", 1);
    cr_assert_eq(sim_simd_resolve(SIM_SIMD_AUTO, &v, &err), AX_EPARAM);
    cr_assert(strstr(err, "AXON_SIMD"), "%s", err);
    free(err);
    unsetenv("AXON_SIMD");
    for (int p = SIM_SIMD_SCALAR; p <= SIM_SIMD_AVX512; p++)
        if (!sim_simd_supported((sim_simd)p)) {
            err = NULL;
            cr_assert_eq(sim_simd_resolve((sim_simd)p, &v, &err), AX_EPARAM);
            free(err);
        }
    cr_assert_geq(sim_threads_default(), 1);
}

Test(sim_perf, functional_refuses_observers_and_reruns)
{
    uint64_t st = 3;
    map_qweight qw;
    tl_qweight(&qw, 5, 4, 0, 0, &st);
    spike_event ev[1] = {{.axon = 1}};
    size_t ts[2] = {0, 1};
    sim_config c;
    sim_config_default(&c);
    sim *s = NULL;
    char *err = NULL;
    cr_assert_eq(sim_new(&c, &qw, ev, 1, ts, 1, &s, NULL), AX_OK);
    sim_observe(s, nop_obs, NULL);
    cr_assert_eq(sim_run_functional(s, &err), AX_EPARAM);
    free(err);
    sim_free(s);
    cr_assert_eq(sim_new(&c, &qw, ev, 1, ts, 1, &s, NULL), AX_OK);
    cr_assert_eq(sim_run_functional(s, NULL), AX_OK);
    for (int j = 0; j < 5; j++)
        cr_assert_eq(sim_acc(s)[j], qw.q[j * 4 + 1]);
    cr_assert_eq(sim_run_functional(s, NULL), AX_EPARAM);
    sim_free(s);
    map_qweight_free(&qw);
}

/* Hand-made streams no coding emits: shifts rising and falling inside a
 * token (the kernels' shifted-row path), and runs of hundreds of events of
 * one shift on a 700-axon core (the 16-bit partials widened mid-run). */
Test(sim_perf, arbitrary_shifts_and_long_runs)
{
    for (int mode = 0; mode < 2; mode++) {
        size_t in = 700, out = 200, tokens = 5, T = 6, cap = tokens * T * in, nev = 0;
        uint64_t st = 77 + (uint64_t)mode;
        map_qweight qw;
        tl_qweight(&qw, out, in, 0, 10, &st);
        if (mode) /* extremes: every lane near +-127, and a stray -128 */
            for (size_t i = 0; i < out * in; i++)
                qw.q[i] = i % 97 == 0 ? -128 : (tl_rand(&st) % 2 ? 127 : -127);
        spike_event *ev = malloc(cap * sizeof *ev);
        size_t *ts = malloc((tokens + 1) * sizeof *ts);
        for (size_t t = 0; t < tokens; t++) {
            ts[t] = nev;
            for (size_t k = 0; k < T; k++) {
                unsigned step_shift = (unsigned)(tl_rand(&st) % 6);
                for (size_t i = 0; i < in; i++) {
                    if (tl_rand(&st) % 10 >= (mode ? 9u : 6u))
                        continue;
                    ev[nev++] = (spike_event){.token = (uint32_t)t,
                                              .step = (uint16_t)k,
                                              .axon = (uint32_t)i,
                                              .neg = (uint8_t)(tl_rand(&st) % 2),
                                              .shift = (uint8_t)(mode ? step_shift
                                                                      : tl_rand(&st) % 9)};
                }
            }
        }
        ts[tokens] = nev;
        sim_config c;
        sim_config_default(&c);
        c.rows = 700;
        c.cols = 64;
        check_all(&c, &qw, ev, nev, ts, tokens, mode ? "long runs" : "arbitrary shifts");
        free(ev);
        free(ts);
        map_qweight_free(&qw);
    }
}

/* The accumulation's super-blocks (row-blocks whose tiles share L2; sums
 * carried across them): small super-blocks, per channel and with groups,
 * against the fast run with the default and the stepped run. */
Test(sim_perf, super_blocks)
{
    for (int grouped = 0; grouped < 2; grouped++) {
        size_t in = 200, out = 300, tokens = 7;
        uint64_t st = 4242 + (uint64_t)grouped;
        map_qweight qw;
        tl_qweight(&qw, out, in, grouped ? 50 : 0, 20, &st);
        int32_t *counts = malloc(tokens * in * sizeof *counts);
        tl_counts(counts, tokens * in, SPIKE_BITWISE_SIGNED, 5, 40, &st);
        size_t *ts = malloc((tokens + 1) * sizeof *ts), nev;
        spike_event *ev = tl_events(SPIKE_BITWISE_SIGNED, counts, tokens, in, 5, &nev, ts);
        sim_config c;
        sim_config_default(&c);
        c.rows = 16;
        outcome ref;
        run_one(&c, &qw, ev, nev, ts, tokens, 0, 1, SIM_SIMD_AUTO, &ref);
        for (size_t sb = 16; sb <= 64; sb += 24) {
            sim *s = NULL;
            cr_assert_eq(sim_new(&c, &qw, ev, nev, ts, tokens, &s, NULL), AX_OK);
            s->sb_rows = sb;
            sim_exec x = {.threads = 2, .simd = SIM_SIMD_AUTO};
            sim_set_exec(s, &x);
            cr_assert_eq(sim_run_functional(s, NULL), AX_OK);
            for (size_t i = 0; i < ref.nacc; i++)
                cr_assert_eq(sim_acc(s)[i], ref.acc[i], "super-block %zu rows: acc[%zu]", sb, i);
            sim_free(s);
        }
        check_all(&c, &qw, ev, nev, ts, tokens, grouped ? "groups" : "per channel");
        outcome_free(&ref);
        free(ev);
        free(ts);
        free(counts);
        map_qweight_free(&qw);
    }
}

/* sim_acc_take hands the run's acc over (no copy): nothing before the run,
 * after it the very accumulators sim_acc showed, then NULL from sim_acc and
 * from a second take; sim_free leaves the taken buffer alone. */
Test(sim_perf, acc_take_hands_over)
{
    uint64_t st = 5;
    map_qweight qw;
    tl_qweight(&qw, 5, 4, 0, 0, &st);
    spike_event ev[2] = {{.axon = 1}, {.axon = 3, .neg = 1}};
    size_t ts[2] = {0, 2};
    sim_config c;
    sim_config_default(&c);
    sim *s = NULL;
    cr_assert_eq(sim_new(&c, &qw, ev, 2, ts, 1, &s, NULL), AX_OK);
    cr_assert_null(sim_acc_take(s));
    cr_assert_eq(sim_run(s, NULL), AX_OK);
    const int32_t *shown = sim_acc(s);
    int32_t *a = sim_acc_take(s);
    cr_assert(a && a == shown);
    cr_assert_null(sim_acc(s));
    cr_assert_null(sim_acc_take(s));
    sim_free(s);
    for (int j = 0; j < 5; j++)
        cr_assert_eq(a[j], qw.q[j * 4 + 1] - qw.q[j * 4 + 3]);
    free(a);
    map_qweight_free(&qw);
}
