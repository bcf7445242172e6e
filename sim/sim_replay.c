/*
 * sim_replay — the switching that depends on the partial sums themselves:
 * acc_write_toggles, lane_term_toggles_seq and acc_readout_ones (sim.h SIM_COUNTERS; docs/sim.md
 * "Counters", docs/power.md "Calibration").
 *
 * What it models: a core's lane l adds, for every word w an event issues
 * (with zero gating its nonzero words), the term t = ±(q << shift) of column
 * w·L + l into the accumulator a of that column (rtl/axon_acc.sv). Three
 * quantities follow the data in the order the core sees it:
 *   acc_write_toggles     Σ over the registers written: popcount(a XOR (a + t))
 *                         in A bits (the flip-flops that change; a negative term
 *                         into a cleared or near-zero register flips every high
 *                         bit, a small term into a large sum only its low ones);
 *   lane_term_toggles_seq Σ over the lanes of every word added: popcount(t_prev
 *                         XOR t) in TW bits, t_prev the lane's previous term,
 *                         across events (lane_term_toggles, sim_toggle.c,
 *                         counts each event from zero instead);
 *   acc_readout_ones      Σ over the tokens: popcount of each of the core's
 *                         C partial sums in A bits when the token ends (read
 *                         out, then cleared: every set bit switches back).
 * All are the Hamming-distance ("dual bit type") activity of P. E. Landman
 * and J. M. Rabaey, IEEE Trans. VLSI Systems 3(2), 1995. The gate-level fit
 * needs them: without them the clock-gated cores' held-out streams miss by up
 * to 14 % (docs/power.md "Measured after v5").
 *
 * They need the partial sums in event order, which the fast path never forms
 * (it sums a run's rows in 16-bit partials and shifts by Horner, sim_simd.c).
 * So this pass replays the events of (batch, core) pairs in the core's item
 * order after the run, on every path alike (sim_chip_finish). A run of at
 * most SIM_REPLAY_BUDGET lane slots (word × lane additions) is replayed
 * whole and its counts are exact; a larger one replays the (batch, core)
 * pairs whose hash falls under budget / slots, a fixed sample of the layer,
 * and every core gets its events times the sampled toggles per event (an
 * estimate, the same on every path and thread count; docs/sim.md "Counters").
 */
#include "sim_int.h"

#include <stdlib.h>
#include <string.h>

static uint64_t mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* What one core's replay counted. */
typedef struct {
    uint64_t wtog, xtog, ones; /* the three counters over the replayed batches */
    uint64_t nev, neot;        /* events and ends of token replayed */
} replay_out;

typedef struct {
    struct sim *s;
    size_t nunit;    /* batches of tp.batch tokens */
    size_t *ustart;  /* [nrb][nunit + 1] first item of each batch in items[rb] */
    uint64_t thr;    /* a (rb, cb, batch) pair is replayed when its hash <= thr */
    replay_out *out; /* [ncores] */
    int64_t *acc;    /* [workers][batch][C] */
    int64_t *tprev;  /* [workers][L] */
    int8_t *row;     /* [workers][C] */
} replay_ctx;

/* The weights q[j0 + j][ax], j < n: a row of the batched kernels' chunks or
 * of the stepped path's transposed copy where one exists (contiguous: one
 * or two cache lines per event), else gathered from q into tmp. */
static const int8_t *event_row(const struct sim *s, size_t j0, size_t ax, size_t n, int8_t *tmp)
{
    if (s->wk && n && j0 / SIM_CW == (j0 + n - 1) / SIM_CW)
        return s->wk + ((j0 / SIM_CW) * s->in + ax) * SIM_CW + j0 % SIM_CW;
    if (s->wt)
        return s->wt + ax * s->outp + j0;
    for (size_t j = 0; j < n; j++)
        tmp[j] = s->wk ? s->wk[(((j0 + j) / SIM_CW) * s->in + ax) * SIM_CW + (j0 + j) % SIM_CW]
                       : s->qw->q[(j0 + j) * s->in + ax];
    return tmp;
}

static int pair_sampled(const replay_ctx *c, size_t core, size_t u)
{
    return c->thr == UINT64_MAX || mix64((uint64_t)core * 0x100000001B3ULL ^ (uint64_t)u) <= c->thr;
}

/* The events of the sampled batches of core (rb, cb), in item order. The
 * body is inlined twice: with the popcnt instruction where the CPU has it
 * (hw = 1, chosen at run time, as the accumulation kernels are), and with
 * sim_popcount64 for any other CPU (hw = 0); the same integers. */
#define POPC(x) (hw ? __builtin_popcountll(x) : sim_popcount64(x))
static inline __attribute__((always_inline)) void replay_body(void *p, size_t core, int worker,
                                                              const int hw)
{
    replay_ctx *c = p;
    struct sim *s = c->s;
    const size_t rb = core / s->ncb, cb = core % s->ncb;
    const size_t C = (size_t)s->cfg.cols, L = (size_t)s->cfg.lanes, W = (C + L - 1) / L;
    const size_t j0 = cb * C, B = (size_t)s->tp.batch;
    const size_t cused = (size_t)sim_core_cused(s, cb);
    const int A = s->cfg.acc_bits, TW = sim_toggle_width(A), gate = s->cfg.zero_gating;
    const uint64_t mA = A >= 64 ? ~0ULL : (1ULL << A) - 1, mT = TW >= 64 ? ~0ULL : (1ULL << TW) - 1;
    int8_t *tmp = c->row + (size_t)worker * C;
    int64_t *acc = c->acc + (size_t)worker * B * C, *tprev = c->tprev + (size_t)worker * L;
    uint64_t wt = 0, xt = 0, ne = 0, on = 0, nt = 0;
    memset(tprev, 0, L * sizeof *tprev);
    const size_t *us = c->ustart + rb * (c->nunit + 1);
    for (size_t u = 0; u < c->nunit; u++) {
        if (!pair_sampled(c, core, u))
            continue;
        memset(acc, 0, B * C * sizeof *acc);
        for (size_t k = us[u]; k < us[u + 1]; k++) {
            int64_t it = s->items[rb][k];
            if (sim_item_is_eot(it)) { /* read out, the bank cleared */
                int64_t *a = acc + (sim_item_token(s, it) % B) * C;
                for (size_t j = 0; j < cused; j++)
                    on += (uint64_t)POPC((uint64_t)a[j] & mA);
                memset(a, 0, C * sizeof *a);
                nt++;
                continue;
            }
            const spike_event *e = &s->ev[it];
            int64_t *a = acc + (e->token % B) * C;
            const int8_t *q = event_row(s, j0, e->axon, cused, tmp);
            ne++;
            for (size_t w = 0; w < W; w++) {
                const size_t lo = w * L;
                if (gate) {
                    int nz = 0;
                    for (size_t l = lo; l < lo + L && l < cused; l++)
                        nz |= q[l] != 0;
                    if (!nz)
                        continue; /* not read, not added: the operands hold */
                }
                for (size_t l = 0; l < L; l++) {
                    const size_t j = lo + l;
                    const int qv = j < cused ? q[j] : 0;
                    int64_t t = (int64_t)qv * ((int64_t)1 << e->shift);
                    if (e->neg)
                        t = -t;
                    xt += (uint64_t)POPC(((uint64_t)t ^ (uint64_t)tprev[l]) & mT);
                    tprev[l] = t;
                    if (j < cused && (!gate || qv)) {
                        const int64_t sum = a[j] + t;
                        wt += (uint64_t)POPC(((uint64_t)a[j] ^ (uint64_t)sum) & mA);
                        a[j] = sum;
                    }
                }
            }
        }
    }
    c->out[core] = (replay_out){wt, xt, on, ne, nt};
}
#undef POPC

static void replay_core(void *p, size_t core, int worker)
{
    replay_body(p, core, worker, 0);
}
#if defined(__x86_64__)
__attribute__((target("popcnt"))) static void replay_core_popcnt(void *p, size_t core, int worker)
{
    replay_body(p, core, worker, 1);
}
#endif

/* a * b / d without overflow (d > 0) */
static uint64_t muldiv(uint64_t a, uint64_t b, uint64_t d)
{
    return (uint64_t)((unsigned __int128)a * b / d);
}

ax_result sim_replay_count(struct sim *s, char **err)
{
    const size_t nrb = s->nrb, ncores = s->ncores, B = (size_t)s->tp.batch;
    const size_t C = (size_t)s->cfg.cols, L = (size_t)s->cfg.lanes, W = (C + L - 1) / L;
    replay_ctx c = {.s = s};
    c.nunit = (s->tokens + B - 1) / B;
    int th = s->ex.threads < 1 ? 1 : s->ex.threads;
    if ((size_t)th > ncores)
        th = (int)ncores;
    c.ustart = calloc(nrb * (c.nunit + 1) + 1, sizeof *c.ustart);
    c.out = calloc(ncores + 1, sizeof *c.out);
    c.acc = malloc(((size_t)th * B * C + 1) * sizeof *c.acc);
    c.tprev = malloc(((size_t)th * L + 1) * sizeof *c.tprev);
    c.row = malloc((size_t)th * C + 1);
    ax_result rc = AX_OK;
    if (!c.ustart || !c.out || !c.acc || !c.tprev || !c.row) {
        rc = ax_fail(err, AX_ENOMEM, "out of memory replaying the accumulators (%zu cores)",
                     ncores);
        goto out;
    }
    /* the lane slots of the whole run (a row-block's items are its events
     * and one end of token per token), and where each batch's items start:
     * a batch's items are contiguous, in batch order, in every order the
     * cores take (stream order, row reuse's (batch, axon, step) order), so
     * a binary search finds each start */
    uint64_t slots = 0;
    for (size_t rb = 0; rb < nrb; rb++) {
        size_t *us = c.ustart + rb * (c.nunit + 1), n = s->nitems[rb];
        slots += (uint64_t)(n - s->tokens) * s->ncb * (W * L);
        us[0] = 0;
        for (size_t u = 1; u < c.nunit; u++) {
            size_t lo = us[u - 1], hi = n;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (sim_item_token(s, s->items[rb][mid]) / B < u)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            us[u] = lo;
        }
        us[c.nunit] = n;
    }
    const uint64_t budget = s->replay_budget ? s->replay_budget : SIM_REPLAY_BUDGET;
    c.thr = slots <= budget ? UINT64_MAX
                            : (uint64_t)((double)UINT64_MAX * ((double)budget / (double)slots));
    sim_par_fn fn = replay_core;
#if defined(__x86_64__)
    if (s->simd != SIM_SIMD_SCALAR && __builtin_cpu_supports("popcnt"))
        fn = replay_core_popcnt;
#endif
    sim_par_for(th, ncores, fn, &c);
    replay_out t = {0};
    for (size_t k = 0; k < ncores; k++) {
        const replay_out *o = &c.out[k];
        t.wtog += o->wtog, t.xtog += o->xtog, t.ones += o->ones, t.nev += o->nev;
        t.neot += o->neot;
    }
    for (size_t k = 0; k < ncores; k++) {
        sim_counters *cc = &s->cs[k].c;
        if (c.thr == UINT64_MAX) {
            cc->acc_write_toggles = c.out[k].wtog;
            cc->lane_term_toggles_seq = c.out[k].xtog;
            cc->acc_readout_ones = c.out[k].ones;
        } else {
            /* the sample's toggles per event times the core's events, its
             * set bits per end of token times the core's ends of token */
            if (t.nev) {
                cc->acc_write_toggles = muldiv(t.wtog, cc->events, t.nev);
                cc->lane_term_toggles_seq = muldiv(t.xtog, cc->events, t.nev);
            }
            if (t.neot)
                cc->acc_readout_ones = muldiv(t.ones, cc->eots, t.neot);
        }
    }
out:
    free(c.ustart);
    free(c.out);
    free(c.acc);
    free(c.tprev);
    free(c.row);
    return rc;
}
