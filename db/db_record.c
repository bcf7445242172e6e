/*
 * db_record — one run into the database, in one transaction: the run's
 * parameters (runs), its results (results: the RESULTS fields of
 * run/run.h's RUN_REPORT_FIELDS, under the names of `axon run --json`), the
 * chip's summed counters (counters: sim/sim.h's SIM_COUNTERS), the energy
 * split (components) and the priced lines of the power report
 * (energy_lines), per-core counters when given (cores), and
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
    if (sqlite3_prepare_v2(d->h, "SELECT 1 FROM runs WHERE config_hash = ?1 AND axon_version = ?2",
                           -1, &st, NULL) != SQLITE_OK)
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

static void b_i64(binder *b, int64_t v)
{
    sqlite3_bind_int64(b->st, b->i++, v);
}
static void b_null(binder *b)
{
    sqlite3_bind_null(b->st, b->i++);
}
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


/* The runs row: identity (hash, version, files) and one column set per
 * parameter of the parameter table (run_param_columns), so a parameter added
 * to the table is stored without a binder written by hand here. */
static ax_result insert_run(db *d, const run_job *j, const db_run_info *in, const run_files *f,
                            const char *cfg, const char *hex, char **err)
{
    static const char head[] =
        "INSERT INTO runs (config_hash, axon_version, tech_version, evaluator, created_utc,"
        " weights_file, weights_fnv1a64, weights_bytes, trace_file, trace_fnv1a64, trace_bytes,"
        " config";
    size_t np;
    const run_param *t = run_param_table(&np);
    run_param_col cols[64 * RUN_PARAM_MAXCOLS];
    size_t nc = 0;
    for (size_t i = 0; i < np && nc + RUN_PARAM_MAXCOLS <= sizeof cols / sizeof cols[0]; i++)
        nc += run_param_columns(j, &t[i], cols + nc);
    size_t len = sizeof head + 96;
    for (size_t i = 0; i < nc; i++)
        len += strlen(cols[i].name) + 4;
    char *sql = malloc(len), *w = sql;
    if (!sql)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    w += sprintf(w, "%s", head);
    for (size_t i = 0; i < nc; i++)
        w += sprintf(w, ", %s", cols[i].name);
    w += sprintf(w, ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?");
    for (size_t i = 0; i < nc; i++)
        w += sprintf(w, ",?");
    sprintf(w, ") ON CONFLICT (config_hash, axon_version) DO NOTHING");
    sqlite3_stmt *st;
    ax_result res = prep(d, sql, &st, err);
    free(sql);
    if (res)
        return res;
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
    b_txt(&b, cfg);
    for (size_t i = 0; i < nc; i++) {
        switch (cols[i].type) {
        case RUN_COL_NULL: b_null(&b); break;
        case RUN_COL_INT: b_i64(&b, cols[i].i); break;
        case RUN_COL_REAL: b_dbl(&b, cols[i].d); break;
        case RUN_COL_TEXT: b_txt(&b, cols[i].s); break;
        }
    }
    return step_done(d, st, "inserting run", err);
}

/* The results row: every RESULTS field of run/run.h's RUN_REPORT_FIELDS,
 * under its name, NULL where it has no value (not priced, no output, no
 * reference, a non-finite number). */
static ax_result insert_results(db *d, int64_t id, const run_job *j, const run_result *r,
                                char **err)
{
    size_t len = 64;
    for (size_t i = 0; i < run_report_nfields; i++)
        len += strlen(run_report_fields[i].name) + 4;
    char *sql = malloc(len), *w = sql;
    if (!sql)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    w += sprintf(w, "INSERT INTO results (run_id");
    for (size_t i = 0; i < run_report_nfields; i++)
        if (run_report_fields[i].home == RUN_IN_RESULTS)
            w += sprintf(w, ", %s", run_report_fields[i].name);
    w += sprintf(w, ") VALUES (?");
    for (size_t i = 0; i < run_report_nfields; i++)
        if (run_report_fields[i].home == RUN_IN_RESULTS)
            w += sprintf(w, ",?");
    sprintf(w, ")");
    sqlite3_stmt *st;
    ax_result res = prep(d, sql, &st, err);
    free(sql);
    if (res)
        return AX_EDB;
    binder b = {st, 1};
    b_i64(&b, id);
    for (size_t i = 0; i < run_report_nfields; i++) {
        const run_field *f = &run_report_fields[i];
        run_value v;
        if (f->home != RUN_IN_RESULTS)
            continue;
        if (!f->value(j, r, &v))
            b_null(&b);
        else if (v.type == RUN_F_REAL)
            b_dbl(&b, v.d);
        else if (v.type == RUN_F_TEXT)
            b_txt(&b, v.s);
        else
            b_i64(&b, v.i);
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

/* Every core's counters: statements prepared once and stepped per block of
 * CORE_BLOCK cores, one row per core (a sweep point of a 7B layer has
 * thousands of cores; parsing the INSERT for each was a third of the
 * point's time, and a row per statement still half of its insert). */
#define CORE_BLOCK 32
#define CORE_ROW "(?,?" COUNTER_QMS ")"

static ax_result prep_cores(db *d, size_t rows, sqlite3_stmt **st, char **err)
{
    static const char head[] = "INSERT INTO cores (run_id, core" COUNTER_COLS ") VALUES ";
    char sql[sizeof head + CORE_BLOCK * (sizeof CORE_ROW + 1)];
    size_t n = snprintf(sql, sizeof sql, "%s", head);
    for (size_t i = 0; i < rows; i++)
        n += snprintf(sql + n, sizeof sql - n, "%s" CORE_ROW, i ? "," : "");
    return prep(d, sql, st, err);
}

static ax_result insert_cores(db *d, int64_t id, const sim_config *c, const sim_counters *k,
                              size_t n, char **err)
{
    sqlite3_stmt *blk = NULL, *one = NULL;
    if ((n >= CORE_BLOCK && prep_cores(d, CORE_BLOCK, &blk, err)) ||
        (n % CORE_BLOCK && prep_cores(d, 1, &one, err))) {
        sqlite3_finalize(blk);
        return AX_EDB;
    }
    ax_result r = AX_OK;
    for (size_t i = 0; i < n && r == AX_OK;) {
        size_t m = n - i >= CORE_BLOCK ? CORE_BLOCK : 1;
        sqlite3_stmt *st = m > 1 ? blk : one;
        binder b = {st, 1};
        for (size_t e = i + m; i < e; i++) {
            b_i64(&b, id);
            b_i64(&b, (int64_t)i);
            bind_counters(&b, c, &k[i]);
        }
        if (sqlite3_step(st) != SQLITE_DONE)
            r = db_fail(d, err, "inserting core counters");
        sqlite3_reset(st);
    }
    sqlite3_finalize(blk);
    sqlite3_finalize(one);
    return r;
}

static ax_result insert_components(db *d, int64_t id, const power_report *p, char **err)
{
    const char *name[] = {"dynamic", "leakage", "clock", "handshake", "noc", "dram"};
    double v[] = {p->dynamic_pj,   p->leakage_pj, p->clock_pj,
                  p->handshake_pj, p->noc_pj,     p->dram_pj};
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

/* The priced lines of the power report (table energy_lines). */
static ax_result insert_energy_lines(db *d, int64_t id, const power_report *p, char **err)
{
    sqlite3_stmt *st;
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

/* The core image and the reference of `axon run --image/--ref` (table runs;
 * their results are in the results row). */
static ax_result insert_image_ref(db *d, int64_t id, const run_job *j, const run_files *f,
                                  char **err)
{
    sqlite3_stmt *st;
    char is[17], rs[17];
    run_hash_hex(f->image_sum, is);
    run_hash_hex(f->ref_sum, rs);
    if (prep(d,
             "UPDATE runs SET image_file = ?, image_fnv1a64 = ?, image_bytes = ?, ref_file = ?,"
             " ref_fnv1a64 = ?, ref_bytes = ? WHERE id = ?",
             &st, err))
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
    return step_done(d, st, "storing the image and reference files", err);
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
    ax_result res;
    if (!f) {
        if ((res = run_files_of(j, &own, err)) != AX_OK)
            return res;
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
        if ((res = run_tech_version(j, tv, sizeof tv, err)) != AX_OK)
            return res;
        in2.tech_version = tv;
    }
    info = &in2;
    if ((res = run_config(j, f, info->tech_version, &cfg, &h, err)) != AX_OK)
        return res;
    run_hash_hex(h, hex);
    int64_t id = 0;
    int fresh = 0;
    res = db_begin(d, err);
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
        if (res == AX_OK && run_result_priced(r))
            res = insert_components(d, id, &r->power, err);
        if (res == AX_OK && run_result_priced(r))
            res = insert_energy_lines(d, id, &r->power, err);
        if (res == AX_OK)
            res = insert_image_ref(d, id, j, f, err);
        if (res == AX_OK && info && info->per_core && info->ncores)
            res = insert_cores(d, id, &j->cfg, info->per_core, info->ncores, err);
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
