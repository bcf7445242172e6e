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
 */
#include "spike.h"

#include <stdlib.h>

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

ax_result spike_events(spike_coding c, const int32_t *counts, size_t tokens, size_t d, int steps,
                       spike_event **ev, size_t *nev, size_t *tok_start, int *T_of, char **err)
{
    *ev = NULL;
    *nev = 0;
    if (tokens > UINT32_MAX || d > UINT32_MAX)
        return ax_fail(err, AX_ESHAPE,
                       "%zu tokens x %zu channels: events address at most 2^32 of each "
                       "(hint: split the trace)",
                       tokens, d);
    int *Ts = T_of ? T_of : malloc((tokens ? tokens : 1) * sizeof *Ts);
    if (!Ts)
        return ax_fail(err, AX_ENOMEM, "out of memory for %zu token step counts", tokens);
    ax_result r = spike_steps_resolve(c, counts, tokens, d, steps, Ts, NULL, err);
    if (r)
        goto out;
    int bitwise = spike_coding_is_bitwise(c);

    /* Pass 1: exact event total and the widest token (nonzero channels). */
    size_t total = 0, maxnz = 0;
    for (size_t n = 0; n < tokens; n++) {
        size_t nz = 0;
        for (size_t i = 0; i < d; i++) {
            int32_t v = counts[n * d + i];
            if (v) {
                nz++;
                uint64_t p = pattern(c, v, Ts[n]);
                total += bitwise ? (size_t)__builtin_popcountll(p) : (size_t)p;
            }
        }
        if (nz > maxnz)
            maxnz = nz;
    }
    /* +1: the emission loop writes one slot past the last event (branchless) */
    size_t bytes, per = sizeof(uint32_t) + sizeof(uint64_t) + 1;
    if (ax_mul_size(total + 1, sizeof **ev, &bytes) || total + 1 == 0) {
        r = ax_fail(err, AX_ENOMEM, "%zu events overflow size_t", total);
        goto out;
    }
    spike_event *e = malloc(bytes);
    unsigned char *scratch = malloc((maxnz ? maxnz : 1) * per);
    if (!e || !scratch) {
        free(e);
        free(scratch);
        r = ax_fail(err, AX_ENOMEM, "out of memory for %zu spike events", total);
        goto out;
    }
    uint64_t *pat = (uint64_t *)scratch;
    uint32_t *axon = (uint32_t *)(pat + (maxnz ? maxnz : 1));
    uint8_t *neg = (uint8_t *)(axon + (maxnz ? maxnz : 1));

    /* Pass 2: per token, per step, only the nonzero channels (binary and
     * ternary also drop a channel once its |count| steps are spent). */
    size_t k = 0;
    for (size_t n = 0; n < tokens; n++) {
        const int32_t *row = counts + n * d;
        int T = Ts[n];
        size_t nz = 0;
        for (size_t i = 0; i < d; i++)
            if (row[i]) {
                pat[nz] = pattern(c, row[i], T);
                axon[nz] = (uint32_t)i;
                neg[nz] = c != SPIKE_BITWISE_2C && row[i] < 0;
                nz++;
            }
        tok_start[n] = k;
        for (int t = 0; t < T && nz; t++) {
            spike_event x = {.token = (uint32_t)n, .step = (uint16_t)t};
            if (bitwise) {
                int b = T - 1 - t;
                uint8_t wneg = c == SPIKE_BITWISE_2C && t == 0; /* MSB weighs -2^(T-1) */
                x.shift = (uint8_t)b;
                for (size_t j = 0; j < nz; j++) {
                    x.neg = neg[j] ^ wneg;
                    x.axon = axon[j];
                    e[k] = x;
                    k += (size_t)(pat[j] >> b & 1);
                }
            } else {
                size_t keep = 0;
                for (size_t j = 0; j < nz; j++) {
                    x.neg = neg[j];
                    x.axon = axon[j];
                    e[k++] = x;
                    pat[keep] = pat[j]; /* stable compaction keeps axons ascending */
                    axon[keep] = axon[j];
                    neg[keep] = neg[j];
                    keep += pat[j] > (uint64_t)t + 1;
                }
                nz = keep;
            }
        }
    }
    tok_start[tokens] = k;
    free(scratch);
    *ev = e;
    *nev = k;
out:
    if (Ts != T_of)
        free(Ts);
    return r;
}
