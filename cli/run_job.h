/*
 * One "run" of axon as a library call: load weights and trace, quantize,
 * encode, simulate the chip, check against the CPU reference, price it, and
 * (when the trace holds `<layer>.output`) measure accuracy. Used by
 * `axon run` and by every point of `axon sweep`.
 */
#ifndef AX_RUN_JOB_H
#define AX_RUN_JOB_H

#include "../ax/ax.h"
#include "../power/power.h"
#include "../sim/sim.h"
#include "../spike/spike.h"

typedef struct {
    const char *weights;   /* safetensors/NPY path */
    const char *trace;     /* safetensors path holding `<layer>.input` */
    const char *layer;     /* HF layer name, e.g. model.layers.0.mlp.up_proj */
    sim_config cfg;
    spike_coding coding;
    spike_params sp;       /* k, clamp */
    int steps;             /* fixed T, SPIKE_STEPS_AUTO or SPIKE_STEPS_TOKEN */
    size_t group;          /* weight group size, 0 = per channel */
    const char *tech;      /* technology table CSV, NULL = built-in 45 nm */
    power_model model;
    const char *vcd;       /* VCD output path or NULL */
    int node_nm;           /* technology node to scale the table to, 0 = the table's */
    double vdd_v;          /* supply, 0 = the node's nominal */
} run_job;

typedef struct {
    size_t tokens, in, out;
    spike_stats spikes;
    sim_report sim;        /* sim.per_core is NULL after run_job_exec returns: see per_core */
    power_report power;
    int exact;             /* acc == CPU reference, bit for bit */
    size_t mismatches;
    int has_output;        /* trace held `<layer>.output` */
    double cosine, rel_l2, max_abs, snr_db; /* y vs recorded output */
    uint64_t config_hash;  /* hash of everything that defines the point */
    int32_t *acc;          /* [tokens][out][ngroups], owned, freed by run_result_free */
    float *y;              /* [tokens][out], owned */
    size_t ngroups;
    sim_counters *per_core; /* [sim.cores] counters of core (rb, cb) at rb * col_blocks + cb, owned */
} run_result;

void run_job_default(run_job *j);
ax_result run_job_exec(const run_job *j, run_result *r, char **err);
void run_result_free(run_result *r); /* NULL or zeroed is a no-op */

#endif
