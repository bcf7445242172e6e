/*
 * power_base_cal — the baselines' MAC tile calibrated against gate level
 * (docs/power.md "Baselines at gate level"): the characterization rows of
 * rtl/axon_mac_baseline.sv netlists (counts of the baseline model next to
 * the gate-level energy per component of the same stream, written by
 * rtl/gate/axon_gate_base.cpp), the features of the calibrated tile, their
 * non-negative least-squares fit (power_nnls, relative residuals, as the
 * core's in power_cal.c), the table block they are written to (components
 * base_lanes, base_acc, base_readout, base_clock; the bit-serial tile of
 * rtl/axon_mac_bitserial.sv, P > 0: bs_lanes, bs_acc, bs_readout, bs_clock)
 * and the validation.
 *
 * The features are the single definition shared by the fit, the validation
 * and the pricing of the dense, zero-skip, wide and bit-serial baselines
 * (power_base_kinds.c), so the table prices exactly the model that was fitted.
 */
#ifndef AX_POWER_BASE_CAL_H
#define AX_POWER_BASE_CAL_H

#include "power.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Components of the MAC tile as the netlist has them. */
enum {
    POWER_BCAL_LANES,   /* g_lane[*]: int8 multipliers and A-bit lane adders */
    POWER_BCAL_ACC,     /* the top: accumulator registers, word multiplexers */
    POWER_BCAL_READOUT, /* u_ro: the beat multiplexer */
    POWER_BCAL_CLOCK,   /* clock net and CLK pins: every flip-flop every cycle */
    POWER_BCAL_NCOMP
};
#define POWER_BCAL_MAXF 8

/* Table component name: "base_lanes", ... (bs 0), "bs_lanes", ... (bs 1). */
const char *power_bcal_comp_name(int bs, int comp);

/* What the model counts for one run of the tile (the pricing computes the
 * same from a run's activations and weights). */
typedef struct {
    double tokens;   /* end-of-token readouts + clears */
    double words;    /* words of L weights fed (one per MAC cycle) */
    double macs;     /* lanes fed: words x L */
    double macs_x;   /* of them with a nonzero activation */
    double macs_xw;  /* of them with a nonzero activation and a nonzero weight */
    double beats;    /* readout beats */
    double cycles;   /* clocked cycles */
    double adds;     /* bit-serial: lane additions (set bits of |x| x lanes of the word) */
    double adds_w;   /* bit-serial: of them with a nonzero weight */
    double planes_w; /* bit-serial: lane-cycles holding a nonzero weight (words x P, per weight) */
} power_bcal_counts;

/* The tile: C accumulators of A bits, L lanes, RB-bit beats, ZS zero skip,
 * P bit-planes (0: the MAC tile, > 0: the bit-serial one); flops = W·L·A
 * accumulators (bit-serial: + the 8L-bit weight register and the plane
 * sequencer), every flip-flop clocked every cycle. */
typedef struct {
    int C, L, A, RB, ZS, P;
} power_bcal_tile;
double power_bcal_flops(const power_bcal_tile *g);

/* Features of component comp: x[i] = count × the width the circuit scales
 * with, named names[i] (the table's action) with units[i]. Returns the
 * feature count. */
int power_bcal_features(const power_bcal_tile *g, const power_bcal_counts *k, int comp, double *x,
                        const char **names, const char **units);

/* One characterization row (rtl/gate/axon_gate_base.cpp writes them). */
typedef struct {
    char set[32], stream[48];
    power_bcal_tile g;
    power_bcal_counts k;
    double flops, cells; /* of the netlist */
    double gate_pj[POWER_BCAL_NCOMP];
} power_bcal_row;
void power_bcal_write_header(FILE *f);
void power_bcal_write_row(FILE *f, const power_bcal_row *r);
/* Appends the rows of a baseline characterization CSV to *rows / *n. */
ax_result power_bcal_read(const char *path, power_bcal_row **rows, size_t *n, char **err);

typedef struct {
    int nf[POWER_BCAL_NCOMP];
    double coef[POWER_BCAL_NCOMP][POWER_BCAL_MAXF]; /* pJ per unit at the liberty's node */
    const char *names[POWER_BCAL_NCOMP][POWER_BCAL_MAXF];
    const char *units[POWER_BCAL_NCOMP][POWER_BCAL_MAXF];
    double rms_pct[POWER_BCAL_NCOMP], max_pct[POWER_BCAL_NCOMP]; /* training residuals */
    double rms_total_pct, max_total_pct;
    size_t nrows;
} power_bcal_fit;
/* Fits the rows of one kind (bs 0: the MAC tile, P = 0; bs 1: bit-serial);
 * the others are skipped. AX_EPARAM when none is of that kind. */
ax_result power_bcal_fit_rows(const power_bcal_row *rows, size_t n, int bs, power_bcal_fit *fit,
                              char **err);

/* Energy per component priced by the table's base_* (bs_* for P > 0) rows, pJ
 * at its operating point. */
ax_result power_bcal_price(const power_table *t, const power_bcal_tile *g,
                           const power_bcal_counts *k, double out_pj[POWER_BCAL_NCOMP], char **err);

/* Validation per parameter set (sums over its rows) and worst row: model
 * (fit[0] for the MAC tiles, fit[1] for the bit-serial ones, or the table t
 * when fit is NULL) vs gate. A set's total outside
 * ±total_pct or a component outside ±comp_pct (unless under exempt_pct % of
 * the set's gate energy: printed, marked ~) is a violation. */
ax_result power_bcal_validate(FILE *f, int md, const power_bcal_row *rows, size_t n,
                              const power_bcal_fit *const fit[2], const power_table *t,
                              double total_pct, double comp_pct, double exempt_pct, int *violations,
                              char **err);

/* Writes the baseline block (provenance comments, the base_* rows of fit[0]
 * and the bs_* rows of fit[1] when not NULL) to f. */
void power_bcal_write_block(FILE *f, const power_bcal_fit *const fit[2], const char *sets,
                            const char *streams, const char *validation, const char *date);
/* Rewrites the calibrated table text `in` with the block replaced (or
 * appended): every line between the block markers is dropped. */
ax_result power_bcal_splice(const char *in, const char *block, FILE *out, char **err);
/* power_bcal_splice on the table file at path, rewritten in place (temp + rename). */
ax_result power_bcal_splice_file(const char *path, const char *block, char **err);

#ifdef __cplusplus
}
#endif

#endif
