/*
 * One "run" of axon as a library call: load weights and trace, quantize,
 * encode, simulate the chip, check against the CPU reference, price it, and
 * (when the trace holds `<layer>.output`) measure accuracy. Used by
 * `axon run` and by every point of `axon sweep`.
 */
#ifndef AX_RUN_H
#define AX_RUN_H

#include "../ax/ax.h"
#include "../gpu/gpu.h"
#include "../power/power.h"
#include "../sim/sim.h"
#include "../spike/spike.h"
#include "run_param.h"

#include <stdint.h>

typedef struct run_job {
    const char *weights; /* safetensors/NPY path; with image: checked against it (may be NULL) */
    const char *image;   /* core image (.axi, `axon map --image`): the layer's int8 weights,
                              tiling and input permutation come from it; NULL = from weights */
    const char *ref;     /* reference file of `axon ref` (`<layer>.acc`/`<layer>.y` or
                              `acc`/`y`) to compare acc (exact) and y with; NULL = none */
    const char *trace;   /* safetensors path holding `<layer>.input` */
    const char *layer;   /* HF layer name, e.g. model.layers.0.mlp.up_proj */
    sim_config cfg;
    spike_coding coding;
    spike_params sp;  /* k, clamp */
    int steps;        /* fixed T, SPIKE_STEPS_AUTO or SPIKE_STEPS_TOKEN */
    size_t group;     /* weight group size, 0 = per channel */
    const char *tech; /* technology table CSV, NULL = built-in 45 nm */
    power_model model;
    power_base_kind baseline; /* the baseline compared against (--baseline) */
    int base_lanes;           /* lanes of the wide baseline, 0 = matched to the run */
    const char *vcd;  /* VCD output path or NULL */
    int node_nm;      /* technology node to scale the table to, 0 = the table's */
    double vdd_v;     /* supply, 0 = the node's nominal */
    const char *arch; /* architecture file the parameters came from (--arch), or NULL */
    /* progress of one run_job_exec: called at the start of each stage
     * (step of nsteps, stage named) and, while stepping a VCD run, with
     * the simulated time; NULL for none. Not part of the configuration. */
    void (*progress)(void *ctx, const char *stage, int step, int nsteps);
    void *progress_ctx;
    /* execution options: how the host computes, not what is modelled (neither
     * enters the config hash nor the parameter table) */
    int threads;    /* simulator threads, >= 1 (default 1; `axon run`: every core) */
    int functional; /* acc, y, accuracy and spike statistics only: no timing, no
                              counters, no energy (sim_run_functional; r->sim.timed = 0) */
    int no_tensors; /* the caller reads no acc or y (a sweep's point, stored as rows):
                       where they are shared in the cache, r->acc and r->y stay NULL */
} run_job;

typedef struct {
    size_t tokens, in, out;
    spike_stats spikes;
    sim_report sim; /* sim.per_core is NULL after run_job_exec returns: see per_core */
    power_report power;
    int exact; /* acc == CPU reference, bit for bit */
    size_t mismatches;
    int has_output; /* trace held `<layer>.output` */
    /* y vs recorded output; rel_error is the relative L2 */
    double cosine, rel_error, max_abs_error, snr_db;
    uint64_t config_hash; /* hash of everything that defines the point */
    int32_t *acc;         /* [tokens][out][ngroups], owned, freed by run_result_free */
    float *y;             /* [tokens][out], owned */
    size_t ngroups;
    sim_counters
        *per_core;       /* [sim.cores] counters of core (rb, cb) at rb * col_blocks + cb, owned */
    int permuted;        /* image layer with an input permutation (applied to the counts) */
    int has_ref;         /* job->ref was given: the comparison below is filled */
    int functional;      /* run with j->functional: no timing, counters or energy (all null) */
    gpu_cmp_int ref_acc; /* acc vs the reference's acc, exact */
    gpu_cmp_float ref_y; /* y vs the reference's y (reference = a, this run = b) */
    int unit_scale;      /* int8 weight without `<layer>.weight_scale`: 1 assumed */
} run_result;

void run_job_default(run_job *j);
ax_result run_job_exec(const run_job *j, run_result *r, char **err);
void run_result_free(run_result *r); /* NULL or zeroed is a no-op */

/* ---- a layer's report (run_report.c) ---- */

/* Every scalar of a layer's report, one X(name, type, home, has, value, help)
 * each, in report order. It is the one list of these names: the keys of the
 * layer objects of `axon run --json` (run_report_json) and the columns the
 * database stores (db_record binds RESULTS fields from here), so a quantity
 * has one name everywhere.
 *   name   the quantity, its unit in the name where it has one
 *   type   INT (int64_t), REAL (double), BOOL (0/1; JSON true/false), TEXT
 *   home   RESULTS: a column of table results; RUNS: a column of table runs
 *          (what was run, stored with the parameters); REPORT: not stored
 *   has    when the field has a value (else JSON null, SQL NULL); a
 *          non-finite REAL has none either
 *   value  from j (const run_job *), r (const run_result *), s (&r->sim),
 *          p (&r->power); TEXT may use buf (char[32])
 * tests/test_run_report.c checks that the RESULTS fields are exactly the
 * columns of results: a new one needs a migration (db/db_migrate.c). */
#define RUN_REPORT_FIELDS(X)                                                                       \
    X(layer, TEXT, RUNS, 1, j->layer, "layer name, e.g. model.layers.0.mlp.up_proj")               \
    X(config_hash, TEXT, RUNS, 1, (run_hash_hex(r->config_hash, buf), buf),                        \
      "FNV-1a 64 of the canonical config text, 16 hex digits")                                     \
    X(tech_version, TEXT, RUNS, run_result_priced(r), p->version,                                  \
      "technology table (and node/supply) the run was priced with")                                \
    X(power_model, TEXT, RUNS, 1, power_model_name(j->model),                                      \
      "energy model of the headline figures: realistic or ideal")                                  \
    X(coding, TEXT, RUNS, 1, spike_coding_name(j->coding), "spike coding")                         \
    X(timing, TEXT, RUNS, 1, j->cfg.timing == SIM_SYNC ? "sync" : "async",                         \
      "sync (clocked cores) or async (bundled-data handshakes)")                                   \
    X(clock_mhz, REAL, RUNS, j->cfg.timing == SIM_SYNC, j->cfg.clock_mhz, "clock (sync), MHz")     \
    X(handshake_phases, INT, RUNS, j->cfg.timing == SIM_ASYNC, j->cfg.handshake,                   \
      "handshake protocol (async), 2 or 4")                                                        \
    X(image_file, TEXT, RUNS, 1, j->image, "core image the weights came from (--image)")           \
    X(ref_file, TEXT, RUNS, 1, j->ref, "reference the run was compared with (--ref)")              \
    X(tokens, INT, RESULTS, 1, r->tokens, "tokens run")                                            \
    X(in_features, INT, RESULTS, 1, r->in, "input features of the layer")                          \
    X(out_features, INT, RESULTS, 1, r->out, "output features of the layer")                       \
    X(groups, INT, REPORT, 1, r->ngroups, "weight groups per output (1: per channel)")             \
    X(cores, INT, RESULTS, 1, s->cores, "cores used")                                              \
    X(row_blocks, INT, REPORT, 1, s->row_blocks, "cores along the inputs")                         \
    X(col_blocks, INT, REPORT, 1, s->col_blocks, "cores along the outputs")                        \
    X(mesh_w, INT, RESULTS, 1, s->mesh_w, "mesh width, cores")                                     \
    X(mesh_h, INT, RESULTS, 1, s->mesh_h, "mesh height, cores")                                    \
    X(steps_used, INT, RESULTS, 1, r->spikes.steps, "time steps T of the coding")                  \
    X(time_unit, TEXT, RESULTS, !r->functional, j->cfg.timing == SIM_ASYNC ? "ps" : "cycles",      \
      "unit of duration and of the counters' times: cycles (sync) or ps (async)")                  \
    X(duration, INT, RESULTS, !r->functional, s->duration, "simulated time, time_unit")            \
    X(cycles, INT, RESULTS, !r->functional && j->cfg.timing == SIM_SYNC, s->duration,              \
      "simulated time (sync), cycles")                                                             \
    X(duration_ns, REAL, RESULTS, !r->functional, s->duration_ns, "simulated time, ns")            \
    X(latency_ns_per_token, REAL, RESULTS, !r->functional, s->latency_ns_per_token,                \
      "mean token latency from time 0, fill and drain included, ns")                               \
    X(max_latency_ns, REAL, RESULTS, !r->functional, s->max_latency_ns,                            \
      "largest token latency, ns")                                                                 \
    X(fill_ns, REAL, REPORT, !r->functional, s->fill_ns,                                           \
      "completion of token 0 (pipeline fill), ns")                                                 \
    X(interval_ns, REAL, REPORT, !r->functional, s->interval_ns,                                   \
      "mean time between token completions after the first, ns")                                   \
    X(service_latency_ns, REAL, REPORT, !r->functional, s->service_latency_ns,                     \
      "mean token latency from its first accept, ns")                                              \
    X(drain_ns, REAL, REPORT, !r->functional, s->drain_ns, "readout and reduction tail, ns")       \
    X(tokens_per_s, REAL, RESULTS, !r->functional, s->tokens_per_s, "throughput, tokens/s")        \
    X(spikes, INT, RESULTS, 1, r->spikes.spikes, "spikes of the trace's tokens")                   \
    X(spike_slots, INT, RESULTS, 1, r->spikes.slots, "time steps x channels over the tokens")      \
    X(firing_rate, REAL, RESULTS, 1, r->spikes.firing_rate, "spikes / spike_slots")                \
    X(sparsity, REAL, RESULTS, 1, r->spikes.sparsity,                                              \
      "silent (token, channel, step) slots: 1 - firing_rate")                                      \
    X(silent_channel_fraction, REAL, RESULTS, 1, r->spikes.silent_channel_fraction,                \
      "silent (token, channel) pairs: count 0, no spike in the window")                            \
    X(ev_per_act, REAL, RESULTS, r->spikes.tokens > 0 && r->spikes.channels > 0,                   \
      (double)r->spikes.spikes / ((double)r->spikes.tokens * (double)r->spikes.channels),          \
      "spike events per activation: spikes / (tokens x in) = (1 - sparsity) x T, events")          \
    X(dead_channel_fraction, REAL, RESULTS, 1, r->spikes.dead_channel_fraction,                    \
      "channels without a spike in any token")                                                     \
    X(spikes_per_firing_channel, REAL, RESULTS, 1, r->spikes.spikes_per_firing_channel,            \
      "spikes per (token, channel) pair that fires")                                               \
    X(exact, BOOL, RESULTS, 1, r->exact, "acc equal to the CPU reference bit for bit")             \
    X(mismatches, INT, RESULTS, 1, r->mismatches, "accumulators differing from the CPU reference") \
    X(has_output, BOOL, RESULTS, 1, r->has_output, "the trace holds <layer>.output")               \
    X(rel_error, REAL, RESULTS, r->has_output, r->rel_error, "y vs <layer>.output: relative L2")   \
    X(cosine, REAL, RESULTS, r->has_output, r->cosine, "y vs <layer>.output: cosine similarity")   \
    X(max_abs_error, REAL, RESULTS, r->has_output, r->max_abs_error,                               \
      "y vs <layer>.output: largest absolute difference")                                          \
    X(snr_db, REAL, RESULTS, r->has_output, r->snr_db,                                             \
      "y vs <layer>.output: SNR, dB (none when equal)")                                            \
    X(energy_pj, REAL, RESULTS, run_result_priced(r), p->energy_pj,                                \
      "energy of the run in the headline model, pJ")                                               \
    X(energy_pj_per_token, REAL, RESULTS, run_result_priced(r), p->energy_pj_per_token,            \
      "energy per token, pJ")                                                                      \
    X(energy_pj_per_synop, REAL, RESULTS, run_result_priced(r), p->energy_pj_per_synop,            \
      "energy per synaptic operation (sops), pJ")                                                  \
    X(energy_pj_per_mac, REAL, RESULTS, run_result_priced(r), p->energy_pj_per_mac,                \
      "energy per MAC of the dense layer (mac_equiv), pJ")                                         \
    X(dynamic_pj, REAL, RESULTS, run_result_priced(r), p->dynamic_pj, "compute + memory, pJ")      \
    X(compute_pj, REAL, RESULTS, run_result_priced(r), p->compute_pj,                              \
      "adds, gated adds, accumulator writes, pJ")                                                  \
    X(memory_pj, REAL, RESULTS, run_result_priced(r), p->memory_pj,                                \
      "decode, FIFO, SRAM, readout, pJ")                                                           \
    X(clock_pj, REAL, RESULTS, run_result_priced(r), p->clock_pj, "clock tree, pJ")                \
    X(clock_model, TEXT, RESULTS, run_result_priced(r) && j->cfg.timing == SIM_SYNC,               \
      p->clock_model,                                                                              \
      "what priced the clock: gated (as built, --clock-gating on), ungated (every flip-flop "      \
      "every cycle), assumed (the uncalibrated table's assumed gating)")                           \
    X(handshake_pj, REAL, RESULTS, run_result_priced(r), p->handshake_pj,                          \
      "async channel handshakes, pJ")                                                              \
    X(noc_pj, REAL, RESULTS, run_result_priced(r), p->noc_pj, "network on chip, pJ")               \
    X(dram_pj, REAL, RESULTS, run_result_priced(r), p->dram_pj, "DRAM weight streaming, pJ")       \
    X(leakage_pj, REAL, RESULTS, run_result_priced(r), p->leakage_pj, "static energy, pJ")         \
    X(ideal_pj, REAL, RESULTS, run_result_priced(r), p->ideal_pj,                                  \
      "SpikingBrain's estimate: sops x int8 add, pJ")                                              \
    X(realistic_pj, REAL, RESULTS, run_result_priced(r), p->realistic_pj,                          \
      "every counted action priced, whatever the model, pJ")                                       \
    X(power_mw, REAL, RESULTS, run_result_priced(r), p->power_mw, "average power, mW")             \
    X(leakage_mw, REAL, RESULTS, run_result_priced(r), p->leakage_mw, "static power, mW")          \
    X(sops, REAL, RESULTS, run_result_priced(r), p->sops,                                          \
      "synaptic operations: adds + adds_gated")                                                    \
    X(mac_equiv, REAL, REPORT, run_result_priced(r), p->mac_equiv,                                 \
      "MACs of the dense layer: tokens x in x out")                                                \
    X(spikes_per_mac, REAL, RESULTS, run_result_priced(r), p->spikes_per_mac, "sops / mac_equiv")  \
    X(ideal_pj_per_mac, REAL, RESULTS, run_result_priced(r), p->ideal_pj_per_mac,                  \
      "spikes_per_mac x int8 add, pJ")                                                             \
    X(int8_mac_pj, REAL, RESULTS, run_result_priced(r), p->int8_mac_pj, "int8 mult + add, pJ")     \
    X(fp16_mac_pj, REAL, RESULTS, run_result_priced(r), p->fp16_mac_pj, "fp16 mult + add, pJ")     \
    X(ideal_vs_int8_pct, REAL, RESULTS, run_result_priced(r), p->ideal_vs_int8_pct,                \
      "ideal_pj_per_mac below an int8 MAC, %")                                                     \
    X(ideal_vs_fp16_pct, REAL, RESULTS, run_result_priced(r), p->ideal_vs_fp16_pct,                \
      "ideal_pj_per_mac below an fp16 MAC, %")                                                     \
    X(node_nm, INT, RESULTS, run_result_priced(r) && p->node_nm > 0, p->node_nm,                   \
      "technology node, nm")                                                                       \
    X(vdd_v, REAL, RESULTS, run_result_priced(r) && p->vdd_v > 0, p->vdd_v, "supply, V")           \
    X(node_approx, BOOL, REPORT, run_result_priced(r), p->node_approx,                             \
      "node factors interpolated (an approximation)")                                              \
    X(priced_by, TEXT, REPORT, run_result_priced(r), p->provenance,                                \
      "which table priced the run: calibrated or not, its node and supply, the translation to "    \
      "node_nm by Stillmaker & Baas 2017")                                                         \
    X(tech_calibrated, BOOL, REPORT, run_result_priced(r), p->tech_calibrated,                     \
      "the table's logic and clock energies are fitted to gate level (else assumed)")              \
    X(tech_node_nm, INT, REPORT, run_result_priced(r), p->tech_node_nm,                            \
      "the table's own node, before the translation, nm")                                          \
    X(tech_vdd_v, REAL, REPORT, run_result_priced(r), p->tech_vdd_v,                               \
      "the table's own supply, before the translation, V")                                         \
    X(tech_energy_scale, REAL, REPORT, run_result_priced(r), p->tech_energy_scale,                 \
      "energy factor from tech_node_nm / tech_vdd_v to node_nm / vdd_v (1: no translation)")       \
    X(area_um2, REAL, RESULTS, run_result_priced(r), p->area_um2, "area of the cores used, um2")   \
    X(area_mm2, REAL, RESULTS, run_result_priced(r), p->area_mm2, "the same, mm2")                 \
    X(core_area_um2, REAL, RESULTS, run_result_priced(r), p->core_area_um2, "one core, um2")       \
    X(sram_area_um2, REAL, RESULTS, run_result_priced(r), p->sram_area_um2,                        \
      "weight SRAM of the chip, um2")                                                              \
    X(logic_area_um2, REAL, RESULTS, run_result_priced(r), p->logic_area_um2,                      \
      "logic of the chip, um2")                                                                    \
    X(area_synthesized, BOOL, RESULTS, run_result_priced(r), p->area_synthesized,                  \
      "logic areas from synthesis (else assumed)")                                                 \
    RUN_AREA_PARTS(X, , area_parts, "spiking")                                                     \
    RUN_AREA_PARTS(X, base_, base_area_parts, "baseline")                                          \
    X(base_sram_area_um2, REAL, RESULTS, run_result_priced(r), p->base_area_parts.sram_um2,        \
      "weight SRAM of the baseline chip, um2")                                                     \
    X(base_logic_area_um2, REAL, RESULTS, run_result_priced(r), p->base_area_parts.logic_um2,      \
      "logic of the baseline chip (all but the SRAM), um2")                                        \
    X(base_energy_pj, REAL, RESULTS, run_result_priced(r), p->base_energy_pj,                      \
      "dense INT8 baseline on the same tile, headline model, pJ")                                  \
    X(base_realistic_pj, REAL, RESULTS, run_result_priced(r), p->base_realistic_pj,                \
      "the baseline's realistic energy, pJ")                                                       \
    X(base_energy_pj_per_token, REAL, RESULTS, run_result_priced(r), p->base_energy_pj_per_token,  \
      "baseline energy per token, pJ")                                                             \
    X(base_energy_pj_per_mac, REAL, RESULTS, run_result_priced(r), p->base_energy_pj_per_mac,      \
      "baseline energy per MAC, pJ")                                                               \
    X(base_power_mw, REAL, RESULTS, run_result_priced(r), p->base_power_mw,                        \
      "baseline average power, mW")                                                                \
    X(base_area_um2, REAL, RESULTS, run_result_priced(r), p->base_area_um2, "baseline area, um2")  \
    X(base_latency_ns, REAL, RESULTS, run_result_priced(r), p->base_latency_ns,                    \
      "baseline duration, ns")                                                                     \
    X(base_cycles, REAL, REPORT, run_result_priced(r), p->base_cycles,                             \
      "baseline duration, cycles")                                                                 \
    X(base_clock_pj, REAL, REPORT, run_result_priced(r), p->base_clock_pj,                         \
      "the baseline's clock energy over its own run, pJ")                                          \
    X(base_leakage_pj, REAL, REPORT, run_result_priced(r), p->base_leakage_pj,                     \
      "the baseline's leakage energy over its own run, pJ")                                        \
    X(base_lanes_used, INT, RESULTS, run_result_priced(r), p->base_lanes,                          \
      "lanes of the baseline priced (wide: as matched or given)")                                  \
    X(base_planes, INT, RESULTS, run_result_priced(r) && p->base_planes > 0, p->base_planes,       \
      "bit-planes of the bit-serial baseline")                                                     \
    X(base_area_exact, BOOL, RESULTS, run_result_priced(r), p->base_area_exact,                    \
      "baseline MAC tile area synthesized at exactly its parameters (else scaled per part)")       \
    X(energy_reduction_pct, REAL, RESULTS, run_result_priced(r), p->energy_reduction_pct,          \
      "energy below the baseline, %")                                                              \
    X(sram_source, TEXT, REPORT, run_result_priced(r) && j->model == POWER_REALISTIC,              \
      p->sram_source,                                                                              \
      "the SRAM rows that priced the weight reads (published macro data) and their source")        \
    X(sram_pj, REAL, REPORT, run_result_priced(r) && j->model == POWER_REALISTIC, p->sram_pj,      \
      "SRAM energy of the spiking run (array reads, DRAM buffer writes), pJ")                      \
    X(base_sram_pj, REAL, REPORT, run_result_priced(r) && j->model == POWER_REALISTIC,             \
      p->base_sram_pj, "SRAM energy of the baseline, pJ")                                          \
    X(energy_reduction_sram_half_pct, REAL, REPORT,                                                \
      run_result_priced(r) && j->model == POWER_REALISTIC, p->energy_reduction_sram_half_pct,      \
      "energy_reduction_pct with both sides' SRAM energy x0.5, %")                                 \
    X(energy_reduction_sram_double_pct, REAL, REPORT,                                              \
      run_result_priced(r) && j->model == POWER_REALISTIC, p->energy_reduction_sram_double_pct,    \
      "energy_reduction_pct with both sides' SRAM energy x2, %")                                   \
    X(common_time_ns, REAL, RESULTS, run_result_priced(r), p->common_time_ns,                      \
      "common window: the longer of duration_ns and base_latency_ns, ns")                          \
    X(energy_common_pj, REAL, REPORT, run_result_priced(r), p->energy_common_pj,                   \
      "energy over common_time_ns (idle tail: leakage + idle clock), pJ")                          \
    X(base_energy_common_pj, REAL, REPORT, run_result_priced(r), p->base_energy_common_pj,         \
      "baseline energy over common_time_ns (idle tail included), pJ")                              \
    X(power_common_mw, REAL, RESULTS, run_result_priced(r), p->power_common_mw,                    \
      "power at the common throughput: energy_common_pj / common_time_ns, mW")                     \
    X(base_power_common_mw, REAL, RESULTS, run_result_priced(r), p->base_power_common_mw,          \
      "baseline power at the common throughput, mW")                                               \
    X(power_reduction_pct, REAL, RESULTS, run_result_priced(r), p->power_reduction_pct,            \
      "power below the baseline at a common throughput (power_common_mw), %")                      \
    X(power_reduction_own_time_pct, REAL, RESULTS, run_result_priced(r),                           \
      p->power_reduction_own_time_pct,                                                             \
      "average power below the baseline's, each over its own run time (power_mw), %")              \
    X(area_reduction_pct, REAL, RESULTS, run_result_priced(r), p->area_reduction_pct,              \
      "area below the baseline, %")                                                                \
    X(logic_area_reduction_pct, REAL, RESULTS, run_result_priced(r), p->logic_area_reduction_pct,  \
      "logic area (all but the SRAM) below the baseline's, %")                                     \
    X(datapath_area_reduction_pct, REAL, RESULTS, run_result_priced(r),                            \
      p->datapath_area_reduction_pct,                                                              \
      "datapath area (lanes + accumulator banks + readout) below the baseline's, %")               \
    X(area_reduction_ceiling_pct, REAL, RESULTS, run_result_priced(r),                             \
      p->area_reduction_ceiling_pct,                                                               \
      "largest area_reduction_pct possible with the spiking SRAM kept: logic free, %")             \
    X(event_energy_pj, REAL, REPORT, run_result_priced(r), p->event_energy_pj,                     \
      "part of energy_pj that scales with the spike events, pJ")                                   \
    X(fixed_energy_pj, REAL, REPORT, run_result_priced(r), p->fixed_energy_pj,                     \
      "part of energy_pj that does not (EOTs, readout, reduction, DRAM, rest of the time), pJ")    \
    X(break_even_ev_per_act, REAL, RESULTS, run_result_priced(r), p->break_even_ev_per_act,        \
      "ev_per_act at which energy_pj equals base_energy_pj (none: unreachable), events")           \
    X(energy_reduction_slope_pct, REAL, REPORT, run_result_priced(r),                              \
      p->energy_reduction_slope_pct, "change of energy_reduction_pct per +1 ev_per_act, %")        \
    X(latency_reduction_pct, REAL, RESULTS, run_result_priced(r), p->latency_reduction_pct,        \
      "latency below the baseline, %")                                                             \
    X(permuted, BOOL, RESULTS, 1, r->permuted,                                                     \
      "the image permuted the layer's inputs (the counts too)")                                    \
    X(has_ref, BOOL, RESULTS, 1, r->has_ref, "compared with a reference (--ref)")                  \
    X(ref_acc_exact, BOOL, RESULTS, r->has_ref, r->ref_acc.mismatches == 0,                        \
      "acc equal to the reference's bit for bit")                                                  \
    X(ref_acc_compared, INT, RESULTS, r->has_ref, r->ref_acc.n, "acc elements compared")           \
    X(ref_acc_mismatches, INT, RESULTS, r->has_ref, r->ref_acc.mismatches,                         \
      "acc elements differing from the reference")                                                 \
    X(ref_acc_max_abs_diff, REAL, RESULTS, r->has_ref, r->ref_acc.max_abs_diff,                    \
      "largest absolute acc difference")                                                           \
    X(ref_y_cosine, REAL, RESULTS, r->has_ref, r->ref_y.cosine, "y vs the reference's y: cosine")  \
    X(ref_y_rel_l2, REAL, RESULTS, r->has_ref, r->ref_y.rel_l2,                                    \
      "y vs the reference's y: relative L2 (none when the reference is zero)")                     \
    X(ref_y_max_abs, REAL, RESULTS, r->has_ref, r->ref_y.max_abs,                                  \
      "y vs the reference's y: largest absolute difference")                                       \
    X(ref_y_snr_db, REAL, RESULTS, r->has_ref, r->ref_y.snr_db,                                    \
      "y vs the reference's y: SNR, dB (none when equal)")                                         \
    X(ref_y_nonfinite, INT, RESULTS, r->has_ref, r->ref_y.nonfinite_a + r->ref_y.nonfinite_b,      \
      "NaN/Inf elements on either side (not compared)")

/* The area of one side by part (power_report.area_parts / base_area_parts),
 * reported, not stored. */
#define RUN_AREA_PARTS(X, pre, s, side)                                                            \
    X(pre##acc_area_um2, REAL, REPORT, run_result_priced(r), p->s.acc_um2,                         \
      side " accumulator banks (synthesized: lane adders included), um2")                          \
    X(pre##lanes_area_um2, REAL, REPORT, run_result_priced(r), p->s.lanes_um2,                     \
      side " lanes: adders / MACs / shift-add (synthesized spiking: in acc), um2")                 \
    X(pre##readout_area_um2, REAL, REPORT, run_result_priced(r), p->s.readout_um2,                 \
      side " readout, um2")                                                                        \
    X(pre##fifo_area_um2, REAL, REPORT, run_result_priced(r), p->s.fifo_um2, side " FIFO, um2")    \
    X(pre##pipe_area_um2, REAL, REPORT, run_result_priced(r), p->s.pipe_um2,                       \
      side " SRAM read pipeline (+ row register with row reuse), um2")                             \
    X(pre##control_area_um2, REAL, REPORT, run_result_priced(r), p->s.control_um2,                 \
      side " control (and async stage controllers), um2")                                          \
    X(pre##router_area_um2, REAL, REPORT, run_result_priced(r), p->s.router_um2,                   \
      side " routers, um2")                                                                        \
    X(pre##datapath_area_um2, REAL, REPORT, run_result_priced(r), p->s.datapath_um2,               \
      side " lanes + accumulator banks + readout, um2")

typedef enum { RUN_F_INT, RUN_F_REAL, RUN_F_BOOL, RUN_F_TEXT } run_field_type;
typedef enum { RUN_IN_RESULTS, RUN_IN_RUNS, RUN_IN_REPORT } run_field_home;

/* One field's value: i for INT and BOOL, d for REAL, s for TEXT (it may
 * point into buf, or at strings of j and r). */
typedef struct {
    run_field_type type;
    int64_t i;
    double d;
    const char *s;
    char buf[32];
} run_value;

typedef struct {
    const char *name;
    run_field_type type;
    run_field_home home;
    const char *help;
    /* fills *v; 0 when the field has no value for this run (null) */
    int (*value)(const run_job *j, const run_result *r, run_value *v);
} run_field;

/* RUN_REPORT_FIELDS as data, in its order. */
extern const run_field run_report_fields[];
extern const size_t run_report_nfields;

/* Whether the run was priced (power_price ran): a zeroed power_report (an
 * evaluator that does not price) gives no energy figures, not zeros. */
int run_result_priced(const run_result *r);

/* A layer's report as a cJSON object (caller frees with cJSON_Delete; NULL
 * when out of memory): every field of RUN_REPORT_FIELDS (null where it has
 * no value), then `counters` (SIM_COUNTERS: counts, and times as
 * <name>_cycles or <name>_ps), with per_core `per_core` (the counters of
 * every core with its row_block and col_block), `energy_lines` (the priced
 * terms: component, action, count, count_unit, unit_pj, energy_pj,
 * energy_group) and `explain` (the chain ideal -> realistic: step,
 * delta_pj). Declared with a forward struct so run.h needs no cjson. */
struct cJSON;
struct cJSON *run_report_json(const run_job *j, const run_result *r, int per_core);
/* ---- what sweep points share (run_cache.c) ----
 * A cache of quantized weights, spike counts, events and statistics, the
 * reference acc and the input files' checksums, each under a key of
 * exactly what it depends on; run_job_exec_cached computes only what is
 * missing. Results are identical with and without it (run_job_exec uses a
 * private one per run). One cache per process, not thread-safe. */
typedef struct run_cache run_cache;
typedef struct {
    uint64_t hits, misses, evictions;
    size_t bytes; /* held now */
} run_cache_stats;
#define RUN_CACHE_DEFAULT_BYTES ((size_t)2 << 30) /* 2 GiB */
/* budget: bytes kept beyond the entries in use (least recently used evicted). */
ax_result run_cache_new(size_t budget, run_cache **c, char **err);
void run_cache_free(run_cache *c); /* NULL is a no-op */
void run_cache_get_stats(const run_cache *c, run_cache_stats *st);
/* run_job_exec with c (NULL: a private cache for this run only). */
ax_result run_job_exec_cached(const run_job *j, run_cache *c, run_result *r, char **err);
/* Puts j's shared parts (weights, counts, events, reference) into c without
 * simulating: a sweep fills its cache once before forking its workers, which
 * then share it copy-on-write. c NULL: nothing to do. */
ax_result run_job_prepare(const run_job *j, run_cache *c, char **err);

/* ---- which layers (run_layers.c, run_image.c) ---- */

/* The layers of j when j->layer is NULL: every `<layer>.weight` of
 * j->weights (or every layer of j->image) whose `<layer>.input` is in
 * j->trace. *names (n malloc'd strings and the array) is the caller's to
 * free. AX_ENOTFOUND when there is none. */
ax_result run_layers_find(const run_job *j, char ***names, size_t *n, char **err);
/* The image's layers whose `<layer>.input` is in the trace (names malloc'd). */
ax_result run_image_layers(const run_job *j, char ***names, size_t *n, char **err);
/* --image: takes the image's tile (AX_EPARAM when tile_given and the tile
 * differs) and weight group (same with group_given) into j. */
ax_result run_image_setup(run_job *j, int tile_given, int group_given, char **err);

/* ---- the layers `axon map` works on (run_sel.c) ---- */

#include "../mapper/map.h"

/* SRAM pricing from power/ (docs/design.md §4), per core of R x C int8 weights. */
typedef struct {
    char version[128];    /* technology table version */
    double read64_pj;     /* one 64-bit read of the R*C-byte macro */
    double row_read_pj;   /* one axon row: ceil(C*8/64) 64-bit reads */
    double sram_area_um2; /* one core's weight SRAM */
    double core_area_um2; /* one core (SRAM + logic + router) */
} run_map_price;

typedef struct {
    char *name;       /* owned */
    const char *file; /* checkpoint file holding it (not owned) */
    size_t out, in;
    const char *dtype; /* static */
    size_t group;      /* weight group (0 = per channel): the group asked for, or from an
                            int8 checkpoint's weight_scale shape */
    map_tiling t;
    map_layer_place lp; /* owned */
    map_layer_stats st;
    map_tile_stats *tiles; /* owned, [t.cores] with --tiles */
} run_map_layer;

typedef struct {
    run_map_layer *l; /* owned, [n] */
    size_t n;
    size_t cores_used; /* resident cores (pass 0) */
    uint32_t passes;   /* mesh loads */
    uint64_t peak_rss_kib;
    run_map_price price;
    size_t skipped_ndim;    /* `*.weight` tensors that are not [out, in] */
    char skipped_name[300]; /* the first of them, for the error */
} run_map_sel;

/* run_map_sel.c: appends the matching linear layers of one checkpoint file
 * (group: --group, int8 layers take theirs from the scale shape); places
 * every layer (AX_ERANGE naming the layer that does not fit); prices one
 * core's SRAM; frees the selection. */
ax_result run_map_sel_list(const char *path, size_t group, run_map_sel *sel, char *const *globs,
                           int nglobs, char **err);
ax_result run_map_sel_place(run_map_sel *sel, int W, int H, int dram, char **err);
/* prices one core of tech (NULL: built-in 45 nm) at node_nm (0: the table's) holding R x C int8 weights */
ax_result run_map_sel_price(const char *tech, int node_nm, int R, int C, run_map_price *p,
                            char **err);
void run_map_sel_free(run_map_sel *sel);

/* ---- identity of a run (run_config.c): the one config hash ---- */

/* Identity of an input file: FNV-1a 64 of its size (8 bytes, little
 * endian) followed by its first and last MiB (the whole file when it is at
 * most 2 MiB). Cheap on 10 GB checkpoints; docs/db.md says what it misses. */
typedef struct {
    uint64_t weights_sum, weights_bytes, trace_sum, trace_bytes;
    uint64_t image_sum, image_bytes, ref_sum, ref_bytes; /* job->image / job->ref, 0 if none */
} run_files;
ax_result run_file_checksum(const char *path, uint64_t *sum, uint64_t *bytes, char **err);
ax_result run_files_of(const run_job *j, run_files *f, char **err);

/* Canonical config text (malloc'd JSON, caller frees) and its hash.
 * files may be NULL (then they are checksummed here). tech_version is the
 * technology table's version string (NULL: "builtin-45nm"). */
ax_result run_config(const run_job *j, const run_files *files, const char *tech_version,
                     char **text, uint64_t *hash, char **err);
/* Version string of j's technology table (j->tech, NULL: built-in) at j's
 * node and supply, as power_table_open reports it: what runs priced with it
 * store (a node or supply sweep has one version per point). */
ax_result run_tech_version(const run_job *j, char *out, size_t n, char **err);
/* 16 lower-case hex digits + NUL. */
void run_hash_hex(uint64_t h, char out[17]);

#endif
