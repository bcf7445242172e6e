/*
 * bench_spike — cost of building the event stream (spike_events) against
 * a naive generator that, like a dense time-stepped loop, visits every
 * (token, step, channel) slot, on the same counts in the same run. Prints
 * ratios only (never asserted; docs/design.md §1).
 *
 * Counts: hidden size 3584 (Qwen2.5-7B / SpikingBrain-7B), small |counts|
 * (geometric, mostly 1..7, clamped to INT8) and a swept fraction of silent
 * (token, channel) pairs, starting at SpikingBrain-7B's published 18.4 %.
 * Both generators must produce identical streams; a difference is printed
 * and the exit status is 1.
 *
 * usage: bench_spike [TOKENS] [CODING]   (default 256 bitwise-signed)
 */
#include "../spike/spike.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void) /* process CPU time: the machine may be shared */
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static double urand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

/* Every slot visited: for each token, step, channel. */
static size_t naive(spike_coding c, const int32_t *s, size_t tokens, size_t d, int T,
                    spike_event *ev)
{
    size_t k = 0;
    for (size_t n = 0; n < tokens; n++)
        for (int t = 0; t < T; t++) {
            int64_t w = spike_step_weight(c, T, t);
            for (size_t i = 0; i < d; i++) {
                int b = spike_bit(c, s[n * d + i], T, t);
                if (!b)
                    continue;
                ev[k].token = (uint32_t)n;
                ev[k].step = (uint16_t)t;
                ev[k].neg = (uint8_t)((b < 0) != (w < 0));
                ev[k].shift = (uint8_t)(spike_coding_is_bitwise(c) ? T - 1 - t : 0);
                ev[k].axon = (uint32_t)i;
                k++;
            }
        }
    return k;
}

int main(int argc, char **argv)
{
    size_t tokens = argc > 1 ? (size_t)atol(argv[1]) : 256, d = 3584, n = tokens * d;
    spike_coding c = SPIKE_BITWISE_SIGNED;
    if (argc > 2 && spike_coding_parse(argv[2], &c, NULL)) {
        fprintf(stderr, "bench_spike: unknown coding '%s'\n", argv[2]);
        return 2;
    }
    if (tokens == 0) {
        fprintf(stderr, "usage: bench_spike [TOKENS] [CODING]\n");
        return 2;
    }
    int nonneg = c == SPIKE_BINARY || c == SPIKE_BITWISE;
    int32_t *s = malloc(n * sizeof *s);
    size_t *ts = malloc((tokens + 1) * sizeof *ts);
    const double silent[] = {0.184, 0.5, 0.9, 0.99};
    int status = 0;
    printf("bench_spike: %zu tokens x %zu channels, %s coding, auto T\n", tokens, d,
           spike_coding_name(c));
    printf("%-10s %4s %12s %14s %14s %8s\n", "silent_%", "T", "events", "naive_ns/slot",
           "events_ns/ev", "speedup");
    for (size_t si = 0; si < sizeof silent / sizeof silent[0]; si++) {
        for (size_t k = 0; k < n; k++) {
            int32_t v = 0;
            if (urand() >= silent[si]) {
                v = 1;
                while (urand() < 0.5 && v < 127)
                    v++;
                if (!nonneg && urand() < 0.5)
                    v = -v;
            }
            s[k] = v;
        }
        int T;
        if (spike_steps_rule(c, s, n, &T, NULL))
            return 1;
        spike_event *ev = NULL;
        size_t nev = 0;
        double t0 = now_s();
        if (spike_events(c, s, tokens, d, T, &ev, &nev, ts, NULL, NULL))
            return 1;
        double t_ev = now_s() - t0;
        spike_event *ref = malloc((nev ? nev : 1) * sizeof *ref);
        t0 = now_s();
        size_t nref = naive(c, s, tokens, d, T, ref);
        double t_naive = now_s() - t0;
        if (nref != nev || memcmp(ref, ev, nev * sizeof *ev)) {
            printf("MISMATCH: naive %zu events, spike_events %zu\n", nref, nev);
            status = 1;
        }
        printf("%-10.1f %4d %12zu %14.3f %14.3f %7.1fx\n", 100 * silent[si], T, nev,
               1e9 * t_naive / ((double)n * T), nev ? 1e9 * t_ev / (double)nev : 0.0,
               t_ev > 0 ? t_naive / t_ev : 0.0);
        free(ev);
        free(ref);
    }
    free(s);
    free(ts);
    return status;
}
