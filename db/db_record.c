/*
 * db_record — one run into the database, in one transaction.
 *
 * The config hash identifies a point of the design space: FNV-1a 64
 * (ax_fnv1a) of a canonical JSON text holding the input files (base name,
 * size and checksum, so a moved file keeps its hash and an edited one does
 * not), the layer, every sim_config field that matters in the timing mode
 * (clock only in sync mode, the handshake delays only in async mode), the
 * spike coding parameters, the weight group, the power model and the
 * technology table version. The VCD path is an output and is left out.
 * Units in the text follow the column names (MHz, ps, cycles).
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

/* The coding names are spike/'s (one table for the whole of axon). */
const char *db_coding_name(spike_coding c)
{
    return spike_coding_name(c);
}

ax_result db_coding_parse(const char *name, spike_coding *c, char **err)
{
    return spike_coding_parse(name, c, err);
}

void db_hash_hex(uint64_t h, char out[17])
{
    snprintf(out, 17, "%016" PRIx64, h);
}

#define DB_SUM_SPAN (1u << 20) /* bytes hashed at each end of a file */

static ax_result hash_range(int fd, const char *path, uint64_t off, uint64_t len, uint64_t *h,
                            char **err)
{
    static __thread unsigned char buf[65536];
    while (len > 0) {
        size_t want = len < sizeof buf ? (size_t)len : sizeof buf;
        ssize_t got = pread(fd, buf, want, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return ax_fail(err, AX_EIO, "%s: offset %" PRIu64 ": read failed while checksumming",
                           path, off);
        *h = ax_fnv1a(buf, (size_t)got, *h);
        off += (uint64_t)got;
        len -= (uint64_t)got;
    }
    return AX_OK;
}

ax_result db_file_checksum(const char *path, uint64_t *sum, uint64_t *bytes, char **err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ax_fail(err, AX_EIO, "%s: cannot open for checksum: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return ax_fail(err, AX_EIO, "%s: stat failed: %s", path, strerror(errno));
    }
    uint64_t size = (uint64_t)sb.st_size, h = AX_FNV_SEED;
    unsigned char le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (unsigned char)(size >> (8 * i));
    h = ax_fnv1a(le, 8, h);
    ax_result r;
    if (size <= 2ull * DB_SUM_SPAN)
        r = hash_range(fd, path, 0, size, &h, err);
    else {
        r = hash_range(fd, path, 0, DB_SUM_SPAN, &h, err);
        if (r == AX_OK)
            r = hash_range(fd, path, size - DB_SUM_SPAN, DB_SUM_SPAN, &h, err);
    }
    close(fd);
    if (r == AX_OK) {
        *sum = h;
        *bytes = size;
    }
    return r;
}

ax_result db_files_of(const run_job *j, db_files *f, char **err)
{
    memset(f, 0, sizeof *f);
    if (j->weights && db_file_checksum(j->weights, &f->weights_sum, &f->weights_bytes, err))
        return AX_EIO;
    if (j->trace && db_file_checksum(j->trace, &f->trace_sum, &f->trace_bytes, err))
        return AX_EIO;
    return AX_OK;
}

static const char *base_name(const char *p)
{
    const char *s = p ? strrchr(p, '/') : NULL;
    return s ? s + 1 : p;
}

static void add_file(cJSON *o, const char *key, const char *path, uint64_t sum, uint64_t bytes)
{
    cJSON *f = cJSON_AddObjectToObject(o, key);
    char hex[17];
    db_hash_hex(sum, hex);
    cJSON_AddStringToObject(f, "name", path ? base_name(path) : "");
    cJSON_AddNumberToObject(f, "bytes", (double)bytes);
    cJSON_AddStringToObject(f, "fnv1a64", hex);
}

ax_result db_config(const run_job *j, const db_files *files, const char *tech_version, char **text,
                    uint64_t *hash, char **err)
{
    db_files own;
    if (!files) {
        if (db_files_of(j, &own, err) != AX_OK)
            return AX_EIO;
        files = &own;
    }
    const sim_config *c = &j->cfg;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    add_file(o, "weights", j->weights, files->weights_sum, files->weights_bytes);
    add_file(o, "trace", j->trace, files->trace_sum, files->trace_bytes);
    cJSON_AddStringToObject(o, "layer", j->layer ? j->layer : "");
    cJSON_AddStringToObject(o, "timing", c->timing == SIM_ASYNC ? "async" : "sync");
    if (c->timing == SIM_SYNC) {
        cJSON_AddNumberToObject(o, "clock_mhz", c->clock_mhz);
        cJSON_AddNumberToObject(o, "sram_latency_cycles", c->sram_latency);
        cJSON_AddNumberToObject(o, "hop_cycles", c->hop_cycles);
    } else {
        cJSON_AddNumberToObject(o, "handshake_phases", c->handshake);
        cJSON_AddNumberToObject(o, "t_req_ps", (double)c->t_req_ps);
        cJSON_AddNumberToObject(o, "t_ack_ps", (double)c->t_ack_ps);
        cJSON_AddNumberToObject(o, "t_decode_ps", (double)c->t_decode_ps);
        cJSON_AddNumberToObject(o, "t_sram_ps", (double)c->t_sram_ps);
        cJSON_AddNumberToObject(o, "t_add_ps", (double)c->t_add_ps);
        cJSON_AddNumberToObject(o, "t_readout_ps", (double)c->t_readout_ps);
        cJSON_AddNumberToObject(o, "hop_ps", (double)c->hop_ps);
    }
    cJSON_AddNumberToObject(o, "tile_rows", c->rows);
    cJSON_AddNumberToObject(o, "tile_cols", c->cols);
    cJSON_AddNumberToObject(o, "lanes", c->lanes);
    cJSON_AddNumberToObject(o, "fifo_depth", c->fifo_depth);
    cJSON_AddNumberToObject(o, "acc_bits", c->acc_bits);
    cJSON_AddNumberToObject(o, "readout_bits", c->readout_bits);
    cJSON_AddNumberToObject(o, "double_buffer", c->double_buffer);
    cJSON_AddNumberToObject(o, "zero_gating", c->zero_gating);
    cJSON_AddNumberToObject(o, "mesh_w", c->mesh_w);
    cJSON_AddNumberToObject(o, "mesh_h", c->mesh_h);
    cJSON_AddNumberToObject(o, "link_bits", c->link_bits);
    cJSON_AddStringToObject(o, "coding", db_coding_name(j->coding));
    cJSON_AddNumberToObject(o, "k", j->sp.k);
    cJSON_AddNumberToObject(o, "clamp", j->sp.clamp);
    if (j->sp.clamp) {
        cJSON_AddNumberToObject(o, "count_min", j->sp.cmin);
        cJSON_AddNumberToObject(o, "count_max", j->sp.cmax);
    }
    cJSON_AddNumberToObject(o, "steps", j->steps);
    cJSON_AddNumberToObject(o, "group_size", (double)j->group);
    cJSON_AddStringToObject(o, "power_model", j->model == POWER_IDEAL ? "ideal" : "realistic");
    cJSON_AddStringToObject(o, "tech_version", tech_version ? tech_version : "builtin-45nm");
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!s)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    *hash = ax_fnv1a(s, strlen(s), AX_FNV_SEED);
    *text = s;
    return AX_OK;
}

int db_has_config(db *d, uint64_t hash)
{
    char hex[17];
    db_hash_hex(hash, hex);
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

static void bind_counters(binder *b, const sim_config *c, const sim_counters *k)
{
    b_i64(b, (int64_t)k->events);
    b_i64(b, (int64_t)k->eots);
    b_i64(b, (int64_t)k->sram_words);
    b_i64(b, (int64_t)k->sram_words_skipped);
    b_i64(b, (int64_t)k->adds);
    b_i64(b, (int64_t)k->adds_gated);
    b_i64(b, (int64_t)k->acc_writes);
    b_i64(b, (int64_t)k->readout_beats);
    b_i64(b, (int64_t)k->flits);
    b_i64(b, (int64_t)k->flit_hops);
    b_i64(b, (int64_t)k->handshakes);
    b_i64(b, (int64_t)k->reduce_adds);
    b_i64(b, (int64_t)k->dram_bursts);
    b_i64(b, (int64_t)k->dram_bursts_skipped);
    b_dbl(b, to_ns(c, k->active));
    b_dbl(b, to_ns(c, k->idle));
    b_dbl(b, to_ns(c, k->stall_fifo));
    b_dbl(b, to_ns(c, k->stall_readout));
    b_dbl(b, to_ns(c, k->stall_noc));
}

#define COUNTER_NAMES                                                                            \
    "events, eots, sram_words, sram_words_skipped, adds, adds_gated, acc_writes, "              \
    "readout_beats, flits, flit_hops, handshakes, reduce_adds, dram_bursts, "                   \
    "dram_bursts_skipped, active_ns, idle_ns, stall_fifo_ns, stall_readout_ns, stall_noc_ns"
#define Q19 "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?"

static ax_result insert_run(db *d, const run_job *j, const db_run_info *in, const db_files *f,
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
    db_hash_hex(f->weights_sum, ws);
    db_hash_hex(f->trace_sum, ts);
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
    b_txt(&b, db_coding_name(j->coding));
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
    b_dbl(&b, s->latency_per_token_ns);
    b_dbl(&b, s->max_latency_ns);
    b_dbl(&b, s->tokens_per_s);
    b_dbl(&b, p->total_pj);
    b_dbl(&b, p->energy_per_token_pj);
    b_dbl(&b, p->energy_per_synop_pj);
    b_dbl(&b, p->dynamic_pj);
    b_dbl(&b, p->leakage_pj);
    b_dbl(&b, p->clock_pj);
    b_dbl(&b, p->handshake_pj);
    b_dbl(&b, p->noc_pj);
    b_dbl(&b, p->dram_pj);
    b_dbl(&b, p->avg_power_mw);
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
        b_dbl(&b, r->rel_l2);
        b_dbl(&b, r->cosine);
        b_dbl(&b, r->max_abs);
        b_dbl(&b, r->snr_db);
    } else {
        b_null(&b), b_null(&b), b_null(&b), b_null(&b);
    }
    return step_done(d, st, "inserting results", err);
}

static ax_result insert_counters(db *d, int64_t id, const sim_config *c, const char *table,
                                 int64_t core, const sim_counters *k, char **err)
{
    char sql[512];
    if (core < 0)
        snprintf(sql, sizeof sql, "INSERT INTO %s (run_id, " COUNTER_NAMES ") VALUES (?," Q19 ")",
                 table);
    else
        snprintf(sql, sizeof sql,
                 "INSERT INTO %s (run_id, core, " COUNTER_NAMES ") VALUES (?,?," Q19 ")", table);
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
    db_files own;
    const db_files *f = info ? info->files : NULL;
    if (!f) {
        if (db_files_of(j, &own, err) != AX_OK)
            return AX_EIO;
        f = &own;
    }
    char *cfg = NULL, hex[17];
    uint64_t h;
    if (db_config(j, f, info ? info->tech_version : NULL, &cfg, &h, err) != AX_OK)
        return AX_ENOMEM;
    db_hash_hex(h, hex);
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
        if (res == AX_OK)
            res = insert_components(d, id, &r->power, err);
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
