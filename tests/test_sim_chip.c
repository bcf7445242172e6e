/* Unit tests of the chip (sim/sim_chip.c, sim_noc.c, sim_host.c):
 * bit-exactness against gpu_ref_cpu over random shapes (sizes not divisible
 * by R, C, L or the group), every coding, sync and async; the stepped
 * (observed) run equals the fast run in acc, stamps and counters; counter
 * invariants per core; hand-computed multicast hops with link contention
 * and the partial-sum reduction, with and without groups. */
#include <criterion/criterion.h>
#include <math.h>

#include "../gpu/gpu.h"
#include "sim_testlib.h"

static void count_fn(void *u, const sim_obs *o)
{
    (*(uint64_t *)u)++;
    (void)o;
}

static void check_invariants(const sim_report *r, const sim_config *c)
{
    int W = (c->cols + c->lanes - 1) / c->lanes;
    for (size_t k = 0; k < r->cores; k++) {
        const sim_counters *p = &r->per_core[k];
        size_t cb = k % r->col_blocks;
        uint64_t cused = r->out - cb * (size_t)c->cols < (size_t)c->cols
                             ? r->out - cb * (size_t)c->cols
                             : (uint64_t)c->cols;
        cr_assert_eq(p->adds + p->adds_gated, p->events * cused, "core %zu adds", k);
        cr_assert_eq(p->sram_words + p->sram_words_skipped, p->events * (uint64_t)W,
                     "core %zu words", k);
        cr_assert_eq(p->eots, r->tokens, "core %zu eots", k);
        cr_assert_eq(p->acc_writes, p->adds);
        cr_assert_eq(p->active + p->idle, r->duration, "core %zu active + idle", k);
        cr_assert_geq(p->idle, 0);
        if (!c->zero_gating)
            cr_assert_eq(p->sram_words_skipped + p->adds_gated, 0);
        cr_assert_leq(p->lane_adds_nonzero, p->adds, "core %zu lane_adds_nonzero", k);
        cr_assert_leq(p->sram_words_nonzero, p->sram_words, "core %zu sram_words_nonzero", k);
        if (c->zero_gating) {
            cr_assert_eq(p->lane_adds_nonzero, p->adds, "core %zu lane_adds_nonzero", k);
            cr_assert_eq(p->sram_words_nonzero, p->sram_words, "core %zu sram_words_nonzero", k);
        }
    }
}

static void random_case(uint64_t seed, spike_coding cod, sim_timing timing)
{
    uint64_t st = seed;
    size_t in = 1 + tl_rand(&st) % 150, out = 1 + tl_rand(&st) % 150, tokens = 1 + tl_rand(&st) % 4;
    size_t group = tl_rand(&st) % 3 == 0 ? 0 : 1 + tl_rand(&st) % in;
    sim_config c;
    sim_config_default(&c);
    c.timing = timing;
    c.rows = 1 + (int)(tl_rand(&st) % 50);
    c.cols = 1 + (int)(tl_rand(&st) % 40);
    c.lanes = 1 + (int)(tl_rand(&st) % 17);
    c.fifo_depth = 1 + (int)(tl_rand(&st) % 5);
    c.sram_latency = 1 + (int)(tl_rand(&st) % 4);
    c.double_buffer = (int)(tl_rand(&st) % 2);
    c.zero_gating = (int)(tl_rand(&st) % 2);
    c.readout_bits = 8 << (tl_rand(&st) % 4);
    c.link_bits = 8 << (tl_rand(&st) % 4);
    c.hop_cycles = (int)(tl_rand(&st) % 3);
    c.handshake = tl_rand(&st) % 2 ? SIM_HS_2PHASE : SIM_HS_4PHASE;
    int T = cod == SPIKE_BINARY || cod == SPIKE_TERNARY ? 1 + (int)(tl_rand(&st) % 6)
                                                        : 2 + (int)(tl_rand(&st) % 7);
    map_qweight qw;
    tl_qweight(&qw, out, in, group, (int)(tl_rand(&st) % 60), &st);
    int32_t *counts = malloc(tokens * in * sizeof *counts);
    tl_counts(counts, tokens * in, cod, T, (int)(tl_rand(&st) % 80), &st);
    size_t *ts = malloc((tokens + 1) * sizeof *ts), nev;
    spike_event *ev = tl_events(cod, counts, tokens, in, T, &nev, ts);
    size_t nacc = tokens * out * qw.ngroups;
    int32_t *ref = malloc(nacc * sizeof *ref);
    cr_assert_eq(gpu_ref_cpu(counts, tokens, &qw, ref, NULL), AX_OK);

    sim *fast = NULL, *step = NULL;
    char *err = NULL;
    cr_assert_eq(sim_new(&c, &qw, ev, nev, ts, tokens, &fast, &err), AX_OK, "%s", err);
    cr_assert_eq(sim_run(fast, &err), AX_OK, "%s", err);
    cr_assert_eq(sim_new(&c, &qw, ev, nev, ts, tokens, &step, &err), AX_OK, "%s", err);
    uint64_t nobs = 0;
    sim_observe(step, count_fn, &nobs);
    cr_assert_eq(sim_run(step, &err), AX_OK, "%s", err);
    for (size_t i = 0; i < nacc; i++) {
        cr_assert_eq(sim_acc(fast)[i], ref[i], "seed %llu: acc[%zu] %d != ref %d",
                     (unsigned long long)seed, i, sim_acc(fast)[i], ref[i]);
        cr_assert_eq(sim_acc(step)[i], ref[i], "seed %llu: stepped acc[%zu]",
                     (unsigned long long)seed, i);
    }
    sim_report a, b;
    sim_get_report(fast, &a);
    sim_get_report(step, &b);
    cr_assert_eq(a.duration, b.duration, "seed %llu: duration %lld vs %lld",
                 (unsigned long long)seed, (long long)a.duration, (long long)b.duration);
    cr_assert_eq(memcmp(&a.total, &b.total, sizeof a.total), 0, "seed %llu: counters differ",
                 (unsigned long long)seed);
    cr_assert_eq(a.total.events, nev * a.col_blocks);
    cr_assert_gt(nobs, 0);
    check_invariants(&a, &c);
    cr_assert_eq(a.latency_ns_per_token, b.latency_ns_per_token);
    cr_assert_eq(a.service_latency_ns, b.service_latency_ns);
    cr_assert_eq(a.drain_ns, b.drain_ns);
    cr_assert_leq(a.service_latency_ns, a.latency_ns_per_token);
    sim_free(fast);
    sim_free(step);
    free(ref);
    free(ev);
    free(ts);
    free(counts);
    map_qweight_free(&qw);
}

Test(sim_chip, exact_random_every_coding_sync)
{
    for (uint64_t seed = 1; seed <= 12; seed++)
        for (int cod = SPIKE_BINARY; cod <= SPIKE_BITWISE_2C; cod++)
            random_case(seed * 977 + (uint64_t)cod, (spike_coding)cod, SIM_SYNC);
}

Test(sim_chip, exact_random_every_coding_async)
{
    for (uint64_t seed = 1; seed <= 8; seed++)
        for (int cod = SPIKE_BINARY; cod <= SPIKE_BITWISE_2C; cod++)
            random_case(seed * 131 + (uint64_t)cod, (spike_coding)cod, SIM_ASYNC);
}

typedef struct {
    int64_t acc_t[8][4];
    int n[8];
} accepts;

static void acc_fn(void *u, const sim_obs *o)
{
    accepts *a = u;
    if (o->kind == SIM_OBS_ACCEPT && o->core < 8 && a->n[o->core] < 4)
        a->acc_t[o->core][a->n[o->core]++] = o->time;
}

/* One row-block of three cores, one event: hop = 2 cycles. */
static void hops(int link_bits, const int64_t want[3][2], int64_t dur, int64_t stall_noc)
{
    sim_config c;
    tl_small_cfg(&c);
    c.hop_cycles = 2;
    c.link_bits = link_bits;
    map_qweight qw;
    uint64_t st = 5;
    tl_qweight(&qw, 12, 4, 0, 0, &st);
    spike_event ev[1] = {{.axon = 0}};
    size_t ts[2] = {0, 1};
    sim *s = NULL;
    cr_assert_eq(sim_new(&c, &qw, ev, 1, ts, 1, &s, NULL), AX_OK);
    accepts a = {0};
    sim_observe(s, acc_fn, &a);
    cr_assert_eq(sim_run(s, NULL), AX_OK);
    sim_report r;
    sim_get_report(s, &r);
    cr_assert_eq(r.cores, 3);
    for (int k = 0; k < 3; k++) {
        cr_assert_eq(a.n[k], 2);
        for (int i = 0; i < 2; i++)
            cr_assert_eq(a.acc_t[k][i], want[k][i], "core %d item %d: %lld want %lld", k, i,
                         (long long)a.acc_t[k][i], (long long)want[k][i]);
    }
    cr_assert_eq(r.duration, dur);
    cr_assert_eq(r.total.flit_hops, 4);
    cr_assert_eq(r.total.flits, 2);
    cr_assert_eq(r.total.stall_noc, stall_noc);
    for (int j = 0; j < 12; j++)
        cr_assert_eq(sim_acc(s)[j], qw.q[j * 4]);
    sim_free(s);
    map_qweight_free(&qw);
}

Test(sim_chip, multicast_hops)
{
    /* link 64 bits: a flit takes 1 cycle per link; item 1 waits 1 cycle on link 0
 * (injection backlog at the head router, not counted as a NoC stall) */
    hops(64, (const int64_t[3][2]){{0, 1}, {2, 3}, {4, 5}}, 10, 0);
}

Test(sim_chip, multicast_narrow_link)
{
    /* link 16 bits: a 32-bit flit takes 2 cycles; arrive = enter + 2 + 1 */
    hops(16, (const int64_t[3][2]){{0, 1}, {3, 5}, {6, 8}}, 12, 0);
}

typedef struct {
    int kind[8], core[8], word[8];
    int64_t t[8];
    int32_t acc[8][4];
    int n;
} rstamps;

static void red_fn(void *u, const sim_obs *o)
{
    rstamps *r = u;
    if (o->kind < SIM_OBS_REDUCE_HEAD || r->n >= 8)
        return;
    r->kind[r->n] = o->kind;
    r->core[r->n] = o->core;
    r->word[r->n] = o->word;
    r->t[r->n] = o->time;
    cr_assert_eq(o->item, 0);
    if (o->kind == SIM_OBS_REDUCE_DONE) {
        cr_assert_geq(o->nacc, 4, "nacc %d", o->nacc);
        memcpy(r->acc[r->n], o->acc, 4 * sizeof(int32_t));
    }
    r->n++;
}

static void reduction(size_t group, int64_t dur, uint64_t radds)
{
    sim_config c;
    tl_small_cfg(&c);
    map_qweight qw;
    uint64_t st = 9;
    tl_qweight(&qw, 4, 8, group, 0, &st);
    spike_event ev[2] = {{.axon = 0}, {.axon = 4}};
    size_t ts[2] = {0, 2};
    sim *s = NULL;
    cr_assert_eq(sim_new(&c, &qw, ev, 2, ts, 1, &s, NULL), AX_OK);
    rstamps rs = {0};
    sim_observe_reduction(s, red_fn, &rs);
    cr_assert_eq(sim_run(s, NULL), AX_OK);
    sim_report r;
    sim_get_report(s, &r);
    cr_assert_eq(r.row_blocks, 2);
    /* the row-0 packet enters link 0 at 4 (head) and 5 (tail, beat 1); per
     * channel it merges at row 1 and completes at 7; with groups, group 0
     * passes row 1 (complete at 7) and row 1's own packet completes at 6 */
    size_t ng0 = qw.ngroups;
    cr_assert_eq(rs.n, 2 + (int)ng0);
    cr_assert(rs.kind[0] == SIM_OBS_REDUCE_HEAD && rs.core[0] == 0 && rs.t[0] == 4 &&
              rs.word[0] == 0);
    cr_assert(rs.kind[1] == SIM_OBS_REDUCE_TAIL && rs.core[1] == 0 && rs.t[1] == 5);
    for (int i = 2; i < rs.n; i++) {
        cr_assert(rs.kind[i] == SIM_OBS_REDUCE_DONE && rs.core[i] == 1);
        cr_assert_eq(rs.t[i], rs.word[i] == 0 ? 7 : 6, "group %d done at %lld", rs.word[i],
                     (long long)rs.t[i]);
        for (int j = 0; j < 4; j++)
            cr_assert_eq(rs.acc[i][j], sim_acc(s)[j * ng0 + (size_t)rs.word[i]]);
    }
    cr_assert_eq(r.duration, dur);
    cr_assert_eq(r.total.reduce_adds, radds);
    size_t ng = qw.ngroups;
    for (int j = 0; j < 4; j++) {
        if (ng == 1)
            cr_assert_eq(sim_acc(s)[j], qw.q[j * 8] + qw.q[j * 8 + 4]);
        else {
            cr_assert_eq(sim_acc(s)[j * 2], qw.q[j * 8]);
            cr_assert_eq(sim_acc(s)[j * 2 + 1], qw.q[j * 8 + 4]);
        }
    }
    sim_free(s);
    map_qweight_free(&qw);
}

/* Both cores read out at 4, 5; the packet of row 0 crosses one link
 * (head 5, tail 6) and merges at row 1: done at 6 + 1 = 7. */
Test(sim_chip, reduction_per_channel)
{
    reduction(0, 7, 4);
}
/* Groups of 4: row 1 starts its own packet; the row-0 packet still passes. */
Test(sim_chip, reduction_per_group)
{
    reduction(4, 7, 0);
}

Test(sim_chip, mesh_too_small_and_bad_events)
{
    sim_config c;
    tl_small_cfg(&c);
    c.mesh_w = 2;
    map_qweight qw;
    uint64_t st = 5;
    tl_qweight(&qw, 12, 4, 0, 0, &st);
    spike_event ev[2] = {{.axon = 1}, {.axon = 0}};
    size_t ts[2] = {0, 2};
    sim *s = NULL;
    char *err = NULL;
    cr_assert_eq(sim_new(&c, &qw, ev, 2, ts, 1, &s, &err), AX_EPARAM);
    cr_assert_not_null(strstr(err, "mesh"), "%s", err);
    free(err);
    err = NULL;
    c.mesh_w = 0;
    cr_assert_eq(sim_new(&c, &qw, ev, 2, ts, 1, &s, &err), AX_EPARAM); /* axon order */
    cr_assert_not_null(strstr(err, "order"), "%s", err);
    free(err);
    err = NULL;
    ev[1].axon = 9;
    cr_assert_eq(sim_new(&c, &qw, ev, 2, ts, 1, &s, &err), AX_EPARAM);
    free(err);
    cr_assert_null(s);
    sim_free(NULL);
    map_qweight_free(&qw);
}

Test(sim_chip, zero_gating_does_not_change_timing)
{
    uint64_t st = 11;
    map_qweight qw;
    tl_qweight(&qw, 70, 90, 0, 70, &st);
    int32_t counts[3 * 90];
    tl_counts(counts, 3 * 90, SPIKE_BITWISE_2C, 5, 50, &st);
    size_t ts[4], nev;
    spike_event *ev = tl_events(SPIKE_BITWISE_2C, counts, 3, 90, 5, &nev, ts);
    sim_report r[2];
    sim *s[2];
    for (int g = 0; g < 2; g++) {
        sim_config c;
        sim_config_default(&c);
        c.rows = 32;
        c.cols = 32;
        c.lanes = 4;
        c.zero_gating = g;
        cr_assert_eq(sim_new(&c, &qw, ev, nev, ts, 3, &s[g], NULL), AX_OK);
        cr_assert_eq(sim_run(s[g], NULL), AX_OK);
        sim_get_report(s[g], &r[g]);
    }
    cr_assert_eq(r[0].duration, r[1].duration);
    cr_assert_eq(memcmp(sim_acc(s[0]), sim_acc(s[1]), 3 * 70 * 4), 0);
    cr_assert_gt(r[1].total.sram_words_skipped, 0);
    cr_assert_lt(r[1].total.adds, r[0].total.adds);
    cr_assert_eq(r[1].total.adds + r[1].total.adds_gated, r[0].total.adds);
    /* lane_adds_nonzero: the lanes with a nonzero weight, gated or not, per
     * core; against a count from the weights and events themselves */
    uint64_t nz = 0, wnz = 0, nzs = 0; /* tiles 32 x 32, 4 lanes: words j / 4 of a block */
    for (size_t e = 0; e < nev; e++)
        for (size_t j0 = 0; j0 < 70; j0 += 4) {
            int any = 0;
            for (size_t j = j0; j < j0 + 4 && j < 70; j++) {
                nz += qw.q[j * 90 + ev[e].axon] != 0;
                nzs += (uint64_t)(qw.q[j * 90 + ev[e].axon] != 0) * ev[e].shift;
                any |= qw.q[j * 90 + ev[e].axon] != 0;
            }
            wnz += (uint64_t)any;
        }
    for (int g = 0; g < 2; g++) {
        cr_assert_eq(r[g].total.lane_adds_nonzero, nz, "zero_gating %d", g);
        cr_assert_eq(r[g].total.sram_words_nonzero, wnz, "zero_gating %d", g);
        cr_assert_eq(r[g].total.lane_adds_shift, nzs, "zero_gating %d", g);
    }
    cr_assert_gt(nzs, 0);
    cr_assert_lt(r[0].total.lane_adds_nonzero, r[0].total.adds);
    cr_assert_lt(r[0].total.sram_words_nonzero, r[0].total.sram_words);
    for (size_t k = 0; k < r[0].cores; k++) {
        cr_assert_eq(r[0].per_core[k].lane_adds_nonzero, r[1].per_core[k].adds, "core %zu", k);
        cr_assert_eq(r[0].per_core[k].sram_words_nonzero, r[1].per_core[k].sram_words, "core %zu",
                     k);
    }
    sim_free(s[0]);
    sim_free(s[1]);
    free(ev);
    map_qweight_free(&qw);
}

/* Events from spike/'s spike_events (every coding, auto and per-token T)
 * equal the test's own codings and give the reference acc on a chip. */
Test(sim_chip, spike_events_every_coding)
{
    uint64_t st = 99;
    const size_t tokens = 3, in = 37, out = 29;
    map_qweight qw;
    tl_qweight(&qw, out, in, 0, 20, &st);
    int32_t counts[3 * 37];
    int32_t *ref = malloc(tokens * out * sizeof *ref);
    for (int cod = SPIKE_BINARY; cod <= SPIKE_BITWISE_2C; cod++)
        for (int mode = 0; mode < 2; mode++) {
            tl_counts(counts, tokens * in, (spike_coding)cod, 4, 30, &st);
            size_t ts[4], nev = 0;
            spike_event *ev = NULL;
            char *err = NULL;
            int steps = mode ? SPIKE_STEPS_TOKEN : SPIKE_STEPS_AUTO;
            cr_assert_eq(spike_events((spike_coding)cod, counts, tokens, in, steps, &ev, &nev, ts,
                                      NULL, &err),
                         AX_OK, "%s", err);
            if (!mode) {
                int T;
                cr_assert_eq(spike_steps_rule((spike_coding)cod, counts, tokens * in, &T, NULL),
                             AX_OK);
                size_t ts2[4], nev2;
                spike_event *ev2 = tl_events((spike_coding)cod, counts, tokens, in, T, &nev2, ts2);
                cr_assert_eq(nev, nev2, "coding %d: %zu events vs %zu", cod, nev, nev2);
                cr_assert_eq(memcmp(ev, ev2, nev * sizeof *ev), 0, "coding %d: events differ", cod);
                free(ev2);
            }
            sim_config c;
            sim_config_default(&c);
            c.rows = 10;
            c.cols = 7;
            c.lanes = 3;
            sim *s = NULL;
            cr_assert_eq(sim_new(&c, &qw, ev, nev, ts, tokens, &s, &err), AX_OK, "%s", err);
            cr_assert_eq(sim_run(s, &err), AX_OK, "%s", err);
            cr_assert_eq(gpu_ref_cpu(counts, tokens, &qw, ref, NULL), AX_OK);
            cr_assert_eq(memcmp(sim_acc(s), ref, tokens * out * sizeof *ref), 0,
                         "coding %d mode %d", cod, mode);
            sim_free(s);
            free(ev);
        }
    free(ref);
    map_qweight_free(&qw);
}

/* Edge cases: no tokens, a 1 x 1 layer, a token without spikes (lone EOT). */
Test(sim_chip, edge_shapes)
{
    sim_config c;
    sim_config_default(&c);
    map_qweight qw;
    uint64_t st = 4;
    tl_qweight(&qw, 1, 1, 0, 0, &st);
    qw.q[0] = -7;
    size_t ts0[1] = {0};
    sim *s = NULL;
    cr_assert_eq(sim_new(&c, &qw, NULL, 0, ts0, 0, &s, NULL), AX_OK);
    cr_assert_eq(sim_run(s, NULL), AX_OK);
    sim_report r;
    sim_get_report(s, &r);
    cr_assert_eq(r.duration, 0);
    cr_assert_eq(r.tokens_per_s, 0);
    sim_free(s);
    spike_event ev[1] = {{.token = 1, .axon = 0, .neg = 1, .shift = 3}};
    size_t ts[3] = {0, 0, 1};
    cr_assert_eq(sim_new(&c, &qw, ev, 1, ts, 2, &s, NULL), AX_OK);
    uint64_t n = 0;
    sim_observe(s, count_fn, &n);
    cr_assert_eq(sim_run(s, NULL), AX_OK);
    cr_assert_eq(sim_acc(s)[0], 0);
    cr_assert_eq(sim_acc(s)[1], 56); /* -(-7 << 3) */
    sim_get_report(s, &r);
    cr_assert_eq(r.total.eots, 2);
    cr_assert_eq(r.total.events, 1);
    /* lone EOT: a0 = 0, s0 = 1, o0 = 2, readout 64 beats (128 * 32 / 64) to 66;
     * event a1 = 1, s1 = 2, r1 = 10; EOT a2 = 2, s2 = 10, o1 = max(11, 66) = 66, end 130 */
    cr_assert_eq(r.duration, 130);
    sim_free(s);
    map_qweight_free(&qw);
}

/* lane_term_toggles (sim/sim_toggle.c) on a case worked by hand: one 4 x 4
 * core, 2 lanes (2 words per row), TW = max(32, 39) + 2 = 41 bits.
 *   axon 0 = outputs (3, -1 | 0, 0), event +, shift 2: lane 0 0 -> 3 (2
 *   toggles), lane 1 0 -> -4 (bits 2..40: 39); the all-zero word is skipped
 *   with zero gating, added without it: 3 -> 0 (2) and -4 -> 0 (39).
 *   axon 1 = outputs (0, 2 | -7, 5), event -, shift 0: terms (0, -2 | 7, -5):
 *   lane 0 0 -> 0 -> 7 (3), lane 1 0 -> -2 (bits 1..40: 40) -> -5 (...11110
 *   ^ ...11011 = 0b00101: 2).
 * Gating 41 + 45 = 86, without 82 + 45 = 127; the same on the stepped and
 * the fast path. */
/* The 4 x 4 core of the cases worked by hand: its report, zero gating g,
 * stepped (an observer) or fast; ntok tokens of the same two events. */
static void hand_case(int g, int stepped, size_t ntok, sim_report *r)
{
    static int8_t q[4 * 2] = {3, 0, -1, 2, 0, -7, 0, 5}; /* [out][in]: q[j * 2 + i] */
    static float scale[4] = {1, 1, 1, 1};
    map_qweight qw = {.out = 4, .in = 2, .group = 2, .ngroups = 1, .q = q, .scale = scale};
    spike_event ev[4] = {{0, 0, 0, 2, 0}, {0, 0, 1, 0, 1}, {1, 0, 0, 2, 0}, {1, 0, 1, 0, 1}};
    size_t ts[3] = {0, 2, 4};
    sim_config c;
    sim_config_default(&c);
    c.rows = 4, c.cols = 4, c.lanes = 2, c.acc_bits = 32, c.zero_gating = g;
    sim *s = NULL;
    char *err = NULL;
    cr_assert_eq(sim_new(&c, &qw, ev, 2 * ntok, ts, ntok, &s, &err), AX_OK, "%s", err);
    uint64_t n = 0;
    if (stepped)
        sim_observe(s, count_fn, &n);
    cr_assert_eq(sim_run(s, &err), AX_OK, "%s", err);
    sim_get_report(s, r);
    cr_assert_eq(r->per_core[0].lane_term_toggles, r->total.lane_term_toggles);
    cr_assert_eq(r->per_core[0].acc_write_toggles, r->total.acc_write_toggles);
    if (stepped)
        cr_assert_gt(n, 0);
    sim_free(s);
}

Test(sim_chip, lane_term_toggles_by_hand)
{
    for (int g = 0; g < 2; g++)
        for (int stepped = 0; stepped < 2; stepped++) {
            sim_report rr, *r = &rr;
            hand_case(g, stepped, 1, r);
            cr_assert_eq(r->total.lane_term_toggles, g ? 86u : 127u,
                         "zero_gating %d, stepped %d: %llu", g, stepped,
                         (unsigned long long)r->total.lane_term_toggles);
        }
}

/* acc_write_toggles and lane_term_toggles_seq (sim/sim_replay.c) on the case
 * above, worked by hand (A = 32 bits, TW = 41):
 *   writes: event 0 (+, shift 2): col 0 0 -> 12 (0b1100: 2), col 1 0 -> -4
 *   (0xFFFFFFFC: 30); event 1 (-, shift 0): col 1 -4 -> -6 (...11100 ^
 *   ...11010: 2), col 2 0 -> 7 (3), col 3 0 -> -5 (0xFFFFFFFB: 31); the zero
 *   lanes add 0 without gating (no toggle) or are gated: 68 either way.
 *   terms across events, gating: lane 0 0 -> 12 (2) -> 0 (2) -> 7 (3), lane 1
 *   0 -> -4 (39) -> -2 (1) -> -5 (2): 49 (lane_term_toggles, each event from
 *   zero, is 86); without gating event 0's second word leaves both lanes at
 *   0, so the count is lane_term_toggles' 127.
 *   read out: the sums 12, -6, 7, -5 in 32 bits: 2 + 30 + 3 + 31 = 66 set bits. */
Test(sim_chip, replayed_toggles_by_hand)
{
    for (int g = 0; g < 2; g++)
        for (int stepped = 0; stepped < 2; stepped++) {
            sim_report r;
            hand_case(g, stepped, 1, &r);
            cr_assert_eq(r.total.acc_write_toggles, 68u, "zero_gating %d, stepped %d: %llu", g,
                         stepped, (unsigned long long)r.total.acc_write_toggles);
            cr_assert_eq(r.total.lane_term_toggles_seq, g ? 49u : 127u,
                         "zero_gating %d, stepped %d: %llu", g, stepped,
                         (unsigned long long)r.total.lane_term_toggles_seq);
            cr_assert_eq(r.total.acc_readout_ones, 66u, "zero_gating %d, stepped %d: %llu", g,
                         stepped, (unsigned long long)r.total.acc_readout_ones);
        }
}

/* A second token starts from cleared accumulators, and the term operand
 * carries over: the same two events twice give 2 x 68 writes' toggles, and
 * the terms 49 + (event 0 of token 1 from event 1's last word (7, -5): lane 0
 * 7 -> 12 (0b0111 ^ 0b1100: 3), lane 1 -5 -> -4 (...11011 ^ ...11100: 3), then
 * as before 2 + 3 + 1 + 2) = 49 + 14 = 63; each token reads out the same
 * sums: 2 x 66 set bits. */
Test(sim_chip, replayed_toggles_second_token)
{
    sim_report r;
    hand_case(1, 0, 2, &r);
    cr_assert_eq(r.total.acc_write_toggles, 136u, "%llu",
                 (unsigned long long)r.total.acc_write_toggles);
    cr_assert_eq(r.total.lane_term_toggles_seq, 63u, "%llu",
                 (unsigned long long)r.total.lane_term_toggles_seq);
    cr_assert_eq(r.total.acc_readout_ones, 132u, "%llu",
                 (unsigned long long)r.total.acc_readout_ones);
}

/* Above its budget the replay is a fixed sample of (batch, core) pairs: on a
 * 2 x 2-core layer of 256 tokens the estimate from about a tenth of the
 * pairs is within 5 % of the exact count (a replay that forgot to scale the
 * sample up, or scaled it by the wrong cores' events, is off by far more),
 * every core's value is its events times the sample's toggles per event, and
 * the estimate is the same on the stepped path and on 1 and 3 threads. */
#include "../sim/sim_int.h" /* sim.replay_budget */
static void replay_run(const map_qweight *qw, const spike_event *ev, size_t nev, const size_t *ts,
                       size_t tokens, uint64_t budget, int threads, int stepped, sim_report *r,
                       sim_counters *pc)
{
    sim_config c;
    sim_config_default(&c);
    c.rows = 32, c.cols = 32, c.lanes = 8, c.acc_bits = 32;
    sim_exec x;
    sim_exec_default(&x);
    x.threads = threads;
    sim *s = NULL;
    char *err = NULL;
    cr_assert_eq(sim_new_ex(&c, qw, ev, nev, ts, tokens, &x, &s, &err), AX_OK, "%s", err);
    s->replay_budget = budget;
    uint64_t n = 0;
    if (stepped)
        sim_observe(s, count_fn, &n);
    cr_assert_eq(sim_run(s, &err), AX_OK, "%s", err);
    sim_get_report(s, r);
    memcpy(pc, r->per_core, r->cores * sizeof *pc);
    sim_free(s);
}

Test(sim_chip, replayed_toggles_sampled_above_the_budget)
{
    uint64_t st = 77;
    map_qweight qw;
    tl_qweight(&qw, 64, 64, 0, 30, &st);
    const size_t tokens = 256;
    int32_t *cnt = malloc(tokens * 64 * sizeof *cnt);
    tl_counts(cnt, tokens * 64, SPIKE_BITWISE_SIGNED, 4, 60, &st);
    size_t nev = 0, ts[257];
    spike_event *ev = tl_events(SPIKE_BITWISE_SIGNED, cnt, tokens, 64, 4, &nev, ts);
    sim_report ex, sm, o;
    sim_counters pex[4], psm[4], po[4];
    replay_run(&qw, ev, nev, ts, tokens, 0, 1, 0, &ex, pex); /* whole: under 2^22 slots */
    cr_assert_eq(ex.cores, 4);
    uint64_t slots = (uint64_t)nev * 2 /* column blocks */ * 32;
    cr_assert_lt(slots, 1u << 22);
    replay_run(&qw, ev, nev, ts, tokens, slots / 10, 1, 0, &sm, psm);
    const uint64_t *e2[3] = {&ex.total.acc_write_toggles, &ex.total.lane_term_toggles_seq,
                             &ex.total.acc_readout_ones};
    const uint64_t *s2[3] = {&sm.total.acc_write_toggles, &sm.total.lane_term_toggles_seq,
                             &sm.total.acc_readout_ones};
    for (int i = 0; i < 3; i++) {
        double d = (double)*s2[i] / (double)*e2[i] - 1;
        cr_assert(d > -0.05 && d < 0.05, "counter %d: sample %llu, exact %llu (%+.1f %%)", i,
                  (unsigned long long)*s2[i], (unsigned long long)*e2[i], 100 * d);
        cr_assert_neq(*s2[i], *e2[i], "counter %d: the small budget replayed everything", i);
    }
    /* each core: its events times one ratio */
    for (int k = 1; k < 4; k++) {
        double a = (double)psm[k].acc_write_toggles / (double)psm[k].events,
               b = (double)psm[0].acc_write_toggles / (double)psm[0].events;
        cr_assert(fabs(a / b - 1) < 1e-3, "core %d: %.4f toggles per event, core 0 %.4f", k, a, b);
    }
    for (int v = 0; v < 3; v++) {
        replay_run(&qw, ev, nev, ts, tokens, slots / 10, v == 2 ? 3 : 1, v == 0, &o, po);
        cr_assert_eq(o.total.acc_write_toggles, sm.total.acc_write_toggles, "variant %d", v);
        cr_assert_eq(o.total.lane_term_toggles_seq, sm.total.lane_term_toggles_seq, "variant %d",
                     v);
        cr_assert_eq(o.total.acc_readout_ones, sm.total.acc_readout_ones, "variant %d", v);
        for (int k = 0; k < 4; k++)
            cr_assert_eq(po[k].acc_write_toggles, psm[k].acc_write_toggles, "variant %d", v);
    }
    free(ev);
    free(cnt);
    map_qweight_free(&qw);
}
