/* Unit tests of DRAM weight streaming (sim/sim_dram.c): stamps computed by
 * hand (burst ready times, the double-buffered weight buffer that makes
 * token n+2 wait for token n's EOT), the burst counts against the mapper's
 * layout model (map_layout_bursts), exact acc and fast == stepped. */
#include <criterion/criterion.h>

#include "../gpu/gpu.h"
#include "sim_testlib.h"

typedef struct {
    int64_t a[16];
    int n;
} accepts;

static void acc_fn(void *u, const sim_obs *o)
{
    accepts *a = u;
    if (o->kind == SIM_OBS_ACCEPT && a->n < 16)
        a->a[a->n++] = o->time;
}

/* R = C = 4, W = 2, B = 2 beats; bursts of 8 bytes = 2 rows (2 per tile),
 * 4 bytes/cycle: 2 cycles per burst, latency 10.
 * token 0: axons 0, 3 (bursts 0, 1), fetch from 0: ready 12, 14
 * token 1: axon 0 (burst 0), fetch from max(channel free 4, -) = 4: ready 16
 * token 2: axon 3 (burst 1), fetch from max(6, EOT of token 0 started 17): 29 */
Test(sim_dram, hand_stamps)
{
    sim_config c;
    tl_small_cfg(&c);
    c.dram = 1;
    c.dram_burst_bytes = 8;
    c.dram_bytes_per_cycle = 4;
    c.dram_latency = 10;
    map_qweight qw;
    uint64_t st = 1;
    tl_qweight(&qw, 4, 4, 0, 0, &st);
    memset(qw.q, 1, 16);
    spike_event ev[4] = {{.token = 0, .axon = 0},
                         {.token = 0, .axon = 3},
                         {.token = 1, .axon = 0},
                         {.token = 2, .axon = 3}};
    size_t ts[4] = {0, 2, 3, 4};
    sim *s = NULL;
    char *err = NULL;
    cr_assert_eq(sim_new(&c, &qw, ev, 4, ts, 3, &s, &err), AX_OK, "%s", err);
    accepts a = {0};
    sim_observe(s, acc_fn, &a);
    cr_assert_eq(sim_run(s, &err), AX_OK, "%s", err);
    int64_t want[7] = {12, 14, 15, 16, 17, 29, 30};
    cr_assert_eq(a.n, 7);
    for (int i = 0; i < 7; i++)
        cr_assert_eq(a.a[i], want[i], "accept %d at %lld, want %lld", i, (long long)a.a[i],
                     (long long)want[i]);
    sim_report r;
    sim_get_report(s, &r);
    cr_assert_eq(r.duration, 35);
    cr_assert_eq(r.total.dram_bursts, 4);
    cr_assert_eq(r.total.dram_bursts_skipped, 2);
    /* accepts pushed by the weights: 12 - 0, 14 - 13, 0, 29 - 18 */
    cr_assert_eq(r.total.stall_dram, 12 + 1 + 0 + 11);
    cr_assert_eq(sim_acc(s)[0], 2);
    cr_assert_eq(sim_acc(s)[4], 1);
    cr_assert_eq(sim_acc(s)[8], 1);
    sim_free(s);
    map_qweight_free(&qw);
}

static void random_dram(uint64_t seed, sim_timing timing)
{
    uint64_t st = seed;
    size_t in = 20 + tl_rand(&st) % 120, out = 10 + tl_rand(&st) % 90,
           tokens = 1 + tl_rand(&st) % 5;
    sim_config c;
    sim_config_default(&c);
    c.timing = timing;
    c.rows = 8 + (int)(tl_rand(&st) % 40);
    c.cols = 4 + (int)(tl_rand(&st) % 40);
    c.lanes = 1 + (int)(tl_rand(&st) % 8);
    c.dram = 1;
    c.dram_burst_bytes = 8 << (tl_rand(&st) % 4);
    c.dram_latency = (int)(tl_rand(&st) % 50);
    map_qweight qw;
    tl_qweight(&qw, out, in, 0, 30, &st);
    int32_t *counts = malloc(tokens * in * sizeof *counts);
    tl_counts(counts, tokens * in, SPIKE_TERNARY, 3, 85, &st);
    size_t *ts = malloc((tokens + 1) * sizeof *ts), nev;
    spike_event *ev = tl_events(SPIKE_TERNARY, counts, tokens, in, 3, &nev, ts);
    sim *fast = NULL, *step = NULL;
    char *err = NULL;
    cr_assert_eq(sim_new(&c, &qw, ev, nev, ts, tokens, &fast, &err), AX_OK, "%s", err);
    cr_assert_eq(sim_run(fast, &err), AX_OK, "%s", err);
    cr_assert_eq(sim_new(&c, &qw, ev, nev, ts, tokens, &step, &err), AX_OK, "%s", err);
    accepts a = {0};
    sim_observe(step, acc_fn, &a);
    cr_assert_eq(sim_run(step, &err), AX_OK, "%s", err);
    sim_report r, r2;
    sim_get_report(fast, &r);
    sim_get_report(step, &r2);
    cr_assert_eq(r.duration, r2.duration, "seed %llu", (unsigned long long)seed);
    cr_assert_eq(memcmp(&r.total, &r2.total, sizeof r.total), 0, "seed %llu",
                 (unsigned long long)seed);
    int32_t *ref = malloc(tokens * out * sizeof *ref);
    cr_assert_eq(gpu_ref_cpu(counts, tokens, &qw, ref, NULL), AX_OK);
    cr_assert_eq(memcmp(ref, sim_acc(fast), tokens * out * sizeof *ref), 0);
    map_tiling t;
    cr_assert_eq(map_tiling_make(out, in, c.rows, c.cols, &t, NULL), AX_OK);
    uint64_t stored = 0;
    uint64_t fetched = map_layout_bursts(counts, tokens, NULL, &t, (size_t)c.dram_burst_bytes,
                                         &stored);
    cr_assert_eq(r.total.dram_bursts, fetched, "seed %llu: %llu bursts, mapper %llu",
                 (unsigned long long)seed, (unsigned long long)r.total.dram_bursts,
                 (unsigned long long)fetched);
    cr_assert_eq(r.total.dram_bursts + r.total.dram_bursts_skipped, stored * tokens);
    /* streaming never makes a run faster than resident weights */
    sim *res = NULL;
    c.dram = 0;
    cr_assert_eq(sim_new(&c, &qw, ev, nev, ts, tokens, &res, &err), AX_OK, "%s", err);
    cr_assert_eq(sim_run(res, &err), AX_OK, "%s", err);
    sim_report r0;
    sim_get_report(res, &r0);
    cr_assert_geq(r.duration, r0.duration);
    cr_assert_eq(r0.total.dram_bursts, 0);
    sim_free(res);
    sim_free(fast);
    sim_free(step);
    free(ref);
    free(ev);
    free(ts);
    free(counts);
    map_qweight_free(&qw);
}

Test(sim_dram, bursts_match_mapper_sync)
{
    for (uint64_t seed = 1; seed <= 10; seed++)
        random_dram(seed * 7919, SIM_SYNC);
}

Test(sim_dram, bursts_match_mapper_async)
{
    for (uint64_t seed = 1; seed <= 5; seed++)
        random_dram(seed * 104729, SIM_ASYNC);
}
