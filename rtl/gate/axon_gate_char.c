/*
 * axon-gate-char — characterization of the action-energy model against the
 * gate-level switching energy of the synthesized core (docs/power.md
 * "Calibration"). Built per parameter set by `make characterize`
 * (mk/rtl_gate.mk) against the Verilated OSU018 netlist of that set.
 *
 * The method is the one of NeuroSim-style and Accelergy-style calibration
 * (X. Peng et al., "DNN+NeuroSim V2.0", IEEE TCAD 40(11), 2021; Y. N. Wu et
 * al., "Accelergy: an architecture-level energy estimation methodology",
 * ICCAD 2019): drive the gate netlist with deterministic training streams,
 * record the gate-level energy per component next to the architectural
 * action counts of the same run, and fit per-action energies (power_cal.c).
 *
 * Each stream is built from (profile, seed) alone — random INT8 weights with
 * a profile's share of zero weights and all-zero words, tokens that are empty,
 * sparse or dense, signs and shifts 0..23 — so the rows are reproducible bit
 * for bit; the CSV row carries an FNV-1a hash of the weights and items. Per
 * stream the C model (sim/) counts the actions and the netlist (VCD of every
 * net, priced by power_gate.c from the liberty) gives the energy per
 * component; both run the same items and must agree on cycles and lane
 * additions, and the C model's lane_term_toggles must equal a replay of the
 * lane operands in the RTL's order (ref_term_toggles), and its
 * acc_write_toggles, lane_term_toggles_seq and acc_readout_ones a replay of
 * the accumulator registers (ref_seq_toggles), or the row is refused.
 *
 * usage: axon-gate-char --lib LIB --netlist JSON --set NAME --streams LIST --out CSV
 *        LIST: comma-separated profile:seed[:tokens], profiles mix, empty, dense,
 *        zeroword, sparse, lanes, hishift, coded, random (profiles[] below), and act
 *        (the activations and weights of axon_gate_acts.h, coded bitwise-signed:
 *        the ones axon-gate-base feeds the MAC tile)
 */
#include "../../power/power.h"
#include "../../power/power_cal.h"
#include "../../power/power_gate.h"
#include "../shim/axon_cosim_stream.h"
#include "axon_gate_acts.h"

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    const char *name;
    double w_nonzero;    /* share of nonzero weights */
    double zero_words;   /* share of all-zero words */
    double empty_tokens; /* share of tokens without events */
    double density;      /* firing probability per axon and step (0: drawn per token) */
    int steps;           /* steps per token (0: drawn 1..5) */
    int shift_max;       /* shifts 0..shift_max */
} gate_profile;

static const gate_profile profiles[] = {
    /* shift_max -1: the shift is the step (bitwise coding, as the traces run) */
    {"mix", 0.7, 0.25, 0.2, 0, 0, -1},       /* the cosim mixture */
    {"empty", 0.7, 0.25, 0.8, 0.3, 2, -1},   /* mostly empty tokens: idle cycles, readout */
    {"dense", 0.9, 0.05, 0.0, 1.0, 3, 23},   /* every axon every step, shifts up to 23 */
    {"zeroword", 0.5, 0.7, 0.1, 0.5, 2, 15}, /* most words skipped by zero gating */
    {"sparse", 0.7, 0.2, 0.3, 0.05, 4, -1},  /* few events per token */
    {"lanes", 0.3, 0.1, 0.1, 0.4, 2, -1},    /* many zero lanes in read words */
    {"hishift", 1.0, 0.0, 0.0, 0.6, 2, 23},  /* wide terms: shifts 16..23 */
    {"coded", 0.7, 0.25, 0.1, 0.3, 8, -1},   /* 8 steps, shift = step */
    {"random", 0.7, 0.25, 0.1, 0, 0, 23},    /* any shift 0..23 */
};

static uint64_t rng_next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}
static double rng_unif(uint64_t *x)
{
    return (double)(rng_next(x) >> 11) * (1.0 / 9007199254740992.0);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static int push_ev(cosim_stream *s, size_t *cap, spike_event e)
{
    if (s->nev == *cap) {
        size_t nc = *cap ? 2 * *cap : 256;
        spike_event *n = realloc(s->ev, nc * sizeof *n);
        if (!n)
            return -1;
        s->ev = n;
        *cap = nc;
    }
    s->ev[s->nev++] = e;
    return 0;
}

/* The stream of (profile, seed, tokens) for the build's tile; 0 or -1 (memory). */
static int make_stream(const axon_rtl_params *p, const gate_profile *g, uint64_t seed,
                       size_t tokens, cosim_stream *s, uint64_t *hash)
{
    memset(s, 0, sizeof *s);
    size_t R = (size_t)p->rows, C = (size_t)p->cols, L = (size_t)p->lanes;
    uint64_t x = seed * 0x9E3779B97F4A7C15ULL + (uint64_t)(g - profiles) * 0x2545F4914F6CDD1DULL +
                 7;
    if (cosim_stream_alloc(s, R, C, C, tokens))
        return -1;
    for (size_t i = 0; i < R; i++) {
        for (size_t j = 0; j < C; j++)
            if (rng_unif(&x) < g->w_nonzero) {
                int v = (int)(rng_next(&x) % 255) - 127;
                s->qw.q[j * R + i] = (int8_t)(v ? v : 1);
            }
        for (size_t w = 0; w * L < C; w++)
            if (rng_unif(&x) < g->zero_words)
                for (size_t j = w * L; j < C && j < (w + 1) * L; j++)
                    s->qw.q[j * R + i] = 0;
    }
    size_t cap = 0;
    s->tokens = tokens;
    /* exact partial sums per output, so that no event overflows A bits (the C
     * model refuses an overflowing layer): a term that would is flipped in
     * sign, else its shift lowered */
    int64_t *acc = calloc(C, sizeof *acc);
    if (!acc)
        return -1;
    int64_t lim = ((int64_t)1 << (p->acc_bits - 1)) - 1;
    for (size_t t = 0; t < tokens; t++) {
        memset(acc, 0, C * sizeof *acc);
        s->tok_start[t] = s->nev;
        if (rng_unif(&x) < g->empty_tokens)
            continue;
        int T = g->steps ? g->steps : 1 + (int)(rng_next(&x) % 5);
        static const double dens[] = {0.05, 0.2, 0.5, 1.0};
        double d = g->density > 0 ? g->density : dens[rng_next(&x) % 4];
        for (int st = 0; st < T; st++)
            for (size_t i = 0; i < R; i++)
                if (rng_unif(&x) < d) {
                    int sh = g->shift_max < 0 ? st
                                              : (int)(rng_next(&x) % (uint64_t)(g->shift_max + 1));
                    if (!strcmp(g->name, "hishift"))
                        sh = 16 + (int)(rng_next(&x) % 8);
                    int neg = (int)(rng_next(&x) & 1);
                    for (;;) {
                        int ok[2] = {1, 1};
                        for (size_t j = 0; j < C; j++) {
                            int64_t term = (int64_t)s->qw.q[j * R + i] * ((int64_t)1 << sh);
                            if (llabs(acc[j] + term) > lim)
                                ok[0] = 0;
                            if (llabs(acc[j] - term) > lim)
                                ok[1] = 0;
                        }
                        if (ok[neg])
                            break;
                        if (ok[!neg]) {
                            neg = !neg;
                            break;
                        }
                        if (sh == 0)
                            break;
                        sh--;
                    }
                    for (size_t j = 0; j < C; j++)
                        acc[j] += (neg ? -1 : 1) * (int64_t)s->qw.q[j * R + i] * ((int64_t)1 << sh);
                    spike_event e = {(uint32_t)t, (uint16_t)st, (uint8_t)neg, (uint8_t)sh,
                                     (uint32_t)i};
                    if (push_ev(s, &cap, e)) {
                        free(acc);
                        return -1;
                    }
                }
    }
    free(acc);
    s->tok_start[tokens] = s->nev;
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv(h, s->qw.q, C * R);
    for (size_t e = 0; e < s->nev; e++) {
        uint32_t v[4] = {s->ev[e].axon, s->ev[e].neg, s->ev[e].shift, s->ev[e].token};
        h = fnv(h, v, sizeof v);
    }
    *hash = h;
    return 0;
}

/* The "act" stream: the INT8 activations and weights of axon_gate_acts.h
 * (the ones axon-gate-base feeds the MAC tile), coded bitwise-signed: every
 * set bit b of |x| is an event at step b with shift b and the sign of x. */
static int make_act_stream(const axon_rtl_params *p, uint64_t seed, size_t tokens, cosim_stream *s,
                           uint64_t *hash)
{
    memset(s, 0, sizeof *s);
    size_t R = (size_t)p->rows, C = (size_t)p->cols;
    int8_t *x = calloc(tokens * R > 0 ? tokens * R : 1, 1);
    if (!x || cosim_stream_alloc(s, R, C, C, tokens)) {
        free(x);
        return -1;
    }
    axon_acts_make((unsigned)seed, (int)tokens, (int)R, (int)C, x, s->qw.q);
    size_t cap = 0;
    s->tokens = tokens;
    for (size_t t = 0; t < tokens; t++) {
        s->tok_start[t] = s->nev;
        for (int b = 0; b < 8; b++)
            for (size_t i = 0; i < R; i++) {
                int v = x[t * R + i], a = v < 0 ? -v : v;
                if (!(a >> b & 1))
                    continue;
                spike_event e = {(uint32_t)t, (uint16_t)b, (uint8_t)(v < 0), (uint8_t)b,
                                 (uint32_t)i};
                if (push_ev(s, &cap, e)) {
                    free(x);
                    return -1;
                }
            }
    }
    s->tok_start[tokens] = s->nev;
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv(h, s->qw.q, C * R);
    h = fnv(h, x, tokens * R);
    *hash = h;
    free(x);
    return 0;
}

/* Word w of axon's row is read and added: it holds a nonzero weight, or the
 * core has no zero gating (the RTL's order of both replays below). */
static int word_added(const axon_rtl_params *p, const cosim_stream *st, uint32_t axon, size_t w)
{
    size_t R = st->qw.in, C = (size_t)p->cols, L = (size_t)p->lanes;
    int nz = 0;
    for (size_t k = 0; k < L && w * L + k < C; k++)
        nz |= st->qw.q[(w * L + k) * R + axon] != 0;
    return nz || !p->zero_gating;
}

/* The lane term toggles of a stream (the C model's counter lane_term_toggles,
 * sim/sim_toggle.c), replayed here in the RTL's order as an independent
 * reference: per event the words it adds (w = 0..W-1, the all-zero ones
 * skipped with zero gating), lane l of word w the term ±(q << shift) of
 * output w·L + l in TW bits (0 past C), each event's first word counted
 * from zero. */
static double ref_term_toggles(const axon_rtl_params *p, const cosim_stream *st)
{
    size_t R = st->qw.in, C = (size_t)p->cols, L = (size_t)p->lanes;
    size_t W = (C + L - 1) / L;
    int TW = (p->acc_bits > 39 ? p->acc_bits : 39) + 2;
    uint64_t mT = TW >= 64 ? ~0ULL : ((1ULL << TW) - 1);
    double n = 0;
    for (size_t e = 0; e < st->nev; e++) {
        const spike_event *ev = &st->ev[e];
        for (size_t l = 0; l < L; l++) {
            int64_t prev = 0;
            for (size_t w = 0; w < W; w++) {
                if (!word_added(p, st, ev->axon, w))
                    continue;
                size_t j = w * L + l;
                int q = j < C ? st->qw.q[j * R + ev->axon] : 0;
                int64_t t = (ev->neg ? -1 : 1) * (int64_t)q * ((int64_t)1 << ev->shift);
                n += __builtin_popcountll(((uint64_t)prev ^ (uint64_t)t) & mT);
                prev = t;
            }
        }
    }
    return n;
}

/* acc_write_toggles, lane_term_toggles_seq and acc_readout_ones
 * (sim/sim_replay.c) replayed the same way: per token from cleared
 * accumulators, the lanes' previous terms kept across events, popcount(a XOR
 * (a + t)) in A bits for every register written (with zero gating the
 * nonzero lanes of the words read), and the set bits of the sums at the
 * token's end. */
static void ref_seq_toggles(const axon_rtl_params *p, const cosim_stream *st, double *wtog,
                            double *xtog, double *ones)
{
    size_t R = st->qw.in, C = (size_t)p->cols, L = (size_t)p->lanes;
    size_t W = (C + L - 1) / L;
    int TW = (p->acc_bits > 39 ? p->acc_bits : 39) + 2;
    uint64_t mT = TW >= 64 ? ~0ULL : ((1ULL << TW) - 1), mA = (1ULL << p->acc_bits) - 1;
    int64_t *acc = calloc(W * L, sizeof *acc), *prev = calloc(L, sizeof *prev);
    *wtog = *xtog = *ones = -1; /* no memory: never equal to a count */
    if (!acc || !prev)
        goto out;
    *wtog = *xtog = *ones = 0;
    for (size_t t = 0; t < st->tokens; t++) {
        memset(acc, 0, W * L * sizeof *acc);
        for (size_t e = st->tok_start[t]; e < st->tok_start[t + 1]; e++) {
            const spike_event *ev = &st->ev[e];
            for (size_t w = 0; w < W; w++) {
                if (!word_added(p, st, ev->axon, w))
                    continue;
                for (size_t l = 0; l < L; l++) {
                    size_t j = w * L + l;
                    int q = j < C ? st->qw.q[j * R + ev->axon] : 0;
                    int64_t tm = (ev->neg ? -1 : 1) * (int64_t)q * ((int64_t)1 << ev->shift);
                    *xtog += __builtin_popcountll(((uint64_t)prev[l] ^ (uint64_t)tm) & mT);
                    prev[l] = tm;
                    if (j < C && (q || !p->zero_gating)) {
                        int64_t sum = acc[j] + tm;
                        *wtog += __builtin_popcountll(((uint64_t)acc[j] ^ (uint64_t)sum) & mA);
                        acc[j] = sum;
                    }
                }
            }
        }
        for (size_t j = 0; j < C; j++) /* read out, then cleared */
            *ones += __builtin_popcountll((uint64_t)acc[j] & mA);
    }
out:
    free(acc);
    free(prev);
}

static int die(const char *what, char *err)
{
    fprintf(stderr, "axon-gate-char: %s%s%s\n", what, err ? ": " : "", err ? err : "");
    free(err);
    return 1;
}

static const power_gate_comp *gcomp(const power_gate_result *g, const char *name)
{
    for (int i = 0; i < g->ncomp; i++)
        if (!strcmp(g->comp[i].name, name))
            return &g->comp[i];
    return NULL;
}
static double gdyn(const power_gate_result *g, const char *name)
{
    const power_gate_comp *c = gcomp(g, name);
    return c ? c->switch_pj + c->internal_pj : 0;
}

/* Runs one stream through the C model and the netlist; fills row. */
static int run_stream(const axon_rtl_params *p, const cosim_stream *st, power_gate_netlist *nl,
                      const power_lib *lib, const char *vcd, power_cal_row *row, char **err)
{
    sim_config cfg;
    cosim_stream_sim_config(p, &cfg);
    sim *sm = NULL;
    axon_rtl *h = NULL;
    int8_t *rowv = NULL;
    int rc = -1;
    if (sim_new(&cfg, &st->qw, st->ev, st->nev, st->tok_start, st->tokens, &sm, err) ||
        sim_run(sm, err))
        goto out;
    sim_report rep;
    sim_get_report(sm, &rep);
    if (axon_rtl_new(p, 1, &h, err))
        goto out;
    rowv = calloc((size_t)p->cols, 1);
    if (!rowv)
        goto out;
    for (size_t i = 0; i < st->qw.in; i++) {
        for (size_t o = 0; o < st->qw.out; o++)
            rowv[o] = st->qw.q[o * st->qw.in + i];
        if (axon_rtl_load_row(h, (uint32_t)i, rowv, err))
            goto out;
    }
    for (size_t tk = 0; tk < st->tokens; tk++) {
        for (size_t e = st->tok_start[tk]; e < st->tok_start[tk + 1]; e++) {
            axon_rtl_item it = {0, st->ev[e].axon, st->ev[e].neg, st->ev[e].shift, 0, 0};
            if (axon_rtl_push(h, &it, 1, err))
                goto out;
        }
        axon_rtl_item eot = {1, 0, 0, 0, 0, 0};
        if (axon_rtl_push(h, &eot, 1, err))
            goto out;
    }
    if (axon_rtl_wave(h, vcd, 0, INT64_MAX, err))
        goto out;
    axon_rtl_stamp s;
    int64_t steps_run = 0, lanes = 0;
    int more;
    do {
        more = axon_rtl_step(h, &s);
        steps_run++;
        lanes += s.lanes_added;
    } while (more);
    axon_rtl_free(h);
    h = NULL;
    if (llabs(steps_run - rep.duration) > 1 || lanes != (int64_t)rep.total.adds) {
        ax_fail(err, AX_EMISMATCH,
                "netlist ran %" PRId64 " cycles / %" PRId64 " lane additions, the C model %" PRId64
                " / %" PRIu64 " (hint: axon cosim --rtl DIR finds the divergence)",
                steps_run, lanes, rep.duration, rep.total.adds);
        goto out;
    }
    size_t matched = 0;
    power_gate_reset(nl);
    if (power_gate_vcd_count(nl, vcd, "axon_core", &matched, err))
        goto out;
    power_gate_params gp = {2e-3, 1e-3, 0.1, rep.duration_ns, "clk"};
    power_gate_result g;
    if (power_gate_energy(nl, lib, &gp, &g, err))
        goto out;
    power_cal_counts_of(&cfg, &rep, &row->k);
    row->gate_pj[POWER_CAL_ACC] = gdyn(&g, "u_acc");
    row->gate_pj[POWER_CAL_FIFO] = gdyn(&g, "u_fifo");
    row->gate_pj[POWER_CAL_CTRL] = gdyn(&g, "u_ctrl") + gdyn(&g, "top");
    row->gate_pj[POWER_CAL_READOUT] = gdyn(&g, "u_ro");
    row->gate_pj[POWER_CAL_SRAMIF] = gdyn(&g, "u_sram");
    row->gate_pj[POWER_CAL_CLOCK] = g.clock_switch_pj + g.clock_internal_pj;
    row->flops = g.clock_pins;
    row->cells = (double)power_gate_netlist_cells(nl);
    rc = 0;
out:
    free(rowv);
    axon_rtl_free(h);
    sim_free(sm);
    return rc;
}

int main(int argc, char **argv)
{
    const char *libp = NULL, *json = NULL, *set = NULL, *list = NULL, *outp = NULL;
    static const struct option opts[] = {{"lib", required_argument, NULL, 'l'},
                                         {"netlist", required_argument, NULL, 'n'},
                                         {"set", required_argument, NULL, 's'},
                                         {"streams", required_argument, NULL, 'S'},
                                         {"out", required_argument, NULL, 'o'},
                                         {NULL, 0, NULL, 0}};
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'l': libp = optarg; break;
        case 'n': json = optarg; break;
        case 's': set = optarg; break;
        case 'S': list = optarg; break;
        case 'o': outp = optarg; break;
        default: goto usage;
        }
    }
    if (!libp || !json || !set || !list || !outp || optind < argc) {
    usage:
        fprintf(stderr, "usage: axon-gate-char --lib LIB --netlist JSON --set NAME --streams "
                        "profile:seed[:tokens],... --out CSV\n");
        return 2;
    }
    char *err = NULL;
    axon_rtl_params p;
    axon_rtl_built(&p);
    power_lib *lib = NULL;
    power_gate_netlist *nl = NULL;
    if (power_lib_load(libp, &lib, &err))
        return die("liberty", err);
    if (power_gate_netlist_load(json, "axon_core", lib, "axon_sram", &nl, &err))
        return die("netlist", err);
    char tmpl[] = "/tmp/axon-char-XXXXXX";
    if (!mkdtemp(tmpl))
        return die("mkdtemp /tmp/axon-char-XXXXXX failed (hint: check /tmp)", NULL);
    char vcd[sizeof tmpl + 16];
    snprintf(vcd, sizeof vcd, "%s/gate.vcd", tmpl);
    char tmpout[4096];
    snprintf(tmpout, sizeof tmpout, "%s.tmp", outp);
    FILE *f = fopen(tmpout, "w");
    if (!f)
        return die("cannot write the output (hint: check the directory)", NULL);
    power_cal_write_header(f);
    char *dup = strdup(list);
    int rc = 0;
    for (char *tok = strtok(dup, ","); tok; tok = strtok(NULL, ",")) {
        char pname[32] = "";
        unsigned long seed = 1, tokens = 6;
        if (sscanf(tok, "%31[a-z]:%lu:%lu", pname, &seed, &tokens) < 2) {
            fprintf(stderr, "axon-gate-char: stream '%s': expected profile:seed[:tokens]\n", tok);
            rc = 2;
            break;
        }
        const gate_profile *g = NULL;
        int act = !strcmp(pname, "act");
        for (size_t i = 0; i < sizeof profiles / sizeof *profiles; i++)
            if (!strcmp(profiles[i].name, pname))
                g = &profiles[i];
        if ((!g && !act) || tokens < 1 || tokens > 64) {
            fprintf(stderr,
                    "axon-gate-char: stream '%s': unknown profile or tokens not in 1..64 "
                    "(hint: mix, empty, dense, zeroword, sparse, lanes, hishift, coded, random, "
                    "act)\n",
                    tok);
            rc = 2;
            break;
        }
        cosim_stream st;
        uint64_t hash = 0;
        if (act ? make_act_stream(&p, seed, tokens, &st, &hash)
                : make_stream(&p, g, seed, tokens, &st, &hash)) {
            cosim_stream_free(&st);
            rc = die("out of memory", NULL);
            break;
        }
        power_cal_row row;
        memset(&row, 0, sizeof row);
        snprintf(row.set, sizeof row.set, "%s", set);
        snprintf(row.stream, sizeof row.stream, "%s:%lu:%lu", pname, seed, tokens);
        snprintf(row.hash, sizeof row.hash, "%016" PRIx64, hash);
        row.R = p.rows, row.C = p.cols, row.L = p.lanes, row.LS = p.sram_latency,
        row.F = p.fifo_depth;
        row.A = p.acc_bits, row.RB = p.readout_bits, row.DB = p.double_buffer,
        row.GATE = p.zero_gating;
        row.CG = p.clock_gating;
        double tog = ref_term_toggles(&p, &st);
        int r = run_stream(&p, &st, nl, lib, vcd, &row, &err);
        if (!r && row.k.lane_term_toggles != tog) {
            ax_fail(&err, AX_EMISMATCH,
                    "the C model counted %.0f lane term toggles, the replay %.0f (hint: "
                    "sim/sim_toggle.c and ref_term_toggles disagree on the words added)",
                    row.k.lane_term_toggles, tog);
            r = -1;
        }
        double wtog = 0, xtog = 0, ones = 0;
        ref_seq_toggles(&p, &st, &wtog, &xtog, &ones);
        if (!r && (row.k.acc_write_toggles != wtog || row.k.lane_term_toggles_seq != xtog ||
                   row.k.acc_readout_ones != ones)) {
            ax_fail(&err, AX_EMISMATCH,
                    "the C model counted %.0f accumulator write toggles, %.0f term toggles "
                    "across events and %.0f set bits read out, the replay %.0f, %.0f and %.0f "
                    "(hint: sim/sim_replay.c and ref_seq_toggles disagree on the order or the "
                    "words added)",
                    row.k.acc_write_toggles, row.k.lane_term_toggles_seq, row.k.acc_readout_ones,
                    wtog, xtog, ones);
            r = -1;
        }
        cosim_stream_free(&st);
        if (r) {
            rc = die(tok, err);
            err = NULL;
            break;
        }
        power_cal_write_row(f, &row);
        fprintf(stderr, "axon-gate-char: %s %s: %zu cycles, gate %.1f pJ\n", set, row.stream,
                (size_t)(row.k.active + row.k.idle), power_cal_row_total(&row));
    }
    free(dup);
    unlink(vcd);
    rmdir(tmpl);
    if (fclose(f) || rc) {
        unlink(tmpout);
        rc = rc ? rc : 1;
    } else if (rename(tmpout, outp)) {
        rc = die("cannot rename the output", NULL);
    }
    power_gate_netlist_free(nl);
    power_lib_free(lib);
    return rc;
}
