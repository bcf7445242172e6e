/*
 * cmd_run_db — the database side of `axon run --db [FILE]`: every layer run
 * is stored as one row of runs/results (plus counters, components, energy
 * lines) in its own transaction; a configuration already stored under this
 * axon version is not duplicated (its run id is reported). The evaluator
 * recorded is "sim". Every core's counters go to the `cores` table (core
 * index rb * col_blocks + cb, as run_result.per_core holds them).
 */
#include "cmd_run_db.h"

#include "../db/db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *cmd_run_db_path(const char *optarg_, int argc, char **argv, int *optind_)
{
    if (optarg_)
        return optarg_;
    if (*optind_ < argc && argv[*optind_][0] != '-')
        return argv[(*optind_)++];
    return DB_DEFAULT_FILE;
}

ax_result cmd_run_db_check(const char *path, char **err)
{
    if (access(path, F_OK) != 0)
        return ax_out_check(path, err); /* created at the first record: the directory */
    char *dir = strdup(path);
    if (!dir)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    char *slash = strrchr(dir, '/');
    const char *d = slash ? (slash == dir ? "/" : (*slash = 0, dir)) : ".";
    ax_result r = AX_OK;
    if (access(path, R_OK | W_OK) != 0 || access(d, W_OK | X_OK) != 0)
        r = ax_fail(err, AX_EDB,
                    "%s: the database %s is not writable: %s (hint: check the "
                    "permissions of the file and its directory, or record into another file with "
                    "--db FILE)",
                    path, access(path, W_OK) ? "file" : "directory", strerror(errno));
    free(dir);
    db *db_;
    if (!r && !(r = db_open(path, DB_NOMIGRATE, &db_, err))) /* a database at all? */
        db_free(db_);
    return r;
}

ax_result cmd_run_db_record(const char *path, const run_job *j, const run_result *r, char **err)
{
    db *d;
    ax_result res = db_open(path, 0, &d, err);
    if (res)
        return res;
    int64_t id = 0;
    int fresh = 0;
    db_run_info info = {.evaluator = "sim",
                        .per_core = r->per_core,
                        .ncores = r->per_core ? r->sim.cores : 0};
    res = db_record_run(d, j, r, &info, &id, &fresh, err);
    db_free(d);
    if (res == AX_OK)
        fprintf(stderr, "%s run %lld in %s (%s)\n", fresh ? "recorded" : "already stored as",
                (long long)id, path, j->layer ? j->layer : "");
    return res;
}
