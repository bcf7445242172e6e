/*
 * Event streams (docs/design.md §3): the spikes of a trace as the core consumes
 * them, one event per nonzero spike, in the fixed order (token, step,
 * axon). An event carries its polarity (neg: spike value × step weight < 0)
 * and shift = log2 |step weight|, so the core adds ±(w << shift) and
 * Σ_events ±2^shift == count for every (token, axon), whatever the coding.
 *
 * Cost: one pass over the counts finds each token's nonzero channels and
 * the exact event total (so the array is allocated once); the emission
 * pass then visits, for each step, only the nonzero channels of the token.
 * Work is O(tokens·d + nonzero·T), never O(tokens·d·T), which matters for
 * sparse activations (SpikingBrain reports 18.4 % silent channels).
 *
 * Threads (spike_events_par): both passes run on blocks of SPIKE_EV_BLOCK
 * tokens (ax_parallel_for). Pass 1 writes each token's event count and a
 * serial prefix sum turns them into tok_start; pass 2 writes each block's
 * events at its own offsets, so the stream is the same bytes for every
 * thread count. The bitwise emission writes every candidate and advances
 * only past real events (branchless); a block's candidates past its last
 * event go to a slot of its own (a conditional move), never into the next
 * block's events.
 */
#include "spike.h"

#include <stdatomic.h>
#include <stdlib.h>

#define SPIKE_EV_BLOCK 16 /* tokens per unit of work */

/* What a nonzero count contributes at each step, in the form the emission
 * loop reads without a branch: bitwise codings fire at step t when bit
 * (T-1-t) of pat is set; binary/ternary fire while t < pat (= |count|). */
static uint64_t pattern(spike_coding c, int32_t v, int T)
{
    uint64_t m = v < 0 ? (uint64_t)(-(int64_t)v) : (uint64_t)v;
    switch (c) {
    case SPIKE_BITWISE_2C: return (uint64_t)(int64_t)v & (T >= 64 ? ~0ULL : (1ULL << T) - 1);
    default: return m; /* binary/bitwise: v >= 0 (checked); others: |v| */
    }
}

typedef struct {
    spike_coding c;
    const int32_t *counts;
    size_t d;
    const int *Ts;
    int bitwise;
    size_t *tok_start; /* pass 1: events of token n at [n + 1]; pass 2: offsets */
    size_t *maxnz;     /* per block: the widest token (nonzero channels) */
    spike_event *e;
    atomic_int failed; /* pass 2: a block's scratch could not be allocated */
} ev_ctx;

/* Pass 1 on tokens [b, t): each token's event count and the block's widest token. */
static void count_block(void *p, size_t b, size_t t, int worker)
{
    (void)worker;
    ev_ctx *x = p;
    size_t maxnz = 0;
    for (size_t n = b; n < t; n++) {
        size_t nz = 0, total = 0;
        const int32_t *row = x->counts + n * x->d;
        for (size_t i = 0; i < x->d; i++) {
            int32_t v = row[i];
            if (v) {
                nz++;
                uint64_t p = pattern(x->c, v, x->Ts[n]);
                total += x->bitwise ? (size_t)__builtin_popcountll(p) : (size_t)p;
            }
        }
        x->tok_start[n + 1] = total;
        if (nz > maxnz)
            maxnz = nz;
    }
    x->maxnz[b / SPIKE_EV_BLOCK] = maxnz;
}

/* Pass 2 on tokens [b, t): per token, per step, only the nonzero channels
 * (binary and ternary also drop a channel once its |count| steps are spent). */
static void emit_block(void *p, size_t b, size_t t, int worker)
{
    (void)worker;
    ev_ctx *x = p;
    const spike_coding c = x->c;
    const size_t d = x->d, blk = b / SPIKE_EV_BLOCK, maxnz = x->maxnz[blk] ? x->maxnz[blk] : 1;
    spike_event *e = x->e;
    unsigned char *scratch = malloc(maxnz * (sizeof(uint32_t) + sizeof(uint64_t) + 1));
    if (!scratch) {
        atomic_store(&x->failed, 1);
        return;
    }
    uint64_t *pat = (uint64_t *)scratch;
    uint32_t *axon = (uint32_t *)(pat + maxnz);
    uint8_t *neg = (uint8_t *)(axon + maxnz);
    size_t k = x->tok_start[b];
    const size_t lim = x->tok_start[t]; /* the next block's first event */
    spike_event spill;
    for (size_t n = b; n < t; n++) {
        const int32_t *row = x->counts + n * d;
        int T = x->Ts[n];
        size_t nz = 0;
        for (size_t i = 0; i < d; i++)
            if (row[i]) {
                pat[nz] = pattern(c, row[i], T);
                axon[nz] = (uint32_t)i;
                neg[nz] = c != SPIKE_BITWISE_2C && row[i] < 0;
                nz++;
            }
        for (int s = 0; s < T && nz; s++) {
            spike_event v = {.token = (uint32_t)n, .step = (uint16_t)s};
            if (x->bitwise) {
                int bit = T - 1 - s;
                uint8_t wneg = c == SPIKE_BITWISE_2C && s == 0; /* MSB weighs -2^(T-1) */
                v.shift = (uint8_t)bit;
                for (size_t j = 0; j < nz; j++) {
                    v.neg = neg[j] ^ wneg;
                    v.axon = axon[j];
                    *(k < lim ? e + k : &spill) = v;
                    k += (size_t)(pat[j] >> bit & 1);
                }
            } else {
                size_t keep = 0;
                for (size_t j = 0; j < nz; j++) {
                    v.neg = neg[j];
                    v.axon = axon[j];
                    e[k++] = v;
                    pat[keep] = pat[j]; /* stable compaction keeps axons ascending */
                    axon[keep] = axon[j];
                    neg[keep] = neg[j];
                    keep += pat[j] > (uint64_t)s + 1;
                }
                nz = keep;
            }
        }
    }
    free(scratch);
}

ax_result spike_events(spike_coding c, const int32_t *counts, size_t tokens, size_t d, int steps,
                       spike_event **ev, size_t *nev, size_t *tok_start, int *T_of, char **err)
{
    return spike_events_par(c, counts, tokens, d, steps, 1, ev, nev, tok_start, T_of, err);
}

ax_result spike_events_par(spike_coding c, const int32_t *counts, size_t tokens, size_t d,
                           int steps, int threads, spike_event **ev, size_t *nev, size_t *tok_start,
                           int *T_of, char **err)
{
    *ev = NULL;
    *nev = 0;
    if (tokens > UINT32_MAX || d > UINT32_MAX)
        return ax_fail(err, AX_ESHAPE,
                       "%zu tokens x %zu channels: events address at most 2^32 of each "
                       "(hint: split the trace)",
                       tokens, d);
    int *Ts = T_of ? T_of : malloc((tokens ? tokens : 1) * sizeof *Ts);
    size_t nblk = (tokens + SPIKE_EV_BLOCK - 1) / SPIKE_EV_BLOCK;
    size_t *maxnz = malloc((nblk ? nblk : 1) * sizeof *maxnz);
    ax_result r = AX_OK;
    if (!Ts || !maxnz) {
        r = ax_fail(err, AX_ENOMEM, "out of memory for %zu token step counts", tokens);
        goto out;
    }
    if ((r = spike_steps_resolve_par(c, counts, tokens, d, steps, threads, Ts, NULL, err)))
        goto out;
    ev_ctx x = {.c = c,
                .counts = counts,
                .d = d,
                .Ts = Ts,
                .bitwise = spike_coding_is_bitwise(c),
                .tok_start = tok_start,
                .maxnz = maxnz};
    atomic_init(&x.failed, 0);

    /* Pass 1: every token's event count, then their prefix sums. */
    ax_parallel_for(threads, tokens, SPIKE_EV_BLOCK, count_block, &x);
    tok_start[0] = 0;
    for (size_t n = 0; n < tokens; n++)
        if (__builtin_add_overflow(tok_start[n], tok_start[n + 1], &tok_start[n + 1])) {
            r = ax_fail(err, AX_ENOMEM, "the events of %zu tokens overflow size_t", tokens);
            goto out;
        }
    size_t total = tokens ? tok_start[tokens] : 0;
    size_t bytes;
    if (ax_mul_size(total ? total : 1, sizeof **ev, &bytes)) {
        r = ax_fail(err, AX_ENOMEM, "%zu events overflow size_t", total);
        goto out;
    }
    if (!(x.e = malloc(bytes))) {
        r = ax_fail(err, AX_ENOMEM, "out of memory for %zu spike events", total);
        goto out;
    }
    /* Pass 2: the events, each block at its offsets. */
    ax_parallel_for(threads, tokens, SPIKE_EV_BLOCK, emit_block, &x);
    if (atomic_load(&x.failed)) {
        free(x.e);
        r = ax_fail(err, AX_ENOMEM, "out of memory for the spike event scratch of %zu channels", d);
        goto out;
    }
    *ev = x.e;
    *nev = total;
out:
    if (Ts != T_of)
        free(Ts);
    free(maxnz);
    return r;
}
