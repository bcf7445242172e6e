/*
 * db_migrate — the migrations of the results schema, in order;
 * db_migrations[v] takes a database from version v to v+1 (db_schema.c runs
 * each in one transaction with the PRAGMA user_version bump). A released
 * migration is never edited: a change is a new migration at the end.
 *   1: tables runs, results, counters, components, cores, sweeps,
 *      sweep_points, sweep_errors (docs/db.md lists every column and unit)
 *   2: views v_runs, v_sweep_points, v_baseline, v_sweeps and indexes for
 *      the common questions
 *   3: power report columns (ideal/realistic, per-MAC comparison, operating
 *      point, area split), table energy_lines, views rebuilt
 *   4: core image and reference of `axon run --image/--ref` (runs: image and
 *      ref files; results: permuted and the comparison with the reference),
 *      views rebuilt
 *   5: counter stall_dram (stall_dram_ns in counters and cores), views rebuilt
 *   6: runs columns of every run parameter (DRAM streaming, node, supply, tech file)
 *   7: v_baseline shows duration_ns
 *   8: counter sram_rows_read (counters and cores), runs columns row_reuse and
 *      batch_tokens, views rebuilt
 *   9: baseline kind (runs: baseline, base_lanes; results: base_lanes_used,
 *      base_planes, base_area_exact), v_baseline rebuilt
 *   10: fair-comparison columns (events per activation, break-even, power at a
 *      common throughput, area split), views rebuilt
 *   11: counters lane_adds_nonzero, sram_words_nonzero and lane_adds_shift
 *      (counters and cores), views rebuilt
 *   12: clock as built: runs column clock_gating, results column clock_model,
 *      views rebuilt
 *   13: counter lane_term_toggles (counters and cores), views rebuilt
 *   14: counters acc_write_toggles, lane_term_toggles_seq and
 *      acc_readout_ones (counters and cores), views rebuilt
 *
 * The released migrations spell their columns out by hand, as they were;
 * the current lists (sim/sim.h SIM_COUNTERS, run/run.h RUN_REPORT_FIELDS)
 * must match the schema they build, which tests/test_db_schema.c checks.
 */
#include "db_int.h"

/* Result columns shared by the results table and the views (they do not
 * clash with any column of runs or counters). */
#define RESULT_COLS_V2                                                                             \
    "tokens, in_features, out_features, cores, mesh_w, mesh_h, steps_used, time_unit, "            \
    "duration, cycles, duration_ns, latency_ns_per_token, max_latency_ns, tokens_per_s, "          \
    "energy_pj, energy_pj_per_token, energy_pj_per_synop, dynamic_pj, leakage_pj, clock_pj, "      \
    "handshake_pj, noc_pj, dram_pj, power_mw, area_um2, area_mm2, base_energy_pj, "                \
    "base_energy_pj_per_token, base_power_mw, base_area_um2, base_latency_ns, "                    \
    "energy_reduction_pct, power_reduction_pct, area_reduction_pct, spikes, spike_slots, "         \
    "firing_rate, sparsity, silent_channel_fraction, dead_channel_fraction, "                      \
    "spikes_per_firing_channel, exact, mismatches, has_output, rel_error, cosine, "                \
    "max_abs_error, snr_db"

#define COUNTER_DEFS                                                                               \
    "events INTEGER, eots INTEGER, sram_words INTEGER, sram_words_skipped INTEGER, "               \
    "adds INTEGER, adds_gated INTEGER, acc_writes INTEGER, readout_beats INTEGER, "                \
    "flits INTEGER, flit_hops INTEGER, handshakes INTEGER, reduce_adds INTEGER, "                  \
    "dram_bursts INTEGER, dram_bursts_skipped INTEGER, active_ns REAL, idle_ns REAL, "             \
    "stall_fifo_ns REAL, stall_readout_ns REAL, stall_noc_ns REAL"

#define COUNTER_COLS                                                                               \
    "events, eots, sram_words, sram_words_skipped, adds, adds_gated, acc_writes, "                 \
    "readout_beats, flits, flit_hops, handshakes, reduce_adds, dram_bursts, "                      \
    "dram_bursts_skipped, active_ns, idle_ns, stall_fifo_ns, stall_readout_ns, stall_noc_ns"

static const char mig1[] =
    "CREATE TABLE sweeps ("
    " id INTEGER PRIMARY KEY, spec_hash TEXT NOT NULL UNIQUE, spec TEXT NOT NULL,"
    " started_utc TEXT NOT NULL, finished_utc TEXT, status TEXT NOT NULL,"
    " points_total INTEGER NOT NULL DEFAULT 0, shard TEXT);"
    "CREATE TABLE runs ("
    " id INTEGER PRIMARY KEY, config_hash TEXT NOT NULL, axon_version TEXT NOT NULL,"
    " tech_version TEXT NOT NULL, evaluator TEXT NOT NULL DEFAULT 'sim',"
    " created_utc TEXT NOT NULL,"
    " weights_file TEXT, weights_fnv1a64 TEXT, weights_bytes INTEGER,"
    " trace_file TEXT, trace_fnv1a64 TEXT, trace_bytes INTEGER, layer TEXT,"
    " timing TEXT NOT NULL, async INTEGER NOT NULL, clock_mhz REAL,"
    " tile_rows INTEGER, tile_cols INTEGER, lanes INTEGER, sram_latency_cycles INTEGER,"
    " fifo_depth INTEGER, acc_bits INTEGER, readout_bits INTEGER, double_buffer INTEGER,"
    " zero_gating INTEGER, handshake_phases INTEGER, t_req_ps INTEGER, t_ack_ps INTEGER,"
    " t_decode_ps INTEGER, t_sram_ps INTEGER, t_add_ps INTEGER, t_readout_ps INTEGER,"
    " mesh_w_cfg INTEGER, mesh_h_cfg INTEGER, hop_cycles INTEGER, hop_ps INTEGER,"
    " link_bits INTEGER, coding TEXT, k REAL, clamp INTEGER, count_min INTEGER,"
    " count_max INTEGER, steps INTEGER, group_size INTEGER, power_model TEXT,"
    " config TEXT NOT NULL, UNIQUE (config_hash, axon_version));"
    "CREATE TABLE results ("
    " run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,"
    " tokens INTEGER, in_features INTEGER, out_features INTEGER, cores INTEGER,"
    " mesh_w INTEGER, mesh_h INTEGER, steps_used INTEGER, time_unit TEXT, duration INTEGER,"
    " cycles INTEGER, duration_ns REAL, latency_ns_per_token REAL, max_latency_ns REAL,"
    " tokens_per_s REAL, energy_pj REAL, energy_pj_per_token REAL, energy_pj_per_synop REAL,"
    " dynamic_pj REAL, leakage_pj REAL, clock_pj REAL, handshake_pj REAL, noc_pj REAL,"
    " dram_pj REAL, power_mw REAL, area_um2 REAL, area_mm2 REAL, base_energy_pj REAL,"
    " base_energy_pj_per_token REAL, base_power_mw REAL, base_area_um2 REAL,"
    " base_latency_ns REAL, energy_reduction_pct REAL, power_reduction_pct REAL,"
    " area_reduction_pct REAL, spikes INTEGER, spike_slots INTEGER, firing_rate REAL,"
    " sparsity REAL, silent_channel_fraction REAL, dead_channel_fraction REAL,"
    " spikes_per_firing_channel REAL, exact INTEGER, mismatches INTEGER, has_output INTEGER,"
    " rel_error REAL, cosine REAL, max_abs_error REAL, snr_db REAL);"
    "CREATE TABLE counters (run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,"
    " " COUNTER_DEFS ");"
    "CREATE TABLE cores (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " core INTEGER NOT NULL, " COUNTER_DEFS ", PRIMARY KEY (run_id, core));"
    "CREATE TABLE components (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " component TEXT NOT NULL, energy_pj REAL NOT NULL, PRIMARY KEY (run_id, component));"
    "CREATE TABLE sweep_points ("
    " sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,"
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " PRIMARY KEY (sweep_id, run_id));"
    "CREATE TABLE sweep_errors (id INTEGER PRIMARY KEY,"
    " sweep_id INTEGER REFERENCES sweeps(id) ON DELETE CASCADE, config_hash TEXT NOT NULL,"
    " label TEXT, error TEXT NOT NULL, at_utc TEXT NOT NULL);";

static const char mig2[] =
    "CREATE VIEW v_runs AS SELECT r.id AS run_id, r.tile_rows || 'x' || r.tile_cols AS tile,"
    " r.*, " RESULT_COLS_V2 ", " COUNTER_COLS
    " FROM runs r JOIN results x ON x.run_id = r.id LEFT JOIN counters c ON c.run_id = r.id;"
    "CREATE VIEW v_sweep_points AS SELECT sp.sweep_id, v.* FROM sweep_points sp"
    " JOIN v_runs v ON v.run_id = sp.run_id;"
    "CREATE VIEW v_baseline AS SELECT run_id, layer, tile, timing, clock_mhz, coding, k,"
    " energy_pj, base_energy_pj, energy_reduction_pct, power_mw, base_power_mw,"
    " power_reduction_pct, area_um2, base_area_um2, area_reduction_pct,"
    " latency_ns_per_token, base_latency_ns FROM v_runs;"
    "CREATE VIEW v_sweeps AS SELECT s.id AS sweep_id, s.status, s.shard, s.points_total,"
    " (SELECT count(*) FROM sweep_points p WHERE p.sweep_id = s.id) AS points_done,"
    " (SELECT count(*) FROM sweep_errors e WHERE e.sweep_id = s.id) AS errors,"
    " s.started_utc, s.finished_utc, s.spec_hash FROM sweeps s;"
    "CREATE INDEX runs_layer ON runs(layer, coding, tile_rows, tile_cols);"
    "CREATE INDEX sweep_points_run ON sweep_points(run_id);"
    "CREATE INDEX results_energy ON results(energy_pj_per_token);";


/* 3: the power layer's fuller report (ideal vs realistic pricing, per-MAC
 * comparison of SpikingBrain, operating point, area split) and its priced
 * lines; the views are rebuilt to show the new columns. */
#define RESULT_COLS_V3                                                                             \
    RESULT_COLS_V2                                                                                 \
    ", sops, ideal_pj, realistic_pj, compute_pj, memory_pj, leakage_mw, "                          \
    "energy_pj_per_mac, base_energy_pj_per_mac, base_realistic_pj, latency_reduction_pct, "        \
    "spikes_per_mac, ideal_pj_per_mac, int8_mac_pj, fp16_mac_pj, ideal_vs_int8_pct, "              \
    "ideal_vs_fp16_pct, node_nm, vdd_v, core_area_um2, sram_area_um2, logic_area_um2, "            \
    "area_synthesized"

static const char mig3[] =
    "ALTER TABLE results ADD COLUMN sops REAL;"
    "ALTER TABLE results ADD COLUMN ideal_pj REAL;"
    "ALTER TABLE results ADD COLUMN realistic_pj REAL;"
    "ALTER TABLE results ADD COLUMN compute_pj REAL;"
    "ALTER TABLE results ADD COLUMN memory_pj REAL;"
    "ALTER TABLE results ADD COLUMN leakage_mw REAL;"
    "ALTER TABLE results ADD COLUMN energy_pj_per_mac REAL;"
    "ALTER TABLE results ADD COLUMN base_energy_pj_per_mac REAL;"
    "ALTER TABLE results ADD COLUMN base_realistic_pj REAL;"
    "ALTER TABLE results ADD COLUMN latency_reduction_pct REAL;"
    "ALTER TABLE results ADD COLUMN spikes_per_mac REAL;"
    "ALTER TABLE results ADD COLUMN ideal_pj_per_mac REAL;"
    "ALTER TABLE results ADD COLUMN int8_mac_pj REAL;"
    "ALTER TABLE results ADD COLUMN fp16_mac_pj REAL;"
    "ALTER TABLE results ADD COLUMN ideal_vs_int8_pct REAL;"
    "ALTER TABLE results ADD COLUMN ideal_vs_fp16_pct REAL;"
    "ALTER TABLE results ADD COLUMN node_nm INTEGER;"
    "ALTER TABLE results ADD COLUMN vdd_v REAL;"
    "ALTER TABLE results ADD COLUMN core_area_um2 REAL;"
    "ALTER TABLE results ADD COLUMN sram_area_um2 REAL;"
    "ALTER TABLE results ADD COLUMN logic_area_um2 REAL;"
    "ALTER TABLE results ADD COLUMN area_synthesized INTEGER;"
    "CREATE TABLE energy_lines (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " line INTEGER NOT NULL, component TEXT NOT NULL, action TEXT NOT NULL, count REAL,"
    " count_unit TEXT, unit_pj REAL, energy_pj REAL, energy_group TEXT,"
    " PRIMARY KEY (run_id, line));"
    "DROP VIEW v_sweep_points; DROP VIEW v_baseline; DROP VIEW v_runs;"
    "CREATE VIEW v_runs AS SELECT r.id AS run_id, r.tile_rows || 'x' || r.tile_cols AS tile,"
    " r.*, " RESULT_COLS_V3 ", " COUNTER_COLS
    " FROM runs r JOIN results x ON x.run_id = r.id LEFT JOIN counters c ON c.run_id = r.id;"
    "CREATE VIEW v_sweep_points AS SELECT sp.sweep_id, v.* FROM sweep_points sp"
    " JOIN v_runs v ON v.run_id = sp.run_id;"
    "CREATE VIEW v_baseline AS SELECT run_id, layer, tile, timing, clock_mhz, coding, k,"
    " power_model, energy_pj, base_energy_pj, energy_reduction_pct, power_mw, base_power_mw,"
    " power_reduction_pct, area_um2, base_area_um2, area_reduction_pct,"
    " latency_ns_per_token, base_latency_ns, latency_reduction_pct, ideal_pj_per_mac,"
    " int8_mac_pj, ideal_vs_int8_pct, ideal_vs_fp16_pct FROM v_runs;";

/* 4: `axon run --image FILE.axi` (the core image the weights came from, and
 * whether it permuted the layer's inputs) and `--ref R.safetensors` (the
 * comparison with `axon ref`'s acc, exact, and y). The views are rebuilt. */
#define RESULT_COLS_V4                                                                             \
    RESULT_COLS_V3                                                                                 \
    ", permuted, has_ref, ref_acc_exact, ref_acc_compared, ref_acc_mismatches, "                   \
    "ref_acc_max_abs_diff, ref_y_cosine, ref_y_rel_l2, ref_y_max_abs, ref_y_snr_db, "              \
    "ref_y_nonfinite"

static const char mig4[] =
    "ALTER TABLE runs ADD COLUMN image_file TEXT;"
    "ALTER TABLE runs ADD COLUMN image_fnv1a64 TEXT;"
    "ALTER TABLE runs ADD COLUMN image_bytes INTEGER;"
    "ALTER TABLE runs ADD COLUMN ref_file TEXT;"
    "ALTER TABLE runs ADD COLUMN ref_fnv1a64 TEXT;"
    "ALTER TABLE runs ADD COLUMN ref_bytes INTEGER;"
    "ALTER TABLE results ADD COLUMN permuted INTEGER;"
    "ALTER TABLE results ADD COLUMN has_ref INTEGER;"
    "ALTER TABLE results ADD COLUMN ref_acc_exact INTEGER;"
    "ALTER TABLE results ADD COLUMN ref_acc_compared INTEGER;"
    "ALTER TABLE results ADD COLUMN ref_acc_mismatches INTEGER;"
    "ALTER TABLE results ADD COLUMN ref_acc_max_abs_diff REAL;"
    "ALTER TABLE results ADD COLUMN ref_y_cosine REAL;"
    "ALTER TABLE results ADD COLUMN ref_y_rel_l2 REAL;"
    "ALTER TABLE results ADD COLUMN ref_y_max_abs REAL;"
    "ALTER TABLE results ADD COLUMN ref_y_snr_db REAL;"
    "ALTER TABLE results ADD COLUMN ref_y_nonfinite INTEGER;"
    "DROP VIEW v_sweep_points; DROP VIEW v_baseline; DROP VIEW v_runs;"
    "CREATE VIEW v_runs AS SELECT r.id AS run_id, r.tile_rows || 'x' || r.tile_cols AS tile,"
    " r.*, " RESULT_COLS_V4 ", " COUNTER_COLS
    " FROM runs r JOIN results x ON x.run_id = r.id LEFT JOIN counters c ON c.run_id = r.id;"
    "CREATE VIEW v_sweep_points AS SELECT sp.sweep_id, v.* FROM sweep_points sp"
    " JOIN v_runs v ON v.run_id = sp.run_id;"
    "CREATE VIEW v_baseline AS SELECT run_id, layer, tile, timing, clock_mhz, coding, k,"
    " power_model, energy_pj, base_energy_pj, energy_reduction_pct, power_mw, base_power_mw,"
    " power_reduction_pct, area_um2, base_area_um2, area_reduction_pct,"
    " latency_ns_per_token, base_latency_ns, latency_reduction_pct, ideal_pj_per_mac,"
    " int8_mac_pj, ideal_vs_int8_pct, ideal_vs_fp16_pct FROM v_runs;";

/* 5: the counter stall_dram (accept delayed by weights still coming from
 * DRAM), counted and reported since DRAM streaming but not stored. Old
 * runs keep NULL. The views are rebuilt to show it. */
#define COUNTER_COLS_V5 COUNTER_COLS ", stall_dram_ns"

static const char mig5[] =
    "ALTER TABLE counters ADD COLUMN stall_dram_ns REAL;"
    "ALTER TABLE cores ADD COLUMN stall_dram_ns REAL;"
    "DROP VIEW v_sweep_points; DROP VIEW v_baseline; DROP VIEW v_runs;"
    "CREATE VIEW v_runs AS SELECT r.id AS run_id, r.tile_rows || 'x' || r.tile_cols AS tile,"
    " r.*, " RESULT_COLS_V4 ", " COUNTER_COLS_V5
    " FROM runs r JOIN results x ON x.run_id = r.id LEFT JOIN counters c ON c.run_id = r.id;"
    "CREATE VIEW v_sweep_points AS SELECT sp.sweep_id, v.* FROM sweep_points sp"
    " JOIN v_runs v ON v.run_id = sp.run_id;"
    "CREATE VIEW v_baseline AS SELECT run_id, layer, tile, timing, clock_mhz, coding, k,"
    " power_model, energy_pj, base_energy_pj, energy_reduction_pct, power_mw, base_power_mw,"
    " power_reduction_pct, area_um2, base_area_um2, area_reduction_pct,"
    " latency_ns_per_token, base_latency_ns, latency_reduction_pct, ideal_pj_per_mac,"
    " int8_mac_pj, ideal_vs_int8_pct, ideal_vs_fp16_pct FROM v_runs;";

/* 6: every run parameter of the parameter table has its runs column
 * (run_param_columns): DRAM streaming, the requested node, supply and
 * technology table file. v_runs selects r.*, so it shows them as they are. */
static const char mig6[] = "ALTER TABLE runs ADD COLUMN dram INTEGER;"
                           "ALTER TABLE runs ADD COLUMN dram_burst_bytes INTEGER;"
                           "ALTER TABLE runs ADD COLUMN dram_bytes_per_cycle INTEGER;"
                           "ALTER TABLE runs ADD COLUMN dram_latency_cycles INTEGER;"
                           "ALTER TABLE runs ADD COLUMN dram_burst_ps INTEGER;"
                           "ALTER TABLE runs ADD COLUMN dram_latency_ps INTEGER;"
                           "ALTER TABLE runs ADD COLUMN tech_file TEXT;"
                           "ALTER TABLE runs ADD COLUMN node_nm_cfg INTEGER;"
                           "ALTER TABLE runs ADD COLUMN vdd_v_cfg REAL;";

/* 7: v_baseline puts the spiking layer's duration beside the baseline's
 * (base_latency_ns is the dense tile's whole duration, not a per-token
 * latency); both per-token latencies follow. */
static const char mig7[] =
    "DROP VIEW v_baseline;"
    "CREATE VIEW v_baseline AS SELECT run_id, layer, tile, timing, clock_mhz, coding, k,"
    " power_model, energy_pj, base_energy_pj, energy_reduction_pct, power_mw, base_power_mw,"
    " power_reduction_pct, area_um2, base_area_um2, area_reduction_pct,"
    " duration_ns, base_latency_ns, latency_reduction_pct, ideal_pj_per_mac,"
    " int8_mac_pj, ideal_vs_int8_pct, ideal_vs_fp16_pct FROM v_runs;";

/* 8: the row-reuse core: the counter sram_rows_read (weight-row reads; equal
 * to events for the core that reads a row per event) and the run parameters
 * row_reuse and batch_tokens. Old runs keep NULL (they read a row per event,
 * one token at a time). v_runs is rebuilt to show the counter (its counter
 * columns are listed, the runs columns come with r.*); the views over it
 * are rebuilt as migration 7 left them. */
#define COUNTER_COLS_V8 COUNTER_COLS_V5 ", sram_rows_read"

static const char mig8[] =
    "ALTER TABLE counters ADD COLUMN sram_rows_read INTEGER;"
    "ALTER TABLE cores ADD COLUMN sram_rows_read INTEGER;"
    "ALTER TABLE runs ADD COLUMN row_reuse INTEGER;"
    "ALTER TABLE runs ADD COLUMN batch_tokens INTEGER;"
    "DROP VIEW v_sweep_points; DROP VIEW v_baseline; DROP VIEW v_runs;"
    "CREATE VIEW v_runs AS SELECT r.id AS run_id, r.tile_rows || 'x' || r.tile_cols AS tile,"
    " r.*, " RESULT_COLS_V4 ", " COUNTER_COLS_V8
    " FROM runs r JOIN results x ON x.run_id = r.id LEFT JOIN counters c ON c.run_id = r.id;"
    "CREATE VIEW v_sweep_points AS SELECT sp.sweep_id, v.* FROM sweep_points sp"
    " JOIN v_runs v ON v.run_id = sp.run_id;"
    "CREATE VIEW v_baseline AS SELECT run_id, layer, tile, timing, clock_mhz, coding, k,"
    " power_model, energy_pj, base_energy_pj, energy_reduction_pct, power_mw, base_power_mw,"
    " power_reduction_pct, area_um2, base_area_um2, area_reduction_pct,"
    " duration_ns, base_latency_ns, latency_reduction_pct, ideal_pj_per_mac,"
    " int8_mac_pj, ideal_vs_int8_pct, ideal_vs_fp16_pct FROM v_runs;";

/* 9: the baseline compared against (`--baseline`, docs/power.md
 * "Baselines"): runs get the parameters baseline and base_lanes, results
 * the lanes and bit-planes priced and whether the baseline's MAC tile area
 * was synthesized at exactly its parameters; v_baseline shows them. Old runs
 * keep NULL (they were priced against the dense baseline). */
static const char mig9[] =
    "ALTER TABLE runs ADD COLUMN baseline TEXT;"
    "ALTER TABLE runs ADD COLUMN base_lanes INTEGER;"
    "ALTER TABLE results ADD COLUMN base_lanes_used INTEGER;"
    "ALTER TABLE results ADD COLUMN base_planes INTEGER;"
    "ALTER TABLE results ADD COLUMN base_area_exact INTEGER;"
    "DROP VIEW v_baseline;"
    "CREATE VIEW v_baseline AS SELECT v.run_id, v.layer, v.tile, v.timing, v.clock_mhz, v.coding,"
    " v.k, v.power_model, v.baseline, x.base_lanes_used, x.base_planes, x.base_area_exact,"
    " v.energy_pj, v.base_energy_pj, v.energy_reduction_pct, v.power_mw, v.base_power_mw,"
    " v.power_reduction_pct, v.area_um2, v.base_area_um2, v.area_reduction_pct,"
    " v.duration_ns, v.base_latency_ns, v.latency_reduction_pct, v.ideal_pj_per_mac,"
    " v.int8_mac_pj, v.ideal_vs_int8_pct, v.ideal_vs_fp16_pct"
    " FROM v_runs v JOIN results x ON x.run_id = v.run_id;";

/* The end of v_runs and the views over it, as migration 10 made them and
 * migrations 11 and 12 rebuild them (the same text). */
#define VIEWS_V10_TAIL                                                                             \
    " FROM runs r JOIN results x ON x.run_id = r.id LEFT JOIN counters c ON c.run_id = r.id;"      \
    "CREATE VIEW v_sweep_points AS SELECT sp.sweep_id, v.* FROM sweep_points sp"                   \
    " JOIN v_runs v ON v.run_id = sp.run_id;"                                                      \
    "CREATE VIEW v_baseline AS SELECT run_id, layer, tile, timing, clock_mhz, coding, k,"          \
    " power_model, baseline, base_lanes_used, base_planes, base_area_exact, ev_per_act,"           \
    " break_even_ev_per_act, energy_pj, base_energy_pj,"                                           \
    " energy_reduction_pct, power_common_mw, base_power_common_mw, power_reduction_pct,"           \
    " power_mw, base_power_mw, power_reduction_own_time_pct, area_um2, base_area_um2,"             \
    " area_reduction_pct, logic_area_reduction_pct, area_reduction_ceiling_pct,"                   \
    " duration_ns, base_latency_ns, latency_reduction_pct, ideal_pj_per_mac,"                      \
    " int8_mac_pj, ideal_vs_int8_pct, ideal_vs_fp16_pct FROM v_runs;"

/* 10: reports that cannot mislead (docs/power.md "Reading the comparison"):
 * spike events per activation and the break-even ev/act, power at a common
 * throughput, the area split of the baseline and the logic-only,
 * datapath-only and SRAM-ceiling area reductions. power_reduction_pct now
 * compares power at a common throughput; what older rows stored under it
 * (average power, each design over its own run time) moves to
 * power_reduction_own_time_pct and theirs becomes NULL. Views rebuilt. */
#define RESULT_COLS_V10                                                                            \
    RESULT_COLS_V4                                                                                 \
    ", base_lanes_used, base_planes, base_area_exact"                                              \
    ", ev_per_act, base_sram_area_um2, base_logic_area_um2, common_time_ns, power_common_mw, "     \
    "base_power_common_mw, power_reduction_own_time_pct, logic_area_reduction_pct, "               \
    "datapath_area_reduction_pct, area_reduction_ceiling_pct, break_even_ev_per_act"

static const char mig10[] =
    "ALTER TABLE results ADD COLUMN ev_per_act REAL;"
    "ALTER TABLE results ADD COLUMN base_sram_area_um2 REAL;"
    "ALTER TABLE results ADD COLUMN base_logic_area_um2 REAL;"
    "ALTER TABLE results ADD COLUMN common_time_ns REAL;"
    "ALTER TABLE results ADD COLUMN power_common_mw REAL;"
    "ALTER TABLE results ADD COLUMN base_power_common_mw REAL;"
    "ALTER TABLE results ADD COLUMN power_reduction_own_time_pct REAL;"
    "ALTER TABLE results ADD COLUMN logic_area_reduction_pct REAL;"
    "ALTER TABLE results ADD COLUMN datapath_area_reduction_pct REAL;"
    "ALTER TABLE results ADD COLUMN area_reduction_ceiling_pct REAL;"
    "ALTER TABLE results ADD COLUMN break_even_ev_per_act REAL;"
    "UPDATE results SET power_reduction_own_time_pct = power_reduction_pct,"
    " power_reduction_pct = NULL;"
    "DROP VIEW v_sweep_points; DROP VIEW v_baseline; DROP VIEW v_runs;"
    "CREATE VIEW v_runs AS SELECT r.id AS run_id, r.tile_rows || 'x' || r.tile_cols AS tile,"
    " r.*, " RESULT_COLS_V10 ", " COUNTER_COLS_V8 VIEWS_V10_TAIL;

/* 11: the counters lane_adds_nonzero (lane additions with a nonzero weight)
 * and sram_words_nonzero (words read holding one): equal to adds and
 * sram_words with zero gating, fewer without; lane_adds_shift (the sum of
 * the shift over those additions). The calibrated energy prices the zero
 * data of an ungated core and the zero low bits of a shifted term apart
 * (docs/power.md "Calibration"). Old
 * runs keep NULL. v_runs is rebuilt to show them, and the views over it as
 * migration 10 left them. */
#define COUNTER_COLS_V11 COUNTER_COLS_V8 ", lane_adds_nonzero, sram_words_nonzero, lane_adds_shift"

static const char mig11[] =
    "ALTER TABLE counters ADD COLUMN lane_adds_nonzero INTEGER;"
    "ALTER TABLE cores ADD COLUMN lane_adds_nonzero INTEGER;"
    "ALTER TABLE counters ADD COLUMN sram_words_nonzero INTEGER;"
    "ALTER TABLE cores ADD COLUMN sram_words_nonzero INTEGER;"
    "ALTER TABLE counters ADD COLUMN lane_adds_shift INTEGER;"
    "ALTER TABLE cores ADD COLUMN lane_adds_shift INTEGER;"
    "DROP VIEW v_sweep_points; DROP VIEW v_baseline; DROP VIEW v_runs;"
    "CREATE VIEW v_runs AS SELECT r.id AS run_id, r.tile_rows || 'x' || r.tile_cols AS tile,"
    " r.*, " RESULT_COLS_V10 ", " COUNTER_COLS_V11 VIEWS_V10_TAIL;

/* 12: the clock as built (docs/power.md "Clock as built"): the run parameter
 * clock_gating (the clock-gated build, rtl CG = 1) and the clock model that
 * priced the run (clock_model: gated, ungated or assumed). Old runs keep
 * NULL (they were priced by the table's own clock model, clock_gating off).
 * v_runs is rebuilt to show clock_model, the views over it as migration 11
 * left them. */
#define RESULT_COLS_V12 RESULT_COLS_V10 ", clock_model"

static const char mig12[] =
    "ALTER TABLE runs ADD COLUMN clock_gating INTEGER;"
    "ALTER TABLE results ADD COLUMN clock_model TEXT;"
    "DROP VIEW v_sweep_points; DROP VIEW v_baseline; DROP VIEW v_runs;"
    "CREATE VIEW v_runs AS SELECT r.id AS run_id, r.tile_rows || 'x' || r.tile_cols AS tile,"
    " r.*, " RESULT_COLS_V12 ", " COUNTER_COLS_V11 VIEWS_V10_TAIL;

/* 13: the counter lane_term_toggles (bit toggles of the lane adders' term
 * operand, sim/sim_toggle.c), priced by the calibrated table since its
 * version 5 (docs/power.md "Calibration"). Old runs keep NULL. v_runs is
 * rebuilt to show it, the views over it as migration 12 left them. */
#define COUNTER_COLS_V13 COUNTER_COLS_V11 ", lane_term_toggles"

static const char mig13[] =
    "ALTER TABLE counters ADD COLUMN lane_term_toggles INTEGER;"
    "ALTER TABLE cores ADD COLUMN lane_term_toggles INTEGER;"
    "DROP VIEW v_sweep_points; DROP VIEW v_baseline; DROP VIEW v_runs;"
    "CREATE VIEW v_runs AS SELECT r.id AS run_id, r.tile_rows || 'x' || r.tile_cols AS tile,"
    " r.*, " RESULT_COLS_V12 ", " COUNTER_COLS_V13 VIEWS_V10_TAIL;

/* 14: the counters acc_write_toggles, lane_term_toggles_seq and
 * acc_readout_ones (the accumulator registers' and the term operands' toggles
 * in event order, the sums' set bits at readout, sim/sim_replay.c), priced by the calibrated table since its version 6
 * (docs/power.md "Calibration"). Old runs keep NULL. v_runs is rebuilt to
 * show them, the views over it as migration 12 left them. */
#define COUNTER_COLS_V14                                                                           \
    COUNTER_COLS_V13 ", acc_write_toggles, lane_term_toggles_seq, acc_readout_ones"

static const char mig14[] =
    "ALTER TABLE counters ADD COLUMN acc_write_toggles INTEGER;"
    "ALTER TABLE counters ADD COLUMN lane_term_toggles_seq INTEGER;"
    "ALTER TABLE counters ADD COLUMN acc_readout_ones INTEGER;"
    "ALTER TABLE cores ADD COLUMN acc_write_toggles INTEGER;"
    "ALTER TABLE cores ADD COLUMN lane_term_toggles_seq INTEGER;"
    "ALTER TABLE cores ADD COLUMN acc_readout_ones INTEGER;"
    "DROP VIEW v_sweep_points; DROP VIEW v_baseline; DROP VIEW v_runs;"
    "CREATE VIEW v_runs AS SELECT r.id AS run_id, r.tile_rows || 'x' || r.tile_cols AS tile,"
    " r.*, " RESULT_COLS_V12 ", " COUNTER_COLS_V14 VIEWS_V10_TAIL;

const char *const db_migrations[DB_SCHEMA_VERSION] = {mig1,  mig2,  mig3,  mig4, mig5,
                                                      mig6,  mig7,  mig8,  mig9, mig10,
                                                      mig11, mig12, mig13, mig14};
