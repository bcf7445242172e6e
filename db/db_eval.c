/*
 * db_eval — the evaluator a sweep uses for real points: one run of the
 * layer (run/run_job.c). The sweep engine itself knows no simulator (it
 * takes an evaluator, db_sweep_eval); the command line and the library's
 * ax_sweep hand it this one, tests the closed-form stand-in of db_fake.c.
 * With a db_sim_user, the points share a run_cache (weights, counts, events,
 * the reference and checksums computed once per key; `sweep --no-cache`):
 * db_sim_prepare fills it in the parent before the workers are forked, so
 * each piece is computed once per sweep and inherited copy-on-write, on
 * every core (the workers have not started); a worker computes only what
 * is still missing.
 */
#include "db_int.h"

ax_result db_sim_eval(void *user, const run_job *j, run_result *r, char **err)
{
    db_sim_user *u = user;
    if (!u)
        return run_job_exec(j, r, err);
    /* the struct is copied into every worker by fork: each worker makes its
     * own cache on its first point */
    ax_result rc;
    if (!u->off && !u->c && (rc = run_cache_new(RUN_CACHE_DEFAULT_BYTES, &u->c, err)))
        return rc;
    run_job row = *j; /* the point is stored as rows: acc and y are not read */
    row.no_tensors = 1;
    return run_job_exec_cached(&row, u->off ? NULL : u->c, r, err);
}

void db_sim_release(void *user, run_result *r)
{
    (void)user;
    run_result_free(r);
}

ax_result db_sim_prepare(void *user, const run_job *j, char **err)
{
    db_sim_user *u = user;
    if (!u || u->off)
        return AX_OK;
    ax_result rc;
    if (!u->c && (rc = run_cache_new(RUN_CACHE_DEFAULT_BYTES, &u->c, err)))
        return rc;
    /* the parent is alone until the workers start: every core */
    run_job all = *j;
    all.threads = sim_threads_default();
    return run_job_prepare(&all, u->c, err);
}
