/*
 * power_base_cal — the baselines' MAC tile calibrated against gate level
 * (docs/power.md "Baselines at gate level"; power_base_cal.h has the
 * interface). The tile is rtl/axon_mac_baseline.sv: L lanes of an int8
 * multiplier (axon_mul8) and an A-bit adder (axon_lane_add), W·L accumulator
 * registers of A bits written through per-lane word multiplexers, the readout
 * beat multiplexer (axon_readout), one clock for every flip-flop.
 *
 *   E_comp = Σ_i e_i · x_i,   e_i >= 0,
 * fitted per component by non-negative least squares (Lawson & Hanson 1974,
 * power_nnls) on relative residuals over the training rows of several tiles,
 * as the core's calibration (power_cal.c; NeuroSim, Peng et al. TCAD 2021;
 * Accelergy, Wu et al. ICCAD 2019). A MAC's energy depends on its operands: a
 * zero activation leaves the partial products at zero, a zero weight leaves
 * the product and the adder's term at zero and the accumulator unchanged. So
 * the lanes are priced per lane fed, per lane fed a nonzero activation and
 * per lane with a nonzero product (and its A adder bits); the accumulators
 * per lane fed (the word multiplexer reads A bits), per nonzero product (the
 * register written with a new value) and per clear; counts the product code
 * computes exactly from a run's activations and weights.
 */
#include "power_base_cal.h"
#include "power_cal.h"
#include "power_int.h"

#include "../ax/ax.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const comp_names[2][POWER_BCAL_NCOMP] = {{"base_lanes", "base_acc",
                                                             "base_readout", "base_clock"},
                                                            {"bs_lanes", "bs_acc", "bs_readout",
                                                             "bs_clock"}};

const char *power_bcal_comp_name(int bs, int comp)
{
    return comp >= 0 && comp < POWER_BCAL_NCOMP ? comp_names[bs ? 1 : 0][comp] : "?";
}

static int clog2i(int v)
{
    int b = 0;
    while ((1 << b) < v)
        b++;
    return b;
}

double power_bcal_flops(const power_bcal_tile *g)
{
    int W = (g->C + g->L - 1) / g->L;
    double acc = (double)W * g->L * g->A;
    if (g->P <= 0)
        return acc;
    /* rtl/axon_mac_bitserial.sv: weight register, |x| (the 2^SW bits the
     * plane index reaches, at most 8: yosys drops the others), plane, word,
     * busy, sign */
    int SW = g->P > 1 ? clog2i(g->P) : 1, WW = W > 1 ? clog2i(W) : 1;
    int mag = (1 << SW) < 8 ? 1 << SW : 8;
    return acc + 8.0 * g->L + mag + SW + WW + 2;
}

int power_bcal_features(const power_bcal_tile *g, const power_bcal_counts *k, int comp, double *x,
                        const char **names, const char **units)
{
    double A = g->A, C = g->C, RB = g->RB, W = (double)((g->C + g->L - 1) / g->L);
    int n = 0;
#define F(nm, un, v)                                                                               \
    (names ? (void)(names[n] = (nm)) : (void)0, units ? (void)(units[n] = (un)) : (void)0,         \
     x[n++] = (v))
    if (g->P > 0) { /* the bit-serial tile: a word held P cycles, one plane per cycle */
        double P = g->P, L = g->L, planes = k->words * P * L;
        switch (comp) {
        case POWER_BCAL_LANES:
            /* the shifter and the adder follow the plane every cycle, set
             * bit or not: a lane holding a nonzero weight switches */
            F("plane", "lane-cycle (word x P x L)", planes);
            F("plane_w", "lane-cycle holding a nonzero weight", k->planes_w);
            F("plane_w_bit", "lane-cycle holding a nonzero weight x A adder bits", k->planes_w * A);
            F("add_w", "lane addition with a nonzero weight", k->adds_w);
            F("add_w_bit", "lane addition with a nonzero weight x A adder bits", k->adds_w * A);
            break;
        case POWER_BCAL_ACC:
            F("plane_fanout", "lane-cycle x W (word multiplexer, sum fan-out)", planes * W);
            F("plane_fanout_bit", "lane-cycle x W x A bits", planes * W * A);
            F("write", "lane addition with a nonzero weight (register written)", k->adds_w);
            F("write_bit", "lane addition with a nonzero weight x A bits", k->adds_w * A);
            F("word_bit", "word x 8L bits (weight register)", k->words * 8 * L);
            F("token_bit", "end of token x C x A bits (clear)", k->tokens * C * A);
            break;
        case POWER_BCAL_READOUT:
            F("beat_bit", "readout beat x RB bits", k->beats * RB);
            F("beat_in_bit", "readout beat x C x A input bits", k->beats * C * A);
            break;
        case POWER_BCAL_CLOCK:
            F("flop_cycle", "cycle x flip-flops (all clocked, as built)",
              k->cycles * power_bcal_flops(g));
            break;
        default: break;
        }
        return n;
    }
    switch (comp) {
    case POWER_BCAL_LANES:
        F("mac", "lane fed (word x L)", k->macs);
        F("mac_x", "lane fed a nonzero activation", k->macs_x);
        F("mac_xw", "lane with a nonzero activation and a nonzero weight (multiplier)", k->macs_xw);
        F("mac_xw_bit", "lane with a nonzero product x A adder bits", k->macs_xw * A);
        break;
    case POWER_BCAL_ACC:
        /* a lane's sum goes to the D input of its accumulator in each of the
         * W words, and its operand comes through a W-to-1 word multiplexer:
         * both scale with W per lane fed. Of their A bits only those the
         * sums reach switch (a 16-bit product, a few rows: about 20 bits;
         * above them sign bits), so each has a per-bit and a per-lane term */
        F("mac_fanout", "lane fed x W (word multiplexer, sum fan-out to W registers)", k->macs * W);
        F("mac_fanout_bit", "lane fed x W x A bits", k->macs * W * A);
        F("write", "lane with a nonzero product (register written)", k->macs_xw);
        F("write_bit", "lane with a nonzero product x A bits", k->macs_xw * A);
        F("token_bit", "end of token x C x A bits (clear)", k->tokens * C * A);
        /* the W-to-1 read multiplexer is a tree log2 W deep: its data bits
         * and its select decoding per lane fed; the bits above about 20 (a
         * 16-bit product and a few rows of sums) toggle only as sign bits */
        F("mac_mux_bit", "lane fed x log2 W x A bits (the W-to-1 read multiplexer's depth)",
          k->macs * log2(W) * A);
        F("mac_mux", "lane fed x log2 W (the read multiplexer's select decoding)",
          k->macs * log2(W));
        F("write_hi_bit", "lane with a nonzero product x the A - 20 bits above 20 (sign bits)",
          k->macs_xw * (A > 20 ? A - 20 : 0));
        break;
    case POWER_BCAL_READOUT:
        F("beat_bit", "readout beat x RB bits", k->beats * RB);
        F("beat_in_bit", "readout beat x C x A input bits", k->beats * C * A);
        break;
    case POWER_BCAL_CLOCK:
        F("flop_cycle", "cycle x W x L x A flip-flops (all clocked, as built)",
          k->cycles * power_bcal_flops(g));
        break;
    default: break;
    }
#undef F
    return n;
}

/* ---- characterization CSV ---- */

#define BCAL_HEADER                                                                                \
    "set,stream,C,L,A,RB,ZS,P,tokens,words,macs,macs_x,macs_xw,adds,adds_w,planes_w,beats,cycles," \
    "flops,cells,gate_lanes_pj,gate_acc_pj,gate_readout_pj,gate_clock_pj"
#define BCAL_NUM 22 /* numeric fields after set and stream */

void power_bcal_write_header(FILE *f)
{
    fprintf(f, "%s\n", BCAL_HEADER);
}

void power_bcal_write_row(FILE *f, const power_bcal_row *r)
{
    const power_bcal_counts *k = &r->k;
    fprintf(f,
            "%s,%s,%d,%d,%d,%d,%d,%d,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f",
            r->set, r->stream, r->g.C, r->g.L, r->g.A, r->g.RB, r->g.ZS, r->g.P, k->tokens,
            k->words, k->macs, k->macs_x, k->macs_xw, k->adds, k->adds_w, k->planes_w, k->beats,
            k->cycles, r->flops, r->cells);
    for (int c = 0; c < POWER_BCAL_NCOMP; c++)
        fprintf(f, ",%.3f", r->gate_pj[c]);
    fputc('\n', f);
}

ax_result power_bcal_read(const char *path, power_bcal_row **rows, size_t *n, char **err)
{
    char *buf = NULL;
    size_t len = 0;
    ax_result rc = power_read_file(path, 16u << 20, "baseline characterization CSV",
                                   "make base-gate writes it", &buf, &len, err);
    if (rc)
        return rc;
    int lineno = 0;
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (++lineno == 1) {
            if (strcmp(line, BCAL_HEADER)) {
                rc = ax_fail(err, AX_EFORMAT,
                             "%s:1: not a baseline characterization CSV (hint: the header is %s)",
                             path, BCAL_HEADER);
                break;
            }
            continue;
        }
        char *f[24];
        int nf = power_csv_split(line, f, 24);
        if (nf != 2 + BCAL_NUM) {
            rc = ax_fail(err, AX_EFORMAT,
                         "%s:%d: %d fields, expected %d (hint: regenerate with make base-gate)",
                         path, lineno, nf, 2 + BCAL_NUM);
            break;
        }
        power_bcal_row r;
        memset(&r, 0, sizeof r);
        snprintf(r.set, sizeof r.set, "%s", f[0]);
        snprintf(r.stream, sizeof r.stream, "%s", f[1]);
        double v[BCAL_NUM];
        for (int i = 0; i < BCAL_NUM; i++)
            if (power_parse_num(f[2 + i], &v[i]) || isnan(v[i])) {
                rc = ax_fail(err, AX_EFORMAT, "%s:%d: field %d '%s' is not a number >= 0", path,
                             lineno, 3 + i, f[2 + i]);
                goto done;
            }
        r.g.C = (int)v[0], r.g.L = (int)v[1], r.g.A = (int)v[2], r.g.RB = (int)v[3];
        r.g.ZS = (int)v[4], r.g.P = (int)v[5];
        if (r.g.C < 1 || r.g.L < 1 || r.g.A < 1 || r.g.RB < 1) {
            rc = ax_fail(err, AX_EFORMAT, "%s:%d: C, L, A and RB must be >= 1", path, lineno);
            break;
        }
        r.k.tokens = v[6], r.k.words = v[7], r.k.macs = v[8], r.k.macs_x = v[9];
        r.k.macs_xw = v[10], r.k.adds = v[11], r.k.adds_w = v[12], r.k.planes_w = v[13];
        r.k.beats = v[14], r.k.cycles = v[15], r.flops = v[16], r.cells = v[17];
        for (int c = 0; c < POWER_BCAL_NCOMP; c++)
            r.gate_pj[c] = v[18 + c];
        power_bcal_row *nr = realloc(*rows, (*n + 1) * sizeof *nr);
        if (!nr) {
            rc = ax_fail(err, AX_ENOMEM, "out of memory");
            break;
        }
        *rows = nr;
        (*rows)[(*n)++] = r;
    }
done:
    free(buf);
    return rc;
}

/* ---- fit ---- */

static void predict(const power_bcal_fit *fit, const power_bcal_row *r,
                    double out[POWER_BCAL_NCOMP])
{
    for (int c = 0; c < POWER_BCAL_NCOMP; c++) {
        double x[POWER_BCAL_MAXF];
        int nf = power_bcal_features(&r->g, &r->k, c, x, NULL, NULL);
        out[c] = 0;
        for (int j = 0; j < nf && j < fit->nf[c]; j++)
            out[c] += fit->coef[c][j] * x[j];
    }
}

static double total(const double *e)
{
    double s = 0;
    for (int c = 0; c < POWER_BCAL_NCOMP; c++)
        s += e[c];
    return s;
}

static double pct(double model, double gate)
{
    return gate > 0 ? 100.0 * (model - gate) / gate : 0;
}

ax_result power_bcal_fit_rows(const power_bcal_row *all, size_t nall, int bs, power_bcal_fit *fit,
                              char **err)
{
    memset(fit, 0, sizeof *fit);
    power_bcal_row *rows = malloc((nall ? nall : 1) * sizeof *rows);
    if (!rows)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < nall; i++)
        if ((all[i].g.P > 0) == !!bs)
            rows[n++] = all[i];
    if (n < 1) {
        free(rows);
        return ax_fail(err, AX_EPARAM,
                       "baseline calibration: no %s characterization rows (hint: make base-gate)",
                       bs ? "bit-serial" : "MAC-tile");
    }
    fit->nrows = n;
    double *A = malloc(n * POWER_BCAL_MAXF * sizeof *A), *b = malloc(n * sizeof *b);
    if (!A || !b) {
        free(A);
        free(b);
        free(rows);
        return ax_fail(err, AX_ENOMEM, "out of memory");
    }
    ax_result rc = AX_OK;
    for (int c = 0; c < POWER_BCAL_NCOMP && !rc; c++) {
        int nf = 0;
        for (size_t r = 0; r < n; r++) {
            double x[POWER_BCAL_MAXF], y = rows[r].gate_pj[c];
            nf = power_bcal_features(&rows[r].g, &rows[r].k, c, x, fit->names[c], fit->units[c]);
            double wgt = 1.0 / (y > 1e-3 ? y : 1e-3); /* relative residuals */
            for (int j = 0; j < nf; j++)
                A[r * (size_t)nf + (size_t)j] = x[j] * wgt;
            b[r] = y * wgt;
        }
        fit->nf[c] = nf;
        rc = power_nnls(A, b, (int)n, nf, fit->coef[c], err);
    }
    free(A);
    free(b);
    if (rc) {
        free(rows);
        return rc;
    }
    double s2[POWER_BCAL_NCOMP] = {0}, st = 0;
    for (size_t r = 0; r < n; r++) {
        double e[POWER_BCAL_NCOMP];
        predict(fit, &rows[r], e);
        for (int c = 0; c < POWER_BCAL_NCOMP; c++) {
            double d = pct(e[c], rows[r].gate_pj[c]);
            s2[c] += d * d;
            fit->max_pct[c] = fmax(fit->max_pct[c], fabs(d));
        }
        double d = pct(total(e), total(rows[r].gate_pj));
        st += d * d;
        fit->max_total_pct = fmax(fit->max_total_pct, fabs(d));
    }
    for (int c = 0; c < POWER_BCAL_NCOMP; c++)
        fit->rms_pct[c] = sqrt(s2[c] / (double)n);
    fit->rms_total_pct = sqrt(st / (double)n);
    free(rows);
    return AX_OK;
}

/* ---- pricing by the table ---- */

static int has_cal(const power_table *t, int bs)
{
    if (!t)
        return 0;
    power_bcal_tile g = {1, 1, 1, 1, 0, bs ? 1 : 0};
    power_bcal_counts k;
    memset(&k, 0, sizeof k);
    for (int c = 0; c < POWER_BCAL_NCOMP; c++) {
        double x[POWER_BCAL_MAXF];
        const char *names[POWER_BCAL_MAXF];
        int nf = power_bcal_features(&g, &k, c, x, names, NULL);
        for (int j = 0; j < nf; j++)
            if (!power_find(t, comp_names[bs][c], names[j]))
                return 0;
    }
    return 1;
}

int power_table_has_base_cal(const power_table *t)
{
    return has_cal(t, 0);
}

int power_table_has_bs_cal(const power_table *t)
{
    return has_cal(t, 1);
}

ax_result power_bcal_price(const power_table *t, const power_bcal_tile *g,
                           const power_bcal_counts *k, double out_pj[POWER_BCAL_NCOMP], char **err)
{
    for (int c = 0; c < POWER_BCAL_NCOMP; c++) {
        double x[POWER_BCAL_MAXF];
        const char *names[POWER_BCAL_MAXF];
        int nf = power_bcal_features(g, k, c, x, names, NULL);
        out_pj[c] = 0;
        for (int j = 0; j < nf; j++) {
            double e;
            ax_result rc = power_energy_pj(t, comp_names[g->P > 0][c], names[j], &e, err);
            if (rc)
                return rc;
            out_pj[c] += e * x[j];
        }
    }
    return AX_OK;
}

/* ---- validation ---- */

ax_result power_bcal_validate(FILE *f, int md, const power_bcal_row *rows, size_t n,
                              const power_bcal_fit *const fit[2], const power_table *t,
                              double total_pct, double comp_pct, double exempt_pct, int *violations,
                              char **err)
{
    static const char *const short_names[POWER_BCAL_NCOMP] = {"lanes", "acc", "readout", "clock"};
    *violations = 0;
    if (md) {
        fprintf(f, "| set | params | streams |");
        for (int c = 0; c < POWER_BCAL_NCOMP; c++)
            fprintf(f, " %s gate pJ (model / gate - 1) |", short_names[c]);
        fprintf(f, " total gate pJ (model / gate - 1) | worst stream total |\n|---|---|---|");
        for (int c = 0; c <= POWER_BCAL_NCOMP + 1; c++)
            fprintf(f, "---|");
        fputc('\n', f);
    } else {
        fprintf(f, "%-8s %-26s %7s", "set", "params", "streams");
        for (int c = 0; c < POWER_BCAL_NCOMP; c++)
            fprintf(f, " %18s", short_names[c]);
        fprintf(f, " %18s %s\n", "total", "worst stream");
    }
    char *done = calloc(n ? n : 1, 1);
    if (!done)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    ax_result rc = AX_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        if (done[i])
            continue;
        double g[POWER_BCAL_NCOMP + 1] = {0}, m[POWER_BCAL_NCOMP + 1] = {0}, worst = 0;
        const char *worst_s = "";
        int nst = 0;
        for (size_t j = i; j < n && !rc; j++) {
            if (done[j] || strcmp(rows[j].set, rows[i].set))
                continue;
            done[j] = 1;
            nst++;
            double e[POWER_BCAL_NCOMP];
            const power_bcal_fit *fk = fit ? fit[rows[j].g.P > 0] : NULL;
            if (fit && !fk) {
                rc = ax_fail(err, AX_EPARAM, "baseline validation: no fit of the %s tile %s",
                             rows[j].g.P > 0 ? "bit-serial" : "MAC", rows[j].set);
                break;
            }
            if (fk)
                predict(fk, &rows[j], e);
            else if ((rc = power_bcal_price(t, &rows[j].g, &rows[j].k, e, err)))
                break;
            for (int c = 0; c < POWER_BCAL_NCOMP; c++) {
                g[c] += rows[j].gate_pj[c];
                m[c] += e[c];
            }
            double d = pct(total(e), total(rows[j].gate_pj));
            if (fabs(d) > fabs(worst)) {
                worst = d;
                worst_s = rows[j].stream;
            }
        }
        if (rc)
            break;
        g[POWER_BCAL_NCOMP] = total(g);
        m[POWER_BCAL_NCOMP] = total(m);
        const power_bcal_row *r = &rows[i];
        char params[64];
        if (r->g.P > 0)
            snprintf(params, sizeof params, "C=%d L=%d A=%d RB=%d P=%d", r->g.C, r->g.L, r->g.A,
                     r->g.RB, r->g.P);
        else
            snprintf(params, sizeof params, "C=%d L=%d A=%d RB=%d ZS=%d", r->g.C, r->g.L, r->g.A,
                     r->g.RB, r->g.ZS);
        if (md)
            fprintf(f, "| %s | %s | %d |", r->set, params, nst);
        else
            fprintf(f, "%-8s %-26s %7d", r->set, params, nst);
        for (int c = 0; c <= POWER_BCAL_NCOMP; c++)
            *violations += power_cal_cell(f, md, 18, g[c], m[c], c == POWER_BCAL_NCOMP,
                                          g[POWER_BCAL_NCOMP], total_pct, comp_pct, exempt_pct);
        if (md)
            fprintf(f, " %+.1f %% (%s) |\n", worst, worst_s);
        else
            fprintf(f, " %+.1f %% (%s)\n", worst, worst_s);
    }
    free(done);
    return rc;
}

/* ---- the table block ---- */

#define BLOCK_BEGIN "# ---- baseline MAC tile, calibrated (axon calibrate --base-train) ----"
#define BLOCK_END "# ---- end of the baseline MAC tile ----"

static void write_rows(FILE *f, const power_bcal_fit *fit, int bs)
{
    for (int c = 0; c < POWER_BCAL_NCOMP; c++)
        for (int j = 0; j < fit->nf[c]; j++) {
            const char *u = fit->units[c][j];
            fprintf(f, "%s,%s,", comp_names[bs][c], fit->names[c][j]);
            if (strpbrk(u, ",\"")) {
                fputc('"', f);
                for (const char *s = u; *s; s++) {
                    if (*s == '"')
                        fputc('"', f);
                    fputc(*s, f);
                }
                fputc('"', f);
            } else {
                fputs(u, f);
            }
            fprintf(f, ",%.6g,,,fitted to gate level (NNLS; rms %.1f %% over %zu rows)\n",
                    fit->coef[c][j], fit->rms_pct[c], fit->nrows);
        }
}

void power_bcal_write_block(FILE *f, const power_bcal_fit *const fit[2], const char *sets,
                            const char *streams, const char *validation, const char *date)
{
    fprintf(f, "%s\n", BLOCK_BEGIN);
    fprintf(f, "# The baselines' MAC tile (rtl/axon_mac_baseline.sv: dense, zero-skip, wide; "
               "base_*) and the bit-serial\n");
    fprintf(f, "#   tile (rtl/axon_mac_bitserial.sv; bs_*): per-action energies fitted by "
               "non-negative least squares to\n");
    fprintf(f, "#   the gate-level switching energy of their OSU018 netlists "
               "(power/power_base_cal.c, relative residuals).\n");
    fprintf(f, "#   The SRAM, FIFO, decode, NoC, DRAM and leakage of the baselines stay the "
               "translated rows below.\n");
    fprintf(f, "# Baseline tiles: %s\n", sets);
    fprintf(f, "# Baseline training streams: %s\n", streams);
    for (int bs = 0; bs < 2; bs++) {
        if (!fit[bs])
            continue;
        fprintf(f, "# %s fit residuals over %zu rows (model / gate - 1, rms / max %%):",
                bs ? "Bit-serial" : "Baseline", fit[bs]->nrows);
        for (int c = 0; c < POWER_BCAL_NCOMP; c++)
            fprintf(f, " %s %.1f/%.1f", comp_names[bs][c], fit[bs]->rms_pct[c],
                    fit[bs]->max_pct[c]);
        fprintf(f, "; total %.1f/%.1f\n", fit[bs]->rms_total_pct, fit[bs]->max_total_pct);
    }
    if (validation && *validation) {
        fprintf(f, "# Baseline held-out validation (model / gate - 1 per tile, summed over its "
                   "streams; the worst stream's total):\n");
        for (const char *l = validation; *l;) {
            const char *e = strchr(l, '\n');
            size_t len = e ? (size_t)(e - l) : strlen(l);
            fprintf(f, "#   %.*s\n", (int)len, l);
            l += len + (e ? 1 : 0);
        }
    }
    fprintf(f, "# Baseline fit date: %s\n", date);
    for (int bs = 0; bs < 2; bs++)
        if (fit[bs])
            write_rows(f, fit[bs], bs);
    fprintf(f, "%s\n", BLOCK_END);
}

ax_result power_bcal_splice(const char *in, const char *block, FILE *out, char **err)
{
    const char *b = strstr(in, BLOCK_BEGIN), *e = strstr(in, BLOCK_END);
    if (!!b != !!e || (b && e < b))
        return ax_fail(err, AX_EFORMAT,
                       "calibrated table: unbalanced baseline block markers (hint: regenerate "
                       "it with make characterize and make base-gate)");
    if (b) {
        const char *after = strchr(e, '\n');
        after = after ? after + 1 : e + strlen(e);
        fwrite(in, 1, (size_t)(b - in), out);
        fputs(block, out);
        fputs(after, out);
    } else {
        fputs(in, out);
        if (*in && in[strlen(in) - 1] != '\n')
            fputc('\n', out);
        fputs(block, out);
    }
    return AX_OK;
}

ax_result power_bcal_splice_file(const char *path, const char *block, char **err)
{
    char *text = NULL;
    size_t len = 0;
    ax_result rc = power_read_file(path, 16u << 20, "calibrated table",
                                   "make characterize writes it", &text, &len, err);
    if (rc)
        return rc;
    ax_out *o = NULL;
    FILE *f = NULL;
    if ((rc = ax_out_open(path, 0, &o, err)) || !(f = ax_out_stream(o, err))) {
        ax_out_abort(o);
        free(text);
        return rc ? rc : AX_EIO;
    }
    if ((rc = power_bcal_splice(text, block, f, err))) {
        ax_out_abort(o);
        free(text);
        return rc;
    }
    free(text);
    return ax_out_commit(o, err);
}
