/* Unit tests of spike/spike_event.c: on random counts for every coding and
 * steps mode, the events reproduce the counts (Σ ±2^shift per (token,
 * axon) == count), come in strict (token, step, axon) order, are exactly
 * the nonzero spikes of the dense trains, and tok_start / T_of are right;
 * plus a hand-checked two's complement stream (MSB events are negative). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../spike/spike.h"

static uint64_t rng = 0xD1B54A32D192ED03ULL;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static const spike_coding all[] = {SPIKE_BINARY, SPIKE_TERNARY, SPIKE_BITWISE, SPIKE_BITWISE_SIGNED,
                                   SPIKE_BITWISE_2C};

Test(spike_event, events_reproduce_counts_random)
{
    for (int iter = 0; iter < 150; iter++) {
        spike_coding c = all[iter % 5];
        int mode = iter / 5 % 3; /* 0 auto, 1 per token, 2 fixed */
        size_t tokens = 1 + rnd() % 5, d = 1 + rnd() % 40, n = tokens * d;
        int32_t *s = malloc(n * sizeof *s);
        int nonneg = c == SPIKE_BINARY || c == SPIKE_BITWISE;
        for (size_t k = 0; k < n; k++) {
            int32_t v = rnd() % 3 ? 0 : (int32_t)(rnd() % 128); /* sparse */
            s[k] = nonneg || rnd() % 2 ? v : -v;
        }
        int steps = SPIKE_STEPS_AUTO;
        if (mode == 1)
            steps = SPIKE_STEPS_TOKEN;
        if (mode == 2) {
            cr_assert_eq(spike_steps_rule(c, s, n, &steps, NULL), AX_OK);
            steps += 2;
        }
        spike_event *ev;
        size_t nev, *ts = malloc((tokens + 1) * sizeof *ts);
        int *To = malloc(tokens * sizeof *To);
        char *err = NULL;
        cr_assert_eq(spike_events(c, s, tokens, d, steps, &ev, &nev, ts, To, &err), AX_OK, "%s",
                     err ? err : "");
        int64_t *sum = calloc(n, sizeof *sum);
        uint64_t want_n = 0;
        for (size_t k = 0; k < n; k++)
            want_n += (uint64_t)spike_nspikes(c, s[k], To[k / d]);
        cr_assert_eq(nev, want_n);
        cr_assert_eq(ts[0], 0);
        cr_assert_eq(ts[tokens], nev);
        for (size_t e = 0; e < nev; e++) {
            const spike_event *x = &ev[e];
            cr_assert_lt(x->token, tokens);
            cr_assert_lt(x->axon, d);
            cr_assert(e >= ts[x->token] && e < ts[x->token + 1], "event %zu outside its token", e);
            cr_assert_lt(x->step, To[x->token]);
            if (e) { /* strict (token, step, axon) order */
                const spike_event *p = &ev[e - 1];
                int later = p->token < x->token ||
                            (p->token == x->token &&
                             (p->step < x->step || (p->step == x->step && p->axon < x->axon)));
                cr_assert(later, "event %zu out of order", e);
            }
            size_t k = x->token * d + x->axon;
            int T = To[x->token];
            int b = spike_bit(c, s[k], T, x->step);
            int64_t w = spike_step_weight(c, T, x->step);
            cr_assert_neq(b, 0, "event %zu is not a spike", e);
            cr_assert_eq((int64_t)1 << x->shift, w < 0 ? -w : w);
            cr_assert_eq(x->neg, b * w < 0);
            sum[k] += x->neg ? -((int64_t)1 << x->shift) : (int64_t)1 << x->shift;
        }
        for (size_t k = 0; k < n; k++)
            cr_assert_eq(sum[k], s[k], "%s mode %d: token %zu axon %zu: %lld != %d",
                         spike_coding_name(c), mode, k / d, k % d, (long long)sum[k], s[k]);
        for (size_t tok = 0; tok < tokens; tok++) {
            int Tt;
            if (mode == 1)
                cr_assert_eq(spike_steps_rule(c, s + tok * d, d, &Tt, NULL), AX_OK);
            else if (mode == 0)
                cr_assert_eq(spike_steps_rule(c, s, n, &Tt, NULL), AX_OK);
            else
                Tt = steps;
            cr_assert_eq(To[tok], Tt);
        }
        free(s);
        free(ev);
        free(ts);
        free(To);
        free(sum);
    }
}

Test(spike_event, twos_complement_stream_by_hand)
{
    /* one token, counts {-5, 0, 3}, fixed T = 4: -5 = 1011, 3 = 0011 */
    const int32_t s[3] = {-5, 0, 3};
    spike_event *ev;
    size_t nev, ts[2];
    cr_assert_eq(spike_events(SPIKE_BITWISE_2C, s, 1, 3, 4, &ev, &nev, ts, NULL, NULL), AX_OK);
    /* clang-format off */
    struct { int step, axon, neg, shift; } want[] = {
        {0, 0, 1, 3}, {2, 0, 0, 1}, {2, 2, 0, 1}, {3, 0, 0, 0}, {3, 2, 0, 0}};
    /* clang-format on */
    cr_assert_eq(nev, 5);
    for (size_t e = 0; e < nev; e++) {
        cr_assert_eq(ev[e].token, 0);
        cr_assert_eq(ev[e].step, want[e].step, "event %zu", e);
        cr_assert_eq(ev[e].axon, want[e].axon, "event %zu", e);
        cr_assert_eq(ev[e].neg, want[e].neg, "event %zu", e);
        cr_assert_eq(ev[e].shift, want[e].shift, "event %zu", e);
    }
    free(ev);
}

Test(spike_event, sign_magnitude_and_ternary_polarity)
{
    const int32_t s[2] = {-3, 2};
    spike_event *ev;
    size_t nev, ts[2];
    /* sign-magnitude T = 2: -3 = -(11): two negative events; 2 = 10 */
    cr_assert_eq(spike_events(SPIKE_BITWISE_SIGNED, s, 1, 2, SPIKE_STEPS_AUTO, &ev, &nev, ts, NULL,
                              NULL),
                 AX_OK);
    cr_assert_eq(nev, 3);
    cr_assert(ev[0].axon == 0 && ev[0].neg && ev[0].shift == 1);
    cr_assert(ev[1].axon == 1 && !ev[1].neg && ev[1].shift == 1);
    cr_assert(ev[2].axon == 0 && ev[2].neg && ev[2].shift == 0);
    free(ev);
    /* ternary T = 3: step 0 both, step 1 both, step 2 only axon 0 */
    cr_assert_eq(spike_events(SPIKE_TERNARY, s, 1, 2, SPIKE_STEPS_AUTO, &ev, &nev, ts, NULL, NULL),
                 AX_OK);
    cr_assert_eq(nev, 5);
    cr_assert(ev[4].step == 2 && ev[4].axon == 0 && ev[4].neg && ev[4].shift == 0);
    free(ev);
}

Test(spike_event, all_silent_gives_no_events)
{
    const int32_t s[6] = {0};
    spike_event *ev;
    size_t nev, ts[3];
    cr_assert_eq(spike_events(SPIKE_BITWISE_2C, s, 2, 3, 8, &ev, &nev, ts, NULL, NULL), AX_OK);
    cr_assert_eq(nev, 0);
    cr_assert(ts[0] == 0 && ts[1] == 0 && ts[2] == 0);
    free(ev);
}

/* spike_events_par on many tokens (several blocks of 16, the last one
 * partial) equals the dense trains read in (token, step, axon) order, for
 * 1, 2 and 3 threads: a block written at a wrong offset, a prefix sum off
 * by one, or a block's candidate written past its last event into the next
 * block's first event (the branchless emission) breaks it. */
Test(spike_event, par_equals_dense_trains_for_every_thread_count)
{
    for (int iter = 0; iter < 60; iter++) {
        spike_coding c = all[iter % 5];
        int mode = iter / 5 % 3; /* 0 auto, 1 per token, 2 fixed */
        size_t tokens = 17 + rnd() % 90, d = 1 + rnd() % 60, n = tokens * d;
        int32_t *s = malloc(n * sizeof *s);
        int nonneg = c == SPIKE_BINARY || c == SPIKE_BITWISE;
        for (size_t k = 0; k < n; k++) {
            int32_t v = rnd() % 3 ? 0 : (int32_t)(rnd() % 40);
            s[k] = nonneg || rnd() % 2 ? v : -v;
        }
        int steps = mode == 0 ? SPIKE_STEPS_AUTO : SPIKE_STEPS_TOKEN;
        if (mode == 2) {
            cr_assert_eq(spike_steps_rule(c, s, n, &steps, NULL), AX_OK);
            steps += 1;
        }
        spike_event *want = NULL, *ev = NULL;
        size_t nw = 0, cap = 0, nev;
        size_t *ts = malloc((tokens + 1) * sizeof *ts), *ts1 = malloc((tokens + 1) * sizeof *ts1);
        int *To = malloc(tokens * sizeof *To), *To1 = malloc(tokens * sizeof *To1);
        for (int th = 1; th <= 3; th++) {
            char *err = NULL;
            cr_assert_eq(spike_events_par(c, s, tokens, d, steps, th, &ev, &nev, ts, To, &err),
                         AX_OK, "%s", err ? err : "");
            if (th == 1) { /* the dense trains, from this run's T per token */
                memcpy(ts1, ts, (tokens + 1) * sizeof *ts);
                memcpy(To1, To, tokens * sizeof *To);
                for (size_t tok = 0; tok < tokens; tok++) {
                    cr_assert_eq(ts[tok], nw, "token %zu starts at %zu, not %zu", tok, ts[tok], nw);
                    for (int t = 0; t < To[tok]; t++)
                        for (size_t i = 0; i < d; i++) {
                            int b = spike_bit(c, s[tok * d + i], To[tok], t);
                            if (!b)
                                continue;
                            int64_t w = spike_step_weight(c, To[tok], t);
                            if (nw == cap)
                                want = realloc(want, (cap = 2 * cap + 64) * sizeof *want);
                            want[nw++] = (spike_event){.token = (uint32_t)tok,
                                                       .step = (uint16_t)t,
                                                       .neg = b * w < 0,
                                                       .shift = (uint8_t)__builtin_ctzll(
                                                           (uint64_t)(w < 0 ? -w : w)),
                                                       .axon = (uint32_t)i};
                        }
                }
            }
            cr_assert_eq(nev, nw, "%s, %d threads: %zu events, want %zu", spike_coding_name(c), th,
                         nev, nw);
            cr_assert_eq(memcmp(ts, ts1, (tokens + 1) * sizeof *ts), 0);
            cr_assert_eq(memcmp(To, To1, tokens * sizeof *To), 0);
            for (size_t e = 0; e < nev; e++)
                cr_assert(ev[e].token == want[e].token && ev[e].step == want[e].step &&
                              ev[e].neg == want[e].neg && ev[e].shift == want[e].shift &&
                              ev[e].axon == want[e].axon,
                          "%s, %d threads, %zu tokens: event %zu (token %u step %u axon %u) "
                          "differs from the trains' (token %u step %u axon %u)",
                          spike_coding_name(c), th, tokens, e, ev[e].token, ev[e].step, ev[e].axon,
                          want[e].token, want[e].step, want[e].axon);
            free(ev);
        }
        free(want);
        free(s);
        free(ts);
        free(ts1);
        free(To);
        free(To1);
    }
}
