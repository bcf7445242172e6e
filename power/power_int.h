/*
 * power — private: the in-memory technology table. Rows keep the raw CSV
 * values at the table's own node and supply; the operating point chosen by
 * power_table_scale is applied at lookup through three factors, so scaling
 * twice never compounds.
 */
#ifndef AX_POWER_INT_H
#define AX_POWER_INT_H

#include "power.h"

typedef struct {
    char *component, *action, *attributes, *source; /* owned */
    double energy_pj, area_um2, leakage_uw;         /* NAN when the cell is empty */
    int line;                                       /* 1-based line in the CSV */
} power_row;

typedef struct {
    char *module, *parameters; /* owned */
    double cells, area_um2;    /* at 180 nm (OSU 0.18 µm) */
    int line;
} power_synth_row;

struct power_table {
    power_row *rows;
    size_t nrows;
    char *name;            /* file name or "built-in", for messages */
    char *base_version;    /* meta version (or name#hash) */
    char version[96];      /* base_version@node/vdd */
    double node_nm, vdd_v; /* of the CSV */
    int target_node;       /* after power_table_scale */
    double target_vdd;
    int node_approx;
    double e_scale, a_scale, l_scale; /* applied at lookup */
    double clock_idle_fraction, sram_periphery_overhead, dram_burst_bytes;
    int calibrated;  /* meta calibrated: fitted rows to gate level (power_cal.c) */
    int clock_gated; /* meta clock_gated: the calibrated netlist had clock gating */
    power_synth_row *synth;
    size_t nsynth;
    char *synth_name;
};

/* The CSVs compiled in by mk/power.mk (NUL-terminated; synth may be NULL). */
extern const char power_tech_base_csv[];
extern const char *const power_tech_synth_csv;
extern const char *const power_tech_cal_csv; /* power/tech/cal_osu018.csv, NULL when absent */

/* Parses a synthesis CSV (module,parameters,cells,area_um2) into t->synth
 * (power_area.c); replaces what t held. */
ax_result power_synth_parse(power_table *t, const char *text, size_t len, const char *name,
                            char **err);
/* Row lookup (first row with that component/action; NULL when none). */
const power_row *power_find(const power_table *t, const char *component, const char *action);
/* Scaled area (µm²) / leakage (µW) of one instance; AX_ENOTFOUND naming it. */
ax_result power_area_of(const power_table *t, const char *component, const char *action,
                        double *um2, double *leak_uw, char **err);
/* Synthesized area of a module at 180 nm with its parameter string, or NULL. */
const power_synth_row *power_synth_find(const power_table *t, const char *module);
/* Value of KEY in a parameter string "K1=V1 K2=V2" (also ',', ';' separated); 0 if absent. */
int power_param_get(const char *params, const char *key, double *v);
/* malloc'd copy of s, or of its first n bytes (NULL when out of memory),
 * shared by the table and Liberty readers. */
char *power_strdup(const char *s);
char *power_strndup(const char *s, size_t n);
/* Reads the whole file at path into *buf (malloc'd, NUL-terminated, the
 * caller frees) and *len. Files over limit bytes are AX_EFORMAT; errors name
 * the path and `what` the file should be, and end with hint. */
ax_result power_read_file(const char *path, size_t limit, const char *what, const char *hint,
                          char **buf, size_t *len, char **err);
/* CSV tokenizer shared by both table kinds: splits one line into at most
 * max fields in place (quotes with "" escapes). Returns the field count or -1
 * for an unterminated quote. */
int power_csv_split(char *line, char **fields, int max);
/* Strict non-negative finite number; empty → NAN (returns 0), bad → -1. */
int power_parse_num(const char *s, double *v);

/* Payload of an event flit (axon 16, shift 5, neg 1, eot 1, padded), as sim/ sends it. */
#define POWER_EVENT_FLIT_BITS 32
/* Flit-hops of the event multicast in a run (the rest are readout/reduction). */
double power_mcast_hops(const sim_config *cfg, const sim_report *r);

/* Area and leakage of one core of the spiking design (baseline 0) or of the
 * dense INT8 baseline (1); routed: the core has a router (chip of > 1 core). */
typedef struct {
    double sram_um2, logic_um2, router_um2, total_um2;
    /* logic_um2 by part (their sum); synthesized: the lane adders are in
     * acc_um2 (axon_acc), and the baseline's lanes, accumulators and readout
     * are one module (axon_mac_baseline, in acc_um2) */
    double acc_um2, lanes_um2, readout_um2, fifo_um2, pipe_um2, control_um2;
    double leak_uw;       /* static power of the core, µW */
    double sram_bytes;    /* weight bytes per core (macro size) */
    double clocked_flops; /* flip-flops clocked in an active cycle (clock model) */
    int synthesized;      /* logic areas from the synthesis CSV */
    int batch_estimated;  /* the batched row-reuse core's extra accumulator sets estimated
                             (no synthesis at its NT; power_area.c) */
} power_core_geom;
ax_result power_core_area(const power_table *t, const sim_config *c, int baseline, int routed,
                          power_core_geom *a, char **err);

/* Area of the baseline's MAC tile (lanes, accumulators, readout) of kind at
 * c's C, L, A, RB and planes, at the target node (s = target / 180 nm area
 * factor), from the synthesis rows (power_base_kinds.c): exact = 1 when a row
 * has exactly these parameters, else each part scaled by what sizes it
 * (multipliers by L, adders by L·A, accumulators and readout by C·A).
 * 0 when the table holds no row of that tile. */
typedef struct {
    double lanes_um2;   /* the L lanes: int8 multipliers + adders, or shift-add lanes */
    double acc_um2;     /* the accumulator registers, their multiplexers, control */
    double readout_um2; /* the readout register */
} power_mac_parts;
/* parts (may be NULL) receives the tile by part, each from the kind's own
 * part rows (.mul + .add or .lane, .acc, .readout), summing to the total; a
 * tile row without part rows is all in acc_um2. */
double power_base_mac_synth(const power_table *t, const sim_config *c, power_base_kind kind,
                            int planes, double s, int *exact, power_mac_parts *parts);
/* Area of a core as power_core_area; a baseline (baseline = 1) of the given
 * kind, its MAC tile (lanes, accumulators, readout) from the kind's own
 * synthesis rows at c's parameters and planes, or assumed (bit-serial: no
 * multipliers); *exact (may be NULL) = 1 when synthesized at exactly these
 * parameters. */
ax_result power_core_area_kind(const power_table *t, const sim_config *c, int baseline,
                               power_base_kind kind, int planes, int routed, power_core_geom *a,
                               int *exact, char **err);
/* The energy reductions of out (spiking vs base_*, and with both SRAMs
 * halved and doubled; needs base_sram_pj and sram_pj set) (power_base.c). */
void power_base_reductions(power_report *out);
/* The totals of a baseline whose parts (base_compute_pj, base_memory_pj,
 * base_clock_pj, base_noc_pj) are set: its leakage over ns on `cores` cores
 * of leak_uw each, its cycles, latency and area (area_um2 per core), the
 * realistic energy with dram_pj added, the headline energy (ideal: every
 * MAC-equivalent one INT8 MAC) and its per-token, per-MAC and power
 * figures (power_base.c). */
void power_base_totals(power_report *out, double dram_pj, double leak_uw, double cores,
                       double cycles, double ns, double area_um2, double tokens, double mac_equiv);

#endif
