/* Unit tests of spike/spike_stats.c: hand-computed spikes, slots (per-token
 * T uses each token's own T), firing rate, silent and dead channels,
 * spikes per firing channel, the |count| histogram and its overflow bin. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "../spike/spike.h"

Test(spike_stats, ternary_auto_and_per_token)
{
    /* 2 tokens x 3 channels: {0, 3, 0}, {-1, 0, 0} */
    const int32_t s[6] = {0, 3, 0, -1, 0, 0};
    spike_stats st;
    cr_assert_eq(spike_stats_compute(SPIKE_TERNARY, s, 2, 3, SPIKE_STEPS_AUTO, &st, NULL), AX_OK);
    cr_assert_eq(st.tokens, 2);
    cr_assert_eq(st.channels, 3);
    cr_assert_eq(st.steps, 3);
    cr_assert_eq(st.spikes, 4);
    cr_assert_eq(st.slots, 18);
    cr_assert_float_eq(st.firing_rate, 4.0 / 18, 1e-12);
    cr_assert_float_eq(st.silent_channel_fraction, 4.0 / 6, 1e-12);
    cr_assert_float_eq(st.dead_channel_fraction, 1.0 / 3, 1e-12);
    cr_assert_float_eq(st.spikes_per_firing_channel, 2.0, 1e-12);
    cr_assert_eq(st.firing_pairs, 2);
    cr_assert_eq(st.count_min, -1);
    cr_assert_eq(st.count_max, 3);
    cr_assert_eq(st.hist[0], 4);
    cr_assert_eq(st.hist[1], 1);
    cr_assert_eq(st.hist[3], 1);
    /* per token: T = 3 and 1 -> slots 3*3 + 1*3 */
    cr_assert_eq(spike_stats_compute(SPIKE_TERNARY, s, 2, 3, SPIKE_STEPS_TOKEN, &st, NULL), AX_OK);
    cr_assert_eq(st.steps, 3);
    cr_assert_eq(st.steps_min, 1);
    cr_assert_float_eq(st.steps_mean, 2.0, 1e-12);
    cr_assert_eq(st.slots, 12);
    cr_assert_float_eq(st.firing_rate, 4.0 / 12, 1e-12);
    cr_assert_float_eq(st.sparsity, 1 - 4.0 / 12, 1e-12);
}

Test(spike_stats, bitwise_fixed_T_counts_set_bits)
{
    /* 2c, T = 8: -1 = 11111111 (8 spikes), 6 = 00000110 (2), 0 */
    const int32_t s[3] = {-1, 6, 0};
    spike_stats st;
    cr_assert_eq(spike_stats_compute(SPIKE_BITWISE_2C, s, 1, 3, 8, &st, NULL), AX_OK);
    cr_assert_eq(st.spikes, 10);
    cr_assert_eq(st.slots, 24);
    cr_assert_float_eq(st.spikes_per_firing_channel, 5.0, 1e-12);
    /* sign-magnitude: -1 is one spike */
    cr_assert_eq(spike_stats_compute(SPIKE_BITWISE_SIGNED, s, 1, 3, 8, &st, NULL), AX_OK);
    cr_assert_eq(st.spikes, 3);
}

Test(spike_stats, histogram_bins_and_overflow)
{
    const int32_t s[6] = {128, -128, 129, -200, INT32_MIN, 7};
    spike_stats st;
    cr_assert_eq(spike_stats_compute(SPIKE_BITWISE_SIGNED, s, 1, 6, SPIKE_STEPS_AUTO, &st, NULL),
                 AX_OK);
    cr_assert_eq(st.hist[128], 2);
    cr_assert_eq(st.hist[SPIKE_HIST_BINS - 1], 3);
    cr_assert_eq(st.hist[7], 1);
    uint64_t total = 0;
    for (int b = 0; b < SPIKE_HIST_BINS; b++)
        total += st.hist[b];
    cr_assert_eq(total, 6);
    cr_assert_eq(st.steps, 32);
    cr_assert_eq(st.dead_channel_fraction, 0.0);
}

Test(spike_stats, empty_is_an_error)
{
    const int32_t s[1] = {0};
    spike_stats st;
    char *err = NULL;
    cr_assert_eq(spike_stats_compute(SPIKE_TERNARY, s, 0, 1, SPIKE_STEPS_AUTO, &st, &err),
                 AX_ESHAPE);
    free(err);
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* spike_stats_par over several blocks of 16 tokens (the last partial) on
 * 1, 2 and 3 threads: every field the same bits as one plain pass written
 * here, including a channel that fires in the last token only (its block
 * may run on another thread: dead channels must merge every thread's view)
 * and the extremes and histogram of every block. */
Test(spike_stats, par_equals_one_pass_for_every_thread_count)
{
    const spike_coding all[] = {SPIKE_BINARY, SPIKE_TERNARY, SPIKE_BITWISE, SPIKE_BITWISE_SIGNED,
                                SPIKE_BITWISE_2C};
    for (int iter = 0; iter < 30; iter++) {
        spike_coding c = all[iter % 5];
        int steps = iter / 5 % 2 ? SPIKE_STEPS_TOKEN : SPIKE_STEPS_AUTO;
        size_t tokens = 33 + rnd() % 70, d = 2 + rnd() % 50, n = tokens * d;
        int32_t *s = calloc(n, sizeof *s);
        int nonneg = c == SPIKE_BINARY || c == SPIKE_BITWISE;
        for (size_t k = 0; k < n; k++) {
            if (k % d == 0) /* channel 0: fires in the last token only */
                continue;
            int wide = spike_coding_is_bitwise(c) && k / d == tokens / 2; /* > 128: last bin */
            int32_t v = rnd() % 2 ? 0 : (int32_t)(rnd() % (wide ? 300 : 20));
            s[k] = nonneg || rnd() % 2 ? v : -v;
        }
        s[(tokens - 1) * d] = 5;
        int *T = malloc(tokens * sizeof *T);
        int Tmax;
        cr_assert_eq(spike_steps_resolve(c, s, tokens, d, steps, T, &Tmax, NULL), AX_OK);
        /* one plain pass */
        uint64_t spikes = 0, slots = 0, firing = 0, hist[SPIKE_HIST_BINS] = {0};
        int64_t cmin = INT64_MAX, cmax = INT64_MIN;
        size_t dead = 0;
        for (size_t k = 0; k < n; k++) {
            int64_t v = s[k];
            cmin = v < cmin ? v : cmin;
            cmax = v > cmax ? v : cmax;
            uint64_t m = (uint64_t)(v < 0 ? -v : v);
            hist[m < SPIKE_HIST_BINS - 1 ? m : SPIKE_HIST_BINS - 1]++;
            firing += v != 0;
            spikes += (uint64_t)spike_nspikes(c, s[k], T[k / d]);
        }
        for (size_t tok = 0; tok < tokens; tok++)
            slots += (uint64_t)T[tok] * d;
        for (size_t i = 0; i < d; i++) {
            int seen = 0;
            for (size_t tok = 0; tok < tokens; tok++)
                seen |= s[tok * d + i] != 0;
            dead += !seen;
        }
        spike_stats one;
        for (int th = 1; th <= 3; th++) {
            spike_stats st;
            cr_assert_eq(spike_stats_par(c, s, tokens, d, steps, th, &st, NULL), AX_OK);
            cr_assert_eq(st.spikes, spikes, "%d threads", th);
            cr_assert_eq(st.slots, slots);
            cr_assert_eq(st.firing_pairs, firing);
            cr_assert_eq(st.count_min, cmin);
            cr_assert_eq(st.count_max, cmax, "%d threads: max %lld, want %lld", th,
                         (long long)st.count_max, (long long)cmax);
            cr_assert_eq(memcmp(st.hist, hist, sizeof hist), 0, "%d threads: histogram", th);
            cr_assert_eq(st.steps, Tmax);
            cr_assert_eq(st.dead_channel_fraction, (double)dead / (double)d,
                         "%d threads: dead %.17g, want %zu / %zu", th, st.dead_channel_fraction,
                         dead, d);
            if (th == 1)
                one = st;
            cr_assert_eq(memcmp(&st, &one, sizeof st), 0, "%d threads differ from one", th);
        }
        spike_stats plain;
        cr_assert_eq(spike_stats_compute(c, s, tokens, d, steps, &plain, NULL), AX_OK);
        cr_assert_eq(memcmp(&plain, &one, sizeof plain), 0);
        free(T);
        free(s);
    }
}
