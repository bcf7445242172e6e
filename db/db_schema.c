/*
 * db_schema — opening the results database and its versioned schema.
 *
 * The schema version is SQLite's PRAGMA user_version; db_migrations[v]
 * takes a database from version v to v+1 and runs in its own transaction
 * together with the user_version bump, so a crash mid-migration leaves
 * the older version intact. Never edit a released migration: append one.
 *   1: tables runs, results, counters, components, cores, sweeps,
 *      sweep_points, sweep_errors (docs/db.md lists every column and unit)
 *   2: views v_runs, v_sweep_points, v_baseline, v_sweeps and indexes for
 *      the common questions
 * Journal: WAL (readers never block the writer, a killed writer leaves the
 * last committed state), synchronous=NORMAL, busy timeout DB_BUSY_MS.
 */
#include "db_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Result columns shared by the results table and the views (they do not
 * clash with any column of runs or counters). */
#define RESULT_COLS                                                                              \
    "tokens, in_features, out_features, cores, mesh_w, mesh_h, steps_used, time_unit, "        \
    "duration, cycles, duration_ns, latency_ns_per_token, max_latency_ns, tokens_per_s, "       \
    "energy_pj, energy_pj_per_token, energy_pj_per_synop, dynamic_pj, leakage_pj, clock_pj, "  \
    "handshake_pj, noc_pj, dram_pj, power_mw, area_um2, area_mm2, base_energy_pj, "             \
    "base_energy_pj_per_token, base_power_mw, base_area_um2, base_latency_ns, "                 \
    "energy_reduction_pct, power_reduction_pct, area_reduction_pct, spikes, spike_slots, "      \
    "firing_rate, sparsity, silent_channel_fraction, dead_channel_fraction, "                   \
    "spikes_per_firing_channel, exact, mismatches, has_output, rel_error, cosine, "             \
    "max_abs_error, snr_db"

#define COUNTER_DEFS                                                                             \
    "events INTEGER, eots INTEGER, sram_words INTEGER, sram_words_skipped INTEGER, "            \
    "adds INTEGER, adds_gated INTEGER, acc_writes INTEGER, readout_beats INTEGER, "             \
    "flits INTEGER, flit_hops INTEGER, handshakes INTEGER, reduce_adds INTEGER, "               \
    "dram_bursts INTEGER, dram_bursts_skipped INTEGER, active_ns REAL, idle_ns REAL, "          \
    "stall_fifo_ns REAL, stall_readout_ns REAL, stall_noc_ns REAL"

#define COUNTER_COLS                                                                             \
    "events, eots, sram_words, sram_words_skipped, adds, adds_gated, acc_writes, "              \
    "readout_beats, flits, flit_hops, handshakes, reduce_adds, dram_bursts, "                   \
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
    " r.*, " RESULT_COLS ", " COUNTER_COLS
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

const char *const db_migrations[DB_SCHEMA_VERSION] = {mig1, mig2};

ax_result db_fail(db *d, char **err, const char *what)
{
    const char *msg = d && d->h ? sqlite3_errmsg(d->h) : "no connection";
    int code = d && d->h ? sqlite3_errcode(d->h) : 0;
    const char *hint = "";
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        hint = " (hint: another process holds the database; retry, or give each shard its own file)";
    else if (code == SQLITE_READONLY)
        hint = " (hint: raw SQL is read-only; pass --write to modify)";
    else if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
        hint = " (hint: not an axon results database, or damaged; check with 'axon db check')";
    return ax_fail(err, AX_EDB, "%s: %s: %s%s", d && d->path ? d->path : "?", what, msg, hint);
}

ax_result db_exec_ctx(db *d, const char *sql, const char *what, char **err)
{
    if (sqlite3_exec(d->h, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(d, err, what);
    return AX_OK;
}

ax_result db_exec(db *d, const char *sql, char **err)
{
    return db_exec_ctx(d, sql, "exec", err);
}

ax_result db_begin(db *d, char **err)
{
    return db_exec_ctx(d, "BEGIN IMMEDIATE", "begin transaction", err);
}

ax_result db_commit(db *d, char **err)
{
    return db_exec_ctx(d, "COMMIT", "commit", err);
}

void db_rollback(db *d)
{
    if (!sqlite3_get_autocommit(d->h))
        sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
}

void db_now_utc(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int db_user_version(db *d)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(d->h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

ax_result db_migrate_to(db *d, int version, char **err)
{
    int cur = db_user_version(d);
    if (cur < 0)
        return db_fail(d, err, "reading PRAGMA user_version");
    if (cur > DB_SCHEMA_VERSION)
        return ax_fail(err, AX_EUNSUPPORTED,
                       "%s: schema version %d is newer than this axon's %d "
                       "(hint: use a newer axon for this database)",
                       d->path, cur, DB_SCHEMA_VERSION);
    if (version < cur || version > DB_SCHEMA_VERSION)
        return ax_fail(err, AX_EPARAM, "%s: cannot migrate from schema version %d to %d", d->path,
                       cur, version);
    for (int v = cur; v < version; v++) {
        char *e = NULL;
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", v + 1);
        if (db_begin(d, err) != AX_OK)
            return AX_EDB;
        /* Re-check under the write lock: another process may have migrated. */
        if (db_user_version(d) != v) {
            db_rollback(d);
            v = db_user_version(d) - 1;
            continue;
        }
        if (sqlite3_exec(d->h, db_migrations[v], NULL, NULL, &e) != SQLITE_OK ||
            sqlite3_exec(d->h, bump, NULL, NULL, NULL) != SQLITE_OK) {
            ax_fail(err, AX_EDB, "%s: migration to schema version %d failed: %s", d->path, v + 1,
                    e ? e : sqlite3_errmsg(d->h));
            sqlite3_free(e);
            db_rollback(d);
            return AX_EDB;
        }
        if (db_commit(d, err) != AX_OK) {
            db_rollback(d);
            return AX_EDB;
        }
    }
    return AX_OK;
}

ax_result db_open(const char *path, int flags, db **out, char **err)
{
    *out = NULL;
    if (!path || !*path)
        return ax_fail(err, AX_EPARAM, "database path is empty (hint: --db FILE)");
    int rdonly = (flags & DB_RDONLY) != 0;
    if (rdonly && access(path, F_OK) != 0)
        return ax_fail(err, AX_ENOTFOUND,
                       "%s: no such database (hint: record runs with 'axon run --db' or "
                       "'axon sweep --db' first)",
                       path);
    db *d = calloc(1, sizeof *d);
    if (!d || !(d->path = strdup(path))) {
        free(d);
        return ax_fail(err, AX_ENOMEM, "out of memory opening %s", path);
    }
    d->rdonly = rdonly;
    int oflags = rdonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &d->h, oflags, NULL) != SQLITE_OK) {
        db_fail(d, err, "open");
        db_free(d);
        return AX_EDB;
    }
    sqlite3_busy_timeout(d->h, DB_BUSY_MS);
    ax_result r = AX_OK;
    if (!rdonly)
        r = db_exec_ctx(d, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                        "setting WAL journal", err);
    if (r == AX_OK)
        r = db_exec_ctx(d, "PRAGMA foreign_keys=ON", "enabling foreign keys", err);
    if (r == AX_OK) {
        int v = db_user_version(d);
        if (v < 0)
            r = db_fail(d, err, "reading schema version");
        else if (v > DB_SCHEMA_VERSION)
            r = ax_fail(err, AX_EUNSUPPORTED,
                        "%s: schema version %d is newer than this axon's %d (hint: use a newer "
                        "axon)",
                        path, v, DB_SCHEMA_VERSION);
        else if (rdonly && v < DB_SCHEMA_VERSION)
            r = ax_fail(err, AX_EDB,
                        "%s: schema version %d, expected %d (hint: 'axon db migrate %s', or "
                        "not an axon database)",
                        path, v, DB_SCHEMA_VERSION, path);
        else if (!rdonly && !(flags & DB_NOMIGRATE) && v < DB_SCHEMA_VERSION)
            r = db_migrate_to(d, DB_SCHEMA_VERSION, err);
    }
    if (r != AX_OK) {
        db_free(d);
        return r;
    }
    *out = d;
    return AX_OK;
}

void db_free(db *d)
{
    if (!d)
        return;
    if (d->h)
        sqlite3_close_v2(d->h);
    free(d->path);
    free(d);
}

const char *db_path(const db *d)
{
    return d->path;
}

ax_result db_check(db *d, char **err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->h, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
        return db_fail(d, err, "integrity_check");
    ax_result r = AX_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        if (!s || strcmp(s, "ok"))
            r = ax_fail(err, AX_EDB, "%s: integrity check: %s", d->path, s ? s : "?");
    } else {
        r = db_fail(d, err, "integrity_check");
    }
    sqlite3_finalize(st);
    return r;
}

ax_result db_columns(db *d, const char *schema, const char *table, char ***cols, int *n,
                     char **err)
{
    char *sql = sqlite3_mprintf("PRAGMA %Q.table_info(%Q)", schema ? schema : "main", table);
    sqlite3_stmt *st;
    *cols = NULL;
    *n = 0;
    int rc = sqlite3_prepare_v2(d->h, sql, -1, &st, NULL);
    sqlite3_free(sql);
    if (rc != SQLITE_OK)
        return db_fail(d, err, "reading columns");
    int cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            char **p = realloc(*cols, (size_t)cap * sizeof *p);
            if (!p) {
                sqlite3_finalize(st);
                db_columns_free(*cols, *n);
                return ax_fail(err, AX_ENOMEM, "out of memory");
            }
            *cols = p;
        }
        (*cols)[(*n)++] = strdup((const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    return AX_OK;
}

void db_columns_free(char **cols, int n)
{
    for (int i = 0; i < n; i++)
        free(cols[i]);
    free(cols);
}
