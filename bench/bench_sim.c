/*
 * bench_sim — speed of the simulator against a naive dense loop on the same
 * input, measured in the same run (never asserted; docs/design.md §1).
 *
 * The input is a synthetic LLM-like layer (int8 weights, 30 % zeros) and
 * spike counts with the published SpikingBrain statistics in mind (about
 * 70 % silent (token, channel) pairs, small counts), coded bitwise with T
 * steps. The dense loop does what a clocked array would: for every token,
 * step, input and output, acc += spike * weight (R·C·T work per tile,
 * in·out·T per token), zero spikes included. The simulator visits only
 * nonzero spikes and streams one weight row per event per core, with the
 * full timing model, counters and NoC.
 *
 * usage: bench_sim [--full] [IN OUT TOKENS T]
 *   default 1024 4096 32 4; --full = 3584 18944 128 4 (Qwen2.5-7B up_proj)
 */
#include "../gpu/gpu.h"
#include "../sim/sim.h"
#include "../tests/sim_testlib.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Process CPU time: the machine may be shared, so wall time would measure
 * the neighbours; both loops are single-threaded. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    size_t in = 1024, out = 4096, tokens = 32;
    int T = 4;
    if (argc > 1 && !strcmp(argv[1], "--full")) {
        in = 3584;
        out = 18944;
        tokens = 128;
    } else if (argc == 5) {
        in = (size_t)atol(argv[1]);
        out = (size_t)atol(argv[2]);
        tokens = (size_t)atol(argv[3]);
        T = atoi(argv[4]);
    } else if (argc != 1) {
        fprintf(stderr, "usage: bench_sim [--full] [IN OUT TOKENS T]\n");
        return 2;
    }
    uint64_t st = 1;
    map_qweight qw;
    tl_qweight(&qw, out, in, 0, 30, &st);
    int32_t *counts = malloc(tokens * in * sizeof *counts);
    tl_counts(counts, tokens * in, SPIKE_BITWISE_SIGNED, T < 4 ? T : 3, 70, &st);
    size_t *ts = malloc((tokens + 1) * sizeof *ts), nev;
    spike_event *ev = tl_events(SPIKE_BITWISE_SIGNED, counts, tokens, in, T, &nev, ts);
    int8_t *tr = calloc(tokens * (size_t)T * in, 1); /* dense trains [token][step][in] */
    int8_t *sh = calloc((size_t)T, 1);
    for (size_t e = 0; e < nev; e++)
        tr[(ev[e].token * (size_t)T + ev[e].step) * in + ev[e].axon] = ev[e].neg ? -1 : 1;
    for (int t = 0; t < T; t++)
        sh[t] = (int8_t)(T - 1 - t);

    sim_config c;
    sim_config_default(&c);
    double t0 = now_s();
    sim *s = NULL;
    char *err = NULL;
    if (sim_new(&c, &qw, ev, nev, ts, tokens, &s, &err) || sim_run(s, &err)) {
        fprintf(stderr, "bench_sim: %s\n", err);
        return 1;
    }
    double t_sim = now_s() - t0;
    sim_report r;
    sim_get_report(s, &r);

    /* naive dense loop: every (token, step, input, output), zeros included;
     * on at most 8 tokens (it is slow), compared per token */
    size_t dtok = tokens < 8 ? tokens : 8;
    int32_t *acc = calloc(tokens * out, sizeof *acc);
    t0 = now_s();
    for (size_t n = 0; n < dtok; n++)
        for (int t = 0; t < T; t++)
            for (size_t j = 0; j < out; j++) {
                const int8_t *q = qw.q + j * in, *x = tr + (n * (size_t)T + (size_t)t) * in;
                int32_t a = 0;
                for (size_t i = 0; i < in; i++)
                    a += (int32_t)x[i] * q[i];
                acc[n * out + j] += a * (1 << sh[t]);
            }
    double t_dense = now_s() - t0;
    int same = !memcmp(acc, sim_acc(s), dtok * out * sizeof *acc);
    double slots = (double)tokens * (double)T * (double)in;
    double dslots = (double)dtok * (double)T * (double)in;
    printf("layer %zu -> %zu, %zu tokens, T = %d, %zu cores, %zu spike events (%.1f %% of %.0f "
           "slots)\n",
           in, out, tokens, T, r.cores, nev, 100.0 * (double)nev / slots, slots);
    printf("simulated: %lld cycles = %.1f us at %.0f MHz, %.0f tokens/s\n", (long long)r.duration,
           r.duration_ns * 1e-3, c.clock_mhz, r.tokens_per_s);
    double sim_tok = t_sim / (double)tokens, dense_tok = t_dense / (double)dtok;
    printf("simulator (build + run, %zu tokens): %.3f s CPU = %.2f ms/token, %.3g events/s, "
           "%.3g core-events/s\n",
           tokens, t_sim, 1e3 * sim_tok, (double)nev / t_sim, (double)r.total.events / t_sim);
    printf("naive dense loop (%zu tokens):       %.3f s CPU = %.2f ms/token, %.3g slot-outputs/s\n",
           dtok, t_dense, 1e3 * dense_tok, dslots * (double)out / t_dense);
    printf("speed ratio dense/simulator per token: %.2fx (same acc on the dense tokens: %s)\n",
           dense_tok / sim_tok, same ? "yes" : "NO");
    sim_free(s);
    free(acc);
    free(tr);
    free(sh);
    free(ev);
    free(ts);
    free(counts);
    map_qweight_free(&qw);
    return same ? 0 : 1;
}
