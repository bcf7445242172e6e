/* Unit tests of the single-core model (sim/sim_core.c through the chip with
 * one core): stamps computed by hand from docs/core-timing.md for one event,
 * back-to-back events, a full FIFO, readout overlap with double buffering
 * on/off, SRAM latency, async 2- and 4-phase; observer time order; the
 * READOUT_DONE accumulators; zero gating; overflow at A bits. */
#include <criterion/criterion.h>

#include "sim_testlib.h"

typedef struct {
    int n;
    int kind[256];
    int64_t t[256];
    int64_t item[256];
    int word[256];
    int skipped[256];
    int32_t acc[8][64];
    int nacc;
} rec;

static void rec_fn(void *u, const sim_obs *o)
{
    rec *r = u;
    if (r->n < 256) {
        r->kind[r->n] = o->kind;
        r->t[r->n] = o->time;
        r->item[r->n] = o->item;
        r->word[r->n] = o->word;
        r->skipped[r->n] = o->skipped;
        r->n++;
    }
    if (o->kind == SIM_OBS_READOUT_DONE && r->nacc < 8) {
        cr_assert_not_null(o->acc);
        memcpy(r->acc[r->nacc++], o->acc, (size_t)o->nacc * 4);
    }
}

/* Times of observations of one kind, in order. */
static int times_of(const rec *r, int kind, int64_t *out)
{
    int n = 0;
    for (int i = 0; i < r->n; i++)
        if (r->kind[i] == kind)
            out[n++] = r->t[i];
    return n;
}

static void expect(const rec *r, int kind, const int64_t *want, int n)
{
    int64_t got[256];
    int m = times_of(r, kind, got);
    cr_assert_eq(m, n, "kind %d: %d stamps, want %d", kind, m, n);
    for (int i = 0; i < n; i++)
        cr_assert_eq(got[i], want[i], "kind %d stamp %d: %lld, want %lld", kind, i,
                     (long long)got[i], (long long)want[i]);
}

/* One core, weights all 1, events: per token a list of axons (shift 0). */
static sim *mk(const sim_config *cfg, map_qweight *qw, spike_event *ev, size_t *ts, int tokens,
               const int *per_tok, rec *r)
{
    uint64_t st = 1;
    tl_qweight(qw, (size_t)cfg->cols, (size_t)cfg->rows, 0, 0, &st);
    memset(qw->q, 1, qw->out * qw->in);
    size_t n = 0;
    for (int t = 0; t < tokens; t++) {
        ts[t] = n;
        for (int i = 0; i < per_tok[t]; i++)
            ev[n++] = (spike_event){.token = (uint32_t)t, .axon = (uint32_t)i};
    }
    ts[tokens] = n;
    sim *s = NULL;
    char *err = NULL;
    cr_assert_eq(sim_new(cfg, qw, ev, n, ts, (size_t)tokens, &s, &err), AX_OK, "%s", err);
    memset(r, 0, sizeof *r);
    sim_observe(s, rec_fn, r);
    cr_assert_eq(sim_run(s, &err), AX_OK, "%s", err);
    return s;
}

Test(sim_core, one_event)
{
    sim_config c;
    tl_small_cfg(&c);
    map_qweight qw;
    spike_event ev[8];
    size_t ts[4];
    rec r;
    sim *s = mk(&c, &qw, ev, ts, 1, (int[]){1}, &r);
    expect(&r, SIM_OBS_ACCEPT, (int64_t[]){0, 1}, 2);
    expect(&r, SIM_OBS_START, (int64_t[]){1, 3}, 2);
    expect(&r, SIM_OBS_SRAM_READ, (int64_t[]){1, 2}, 2);
    expect(&r, SIM_OBS_READOUT_BEAT, (int64_t[]){4, 5}, 2);
    expect(&r, SIM_OBS_READOUT_DONE, (int64_t[]){6}, 1);
    sim_report rep;
    sim_get_report(s, &rep);
    cr_assert_eq(rep.duration, 6);
    cr_assert_eq(rep.cores, 1);
    cr_assert_float_eq(rep.duration_ns, 12.0, 1e-9); /* 500 MHz */
    cr_assert_eq(r.nacc, 1);
    for (int j = 0; j < 4; j++)
        cr_assert_eq(r.acc[0][j], 1);
    cr_assert_eq(rep.total.active, 6 - 1); /* busy [1,3) [3,4) readout [4,6) */
    cr_assert_float_eq(rep.latency_ns_per_token, 12.0, 1e-9);
    cr_assert_float_eq(rep.service_latency_ns, 12.0, 1e-9); /* first accept at 0 */
    cr_assert_float_eq(rep.drain_ns, 6.0, 1e-9);            /* EOT starts at 3, end 6 */
    cr_assert_float_eq(rep.fill_ns, 12.0, 1e-9);
    sim_free(s);
    map_qweight_free(&qw);
}

Test(sim_core, back_to_back_events)
{
    sim_config c;
    tl_small_cfg(&c);
    map_qweight qw;
    spike_event ev[8];
    size_t ts[4];
    rec r;
    sim *s = mk(&c, &qw, ev, ts, 1, (int[]){3}, &r);
    expect(&r, SIM_OBS_ACCEPT, (int64_t[]){0, 1, 2, 3}, 4);
    expect(&r, SIM_OBS_START, (int64_t[]){1, 3, 5, 7}, 4);
    expect(&r, SIM_OBS_SRAM_READ, (int64_t[]){1, 2, 3, 4, 5, 6}, 6);
    expect(&r, SIM_OBS_READOUT_BEAT, (int64_t[]){8, 9}, 2);
    cr_assert_eq(sim_now(s), 10);
    for (int j = 0; j < 4; j++)
        cr_assert_eq(r.acc[0][j], 3);
    sim_free(s);
    map_qweight_free(&qw);
}

Test(sim_core, fifo_full)
{
    sim_config c;
    tl_small_cfg(&c);
    c.fifo_depth = 1;
    map_qweight qw;
    spike_event ev[8];
    size_t ts[4];
    rec r;
    sim *s = mk(&c, &qw, ev, ts, 1, (int[]){3}, &r);
    expect(&r, SIM_OBS_ACCEPT, (int64_t[]){0, 1, 3, 5}, 4);
    expect(&r, SIM_OBS_START, (int64_t[]){1, 3, 5, 7}, 4);
    expect(&r, SIM_OBS_STALL, (int64_t[]){2, 4}, 2);
    sim_report rep;
    sim_get_report(s, &rep);
    cr_assert_eq(rep.total.stall_fifo, 2);
    cr_assert_float_eq(rep.drain_ns, 6.0, 1e-9); /* EOT starts at 7, end 10 */
    cr_assert_eq(rep.duration, 10);
    sim_free(s);
    map_qweight_free(&qw);
}

static void two_tokens(int db, const int64_t *start, const int64_t *beats, int64_t end)
{
    sim_config c;
    tl_small_cfg(&c);
    c.acc_bits = 16; /* B = 4*16/16 = 4 beats */
    c.double_buffer = db;
    map_qweight qw;
    spike_event ev[8];
    size_t ts[4];
    rec r;
    sim *s = mk(&c, &qw, ev, ts, 2, (int[]){1, 1}, &r);
    expect(&r, SIM_OBS_ACCEPT, (int64_t[]){0, 1, 2, 3}, 4);
    expect(&r, SIM_OBS_START, start, 4);
    expect(&r, SIM_OBS_READOUT_BEAT, beats, 8);
    sim_report rep;
    sim_get_report(s, &rep);
    cr_assert_eq(rep.duration, end);
    sim_free(s);
    map_qweight_free(&qw);
}

Test(sim_core, readout_overlap_double_buffer_on)
{
    two_tokens(1, (int64_t[]){1, 3, 4, 6}, (int64_t[]){4, 5, 6, 7, 8, 9, 10, 11}, 12);
}

Test(sim_core, readout_blocks_without_double_buffer)
{
    two_tokens(0, (int64_t[]){1, 3, 8, 10}, (int64_t[]){4, 5, 6, 7, 11, 12, 13, 14}, 15);
}

Test(sim_core, sram_latency)
{
    sim_config c;
    tl_small_cfg(&c);
    c.sram_latency = 5;
    map_qweight qw;
    spike_event ev[8];
    size_t ts[4];
    rec r;
    sim *s = mk(&c, &qw, ev, ts, 1, (int[]){1}, &r);
    /* EOT starts at 3, readout at max(3 + 5, -inf) = 8 */
    expect(&r, SIM_OBS_READOUT_BEAT, (int64_t[]){8, 9}, 2);
    cr_assert_eq(sim_now(s), 10);
    sim_free(s);
    map_qweight_free(&qw);
}

static void async_case(sim_handshake hs, int64_t s0, int64_t r0, int64_t o, int64_t end)
{
    sim_config c;
    tl_small_cfg(&c);
    c.timing = SIM_ASYNC;
    c.handshake = hs;
    map_qweight qw;
    spike_event ev[8];
    size_t ts[4];
    rec r;
    int64_t h = hs == SIM_HS_4PHASE ? 200 : 100;
    sim *s = mk(&c, &qw, ev, ts, 1, (int[]){1}, &r);
    expect(&r, SIM_OBS_ACCEPT, (int64_t[]){0, h}, 2);
    expect(&r, SIM_OBS_START, (int64_t[]){s0, r0}, 2);
    expect(&r, SIM_OBS_SRAM_READ, (int64_t[]){s0, s0 + (r0 - s0) / 2}, 2);
    int64_t q = (end - o) / 2;
    expect(&r, SIM_OBS_READOUT_BEAT, (int64_t[]){o, o + q}, 2);
    sim_report rep;
    sim_get_report(s, &rep);
    cr_assert_eq(rep.duration, end);
    cr_assert_str_eq(rep.time_unit, "ps");
    cr_assert_eq(rep.total.handshakes, 6); /* 2 accepts, 2 words, 2 beats */
    sim_free(s);
    map_qweight_free(&qw);
}

/* 4-phase: hs = 200, P = 800 + 200, Q = 400 + 200, lat = 1200:
 * s0 = 300, r0 = 2300, o = 3500, end = 3500 + 2 * 600. */
Test(sim_core, async_4phase)
{
    async_case(SIM_HS_4PHASE, 300, 2300, 3500, 4700);
}
/* 2-phase: hs = 100, P = 900, Q = 500: r0 = 2100, o = 3300, end = 4300. */
Test(sim_core, async_2phase)
{
    async_case(SIM_HS_2PHASE, 300, 2100, 3300, 4300);
}

Test(sim_core, observer_time_order_and_gating)
{
    sim_config c;
    sim_config_default(&c);
    c.rows = 8;
    c.cols = 40;
    c.lanes = 16; /* W = 3, last word 8 lanes */
    map_qweight qw;
    uint64_t st = 7;
    tl_qweight(&qw, 40, 8, 0, 0, &st);
    for (size_t j = 16; j < 32; j++) /* word 1 of every row is all zero */
        for (size_t i = 0; i < 8; i++)
            qw.q[j * 8 + i] = 0;
    int32_t counts[2 * 8] = {1, 0, 2, 0, 0, 0, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    size_t ts[3], nev;
    spike_event *ev = tl_events(SPIKE_BITWISE, counts, 2, 8, 2, &nev, ts);
    sim *s = NULL;
    rec r = {0};
    cr_assert_eq(sim_new(&c, &qw, ev, nev, ts, 2, &s, NULL), AX_OK);
    sim_observe(s, rec_fn, &r);
    int steps = 0;
    int64_t last = -1;
    while (sim_step(s)) {
        cr_assert_geq(sim_now(s), last);
        last = sim_now(s);
        steps++;
    }
    cr_assert_eq(sim_run(s, NULL), AX_OK);
    cr_assert_gt(steps, 0);
    for (int i = 1; i < r.n; i++)
        cr_assert_geq(r.t[i], r.t[i - 1], "observations out of time order at %d", i);
    int skipped = 0, reads = 0;
    for (int i = 0; i < r.n; i++)
        if (r.kind[i] == SIM_OBS_SRAM_READ) {
            reads++;
            skipped += r.skipped[i];
            cr_assert_eq(r.skipped[i], r.word[i] == 1);
        }
    sim_report rep;
    sim_get_report(s, &rep);
    cr_assert_eq((uint64_t)reads, rep.total.events * 3);
    cr_assert_eq((uint64_t)skipped, rep.total.sram_words_skipped);
    cr_assert_eq(r.nacc, 2);
    for (int j = 0; j < 40; j++) {
        int32_t want = 0;
        for (int i = 0; i < 8; i++)
            want += counts[i] * qw.q[j * 8 + i];
        cr_assert_eq(r.acc[0][j], want, "acc[%d] %d want %d", j, r.acc[0][j], want);
        cr_assert_eq(r.acc[1][j], 0);
        cr_assert_eq(sim_acc(s)[j], want);
    }
    sim_free(s);
    free(ev);
    map_qweight_free(&qw);
}

Test(sim_core, overflow_at_acc_bits)
{
    sim_config c;
    tl_small_cfg(&c); /* A = 8 */
    map_qweight qw;
    uint64_t st = 3;
    tl_qweight(&qw, 4, 4, 0, 0, &st);
    memset(qw.q, 100, 16);
    int32_t counts[4] = {1, 1, 0, 0}; /* 200 does not fit int8 */
    size_t ts[2], nev;
    spike_event *ev = tl_events(SPIKE_BINARY, counts, 1, 4, 1, &nev, ts);
    sim *s = NULL;
    char *err = NULL;
    cr_assert_eq(sim_new(&c, &qw, ev, nev, ts, 1, &s, NULL), AX_OK);
    cr_assert_eq(sim_run(s, &err), AX_EOVERFLOW);
    cr_assert_not_null(strstr(err, "8 bits"), "%s", err);
    free(err);
    cr_assert_eq(sim_acc(s)[0], (int32_t)(int8_t)200); /* wrapped at 8 bits */
    sim_free(s);
    c.acc_bits = 9; /* 200 fits 9 bits */
    cr_assert_eq(sim_new(&c, &qw, ev, nev, ts, 1, &s, NULL), AX_OK);
    cr_assert_eq(sim_run(s, NULL), AX_OK);
    cr_assert_eq(sim_acc(s)[0], 200);
    sim_free(s);
    free(ev);
    map_qweight_free(&qw);
}

Test(sim_core, config_check_names_parameter)
{
    sim_config c;
    sim_config_default(&c);
    char *err = NULL;
    cr_assert_eq(sim_config_check(&c, &err), AX_OK);
    c.acc_bits = 40;
    cr_assert_eq(sim_config_check(&c, &err), AX_EPARAM);
    cr_assert_not_null(strstr(err, "acc_bits"), "%s", err);
    free(err);
    err = NULL;
    sim_config_default(&c);
    c.lanes = 0;
    cr_assert_eq(sim_config_check(&c, &err), AX_EPARAM);
    cr_assert_not_null(strstr(err, "lanes"), "%s", err);
    free(err);
}

/* The hand case the RTL is checked against (R = C = 32, L = 8, W = 4,
 * B = 16): two events in token 0 (axon 0; axon 1 negative with shift 2),
 * then a lone EOT. Stamps from docs/core-timing.md: a = 0,1,2,3; s = 1, 5,
 * 9, 10; reads 1..8; o0 = 10, o1 = max(11, 26) = 26; end 42. */
Test(sim_core, rtl_hand_case)
{
    sim_config c;
    sim_config_default(&c);
    c.rows = 32;
    c.cols = 32;
    c.lanes = 8;
    map_qweight qw;
    uint64_t st = 1;
    tl_qweight(&qw, 32, 32, 0, 100, &st);
    for (int j = 0; j < 32; j++) {
        qw.q[j * 32 + 0] = (int8_t)(j + 1);
        qw.q[j * 32 + 1] = 1;
    }
    spike_event ev[2] = {{.token = 0, .axon = 0}, {.token = 0, .axon = 1, .neg = 1, .shift = 2}};
    size_t ts[3] = {0, 2, 2};
    sim *s = NULL;
    rec r = {0};
    cr_assert_eq(sim_new(&c, &qw, ev, 2, ts, 2, &s, NULL), AX_OK);
    sim_observe(s, rec_fn, &r);
    cr_assert_eq(sim_run(s, NULL), AX_OK);
    expect(&r, SIM_OBS_ACCEPT, (int64_t[]){0, 1, 2, 3}, 4);
    expect(&r, SIM_OBS_START, (int64_t[]){1, 5, 9, 10}, 4);
    expect(&r, SIM_OBS_SRAM_READ, (int64_t[]){1, 2, 3, 4, 5, 6, 7, 8}, 8);
    int64_t beats[32];
    for (int b = 0; b < 32; b++)
        beats[b] = 10 + b;
    expect(&r, SIM_OBS_READOUT_BEAT, beats, 32);
    expect(&r, SIM_OBS_READOUT_DONE, (int64_t[]){26, 42}, 2);
    cr_assert_eq(sim_now(s), 42);
    for (int j = 0; j < 32; j++) {
        cr_assert_eq(r.acc[0][j], j + 1 - 4);
        cr_assert_eq(r.acc[1][j], 0);
    }
    sim_free(s);
    map_qweight_free(&qw);
}
