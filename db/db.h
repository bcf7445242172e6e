/*
 * db — the SQLite results store of axon (docs/design.md §6): one row per run with
 * every parameter and every result in named units, parameter sweeps that
 * resume after a crash, read-only queries, and the merge of sweep shards.
 *
 * Schema (docs/db.md): versioned with PRAGMA user_version and an ordered
 * list of migrations (db_schema.c); WAL journal, a busy timeout so several
 * processes can write at once, one transaction per recorded run, so a run
 * is either entirely in the database or not at all.
 *
 * A run is keyed by its config hash: FNV-1a 64 of a canonical JSON text of
 * everything that defines the point (files by name + checksum, layer, every
 * sim/spike/power parameter, the technology table). The same config under
 * the same axon version is stored once (UNIQUE(config_hash, axon_version)).
 *
 * The database knows no simulator: sweeps evaluate points through a
 * callback (db_sweep_eval), so the engine is tested with a fake evaluator.
 */
#ifndef AX_DB_H
#define AX_DB_H

#include "../ax/ax.h"
#include "../run/run.h"

#include <stdint.h>
#include <stdio.h>

#define DB_SCHEMA_VERSION 14
#define DB_DEFAULT_FILE "results.db"

typedef struct db db;

enum {
    DB_RDONLY = 1,   /* open read-only (never creates, never migrates) */
    DB_NOMIGRATE = 2 /* read-write but leave the schema as it is (tests, `axon db`) */
};

/* Opens (creating when missing, unless DB_RDONLY) and migrates PATH to
 * DB_SCHEMA_VERSION. *out is freed with db_free. A file the call created
 * is removed again when it fails (full disk, not a database). A handle is
 * used by one thread at a time (SQLite's per-connection mutex is off: it
 * was 6 % of a sweep's time, taken for every bound value of every core
 * row); open one handle per thread. */
ax_result db_open(const char *path, int flags, db **out, char **err);
/* Removes PATH and its -wal, -shm and -journal files (a failed new database). */
void db_remove_files(const char *path);
void db_free(db *d); /* NULL is a no-op */
const char *db_path(const db *d);
int db_user_version(db *d);
/* Applies the migrations up to `version` (<= DB_SCHEMA_VERSION), each in
 * its own transaction. Lower than the current version is AX_EPARAM. */
ax_result db_migrate_to(db *d, int version, char **err);
/* Runs PRAGMA integrity_check; AX_EDB with the first problem otherwise. */
ax_result db_check(db *d, char **err);
/* Executes SQL statements that return no rows (tests, maintenance). */
ax_result db_exec(db *d, const char *sql, char **err);

/* ---- recording (db_record.c) ---- */

typedef struct {
    const char
        *tech_version;      /* NULL: the result's power.version, else run_tech_version(job->tech) */
    const char *evaluator;  /* "sim" (NULL) or "fake" (test stand-in) */
    int64_t sweep_id;       /* 0: not part of a sweep */
    const run_files *files; /* NULL: checksummed here */
    const sim_counters *per_core; /* optional [ncores] */
    size_t ncores;
} db_run_info;

/* Records one run in one transaction (runs, results, counters, components,
 * cores, sweep link). When the same config is already stored under this
 * axon version nothing is duplicated: *run_id is the existing row and
 * *inserted is 0. run_id and inserted may be NULL. */
ax_result db_record_run(db *d, const run_job *j, const run_result *r, const db_run_info *info,
                        int64_t *run_id, int *inserted, char **err);
/* 1 when (hash, this axon version) is stored, 0 if not, -1 on error. */
int db_has_config(db *d, uint64_t hash);

/* ---- queries (db_query.c, db_named.c) ---- */

typedef enum { DB_FMT_TABLE, DB_FMT_CSV, DB_FMT_JSON } db_format;

/* Prepares SQL (one statement; text parameters ?1..?n bound from args) and
 * prints its rows. Read-only connections refuse writes by construction. */
ax_result db_query_print(db *d, const char *sql, const char *const *args, int nargs, db_format f,
                         FILE *out, char **err);
/* Calls fn for each row (values as text, NULL for SQL NULL). fn returns
 * nonzero to stop. */
typedef int (*db_row_fn)(void *user, int ncol, const char *const *names, const char *const *vals);
ax_result db_query_each(db *d, const char *sql, const char *const *args, int nargs, db_row_fn fn,
                        void *user, char **err);
/* AX_ENOTFOUND unless `col` is a column of view v_runs (the hint lists them). */
ax_result db_column_check(db *d, const char *col, char **err);
/* AX_ENOTFOUND naming the file unless sweep `id` exists (the hint names
 * `axon query sweeps`). */
ax_result db_sweep_check(db *d, int64_t id, char **err);

typedef struct {
    const char *x, *y;  /* pareto axes (v_runs columns) */
    int max_x, max_y;   /* 1: larger is better on that axis */
    const char *metric; /* best: column to minimise (default energy_pj_per_token) */
    const char *where;  /* extra SQL condition on v_runs, or NULL */
    int64_t sweep_id;   /* 0: all runs */
    long limit;         /* rows for `runs` (default 50) */
} db_named_args;

/* Named queries: list, runs, best, pareto, sweeps, baseline, columns, errors. */
ax_result db_named_run(db *d, const char *name, const db_named_args *a, db_format f, FILE *out,
                       char **err);
int db_named_exists(const char *name);
void db_named_list(FILE *out);

/* ---- sweeps (db_sweep.c, db_plan.c) ---- */

#define DB_SWEEP_MAX_AXES 16

/* One axis: name is layer, clock (MHz), tile (RxC), coding, k, async
 * (on/off), lanes or steps (auto, token or T); values as the CLI spells
 * them (a layer value must outlive the plan: it is referenced). */
typedef struct {
    const char *name;
    const char *const *values;
    size_t n;
} db_sweep_axis;

/* A point evaluator: fills *res for job. release frees what eval put in
 * *res (may be NULL). Called in worker processes. */
typedef struct {
    ax_result (*eval)(void *user, const run_job *job, run_result *res, char **err);
    void (*release)(void *user, run_result *res);
    void *user;
    const char *name; /* stored in runs.evaluator: "sim" or "fake" */
    /* optional: called in the parent for every point to run, before the
     * workers are forked, to compute what points share once (the workers
     * inherit it); an error is left for the worker to report */
    ax_result (*prepare)(void *user, const run_job *job, char **err);
} db_sweep_eval;

typedef struct {
    run_job base; /* the fixed parameters */
    db_sweep_axis axes[DB_SWEEP_MAX_AXES];
    size_t naxes;
    const char *tech_version; /* NULL: "builtin-45nm" */
    int shard_i, shard_n;     /* shard_n 0: the whole plan; else points with index % n == i */
} db_sweep_spec;

typedef struct {
    run_job job;  /* strings point into the spec (and static tables) */
    char *config; /* canonical config text, owned */
    uint64_t hash;
    char *label;            /* "clock=500 tile=64x64 ...", owned */
    size_t plan;            /* its index in the full product of the axes (last axis fastest) */
    char tech_version[128]; /* the point's technology table at its node and supply */
} db_sweep_point;

/* Sets the job field named by axis from its CLI spelling. */
ax_result db_sweep_apply(run_job *j, const char *axis, const char *value, char **err);
/* Canonical spec text (axes + base, without the shard) and its hash. */
ax_result db_sweep_spec_text(const db_sweep_spec *s, char **text, uint64_t *hash, char **err);
/* Cartesian product in a fixed order (last axis fastest), points with the
 * same config hash kept once (e.g. async points differing only by clock),
 * then the shard filter. *pts freed with db_sweep_points_free. *total gets
 * the plan size before the shard filter (may be NULL). */
ax_result db_sweep_plan(const db_sweep_spec *s, db_sweep_point **pts, size_t *n, size_t *total,
                        char **err);
void db_sweep_points_free(db_sweep_point *pts, size_t n);

typedef struct {
    int64_t sweep_id;
    size_t planned; /* points of this shard */
    size_t skipped; /* already in the database */
    size_t ran;     /* evaluated and recorded now */
    size_t failed;  /* evaluation or recording failed (listed in sweep_errors) */
} db_sweep_stats;

/* Runs the sweep into the database at path with `jobs` worker processes
 * (fork; each recorded point is its own transaction). Rerunning skips the
 * points already stored. Workers die with the parent (even on SIGKILL),
 * so a killed sweep loses at most the points in flight. progress, when
 * not NULL, is called from the parent as points complete. */
ax_result db_sweep_run(const char *path, const db_sweep_spec *s, const db_sweep_eval *ev, int jobs,
                       void (*progress)(size_t done, size_t total), db_sweep_stats *st, char **err);

/* The real evaluator (db_eval.c): one run of the point's layer through
 * run_job_exec, released with run_result_free. user: NULL, or a
 * db_sim_user whose cache each worker fills on its first point (off: none). */
typedef struct {
    int off;
    run_cache *c;
} db_sim_user;
ax_result db_sim_eval(void *user, const run_job *job, run_result *res, char **err);
void db_sim_release(void *user, run_result *res);
/* Its prepare hook: in the parent, before the fork, the shared parts of
 * every point (weights, counts, events, reference) into the db_sim_user's
 * cache, once each (run_job_prepare); the workers inherit it. */
ax_result db_sim_prepare(void *user, const run_job *job, char **err);

/* The test stand-in evaluator (db_fake.c): closed-form "results" of the
 * parameters, stored with evaluator = 'fake'. Not physics. */
ax_result db_fake_eval(void *user, const run_job *job, run_result *res, char **err);

/* ---- shards (db_merge.c) ---- */

typedef struct {
    size_t runs_added, runs_skipped, sweeps_added, links_added;
} db_merge_stats;

/* Merges the database at shard_path into d in one transaction: runs
 * already present (same config hash and axon version) are skipped,
 * sweeps are matched by spec hash. */
ax_result db_merge(db *d, const char *shard_path, db_merge_stats *st, char **err);

#endif
