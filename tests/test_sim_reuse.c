/* Unit tests of the row-reuse core (docs/core-timing.md "Row reuse"):
 * against the plain core on the same stream, the accumulators are equal bit
 * for bit and the stamps, duration and latencies are the same; events, adds,
 * adds_gated and acc_writes are unchanged; sram_rows_read equals the number
 * of distinct (batch, axon) pairs with an event, counted here independently
 * per core from the event stream, and the per-core invariant sram_words +
 * sram_words_skipped == sram_rows_read * W holds; a reusing event issues no
 * SRAM_READ observation while its start keeps its W word slots; the row order
 * is (token, axon, step); the refused combinations name the parameter.
 * Token batches (docs/core-timing.md "Token batches"): the (batch, axon,
 * token, step) order, the same accumulators, and the stamps of a single core
 * against a reference written here from that page's rules (the batch's EOTs
 * after its events, only the closing EOT holds the read stage, a token's
 * latency from the first accept of its batch), by hand on a small stream. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "sim_testlib.h"

typedef struct {
    int64_t reads, reads_first; /* SRAM_READ observations (core 0), of first events */
    int64_t starts;
    int64_t last_item;
} obs_count;

static void count_obs(void *u, const sim_obs *o)
{
    obs_count *c = u;
    if (o->core != 0)
        return;
    if (o->kind == SIM_OBS_SRAM_READ)
        c->reads++;
    if (o->kind == SIM_OBS_START)
        c->starts++;
}

typedef struct {
    ax_result rc;
    int32_t *acc;
    size_t nacc;
    sim_report r;
    sim_counters *pc;
    obs_count oc;
} res;

static void run(const sim_config *c, const map_qweight *qw, const spike_event *ev, size_t nev,
                const size_t *ts, size_t tokens, int stepped, res *o)
{
    sim *s = NULL;
    char *err = NULL;
    memset(o, 0, sizeof *o);
    cr_assert_eq(sim_new(c, qw, ev, nev, ts, tokens, &s, &err), AX_OK, "%s", err);
    if (stepped)
        sim_observe(s, count_obs, &o->oc);
    o->rc = sim_run(s, &err);
    free(err);
    o->nacc = tokens * qw->out * qw->ngroups;
    tl_take_outputs(s, o->nacc, &o->acc, &o->r, &o->pc);
    sim_free(s);
}

static void res_free(res *o)
{
    free(o->acc);
    free(o->pc);
}

/* distinct (token / batch, axon) pairs with an event among axons [lo, hi) */
static uint64_t pairs(const spike_event *ev, size_t nev, size_t tokens, size_t in, size_t lo,
                      size_t hi, int batch)
{
    uint8_t *seen = calloc((tokens / (size_t)batch + 1) * in, 1);
    uint64_t n = 0;
    for (size_t e = 0; e < nev; e++) {
        if (ev[e].axon < lo || ev[e].axon >= hi)
            continue;
        uint8_t *p = &seen[ev[e].token / (size_t)batch * in + ev[e].axon];
        n += !*p;
        *p = 1;
    }
    free(seen);
    return n;
}

static void random_case(uint64_t seed, spike_coding cod, int batch, int stepped)
{
    uint64_t st = seed;
    size_t in = 1 + tl_rand(&st) % 90, out = 1 + tl_rand(&st) % 90, tokens = 1 + tl_rand(&st) % 12;
    sim_config c;
    sim_config_default(&c);
    c.rows = 1 + (int)(tl_rand(&st) % 40);
    c.cols = 1 + (int)(tl_rand(&st) % 50);
    c.lanes = 1 + (int)(tl_rand(&st) % 17);
    c.fifo_depth = 1 + (int)(tl_rand(&st) % 5);
    c.sram_latency = 1 + (int)(tl_rand(&st) % 3);
    c.double_buffer = (int)(tl_rand(&st) % 2);
    c.zero_gating = (int)(tl_rand(&st) % 2);
    int T = cod == SPIKE_TERNARY ? 1 + (int)(tl_rand(&st) % 6) : 2 + (int)(tl_rand(&st) % 7);
    map_qweight qw;
    tl_qweight(&qw, out, in, 0, (int)(tl_rand(&st) % 60), &st);
    int32_t *counts = malloc(tokens * in * sizeof *counts);
    tl_counts(counts, tokens * in, cod, T, (int)(tl_rand(&st) % 80), &st);
    size_t *ts = malloc((tokens + 1) * sizeof *ts), nev;
    spike_event *ev = tl_events(cod, counts, tokens, in, T, &nev, ts);
    res off, on;
    run(&c, &qw, ev, nev, ts, tokens, stepped, &off);
    c.row_reuse = 1;
    c.batch_tokens = batch;
    run(&c, &qw, ev, nev, ts, tokens, stepped, &on);
    cr_assert_eq(off.rc, AX_OK);
    cr_assert_eq(on.rc, AX_OK, "seed %llu", (unsigned long long)seed);
    for (size_t i = 0; i < off.nacc; i++)
        cr_assert_eq(on.acc[i], off.acc[i], "seed %llu: acc[%zu] %d with reuse, %d without",
                     (unsigned long long)seed, i, on.acc[i], off.acc[i]);
    if (batch == 1) { /* batches change the order and the readouts: timed in batch_timing */
        cr_assert_eq(on.r.duration, off.r.duration, "seed %llu: duration",
                     (unsigned long long)seed);
        cr_assert_eq(on.r.latency_ns_per_token, off.r.latency_ns_per_token);
        cr_assert_eq(on.r.service_latency_ns, off.r.service_latency_ns);
        cr_assert_eq(on.r.drain_ns, off.r.drain_ns);
    }
    uint64_t W = (uint64_t)(c.cols + c.lanes - 1) / (uint64_t)c.lanes, saved = 0;
    for (size_t k = 0; k < on.r.cores; k++) {
        const sim_counters *a = &off.pc[k], *b = &on.pc[k];
        size_t rb = k / on.r.col_blocks, lo = rb * (size_t)c.rows,
               hi = lo + (size_t)c.rows < in ? lo + (size_t)c.rows : in;
        cr_assert_eq(b->events, a->events);
        cr_assert_eq(b->adds, a->adds);
        cr_assert_eq(b->adds_gated, a->adds_gated);
        cr_assert_eq(b->acc_writes, a->acc_writes);
        if (batch == 1) {
            cr_assert_eq(b->active, a->active);
            cr_assert_eq(b->stall_fifo, a->stall_fifo);
        }
        cr_assert_eq(b->eots, a->eots);
        cr_assert_eq(a->sram_rows_read, a->events, "without reuse a row per event");
        cr_assert_eq(b->sram_rows_read, pairs(ev, nev, tokens, in, lo, hi, batch),
                     "seed %llu core %zu: rows read %llu", (unsigned long long)seed, k,
                     (unsigned long long)b->sram_rows_read);
        cr_assert_eq(b->sram_words + b->sram_words_skipped, b->sram_rows_read * W);
        cr_assert_eq(a->sram_words + a->sram_words_skipped, a->sram_rows_read * W);
        cr_assert_leq(b->sram_words, a->sram_words);
        saved += a->sram_rows_read - b->sram_rows_read;
    }
    if (stepped && batch == 1) {
        /* every start keeps its slots; only the first event of a pair reads */
        cr_assert_eq(on.oc.starts, off.oc.starts);
        cr_assert_eq((uint64_t)on.oc.reads, on.pc[0].sram_rows_read * W,
                     "SRAM_READ observations (read or skipped) of core 0");
        cr_assert_eq((uint64_t)off.oc.reads, off.pc[0].events * W);
    }
    (void)saved;
    res_free(&off);
    res_free(&on);
    free(ev);
    free(ts);
    free(counts);
    map_qweight_free(&qw);
}

Test(sim_reuse, equal_acc_and_timing_fewer_rows_fast)
{
    for (uint64_t seed = 1; seed <= 8; seed++)
        for (int cod = SPIKE_TERNARY; cod <= SPIKE_BITWISE_2C; cod++)
            random_case(seed * 4099 + (uint64_t)cod, (spike_coding)cod, 1, 0);
}

Test(sim_reuse, equal_acc_and_timing_fewer_rows_stepped)
{
    for (uint64_t seed = 1; seed <= 6; seed++)
        random_case(seed * 7121, SPIKE_BITWISE_SIGNED, 1, 1);
}

Test(sim_reuse, batches_share_rows)
{
    for (uint64_t seed = 1; seed <= 6; seed++)
        random_case(seed * 3571, seed % 2 ? SPIKE_BITWISE : SPIKE_BITWISE_2C, 2 + (int)(seed % 7),
                    (int)(seed % 2));
}

/* A hand-made stream: one token, axon 0 with bit-planes 2 and 0, axon 1 with
 * plane 1 (events in (step, axon) order), then a second token with axon 0
 * again: three rows read without batching, two with --batch-tokens 2. */
Test(sim_reuse, hand_counted_rows)
{
    map_qweight qw;
    uint64_t st = 5;
    tl_qweight(&qw, 4, 2, 0, 0, &st);
    spike_event ev[] = {{.token = 0, .step = 0, .shift = 2, .axon = 0},
                        {.token = 0, .step = 1, .shift = 1, .axon = 1},
                        {.token = 0, .step = 2, .shift = 0, .axon = 0},
                        {.token = 1, .step = 0, .shift = 0, .axon = 0}};
    size_t ts[] = {0, 3, 4}, perm[4];
    char *err = NULL;
    cr_assert_eq(sim_row_order(ev, ts, 2, perm, &err), AX_OK);
    cr_assert_eq(perm[0], 0);
    cr_assert_eq(perm[1], 2, "axon 0's second plane right after its first");
    cr_assert_eq(perm[2], 1);
    cr_assert_eq(perm[3], 3);
    sim_config c;
    sim_config_default(&c);
    c.row_reuse = 1;
    res o;
    run(&c, &qw, ev, 4, ts, 2, 1, &o);
    cr_assert_eq(o.rc, AX_OK);
    cr_assert_eq(o.r.total.events, 4);
    cr_assert_eq(o.r.total.sram_rows_read, 3);
    for (size_t j = 0; j < 4; j++) {
        int32_t want0 = 5 * qw.q[j * 2 + 0] + 2 * qw.q[j * 2 + 1];
        cr_assert_eq(o.acc[j], want0, "token 0 output %zu", j);
        cr_assert_eq(o.acc[4 + j], qw.q[j * 2 + 0], "token 1 output %zu", j);
    }
    res_free(&o);
    c.batch_tokens = 2;
    run(&c, &qw, ev, 4, ts, 2, 0, &o);
    cr_assert_eq(o.r.total.sram_rows_read, 2);
    res_free(&o);
    map_qweight_free(&qw);
}

Test(sim_reuse, refused_combinations)
{
    sim_config c;
    char *err = NULL;
    sim_config_default(&c);
    c.row_reuse = 1;
    c.timing = SIM_ASYNC;
    cr_assert_eq(sim_config_check(&c, &err), AX_EPARAM);
    cr_assert(strstr(err, "row_reuse") && strstr(err, "async"), "%s", err);
    free(err);
    err = NULL;
    sim_config_default(&c);
    c.batch_tokens = 4;
    cr_assert_eq(sim_config_check(&c, &err), AX_EPARAM);
    cr_assert(strstr(err, "batch_tokens") && strstr(err, "--row-reuse on"), "%s", err);
    free(err);
    err = NULL;
    c.row_reuse = 1;
    c.batch_tokens = 65;
    cr_assert_eq(sim_config_check(&c, &err), AX_EPARAM);
    cr_assert(strstr(err, "batch_tokens = 65"), "%s", err);
    free(err);
    c.batch_tokens = 64;
    cr_assert_eq(sim_config_check(&c, NULL), AX_OK);
    c.dram = 1;
    err = NULL;
    cr_assert_eq(sim_config_check(&c, &err), AX_EPARAM);
    cr_assert(strstr(err, "batch_tokens = 64") && strstr(err, "dram"), "%s", err);
    free(err);
}

/* The rules of docs/core-timing.md "Token batches" for one core, written
 * out again: items per batch of N tokens are its events (each holds the read
 * stage W cycles) then its EOTs; returns the end; done[n] and arr0[n] (the
 * accept of the first item of token n's batch) per token. */
static int64_t ref_batch(const sim_config *c, const size_t *ts, size_t tokens, int N, int64_t *done,
                         int64_t *arr0)
{
    const int64_t NEG = INT64_MIN / 4, W = (c->cols + c->lanes - 1) / c->lanes,
                  B = ((int64_t)c->cols * c->acc_bits + c->readout_bits - 1) / c->readout_bits;
    int64_t *sr = malloc((size_t)c->fifo_depth * sizeof *sr);
    for (int i = 0; i < c->fifo_depth; i++)
        sr[i] = NEG;
    int64_t ap = NEG, rp = NEG, op = NEG, ob = NEG, end = 0, fa = 0;
    size_t k = 0;
    for (size_t n0 = 0; n0 < tokens; n0 += (size_t)N) {
        size_t n1 = n0 + (size_t)N < tokens ? n0 + (size_t)N : tokens;
        size_t nitems = ts[n1] - ts[n0] + (n1 - n0);
        for (size_t i = 0; i < nitems; i++, k++) {
            int64_t a = ap + 1 > sr[k % (size_t)c->fifo_depth] ? ap + 1
                                                               : sr[k % (size_t)c->fifo_depth];
            a = a < 0 ? 0 : a;
            int64_t s = a + 1 > rp ? a + 1 : rp, r;
            if (i == 0)
                fa = a;
            size_t ne = ts[n1] - ts[n0];
            if (i < ne) {
                r = s + W;
            } else {
                size_t n = n0 + (i - ne);
                int64_t o = s + c->sram_latency > op + B ? s + c->sram_latency : op + B;
                if ((n + 1) % (size_t)N == 0) {
                    r = c->double_buffer ? (s + 1 > ob + B ? s + 1 : ob + B) : o + B;
                    ob = o;
                } else {
                    r = s + 1;
                }
                op = o;
                done[n] = o + B;
                arr0[n] = fa;
                end = o + B;
            }
            sr[k % (size_t)c->fifo_depth] = s;
            ap = a;
            rp = r;
        }
    }
    free(sr);
    return end;
}

Test(sim_reuse, batch_timing_against_the_rules)
{
    for (uint64_t seed = 1; seed <= 40; seed++) {
        uint64_t st = seed * 7717;
        size_t in = 1 + tl_rand(&st) % 30, out = 1 + tl_rand(&st) % 40,
               tokens = 1 + tl_rand(&st) % 14;
        sim_config c;
        sim_config_default(&c);
        c.rows = (int)in;
        c.cols = (int)out;
        c.lanes = 1 + (int)(tl_rand(&st) % 9);
        c.fifo_depth = 1 + (int)(tl_rand(&st) % 4);
        c.sram_latency = 1 + (int)(tl_rand(&st) % 3);
        c.double_buffer = (int)(tl_rand(&st) % 2);
        c.readout_bits = 16 << (tl_rand(&st) % 3);
        c.row_reuse = 1;
        c.batch_tokens = 1 + (int)(tl_rand(&st) % 5);
        map_qweight qw;
        tl_qweight(&qw, out, in, 0, 30, &st);
        int32_t *counts = malloc(tokens * in * sizeof *counts);
        tl_counts(counts, tokens * in, SPIKE_BITWISE, 4, (int)(tl_rand(&st) % 90), &st);
        size_t *ts = malloc((tokens + 1) * sizeof *ts), nev;
        spike_event *ev = tl_events(SPIKE_BITWISE, counts, tokens, in, 4, &nev, ts);
        int64_t *done = malloc(tokens * sizeof *done), *arr0 = malloc(tokens * sizeof *arr0);
        int64_t end = ref_batch(&c, ts, tokens, c.batch_tokens, done, arr0);
        for (int stepped = 0; stepped <= 1; stepped++) {
            res o;
            run(&c, &qw, ev, nev, ts, tokens, stepped, &o);
            cr_assert_eq(o.rc, AX_OK);
            cr_assert_eq(o.r.cores, 1);
            cr_assert_eq(o.r.duration, end, "seed %llu N %d db %d: end %lld, rules %lld",
                         (unsigned long long)seed, c.batch_tokens, c.double_buffer,
                         (long long)o.r.duration, (long long)end);
            double ns = 1000.0 / c.clock_mhz, lat = 0, svc = 0, mx = 0;
            for (size_t n = 0; n < tokens; n++) {
                lat += (double)done[n] * ns;
                svc += (double)(done[n] - arr0[n]) * ns;
                mx = (double)done[n] * ns > mx ? (double)done[n] * ns : mx;
            }
            cr_assert_float_eq(o.r.latency_ns_per_token, lat / (double)tokens, 1e-9);
            cr_assert_float_eq(o.r.service_latency_ns, svc / (double)tokens, 1e-9,
                               "seed %llu: service latency %g ns, rules %g ns",
                               (unsigned long long)seed, o.r.service_latency_ns,
                               svc / (double)tokens);
            cr_assert_float_eq(o.r.max_latency_ns, mx, 1e-9);
            cr_assert_float_eq(o.r.fill_ns, (double)done[0] * ns, 1e-9);
            cr_assert_eq(o.r.total.eots, tokens);
            res_free(&o);
        }
        free(done);
        free(arr0);
        free(ev);
        free(ts);
        free(counts);
        map_qweight_free(&qw);
    }
}

/* By hand (docs/core-timing.md "Token batches"): W = 1 word, B = 2 beats,
 * Ls = 1, single bank; token 0 spikes on axon 0, token 1 on axons 0 and 1.
 * Batch of 2: items e(t0,a0) e(t1,a0) e(t1,a1) EOT0 EOT1 start in cycles
 * 1, 2, 3, 4, 5; EOT0 reads out in 5..6 and frees the read stage at once,
 * EOT1 in 7..8 and closes the batch: end 9, tokens done at 7 and 9, two rows
 * read. Without batches: e(t0,a0) EOT0 e(t1,a0) e(t1,a1) EOT1: EOT0 holds
 * the read stage until its readout ends (5), token 1 is done at 10. */
Test(sim_reuse, batch_timing_by_hand)
{
    map_qweight qw;
    uint64_t st = 9;
    tl_qweight(&qw, 4, 2, 0, 0, &st);
    spike_event ev[] = {{.token = 0, .step = 0, .shift = 0, .axon = 0},
                        {.token = 1, .step = 0, .shift = 1, .axon = 0},
                        {.token = 1, .step = 0, .shift = 0, .axon = 1}};
    size_t ts[] = {0, 1, 3}, perm[3];
    char *err = NULL;
    cr_assert_eq(sim_batch_order(ev, ts, 2, 2, perm, &err), AX_OK);
    cr_assert(perm[0] == 0 && perm[1] == 1 && perm[2] == 2, "axon 0 of both tokens, then axon 1");
    sim_config c;
    sim_config_default(&c);
    c.rows = 2;
    c.cols = 4;
    c.lanes = 4;
    c.double_buffer = 0;
    c.row_reuse = 1;
    res o;
    run(&c, &qw, ev, 3, ts, 2, 1, &o);
    cr_assert_eq(o.r.duration, 10);
    cr_assert_float_eq(o.r.fill_ns, 5 * 2.0, 1e-9);
    cr_assert_float_eq(o.r.latency_ns_per_token, (5 + 10) * 2.0 / 2, 1e-9);
    cr_assert_eq(o.r.total.sram_rows_read, 3);
    res_free(&o);
    c.batch_tokens = 2;
    for (int stepped = 0; stepped <= 1; stepped++) {
        run(&c, &qw, ev, 3, ts, 2, stepped, &o);
        cr_assert_eq(o.rc, AX_OK);
        cr_assert_eq(o.r.duration, 9);
        cr_assert_float_eq(o.r.fill_ns, 7 * 2.0, 1e-9, "token 0 waits for its batch");
        cr_assert_float_eq(o.r.max_latency_ns, 9 * 2.0, 1e-9);
        cr_assert_float_eq(o.r.service_latency_ns, (7 + 9) * 2.0 / 2, 1e-9,
                           "both tokens arrive with the batch's first item (cycle 0)");
        cr_assert_eq(o.r.total.sram_rows_read, 2);
        cr_assert_eq(o.r.total.stall_readout, 3,
                     "only the closing EOT holds the read stage (cycles 6..8)");
        for (size_t j = 0; j < 4; j++) {
            cr_assert_eq(o.acc[j], qw.q[j * 2 + 0], "token 0 output %zu", j);
            cr_assert_eq(o.acc[4 + j], 2 * qw.q[j * 2 + 0] + qw.q[j * 2 + 1], "token 1 output %zu",
                         j);
        }
        res_free(&o);
    }
    map_qweight_free(&qw);
}
