/*
 * Spike statistics of a set of counts under a coding and a T (docs/design.md §2):
 *   firing rate = Σ|s_t| / slots, slots = Σ_tokens T_token · d
 *   (per-token T: each token's own T, so padding is not counted),
 *   sparsity = 1 - firing rate,
 *   silent-channel fraction = (token, channel) pairs with count 0, i.e. no
 *   spike at all in the window (a zero count has an empty train in every
 *   coding, including two's complement), over tokens · d,
 *   dead-channel fraction = channels whose count is 0 for every token,
 *   spikes per firing channel = Σ|s_t| / pairs with count != 0,
 *   histogram of |count| (bins 0..128, then one bin for > 128).
 * These are the figures SpikingBrain publishes for its 7B model (18.4 %
 * silent channels, 1.13 spikes per firing channel, 94.1 % of |counts| in
 * [0, 7]); axon reports them for any trace.
 *
 * Threads (spike_stats_par): blocks of SPIKE_ST_BLOCK tokens each fill
 * their own partial (integer sums, extremes, histogram, the channels they
 * saw fire), added in block order afterwards; every sum is an integer, so
 * the statistics are the same bits for every thread count (tsum, the sum
 * of the integer T's, is exact in a double).
 */
#include "spike.h"

#include <stdlib.h>
#include <string.h>

#define SPIKE_ST_BLOCK 16 /* tokens per unit of work */

typedef struct {
    uint64_t spikes, slots, firing_pairs, tsum;
    int64_t count_min, count_max;
    int steps_min;
    uint64_t hist[SPIKE_HIST_BINS];
} st_part;

typedef struct {
    spike_coding c;
    const int32_t *counts;
    size_t d;
    const int *Ts;
    st_part *part;        /* per block */
    unsigned char *alive; /* per worker: [d] channels seen firing */
} st_ctx;

static void stats_block(void *p, size_t b, size_t t, int worker)
{
    st_ctx *x = p;
    st_part *q = &x->part[b / SPIKE_ST_BLOCK];
    const size_t d = x->d;
    unsigned char *alive = x->alive + (size_t)worker * d;
    q->steps_min = x->Ts[b];
    q->count_min = INT64_MAX;
    q->count_max = INT64_MIN;
    for (size_t n = b; n < t; n++) {
        int T = x->Ts[n];
        q->tsum += (uint64_t)T;
        if (T < q->steps_min)
            q->steps_min = T;
        q->slots += (uint64_t)T * d;
        const int32_t *row = x->counts + n * d;
        for (size_t i = 0; i < d; i++) {
            int32_t v = row[i];
            if (v < q->count_min)
                q->count_min = v;
            if (v > q->count_max)
                q->count_max = v;
            uint64_t m = v < 0 ? (uint64_t)(-(int64_t)v) : (uint64_t)v;
            q->hist[m < SPIKE_HIST_BINS - 1 ? m : SPIKE_HIST_BINS - 1]++;
            if (v) {
                alive[i] = 1;
                q->firing_pairs++;
                q->spikes += (uint64_t)spike_nspikes(x->c, v, T);
            }
        }
    }
}

ax_result spike_stats_compute(spike_coding c, const int32_t *counts, size_t tokens, size_t d,
                              int steps, spike_stats *st, char **err)
{
    return spike_stats_par(c, counts, tokens, d, steps, 1, st, err);
}

ax_result spike_stats_par(spike_coding c, const int32_t *counts, size_t tokens, size_t d, int steps,
                          int threads, spike_stats *st, char **err)
{
    memset(st, 0, sizeof *st);
    size_t nblk = (tokens + SPIKE_ST_BLOCK - 1) / SPIKE_ST_BLOCK;
    int workers = ax_parallel_workers(threads, tokens, SPIKE_ST_BLOCK);
    int *Ts = malloc((tokens ? tokens : 1) * sizeof *Ts);
    unsigned char *alive = calloc((d ? d : 1) * (size_t)workers, 1);
    st_part *part = calloc(nblk ? nblk : 1, sizeof *part);
    ax_result r = AX_ENOMEM;
    if (!Ts || !alive || !part) {
        ax_fail(err, r, "out of memory for statistics of %zu tokens", tokens);
        goto out;
    }
    r = spike_steps_resolve_par(c, counts, tokens, d, steps, threads, Ts, &st->steps, err);
    if (r)
        goto out;
    st_ctx x = {.c = c, .counts = counts, .d = d, .Ts = Ts, .part = part, .alive = alive};
    ax_parallel_for(workers, tokens, SPIKE_ST_BLOCK, stats_block, &x);
    st->tokens = tokens;
    st->channels = d;
    st->steps_min = Ts[0];
    st->count_min = INT64_MAX;
    st->count_max = INT64_MIN;
    uint64_t tsum = 0;
    for (size_t b = 0; b < nblk; b++) {
        const st_part *q = &part[b];
        tsum += q->tsum;
        st->steps_min = q->steps_min < st->steps_min ? q->steps_min : st->steps_min;
        st->slots += q->slots;
        st->count_min = q->count_min < st->count_min ? q->count_min : st->count_min;
        st->count_max = q->count_max > st->count_max ? q->count_max : st->count_max;
        for (int h = 0; h < SPIKE_HIST_BINS; h++)
            st->hist[h] += q->hist[h];
        st->firing_pairs += q->firing_pairs;
        st->spikes += q->spikes;
    }
    size_t dead = 0;
    for (size_t i = 0; i < d; i++) {
        int seen = 0;
        for (int w = 0; w < workers; w++)
            seen |= alive[(size_t)w * d + i];
        dead += !seen;
    }
    double pairs = (double)tokens * (double)d;
    st->steps_mean = (double)tsum / (double)tokens;
    st->firing_rate = st->slots ? (double)st->spikes / (double)st->slots : 0.0;
    st->sparsity = 1.0 - st->firing_rate;
    st->silent_channel_fraction = (pairs - (double)st->firing_pairs) / pairs;
    st->dead_channel_fraction = (double)dead / (double)d;
    st->spikes_per_firing_channel = st->firing_pairs ? (double)st->spikes / (double)st->firing_pairs
                                                     : 0.0;
out:
    free(Ts);
    free(alive);
    free(part);
    return r;
}
