/*
 * power_cal — calibrated action energies fitted to gate level (docs/power.md
 * "Calibration"; power_cal.h has the interface).
 *
 * Method, as in NeuroSim (X. Peng et al., IEEE TCAD 40(11), 2021: circuit
 * modules calibrated against SPICE/gate level) and Accelergy (Y. N. Wu et al.,
 * ICCAD 2019: per-action energies of primitive components in tables):
 *   E_comp = Σ_i e_i · x_i,  x_i = action count × the width the circuit
 *   scales with (bits of the lane adder TW, accumulator bits A, word bits 8L,
 *   FIFO item bits IW × depth F, beat bits RB, flip-flops N_ff),
 * with e_i >= 0 fitted per component by non-negative least squares
 * (C. L. Lawson and R. J. Hanson, "Solving Least Squares Problems",
 * Prentice-Hall 1974, ch. 23) on relative residuals over
 * the training rows of several parameter sets, so one per-bit energy serves every core size.
 * The clock is priced as built: the netlist clocks every flip-flop every
 * cycle (no clock gating), so E_clock = e_flop-cycle · N_ff · cycles, idle
 * cycles included. In an idle cycle no data input changes, so the
 * zero-delay netlist switches no logic: idle cycles cost the clock only
 * (the characterization streams, fed back to back, have almost none).
 * The clock-gated build (rtl CG = 1, power_clock_as_built) clocks the
 * accumulators of a (bank, word) and each FIFO entry only in the cycles
 * that write them: the same e_flop-cycle per clocked flip-flop-cycle, plus
 * one energy per clock gate per cycle (clock,icg_cycle), and its enable
 * logic has its own accumulator and FIFO terms (cg_*, *_cg); gated and
 * ungated sets are fitted together, each feature zero where its build has
 * no such action. The readout multiplexer and the beat counter are priced
 * per beat by the select path's depth BB = clog2(C·A / RB), so the terms
 * fitted on few beats per token extrapolate to many (docs/power.md
 * "Calibration": the r48 set, 48 beats per token).
 */
#include "power_cal.h"
#include "power_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const comp_names[POWER_CAL_NCOMP] = {"acc",     "fifo",   "ctrl",
                                                        "readout", "sramif", "clock"};

const char *power_cal_comp_name(int comp)
{
    return comp >= 0 && comp < POWER_CAL_NCOMP ? comp_names[comp] : "?";
}

void power_cal_counts_of(const sim_config *cfg, const sim_report *r, power_cal_counts *k)
{
    const sim_counters *c = &r->total;
    memset(k, 0, sizeof *k);
    k->tokens = (double)r->tokens;
    k->events = (double)c->events;
    k->eots = (double)c->eots;
    k->words_read = (double)c->sram_words;
    k->words_skipped = (double)c->sram_words_skipped;
    k->adds = (double)c->adds;
    k->adds_gated = (double)c->adds_gated;
    k->acc_writes = (double)c->acc_writes;
    k->readout_beats = (double)c->readout_beats;
    k->active = (double)c->active;
    k->idle = (double)c->idle;
    k->lane_adds_nonzero = (double)c->lane_adds_nonzero;
    k->words_nonzero = (double)c->sram_words_nonzero;
    k->lane_adds_shift = (double)c->lane_adds_shift;
    k->lane_term_toggles = (double)c->lane_term_toggles;
    k->acc_write_toggles = (double)c->acc_write_toggles;
    k->lane_term_toggles_seq = (double)c->lane_term_toggles_seq;
    k->acc_readout_ones = (double)c->acc_readout_ones;
    /* row reuse: a reused event adds the words its row's first event read
     * (the skipped ones skipped again); per row read sram_words/rows words */
    if (cfg && cfg->row_reuse && c->sram_rows_read > 0 && c->events > c->sram_rows_read)
        k->words_reused = (double)c->sram_words * (double)(c->events - c->sram_rows_read) /
                          (double)c->sram_rows_read;
}

static int clog2i(long v)
{
    int b = 0;
    while ((1L << b) < v)
        b++;
    return b;
}

/* The widths of rtl/axon_core.sv for the configuration. */
typedef struct {
    double C, L, A, RB, F, LS, NB, W, WW, B, BB, BW, AXW, MW, SW, IW, PW, TW, GATE;
} cal_geom;

static void geom_of(const sim_config *c, cal_geom *g)
{
    g->C = c->cols, g->L = c->lanes, g->A = c->acc_bits, g->RB = c->readout_bits;
    g->F = c->fifo_depth, g->LS = c->sram_latency;
    g->NB = c->double_buffer ? 2 : 1;
    g->GATE = c->zero_gating ? 1 : 0;
    long W = (c->cols + c->lanes - 1) / c->lanes;
    g->W = (double)W;
    g->WW = W > 1 ? clog2i(W) : 1;
    long B = ((long)c->cols * c->acc_bits + c->readout_bits - 1) / c->readout_bits;
    g->B = (double)B;
    g->BB = B > 1 ? clog2i(B) : 1;
    g->BW = 1;
    g->AXW = c->rows > 1 ? clog2i(c->rows) : 1;
    g->MW = (long)c->rows * W > 1 ? clog2i((long)c->rows * W) : 1;
    g->SW = 5;
    g->IW = 1 + g->AXW + 1 + g->SW;
    g->PW = c->fifo_depth > 1 ? clog2i(c->fifo_depth) : 1;
    double tmax = 8 + 31; /* |q << shift| < 2^(8 + 2^SW − 1) */
    g->TW = (g->A > tmax ? g->A : tmax) + 2;
}

double power_cal_flops(const sim_config *cfg)
{
    cal_geom g;
    geom_of(cfg, &g);
    double acc = g.NB * g.C * g.A + 1;
    double fifo = g.F * g.IW + 2 * g.PW + g.PW + 1;
    double meta = g.LS * (1 + 1 + g.BW + g.WW + 1 + g.SW);
    double ctrl = 1 + g.WW + g.AXW + 1 + g.SW /* read stage */ + g.BW + g.NB /* banks */ + 1 +
                  g.BB + g.BW + 1 + g.BW /* readout sequencer */;
    return acc + fifo + meta + ctrl;
}

void power_clock_as_built(const sim_config *cfg, const power_cal_counts *k, power_clock_built *o)
{
    cal_geom g;
    geom_of(cfg, &g);
    double cycles = k->active + k->idle;
    memset(o, 0, sizeof *o);
    o->flops = power_cal_flops(cfg);
    if (!cfg->clock_gating) {
        o->flop_cycles = o->flops * cycles;
        return;
    }
    double acc = g.NB * g.C * g.A, fifo = g.F * g.IW;
    o->flops_gated = acc + fifo;
    o->gates = g.NB * g.W + g.F;
    double words = k->words_read + k->words_reused, items = k->events + k->eots;
    o->flop_cycles = (o->flops - o->flops_gated) * cycles + words * (g.C / g.W) * g.A +
                     k->eots * g.C * g.A + items * g.IW;
    o->gate_cycles = o->gates * cycles;
}

const char *power_clock_model(const power_table *t, const sim_config *cfg)
{
    if (cfg->timing != SIM_SYNC)
        return "none";
    if (cfg->clock_gating)
        return "gated";
    return power_table_is_calibrated(t) ? "ungated" : "assumed";
}

int power_cal_features(const sim_config *cfg, const power_cal_counts *k, int comp, double *x,
                       const char **names, const char **units)
{
    cal_geom g;
    geom_of(cfg, &g);
    double words = k->words_read + k->words_skipped, items = k->events + k->eots;
    double cycles = k->active + k->idle, cg = cfg->clock_gating ? 1 : 0;
    /* lanes of the words holding a nonzero weight: with zero gating the
     * words read; without it the all-zero words are read and added too, but
     * their zero operands barely switch the adders, the overflow check and
     * the sum's fan-out (measured, docs/power.md "Calibration"), so they are
     * priced apart (word_zero_bit) */
    double lanes = k->words_nonzero * g.L;
    int n = 0;
#define F(nm, un, v)                                                                               \
    (names ? (void)(names[n] = (nm)) : (void)0, units ? (void)(units[n] = (un)) : (void)0,         \
     x[n++] = (v))
    switch (comp) {
    case POWER_CAL_ACC:
        F("word_read_bit", "word read holding a nonzero weight x L x TW lane-adder bits",
          lanes * g.TW);
        F("word_skip_bit", "word skipped x L x TW lane-adder bits", k->words_skipped * g.L * g.TW);
        F("write_bit", "accumulator write x A bits", k->acc_writes * g.A);
        F("event_bit", "event x L x TW bits (shift, sign)", k->events * g.L * g.TW);
        F("token_bit", "end of token x C x A bits (bank clear, read bank)", k->eots * g.C * g.A);
        F("word_fanout_bit",
          "word read holding a nonzero weight x NB x W x L x A bits (sum fanout to every D mux)",
          lanes * g.NB * g.W * g.A);
        F("word_ovf_bit", "word read holding a nonzero weight x L x (TW - A) bits (overflow check)",
          lanes * (g.TW - g.A));
        F("word_zero_bit", "all-zero word read and added (no zero gating) x L x TW bits",
          (k->words_read - k->words_nonzero) * g.L * g.TW);
        /* a zero lane inside a word read adds (no gating) or is gated: its
         * operand is zero either way. A nonzero term q << shift has shift
         * zero low bits, the adder bits below it keep their value: a lane
         * addition with a nonzero weight switches TW - shift of them */
        F("add_term_bit", "lane addition with a nonzero weight x (TW - shift) term bits",
          k->lane_adds_nonzero * g.TW - k->lane_adds_shift);
        /* the clock-gated build (CG = 1): each (bank, word) has a clock
         * gate whose enable is decoded from the word address and bank every
         * cycle, and a word added opens one gate: its (C/W)·A flip-flops
         * take their D inputs (rtl/axon_acc.sv g_cg) */
        F("cg_word_bit", "word added, clock-gated build x (C/W) x A bits (gate opened)",
          (k->words_read + k->words_reused) * (g.C / g.W) * g.A * cg);
        F("cg_enable_cycle", "cycle x NB x W clock-gate enables, clock-gated build",
          cycles * g.NB * g.W * cg);
        /* version 5: the data the lane adders see. The Hamming distance of
         * each lane's TW-bit term ±(q << shift) from one added word to the
         * next (sim_toggle.c; each event's first word from zero): low bits
         * that toggle like data, the sign-extension bits above the term all
         * at once when the sign changes (Landman & Rabaey's dual bit type
         * model). It replaces add_term_bit's fixed half of TW - shift per
         * nonzero addition (fitted 0 next to it) */
        F("term_toggle", "bit toggle of a lane adder's term operand (lane_term_toggles)",
          k->lane_term_toggles);
        /* version 6: the data in the order the core adds it (sim_replay.c).
         * The accumulator registers' own switching, popcount(a XOR (a + t))
         * per register written: a negative term into a cleared or small sum
         * flips every high bit (sparse tokens), a wide term into a large sum
         * only the bits it reaches (the bits of the term above A feed the
         * overflow compare alone); and the term toggles across events, the
         * previous event's last word instead of zero (docs/power.md
         * "Measured after v5": with both every held-out stream is within
         * +-10 %) */
        F("acc_write_toggle", "accumulator register bit toggle (acc_write_toggles)",
          k->acc_write_toggles);
        F("term_toggle_seq",
          "bit toggle of a lane adder's term operand across events (lane_term_toggles_seq)",
          k->lane_term_toggles_seq);
        /* the sums' set bits when a token ends: the bank clear switches each
         * back to 0, and the read bank's outputs follow them */
        F("readout_one", "accumulator bit set at readout (acc_readout_ones)", k->acc_readout_ones);
        /* clock-gated build: at every end of token the adding bank and the
         * cleared bank change, so each of the NB x W clock-gate enables is
         * decoded again (rtl/axon_acc.sv g_cg) */
        F("cg_bank_switch", "end of token x NB x W clock-gate enables, clock-gated build",
          k->eots * g.NB * g.W * cg);
        break;
    case POWER_CAL_FIFO:
        F("item_bit", "item x IW bits", items * g.IW);
        /* ungated: every entry's write multiplexer sees the item; clock
         * gated: the entries' D pins only (no multiplexer, rtl/axon_fifo.sv) */
        F("item_entry_bit", "item x F entries x IW bits (ungated: write multiplexers)",
          items * g.F * g.IW * (1 - cg));
        F("item_entry_bit_cg", "item x F entries x IW bits, clock-gated build (D pins)",
          items * g.F * g.IW * cg);
        F("active_cycle", "active cycle", k->active);
        break;
    case POWER_CAL_CTRL:
        F("event", "event", k->events);
        F("word_addr_bit", "word issued x MW address bits", words * g.MW);
        F("word_lane", "word issued x L lanes (lane enables, zero flags)", words * g.L);
        F("beat", "readout beat", k->readout_beats);
        /* the beat counter and its compare (BB = clog2 B bits, B = C·A / RB
         * beats per token): a beat steps BB bits, and the sequencer's
         * last-beat decode grows with them (r48: 48 beats per token) */
        F("beat_count_bit", "readout beat x BB beat-counter bits", k->readout_beats * g.BB);
        F("token", "end of token", k->eots);
        F("active_cycle", "active cycle", k->active);
        break;
    case POWER_CAL_READOUT:
        F("beat_bit", "readout beat x RB bits", k->readout_beats * g.RB);
        F("beat_in_bit", "readout beat x C x A input bits", k->readout_beats * g.C * g.A);
        /* the B:1 multiplexer per output bit (rtl/axon_readout.sv): a new
         * beat moves the select along a tree of depth BB, RB bits wide */
        F("beat_sel_bit", "readout beat x RB x BB bits (beat select path)",
          k->readout_beats * g.RB * g.BB);
        F("write_bit", "accumulator write x A bits (mux inputs)", k->acc_writes * g.A);
        F("write_bit_1bank", "accumulator write x A bits, single buffer (the read bank is written)",
          k->acc_writes * g.A * (g.NB == 1 ? 1 : 0));
        F("token_bit", "end of token x C x A bits", k->eots * g.C * g.A);
        F("event_bit", "event x RB bits", k->events * g.RB);
        F("active_cycle_bit", "active cycle x RB bits", k->active * g.RB);
        break;
    case POWER_CAL_SRAMIF:
        F("word_bit", "word read x 8L bits", k->words_read * 8 * g.L);
        F("issue", "word issued (zero flag)", words);
        F("word_gate_bit", "word read x 8L bits with zero gating (zero detect load)",
          k->words_read * 8 * g.L * g.GATE);
        /* version 6: the nets of a zero byte do not switch: the bytes read
         * that hold a nonzero weight (lane_adds_nonzero; the lanes stream,
         * 70 % zero weights, missed by up to +84 % without it) */
        F("byte_nonzero_bit", "byte read holding a nonzero weight x 8 bits",
          k->lane_adds_nonzero * 8);
        break;
    case POWER_CAL_CLOCK:
        if (cfg->clock_gating) {
            power_clock_built cb;
            power_clock_as_built(cfg, k, &cb);
            F("flop_cycle", "clocked flip-flop cycles (clock-gated build, as built)",
              cb.flop_cycles);
            F("icg_cycle", "clock gate x cycle (clock-gated build: NB x W + F gates)",
              cb.gate_cycles);
        } else {
            F("flop_cycle", "cycle x N_ff flip-flops (all clocked, as built)",
              cycles * power_cal_flops(cfg));
            F("icg_cycle", "clock gate x cycle (clock-gated build: NB x W + F gates)", 0.0);
        }
        break;
    default: break;
    }
#undef F
    return n;
}

/* ---- characterization CSV ---- */

#define CAL_HEADER                                                                                 \
    "set,stream,hash,R,C,L,LS,F,A,RB,DB,GATE,tokens,events,eots,words_read,words_skipped,adds,"    \
    "adds_gated,acc_writes,readout_beats,active,idle,lane_adds_nonzero,words_nonzero,"             \
    "lane_adds_shift,flops,cells,gate_acc_pj,gate_fifo_pj,"                                        \
    "gate_ctrl_pj,gate_readout_pj,gate_sramif_pj,gate_clock_pj"

/* the clock-gated build's column, after the others (a CSV without it: 0) */
#define CAL_HEADER_CG CAL_HEADER ",clock_gating"
/* version 5: the lane term toggles after it (a CSV without them: 0, hint to
 * regenerate: the term_toggle feature needs them) */
#define CAL_HEADER_TT CAL_HEADER_CG ",lane_term_toggles"
/* version 6: the replayed counts after them (a CSV without them: 0, hint to
 * regenerate: the term_toggle_seq and readout_one features need them) */
#define CAL_HEADER_SEQ CAL_HEADER_TT ",acc_write_toggles,lane_term_toggles_seq,acc_readout_ones"

void power_cal_write_header(FILE *f)
{
    fprintf(f, "%s\n", CAL_HEADER_SEQ);
}

void power_cal_write_row(FILE *f, const power_cal_row *r)
{
    const power_cal_counts *k = &r->k;
    fprintf(f,
            "%s,%s,%s,%d,%d,%d,%d,%d,%d,%d,%d,%d,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,"
            "%.0f,%.0f,%.0f,%.0f,%.0f,%.0f",
            r->set, r->stream, r->hash, r->R, r->C, r->L, r->LS, r->F, r->A, r->RB, r->DB, r->GATE,
            k->tokens, k->events, k->eots, k->words_read, k->words_skipped, k->adds, k->adds_gated,
            k->acc_writes, k->readout_beats, k->active, k->idle, k->lane_adds_nonzero,
            k->words_nonzero, k->lane_adds_shift, r->flops, r->cells);
    for (int c = 0; c < POWER_CAL_NCOMP; c++)
        fprintf(f, ",%.3f", r->gate_pj[c]);
    fprintf(f, ",%d,%.0f,%.0f,%.0f,%.0f\n", r->CG ? 1 : 0, k->lane_term_toggles,
            k->acc_write_toggles, k->lane_term_toggles_seq, k->acc_readout_ones);
}

double power_cal_row_total(const power_cal_row *r)
{
    double s = 0;
    for (int c = 0; c < POWER_CAL_NCOMP; c++)
        s += r->gate_pj[c];
    return s;
}

void power_cal_row_config(const power_cal_row *r, sim_config *cfg)
{
    sim_config_default(cfg);
    cfg->rows = r->R, cfg->cols = r->C, cfg->lanes = r->L, cfg->sram_latency = r->LS;
    cfg->fifo_depth = r->F, cfg->acc_bits = r->A, cfg->readout_bits = r->RB;
    cfg->double_buffer = r->DB, cfg->zero_gating = r->GATE;
    cfg->clock_gating = r->CG;
}

ax_result power_cal_read(const char *path, power_cal_row **rows, size_t *n, char **err)
{
    char *buf = NULL;
    size_t len = 0;
    ax_result rc = power_read_file(path, 64u << 20, "characterization CSV",
                                   "make characterize writes it", &buf, &len, err);
    if (rc)
        return rc;
    int lineno = 0, want = 34;
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        if (lineno == 1) {
            if (!strcmp(line, CAL_HEADER_SEQ)) {
                want = 39;
            } else if (!strcmp(line, CAL_HEADER_TT)) {
                want = 36;
            } else if (!strcmp(line, CAL_HEADER_CG)) {
                want = 35;
            } else if (strcmp(line, CAL_HEADER)) {
                rc = ax_fail(err, AX_EFORMAT,
                             "%s:1: not a characterization CSV (hint: the header is %s)", path,
                             CAL_HEADER_SEQ);
                break;
            }
            continue;
        }
        char *f[40];
        int nf = power_csv_split(line, f, 40);
        if (nf != want) {
            rc = ax_fail(err, AX_EFORMAT,
                         "%s:%d: %d fields, expected %d (hint: regenerate with make characterize)",
                         path, lineno, nf, want);
            break;
        }
        power_cal_row r;
        memset(&r, 0, sizeof r);
        snprintf(r.set, sizeof r.set, "%s", f[0]);
        snprintf(r.stream, sizeof r.stream, "%s", f[1]);
        snprintf(r.hash, sizeof r.hash, "%s", f[2]);
        double v[31];
        for (int i = 0; i < 31; i++)
            if (power_parse_num(f[3 + i], &v[i]) || isnan(v[i])) {
                rc = ax_fail(err, AX_EFORMAT, "%s:%d: field %d '%s' is not a number >= 0", path,
                             lineno, 4 + i, f[3 + i]);
                goto done;
            }
        r.R = (int)v[0], r.C = (int)v[1], r.L = (int)v[2], r.LS = (int)v[3], r.F = (int)v[4];
        r.A = (int)v[5], r.RB = (int)v[6], r.DB = (int)v[7], r.GATE = (int)v[8];
        double *kv = &r.k.tokens;
        for (int i = 0; i < 11; i++)
            kv[i] = v[9 + i];
        r.k.lane_adds_nonzero = v[20], r.k.words_nonzero = v[21], r.k.lane_adds_shift = v[22];
        r.flops = v[23], r.cells = v[24];
        for (int c = 0; c < POWER_CAL_NCOMP; c++)
            r.gate_pj[c] = v[25 + c];
        if (want >= 35) {
            double cg;
            if (power_parse_num(f[34], &cg) || !(cg == 0 || cg == 1)) {
                rc = ax_fail(err, AX_EFORMAT,
                             "%s:%d: field 35 (clock_gating) '%s' is not 0 or 1 (hint: "
                             "regenerate with make characterize)",
                             path, lineno, f[34]);
                goto done;
            }
            r.CG = (int)cg;
        }
        /* the counts after clock_gating: lane_term_toggles (v5), the
         * replayed ones (v6); a file without them reads 0 */
        double *tail[4] = {&r.k.lane_term_toggles, &r.k.acc_write_toggles,
                           &r.k.lane_term_toggles_seq, &r.k.acc_readout_ones};
        static const char *const tailn[4] = {"lane_term_toggles", "acc_write_toggles",
                                             "lane_term_toggles_seq", "acc_readout_ones"};
        for (int i = 35; i < want; i++)
            if (power_parse_num(f[i], tail[i - 35]) || !(*tail[i - 35] >= 0)) {
                rc = ax_fail(err, AX_EFORMAT,
                             "%s:%d: field %d (%s) '%s' is not a number >= 0 (hint: regenerate "
                             "with make characterize)",
                             path, lineno, i + 1, tailn[i - 35], f[i]);
                goto done;
            }
        power_cal_row *nr = realloc(*rows, (*n + 1) * sizeof *nr);
        if (!nr) {
            rc = ax_fail(err, AX_ENOMEM, "out of memory");
            break;
        }
        *rows = nr;
        nr[(*n)++] = r;
    }
done:
    free(buf);
    return rc;
}

/* ---- NNLS ---- */

/* Least squares on the columns in P (np of them): min ||A_P z − b||, by the
 * normal equations with a Cholesky factorization (the columns are scaled to
 * unit norm by the caller). */
static int ls_subset(const double *A, const double *b, int m, int n, const int *P, int np,
                     double *z)
{
    double G[32 * 32], h[32];
    for (int i = 0; i < np; i++) {
        h[i] = 0;
        for (int r = 0; r < m; r++)
            h[i] += A[r * n + P[i]] * b[r];
        for (int j = 0; j <= i; j++) {
            double s = 0;
            for (int r = 0; r < m; r++)
                s += A[r * n + P[i]] * A[r * n + P[j]];
            G[i * 32 + j] = G[j * 32 + i] = s;
        }
        G[i * 32 + i] += 1e-12;
    }
    for (int j = 0; j < np; j++) { /* Cholesky G = L L^T in place (lower) */
        double d = G[j * 32 + j];
        for (int k = 0; k < j; k++)
            d -= G[j * 32 + k] * G[j * 32 + k];
        if (!(d > 0))
            return -1;
        d = sqrt(d);
        G[j * 32 + j] = d;
        for (int i = j + 1; i < np; i++) {
            double s = G[i * 32 + j];
            for (int k = 0; k < j; k++)
                s -= G[i * 32 + k] * G[j * 32 + k];
            G[i * 32 + j] = s / d;
        }
    }
    for (int i = 0; i < np; i++) { /* L y = h */
        double s = h[i];
        for (int k = 0; k < i; k++)
            s -= G[i * 32 + k] * z[k];
        z[i] = s / G[i * 32 + i];
    }
    for (int i = np - 1; i >= 0; i--) { /* L^T z = y */
        double s = z[i];
        for (int k = i + 1; k < np; k++)
            s -= G[k * 32 + i] * z[k];
        z[i] = s / G[i * 32 + i];
    }
    return 0;
}

ax_result power_nnls(const double *A0, const double *b, int m, int n, double *x, char **err)
{
    if (m < 1 || n < 1 || n > 32)
        return ax_fail(err, AX_EPARAM, "nnls: %d rows x %d columns (1..32 columns)", m, n);
    double *A = malloc((size_t)m * n * sizeof *A);
    if (!A)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    double scale[32];
    for (int j = 0; j < n; j++) { /* unit-norm columns: conditioning */
        double s = 0;
        for (int r = 0; r < m; r++)
            s += A0[r * n + j] * A0[r * n + j];
        scale[j] = s > 0 ? sqrt(s) : 0;
        for (int r = 0; r < m; r++)
            A[r * n + j] = scale[j] > 0 ? A0[r * n + j] / scale[j] : 0;
    }
    int inP[32] = {0}, P[32], np = 0;
    double w[32], z[32], xs[32] = {0};
    const double tol = 1e-10;
    for (int it = 0; it < 30 * n + 30; it++) {
        /* w = A^T (b − A x) */
        int best = -1;
        double wmax = tol;
        for (int j = 0; j < n; j++) {
            w[j] = 0;
            if (scale[j] == 0)
                continue;
            for (int r = 0; r < m; r++) {
                double res = b[r];
                for (int k = 0; k < n; k++)
                    res -= A[r * n + k] * xs[k];
                w[j] += A[r * n + j] * res;
            }
            if (!inP[j] && w[j] > wmax) {
                wmax = w[j];
                best = j;
            }
        }
        if (best < 0)
            break;
        inP[best] = 1;
        P[np++] = best;
        for (;;) { /* inner loop: keep the passive set feasible */
            if (ls_subset(A, b, m, n, P, np, z)) {
                free(A);
                return ax_fail(err, AX_ERANGE,
                               "nnls: singular subproblem (hint: a feature is a multiple of "
                               "another)");
            }
            int feasible = 1;
            for (int i = 0; i < np; i++)
                if (z[i] <= 0)
                    feasible = 0;
            if (feasible) {
                for (int i = 0; i < np; i++)
                    xs[P[i]] = z[i];
                break;
            }
            double alpha = 1;
            for (int i = 0; i < np; i++)
                if (z[i] <= 0) {
                    double a = xs[P[i]] / (xs[P[i]] - z[i]);
                    if (a < alpha)
                        alpha = a;
                }
            for (int i = 0; i < np; i++)
                xs[P[i]] += alpha * (z[i] - xs[P[i]]);
            int k = 0;
            for (int i = 0; i < np; i++) {
                if (xs[P[i]] <= tol) {
                    xs[P[i]] = 0;
                    inP[P[i]] = 0;
                } else {
                    P[k++] = P[i];
                }
            }
            np = k;
            if (!np)
                break;
        }
    }
    for (int j = 0; j < n; j++)
        x[j] = scale[j] > 0 ? xs[j] / scale[j] : 0;
    free(A);
    return AX_OK;
}

/* ---- fit ---- */

ax_result power_cal_fit_rows(const power_cal_row *rows, size_t n, power_cal_fit *fit, char **err)
{
    memset(fit, 0, sizeof *fit);
    if (n < 2)
        return ax_fail(err, AX_EPARAM,
                       "calibration: %zu characterization rows (hint: make characterize)", n);
    fit->nrows = n;
    double *A = malloc(n * POWER_CAL_MAXF * sizeof *A), *b = malloc(n * sizeof *b);
    if (!A || !b) {
        free(A);
        free(b);
        return ax_fail(err, AX_ENOMEM, "out of memory");
    }
    ax_result rc = AX_OK;
    for (int c = 0; c < POWER_CAL_NCOMP && !rc; c++) {
        int nf = 0;
        for (size_t r = 0; r < n; r++) {
            sim_config cfg;
            power_cal_row_config(&rows[r], &cfg);
            double x[POWER_CAL_MAXF];
            nf = power_cal_features(&cfg, &rows[r].k, c, x, fit->names[c], fit->units[c]);
            double y = rows[r].gate_pj[c];
            /* relative residuals (weight 1 / gate energy): every stream and
             * parameter set counts alike, the small ones too. (Version 2
             * weighted by 1 / sqrt: without the nonzero counters the
             * all-zero words read without zero gating were a data
             * dependence the features did not carry, and relative weights
             * let those streams pull the per-word energy down.) */
            double wgt = 1.0 / (y > 1e-3 ? y : 1e-3);
            for (int j = 0; j < nf; j++)
                A[r * nf + j] = x[j] * wgt;
            b[r] = y * wgt;
        }
        fit->nf[c] = nf;
        rc = power_nnls(A, b, (int)n, nf, fit->coef[c], err);
    }
    free(A);
    free(b);
    if (rc)
        return rc;
    double s2[POWER_CAL_NCOMP] = {0}, st = 0;
    for (size_t r = 0; r < n; r++) {
        sim_config cfg;
        power_cal_row_config(&rows[r], &cfg);
        double e[POWER_CAL_NCOMP], pt = 0, gt = power_cal_row_total(&rows[r]);
        power_cal_predict(fit, &cfg, &rows[r].k, e);
        for (int c = 0; c < POWER_CAL_NCOMP; c++) {
            pt += e[c];
            double g = rows[r].gate_pj[c], d = g > 0 ? 100 * (e[c] - g) / g : 0;
            s2[c] += d * d;
            if (fabs(d) > fit->max_pct[c])
                fit->max_pct[c] = fabs(d);
        }
        double d = gt > 0 ? 100 * (pt - gt) / gt : 0;
        st += d * d;
        if (fabs(d) > fit->max_total_pct)
            fit->max_total_pct = fabs(d);
    }
    for (int c = 0; c < POWER_CAL_NCOMP; c++)
        fit->rms_pct[c] = sqrt(s2[c] / (double)n);
    fit->rms_total_pct = sqrt(st / (double)n);
    return AX_OK;
}

void power_cal_predict(const power_cal_fit *fit, const sim_config *cfg, const power_cal_counts *k,
                       double out_pj[POWER_CAL_NCOMP])
{
    for (int c = 0; c < POWER_CAL_NCOMP; c++) {
        double x[POWER_CAL_MAXF];
        int nf = power_cal_features(cfg, k, c, x, NULL, NULL);
        out_pj[c] = 0;
        for (int j = 0; j < nf && j < fit->nf[c]; j++)
            out_pj[c] += fit->coef[c][j] * x[j];
    }
}

int power_cal_feature_absent(const power_table *t, int comp, const char *name)
{
    /* a table written before version 5 has no term_toggle row (its model
     * had no such term: add_term_bit carried it), nor before version 6 the
     * replayed toggles' rows (sim_replay.c) */
    static const char *const later[] = {"term_toggle", "acc_write_toggle", "term_toggle_seq",
                                        "readout_one", "cg_bank_switch",   "byte_nonzero_bit"};
    for (size_t i = 0; i < sizeof later / sizeof *later; i++)
        if (!strcmp(name, later[i]))
            return !power_find(t, power_cal_comp_name(comp), name);
    return 0;
}

ax_result power_cal_price(const power_table *t, const sim_config *cfg, const power_cal_counts *k,
                          double out_pj[POWER_CAL_NCOMP], char **err)
{
    for (int c = 0; c < POWER_CAL_NCOMP; c++) {
        double x[POWER_CAL_MAXF];
        const char *names[POWER_CAL_MAXF];
        int nf = power_cal_features(cfg, k, c, x, names, NULL);
        out_pj[c] = 0;
        for (int j = 0; j < nf; j++) {
            double e;
            if (x[j] <= 0) /* no such action (e.g. a clock-gated term of an ungated core) */
                continue;
            if (power_cal_feature_absent(t, c, names[j]))
                continue;
            ax_result rc = power_energy_pj(t, comp_names[c], names[j], &e, err);
            if (rc)
                return rc;
            out_pj[c] += e * x[j];
        }
    }
    return AX_OK;
}

/* ---- the calibrated table ---- */

static void csv_cell(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void num_cell(FILE *f, double v)
{
    if (!isnan(v))
        fprintf(f, "%.6g", v);
}

ax_result power_cal_write_table(FILE *f, const power_cal_fit *fit, const power_cal_provenance *pv,
                                char **err)
{
    return power_cal_write_table_v(f, fit, pv, NULL, err);
}

ax_result power_cal_write_table_v(FILE *f, const power_cal_fit *fit, const power_cal_provenance *pv,
                                  const char *validation, char **err)
{
    power_table *base = NULL;
    ax_result rc = power_table_open(NULL, pv->node_nm, pv->vdd_v, &base, err);
    if (rc)
        return rc;
    fprintf(f, "# axon technology table: calibrated against gate level (docs/power.md "
               "\"Calibration\").\n");
    fprintf(f, "# Written by `axon calibrate` (make characterize); do not edit by hand.\n");
    fprintf(f, "# Node: %d nm, %.2f V, the liberty's: %s\n", pv->node_nm, pv->vdd_v, pv->liberty);
    fprintf(f, "# Calibrated rows (components acc, fifo, ctrl, readout, sramif, clock): per-action "
               "energies\n");
    fprintf(f, "#   fitted by non-negative least squares (Lawson & Hanson 1974) to the gate-level "
               "switching\n");
    fprintf(f, "#   energy of the synthesized core (yosys, Verilator, power/power_gate.c), "
               "relative residuals.\n");
    fprintf(f, "# Parameter sets: %s\n", pv->sets);
    fprintf(f, "# Training streams: %s\n", pv->streams);
    fprintf(f, "# Fit residuals over %zu rows (model / gate - 1, rms / max %%):", fit->nrows);
    for (int c = 0; c < POWER_CAL_NCOMP; c++)
        fprintf(f, " %s %.1f/%.1f", comp_names[c], fit->rms_pct[c], fit->max_pct[c]);
    fprintf(f, "; total %.1f/%.1f\n", fit->rms_total_pct, fit->max_total_pct);
    if (validation && *validation) {
        fprintf(f, "# Held-out validation (model / gate - 1 per set, summed over its streams; "
                   "the worst stream's total):\n");
        for (const char *l = validation; *l;) {
            const char *e = strchr(l, '\n');
            size_t len = e ? (size_t)(e - l) : strlen(l);
            fprintf(f, "#   %.*s\n", (int)len, l);
            l += len + (e ? 1 : 0);
        }
    }
    fprintf(f, "# Date: %s\n", pv->date);
    fprintf(f, "# Every other row: the built-in table (%s) translated from 45 nm to %d nm by the\n",
            power_table_version(base), pv->node_nm);
    fprintf(f,
            "#   Stillmaker & Baas (2017) factors (energy x%.4f, area x%.4f): SRAM, DRAM, NoC, "
            "arithmetic of the\n",
            base->e_scale, base->a_scale);
    fprintf(f, "#   dense baseline and the ideal estimate keep their published sources.\n");
    fprintf(f, "component,action,attributes,energy_pj,area_um2,leakage_uw,source\n");
    fprintf(f, "meta,version,%s,,,,table version stored with every result\n", pv->version);
    fprintf(f, "meta,node_nm,%d,,,,%s\n", pv->node_nm, "the liberty's node");
    fprintf(f, "meta,vdd_v,%.2f,,,,%s\n", pv->vdd_v, "the liberty's nom_voltage");
    fprintf(f, "meta,calibrated,1,,,,\"fitted to gate level; the clock priced as built (every "
               "flip-flop every cycle)\"\n");
    fprintf(f, "meta,clock_gated,%d,,,,\"%s\"\n", pv->gated_sets ? 1 : 0,
            pv->gated_sets ? "fitted on ungated and clock-gated netlists (CG = 1: clock,icg_cycle "
                             "and the cg_ terms fitted with the rest)"
                           : "the netlists have no clock gating (yosys inserts none)");
    for (int c = 0; c < POWER_CAL_NCOMP; c++)
        for (int j = 0; j < fit->nf[c]; j++) {
            fprintf(f, "%s,%s,", comp_names[c], fit->names[c][j]);
            csv_cell(f, fit->units[c][j]);
            fprintf(f, ",%.6g,,,fitted (NNLS; rms %.1f %% over %zu rows)\n", fit->coef[c][j],
                    fit->rms_pct[c], fit->nrows);
        }
    for (size_t i = 0; i < base->nrows; i++) {
        const power_row *r = &base->rows[i];
        if (!strcmp(r->component, "meta")) {
            if (!strcmp(r->action, "version") || !strcmp(r->action, "node_nm") ||
                !strcmp(r->action, "vdd_v"))
                continue;
            fprintf(f, "meta,%s,", r->action);
            csv_cell(f, r->attributes);
            fprintf(f, ",,,,");
            csv_cell(f, r->source);
            fputc('\n', f);
            continue;
        }
        fprintf(f, "%s,%s,", r->component, r->action);
        csv_cell(f, r->attributes);
        fputc(',', f);
        num_cell(f, r->energy_pj * base->e_scale);
        fputc(',', f);
        num_cell(f, r->area_um2 * base->a_scale);
        fputc(',', f);
        num_cell(f, r->leakage_uw * base->l_scale);
        fputc(',', f);
        char src[512];
        snprintf(src, sizeof src, "%s; translated 45 -> %d nm [SB17]", r->source, pv->node_nm);
        csv_cell(f, src);
        fputc('\n', f);
    }
    power_table_free(base);
    return AX_OK;
}

int power_table_is_calibrated(const power_table *t)
{
    return t && t->calibrated;
}

void power_table_provenance(const power_table *t, char *out, size_t n)
{
    if (!t) {
        snprintf(out, n, "no table");
        return;
    }
    const char *what = t->calibrated ? "calibrated to gate level"
                                     : "uncalibrated (assumed logic energies)";
    if (t->target_node == (int)lround(t->node_nm) && fabs(t->target_vdd - t->vdd_v) < 1e-9)
        snprintf(out, n, "%s at %.0f nm / %.2f V (%s)", what, t->node_nm, t->vdd_v,
                 t->base_version);
    else
        snprintf(out, n,
                 "%s at %.0f nm / %.2f V, scaled to %d nm / %.2f V by Stillmaker & Baas 2017 "
                 "(energy x%.4g) (%s)",
                 what, t->node_nm, t->vdd_v, t->target_node, t->target_vdd, t->e_scale,
                 t->base_version);
}

/* ---- validation ---- */

static ax_result model_of(const power_cal_row *r, const power_cal_fit *fit, const power_table *t,
                          double e[POWER_CAL_NCOMP], char **err)
{
    sim_config cfg;
    power_cal_row_config(r, &cfg);
    if (fit) {
        power_cal_predict(fit, &cfg, &r->k, e);
        return AX_OK;
    }
    return power_cal_price(t, &cfg, &r->k, e, err);
}

static double pct(double model, double gate)
{
    return gate > 0 ? 100.0 * (model - gate) / gate : 0;
}

int power_cal_cell(FILE *f, int md, int width, double gate_pj, double model_pj, int last,
                   double set_pj, double total_pct, double comp_pct, double exempt_pct)
{
    double d = pct(model_pj, gate_pj);
    int small = !last && gate_pj < exempt_pct / 100 * set_pj;
    int bad = fabs(d) > (last ? total_pct : comp_pct);
    int exempt = bad && small;
    bad = bad && !small;
    char cell[64];
    snprintf(cell, sizeof cell, "%.0f (%+.1f %%)%s", gate_pj, d, bad ? " !" : exempt ? " ~" : "");
    if (md)
        fprintf(f, " %s |", cell);
    else
        fprintf(f, " %*s", width, cell);
    return bad;
}

ax_result power_cal_validate(FILE *f, int md, const power_cal_row *rows, size_t n,
                             const power_cal_fit *fit, const power_table *t, double total_pct,
                             double comp_pct, int *violations, char **err)
{
    return power_cal_validate_ex(f, md, rows, n, fit, t, total_pct, comp_pct, 0, violations, err);
}

ax_result power_cal_validate_ex(FILE *f, int md, const power_cal_row *rows, size_t n,
                                const power_cal_fit *fit, const power_table *t, double total_pct,
                                double comp_pct, double exempt_pct, int *violations, char **err)
{
    *violations = 0;
    if (md) {
        fprintf(f, "| set | params | streams | cycles |");
        for (int c = 0; c < POWER_CAL_NCOMP; c++)
            fprintf(f, " %s gate pJ (model / gate - 1) |", comp_names[c]);
        fprintf(f, " total gate pJ (model / gate - 1) | worst stream total |\n|---|---|---|---|");
        for (int c = 0; c <= POWER_CAL_NCOMP + 1; c++)
            fprintf(f, "---|");
        fputc('\n', f);
    } else {
        fprintf(f, "%-6s %-44s %7s %8s", "set", "params", "streams", "cycles");
        for (int c = 0; c < POWER_CAL_NCOMP; c++)
            fprintf(f, " %16s", comp_names[c]);
        fprintf(f, " %16s %12s\n", "total", "worst row");
    }
    char *done = calloc(n ? n : 1, 1);
    if (!done)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    ax_result rc = AX_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        if (done[i])
            continue;
        double g[POWER_CAL_NCOMP + 1] = {0}, m[POWER_CAL_NCOMP + 1] = {0}, cyc = 0, worst = 0;
        int nst = 0;
        const char *worst_s = "";
        for (size_t j = i; j < n; j++) {
            if (done[j] || strcmp(rows[j].set, rows[i].set))
                continue;
            done[j] = 1;
            nst++;
            double e[POWER_CAL_NCOMP], gt = 0, mt = 0;
            if ((rc = model_of(&rows[j], fit, t, e, err)))
                break;
            for (int c = 0; c < POWER_CAL_NCOMP; c++) {
                g[c] += rows[j].gate_pj[c];
                m[c] += e[c];
                gt += rows[j].gate_pj[c];
                mt += e[c];
            }
            cyc += rows[j].k.active + rows[j].k.idle;
            double d = pct(mt, gt);
            if (fabs(d) > fabs(worst)) {
                worst = d;
                worst_s = rows[j].stream;
            }
            if (fabs(d) > total_pct)
                (*violations)++;
        }
        for (int c = 0; c < POWER_CAL_NCOMP; c++) {
            g[POWER_CAL_NCOMP] += g[c];
            m[POWER_CAL_NCOMP] += m[c];
        }
        const power_cal_row *r = &rows[i];
        char params[96];
        snprintf(params, sizeof params, "R=%d C=%d L=%d LS=%d F=%d A=%d RB=%d DB=%d GATE=%d%s",
                 r->R, r->C, r->L, r->LS, r->F, r->A, r->RB, r->DB, r->GATE, r->CG ? " CG=1" : "");
        if (md)
            fprintf(f, "| %s | %s | %d | %.0f |", r->set, params, nst, cyc);
        else
            fprintf(f, "%-6s %-44s %7d %8.0f", r->set, params, nst, cyc);
        for (int c = 0; c <= POWER_CAL_NCOMP; c++)
            *violations += power_cal_cell(f, md, 16, g[c], m[c], c == POWER_CAL_NCOMP,
                                          g[POWER_CAL_NCOMP], total_pct, comp_pct, exempt_pct);
        if (md)
            fprintf(f, " %+.1f %% (%s) |\n", worst, worst_s);
        else
            fprintf(f, " %+6.1f %% %s\n", worst, worst_s);
    }
    free(done);
    return rc;
}
