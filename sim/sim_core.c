/*
 * The core model of docs/core-timing.md (docs/design.md §3): one weight tile of
 * R axons × C neurons, an input FIFO of F items, a read stage that streams
 * one weight row (W = ceil(C/L) words) per spike event, and a readout of
 * B = ceil(C·A/RB) beats per token. This file is the recurrence of that page,
 * item by item, written once for both timing modes:
 *
 *   a_k = max(arr_k, a_{k-1} + step, s_{k-F})
 *   s_k = max(a_k + dec, r_{k-1})
 *   event: r_k = s_k + W·wp
 *   EOT:   o_n = max(s_k + lat, o_{n-1} + B·bp)
 *          r_k = o_n + B·bp (single bank) or max(s_k + gap, o_{n-1} + B·bp)
 *
 * With token batches of N (row reuse, docs/core-timing.md "Token batches")
 * the EOT of token n closes its batch when (n + 1) mod N = 0; the rule above
 * holds for it with o_{n-1} read as the readout of the last EOT that closed a
 * batch, and an EOT that does not close its batch frees the read stage at
 * once (r_k = s_k + gap: its readout queues behind the previous one). A
 * token's arrival is the accept of the first item of its batch.
 *
 * with (step, dec, wp, lat, bp, gap) = (1, 1, 1, Ls, 1, 1) cycles in sync
 * mode and (hs, t_decode, P, t_sram + t_add, Q, hs) ps in async mode.
 * Timing never depends on weight values (a skipped all-zero word keeps its
 * slot), so the stamps are computed here and the arithmetic separately
 * (sim_core_add), which lets the chip add a whole row-block's row at once.
 *
 * Counters kept per core: the stall of each item (FIFO full; read stage held
 * by readout), the active time as the union of the busy intervals of the
 * read stage [s_k, r_k) and of the readout [o_n, o_n + B·bp), and async
 * handshakes (one per accepted item, per word actually read, per beat).
 */
#include "sim_int.h"

#include <string.h>

static inline int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

void sim_core_reset(sim_core_state *st, const sim_tparams *tp, int64_t *sring)
{
    memset(st, 0, sizeof *st);
    st->a_prev = st->r_prev = st->o_prev = st->ob = SIM_NEG_INF;
    st->cu = SIM_NEG_INF;
    st->sring = sring;
    for (int i = 0; i < tp->F; i++)
        sring[i] = SIM_NEG_INF;
}

static inline void add_interval(sim_core_state *st, int64_t a, int64_t b)
{
    if (b <= a)
        return;
    if (a >= st->cu) {
        st->c.active += b - a;
        st->cu = b;
    } else if (b > st->cu) {
        st->c.active += b - st->cu;
        st->cu = b;
    }
}

/* Adds pending readout intervals (a ring of SIM_RO in start order) that
 * start at or before `upto`. */
static inline void flush_readouts(sim_core_state *st, int64_t upto)
{
    while (st->nro && st->ro_s[st->ro_h] <= upto) {
        add_interval(st, st->ro_s[st->ro_h], st->ro_e[st->ro_h]);
        st->ro_h = (st->ro_h + 1) % SIM_RO;
        st->nro--;
    }
}

static inline void core_step(const sim_tparams *tp, sim_core_state *st, int64_t arr, int is_eot,
                             sim_stamp *out)
{
    int64_t *slot = &st->sring[st->ri]; /* holds s_{k-F} */
    int64_t base = max64(arr, st->a_prev + tp->step);
    int64_t a = max64(base, *slot);
    st->c.stall_fifo += a - base;
    if (!st->bopen) { /* the first item of a batch (of a token, batch 1) */
        st->fa = a;
        st->bopen = 1;
    }
    int64_t s = max64(a + tp->dec, st->r_prev);
    int64_t r, o = 0;
    if (!is_eot) {
        r = s + (int64_t)tp->W * tp->wp;
    } else {
        int64_t busy = (int64_t)tp->B * tp->bp;
        int closes = (st->c.eots + 1) % (uint64_t)tp->batch == 0;
        o = max64(s + tp->lat, st->o_prev + busy);
        if (closes) {
            r = tp->double_buffer ? max64(s + tp->gap, st->ob + busy) : o + busy;
            st->ob = o;
            st->bopen = 0;
        } else {
            r = s + tp->gap;
        }
        st->c.stall_readout += r - (s + tp->gap);
        st->o_prev = o;
        st->end = o + busy;
        st->c.eots++;
        st->c.readout_beats += (uint64_t)tp->B;
        if (tp->async)
            st->c.handshakes += (uint64_t)tp->B;
    }
    if (tp->async)
        st->c.handshakes++; /* the accept */
    flush_readouts(st, s);
    add_interval(st, s, r);
    if (is_eot) {
        if (st->nro == SIM_RO)
            flush_readouts(st, st->ro_s[st->ro_h]);
        int t = (st->ro_h + st->nro) % SIM_RO;
        st->ro_s[t] = o;
        st->ro_e[t] = o + (int64_t)tp->B * tp->bp;
        st->nro++;
    }
    *slot = s;
    st->a_prev = a;
    st->r_prev = r;
    st->k++;
    if (++st->ri == tp->F)
        st->ri = 0;
    out->arr = arr;
    out->a = a;
    out->s = s;
    out->r = r;
    out->o = o;
}

void sim_core_item(const sim_tparams *tp, sim_core_state *st, int64_t arr, int is_eot,
                   sim_stamp *out)
{
    core_step(tp, st, arr, is_eot, out);
}

void sim_core_stream(const sim_tparams *tp, sim_core_state *st, const int64_t *items, size_t n,
                     const int64_t *arr, int64_t *otok, int64_t *tacc, int64_t *last)
{
    sim_core_state loc = *st; /* in registers, not aliased by the outputs */
    int64_t l = *last;
    size_t t = 0; /* token of the next EOT: EOTs come in token order */
    sim_stamp o;
    for (size_t k = 0; k < n; k++) {
        int eot = items[k] < 0;
        core_step(tp, &loc, arr[k], eot, &o);
        l = max64(l, o.s);
        if (eot) {
            if (loc.fa < tacc[t]) /* the first item of its batch at this core */
                tacc[t] = loc.fa;
            otok[t++] = o.o;
        }
    }
    *st = loc;
    *last = l;
}

void sim_core_count_event(const sim_tparams *tp, sim_core_state *st, int nzw, int nnz, int shift,
                          int c_used, int reads_row)
{
    sim_counters *c = &st->c;
    c->events++;
    uint64_t words = !reads_row ? 0 : tp->zero_gating ? (uint64_t)nzw : (uint64_t)tp->W;
    uint64_t adds = tp->zero_gating ? (uint64_t)nnz : (uint64_t)c_used;
    if (reads_row) {
        c->sram_rows_read++;
        c->sram_words_nonzero += (uint64_t)nzw;
        c->sram_words_skipped += (uint64_t)tp->W - words;
    }
    c->sram_words += words;
    c->adds += adds;
    c->adds_gated += (uint64_t)c_used - adds;
    c->acc_writes += adds;
    c->lane_adds_nonzero += (uint64_t)nnz;
    c->lane_adds_shift += (uint64_t)nnz * (uint64_t)shift;
    if (tp->async)
        c->handshakes += words;
}

int64_t sim_core_finish(sim_core_state *st)
{
    flush_readouts(st, INT64_MAX);
    return st->c.active;
}

/* The inner loop of the simulator: one weight row (contiguous int8) times
 * the event's signed power of two, into A-bit accumulators. Written so the
 * compiler vectorizes it (no branches; overflow folded into an OR). With
 * |m| <= 2^23 every intermediate fits int32 (checked by sim_new). */
uint32_t sim_core_add(int32_t *restrict acc, const int8_t *restrict w, size_t n, int32_t m, int A)
{
    uint32_t o = 0;
    if (A == 32) {
        for (size_t j = 0; j < n; j++) {
            uint32_t a = (uint32_t)acc[j], d = (uint32_t)((int32_t)w[j] * m), v = a + d;
            o |= (a ^ v) & (d ^ v);
            acc[j] = (int32_t)v;
        }
        return o >> 31;
    }
    const int sh = 32 - A;
    for (size_t j = 0; j < n; j++) {
        int32_t v = acc[j] + (int32_t)w[j] * m;
        int32_t x = (int32_t)((uint32_t)v << sh) >> sh; /* sign-extend the low A bits */
        o |= (uint32_t)(v ^ x);
        acc[j] = x;
    }
    return o != 0;
}
