/*
 * axon-chip-cosim — the Verilated chip (rtl/axon_chip.sv: MR x MC cores, the
 * multicast routers and the partial-sum reduction) against the C chip model
 * (sim/, mesh MC x MR), stamp by stamp for every core: flit arrivals (cores
 * off the first column), accepts, starts, SRAM words (read or skipped),
 * readout beats, readout ends with the core-local accumulators, and the
 * reduction's: per packet (token, weight group) the head and tail flit
 * entering the link below each core and, at the chip output (the last row),
 * the packet's completion with its C reduced sums; then per core the SRAM
 * words read and skipped, the lane additions, the reduction's stalls, flit
 * hops and reduce adds, the chip's duration, the cores' overflow flag and the
 * reduction's (a reduced sum leaving A bits on the way down the column).
 *
 * Lockstep: the host steps the RTL one cycle, then the C model (sim_step, the
 * event loop the host owns) up to that cycle; every stamp is compared as soon
 * as both sides have made it final (the RTL's up to the cycle just stepped,
 * the C model's up to its current time; its reduction stamps, which sim/
 * computes in closed form after the cores, when it ends), per core and kind in
 * (time, item, word) order. The run stops at the first divergence in time and
 * names its core, stamp kind and index, and both sides' stamps. An RTL queue
 * that overflows (the C model's NoC has no backpressure) refuses the run at
 * that cycle, with the depth the C model's stream needs and the tokens that
 * fit.
 *
 * The layer is random (--in inputs, default MR*R; MC*C outputs; --group G
 * inputs per weight group, 0 = per channel; --hot: partial sums near 2^31,
 * so reduced sums overflow) or a real one (--weights W
 * --trace T --layer NAME [--group G] [--coding C]: the layer's int8 weights
 * and the trace's spike events, as `axon run`). Its tiling (docs/sim.md) must
 * give exactly MR row-blocks and MC column blocks.
 *
 * usage: axon-chip-cosim [--seed S] [--tokens N] [--in N] [--group G] [--hot]
 *                        [--weights W --trace T --layer NAME [--coding C]] [--dump FILE] [-v]
 *        --dump FILE: on a divergence, run both sides on to their ends and write
 *        every stamp of both (tests/e2e/chip_first_divergence.py finds the first
 *        divergence from it, as a check of the lockstep's)
 *        (exit 0: all equal, 1: a difference, 2: refused or bad input)
 */
#include "../../sim/sim.h"
#include "../shim/axon_chip_rtl.h"
#include "../shim/axon_cosim_stream.h"

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
    st *v; /* sorted by (time, item, word) */
    size_t n, cap;
    size_t cur; /* stamps before cur are compared and equal */
} stq;

typedef struct {
    int core;
    uint32_t token;
    int32_t *acc;
} part;

typedef struct {
    stq *q; /* [side][core][kind] flattened */
    int ncores, C, A, mc;
    part *part; /* the C model's core-local readouts */
    size_t npart, cap;
    /* the C model's ingress queue occupancy of the cores off the first column
     * (items arrived and not yet accepted, at the end of each cycle) */
    int64_t *occ, *occ_t, *occ_max;
    uint32_t *last_tok;
    int64_t iq;      /* the RTL's ingress queue depth */
    int64_t fit_tok; /* tokens before the first that makes occ > iq; -1: none does */
} rec;

static stq *slot(rec *r, int side, int core, int kind)
{
    return &r->q[((size_t)side * (size_t)r->ncores + (size_t)core) * CHIP_NKIND + (size_t)kind];
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
    /* each side makes a queue's stamps nearly in order (the chip output's
     * packets of several groups are not): insert from the back */
    size_t i = q->n++;
    while (i > q->cur && cmp(&q->v[i - 1], &s) > 0) {
        q->v[i] = q->v[i - 1];
        i--;
    }
    q->v[i] = s;
}

static void on_rtl(void *u, int core, int kind, int64_t t, int64_t item, int word, int skipped,
                   const int32_t *acc)
{
    add(u, 1, core, kind, t, kind == CHIP_DONE ? -1 : item, word, skipped, acc);
}

/* The ingress queue of core k at the end of a cycle; the RTL flags an overflow
 * when more than iq items have arrived and not been accepted (rtl/axon_router.sv). */
static void occ_commit(rec *r, int k)
{
    if (r->occ[k] > r->occ_max[k])
        r->occ_max[k] = r->occ[k];
    if (r->occ[k] > r->iq && (r->fit_tok < 0 || (int64_t)r->last_tok[k] < r->fit_tok))
        r->fit_tok = r->last_tok[k];
}

static void occupy(rec *r, int k, int64_t t, int d, uint32_t tok)
{
    if (t != r->occ_t[k]) {
        occ_commit(r, k);
        r->occ_t[k] = t;
    }
    r->occ[k] += d;
    if (d > 0)
        r->last_tok[k] = tok;
}

static void on_sim(void *u, const sim_obs *o)
{
    static const int map[] =
        {[SIM_OBS_ACCEPT] = CHIP_ACCEPT,     [SIM_OBS_START] = CHIP_START,
         [SIM_OBS_SRAM_READ] = CHIP_READ,    [SIM_OBS_READOUT_BEAT] = CHIP_BEAT,
         [SIM_OBS_READOUT_DONE] = CHIP_DONE, [SIM_OBS_FLIT] = CHIP_FLIT};
    rec *r = u;
    if (o->kind >= SIM_OBS_REDUCE_HEAD) { /* item = token, word = group */
        int kind = o->kind == SIM_OBS_REDUCE_HEAD   ? CHIP_RHEAD
                   : o->kind == SIM_OBS_REDUCE_TAIL ? CHIP_RTAIL
                                                    : CHIP_RDONE;
        int32_t *acc = NULL;
        if (o->acc) { /* the RTL's reduced sums are A-bit: compare modulo 2^A */
            acc = malloc((size_t)r->C * sizeof *acc);
            for (int j = 0; j < r->C; j++) {
                uint32_t v = (uint32_t)o->acc[j];
                if (r->A < 32) {
                    v &= (1u << r->A) - 1;
                    if ((v >> (r->A - 1)) & 1)
                        v |= ~0u << r->A;
                }
                acc[j] = (int32_t)v;
            }
        }
        add(r, 0, o->core, kind, o->time, o->item, o->word, 0, acc);
        free(acc);
        return;
    }
    if (o->kind > SIM_OBS_FLIT)
        return;
    int kind = map[o->kind];
    int64_t item = (kind == CHIP_BEAT || kind == CHIP_DONE) ? -1 : o->item;
    int word = (kind == CHIP_READ || kind == CHIP_BEAT) ? o->word : -1;
    add(u, 0, o->core, kind, o->time, item, word, kind == CHIP_READ ? o->skipped : 0, o->acc);
    if (kind == CHIP_FLIT || kind == CHIP_ACCEPT) /* only cores off the first column have both */
        occupy(r, o->core, o->time, kind == CHIP_FLIT ? 1 : -1, o->token);
    if (kind == CHIP_DONE && o->acc) { /* core-local partials, for the reduction's overflow */
        if (r->npart == r->cap) {
            r->cap = r->cap ? 2 * r->cap : 64;
            r->part = realloc(r->part, r->cap * sizeof *r->part);
        }
        r->part[r->npart].core = o->core;
        r->part[r->npart].token = o->token;
        r->part[r->npart].acc = malloc((size_t)r->C * sizeof(int32_t));
        memcpy(r->part[r->npart].acc, o->acc, (size_t)r->C * sizeof(int32_t));
        r->npart++;
    }
}

static uint64_t next(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* The random layer: weights with zero words, events with shifts 0..23
 * (small by seed), tokens with 0..4 steps and densities 0..1 (empty tokens).
 * hot: weights 0 or 127 and positive spikes with shifts 21..23, so partial
 * sums come near 2^31 and some reduced sums leave 32 bits. */
static void random_layer(uint64_t seed, int hot, size_t in, size_t out, size_t L, size_t tokens,
                         map_qweight *qw, spike_event **evp, size_t *nevp, size_t **tsp)
{
    uint64_t x = seed * 0x2545F4914F6CDD1DULL + 7;
    qw->q = calloc(out * in, 1);
    for (size_t j = 0; j < out; j++)
        for (size_t i = 0; i < in; i++)
            if (next(&x) % 10 < 7)
                qw->q[j * in + i] = hot ? 127 : (int8_t)((int)(next(&x) % 255) - 127);
    for (size_t i = 0; i < in; i++) /* all-zero words, for gating */
        for (size_t w = 0; w * L < out; w++)
            if (next(&x) % 4 == 0)
                for (size_t j = w * L; j < out && j < (w + 1) * L; j++)
                    qw->q[j * in + i] = 0;
    const int wide = seed % 2;
    size_t cap = 1024, nev = 0, *ts = calloc(tokens + 1, sizeof *ts);
    spike_event *ev = malloc(cap * sizeof *ev);
    static const double dens[] = {0.0, 0.1, 0.3, 0.7, 1.0};
    for (size_t t = 0; t < tokens; t++) {
        ts[t] = nev;
        int T = (int)(next(&x) % 5);
        double d = hot ? 0.15 : dens[next(&x) % 5];
        for (int s = 0; s < T; s++)
            for (size_t i = 0; i < in; i++)
                if ((double)(next(&x) >> 11) / 9007199254740992.0 < d) {
                    if (nev == cap)
                        ev = realloc(ev, (cap *= 2) * sizeof *ev);
                    int sh = wide ? (int)(next(&x) % 24) : (int)(next(&x) % 4);
                    int neg = (int)(next(&x) & 1);
                    if (hot) {
                        sh = 21 + (int)(next(&x) % 3);
                        neg = 0;
                    }
                    ev[nev++] = (spike_event){(uint32_t)t, (uint16_t)s, (uint8_t)neg, (uint8_t)sh,
                                              (uint32_t)i};
                }
    }
    ts[tokens] = nev;
    *evp = ev;
    *nevp = nev;
    *tsp = ts;
}


/* ---- lockstep comparison ---- */

static const char *kname[] = {"accept",       "start",        "sram-read",
                              "readout-beat", "readout-done", "flit",
                              "reduce-head",  "reduce-tail",  "reduce-done"};
/* at one cycle, which divergence is the cause: an arrival before its accept,
 * start, words, beats; the reduction after the readout */
static const int krank[] =
    {[CHIP_FLIT] = 0, [CHIP_ACCEPT] = 1, [CHIP_START] = 2, [CHIP_READ] = 3, [CHIP_BEAT] = 4,
     [CHIP_DONE] = 5, [CHIP_RHEAD] = 6,  [CHIP_RTAIL] = 7, [CHIP_RDONE] = 8};

typedef struct {
    rec *r;
    uint64_t stamps, accs, rstamps, raccs; /* compared and equal */
    int64_t end;                           /* the RTL's last readout end or chip output */
} lock;

typedef struct {
    int core, kind;
    size_t idx;   /* the first stamp of (core, kind) that differs */
    int64_t time; /* the earlier of the two sides' times (the one present) */
} diverge;

static int same(const rec *r, int kind, const st *x, const st *y)
{
    if (x->time != y->time || x->item != y->item || x->word != y->word || x->skipped != y->skipped)
        return 0;
    if (kind == CHIP_DONE || kind == CHIP_RDONE)
        for (int j = 0; j < r->C; j++)
            if (x->acc[j] != y->acc[j])
                return 0;
    return 1;
}

/* Compares, in every (core, kind), the stamps both sides have made final (time
 * <= hz[kind]: neither side can still add one before). A stamp one side has
 * made by then that the other has not, or a pair that differs, is a
 * divergence; *d gets the earliest (ties: the lower core, then the causal
 * order of krank). Returns 1 on a divergence. */
static int scan(lock *L, const int64_t *hz, diverge *d)
{
    rec *r = L->r;
    d->core = -1;
    d->time = INT64_MAX;
    for (int k = 0; k < r->ncores; k++)
        for (int kind = 0; kind < CHIP_NKIND; kind++) {
            stq *a = slot(r, 0, k, kind), *b = slot(r, 1, k, kind);
            const int64_t H = hz[kind];
            for (;;) {
                const st *x = a->cur < a->n && a->v[a->cur].time <= H ? &a->v[a->cur] : NULL;
                const st *y = b->cur < b->n && b->v[b->cur].time <= H ? &b->v[b->cur] : NULL;
                if (!x && !y)
                    break;
                if (x && y && same(r, kind, x, y)) {
                    a->cur++;
                    b->cur++;
                    if (kind >= CHIP_RHEAD)
                        L->rstamps++;
                    else
                        L->stamps++;
                    if (kind == CHIP_DONE)
                        L->accs += (uint64_t)r->C;
                    if (kind == CHIP_RDONE)
                        L->raccs += (uint64_t)r->C;
                    if ((kind == CHIP_DONE || kind == CHIP_RDONE) && y->time > L->end)
                        L->end = y->time;
                    continue;
                }
                int64_t t = x && y ? (x->time < y->time ? x->time : y->time)
                            : x    ? x->time
                                   : y->time;
                if (t < d->time || (t == d->time && k == d->core && krank[kind] < krank[d->kind])) {
                    d->core = k;
                    d->kind = kind;
                    d->idx = a->cur;
                    d->time = t;
                }
                break;
            }
        }
    return d->core >= 0;
}

static void side(const char *who, const stq *q, size_t i, int kind)
{
    printf("  %s", who);
    if (i >= q->n) {
        printf("no such stamp (%zu in all)\n", q->n);
        return;
    }
    const st *x = &q->v[i];
    if (kind >= CHIP_RHEAD)
        printf("token %" PRId64 " group %d", x->item, x->word);
    else if (kind == CHIP_READ)
        printf("item %" PRId64 " word %d%s", x->item, x->word, x->skipped ? " skipped" : "");
    else if (kind == CHIP_BEAT)
        printf("beat %d", x->word);
    else if (kind == CHIP_DONE)
        printf("token %zu", i);
    else
        printf("item %" PRId64, x->item);
    printf(" at %" PRId64 "\n", x->time);
}

/* Every stamp of both sides, a line each: side (C or R), core, kind, time,
 * item, word, skipped, then the accumulators of a readout end or chip output. */
static int dump_stamps(const rec *r, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "axon-chip-cosim: cannot write %s\n", path);
        return 1;
    }
    for (int side = 0; side < 2; side++)
        for (int k = 0; k < r->ncores; k++)
            for (int kind = 0; kind < CHIP_NKIND; kind++) {
                const stq *q = slot((rec *)r, side, k, kind);
                for (size_t i = 0; i < q->n; i++) {
                    const st *x = &q->v[i];
                    fprintf(f, "%c %d %s %" PRId64 " %" PRId64 " %d %d", side ? 'R' : 'C', k,
                            kname[kind], x->time, x->item, x->word, x->skipped);
                    for (int j = 0; x->acc && j < r->C; j++)
                        fprintf(f, " %d", x->acc[j]);
                    fputc('\n', f);
                }
            }
    return fclose(f) ? 1 : 0;
}

/* The first divergence: core, stamp kind and index, both sides' stamps. */
static void report(const rec *r, const diverge *d, int mc)
{
    const stq *a = slot((rec *)r, 0, d->core, d->kind), *b = slot((rec *)r, 1, d->core, d->kind);
    printf("chip cosim: MISMATCH: first divergence at cycle %" PRId64
           ": core %d (row-block %d, column %d) %s #%zu (times in cycles)\n",
           d->time, d->core, d->core / mc, d->core % mc, kname[d->kind], d->idx);
    side("C model: ", a, d->idx, d->kind);
    side("RTL:     ", b, d->idx, d->kind);
    if (d->idx < a->n && d->idx < b->n && (d->kind == CHIP_DONE || d->kind == CHIP_RDONE)) {
        const st *x = &a->v[d->idx], *y = &b->v[d->idx];
        /* the stamps agree but for their sums: the first sum that differs */
        for (int j = 0; x->time == y->time && x->item == y->item && x->word == y->word && j < r->C;
             j++)
            if (x->acc[j] != y->acc[j]) {
                printf("  accumulator %d: C model %d, RTL %d\n", j, x->acc[j], y->acc[j]);
                break;
            }
    }
    if (d->idx > 0)
        printf("  last equal %s: #%zu at %" PRId64 "\n", kname[d->kind], d->idx - 1,
               a->v[d->idx - 1].time);
}

int main(int argc, char **argv)
{
    uint64_t seed = 1;
    size_t tokens = 8, in_arg = 0, group = 0;
    const char *weights = NULL, *trace = NULL, *layer = NULL, *coding = "bitwise-signed";
    const char *dump = NULL;
    int verbose = 0, hot = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--tokens") && i + 1 < argc)
            tokens = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--in") && i + 1 < argc)
            in_arg = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--group") && i + 1 < argc)
            group = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--weights") && i + 1 < argc)
            weights = argv[++i];
        else if (!strcmp(argv[i], "--trace") && i + 1 < argc)
            trace = argv[++i];
        else if (!strcmp(argv[i], "--layer") && i + 1 < argc)
            layer = argv[++i];
        else if (!strcmp(argv[i], "--coding") && i + 1 < argc)
            coding = argv[++i];
        else if (!strcmp(argv[i], "--hot"))
            hot = 1;
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc)
            dump = argv[++i];
        else if (!strcmp(argv[i], "-v"))
            verbose = 1;
        else {
            fprintf(stderr, "usage: axon-chip-cosim [--seed S] [--tokens N] [--in N] [--group G] "
                            "[--hot] [--weights W --trace T --layer NAME [--coding C]] [--dump "
                            "FILE] [-v]\n");
            return 2;
        }
    }
    if ((weights || trace || layer) && !(weights && trace && layer)) {
        fprintf(stderr, "axon-chip-cosim: --weights, --trace and --layer go together\n");
        return 2;
    }
    axon_chip_params p;
    axon_chip_built(&p);
    const size_t R = (size_t)p.rows, C = (size_t)p.cols, L = (size_t)p.lanes;
    map_qweight qw;
    memset(&qw, 0, sizeof qw);
    spike_event *ev = NULL;
    size_t nev = 0, *ts = NULL;
    char *err = NULL;
    cosim_stream cs;
    memset(&cs, 0, sizeof cs);
    if (weights) { /* a real layer, quantized as `axon run` does */
        trace_file *wf = NULL;
        int32_t *counts = NULL;
        if (trace_open(weights, &wf, &err) || map_qweight_load(wf, layer, group, &qw, &err) ||
            cosim_stream_counts(trace, layer, qw.in, tokens, &counts, &tokens, &err) ||
            cosim_stream_events(trace, coding, 0, counts, tokens, qw.in, 0, qw.in, &cs, &err)) {
            fprintf(stderr, "axon-chip-cosim: %s\n", err ? err : "cannot load the layer");
            return 2;
        }
        trace_close(wf);
        free(counts);
        ev = cs.ev;
        nev = cs.nev;
        ts = cs.tok_start;
    } else {
        qw.in = in_arg ? in_arg : (size_t)p.mr * R;
        qw.out = (size_t)p.mc * C;
        qw.group = group;
        qw.ngroups = group ? (qw.in + group - 1) / group : 1;
        qw.scale = calloc(qw.out * qw.ngroups, sizeof(float));
        for (size_t j = 0; j < qw.out * qw.ngroups; j++)
            qw.scale[j] = 1.0f;
        random_layer(seed, hot, qw.in, qw.out, L, tokens, &qw, &ev, &nev, &ts);
    }
    const size_t in = qw.in, out = qw.out;
    /* tiling (docs/sim.md): row-blocks never straddle a weight group */
    size_t G = qw.group ? qw.group : in, nrb = 0;
    size_t *rb_lo = calloc((size_t)p.mr + 1, sizeof *rb_lo),
           *rb_grp = calloc((size_t)p.mr + 1, sizeof *rb_grp);
    for (size_t g = 0, lo = 0; lo < in; g++, lo += G)
        for (size_t a = lo; a < lo + G && a < in; a += R, nrb++)
            if (nrb < (size_t)p.mr) {
                rb_lo[nrb] = a;
                rb_grp[nrb] = g;
            }
    if (nrb != (size_t)p.mr || (out + C - 1) / C != (size_t)p.mc) {
        fprintf(stderr,
                "axon-chip-cosim: the layer [%zu, %zu] (group %zu) tiles into %zu row-blocks x "
                "%zu column blocks of %zux%zu; this build is a %d x %d mesh (hint: --in, "
                "--group)\n",
                out, in, qw.group, nrb, (out + C - 1) / C, R, C, p.mr, p.mc);
        return 2;
    }
    rb_lo[nrb] = in;
    int npass[64], merge[64];
    for (size_t rb = 0; rb < nrb && rb < 64; rb++) {
        npass[rb] = (int)rb_grp[rb];
        merge[rb] = rb > 0 && rb_grp[rb - 1] == rb_grp[rb];
    }

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
    const int ncores = p.mr * p.mc;
    rec r;
    memset(&r, 0, sizeof r);
    r.q = calloc(2 * (size_t)ncores * CHIP_NKIND, sizeof(stq));
    r.ncores = ncores;
    r.C = p.cols;
    r.A = p.acc_bits;
    r.mc = p.mc;
    r.occ = calloc((size_t)ncores, sizeof *r.occ);
    r.occ_t = calloc((size_t)ncores, sizeof *r.occ_t);
    r.occ_max = calloc((size_t)ncores, sizeof *r.occ_max);
    r.last_tok = calloc((size_t)ncores, sizeof *r.last_tok);
    r.iq = p.ingress_depth;
    r.fit_tok = -1;
    sim *s = NULL;
    if (sim_new(&cfg, &qw, ev, nev, ts, tokens, &s, &err)) {
        fprintf(stderr, "axon-chip-cosim: C model: %s\n", err);
        return 2;
    }
    sim_observe_reduction(s, on_sim, &r);

    axon_chip_rtl *h = axon_chip_new(seed);
    axon_chip_config(h, npass, merge);
    int8_t *row = malloc(C);
    for (int rb = 0; rb < p.mr; rb++)
        for (int cb = 0; cb < p.mc; cb++)
            for (size_t i = 0; i < R; i++) {
                size_t a = rb_lo[rb] + i;
                for (size_t j = 0; j < C; j++)
                    row[j] = a < rb_lo[rb + 1] && cb * C + j < out ? qw.q[(cb * C + j) * in + a]
                                                                   : 0;
                axon_chip_load_row(h, rb * p.mc + cb, (uint32_t)i, row);
            }
    free(row);
    size_t *nitems = calloc((size_t)p.mr, sizeof *nitems);
    for (int rb = 0; rb < p.mr; rb++)
        for (size_t t = 0; t < tokens; t++) {
            for (size_t e = ts[t]; e < ts[t + 1]; e++)
                if (ev[e].axon >= rb_lo[rb] && ev[e].axon < rb_lo[rb + 1]) {
                    axon_chip_item it = {0, (uint32_t)(ev[e].axon - rb_lo[rb]), ev[e].neg,
                                         ev[e].shift};
                    axon_chip_push(h, rb, &it, 1);
                    nitems[rb]++;
                }
            axon_chip_item eot = {1, 0, 0, 0};
            axon_chip_push(h, rb, &eot, 1);
            nitems[rb]++;
        }

    /* Lockstep: one RTL cycle, then the C model (sim_step, the host's event
     * loop) up to the same cycle; every pair of stamps that both sides have
     * made final is compared, and the run stops at the first divergence. */
    lock L0 = {&r, 0, 0, 0, 0, 0};
    int rtl_more = 1, sim_more = 1, bad = 0;
    int64_t cyc = 0, limit = INT64_MAX;
    diverge d = {-1, 0, 0, INT64_MAX};
    int iq_core = -1, rq_core = -1;
    while (rtl_more || sim_more) {
        if (rtl_more) {
            rtl_more = axon_chip_step(h, on_rtl, &r);
            cyc++;
            iq_core = axon_chip_ingress_overflow(h);
            rq_core = axon_chip_reduce_queue_overflow(h);
            if (iq_core >= 0 || rq_core >= 0)
                break;
        }
        /* RTL stamps up to cyc - 1 are final (a readout end is stamped a cycle
         * ahead, at its last beat) */
        const int64_t hr = rtl_more ? cyc - 1 : INT64_MAX;
        while (sim_more && sim_now(s) <= hr)
            sim_more = sim_step(s);
        if (!sim_more && limit == INT64_MAX) { /* far past the C model's end the RTL hangs */
            sim_report rp;
            sim_get_report(s, &rp);
            limit = 2 * rp.duration + 10000;
        }
        /* the C model's stamps up to its current time are final; its reduction
         * (computed in closed form after the cores, sim/sim_noc.c) only at its end */
        const int64_t hc = sim_more ? sim_now(s) : INT64_MAX;
        int64_t hz[CHIP_NKIND];
        for (int kind = 0; kind < CHIP_NKIND; kind++)
            hz[kind] = kind >= CHIP_RHEAD && sim_more ? -1 : (hr < hc ? hr : hc);
        if (scan(&L0, hz, &d)) {
            bad = 1;
            break;
        }
        if (rtl_more && cyc >= limit) {
            printf("chip cosim: MISMATCH: the RTL has not finished after %" PRId64
                   " cycles (C model: %" PRId64 "); every stamp up to cycle %" PRId64
                   " was equal\n",
                   cyc, (limit - 10000) / 2, hr);
            axon_chip_free(h);
            sim_free(s);
            return 1;
        }
    }
    if (iq_core >= 0 || rq_core >= 0) {
        /* the RTL's queue overflowed: how deep the C model's stream needs it */
        while (sim_step(s)) {}
        for (int k = 0; k < ncores; k++)
            occ_commit(&r, k);
        int64_t need = 0;
        int need_core = 0;
        for (int k = 0; k < ncores; k++)
            if (r.occ_max[k] > need) {
                need = r.occ_max[k];
                need_core = k;
            }
        if (iq_core >= 0 && need <= p.ingress_depth) {
            printf("chip cosim: MISMATCH: core %d (row-block %d, column %d): the RTL's ingress "
                   "queue of %d items overflowed at cycle %" PRId64
                   ", but the C model never holds more than %" PRId64 " items there\n",
                   iq_core, iq_core / p.mc, iq_core % p.mc, p.ingress_depth, cyc - 1, need);
            axon_chip_free(h);
            sim_free(s);
            return 1;
        }
        if (iq_core >= 0) {
            /* the build's parameters with the depth this stream needs */
            char pars[512], var[64];
            const char *iqp = strstr(AXON_CHIP_PARAMS, "IQ=");
            int pre = iqp ? (int)(iqp - AXON_CHIP_PARAMS) : 0;
            snprintf(pars, sizeof pars, "%.*sIQ=%" PRId64 "%s", pre, AXON_CHIP_PARAMS, need,
                     iqp ? iqp + strcspn(iqp, " ") : "");
            snprintf(var, sizeof var, "RTL_%s", AXON_CHIP_VARIANT);
            for (char *c = var; *c; c++)
                *c = *c >= 'a' && *c <= 'z' ? (char)(*c - 'a' + 'A') : *c;
            printf("chip cosim: refused: core %d (row-block %d, column %d): its ingress queue "
                   "(IQ = %d items, a build parameter) overflowed at cycle %" PRId64
                   ": the multicast outruns the core, and the C model's NoC has no "
                   "backpressure; these %zu tokens need %" PRId64 " items (core %d) "
                   "(hint: --tokens %" PRId64 " or fewer fit, or a build with a deeper queue: "
                   "make rtl-%s %s='%s')\n",
                   iq_core, iq_core / p.mc, iq_core % p.mc, p.ingress_depth, cyc - 1, tokens, need,
                   need_core, r.fit_tok, AXON_CHIP_VARIANT, var, pars);
        } else
            printf("chip cosim: refused: core %d (row-block %d, column %d): its reduction queue "
                   "(RQ = %d entries, a build parameter) overflowed at cycle %" PRId64
                   " (the C model's NoC has no backpressure; hint: fewer --tokens, or rebuild "
                   "with a larger RQ)\n",
                   rq_core, rq_core / p.mc, rq_core % p.mc, p.reduce_depth, cyc - 1);
        axon_chip_free(h);
        sim_free(s);
        return 2;
    }
    if (bad) {
        /* step on until the other side has the diverging stamp too (or ends) */
        stq *a = slot(&r, 0, d.core, d.kind), *b = slot(&r, 1, d.core, d.kind);
        while (((a->n <= d.idx || dump) && sim_more) ||
               ((b->n <= d.idx || dump) && rtl_more && cyc < limit)) {
            if (rtl_more) {
                rtl_more = axon_chip_step(h, on_rtl, &r);
                cyc++;
            }
            while (sim_more && (!rtl_more || sim_now(s) <= cyc - 1))
                sim_more = sim_step(s);
            if (!sim_more && limit == INT64_MAX) {
                sim_report rp;
                sim_get_report(s, &rp);
                limit = 2 * rp.duration + 10000;
            }
        }
        report(&r, &d, p.mc);
        if (dump && dump_stamps(&r, dump))
            return 2;
        axon_chip_free(h);
        sim_free(s);
        return 1;
    }

    ax_result sr = sim_run(s, &err); /* done: its result */
    /* the cores' sticky flags */
    int sim_ovf = sr == AX_EOVERFLOW && err && strstr(err, "accumulator overflow");
    if (sr && sr != AX_EOVERFLOW) {
        fprintf(stderr, "axon-chip-cosim: C model: %s\n", err);
        return 2;
    }
    free(err);
    sim_report rep;
    sim_get_report(s, &rep);
    /* the reduction's flag: a partial added on the way down the column (row-block
     * order) leaves A bits; from the C model's core-local readouts */
    int sim_rovf = 0;
    {
        const size_t ncb = (size_t)p.mc;
        int64_t *run = calloc(tokens * out + 1, sizeof *run);
        for (size_t rb = 0; rb < nrb; rb++)
            for (size_t i = 0; i < r.npart; i++) {
                size_t core = (size_t)r.part[i].core, cb = core % ncb, n = r.part[i].token;
                if (core / ncb != rb)
                    continue;
                for (size_t j = 0; j < C && cb * C + j < out; j++) {
                    int64_t *v = &run[n * out + cb * C + j];
                    *v = merge[rb] ? *v + r.part[i].acc[j] : r.part[i].acc[j];
                    int64_t lim = (int64_t)1 << (p.acc_bits - 1);
                    if (merge[rb] && (*v >= lim || *v < -lim))
                        sim_rovf = 1;
                    *v = ((*v + lim) & ((lim << 1) - 1)) - lim; /* A-bit wrap */
                }
            }
        free(run);
    }
    int rtl_ovf = axon_chip_overflow(h), rtl_rovf = axon_chip_reduce_overflow(h);

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
            break;
        }
        /* the reduction's share: stalls (the multicast never waits past the head router),
         * flit hops besides the multicast's, lane adds of merged packets */
        size_t rb = (size_t)k / (size_t)p.mc, cb = (size_t)k % (size_t)p.mc;
        uint64_t mc_hops = cb + 1 < (size_t)p.mc ? nitems[rb] : 0;
        uint64_t cused = out - cb * C < C ? out - cb * C : C;
        uint64_t rs = axon_chip_reduce_stall(h, k), rf = axon_chip_reduce_flits(h, k);
        uint64_t ra = axon_chip_reduce_merges(h, k) * cused;
        if ((uint64_t)c->stall_noc != rs || c->flit_hops != mc_hops + rf || c->reduce_adds != ra) {
            printf("chip cosim: MISMATCH: core %d reduction: C model stall_noc %" PRIu64
                   " flit_hops %" PRIu64 " reduce_adds %" PRIu64 ", RTL %" PRIu64 " %" PRIu64
                   " (%" PRIu64 " multicast) %" PRIu64 "\n",
                   k, (uint64_t)c->stall_noc, c->flit_hops, c->reduce_adds, rs, mc_hops + rf,
                   mc_hops, ra);
            bad = 1;
        }
    }
    if (!bad && rep.duration != L0.end) {
        printf("chip cosim: MISMATCH: duration: C model %" PRId64 " cycles, RTL %" PRId64 "\n",
               rep.duration, L0.end);
        bad = 1;
    }
    if (!bad && sim_ovf != rtl_ovf) {
        printf("chip cosim: MISMATCH: overflow flag: C model %d, RTL %d\n", sim_ovf, rtl_ovf);
        bad = 1;
    }
    if (!bad && sim_rovf != rtl_rovf) {
        printf("chip cosim: MISMATCH: reduction overflow flag: C model %d, RTL %d\n", sim_rovf,
               rtl_rovf);
        bad = 1;
    }
    /* the input streams of the cores off the first column, as both sides saw them */
    uint64_t late = 0, gaps = 0;
    int64_t longest = 0;
    for (int k = 0; k < r.ncores; k++) {
        stq *f = slot(&r, 0, k, CHIP_FLIT);
        for (size_t i = 0; i < f->n; i++) {
            late += f->v[i].time > 0;
            int64_t g = i ? f->v[i].time - f->v[i - 1].time : 0;
            gaps += g > 1;
            longest = g > longest ? g : longest;
        }
    }
    uint64_t stall = 0;
    for (int k = 0; k < r.ncores; k++)
        stall += axon_chip_reduce_stall(h, k);
    if (!bad)
        printf("chip cosim: OK (%dx%d mesh of R=%d C=%d L=%d Ls=%d F=%d A=%d RB=%d db=%d "
               "gating=%d, link %d bits, "
               "hop %d): layer [%zu, %zu], %zu row-blocks in %zu groups, %zu tokens, %zu events, "
               "%" PRIu64 " core stamps and %" PRIu64 " accumulators, %" PRIu64
               " reduction stamps and %" PRIu64 " reduced sums of %d cores equal in lockstep; "
               "%" PRIu64 " items arrived after cycle 0, %" PRIu64 " after a gap (longest %" PRId64
               " cycles); "
               "duration %" PRId64 " cycles, reduction stall %" PRIu64
               " cycles; overflow flag %d, reduction overflow %d on both sides\n",
               p.mc, p.mr, p.rows, p.cols, p.lanes, p.sram_latency, p.fifo_depth, p.acc_bits,
               p.readout_bits, p.double_buffer, p.zero_gating, p.link_bits, p.hop_cycles, out, in,
               nrb, rb_grp[nrb - 1] + 1, tokens, nev, L0.stamps, L0.accs, L0.rstamps, L0.raccs,
               r.ncores, late, gaps, longest, rep.duration, stall, rtl_ovf, rtl_rovf);
    if (verbose && !bad)
        printf("chip cosim: %" PRId64 " RTL cycles stepped\n", cyc);
    axon_chip_free(h);
    sim_free(s);
    return bad ? 1 : 0;
}
