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
