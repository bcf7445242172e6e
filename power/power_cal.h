/*
 * power_cal — calibration of the action-energy model against gate level
 * (docs/power.md "Calibration"): the characterization rows (action counts of
 * the C model next to the gate-level energy per component of the same stream
 * on the synthesized core), the features of the calibrated model, a
 * non-negative least-squares fit (Lawson & Hanson 1974) and the calibrated
 * technology table it writes.
 *
 * The features are the single definition shared by the fit and by
 * power_price, so the table prices exactly the model that was fitted.
 */
#ifndef AX_POWER_CAL_H
#define AX_POWER_CAL_H

#include "power.h"

#include <stdio.h>

/* Components of the core as the netlist has them (the gate-level side). */
enum {
    POWER_CAL_ACC,     /* u_acc: banks, lane adders, shifters, overflow */
    POWER_CAL_FIFO,    /* u_fifo */
    POWER_CAL_CTRL,    /* u_ctrl and the top-level glue */
    POWER_CAL_READOUT, /* u_ro: beat multiplexer */
    POWER_CAL_SRAMIF,  /* nets the SRAM macro drives into the logic */
    POWER_CAL_CLOCK,   /* clock net and CLK pins, every flip-flop every cycle */
    POWER_CAL_NCOMP
};
#define POWER_CAL_MAXF 20

/* Component name in tables and reports ("acc", "fifo", ...). */
const char *power_cal_comp_name(int comp);

/* Action counts of one core-run (a subset of sim_counters, as doubles). */
typedef struct {
    double tokens, events, eots, words_read, words_skipped, adds, adds_gated, acc_writes,
        readout_beats, active, idle;
    double lane_adds_nonzero; /* adds with a nonzero weight (== adds with zero gating) */
    double words_nonzero;     /* words read holding a nonzero weight (== words_read, gating) */
    double lane_adds_shift;   /* sum of the shift over the lane_adds_nonzero */
    double words_reused;      /* word slots added from the row register (row reuse; not in the
                            characterization CSV, 0 there) */
    double lane_term_toggles; /* bit toggles of the lane adders' term operand (sim_toggle.c) */
    double acc_write_toggles; /* bit toggles of the accumulator registers written (sim_replay.c) */
    double lane_term_toggles_seq; /* term operand toggles across events (sim_replay.c) */
    double acc_readout_ones;      /* set bits of the sums each core reads out (sim_replay.c) */
} power_cal_counts;
void power_cal_counts_of(const sim_config *cfg, const sim_report *r, power_cal_counts *k);

/* Flip-flops of the synthesized sync core (rtl/axon_*.sv as yosys keeps
 * them): accumulators NB·C·A + overflow, FIFO F·IW + pointers, control
 * (read stage, LS metadata stages, readout sequencer). */
double power_cal_flops(const sim_config *cfg);

/* The clock as built (docs/power.md "Clock as built"). Ungated
 * (cfg->clock_gating 0): every flip-flop every cycle, flop_cycles =
 * N_ff · (active + idle), no gates. Clock-gated build (rtl CG = 1): the
 * N_ff − NB·C·A − F·IW flip-flops left on clk every cycle, the accumulators
 * of a (bank, word) only in the cycles that add that word (C/W·A per word
 * added) or clear the bank (C·A per end of token), a FIFO entry only when
 * pushed (IW per item); gates = NB·W + F clock gates, each clocked every
 * cycle (gate_cycles). */
typedef struct {
    double flops, flops_gated, gates; /* of the core */
    double flop_cycles;               /* clocked flip-flop-cycles */
    double gate_cycles;               /* clock-gate cycles (gates × cycles) */
} power_clock_built;
void power_clock_as_built(const sim_config *cfg, const power_cal_counts *k, power_clock_built *o);
/* Name of the clock model that prices cfg with table t: "gated" (as built,
 * clock gates), "ungated" (every flip-flop every cycle: a calibrated table),
 * "assumed" (the uncalibrated table's assumed fine-grained gating) or
 * "none" (async). */
const char *power_clock_model(const power_table *t, const sim_config *cfg);

/* Features of component comp: x[i] = count × parameter scaling, named
 * names[i] (the table's action), units[i]. Returns the feature count. */
int power_cal_features(const sim_config *cfg, const power_cal_counts *k, int comp, double *x,
                       const char **names, const char **units);

/* One characterization row. */
typedef struct {
    char set[32], stream[48], hash[20];
    int R, C, L, LS, F, A, RB, DB, GATE;
    int CG; /* clock-gated netlist (rtl CG = 1; column clock_gating, 0 when absent) */
    power_cal_counts k;
    double gate_pj[POWER_CAL_NCOMP];
    double flops, cells; /* of the netlist */
} power_cal_row;
void power_cal_write_header(FILE *f);
void power_cal_write_row(FILE *f, const power_cal_row *r);
double power_cal_row_total(const power_cal_row *r);
void power_cal_row_config(const power_cal_row *r, sim_config *cfg);
/* Appends the rows of a characterization CSV to *rows / *n (realloc'd). */
ax_result power_cal_read(const char *path, power_cal_row **rows, size_t *n, char **err);

/* Non-negative least squares min ||A x − b||, x >= 0 (A m×n row-major,
 * m >= 1, 1 <= n <= 32): C. L. Lawson and R. J. Hanson, "Solving Least
 * Squares Problems", Prentice-Hall 1974, ch. 23, algorithm NNLS. */
ax_result power_nnls(const double *A, const double *b, int m, int n, double *x, char **err);

typedef struct {
    int nf[POWER_CAL_NCOMP];
    double coef[POWER_CAL_NCOMP][POWER_CAL_MAXF]; /* pJ per feature unit at the liberty's node */
    const char *names[POWER_CAL_NCOMP][POWER_CAL_MAXF];
    const char *units[POWER_CAL_NCOMP][POWER_CAL_MAXF];
    double rms_pct[POWER_CAL_NCOMP],
        max_pct[POWER_CAL_NCOMP]; /* relative residuals on the training rows */
    double rms_total_pct, max_total_pct;
    size_t nrows;
} power_cal_fit;
/* Fits every component on the rows (each row's residual weighted by
 * 1 / its gate energy: relative residuals). */
ax_result power_cal_fit_rows(const power_cal_row *rows, size_t n, power_cal_fit *fit, char **err);
/* Model energy per component from the coefficients. */
void power_cal_predict(const power_cal_fit *fit, const sim_config *cfg, const power_cal_counts *k,
                       double out_pj[POWER_CAL_NCOMP]);
/* Model energy per component priced by a (calibrated) table, pJ at its operating point. */
/* 1 when the table predates feature `name` of component comp (its model
 * had no such term): priced as 0. */
int power_cal_feature_absent(const power_table *t, int comp, const char *name);
ax_result power_cal_price(const power_table *t, const sim_config *cfg, const power_cal_counts *k,
                          double out_pj[POWER_CAL_NCOMP], char **err);

/* Writes the calibrated table: the fitted rows, the base table's other rows
 * translated to the liberty's node (node_nm, vdd_v) by Stillmaker & Baas,
 * provenance in comments and meta rows. */
typedef struct {
    const char *liberty, *date, *version;
    int node_nm;
    double vdd_v;
    const char *sets;    /* parameter sets, text */
    const char *streams; /* training streams, text */
    int gated_sets;      /* training rows of clock-gated netlists (CG = 1) */
} power_cal_provenance;
ax_result power_cal_write_table(FILE *f, const power_cal_fit *fit, const power_cal_provenance *pv,
                                char **err);
/* As power_cal_write_table, with the held-out validation table (text
 * lines, as power_cal_validate_ex prints them; NULL: none) in the header. */
ax_result power_cal_write_table_v(FILE *f, const power_cal_fit *fit, const power_cal_provenance *pv,
                                  const char *validation, char **err);

/* Validation of a model against gate level on rows: per parameter set (the
 * sum over its rows) and per row, model vs gate for every component and the
 * total. The model is the fit (fit != NULL) or the calibrated table t at its
 * own node. A row's total outside ±total_pct or a set's component outside
 * ±comp_pct is a violation, counted in *violations and marked in the table
 * (markdown when md). */
ax_result power_cal_validate(FILE *f, int md, const power_cal_row *rows, size_t n,
                             const power_cal_fit *fit, const power_table *t, double total_pct,
                             double comp_pct, int *violations, char **err);
/* As power_cal_validate, but a component carrying less than exempt_pct % of
 * its set's gate-level energy is exempt from comp_pct (printed, marked '~',
 * not counted); exempt_pct 0 exempts none (docs/power.md "Calibration"). */
ax_result power_cal_validate_ex(FILE *f, int md, const power_cal_row *rows, size_t n,
                                const power_cal_fit *fit, const power_table *t, double total_pct,
                                double comp_pct, double exempt_pct, int *violations, char **err);

/* One cell of a validation table (the core's and the baselines', power_base_cal.c):
 * "gate_pJ (±gap %)" with " !" when outside the bound (total_pct for the total,
 * last = 1, else comp_pct) and " ~" when outside but exempt (a component
 * under exempt_pct % of the set's gate energy set_pj); markdown " cell |" or
 * right-aligned in width. Returns 1 for a violation (counted), else 0. */
int power_cal_cell(FILE *f, int md, int width, double gate_pj, double model_pj, int last,
                   double set_pj, double total_pct, double comp_pct, double exempt_pct);

/* Table carries calibrated rows (meta calibrated). */
int power_table_is_calibrated(const power_table *t);
/* "calibrated at 180 nm / 1.80 V (liberty), scaled to 45 nm / 0.90 V by Stillmaker & Baas
 * (×0.0265)", or "uncalibrated ..." for a table without fit. */
void power_table_provenance(const power_table *t, char *out, size_t n);
/* The SRAM rows that priced the weight reads at the table's operating point
 * and the source of the first, e.g. "64-bit read 10 pJ at 8 KB, 20 pJ at 32
 * KB, 100 pJ at 1 MB, 45 nm / 0.90 V; source: [H14] ..." (power_lookup.c). */
void power_sram_source(const power_table *t, char *out, size_t n);

#endif
