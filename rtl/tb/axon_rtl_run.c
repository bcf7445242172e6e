/*
 * axon-rtl-run — drives the Verilated core alone from a text stream and prints
 * every stamp, for the self-checking RTL tests (the oracle, tests/e2e/
 * rtl_oracle.py, recomputes the stamps from the formulas of docs/core-timing.md
 * and the accumulators from DESIGN §2) and for hand debugging.
 *
 * Input (stdin or file), one record per line, '#' comments:
 *   w AXON q0 q1 ... q(C-1)     weight row (int8)
 *   i AXON NEG SHIFT            spike event
 *   e                           end of token
 * Output, one line per stamp (time in cycles for sync builds, ps for async):
 *   A item t | S item t | R item word t skipped | B token beat t hexdata | D token acc0 acc1 ...
 *   P R C L LS F A RB DB GATE   (the build's parameters, first line)
 *   PA PHASES T_REQ T_ACK T_DECODE T_SRAM T_ADD T_READOUT   (async builds, ps)
 *   END t overflow             (time the run ended, sticky overflow flag)
 * Usage: axon-rtl-run [--seed S] [--wave FILE] [FILE]
 */
#include "../shim/axon_rtl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err)
{
    fprintf(stderr, "axon-rtl-run: %s\n", err ? err : "error");
    free(err);
    return 1;
}

int main(int argc, char **argv)
{
    uint64_t seed = 0;
    const char *wave = NULL, *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--wave") && i + 1 < argc)
            wave = argv[++i];
        else if (!strcmp(argv[i], "--help")) {
            printf("usage: axon-rtl-run [--seed S] [--wave FILE] [STREAM]\n");
            return 0;
        } else
            path = argv[i];
    }
    FILE *f = path ? fopen(path, "r") : stdin;
    if (!f) {
        fprintf(stderr, "axon-rtl-run: %s: cannot open\n", path);
        return 1;
    }
    axon_rtl_params p;
    axon_rtl_built(&p);
    axon_rtl *h = NULL;
    char *err = NULL;
    if (axon_rtl_new(&p, seed, &h, &err)) return fail(err);
    if (wave && axon_rtl_wave(h, wave, 0, INT64_MAX, &err)) return fail(err);
    printf("P %d %d %d %d %d %d %d %d %d\n", p.rows, p.cols, p.lanes, p.sram_latency, p.fifo_depth,
           p.acc_bits, p.readout_bits, p.double_buffer, p.zero_gating);
    if (p.async)
        printf("PA %d %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 "\n",
               p.handshake, p.t_req_ps, p.t_ack_ps, p.t_decode_ps, p.t_sram_ps, p.t_add_ps,
               p.t_readout_ps);
    int8_t *row = calloc((size_t)p.cols, 1);
    char line[1 << 16];
    long ln = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        char *s = line;
        while (*s == ' ') s++;
        if (*s == '#' || *s == '\n' || !*s) continue;
        if (*s == 'w') {
            char *e;
            unsigned long ax = strtoul(s + 1, &e, 10);
            for (int j = 0; j < p.cols; j++) row[j] = (int8_t)strtol(e, &e, 10);
            if (axon_rtl_load_row(h, (uint32_t)ax, row, &err)) return fail(err);
        } else if (*s == 'i' || *s == 'e') {
            axon_rtl_item it = {0, 0, 0, 0};
            if (*s == 'e')
                it.eot = 1;
            else {
                unsigned ax;
                if (sscanf(s + 1, "%u %d %d", &ax, &it.neg, &it.shift) != 3) {
                    fprintf(stderr, "axon-rtl-run: line %ld: bad item\n", ln);
                    return 1;
                }
                it.axon = ax;
            }
            if (axon_rtl_push(h, &it, 1, &err)) return fail(err);
        } else {
            fprintf(stderr, "axon-rtl-run: line %ld: unknown record '%c'\n", ln, *s);
            return 1;
        }
    }
    if (path) fclose(f);
    axon_rtl_stamp st;
    int more = 1;
    int64_t end = 0;
    while (more) {
        more = axon_rtl_step(h, &st);
        if (st.accepted) printf("A %" PRId64 " %" PRId64 "\n", st.accept_item, st.time);
        if (st.started) printf("S %" PRId64 " %" PRId64 "\n", st.start_item, st.time);
        if (st.issued)
            printf("R %" PRId64 " %d %" PRId64 " %d\n", st.issue_item, st.word, st.time, st.skipped);
        if (st.beat >= 0) {
            printf("B %" PRId64 " %d %" PRId64 "\n", st.beat_token, st.beat, st.time);
            end = st.time + axon_rtl_beat_period(h);
        }
        if (st.token_done) {
            const int32_t *acc = axon_rtl_acc(h);
            printf("D %" PRId64, st.beat_token);
            for (int j = 0; j < p.cols; j++) printf(" %d", acc[j]);
            printf("\n");
        }
        if (st.time > 100000000) {
            fprintf(stderr, "axon-rtl-run: no end after 1e8 cycles\n");
            return 1;
        }
    }
    printf("END %" PRId64 " %d\n", end, axon_rtl_overflow(h));
    axon_rtl_free(h);
    free(row);
    return 0;
}
