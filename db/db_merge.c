/*
 * db_merge — joins a shard database into another one (`axon db merge`).
 *
 * The shard is ATTACHed read-only in spirit (nothing is written to it) and
 * copied in one transaction of the target: a crash mid-merge leaves the
 * target as it was. Runs are matched by (config_hash, axon_version), the
 * natural key, so merging the same shard twice, or two shards that both
 * ran a point, stores it once; sweeps are matched by spec hash, so the
 * shards of one sweep become one sweep again. Row ids are renumbered
 * through temporary maps (src id -> target id).
 */
#include "db_int.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* "a, b, c" of the target's columns of table, without `skip`; with prefix (malloc'd, in *out). */
static ax_result col_list(db *d, const char *table, const char *skip, const char *prefix,
                          char **out, char **err)
{
    char **cols;
    int n;
    ax_result r = db_columns(d, "main", table, &cols, &n, err);
    if (r)
        return r;
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len += strlen(cols[i]) + strlen(prefix) + 4;
    char *s = malloc(len), *w = s;
    if (s) {
        *w = 0;
        for (int i = 0; i < n; i++)
            if (strcmp(cols[i], skip))
                w += sprintf(w, "%s%s\"%s\"", w == s ? "" : ", ", prefix, cols[i]);
    } else
        r = ax_fail(err, AX_ENOMEM, "out of memory");
    db_columns_free(cols, n);
    *out = s;
    return r;
}

static ax_result exec_fmt(db *d, const char *what, char **err, const char *fmt, ...);

static ax_result exec_fmt(db *d, const char *what, char **err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    if (!sql)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    ax_result r = db_exec_ctx(d, sql, what, err);
    sqlite3_free(sql);
    return r;
}

static ax_result copy_children(db *d, const char *table, long long oldmax, size_t *added,
                               char **err)
{
    char *cols = NULL, *xcols = NULL;
    ax_result r = col_list(d, table, "run_id", "", &cols, err);
    if (r == AX_OK)
        r = col_list(d, table, "run_id", "x.", &xcols, err);
    if (r == AX_OK)
        r = exec_fmt(d, "copying shard rows", err,
                     "INSERT INTO main.\"%w\" (run_id, %s) SELECT m.dst, %s FROM src.\"%w\" x "
                     "JOIN temp.run_map m ON m.src = x.run_id WHERE m.dst > %lld",
                     table, cols, xcols, table, oldmax);
    if (r == AX_OK && added)
        *added = (size_t)sqlite3_changes(d->h);
    free(cols);
    free(xcols);
    return r;
}

static long long scalar(db *d, const char *sql)
{
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(d->h, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

static ax_result merge_tx(db *d, db_merge_stats *st, char **err)
{
    long long oldmax = scalar(d, "SELECT coalesce(max(id), 0) FROM main.runs");
    long long nsrc = scalar(d, "SELECT count(*) FROM src.runs");
    if (oldmax < 0 || nsrc < 0)
        return db_fail(d, err, "reading runs");
    char *rcols = NULL, *scols = NULL;
    ax_result r = col_list(d, "runs", "id", "", &rcols, err);
    if (r == AX_OK)
        r = col_list(d, "runs", "id", "s.", &scols, err);
    if (r == AX_OK)
        r = db_exec_ctx(d,
                        "CREATE TEMP TABLE IF NOT EXISTS run_map (src INTEGER PRIMARY KEY, dst "
                        "INTEGER NOT NULL); DELETE FROM temp.run_map;"
                        "CREATE TEMP TABLE IF NOT EXISTS sweep_map (src INTEGER PRIMARY KEY, dst "
                        "INTEGER NOT NULL); DELETE FROM temp.sweep_map;",
                        "preparing the merge", err);
    if (r == AX_OK)
        r = exec_fmt(d, "copying runs", err,
                     "INSERT INTO main.runs (%s) SELECT %s FROM src.runs s WHERE NOT EXISTS "
                     "(SELECT 1 FROM main.runs m WHERE m.config_hash = s.config_hash AND "
                     "m.axon_version = s.axon_version) ORDER BY s.id",
                     rcols, scols);
    if (r == AX_OK) {
        st->runs_added = (size_t)sqlite3_changes(d->h);
        st->runs_skipped = (size_t)nsrc - st->runs_added;
        r = db_exec_ctx(d,
                        "INSERT INTO temp.run_map SELECT s.id, m.id FROM src.runs s JOIN "
                        "main.runs m ON m.config_hash = s.config_hash AND m.axon_version = "
                        "s.axon_version",
                        "mapping runs", err);
    }
    const char *children[] = {"results", "counters", "components", "cores", "energy_lines"};
    for (size_t i = 0; r == AX_OK && i < sizeof children / sizeof children[0]; i++)
        r = copy_children(d, children[i], oldmax, NULL, err);
    if (r == AX_OK)
        r = db_exec_ctx(d,
                        "INSERT INTO main.sweeps (spec_hash, spec, started_utc, finished_utc, "
                        "status, points_total, shard) SELECT spec_hash, spec, started_utc, "
                        "finished_utc, status, points_total, NULL FROM src.sweeps s WHERE "
                        "s.spec_hash NOT IN (SELECT spec_hash FROM main.sweeps)",
                        "copying sweeps", err);
    if (r == AX_OK) {
        st->sweeps_added = (size_t)sqlite3_changes(d->h);
        r = db_exec_ctx(d,
                        "INSERT INTO temp.sweep_map SELECT s.id, m.id FROM src.sweeps s JOIN "
                        "main.sweeps m ON m.spec_hash = s.spec_hash;"
                        "INSERT OR IGNORE INTO main.sweep_points (sweep_id, run_id) SELECT "
                        "sm.dst, rm.dst FROM src.sweep_points p JOIN temp.sweep_map sm ON sm.src "
                        "= p.sweep_id JOIN temp.run_map rm ON rm.src = p.run_id;",
                        "copying sweep points", err);
        st->links_added = (size_t)sqlite3_changes(d->h);
    }
    if (r == AX_OK)
        r = db_exec_ctx(d,
                        "INSERT INTO main.sweep_errors (sweep_id, config_hash, label, error, "
                        "at_utc) SELECT "
                        "sm.dst, e.config_hash, e.label, e.error, e.at_utc FROM src.sweep_errors e "
                        "JOIN "
                        "temp.sweep_map sm ON sm.src = e.sweep_id WHERE NOT EXISTS (SELECT 1 FROM "
                        "main.runs "
                        "r WHERE r.config_hash = e.config_hash) AND NOT EXISTS (SELECT 1 FROM "
                        "main.sweep_errors f WHERE f.sweep_id = sm.dst AND f.config_hash = "
                        "e.config_hash AND "
                        "f.error = e.error);"
                        "UPDATE main.sweeps SET shard = NULL, status = CASE WHEN (SELECT count(*) "
                        "FROM "
                        "main.sweep_points p WHERE p.sweep_id = sweeps.id) >= points_total THEN "
                        "'done' ELSE "
                        "'incomplete' END WHERE id IN (SELECT dst FROM temp.sweep_map);",
                        "copying sweep errors", err);
    free(rcols);
    free(scols);
    return r;
}

ax_result db_merge(db *d, const char *shard_path, db_merge_stats *st, char **err)
{
    memset(st, 0, sizeof *st);
    char a[PATH_MAX], b[PATH_MAX];
    if (!realpath(shard_path, a))
        return ax_fail(err, AX_ENOTFOUND, "%s: no such shard database", shard_path);
    if (realpath(d->path, b) && !strcmp(a, b))
        return ax_fail(err, AX_EPARAM, "%s: cannot merge a database into itself", shard_path);
    /* Check the shard's schema through its own read-only connection. */
    db *src;
    ax_result r = db_open(shard_path, DB_RDONLY, &src, err);
    if (r) {
        ax_err_prefix(err, "shard");
        return r;
    }
    db_free(src);
    char *sql = sqlite3_mprintf("ATTACH DATABASE %Q AS src", shard_path);
    r = db_exec_ctx(d, sql, "attaching the shard", err);
    sqlite3_free(sql);
    if (r)
        return r;
    r = db_begin(d, err);
    if (r == AX_OK)
        r = merge_tx(d, st, err);
    if (r == AX_OK)
        r = db_commit(d, err);
    if (r != AX_OK)
        db_rollback(d);
    sqlite3_exec(d->h, "DETACH DATABASE src", NULL, NULL, NULL);
    if (r != AX_OK)
        ax_err_prefix(err, "merging %s", shard_path);
    return r;
}
