/* Unit tests of spike/spike_code.c (and the trains/statistics built on
 * it): every coding test vector of docs/design.md §2 — the reference T, the train
 * of each listed count, the firing rate to 1e-6 — plus the T rules, the
 * fit checks (a count that does not fit is an error) and coding names. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../spike/spike.h"

/* Encodes counts[n] as n tokens of one channel with the reference T and
 * checks T and the firing rate. trains gets [T][n]. */
static int encode(spike_coding c, const int32_t *counts, size_t n, int8_t *trains, double rate)
{
    char *err = NULL;
    int T = 0;
    cr_assert_eq(spike_steps_rule(c, counts, n, &T, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(spike_trains(c, counts, n, 1, T, trains, &err), AX_OK, "%s", err ? err : "");
    spike_stats st;
    cr_assert_eq(spike_stats_compute(c, counts, 1, n, SPIKE_STEPS_AUTO, &st, &err), AX_OK);
    cr_assert_eq(st.steps, T);
    cr_assert_float_eq(st.firing_rate, rate, 1e-6, "rate %.9f != %.6f", st.firing_rate, rate);
    cr_assert_float_eq(st.sparsity, 1.0 - rate, 1e-6);
    return T;
}

/* The train of token k, as one int per step. */
static void expect_train(const int8_t *trains, size_t n, int T, size_t k, const int *want)
{
    for (int t = 0; t < T; t++)
        cr_assert_eq(trains[(size_t)t * n + k], want[t], "count #%zu step %d: %d != %d", k, t,
                     trains[(size_t)t * n + k], want[t]);
}

Test(spike_code, binary_vector)
{
    const int32_t s[] = {0, 1, 3, 5};
    int8_t tr[5 * 4];
    cr_assert_eq(encode(SPIKE_BINARY, s, 4, tr, 0.45), 5);
    expect_train(tr, 4, 5, 0, (int[]){0, 0, 0, 0, 0});
    expect_train(tr, 4, 5, 1, (int[]){1, 0, 0, 0, 0});
    expect_train(tr, 4, 5, 2, (int[]){1, 1, 1, 0, 0});
    expect_train(tr, 4, 5, 3, (int[]){1, 1, 1, 1, 1});
}

Test(spike_code, ternary_vector)
{
    const int32_t s[] = {0, 1, -1, 3, -5};
    int8_t tr[5 * 5];
    cr_assert_eq(encode(SPIKE_TERNARY, s, 5, tr, 0.40), 5);
    expect_train(tr, 5, 5, 2, (int[]){-1, 0, 0, 0, 0});
    expect_train(tr, 5, 5, 3, (int[]){1, 1, 1, 0, 0});
    expect_train(tr, 5, 5, 4, (int[]){-1, -1, -1, -1, -1});
}

Test(spike_code, unsigned_vector)
{
    const int32_t s[] = {0, 1, 5, 6, 7, 127, 255};
    int8_t tr[8 * 7];
    cr_assert_eq(encode(SPIKE_BITWISE, s, 7, tr, 0.410714), 8);
    expect_train(tr, 7, 8, 2, (int[]){0, 0, 0, 0, 0, 1, 0, 1});
    expect_train(tr, 7, 8, 5, (int[]){0, 1, 1, 1, 1, 1, 1, 1});
    expect_train(tr, 7, 8, 6, (int[]){1, 1, 1, 1, 1, 1, 1, 1});
    expect_train(tr, 7, 8, 1, (int[]){0, 0, 0, 0, 0, 0, 0, 1});
}

Test(spike_code, sign_magnitude_vector)
{
    const int32_t s[] = {0, 127, -127, -128, 5, -5};
    int8_t tr[8 * 6];
    cr_assert_eq(encode(SPIKE_BITWISE_SIGNED, s, 6, tr, 0.395833), 8);
    expect_train(tr, 6, 8, 1, (int[]){0, 1, 1, 1, 1, 1, 1, 1});
    expect_train(tr, 6, 8, 2, (int[]){0, -1, -1, -1, -1, -1, -1, -1});
    expect_train(tr, 6, 8, 3, (int[]){-1, 0, 0, 0, 0, 0, 0, 0});
    expect_train(tr, 6, 8, 5, (int[]){0, 0, 0, 0, 0, -1, 0, -1});
}

Test(spike_code, twos_complement_vector)
{
    const int32_t s[] = {0, 1, -1, 5, -5, 7, -8};
    int8_t tr[5 * 7];
    cr_assert_eq(encode(SPIKE_BITWISE_2C, s, 7, tr, 0.485714), 5);
    expect_train(tr, 7, 5, 2, (int[]){1, 1, 1, 1, 1});
    expect_train(tr, 7, 5, 4, (int[]){1, 1, 0, 1, 1});
    expect_train(tr, 7, 5, 6, (int[]){1, 1, 0, 0, 0});
    expect_train(tr, 7, 5, 5, (int[]){0, 0, 1, 1, 1});
    expect_train(tr, 7, 5, 1, (int[]){0, 0, 0, 0, 1});
    /* the MSB step weighs -2^(T-1), the others 2^(T-1-t) */
    cr_assert_eq(spike_step_weight(SPIKE_BITWISE_2C, 5, 0), -16);
    cr_assert_eq(spike_step_weight(SPIKE_BITWISE_2C, 5, 1), 8);
    cr_assert_eq(spike_step_weight(SPIKE_BITWISE_2C, 5, 4), 1);
}

Test(spike_code, step_weights)
{
    for (int t = 0; t < 5; t++) {
        cr_assert_eq(spike_step_weight(SPIKE_BINARY, 5, t), 1);
        cr_assert_eq(spike_step_weight(SPIKE_TERNARY, 5, t), 1);
        cr_assert_eq(spike_step_weight(SPIKE_BITWISE, 5, t), 1 << (4 - t));
        cr_assert_eq(spike_step_weight(SPIKE_BITWISE_SIGNED, 5, t), 1 << (4 - t));
    }
    cr_assert_eq(spike_step_weight(SPIKE_BITWISE, 5, 5), 0);
    cr_assert_eq(spike_step_weight(SPIKE_BITWISE_2C, 8, 0), -128);
}

Test(spike_code, reference_T_rules)
{
    int T;
    const int32_t z[3] = {0, 0, 0};
    const int32_t a[4] = {3, -200, 7, 0}; /* absmax 200: bit length 8 */
    const int32_t b[2] = {255, 256};
    const int32_t one[1] = {1};
    cr_assert_eq(spike_steps_rule(SPIKE_TERNARY, a, 4, &T, NULL), AX_OK);
    cr_assert_eq(T, 200);
    cr_assert_eq(spike_steps_rule(SPIKE_BITWISE_SIGNED, a, 4, &T, NULL), AX_OK);
    cr_assert_eq(T, 8);
    cr_assert_eq(spike_steps_rule(SPIKE_BITWISE_2C, a, 4, &T, NULL), AX_OK);
    cr_assert_eq(T, 9);
    cr_assert_eq(spike_steps_rule(SPIKE_BITWISE, b, 2, &T, NULL), AX_OK);
    cr_assert_eq(T, 9);
    cr_assert_eq(spike_steps_rule(SPIKE_BITWISE_2C, one, 1, &T, NULL), AX_OK);
    cr_assert_eq(T, 2); /* max(2, 1 + 1) */
    /* all-zero input: bitwise rules give 1 (2 for two's complement);
     * binary/ternary use 1 instead of the reference's 0 (documented) */
    cr_assert_eq(spike_steps_rule(SPIKE_BITWISE, z, 3, &T, NULL), AX_OK);
    cr_assert_eq(T, 1);
    cr_assert_eq(spike_steps_rule(SPIKE_BITWISE_2C, z, 3, &T, NULL), AX_OK);
    cr_assert_eq(T, 2);
    cr_assert_eq(spike_steps_rule(SPIKE_BINARY, z, 3, &T, NULL), AX_OK);
    cr_assert_eq(T, 1);
    /* INT32 extremes stay exact */
    const int32_t ext[2] = {INT32_MIN, INT32_MAX};
    cr_assert_eq(spike_steps_rule(SPIKE_BITWISE_SIGNED, ext, 2, &T, NULL), AX_OK);
    cr_assert_eq(T, 32);
    cr_assert_eq(spike_steps_rule(SPIKE_BITWISE_2C, ext, 2, &T, NULL), AX_OK);
    cr_assert_eq(T, 33);
    char *err = NULL;
    cr_assert_eq(spike_steps_rule(SPIKE_TERNARY, ext, 2, &T, &err), AX_ERANGE);
    free(err);
}

Test(spike_code, negative_counts_binary_and_unsigned_are_errors)
{
    const int32_t s[3] = {2, -1, 0};
    int T;
    char *err = NULL;
    cr_assert_eq(spike_steps_rule(SPIKE_BINARY, s, 3, &T, &err), AX_ERANGE);
    cr_assert(strstr(err, "count[1] = -1") && strstr(err, "binary"), "%s", err);
    free(err);
    err = NULL;
    cr_assert_eq(spike_steps_rule(SPIKE_BITWISE, s, 3, &T, &err), AX_ERANGE);
    free(err);
    err = NULL;
    cr_assert_eq(spike_check_fits(SPIKE_BINARY, -1, 8, &err), AX_ERANGE);
    cr_assert(strstr(err, "negative"), "%s", err);
    free(err);
    err = NULL;
    int To[1];
    cr_assert_eq(spike_steps_resolve(SPIKE_BINARY, s, 1, 3, 4, To, NULL, &err), AX_ERANGE);
    cr_assert(strstr(err, "token 0, channel 1"), "%s", err);
    free(err);
    err = NULL;
    int8_t tr[8 * 3];
    cr_assert_eq(spike_trains(SPIKE_BINARY, s, 1, 3, 8, tr, &err), AX_ERANGE);
    free(err);
    err = NULL;
    spike_stats st;
    cr_assert_eq(spike_stats_compute(SPIKE_BINARY, s, 3, 1, SPIKE_STEPS_TOKEN, &st, &err),
                 AX_ERANGE);
    cr_assert(strstr(err, "token 1, channel 0"), "%s", err);
    free(err);
}

Test(spike_code, fixed_T_does_not_fit_is_an_error)
{
    /* clang-format off */
    struct { spike_coding c; int32_t ok, bad; int T; } v[] = {
        {SPIKE_BINARY, 5, 6, 5},           {SPIKE_TERNARY, -5, -6, 5},
        {SPIKE_BITWISE, 255, 256, 8},      {SPIKE_BITWISE_SIGNED, -255, -256, 8},
        {SPIKE_BITWISE_2C, 15, 16, 5},     {SPIKE_BITWISE_2C, -16, -17, 5},
        {SPIKE_BITWISE_2C, 127, 128, 8},   {SPIKE_BITWISE_2C, -128, -129, 8},
    };
    /* clang-format on */
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char *err = NULL;
        cr_assert_eq(spike_check_fits(v[i].c, v[i].ok, v[i].T, NULL), AX_OK, "case %zu", i);
        cr_assert_eq(spike_check_fits(v[i].c, v[i].bad, v[i].T, &err), AX_ERANGE, "case %zu", i);
        cr_assert(strstr(err, "does not fit") || strstr(err, "needs"), "%s", err);
        free(err);
        /* ... and through every entry point, naming token and channel */
        int32_t s[4] = {0, v[i].ok, 0, v[i].bad};
        int8_t tr[4 * 300];
        err = NULL;
        cr_assert_eq(spike_trains(v[i].c, s, 2, 2, v[i].T, tr, &err), AX_ERANGE);
        cr_assert(strstr(err, "token 1, channel 1"), "%s", err);
        free(err);
        spike_event *ev = NULL;
        size_t nev, ts[3];
        err = NULL;
        cr_assert_eq(spike_events(v[i].c, s, 2, 2, v[i].T, &ev, &nev, ts, NULL, &err), AX_ERANGE);
        cr_assert_null(ev);
        free(err);
    }
    char *err = NULL;
    cr_assert_eq(spike_check_fits(SPIKE_BITWISE, 1, 0, &err), AX_EPARAM);
    free(err);
    err = NULL;
    cr_assert_eq(spike_check_fits(SPIKE_BITWISE, 1, SPIKE_MAX_BITWISE_STEPS + 1, &err), AX_EPARAM);
    free(err);
}

Test(spike_code, names_round_trip)
{
    const char *n[] = {"binary", "ternary", "bitwise", "bitwise-signed", "bitwise-2c"};
    for (int i = 0; i < 5; i++) {
        spike_coding c;
        cr_assert_eq(spike_coding_parse(n[i], &c, NULL), AX_OK);
        cr_assert_str_eq(spike_coding_name(c), n[i]);
        cr_assert_eq(spike_coding_is_bitwise(c), i >= 2);
    }
    spike_coding c;
    char *err = NULL;
    cr_assert_eq(spike_coding_parse("unary", &c, &err), AX_EPARAM);
    cr_assert(strstr(err, "'unary'") && strstr(err, "bitwise-2c"), "%s", err);
    free(err);
}

Test(spike_code, twos_complement_fixed_T_below_the_rule_fits)
{
    /* -8 needs 4 two's complement steps although the rule over {-8, 7}
     * asks for 5: a fixed T = 4 must be accepted everywhere */
    const int32_t s[2] = {-8, 7};
    int T, To[1];
    cr_assert_eq(spike_steps_rule(SPIKE_BITWISE_2C, s, 2, &T, NULL), AX_OK);
    cr_assert_eq(T, 5);
    cr_assert_eq(spike_steps_resolve(SPIKE_BITWISE_2C, s, 1, 2, 4, To, NULL, NULL), AX_OK);
    cr_assert_eq(To[0], 4);
    int8_t tr[8];
    int32_t back[2];
    cr_assert_eq(spike_trains(SPIKE_BITWISE_2C, s, 1, 2, 4, tr, NULL), AX_OK);
    spike_decode(SPIKE_BITWISE_2C, tr, 1, 2, 4, back);
    cr_assert(back[0] == -8 && back[1] == 7);
    spike_stats st;
    cr_assert_eq(spike_stats_compute(SPIKE_BITWISE_2C, s, 1, 2, 4, &st, NULL), AX_OK);
    cr_assert_eq(st.spikes, 1 + 3); /* 1000 and 0111 */
    char *err = NULL;
    const int32_t bad[2] = {-9, 0};
    cr_assert_eq(spike_steps_resolve(SPIKE_BITWISE_2C, bad, 1, 2, 4, To, NULL, &err), AX_ERANGE);
    cr_assert(strstr(err, "token 0, channel 0") && strstr(err, "-9"), "%s", err);
    free(err);
}

/* spike_steps_resolve_par's rule over all counts in chunks of 65 536 on 1,
 * 2 and 3 threads: the same T as one pass (the largest count placed in the
 * last, partial chunk) and, for binary, the first negative count in stream
 * order named (negatives in the second and third chunks: the second's). */
Test(spike_code, resolve_par_same_T_and_first_negative)
{
    const size_t tokens = 50, d = 4001, n = tokens * d; /* 200 050 counts: 4 chunks */
    int32_t *s = malloc(n * sizeof *s);
    uint64_t r = 5;
    for (size_t i = 0; i < n; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        s[i] = (int32_t)(r >> 59); /* 0 .. 31 */
    }
    s[n - 7] = 1000;
    const spike_coding cs[] = {SPIKE_BINARY, SPIKE_TERNARY, SPIKE_BITWISE, SPIKE_BITWISE_2C};
    int *T = malloc(tokens * sizeof *T);
    for (size_t k = 0; k < 4; k++) {
        int T1 = 0;
        for (int th = 1; th <= 3; th++) {
            int Tm = -1;
            cr_assert_eq(spike_steps_resolve_par(cs[k], s, tokens, d, SPIKE_STEPS_AUTO, th, T, &Tm,
                                                 NULL),
                         AX_OK);
            if (th == 1)
                T1 = Tm;
            cr_assert_eq(Tm, T1, "%s, %d threads: T %d, want %d", spike_coding_name(cs[k]), th, Tm,
                         T1);
            cr_assert_eq(T[tokens - 1], T1);
        }
        int want = cs[k] == SPIKE_BINARY || cs[k] == SPIKE_TERNARY ? 1000
                   : cs[k] == SPIKE_BITWISE_2C                     ? 11
                                                                   : 10;
        cr_assert_eq(T1, want, "%s: T %d", spike_coding_name(cs[k]), T1);
    }
    s[70000] = -3;  /* chunk 1 */
    s[140000] = -9; /* chunk 2 */
    char *want = NULL;
    for (int th = 1; th <= 3; th++) {
        char *err = NULL;
        cr_assert_eq(spike_steps_resolve_par(SPIKE_BINARY, s, tokens, d, SPIKE_STEPS_AUTO, th, T,
                                             NULL, &err),
                     AX_ERANGE);
        cr_assert_not_null(strstr(err, "count -3"), "%d threads: %s", th, err);
        if (th == 1)
            want = err;
        else {
            cr_assert_str_eq(err, want);
            free(err);
        }
    }
    free(want);
    free(T);
    free(s);
}
