/* Unit tests of spike/spike_train.c: round-trip properties on random
 * counts for every coding and every steps mode (fixed, auto, per token):
 * decode(trains(c)) == c, Σ_t bit·weight == c directly, spike values in the
 * coding's alphabet, nspikes == Σ|s_t|; and the per-token layout (zero
 * padding after each token's own T). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../spike/spike.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* Random counts fitting coding c: mostly small (like real traces), some
 * large, some zero runs. */
static void random_counts(spike_coding c, int32_t *s, size_t n)
{
    int nonneg = c == SPIKE_BINARY || c == SPIKE_BITWISE;
    int32_t big = c == SPIKE_BINARY || c == SPIKE_TERNARY ? 40 : 100000;
    for (size_t i = 0; i < n; i++) {
        uint32_t r = rnd() % 10;
        int32_t v = r < 3 ? 0 : r < 8 ? (int32_t)(rnd() % 16) : (int32_t)(rnd() % (uint32_t)big);
        s[i] = nonneg || rnd() % 2 ? v : -v;
    }
}

static const spike_coding all[] = {SPIKE_BINARY, SPIKE_TERNARY, SPIKE_BITWISE, SPIKE_BITWISE_SIGNED,
                                   SPIKE_BITWISE_2C};

static void check_alphabet(spike_coding c, int8_t v)
{
    if (c == SPIKE_BINARY || c == SPIKE_BITWISE || c == SPIKE_BITWISE_2C)
        cr_assert(v == 0 || v == 1, "%s spike %d", spike_coding_name(c), v);
    else
        cr_assert(v >= -1 && v <= 1, "%s spike %d", spike_coding_name(c), v);
}

Test(spike_train, round_trip_random_fixed_and_auto)
{
    for (int iter = 0; iter < 200; iter++) {
        spike_coding c = all[iter % 5];
        size_t tokens = 1 + rnd() % 6, d = 1 + rnd() % 17, n = tokens * d;
        int32_t *s = malloc(n * sizeof *s), *back = malloc(n * sizeof *back);
        random_counts(c, s, n);
        int Tauto;
        cr_assert_eq(spike_steps_rule(c, s, n, &Tauto, NULL), AX_OK);
        /* auto T, then a fixed T with 0..3 spare steps */
        int T = iter % 2 ? Tauto : Tauto + (int)(rnd() % 4);
        int8_t *tr = malloc((size_t)T * n);
        char *err = NULL;
        cr_assert_eq(spike_trains(c, s, tokens, d, T, tr, &err), AX_OK, "%s", err ? err : "");
        spike_decode(c, tr, tokens, d, T, back);
        for (size_t k = 0; k < n; k++) {
            cr_assert_eq(back[k], s[k], "%s T=%d: decode %d != %d", spike_coding_name(c), T,
                         back[k], s[k]);
            int64_t v = 0, ns = 0;
            for (int t = 0; t < T; t++) {
                int b = spike_bit(c, s[k], T, t);
                cr_assert_eq(b, tr[(size_t)t * n + k]);
                check_alphabet(c, (int8_t)b);
                v += b * spike_step_weight(c, T, t);
                ns += b != 0;
            }
            cr_assert_eq(v, s[k], "%s T=%d: sum %lld != %d", spike_coding_name(c), T, (long long)v,
                         s[k]);
            cr_assert_eq(spike_nspikes(c, s[k], T), ns);
        }
        free(s);
        free(back);
        free(tr);
    }
}

Test(spike_train, round_trip_random_per_token)
{
    for (int iter = 0; iter < 100; iter++) {
        spike_coding c = all[iter % 5];
        size_t tokens = 1 + rnd() % 6, d = 1 + rnd() % 9, n = tokens * d;
        int32_t *s = malloc(n * sizeof *s), *back = malloc(n * sizeof *back);
        random_counts(c, s, n);
        int *To = malloc(tokens * sizeof *To), Tmax;
        char *err = NULL;
        cr_assert_eq(spike_steps_resolve(c, s, tokens, d, SPIKE_STEPS_TOKEN, To, &Tmax, &err),
                     AX_OK, "%s", err ? err : "");
        int8_t *tr = malloc((size_t)Tmax * n);
        cr_assert_eq(spike_trains_token(c, s, tokens, d, To, Tmax, tr, &err), AX_OK);
        spike_decode_token(c, tr, tokens, d, To, Tmax, back);
        for (size_t tok = 0; tok < tokens; tok++) {
            int Tt;
            cr_assert_eq(spike_steps_rule(c, s + tok * d, d, &Tt, NULL), AX_OK);
            cr_assert_eq(To[tok], Tt, "token %zu T", tok);
            for (size_t i = 0; i < d; i++) {
                size_t k = tok * d + i;
                cr_assert_eq(back[k], s[k]);
                for (int t = 0; t < Tmax; t++) {
                    int want = t < Tt ? spike_bit(c, s[k], Tt, t) : 0;
                    cr_assert_eq(tr[(size_t)t * n + k], want, "token %zu step %d", tok, t);
                }
            }
        }
        free(s);
        free(back);
        free(tr);
        free(To);
    }
}

Test(spike_train, layout_is_T_tokens_channels)
{
    /* 2 tokens x 2 channels, ternary, T = 3: out[t][token][channel] */
    const int32_t s[4] = {1, -2, 3, 0};
    int8_t tr[12];
    cr_assert_eq(spike_trains(SPIKE_TERNARY, s, 2, 2, 3, tr, NULL), AX_OK);
    const int8_t want[12] = {1, -1, 1, 0, /* t=0 */ 0, -1, 1, 0, /* t=1 */ 0, 0, 1, 0};
    cr_assert_arr_eq(tr, want, 12);
}

Test(spike_train, per_token_padding_example)
{
    /* bitwise-signed, token 0 absmax 5 (T 3), token 1 absmax 1 (T 1) */
    const int32_t s[4] = {5, -3, 1, 0};
    int To[2], Tmax;
    cr_assert_eq(spike_steps_resolve(SPIKE_BITWISE_SIGNED, s, 2, 2, SPIKE_STEPS_TOKEN, To, &Tmax,
                                     NULL),
                 AX_OK);
    cr_assert_eq(To[0], 3);
    cr_assert_eq(To[1], 1);
    cr_assert_eq(Tmax, 3);
    int8_t tr[12];
    cr_assert_eq(spike_trains_token(SPIKE_BITWISE_SIGNED, s, 2, 2, To, Tmax, tr, NULL), AX_OK);
    /* token 0: 5 = 101, -3 = -(011); token 1: 1 = 1 at step 0, then zeros */
    const int8_t want[12] = {1, 0, 1, 0, /* t=0 */ 0, -1, 0, 0, /* t=1 */ 1, -1, 0, 0};
    cr_assert_arr_eq(tr, want, 12);
}

Test(spike_train, bad_T_is_a_parameter_error)
{
    const int32_t s[1] = {1};
    int8_t tr[4];
    char *err = NULL;
    cr_assert_eq(spike_trains(SPIKE_TERNARY, s, 1, 1, 0, tr, &err), AX_EPARAM);
    free(err);
    int To[1] = {5};
    err = NULL;
    cr_assert_eq(spike_trains_token(SPIKE_TERNARY, s, 1, 1, To, 4, tr, &err), AX_EPARAM);
    free(err);
}
