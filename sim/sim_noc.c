/*
 * The network on chip and the partial-sum reduction (docs/design.md §3; the
 * timing is defined here and documented in docs/sim.md "Chip: tiling, NoC
 * and reduction").
 *
 * Multicast. The items of row-block rb enter at the router of core (rb, 0)
 * and are available to that core at time 0 (the single-core contract,
 * arr_k = 0). They travel east along mesh row rb, hop by hop (XY routing
 * with the cores of a row-block on one mesh row is a pure X route); each
 * router delivers a copy to its core and forwards it. Link x (router x to
 * x+1) carries one flit per unit (cycle, or handshake cycle in async); an
 * event or EOT flit is SIM_EVENT_FLIT_BITS wide, so it occupies a link for
 * fc = ceil(32 / link_bits) units:
 *   enter = max(at router x, link_free_x);  link_free_x = enter + fc·u
 *   at router x+1 = enter + hop + (fc - 1)·u
 * stall_noc counts the wait for a busy link at routers x >= 1 (at the head
 * router every item is ready at time 0, so its wait is the injection
 * backlog, not contention). The ejection port of a router is unbounded: a core's full FIFO delays its
 * own accepts but never blocks the multicast (no backpressure into the NoC).
 *
 * Reduction. Every core reads its token partial out as B beats (the core
 * contract); the beats leave as one packet of B flits of RB bits
 * (fcr = ceil(RB / link_bits) units per flit) south along its mesh column.
 * Row-block y adds its partial into the passing packet of its weight group
 * (cut-through, in the router: no extra time), and forwards every packet of
 * the groups started above it. A packet is tracked by the times of its head
 * and tail flits: merge = max of heads, max of tails; a link passes packets
 * in (token, group) order:
 *   eh = max(head, free);  et = max(eh + (B-1)·fcr·u, tail);  free = et + fcr·u
 *   head' = eh + hop;  tail' = et + hop + (fcr - 1)·u
 * The last row-block's router is the chip output: token n of a column is
 * done at max(tails) + bp (its last output beat), and the token at the
 * latest column. One core (1 × 1 chip): done = o_n + B·bp, the contract.
 */
#include "sim_int.h"

#include <stdlib.h>

static inline int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

void sim_noc_multicast(struct sim *s, size_t rb, int64_t *arr)
{
    const sim_tparams *tp = &s->tp;
    const int64_t fc = ceil_div(SIM_EVENT_FLIT_BITS, s->cfg.link_bits), u = tp->unit;
    int64_t *lf = s->link_free + rb * s->ncb;
    sim_core_state *cs = s->cs + rb * s->ncb;
    int64_t t = 0;
    arr[0] = 0;
    cs[0].c.flits++;
    for (size_t x = 0; x + 1 < s->ncb; x++) {
        int64_t enter = max64(t, lf[x]);
        if (x > 0) /* at x = 0 the wait is the injection backlog, not contention */
            cs[x].c.stall_noc += enter - t;
        cs[x].c.flit_hops++;
        if (tp->async)
            cs[x].c.handshakes += (uint64_t)fc;
        lf[x] = enter + fc * u;
        t = enter + tp->hop + (fc - 1) * u;
        arr[x + 1] = t;
    }
}

static ax_result reduce_timing(struct sim *s, char **err)
{
    const sim_tparams *tp = &s->tp;
    const int64_t u = tp->unit, B = tp->B, fcr = ceil_div(s->cfg.readout_bits, s->cfg.link_bits);
    sim_packet *pk = calloc(s->ng, sizeof *pk);
    int64_t *vlf = calloc(s->nrb, sizeof *vlf);
    if (!pk || !vlf) {
        free(pk);
        free(vlf);
        return ax_fail(err, AX_ENOMEM, "out of memory for the reduction network");
    }
    for (size_t n = 0; n < s->tokens; n++)
        s->tok_done[n] = 0;
    for (size_t cb = 0; cb < s->ncb; cb++) {
        int cused = sim_core_cused(s, cb);
        for (size_t y = 0; y < s->nrb; y++)
            vlf[y] = SIM_NEG_INF;
        for (size_t n = 0; n < s->tokens; n++) {
            for (size_t y = 0; y < s->nrb; y++) {
                size_t core = y * s->ncb + cb, g = s->rb_group[y];
                sim_counters *c = &s->cs[core].c;
                int64_t oh = s->o_tok[core * s->tokens + n], ot = oh + (B - 1) * tp->bp;
                if (y == 0 || s->rb_group[y - 1] != g) {
                    pk[g].h = oh;
                    pk[g].t = ot;
                } else {
                    pk[g].h = max64(pk[g].h, oh);
                    pk[g].t = max64(pk[g].t, ot);
                    c->reduce_adds += (uint64_t)cused;
                }
                if (s->nrb > 1)
                    c->flits += (uint64_t)B;
                if (y + 1 == s->nrb) {
                    int64_t done = SIM_NEG_INF;
                    for (size_t gg = 0; gg <= g; gg++)
                        done = max64(done, pk[gg].t + tp->bp);
                    s->tok_done[n] = max64(s->tok_done[n], done);
                    continue;
                }
                for (size_t gg = 0; gg <= g; gg++) {
                    sim_packet *p = &pk[gg];
                    int64_t eh = max64(p->h, vlf[y]);
                    int64_t et = max64(eh + (B - 1) * fcr * u, p->t);
                    c->stall_noc += eh - p->h;
                    c->flit_hops += (uint64_t)B;
                    if (tp->async)
                        c->handshakes += (uint64_t)(B * fcr);
                    vlf[y] = et + fcr * u;
                    p->h = eh + tp->hop;
                    p->t = et + tp->hop + (fcr - 1) * u;
                }
            }
        }
    }
    free(pk);
    free(vlf);
    return AX_OK;
}

ax_result sim_chip_finish(struct sim *s, char **err)
{
    ax_result rc = reduce_timing(s, err);
    if (rc)
        return rc;
    int64_t dur = 0;
    for (size_t n = 0; n < s->tokens; n++)
        dur = max64(dur, s->tok_done[n]);
    for (size_t c = 0; c < s->ncores; c++)
        dur = max64(dur, s->cs[c].end);
    s->duration = dur;
    sim_counters tot = {0};
    for (size_t c = 0; c < s->ncores; c++) {
        sim_core_finish(&s->cs[c]);
        s->pc[c] = s->cs[c].c;
        s->pc[c].idle = dur - s->pc[c].active;
        sim_counters_add(&tot, &s->pc[c]);
    }
    s->total = tot;
    size_t n = s->tokens * s->out * s->ng, bad = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        int64_t v = s->acc64[i];
        if ((v > INT32_MAX || v < INT32_MIN) && bad == SIZE_MAX)
            bad = i;
        s->acc_out[i] = (int32_t)(uint32_t)(uint64_t)v;
    }
    for (size_t rb = 0; rb < s->nrb; rb++)
        if (s->ovf_rb[rb])
            return ax_fail(err, AX_EOVERFLOW,
                           "accumulator overflow: a partial sum of row-block %zu (axons %zu..%zu) "
                           "left %d bits (hint: --acc-bits 32, or clamp the spike counts)",
                           rb, s->rb_lo[rb], s->rb_hi[rb] - 1, s->cfg.acc_bits);
    if (bad != SIZE_MAX)
        return ax_fail(err, AX_EOVERFLOW,
                       "reduced sum overflow at token %zu, output %zu, group %zu: %lld does not fit "
                       "int32 (hint: clamp counts, or use a smaller --group)",
                       bad / (s->out * s->ng), bad / s->ng % s->out, bad % s->ng,
                       (long long)s->acc64[bad]);
    return AX_OK;
}

/* No observers: each row-block's items stream through its cores in item
 * order (cores are independent given their arrivals, so the order in which
 * cores are advanced does not change any stamp), and the arithmetic of an
 * event is one add over the whole row-block row: every column block at once. */
ax_result sim_chip_run_fast(struct sim *s, char **err)
{
    int64_t *arr = malloc(s->ncb * sizeof *arr);
    if (!arr)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    sim_stamp st;
    const int A = s->cfg.acc_bits;
    for (size_t rb = 0; rb < s->nrb; rb++) {
        int32_t *acc = s->acc_rb + rb * s->outp;
        uint32_t ovf = 0;
        for (size_t k = 0; k < s->nitems[rb]; k++) {
            sim_noc_multicast(s, rb, arr);
            for (size_t cb = 0; cb < s->ncb; cb++)
                sim_chip_core_item(s, rb, cb, k, arr[cb], 0, &st);
            int64_t it = s->items[rb][k];
            if (sim_item_is_eot(it)) {
                sim_chip_fold(s, rb, sim_item_token(s, it), 0, s->out);
            } else {
                const spike_event *e = &s->ev[it];
                int32_t m = e->neg ? -((int32_t)1 << e->shift) : ((int32_t)1 << e->shift);
                ovf |= sim_core_add(acc, s->wt + (size_t)e->axon * s->outp, s->out, m, A);
            }
        }
        s->ovf_rb[rb] |= ovf;
    }
    free(arr);
    return sim_chip_finish(s, err);
}
