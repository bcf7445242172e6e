/*
 * axon-chip-cosim — the Verilated chip (rtl/axon_chip.sv: MR x MC cores and
 * the multicast routers) against the C chip model (sim/, mesh MC x MR) on a
 * random layer of MR*R inputs and MC*C outputs, stamp by stamp for every core:
 * flit arrivals (cores off the first column), accepts, starts, SRAM words
 * (read or skipped), readout beats, readout ends with the core-local
 * accumulators; then per core the SRAM words read and skipped and the lane
 * additions, and the overflow flag. Both sides run to the end; the stamps of
 * each core and kind are compared in (time, item, word) order and the first
 * difference is reported.
 *
 * usage: axon-chip-cosim [--seed S] [--tokens N] [-v]   (exit 0: all equal)
 */
#include "../../sim/sim.h"
#include "../shim/axon_chip_rtl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t time, item;
    int word, skipped;
    int32_t *acc;
} st;

typedef struct {
    st *v;
    size_t n, cap;
} stq;

typedef struct {
    stq *q; /* [side][core][kind] flattened */
    int ncores, C;
} rec;

static stq *slot(rec *r, int side, int core, int kind)
{
    return &r->q[((size_t)side * (size_t)r->ncores + (size_t)core) * CHIP_NKIND + (size_t)kind];
}

static void add(rec *r, int side, int core, int kind, int64_t t, int64_t item, int word,
                int skipped, const int32_t *acc)
{
    stq *q = slot(r, side, core, kind);
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 64;
        q->v = realloc(q->v, q->cap * sizeof *q->v);
        if (!q->v) {
            fprintf(stderr, "axon-chip-cosim: out of memory\n");
            exit(2);
        }
    }
    st s = {t, item, word, skipped, NULL};
    if (acc) {
        s.acc = malloc((size_t)r->C * sizeof *s.acc);
        memcpy(s.acc, acc, (size_t)r->C * sizeof *s.acc);
    }
    q->v[q->n++] = s;
}

static void on_rtl(void *u, int core, int kind, int64_t t, int64_t item, int word, int skipped,
                   const int32_t *acc)
{
    add(u, 1, core, kind, t, kind == CHIP_DONE ? -1 : item, word, skipped, acc);
}

static void on_sim(void *u, const sim_obs *o)
{
    static const int map[] =
        {[SIM_OBS_ACCEPT] = CHIP_ACCEPT,     [SIM_OBS_START] = CHIP_START,
         [SIM_OBS_SRAM_READ] = CHIP_READ,    [SIM_OBS_READOUT_BEAT] = CHIP_BEAT,
         [SIM_OBS_READOUT_DONE] = CHIP_DONE, [SIM_OBS_FLIT] = CHIP_FLIT};
    if (o->kind > SIM_OBS_FLIT)
        return;
    int kind = map[o->kind];
    int64_t item = (kind == CHIP_BEAT || kind == CHIP_DONE) ? -1 : o->item;
    int word = (kind == CHIP_READ || kind == CHIP_BEAT) ? o->word : -1;
    add(u, 0, o->core, kind, o->time, item, word, kind == CHIP_READ ? o->skipped : 0, o->acc);
}

static int cmp(const void *a, const void *b)
{
    const st *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    if (x->item != y->item)
        return x->item < y->item ? -1 : 1;
    return (x->word > y->word) - (x->word < y->word);
}

static uint64_t next(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

int main(int argc, char **argv)
{
    uint64_t seed = 1;
    size_t tokens = 8;
    int verbose = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--tokens") && i + 1 < argc)
            tokens = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "-v"))
            verbose = 1;
        else {
            fprintf(stderr, "usage: axon-chip-cosim [--seed S] [--tokens N] [-v]\n");
            return 2;
        }
    }
    axon_chip_params p;
    axon_chip_built(&p);
    const size_t R = (size_t)p.rows, C = (size_t)p.cols, L = (size_t)p.lanes;
    const size_t in = (size_t)p.mr * R, out = (size_t)p.mc * C;
    /* random layer: weights with zero words, events with shifts 0..23 (small by seed) */
    uint64_t x = seed * 0x2545F4914F6CDD1DULL + 7;
    map_qweight qw;
    memset(&qw, 0, sizeof qw);
    qw.out = out;
    qw.in = in;
    qw.group = in;
    qw.ngroups = 1;
    qw.q = calloc(out * in, 1);
    qw.scale = calloc(out, sizeof(float));
    for (size_t j = 0; j < out; j++) {
        qw.scale[j] = 1.0f;
        for (size_t i = 0; i < in; i++)
            if (next(&x) % 10 < 7)
                qw.q[j * in + i] = (int8_t)((int)(next(&x) % 255) - 127);
    }
    for (size_t i = 0; i < in; i++) /* all-zero words, for gating */
        for (size_t w = 0; w * L < out; w++)
            if (next(&x) % 4 == 0)
                for (size_t j = w * L; j < out && j < (w + 1) * L; j++)
                    qw.q[j * in + i] = 0;
    const int wide = seed % 2;
    size_t cap = 1024, nev = 0, *ts = calloc(tokens + 1, sizeof *ts);
    spike_event *ev = malloc(cap * sizeof *ev);
    static const double dens[] = {0.0, 0.1, 0.3, 0.7, 1.0};
    for (size_t t = 0; t < tokens; t++) {
        ts[t] = nev;
        int T = (int)(next(&x) % 5);
        double d = dens[next(&x) % 5];
        for (int s = 0; s < T; s++)
            for (size_t i = 0; i < in; i++)
                if ((double)(next(&x) >> 11) / 9007199254740992.0 < d) {
                    if (nev == cap)
                        ev = realloc(ev, (cap *= 2) * sizeof *ev);
                    int sh = wide ? (int)(next(&x) % 24) : (int)(next(&x) % 4);
                    ev[nev++] = (spike_event){(uint32_t)t, (uint16_t)s, (uint8_t)(next(&x) & 1),
                                              (uint8_t)sh, (uint32_t)i};
                }
    }
    ts[tokens] = nev;

    sim_config cfg;
    sim_config_default(&cfg);
    cfg.rows = p.rows;
    cfg.cols = p.cols;
    cfg.lanes = p.lanes;
    cfg.sram_latency = p.sram_latency;
    cfg.fifo_depth = p.fifo_depth;
    cfg.acc_bits = p.acc_bits;
    cfg.readout_bits = p.readout_bits;
    cfg.double_buffer = p.double_buffer;
    cfg.zero_gating = p.zero_gating;
    cfg.mesh_w = p.mc;
    cfg.mesh_h = p.mr;
    cfg.hop_cycles = p.hop_cycles;
    cfg.link_bits = p.link_bits;
    rec r = {calloc(2 * (size_t)p.mr * (size_t)p.mc * CHIP_NKIND, sizeof(stq)), p.mr * p.mc,
             p.cols};
    sim *s = NULL;
    char *err = NULL;
    if (sim_new(&cfg, &qw, ev, nev, ts, tokens, &s, &err)) {
        fprintf(stderr, "axon-chip-cosim: C model: %s\n", err);
        return 2;
    }
    sim_observe(s, on_sim, &r);
    ax_result sr = sim_run(s, &err);
    /* the cores' sticky flags (a reduced sum leaving int32 is the reduction's, not in the RTL) */
    int sim_ovf = sr == AX_EOVERFLOW && err && strstr(err, "accumulator overflow");
    if (sr && sr != AX_EOVERFLOW) {
        fprintf(stderr, "axon-chip-cosim: C model: %s\n", err);
        return 2;
    }
    free(err);
    sim_report rep;
    sim_get_report(s, &rep);

    axon_chip_rtl *h = axon_chip_new(seed);
    int8_t *row = malloc(C);
    for (int rb = 0; rb < p.mr; rb++)
        for (int cb = 0; cb < p.mc; cb++)
            for (size_t i = 0; i < R; i++) {
                for (size_t j = 0; j < C; j++)
                    row[j] = qw.q[(cb * C + j) * in + rb * R + i];
                axon_chip_load_row(h, rb * p.mc + cb, (uint32_t)i, row);
            }
    free(row);
    for (int rb = 0; rb < p.mr; rb++)
        for (size_t t = 0; t < tokens; t++) {
            for (size_t e = ts[t]; e < ts[t + 1]; e++)
                if (ev[e].axon / R == (size_t)rb) {
                    axon_chip_item it = {0, (uint32_t)(ev[e].axon - rb * R), ev[e].neg,
                                         ev[e].shift};
                    axon_chip_push(h, rb, &it, 1);
                }
            axon_chip_item eot = {1, 0, 0, 0};
            axon_chip_push(h, rb, &eot, 1);
        }
    int64_t cyc = 0;
    /* the cores finish by the C model's duration (which adds the reduction): far past it the RTL hangs */
    const int64_t limit = 2 * rep.duration + 10000;
    while (axon_chip_step(h, on_rtl, &r) && cyc < limit)
        cyc++;
    if (cyc >= limit) {
        printf("chip cosim: MISMATCH: the RTL has not finished after %" PRId64
               " cycles (C model: %" PRId64 ")\n",
               cyc, rep.duration);
        axon_chip_free(h);
        sim_free(s);
        return 1;
    }
    int rtl_ovf = axon_chip_overflow(h);
    if (axon_chip_ingress_overflow(h)) {
        printf("chip cosim: refused: an ingress queue of %d items overflowed (the C model's NoC "
               "has no "
               "backpressure; use fewer tokens or a deeper queue)\n",
               p.ingress_depth);
        return 2;
    }

    static const char *kn[] = {"accept",       "start",        "sram-read",
                               "readout-beat", "readout-done", "flit"};
    uint64_t stamps = 0, accs = 0;
    int bad = 0;
    for (int k = 0; k < r.ncores && !bad; k++)
        for (int kind = 0; kind < CHIP_NKIND && !bad; kind++) {
            stq *a = slot(&r, 0, k, kind), *b = slot(&r, 1, k, kind);
            qsort(a->v, a->n, sizeof *a->v, cmp);
            qsort(b->v, b->n, sizeof *b->v, cmp);
            size_t n = a->n < b->n ? a->n : b->n;
            for (size_t i = 0; i <= n && !bad; i++) {
                if (i == n) {
                    if (a->n != b->n) {
                        printf("chip cosim: MISMATCH: core %d %s: C model %zu stamps, RTL %zu\n", k,
                               kn[kind], a->n, b->n);
                        bad = 1;
                    }
                    break;
                }
                st *x1 = &a->v[i], *y1 = &b->v[i];
                int diff = x1->time != y1->time || x1->item != y1->item || x1->word != y1->word ||
                           x1->skipped != y1->skipped;
                int j = -1;
                if (!diff && kind == CHIP_DONE)
                    for (j = 0; j < (int)C && x1->acc[j] == y1->acc[j]; j++) {}
                if (diff || (kind == CHIP_DONE && j < (int)C)) {
                    printf("chip cosim: MISMATCH: core %d %s #%zu: C model item %" PRId64
                           " word %d%s at %" PRId64 ", RTL item %" PRId64 " word %d%s at %" PRId64
                           "\n",
                           k, kn[kind], i, x1->item, x1->word, x1->skipped ? " skipped" : "",
                           x1->time, y1->item, y1->word, y1->skipped ? " skipped" : "", y1->time);
                    if (!diff)
                        printf("  accumulator %d: C model %d, RTL %d\n", j, x1->acc[j], y1->acc[j]);
                    bad = 1;
                }
                stamps++;
                if (kind == CHIP_DONE)
                    accs += C;
            }
        }
    for (int k = 0; k < r.ncores && !bad; k++) {
        uint64_t words = 0, skipped = 0;
        stq *b = slot(&r, 1, k, CHIP_READ);
        for (size_t i = 0; i < b->n; i++)
            b->v[i].skipped ? skipped++ : words++;
        const sim_counters *c = &rep.per_core[k];
        if (c->sram_words != words || c->sram_words_skipped != skipped ||
            c->adds != axon_chip_lane_adds(h, k)) {
            printf("chip cosim: MISMATCH: core %d counters: C model %" PRIu64 " read %" PRIu64
                   " skipped %" PRIu64 " adds, RTL %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
                   k, c->sram_words, c->sram_words_skipped, c->adds, words, skipped,
                   axon_chip_lane_adds(h, k));
            bad = 1;
        }
    }
    if (!bad && sim_ovf != rtl_ovf) {
        printf("chip cosim: MISMATCH: overflow flag: C model %d, RTL %d\n", sim_ovf, rtl_ovf);
        bad = 1;
    }
    if (!bad)
        printf("chip cosim: OK (%dx%d mesh of R=%d C=%d L=%d Ls=%d F=%d A=%d RB=%d db=%d "
               "gating=%d, link %d bits, "
               "hop %d): %zu tokens, %zu events, %" PRIu64 " stamps and %" PRIu64
               " accumulators of %d cores equal; end %" PRId64
               " cycles; overflow flag %d on both sides\n",
               p.mc, p.mr, p.rows, p.cols, p.lanes, p.sram_latency, p.fifo_depth, p.acc_bits,
               p.readout_bits, p.double_buffer, p.zero_gating, p.link_bits, p.hop_cycles, tokens,
               nev, stamps, accs, r.ncores, cyc, rtl_ovf);
    if (verbose && !bad)
        printf("chip cosim: C model duration (with the reduction, not in the RTL) %" PRId64
               " cycles\n",
               rep.duration);
    axon_chip_free(h);
    sim_free(s);
    return bad ? 1 : 0;
}
