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
 */
#include "spike.h"

#include <stdlib.h>
#include <string.h>

ax_result spike_stats_compute(spike_coding c, const int32_t *counts, size_t tokens, size_t d,
                              int steps, spike_stats *st, char **err)
{
    memset(st, 0, sizeof *st);
    int *Ts = malloc((tokens ? tokens : 1) * sizeof *Ts);
    unsigned char *alive = calloc(d ? d : 1, 1);
    ax_result r = AX_ENOMEM;
    if (!Ts || !alive) {
        ax_fail(err, r, "out of memory for statistics of %zu tokens", tokens);
        goto out;
    }
    r = spike_steps_resolve(c, counts, tokens, d, steps, Ts, &st->steps, err);
    if (r)
        goto out;
    st->tokens = tokens;
    st->channels = d;
    st->steps_min = Ts[0];
    st->count_min = INT64_MAX;
    st->count_max = INT64_MIN;
    double tsum = 0;
    for (size_t n = 0; n < tokens; n++) {
        int T = Ts[n];
        tsum += T;
        if (T < st->steps_min)
            st->steps_min = T;
        st->slots += (uint64_t)T * d;
        for (size_t i = 0; i < d; i++) {
            int32_t v = counts[n * d + i];
            if (v < st->count_min)
                st->count_min = v;
            if (v > st->count_max)
                st->count_max = v;
            uint64_t m = v < 0 ? (uint64_t)(-(int64_t)v) : (uint64_t)v;
            st->hist[m < SPIKE_HIST_BINS - 1 ? m : SPIKE_HIST_BINS - 1]++;
            if (v) {
                alive[i] = 1;
                st->firing_pairs++;
                st->spikes += (uint64_t)spike_nspikes(c, v, T);
            }
        }
    }
    size_t dead = 0;
    for (size_t i = 0; i < d; i++)
        dead += !alive[i];
    double pairs = (double)tokens * (double)d;
    st->steps_mean = tsum / (double)tokens;
    st->firing_rate = st->slots ? (double)st->spikes / (double)st->slots : 0.0;
    st->sparsity = 1.0 - st->firing_rate;
    st->silent_channel_fraction = (pairs - (double)st->firing_pairs) / pairs;
    st->dead_channel_fraction = (double)dead / (double)d;
    st->spikes_per_firing_channel = st->firing_pairs ? (double)st->spikes / (double)st->firing_pairs
                                                     : 0.0;
out:
    free(Ts);
    free(alive);
    return r;
}
