/* Unit tests of spike/spike_count.c: every adaptive-threshold vector of
 * docs/design.md §2 (vth compared as exact float32 values), half-to-even ties, the
 * vth bounds, clamping and --no-clamp, and NaN/Inf errors naming the token
 * and channel. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../spike/spike.h"

static void counts_of(const float *x, size_t tokens, size_t d, const spike_params *p, int32_t *s,
                      float *vth)
{
    char *err = NULL;
    ax_result r = spike_counts(x, tokens, d, p, s, vth, &err);
    cr_assert_eq(r, AX_OK, "%s", err ? err : "");
}

Test(spike_count, design_vectors_k3)
{
    /* docs/design.md §2: four rows, one call (tokens are independent). */
    const float x[4 * 4] = {0.5f, -1.5f, 2.5f, 7.5f,  0.25f, 0.75f, -1.25f, -1.75f,
                            0.1f, -0.1f, 0.1f, -0.1f, 0,     0,     0,      0};
    const int32_t want[4 * 4] = {0, -2, 2, 8, 1, 2, -4, -5, 3, -3, 3, -3, 0, 0, 0, 0};
    int32_t s[16];
    float vth[4];
    counts_of(x, 4, 4, NULL, s, vth);
    cr_assert_eq(vth[0], 1.0f);
    cr_assert_eq(vth[1], 0.33333334f, "vth %.9g", (double)vth[1]);
    uint32_t bits;
    memcpy(&bits, &vth[1], 4);
    cr_assert_eq(bits, 0x3EAAAAABu); /* the float32 nearest 1/3 */
    cr_assert_eq(vth[3], 1e-5f);
    for (int i = 0; i < 16; i++)
        cr_assert_eq(s[i], want[i], "element %d: %d != %d", i, s[i], want[i]);
}

Test(spike_count, vth_is_float32_sum_in_index_order)
{
    const float x[4] = {0.1f, -0.1f, 0.1f, -0.1f};
    float sum = 0.0f;
    for (int i = 0; i < 4; i++)
        sum += fabsf(x[i]);
    float want = sum / 4.0f / 3.0f;
    cr_assert_eq(spike_vth(x, 4, 3.0f), want);
}

Test(spike_count, ties_round_half_to_even_not_away)
{
    /* vth 1: 0.5 -> 0, -1.5 -> -2, 2.5 -> 2, 7.5 -> 8 (roundf would give 1, -2, 3, 8) */
    const float x[8] = {0.5f, -0.5f, 1.5f, -2.5f, 3.5f, 4.5f, -5.5f, 1.5f};
    /* mean |x| = 20/8 = 2.5; k = 2.5 -> vth 1 */
    spike_params p;
    spike_params_default(&p);
    p.k = 2.5f;
    int32_t s[8];
    float vth;
    counts_of(x, 1, 8, &p, s, &vth);
    cr_assert_eq(vth, 1.0f);
    const int32_t want[8] = {0, 0, 2, -2, 4, 4, -6, 2}; /* sum |x| = 20 */
    for (int i = 0; i < 8; i++)
        cr_assert_eq(s[i], want[i], "element %d: %d != %d", i, s[i], want[i]);
}

Test(spike_count, other_k)
{
    const float x[4] = {0.5f, -1.5f, 2.5f, 7.5f}; /* mean 3 */
    spike_params p;
    spike_params_default(&p);
    p.k = 1.0f; /* vth 3: 1/6, -1/2, 5/6, 5/2 */
    int32_t s[4];
    float vth;
    counts_of(x, 1, 4, &p, s, &vth);
    cr_assert_eq(vth, 3.0f);
    cr_assert_eq(s[0], 0);
    cr_assert_eq(s[1], 0);
    cr_assert_eq(s[2], 1);
    cr_assert_eq(s[3], 2);
}

Test(spike_count, vth_upper_bound)
{
    const float x[3] = {1e5f, 1e5f, -1e5f}; /* mean/k = 33333 -> 1e4 */
    int32_t s[3];
    float vth;
    counts_of(x, 1, 3, NULL, s, &vth);
    cr_assert_eq(vth, 1e4f);
    cr_assert_eq(s[0], 10);
    cr_assert_eq(s[2], -10);
}

Test(spike_count, clamp_default_custom_and_off)
{
    /* 100 channels: one +-100, the rest 0 -> mean 1 (2 rows), vth 1/3, counts +-300 */
    float x[2 * 100] = {0};
    x[0] = 100.0f;
    x[100 + 7] = -100.0f;
    int32_t s[200];
    spike_params p;
    spike_params_default(&p);
    counts_of(x, 2, 100, &p, s, NULL);
    cr_assert_eq(s[0], 127);
    cr_assert_eq(s[107], -127);
    p.cmin = -20;
    p.cmax = 50;
    counts_of(x, 2, 100, &p, s, NULL);
    cr_assert_eq(s[0], 50);
    cr_assert_eq(s[107], -20);
    p.clamp = 0;
    counts_of(x, 2, 100, &p, s, NULL);
    cr_assert_eq(s[0], 300);
    cr_assert_eq(s[107], -300);
    cr_assert_eq(s[1], 0);
}

Test(spike_count, nan_and_inf_name_token_and_channel)
{
    float x[3 * 4] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    int32_t s[12];
    char *err = NULL;
    x[1 * 4 + 2] = NAN;
    cr_assert_eq(spike_counts(x, 3, 4, NULL, s, NULL, &err), AX_ERANGE);
    cr_assert(strstr(err, "token 1, channel 2") && strstr(err, "NaN"), "%s", err);
    free(err);
    err = NULL;
    x[1 * 4 + 2] = 7;
    x[2 * 4 + 3] = -INFINITY;
    cr_assert_eq(spike_counts(x, 3, 4, NULL, s, NULL, &err), AX_ERANGE);
    cr_assert(strstr(err, "token 2, channel 3") && strstr(err, "Inf"), "%s", err);
    free(err);
}

Test(spike_count, bad_parameters_and_shapes)
{
    const float x[2] = {1, 2};
    int32_t s[2];
    spike_params p;
    spike_params_default(&p);
    char *err = NULL;
    p.k = 0.0f;
    cr_assert_eq(spike_counts(x, 1, 2, &p, s, NULL, &err), AX_EPARAM);
    cr_assert(strstr(err, "k = 0"), "%s", err);
    free(err);
    err = NULL;
    spike_params_default(&p);
    p.cmin = 5;
    p.cmax = 4;
    cr_assert_eq(spike_counts(x, 1, 2, &p, s, NULL, &err), AX_EPARAM);
    free(err);
    err = NULL;
    cr_assert_eq(spike_counts(x, 0, 2, NULL, s, NULL, &err), AX_ESHAPE);
    free(err);
}

Test(spike_count, no_clamp_beyond_int32_is_an_error)
{
    /* vth pinned at 1e4 while one value is huge: 1e38 / 1e4 does not fit int32 */
    float x[2] = {1e38f, 1e38f};
    int32_t s[2];
    spike_params p;
    spike_params_default(&p);
    p.clamp = 0;
    char *err = NULL;
    cr_assert_eq(spike_counts(x, 1, 2, &p, s, NULL, &err), AX_ERANGE);
    cr_assert(strstr(err, "token 0, channel 0"), "%s", err);
    free(err);
    p.clamp = 1; /* clamped: fine */
    cr_assert_eq(spike_counts(x, 1, 2, &p, s, NULL, NULL), AX_OK);
    cr_assert_eq(s[0], 127);
}
