/*
 * power — prices the actions sim/ counted (DESIGN §4): technology tables
 * (CSV, power/tech/), energy = Σ counts × action energy, leakage = power ×
 * simulated time, clock tree (sync) or handshakes (async), area, and the
 * dense INT8 baseline on the same tile. Counting never happens here.
 * (Interface sketch; the power layer fills it in and may extend it.)
 */
#ifndef AX_POWER_H
#define AX_POWER_H

#include "../ax/ax.h"
#include "../sim/sim.h"

typedef enum { POWER_REALISTIC, POWER_IDEAL } power_model;

typedef struct power_table power_table;

/* path NULL: the built-in 45 nm base table. *t freed with power_table_free. */
ax_result power_table_load(const char *path, power_table **t, char **err);
void power_table_free(power_table *t);
const char *power_table_version(const power_table *t);

typedef struct {
    double dynamic_pj, leakage_pj, clock_pj, handshake_pj, noc_pj, dram_pj, total_pj;
    double energy_per_token_pj, energy_per_synop_pj, avg_power_mw;
    double area_um2, area_mm2;
    double base_energy_pj, base_power_mw, base_area_um2, base_latency_ns;
    double energy_reduction_pct, power_reduction_pct, area_reduction_pct;
} power_report;

#endif
