/*
 * db_eval — the evaluator a sweep uses for real points: one run of the
 * layer (run/run_job.c). The sweep engine itself knows no simulator (it
 * takes an evaluator, db_sweep_eval); the command line and the library's
 * ax_sweep hand it this one, tests the closed-form stand-in of db_fake.c.
 */
#include "db_int.h"

ax_result db_sim_eval(void *user, const run_job *j, run_result *r, char **err)
{
    (void)user;
    return run_job_exec(j, r, err);
}

void db_sim_release(void *user, run_result *r)
{
    (void)user;
    run_result_free(r);
}
