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


ax_result db_fail(db *d, char **err, const char *what)
{
    const char *msg = d && d->h ? sqlite3_errmsg(d->h) : "no connection";
    int code = d && d->h ? sqlite3_errcode(d->h) : 0;
    const char *hint = "";
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        hint =
            " (hint: another process holds the database; retry, or give each shard its own file)";
    else if (code == SQLITE_READONLY && d->rdonly)
        hint = " (hint: `axon query` runs raw SQL read-only; its --write allows changes)";
    else if (code == SQLITE_READONLY)
        hint = " (hint: the database file or its directory is not writable; check the "
               "permissions or record into another file)";
    else if (code == SQLITE_FULL || code == SQLITE_IOERR)
        hint =
            " (hint: is the disk full, or a file-size limit (ulimit -f) set? nothing partial was "
            "committed)";
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
        ax_result r = db_begin(d, err);
        if (r != AX_OK)
            return r;
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
        if ((r = db_commit(d, err)) != AX_OK) {
            db_rollback(d);
            return r;
        }
    }
    return AX_OK;
}

/* The file and its directory are writable (the WAL and shm files can be
 * created and removed there: ax_out_check's test of the directory). */
static int db_writable(const char *path)
{
    return access(path, W_OK) == 0 && ax_out_check(path, NULL) == AX_OK;
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
    /* a file this open creates is removed again when the open fails (a full
     * disk, a directory that is not writable): never an empty database left */
    int created = !rdonly && access(path, F_OK) != 0;
    /* a reader of a database it may write opens it read-write with
     * query_only: a read-only connection cannot remove the WAL and shared-
     * memory files on close, so `axon query` left results.db-wal and
     * results.db-shm beside the database; query_only still refuses every
     * change with SQLITE_READONLY (the --write hint). A file or directory
     * that is not writable is opened read-only as before. */
    int rw_reader = rdonly && db_writable(path);
    int oflags = SQLITE_OPEN_NOMUTEX |
                 (rdonly && !rw_reader ? SQLITE_OPEN_READONLY
                                       : SQLITE_OPEN_READWRITE | (rdonly ? 0 : SQLITE_OPEN_CREATE));
    if (sqlite3_open_v2(path, &d->h, oflags, NULL) != SQLITE_OK) {
        db_fail(d, err, "open");
        db_free(d);
        if (created)
            db_remove_files(path);
        return AX_EDB;
    }
    sqlite3_busy_timeout(d->h, DB_BUSY_MS);
    ax_result r = AX_OK;
    if (!rdonly)
        r = db_exec_ctx(d, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                        "setting WAL journal", err);
    else if (rw_reader)
        r = db_exec_ctx(d, "PRAGMA query_only=ON", "opening read-only", err);
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
        if (created)
            db_remove_files(path);
        return r;
    }
    *out = d;
    return AX_OK;
}

void db_remove_files(const char *path)
{
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
    size_t n = strlen(path) + 16;
    char *p = malloc(n);
    for (size_t i = 0; p && i < sizeof sfx / sizeof sfx[0]; i++) {
        snprintf(p, n, "%s%s", path, sfx[i]);
        unlink(p);
    }
    free(p);
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

ax_result db_columns(db *d, const char *schema, const char *table, char ***cols, int *n, char **err)
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
