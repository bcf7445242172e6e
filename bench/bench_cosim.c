/*
 * bench_cosim — speed of the Verilated RTL core against the C core model on
 * the same event stream, measured in the same run (printed, never asserted).
 * The stream is the random one of `axon cosim --random` (tokens with 0..5
 * steps, densities 0..1, weights with zero words) for the core this bench was
 * linked with (the default small build: R=C=32, L=8). Each side runs alone:
 *   RTL:     axon_rtl_step once per clock cycle until the last readout
 *            -> Mcycles/s and events/s
 *   C model: sim_new + sim_run (one-core chip) -> events/s and simulated
 *            Mcycles/s
 * and the ratio of events/s. Times are process CPU time (the machine may be
 * shared), best of 3 repetitions.
 * usage: bench_cosim [TOKENS]   (default 400)
 */
#include "../rtl/shim/axon_cosim_stream.h"
#include "../sim/sim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int die(char *err)
{
    fprintf(stderr, "bench_cosim: %s\n", err ? err : "error");
    free(err);
    return 1;
}

int main(int argc, char **argv)
{
    size_t tokens = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 400;
    axon_rtl_params p;
    axon_rtl_built(&p);
    char *err = NULL;
    cosim_stream st;
    if (cosim_stream_random(&p, tokens, 42, &st, &err))
        return die(err);
    sim_config cfg;
    cosim_stream_sim_config(&p, &cfg);
    double best_rtl = 1e30, best_sim = 1e30;
    int64_t cycles = 0, sim_dur = 0;
    for (int rep = 0; rep < 3; rep++) {
        axon_rtl *h = NULL;
        if (axon_rtl_new(&p, 1, &h, &err))
            return die(err);
        int8_t *row = calloc((size_t)p.cols, 1);
        for (size_t i = 0; i < st.qw.in; i++) {
            for (size_t o = 0; o < st.qw.out; o++)
                row[o] = st.qw.q[o * st.qw.in + i];
            if (axon_rtl_load_row(h, (uint32_t)i, row, &err))
                return die(err);
        }
        free(row);
        for (size_t t = 0; t < st.tokens; t++) {
            for (size_t e = st.tok_start[t]; e < st.tok_start[t + 1]; e++) {
                axon_rtl_item it = {0, st.ev[e].axon, st.ev[e].neg, st.ev[e].shift, 0, 0};
                if (axon_rtl_push(h, &it, 1, &err))
                    return die(err);
            }
            axon_rtl_item eot = {1, 0, 0, 0, 0, 0};
            if (axon_rtl_push(h, &eot, 1, &err))
                return die(err);
        }
        axon_rtl_stamp s;
        double t0 = now_s();
        int64_t n = 0;
        while (axon_rtl_step(h, &s))
            n++;
        double t1 = now_s();
        cycles = n + 1;
        if (t1 - t0 < best_rtl)
            best_rtl = t1 - t0;
        axon_rtl_free(h);

        sim *sm = NULL;
        t0 = now_s();
        if (sim_new(&cfg, &st.qw, st.ev, st.nev, st.tok_start, st.tokens, &sm, &err))
            return die(err);
        if (sim_run(sm, &err))
            return die(err);
        t1 = now_s();
        sim_report rep_;
        sim_get_report(sm, &rep_);
        sim_dur = rep_.duration;
        sim_free(sm);
        if (t1 - t0 < best_sim)
            best_sim = t1 - t0;
    }
    double ev_rtl = (double)st.nev / best_rtl, ev_sim = (double)st.nev / best_sim;
    printf("bench_cosim: core R=%d C=%d L=%d (RTL build '%s'), %zu tokens, %zu events, %" PRId64
           " cycles (C model %" PRId64 " cycles)\n",
           p.rows, p.cols, p.lanes, axon_rtl_variant(), st.tokens, st.nev, cycles, sim_dur);
    printf("  Verilated RTL: %8.3f Mcycles/s  %12.0f events/s  (%.4f s CPU)\n",
           (double)cycles / best_rtl / 1e6, ev_rtl, best_rtl);
    printf("  C model:       %8.3f Mcycles/s  %12.0f events/s  (%.4f s CPU, simulated cycles)\n",
           (double)sim_dur / best_sim / 1e6, ev_sim, best_sim);
    printf("  ratio C model / RTL: %.1fx events/s\n", ev_sim / ev_rtl);
    cosim_stream_free(&st);
    return 0;
}
