/*
 * power — prices the actions sim/ counted (docs/design.md §4): technology tables
 * (CSV, power/tech/), energy = Σ counts × action energy, leakage = power ×
 * simulated time, clock tree (sync) or handshakes (async), area, and the
 * dense INT8 baseline on the same tile. Counting never happens here.
 *
 * Lifecycle: power_table_load → (power_table_scale) → power_price → print /
 * explain / JSON → power_table_free. Every formula, source and assumption is
 * in docs/power.md; the base numbers are Horowitz, ISSCC 2014 (45 nm, 0.9 V),
 * node scaling follows Stillmaker & Baas, Integration 58 (2017) 74–81.
 */
#ifndef AX_POWER_H
#define AX_POWER_H

#include "../ax/ax.h"
#include "../sim/sim.h"

#include <stdio.h>

/* IDEAL: SpikingBrain's own estimate (every synaptic op is one INT8 add, no
 * memory, clock, NoC or leakage). REALISTIC (default): every counted action. */
typedef enum { POWER_REALISTIC, POWER_IDEAL } power_model;

/* "ideal" / "realistic" (for --model); returns 0, or -1 for another word. */
int power_model_parse(const char *s, power_model *out);
const char *power_model_name(power_model m);

typedef struct power_table power_table;

/* path NULL: the built-in 45 nm base table (compiled in from
 * power/tech/base_45nm.csv). A user table replaces the base completely.
 * AX_EIO (cannot read), AX_EFORMAT (names file:line, column and a hint).
 * *t freed with power_table_free. */
ax_result power_table_load(const char *path, power_table **t, char **err);
/* Names of the built-in tables that path may also be: the uncalibrated 45 nm
 * base (power/tech/base_45nm.csv) and the table calibrated to gate level at
 * 180 nm (power/tech/cal_osu018.csv, docs/power.md "Calibration"). */
#define POWER_TECH_BASE "base-45nm"
#define POWER_TECH_CAL "cal-osu018"
/* Parses a CSV held in memory; `name` is used in error messages. */
ax_result power_table_parse(const char *text, size_t len, const char *name, power_table **t,
                            char **err);
void power_table_free(power_table *t); /* NULL is a no-op */
/* load + scale in one call, for `axon run --tech FILE --node NM --vdd V`:
 * path NULL = built-in, node_nm 0 = the table's node, vdd_v 0 = nominal. */
ax_result power_table_open(const char *path, int node_nm, double vdd_v, power_table **t,
                           char **err);
/* FNV-1a 64 of the table's text (path as power_table_load takes it): what
 * the config hash holds besides the version, so a table edited or refitted
 * without a new `meta,version` does not answer for results priced by the old. */
ax_result power_table_fnv(const char *path, uint64_t *h, char **err);
/* "<table version>@<node>nm/<vdd>V", stored with every result. Owned by t. */
const char *power_table_version(const power_table *t);

/* Moves the table to another node and supply: energies × node factor ×
 * (V/Vnom)², areas × area factor, leakage × node factor × V/Vnom.
 * node_nm 0 keeps the table's node; vdd_v 0 takes the node's nominal supply.
 * Nodes: 180 130 90 65 45 32 28 22 20 16 14 10 7 (28 and 22 interpolated).
 * AX_EPARAM for an unsupported node or a supply outside [0.3, 2.0] V. */
ax_result power_table_scale(power_table *t, int node_nm, double vdd_v, char **err);
/* Table parameters (meta rows): "clock_idle_fraction", "sram_periphery_overhead",
 * "dram_burst_bytes". AX_ENOTFOUND for an unknown name, AX_EPARAM for a bad value. */
ax_result power_table_set_param(power_table *t, const char *name, double v, char **err);

/* Synthesized logic areas (CSV `module,parameters,cells,area_um2`, OSU
 * 0.18 µm, written by `make synth` to power/tech/area_osu018.csv). The
 * copy present at build time, if any, is compiled in and attached to every
 * loaded table (it describes the RTL, not the technology); this call
 * replaces it, and path NULL removes it (assumed logic areas are used). */
ax_result power_table_load_synth(power_table *t, const char *path, char **err);
int power_table_has_synth(const power_table *t);
/* The table carries the calibrated baseline MAC tile (every base_* row of
 * power_base_cal.c: base_lanes, base_acc, base_readout, base_clock). */
int power_table_has_base_cal(const power_table *t);
/* ... and the calibrated bit-serial tile (bs_lanes, bs_acc, bs_readout, bs_clock). */
int power_table_has_bs_cal(const power_table *t);

/* Energy of one action at the table's operating point, pJ (SRAM: per
 * 64-bit read of a macro of size_bytes, log-log interpolated). AX_ENOTFOUND
 * names component and action. */
ax_result power_energy_pj(const power_table *t, const char *component, const char *action,
                          double *pj, char **err);
ax_result power_sram_read64_pj(const power_table *t, double size_bytes, double *pj, char **err);

/* Scaling factors of Stillmaker & Baas relative to 45 nm at the node's
 * nominal supply (energy) and area; *approx = 1 where interpolated. */
ax_result power_node_factors(int node_nm, double *energy, double *area, double *vnom_v, int *approx,
                             char **err);

/* One priced term of the breakdown. */
#define POWER_MAX_LINES 48
typedef struct {
    char component[16], action[24];
    double count;      /* actions (or cycles, bit·hops, ns) */
    const char *unit;  /* of count */
    double unit_pj;    /* energy per unit, pJ */
    double energy_pj;  /* count × unit_pj */
    const char *group; /* compute, memory, clock, handshake, noc, dram, leakage */
} power_line;

typedef struct {
    power_model model;
    char version[96]; /* technology table version (power_table_version) */
    char provenance
        [256]; /* which table priced it: calibrated or not, node translation (power_table_provenance) */
    char clock_model[16]; /* what priced the clock: gated (as built, --clock-gating on),
                             ungated (every flip-flop every cycle), assumed (the uncalibrated
                             table's assumed gating), none (async) (power_clock_model) */
    int node_nm;          /* the node and supply priced at (after the translation) */
    double vdd_v;
    /* the technology translation as its own step (docs/power.md "Node and
     * voltage scaling"): the table's own node and supply, the energy factor
     * from there to node_nm / vdd_v (1: none), whether the table is
     * calibrated to gate level */
    int tech_node_nm;
    double tech_vdd_v, tech_energy_scale;
    int tech_calibrated;
    char sram_source[256]; /* the SRAM rows that priced the reads and their source */
    size_t tokens;
    double sops;        /* synaptic operations = adds + adds_gated = events × C_used */
    double mac_equiv;   /* tokens × in × out: the dense layer's MACs */
    double duration_ns; /* simulated time */
    /* spiking, pJ, in the mode's model:
     * REALISTIC: total = dynamic + clock + handshake + noc + dram + leakage,
     *            dynamic = compute + memory;
     * IDEAL:     total = dynamic = ideal_pj; the other groups are 0.
     * The realistic pricing stays available in both modes through
     * realistic_pj and chain[] (what power_explain prints). */
    double ideal_pj;     /* SOPs × int8 add, SpikingBrain's formula */
    double realistic_pj; /* every counted action, whatever the mode */
    double compute_pj, memory_pj;
    double dynamic_pj, leakage_pj, clock_pj, handshake_pj, noc_pj, dram_pj, energy_pj;
    double energy_pj_per_token, energy_pj_per_synop, energy_pj_per_mac, power_mw;
    double leakage_mw; /* static power of the chip */
    /* area of the spiking chip */
    double area_um2, area_mm2, core_area_um2, sram_area_um2, logic_area_um2;
    int area_synthesized; /* logic areas from synthesis (1) or assumed (0) */
    size_t cores;
    /* dense INT8 baseline on the same tile; base_energy_pj is the mode's
     * (IDEAL: MAC-equivalents × (int8 mult + int8 add), SpikingBrain's INT8 MAC) */
    double base_realistic_pj; /* the baseline's realistic energy, whatever the mode */
    double base_energy_pj, base_power_mw, base_area_um2, base_latency_ns;
    double base_energy_pj_per_token, base_energy_pj_per_mac, base_cycles;
    double base_compute_pj, base_memory_pj, base_clock_pj, base_noc_pj, base_leakage_pj;
    /* which baseline (power_base_kind) at which lanes and bit-planes, and
     * whether its MAC tile's area is from synthesis at exactly these
     * parameters (1) or scaled per part from another synthesized set or
     * assumed (0) — docs/power.md "Baselines" */
    int base_kind, base_lanes, base_planes, base_area_exact;
    int base_calibrated; /* the MAC tile priced by the calibrated base_* rows (power_base_cal.c) */
    double energy_reduction_pct, power_reduction_pct, area_reduction_pct, latency_reduction_pct;
    /* SRAM stated with its uncertainty: the SRAM energy of each side (array
     * reads and DRAM buffer writes, from published macro data [H14], never
     * calibrated) and the energy reduction when both are halved / doubled */
    double sram_pj, base_sram_pj, energy_reduction_sram_half_pct, energy_reduction_sram_double_pct;
    /* SpikingBrain's comparison: per MAC-equivalent, pJ */
    double spikes_per_mac;           /* SOPs / MAC-equivalents */
    double ideal_pj_per_mac;         /* spikes_per_mac × int8 add */
    double int8_mac_pj, fp16_mac_pj; /* mult + add */
    double ideal_vs_int8_pct, ideal_vs_fp16_pct;
    power_line lines[POWER_MAX_LINES]; /* realistic breakdown (REALISTIC mode only) */
    int nlines;
    /* ideal → realistic, step by step: chain[0] is the ideal energy, each
     * further step the energy it adds; Σ delta_pj = realistic_pj. */
    struct {
        const char *what;
        double delta_pj;
    } chain[8];
    int nchain;
    int node_approx; /* node factors interpolated */
    /* ---- fair comparison (power_fair.c, docs/power.md "Reading the comparison") ---- */
    /* area of the chip per part, both sides (µm², per core × cores); with
     * synthesized logic the spiking lane adders are inside acc (axon_acc); the
     * baseline's lanes, accumulators and readout are its kind's own
     * synthesized parts (.mul + .add or .lane, .acc, .readout) */
    struct power_area_parts {
        double sram_um2, acc_um2, lanes_um2, readout_um2, fifo_um2, pipe_um2, control_um2,
            router_um2;
        double logic_um2;    /* everything but the SRAM */
        double datapath_um2; /* lanes + accumulator banks + readout */
        double total_um2;
    } area_parts, base_area_parts;
    double logic_area_reduction_pct, datapath_area_reduction_pct;
    double area_reduction_ceiling_pct; /* 1 - spiking SRAM / baseline total: logic free */
    /* power at a common throughput: both designs run the same tokens in
     * common_time_ns = max(both durations); the faster one idles for the rest,
     * paying leakage and its idle clock. power_reduction_pct is on this basis;
     * power_reduction_own_time_pct is the average power of each over its own time. */
    double common_time_ns, energy_common_pj, base_energy_common_pj;
    double power_common_mw, base_power_common_mw, power_reduction_own_time_pct;
    /* spike events per activation and the break-even point: the energy split
     * into what scales with the events (event_energy_pj) and the rest
     * (fixed_energy_pj); break_even_ev_per_act = ev_per_act · (base_energy_pj −
     * fixed_energy_pj) / event_energy_pj (NaN when no ev/act breaks even) */
    double ev_per_act, event_energy_pj, fixed_energy_pj, break_even_ev_per_act;
    double energy_reduction_slope_pct; /* d energy_reduction_pct / d ev_per_act, points */
} power_report;

/* Prices one simulated run. r->total holds the chip's summed counters and
 * r->duration_ns the simulated time. mode IDEAL fills the same report with
 * the idealised estimate (no memory, clock, NoC, leakage) as total.
 * AX_ENOTFOUND when an action with traffic has no table entry (names the
 * component and action); AX_EPARAM for an impossible config. */
ax_result power_price(const power_table *t, const sim_config *cfg, const sim_report *r,
                      power_model mode, power_report *out, char **err);

/* Area of the chip the run used (r->cores cores) into out->area_*. */
ax_result power_area(const power_table *t, const sim_config *cfg, size_t cores, power_report *out,
                     char **err);
/* The dense INT8 baseline into out->base_* (needs the spiking totals for
 * the reductions, so power_price calls it last). */
ax_result power_baseline(const power_table *t, const sim_config *cfg, const sim_report *r,
                         power_report *out, char **err);

/* The fair-comparison figures of out (area parts of both sides, power at a
 * common throughput, events per activation, break-even): power_price calls
 * it after power_baseline. */
ax_result power_fair(const power_table *t, const sim_config *cfg, const sim_report *r,
                     power_report *out, char **err);
/* Weight bursts the dense tile streams with --dram: every burst that holds
 * a real weight row of its core, every token (padding rows of a partial
 * row-block are not fetched). */
double power_dense_bursts(const sim_config *cfg, const sim_report *r);
/* The baselines (`--baseline`, docs/power.md "Baselines"): dense INT8 (every
 * activation multiplied), zero-skip (a zero activation reads no row and does
 * no MAC), bit-serial (one bit-plane of |x| per cycle, shift-add lanes, an
 * add per set bit) and wide (dense with as many lanes as equal the spiking
 * run's throughput, or --base-lanes). */
typedef enum {
    POWER_BASE_DENSE,
    POWER_BASE_ZERO_SKIP,
    POWER_BASE_BIT_SERIAL,
    POWER_BASE_WIDE
} power_base_kind;
#define POWER_BASE_KINDS "dense|zero-skip|bit-serial|wide"
int power_base_kind_parse(const char *s, power_base_kind *out); /* 0, or -1 for another word */
const char *power_base_kind_name(power_base_kind k);

/* What the baselines need of the run's activations (counts[tokens][in], in
 * core order): rows of R inputs form the row-blocks the cores hold. */
typedef struct {
    double acts;      /* tokens x in activations */
    double nonzero;   /* of them != 0 */
    double ones;      /* sum of the set bits of |x| */
    int planes;       /* bit-planes: bit length of the largest |x|, >= 1 */
    double rows_busy; /* sum over tokens of the largest row-block's activations */
    double nz_busy;   /* sum over tokens of the largest row-block's nonzero activations */
    int batch;        /* tokens per weight-stationary batch the next field counts (0: none) */
    double nz_batched; /* (batch, input) pairs with a nonzero activation in the batch */
    int weights;       /* the next field is counted (power_act_stats_weights) */
    double macs_xw;    /* MACs with a nonzero activation and a nonzero weight */
    double ones_w;     /* sum of the set bits of |x| times the nonzero weights of its row */
    double w_nonzero;  /* nonzero weights of the layer */
} power_act_stats;
ax_result power_act_stats_compute(const int32_t *counts, size_t tokens, size_t in, int rows,
                                  power_act_stats *s, char **err);
/* With --batch-tokens N (weight-stationary batches of N consecutive tokens):
 * s->batch = N and s->nz_batched, the rows the zero-skip baseline reads. */
ax_result power_act_stats_batch(const int32_t *counts, size_t tokens, size_t in, int batch,
                                power_act_stats *s, char **err);
/* s->macs_xw = sum over the nonzero activations (t, i) of the nonzero weights
 * q[o][i] of their row (q[out][in], the order of counts), s->ones_w the same
 * weighted by the set bits of |x|; s->weights = 1.
 * The calibrated baseline tile (power_base_cal.c) prices its MACs by it. */
ax_result power_act_stats_weights(const int32_t *counts, size_t tokens, size_t in, size_t out,
                                  const int8_t *q, power_act_stats *s, char **err);
/* The two halves of it: nzcol[in] (caller's) gets the nonzero weights of
 * each input column of q[out][in] (they depend on the weights alone: a
 * sweep counts them once), and power_act_stats_weight_cols fills s's
 * weight fields from them and the counts. */
ax_result power_weight_nonzero_cols(const int8_t *q, size_t in, size_t out, uint32_t *nzcol,
                                    char **err);
ax_result power_act_stats_weight_cols(const int32_t *counts, size_t tokens, size_t in,
                                      const uint32_t *nzcol, power_act_stats *s, char **err);

typedef struct {
    power_base_kind kind;
    int lanes;                   /* wide: lanes, 0 = the fewest that match the spiking run */
    const power_act_stats *acts; /* needed by every kind but dense */
} power_base_spec;
/* Prices the baseline b into out->base_* and the reductions (after
 * power_price, which prices the dense one). AX_EPARAM when acts is missing
 * (but for dense). With a table carrying the calibrated baseline tile
 * (power_base_cal.h) and acts counted with their weights, the dense,
 * zero-skip and wide tiles' lanes, accumulators, readout and clock are
 * priced by it (out->base_calibrated = 1). */
ax_result power_baseline_kind(const power_table *t, const sim_config *cfg, const sim_report *r,
                              const power_base_spec *b, power_report *out, char **err);

/* Human report: spiking vs baseline side by side, every number with units. */
void power_print(FILE *f, const power_report *p);
/* The chain ideal → +arithmetic width → +SRAM granularity → +clock
 * tree/handshakes → +NoC → +DRAM → +leakage → realistic, term by term. */
void power_explain(FILE *f, const power_report *p);

#endif
