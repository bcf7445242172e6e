/*
 * axon-rtl-run — drives the Verilated core alone from a text stream and prints
 * every stamp, for the self-checking RTL tests (the oracle, tests/e2e/
 * rtl_oracle.py, recomputes the stamps from the formulas of docs/core-timing.md
 * and the accumulators from docs/design.md §2) and for hand debugging.
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
 * Usage: axon-rtl-run [--seed S] [--wave FILE] [--image FILE.axi [--layer NAME] [--core N]]
 *                     [--rows HEXFILE] [STREAM]
 *
 * Weights from a core image (`axon map --image`, docs/core-image.md): with
 * --image the weight SRAM is loaded, before any `w` record of the stream,
 * with all R rows of one core (--core N: the image's global core index;
 * --layer NAME alone: that layer's first core), padding rows included, after
 * full validation of the image; its tile must be the build's. --rows loads
 * the same rows from the `$readmemh` text that `axon map --read-image FILE
 * --core N` prints (`//` comments, one row per line, 2*C hex digits, weight
 * C-1 first). The stream then holds only items (`i`, `e`).
 */
#include "../shim/axon_image_core.h"
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

/* One hex digit, or -1. */
static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads the $readmemh rows of `axon map --read-image --core N` into
 * rows[R*C] (row per axon, weight j of a line = its bytes from the right). */
static int read_hex_rows(const char *path, int R, int C, int8_t *rows)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "axon-rtl-run: %s: cannot open\n", path);
        return 1;
    }
    char line[1 << 16];
    int k = 0;
    long ln = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        size_t n = strcspn(line, "\r\n");
        line[n] = 0;
        if (n == 0 || !strncmp(line, "//", 2))
            continue;
        if (k == R || n != (size_t)(2 * C)) {
            fprintf(stderr,
                    "axon-rtl-run: %s: line %ld: %s (hint: the dump of `axon map "
                    "--read-image FILE --core N` for a %dx%d core)\n",
                    path, ln,
                    k == R ? "more rows than the core's R" : "a row must be 2*C hex digits", R, C);
            fclose(f);
            return 1;
        }
        for (int j = 0; j < C; j++) {
            int hi = hexval(line[2 * (C - 1 - j)]), lo = hexval(line[2 * (C - 1 - j) + 1]);
            if (hi < 0 || lo < 0) {
                fprintf(stderr, "axon-rtl-run: %s: line %ld: not a hex digit\n", path, ln);
                fclose(f);
                return 1;
            }
            rows[(size_t)k * C + j] = (int8_t)(uint8_t)(hi * 16 + lo);
        }
        k++;
    }
    fclose(f);
    if (k != R) {
        fprintf(stderr, "axon-rtl-run: %s: %d rows, the core has R = %d\n", path, k, R);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t seed = 0;
    const char *wave = NULL, *path = NULL, *image = NULL, *layer = NULL, *hexrows = NULL;
    long core = -1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--wave") && i + 1 < argc)
            wave = argv[++i];
        else if (!strcmp(argv[i], "--image") && i + 1 < argc)
            image = argv[++i];
        else if (!strcmp(argv[i], "--layer") && i + 1 < argc)
            layer = argv[++i];
        else if (!strcmp(argv[i], "--rows") && i + 1 < argc)
            hexrows = argv[++i];
        else if (!strcmp(argv[i], "--core") && i + 1 < argc) {
            char *e;
            core = strtol(argv[++i], &e, 10);
            if (*e || core < 0) {
                fprintf(stderr, "axon-rtl-run: --core '%s': expected a core index >= 0\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--help")) {
            printf("usage: axon-rtl-run [--seed S] [--wave FILE] [--image FILE.axi [--layer NAME] "
                   "[--core N]] [--rows HEXFILE] [STREAM]\n");
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "axon-rtl-run: unknown option or missing value: %s (hint: --help)\n",
                    argv[i]);
            return 2;
        } else
            path = argv[i];
    }
    if ((layer || core >= 0) && !image) {
        fprintf(stderr, "axon-rtl-run: --layer/--core select a core of --image FILE.axi\n");
        return 2;
    }
    if (image && !layer && core < 0) {
        fprintf(stderr, "axon-rtl-run: --image needs --layer NAME or --core N\n");
        return 2;
    }
    if (image && hexrows) {
        fprintf(stderr, "axon-rtl-run: give --image or --rows, not both\n");
        return 2;
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
    int8_t *preload = NULL; /* R x C rows from --image or --rows */
    if (image) {
        axon_image_core ic;
        ax_result r = axon_image_core_open(image, layer, core, p.rows, p.cols, &ic, &err);
        if (r) {
            fprintf(stderr, "axon-rtl-run: %s\n", err);
            free(err);
            return r == AX_EPARAM ? 2 : 1;
        }
        preload = ic.rows; /* taken over */
        ic.rows = NULL;
        fprintf(stderr,
                "axon-rtl-run: core %zu of %s: layer %s tile (%u, %u), %u rows x %u columns used\n",
                ic.core, image, ic.layer->name, ic.info.r, ic.info.c, ic.info.rows_used,
                ic.info.cols_used);
        axon_image_core_close(&ic);
    } else if (hexrows) {
        preload = malloc((size_t)p.rows * (size_t)p.cols);
        if (!preload || read_hex_rows(hexrows, p.rows, p.cols, preload))
            return 1;
    }
    if (axon_rtl_new(&p, seed, &h, &err))
        return fail(err);
    for (int k = 0; preload && k < p.rows; k++)
        if (axon_rtl_load_row(h, (uint32_t)k, preload + (size_t)k * p.cols, &err))
            return fail(err);
    free(preload);
    if (wave && axon_rtl_wave(h, wave, 0, INT64_MAX, &err))
        return fail(err);
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
        while (*s == ' ')
            s++;
        if (*s == '#' || *s == '\n' || !*s)
            continue;
        if (*s == 'w') {
            char *e;
            unsigned long ax = strtoul(s + 1, &e, 10);
            for (int j = 0; j < p.cols; j++)
                row[j] = (int8_t)strtol(e, &e, 10);
            if (axon_rtl_load_row(h, (uint32_t)ax, row, &err))
                return fail(err);
        } else if (*s == 'i' || *s == 'e') {
            axon_rtl_item it = {0, 0, 0, 0, 0, 0};
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
            if (axon_rtl_push(h, &it, 1, &err))
                return fail(err);
        } else {
            fprintf(stderr, "axon-rtl-run: line %ld: unknown record '%c'\n", ln, *s);
            return 1;
        }
    }
    if (path)
        fclose(f);
    axon_rtl_stamp st;
    int more = 1;
    int64_t end = 0;
    while (more) {
        more = axon_rtl_step(h, &st);
        if (st.accepted)
            printf("A %" PRId64 " %" PRId64 "\n", st.accept_item, st.time);
        if (st.started)
            printf("S %" PRId64 " %" PRId64 "\n", st.start_item, st.time);
        if (st.issued)
            printf("R %" PRId64 " %d %" PRId64 " %d\n", st.issue_item, st.word, st.time,
                   st.skipped);
        if (st.beat >= 0) {
            printf("B %" PRId64 " %d %" PRId64 "\n", st.beat_token, st.beat, st.time);
            end = st.time + axon_rtl_beat_period(h);
        }
        if (st.token_done) {
            const int32_t *acc = axon_rtl_acc(h);
            printf("D %" PRId64, st.beat_token);
            for (int j = 0; j < p.cols; j++)
                printf(" %d", acc[j]);
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
