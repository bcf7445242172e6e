/*
 * db_record — one run into the database, in one transaction: the run's
 * parameters (runs), its results (results), the chip's summed counters
 * (counters), the energy split (components) and the priced lines of the
 * power report (energy_lines), per-core counters when given (cores), and
 * the sweep link. The config hash (db_config.c) is the natural key: a
 * config already stored under this axon version is linked, not duplicated.
 */
#include "db_int.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int db_has_config(db *d, uint64_t hash)
{
    char hex[17];
    run_hash_hex(hash, hex);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->h,
                           "SELECT 1 FROM runs WHERE config_hash = ?1 AND axon_version = ?2", -1,
                           &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, AX_VERSION, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Binding helpers: b->i is the next parameter index. */
typedef struct {
    sqlite3_stmt *st;
    int i;
} binder;

static void b_i64(binder *b, int64_t v) { sqlite3_bind_int64(b->st, b->i++, v); }
static void b_null(binder *b) { sqlite3_bind_null(b->st, b->i++); }
static void b_txt(binder *b, const char *s)
{
    if (s)
        sqlite3_bind_text(b->st, b->i++, s, -1, SQLITE_TRANSIENT);
    else
        b_null(b);
}
static void b_dbl(binder *b, double v) /* non-finite stored as NULL */
{
    if (isfinite(v))
        sqlite3_bind_double(b->st, b->i++, v);
    else
        b_null(b);
}

static ax_result step_done(db *d, sqlite3_stmt *st, const char *what, char **err)
{
    int rc = sqlite3_step(st);
    ax_result r = rc == SQLITE_DONE ? AX_OK : db_fail(d, err, what);
    sqlite3_finalize(st);
    return r;
}

static ax_result prep(db *d, const char *sql, sqlite3_stmt **st, char **err)
{
    if (sqlite3_prepare_v2(d->h, sql, -1, st, NULL) != SQLITE_OK)
        return db_fail(d, err, "prepare");
    return AX_OK;
}

/* Time counter (cycles in sync mode, ps in async mode) in ns. */
static double to_ns(const sim_config *c, int64_t t)
{
    if (c->timing == SIM_ASYNC)
        return (double)t / 1000.0;
    return c->clock_mhz > 0 ? (double)t * 1000.0 / c->clock_mhz : NAN;
}

/* The counters columns (of tables counters and cores), from sim's list:
 * counts as they are, times in ns. */
#define COUNTER_COL_COUNT(name) #name
#define COUNTER_COL_TIME(name) #name "_ns"
#define COUNTER_COL(name, kind, help) ", " COUNTER_COL_##kind(name)
#define COUNTER_QM(name, kind, help) ",?"
#define COUNTER_COLS SIM_COUNTERS(COUNTER_COL) /* ", events, eots, ..." */
#define COUNTER_QMS SIM_COUNTERS(COUNTER_QM)   /* ",?,?,..." */

static void bind_counters(binder *b, const sim_config *c, const sim_counters *k)
{
#define BIND_COUNT(v) b_i64(b, (int64_t)(v))
#define BIND_TIME(v) b_dbl(b, to_ns(c, v))
#define BIND(name, kind, help) BIND_##kind(k->name);
    SIM_COUNTERS(BIND)
#undef BIND
#undef BIND_TIME
#undef BIND_COUNT
}

#define Q19 "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?"

static ax_result insert_run(db *d, const run_job *j, const db_run_info *in, const run_files *f,
                            const char *cfg, const char *hex, char **err)
{
    static const char sql[] =
        "INSERT INTO runs (config_hash, axon_version, tech_version, evaluator, created_utc,"
        " weights_file, weights_fnv1a64, weights_bytes, trace_file, trace_fnv1a64, trace_bytes,"
        " layer, timing, async, clock_mhz, tile_rows, tile_cols, lanes, sram_latency_cycles,"
        " fifo_depth, acc_bits, readout_bits, double_buffer, zero_gating, handshake_phases,"
        " t_req_ps, t_ack_ps, t_decode_ps, t_sram_ps, t_add_ps, t_readout_ps, mesh_w_cfg,"
        " mesh_h_cfg, hop_cycles, hop_ps, link_bits, coding, k, clamp, count_min, count_max,"
        " steps, group_size, power_model, config) VALUES (" Q19 "," Q19 ",?,?,?,?,?,?,?)"
        " ON CONFLICT (config_hash, axon_version) DO NOTHING";
    sqlite3_stmt *st;
    if (prep(d, sql, &st, err))
        return AX_EDB;
    const sim_config *c = &j->cfg;
    int async = c->timing == SIM_ASYNC;
    char now[32], ws[17], ts[17];
    db_now_utc(now);
    run_hash_hex(f->weights_sum, ws);
    run_hash_hex(f->trace_sum, ts);
    binder b = {st, 1};
    b_txt(&b, hex);
    b_txt(&b, AX_VERSION);
    b_txt(&b, in && in->tech_version ? in->tech_version : "builtin-45nm");
    b_txt(&b, in && in->evaluator ? in->evaluator : "sim");
    b_txt(&b, now);
    b_txt(&b, j->weights);
    b_txt(&b, j->weights ? ws : NULL);
    b_i64(&b, (int64_t)f->weights_bytes);
    b_txt(&b, j->trace);
    b_txt(&b, j->trace ? ts : NULL);
    b_i64(&b, (int64_t)f->trace_bytes);
    b_txt(&b, j->layer);
    b_txt(&b, async ? "async" : "sync");
    b_i64(&b, async);
    if (async)
        b_null(&b);
    else
        b_dbl(&b, c->clock_mhz);
    b_i64(&b, c->rows);
    b_i64(&b, c->cols);
    b_i64(&b, c->lanes);
    b_i64(&b, c->sram_latency);
    b_i64(&b, c->fifo_depth);
    b_i64(&b, c->acc_bits);
    b_i64(&b, c->readout_bits);
    b_i64(&b, c->double_buffer);
    b_i64(&b, c->zero_gating);
    b_i64(&b, c->handshake);
    b_i64(&b, c->t_req_ps);
    b_i64(&b, c->t_ack_ps);
    b_i64(&b, c->t_decode_ps);
    b_i64(&b, c->t_sram_ps);
    b_i64(&b, c->t_add_ps);
    b_i64(&b, c->t_readout_ps);
    b_i64(&b, c->mesh_w);
    b_i64(&b, c->mesh_h);
    b_i64(&b, c->hop_cycles);
    b_i64(&b, c->hop_ps);
    b_i64(&b, c->link_bits);
    b_txt(&b, spike_coding_name(j->coding));
    b_dbl(&b, j->sp.k);
    b_i64(&b, j->sp.clamp);
    b_i64(&b, j->sp.cmin);
    b_i64(&b, j->sp.cmax);
    b_i64(&b, j->steps);
    b_i64(&b, (int64_t)j->group);
    b_txt(&b, j->model == POWER_IDEAL ? "ideal" : "realistic");
    b_txt(&b, cfg);
    return step_done(d, st, "inserting run", err);
}

/* Whether the evaluator priced the run (a zeroed power_report means it did
 * not: its energy columns are stored as NULL, not as a measured 0). */
static int db_priced(const power_report *p)
{
    return p->version[0] || p->energy_pj != 0 || p->nlines > 0;
}

static ax_result insert_results(db *d, int64_t id, const run_job *j, const run_result *r,
                                char **err)
{
    static const char sql[] =
        "INSERT INTO results (run_id, tokens, in_features, out_features, cores, mesh_w, mesh_h,"
        " steps_used, time_unit, duration, cycles, duration_ns, latency_ns_per_token,"
        " max_latency_ns, tokens_per_s, energy_pj, energy_pj_per_token, energy_pj_per_synop,"
        " dynamic_pj, leakage_pj, clock_pj, handshake_pj, noc_pj, dram_pj, power_mw, area_um2,"
        " area_mm2, base_energy_pj, base_energy_pj_per_token, base_power_mw, base_area_um2,"
        " base_latency_ns, energy_reduction_pct, power_reduction_pct, area_reduction_pct,"
        " spikes, spike_slots, firing_rate, sparsity, silent_channel_fraction,"
        " dead_channel_fraction, spikes_per_firing_channel, exact, mismatches, has_output,"
        " rel_error, cosine, max_abs_error, snr_db) VALUES (" Q19 "," Q19 ",?,?,?,?,?,?,?,?,?,?"
        ",?)";
    sqlite3_stmt *st;
    if (prep(d, sql, &st, err))
        return AX_EDB;
    const power_report *p = &r->power;
    const sim_report *s = &r->sim;
    int async = j->cfg.timing == SIM_ASYNC;
    binder b = {st, 1};
    b_i64(&b, id);
    b_i64(&b, (int64_t)r->tokens);
    b_i64(&b, (int64_t)r->in);
    b_i64(&b, (int64_t)r->out);
    b_i64(&b, (int64_t)s->cores);
    b_i64(&b, (int64_t)s->mesh_w);
    b_i64(&b, (int64_t)s->mesh_h);
    b_i64(&b, r->spikes.steps);
    b_txt(&b, async ? "ps" : "cycles");
    b_i64(&b, s->duration);
    if (async)
        b_null(&b);
    else
        b_i64(&b, s->duration);
    b_dbl(&b, s->duration_ns);
    b_dbl(&b, s->latency_ns_per_token);
    b_dbl(&b, s->max_latency_ns);
    b_dbl(&b, s->tokens_per_s);
    if (db_priced(p)) {
        b_dbl(&b, p->energy_pj);
        b_dbl(&b, p->energy_pj_per_token);
        b_dbl(&b, p->energy_pj_per_synop);
        b_dbl(&b, p->dynamic_pj);
        b_dbl(&b, p->leakage_pj);
        b_dbl(&b, p->clock_pj);
        b_dbl(&b, p->handshake_pj);
        b_dbl(&b, p->noc_pj);
        b_dbl(&b, p->dram_pj);
        b_dbl(&b, p->power_mw);
        b_dbl(&b, p->area_um2);
        b_dbl(&b, p->area_mm2);
        b_dbl(&b, p->base_energy_pj);
        b_dbl(&b, r->tokens ? p->base_energy_pj / (double)r->tokens : NAN);
        b_dbl(&b, p->base_power_mw);
        b_dbl(&b, p->base_area_um2);
        b_dbl(&b, p->base_latency_ns);
        b_dbl(&b, p->energy_reduction_pct);
        b_dbl(&b, p->power_reduction_pct);
        b_dbl(&b, p->area_reduction_pct);
    } else { /* not priced: NULL, never a made-up 0 */
        for (int k = 0; k < 20; k++)
            b_null(&b);
    }
    b_i64(&b, (int64_t)r->spikes.spikes);
    b_i64(&b, (int64_t)r->spikes.slots);
    b_dbl(&b, r->spikes.firing_rate);
    b_dbl(&b, r->spikes.sparsity);
    b_dbl(&b, r->spikes.silent_channel_fraction);
    b_dbl(&b, r->spikes.dead_channel_fraction);
    b_dbl(&b, r->spikes.spikes_per_firing_channel);
    b_i64(&b, r->exact);
    b_i64(&b, (int64_t)r->mismatches);
    b_i64(&b, r->has_output);
    if (r->has_output) {
        b_dbl(&b, r->rel_error);
        b_dbl(&b, r->cosine);
        b_dbl(&b, r->max_abs_error);
        b_dbl(&b, r->snr_db);
    } else {
        b_null(&b), b_null(&b), b_null(&b), b_null(&b);
    }
    return step_done(d, st, "inserting results", err);
}

static ax_result insert_counters(db *d, int64_t id, const sim_config *c, const char *table,
                                 int64_t core, const sim_counters *k, char **err)
{
    char sql[1024];
    if (core < 0)
        snprintf(sql, sizeof sql,
                 "INSERT INTO %s (run_id" COUNTER_COLS ") VALUES (?" COUNTER_QMS ")", table);
    else
        snprintf(sql, sizeof sql,
                 "INSERT INTO %s (run_id, core" COUNTER_COLS ") VALUES (?,?" COUNTER_QMS ")",
                 table);
    sqlite3_stmt *st;
    if (prep(d, sql, &st, err))
        return AX_EDB;
    binder b = {st, 1};
    b_i64(&b, id);
    if (core >= 0)
        b_i64(&b, core);
    bind_counters(&b, c, k);
    return step_done(d, st, "inserting counters", err);
}

static ax_result insert_components(db *d, int64_t id, const power_report *p, char **err)
{
    const char *name[] = {"dynamic", "leakage", "clock", "handshake", "noc", "dram"};
    double v[] = {p->dynamic_pj, p->leakage_pj, p->clock_pj, p->handshake_pj, p->noc_pj,
                  p->dram_pj};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        sqlite3_stmt *st;
        if (prep(d, "INSERT INTO components (run_id, component, energy_pj) VALUES (?,?,?)", &st,
                 err))
            return AX_EDB;
        binder b = {st, 1};
        b_i64(&b, id);
        b_txt(&b, name[i]);
        sqlite3_bind_double(st, b.i++, isfinite(v[i]) ? v[i] : 0.0);
        if (step_done(d, st, "inserting components", err))
            return AX_EDB;
    }
    return AX_OK;
}

/* Migration 3: the rest of the power report, and its priced lines. */
static ax_result insert_power_detail(db *d, int64_t id, const power_report *p, char **err)
{
    static const char sql[] =
        "UPDATE results SET sops = ?, ideal_pj = ?, realistic_pj = ?, compute_pj = ?,"
        " memory_pj = ?, leakage_mw = ?, energy_pj_per_mac = ?, base_energy_pj_per_mac = ?,"
        " base_realistic_pj = ?, latency_reduction_pct = ?, spikes_per_mac = ?,"
        " ideal_pj_per_mac = ?, int8_mac_pj = ?, fp16_mac_pj = ?, ideal_vs_int8_pct = ?,"
        " ideal_vs_fp16_pct = ?, node_nm = ?, vdd_v = ?, core_area_um2 = ?, sram_area_um2 = ?,"
        " logic_area_um2 = ?, area_synthesized = ? WHERE run_id = ?";
    sqlite3_stmt *st;
    if (prep(d, sql, &st, err))
        return AX_EDB;
    binder b = {st, 1};
    b_dbl(&b, p->sops);
    b_dbl(&b, p->ideal_pj);
    b_dbl(&b, p->realistic_pj);
    b_dbl(&b, p->compute_pj);
    b_dbl(&b, p->memory_pj);
    b_dbl(&b, p->leakage_mw);
    b_dbl(&b, p->energy_pj_per_mac);
    b_dbl(&b, p->base_energy_pj_per_mac);
    b_dbl(&b, p->base_realistic_pj);
    b_dbl(&b, p->latency_reduction_pct);
    b_dbl(&b, p->spikes_per_mac);
    b_dbl(&b, p->ideal_pj_per_mac);
    b_dbl(&b, p->int8_mac_pj);
    b_dbl(&b, p->fp16_mac_pj);
    b_dbl(&b, p->ideal_vs_int8_pct);
    b_dbl(&b, p->ideal_vs_fp16_pct);
    if (p->node_nm > 0)
        b_i64(&b, p->node_nm);
    else
        b_null(&b);
    if (p->vdd_v > 0)
        b_dbl(&b, p->vdd_v);
    else
        b_null(&b);
    b_dbl(&b, p->core_area_um2);
    b_dbl(&b, p->sram_area_um2);
    b_dbl(&b, p->logic_area_um2);
    b_i64(&b, p->area_synthesized);
    b_i64(&b, id);
    if (step_done(d, st, "storing the power report", err))
        return AX_EDB;
    int n = p->nlines < 0 ? 0 : p->nlines > POWER_MAX_LINES ? POWER_MAX_LINES : p->nlines;
    for (int i = 0; i < n; i++) {
        const power_line *l = &p->lines[i];
        if (prep(d,
                 "INSERT INTO energy_lines (run_id, line, component, action, count, count_unit,"
                 " unit_pj, energy_pj, energy_group) VALUES (?,?,?,?,?,?,?,?,?)",
                 &st, err))
            return AX_EDB;
        binder c = {st, 1};
        b_i64(&c, id);
        b_i64(&c, i);
        b_txt(&c, l->component);
        b_txt(&c, l->action);
        b_dbl(&c, l->count);
        b_txt(&c, l->unit);
        b_dbl(&c, l->unit_pj);
        b_dbl(&c, l->energy_pj);
        b_txt(&c, l->group);
        if (step_done(d, st, "storing an energy line", err))
            return AX_EDB;
    }
    return AX_OK;
}

/* Migration 4: the core image and the reference of `axon run --image/--ref`. */
static ax_result insert_image_ref(db *d, int64_t id, const run_job *j, const run_files *f,
                                  const run_result *r, char **err)
{
    sqlite3_stmt *st;
    char is[17], rs[17];
    run_hash_hex(f->image_sum, is);
    run_hash_hex(f->ref_sum, rs);
    if (prep(d, "UPDATE runs SET image_file = ?, image_fnv1a64 = ?, image_bytes = ?, ref_file = ?,"
             " ref_fnv1a64 = ?, ref_bytes = ? WHERE id = ?", &st, err))
        return AX_EDB;
    binder b = {st, 1};
    b_txt(&b, j->image);
    b_txt(&b, j->image ? is : NULL);
    if (j->image)
        b_i64(&b, (int64_t)f->image_bytes);
    else
        b_null(&b);
    b_txt(&b, j->ref);
    b_txt(&b, j->ref ? rs : NULL);
    if (j->ref)
        b_i64(&b, (int64_t)f->ref_bytes);
    else
        b_null(&b);
    b_i64(&b, id);
    if (step_done(d, st, "storing the image and reference files", err))
        return AX_EDB;
    if (prep(d, "UPDATE results SET permuted = ?, has_ref = ?, ref_acc_exact = ?,"
             " ref_acc_compared = ?, ref_acc_mismatches = ?, ref_acc_max_abs_diff = ?,"
             " ref_y_cosine = ?, ref_y_rel_l2 = ?, ref_y_max_abs = ?, ref_y_snr_db = ?,"
             " ref_y_nonfinite = ? WHERE run_id = ?", &st, err))
        return AX_EDB;
    binder c = {st, 1};
    b_i64(&c, r->permuted);
    b_i64(&c, r->has_ref);
    if (r->has_ref) {
        b_i64(&c, r->ref_acc.mismatches == 0);
        b_i64(&c, (int64_t)r->ref_acc.n);
        b_i64(&c, (int64_t)r->ref_acc.mismatches);
        b_dbl(&c, r->ref_acc.max_abs_diff);
        b_dbl(&c, r->ref_y.cosine);
        b_dbl(&c, r->ref_y.rel_l2);
        b_dbl(&c, r->ref_y.max_abs);
        b_dbl(&c, r->ref_y.snr_db); /* NULL when y equals the reference (infinite SNR) */
        b_i64(&c, (int64_t)(r->ref_y.nonfinite_a + r->ref_y.nonfinite_b));
    } else {
        for (int k = 0; k < 9; k++)
            b_null(&c);
    }
    b_i64(&c, id);
    return step_done(d, st, "storing the reference comparison", err);
}

static ax_result link_sweep(db *d, int64_t sweep, int64_t id, char **err)
{
    sqlite3_stmt *st;
    if (prep(d, "INSERT OR IGNORE INTO sweep_points (sweep_id, run_id) VALUES (?,?)", &st, err))
        return AX_EDB;
    sqlite3_bind_int64(st, 1, sweep);
    sqlite3_bind_int64(st, 2, id);
    return step_done(d, st, "linking run to sweep", err);
}

static ax_result find_run(db *d, const char *hex, int64_t *id, char **err)
{
    sqlite3_stmt *st;
    if (prep(d, "SELECT id FROM runs WHERE config_hash = ? AND axon_version = ?", &st, err))
        return AX_EDB;
    sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, AX_VERSION, -1, SQLITE_STATIC);
    ax_result r = AX_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else
        r = db_fail(d, err, "looking up the stored run");
    sqlite3_finalize(st);
    return r;
}

ax_result db_record_run(db *d, const run_job *j, const run_result *r, const db_run_info *info,
                        int64_t *run_id, int *inserted, char **err)
{
    run_files own;
    const run_files *f = info ? info->files : NULL;
    if (!f) {
        if (run_files_of(j, &own, err) != AX_OK)
            return AX_EIO;
        f = &own;
    }
    char *cfg = NULL, hex[17];
    uint64_t h;
    db_run_info in2 = {0};
    if (info)
        in2 = *info;
    char tv[128];
    if (!in2.tech_version && r->power.version[0])
        in2.tech_version = r->power.version; /* the table the run was priced with */
    if (!in2.tech_version) {
        if (run_tech_version(j->tech, tv, sizeof tv, err))
            return AX_EFORMAT;
        in2.tech_version = tv;
    }
    info = &in2;
    if (run_config(j, f, info->tech_version, &cfg, &h, err) != AX_OK)
        return AX_ENOMEM;
    run_hash_hex(h, hex);
    int64_t id = 0;
    int fresh = 0;
    ax_result res = db_begin(d, err);
    if (res == AX_OK)
        res = insert_run(d, j, info, f, cfg, hex, err);
    if (res == AX_OK) {
        fresh = sqlite3_changes(d->h) > 0;
        id = sqlite3_last_insert_rowid(d->h);
        if (!fresh)
            res = find_run(d, hex, &id, err);
    }
    if (res == AX_OK && fresh) {
        res = insert_results(d, id, j, r, err);
        if (res == AX_OK)
            res = insert_counters(d, id, &j->cfg, "counters", -1, &r->sim.total, err);
        if (res == AX_OK && db_priced(&r->power))
            res = insert_components(d, id, &r->power, err);
        if (res == AX_OK && db_priced(&r->power))
            res = insert_power_detail(d, id, &r->power, err);
        if (res == AX_OK)
            res = insert_image_ref(d, id, j, f, r, err);
        for (size_t i = 0; res == AX_OK && info && info->per_core && i < info->ncores; i++)
            res = insert_counters(d, id, &j->cfg, "cores", (int64_t)i, &info->per_core[i], err);
    }
    if (res == AX_OK && info && info->sweep_id > 0)
        res = link_sweep(d, info->sweep_id, id, err);
    if (res == AX_OK)
        res = db_commit(d, err);
    if (res != AX_OK)
        db_rollback(d);
    free(cfg);
    if (res == AX_OK) {
        if (run_id)
            *run_id = id;
        if (inserted)
            *inserted = fresh;
    }
    return res;
}
