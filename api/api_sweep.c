/*
 * api_sweep — ax_sweep: the cartesian product of parameter lists on a base
 * job, each point one run of the layer (run_job_exec), recorded in the
 * results database by forked worker processes (db/db_sweep.c), exactly as
 * `axon sweep` does: a list of one value fixes the parameter, several make
 * an axis, "both" is off,on for on/off parameters, a rerun resumes.
 */
#include "api_int.h"

#include "../db/db.h"

#include <stdlib.h>
#include <string.h>

/* Splits the malloc'd text s at ',' into a malloc'd array of pointers into
 * s; AX_EPARAM for an empty item. */
static ax_result split(char *s, const run_param *p, const char **out_items[], size_t *n, char **err)
{
    size_t cap = 2;
    for (const char *c = s; *c; c++)
        cap += *c == ',';
    const char **v = calloc(cap, sizeof *v);
    if (!v)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    *n = 0;
    for (char *c = s;;) {
        char *e = strchr(c, ',');
        if (e)
            *e = 0;
        if (!*c) {
            free(v);
            return ax_fail(err, AX_EPARAM,
                           "sweep parameter %s: an empty item in the list "
                           "(hint: values separated by single commas, e.g. 250,500)",
                           p->key);
        }
        v[(*n)++] = c;
        if (!e)
            break;
        c = e + 1;
    }
    *out_items = v;
    return AX_OK;
}

ax_result ax_sweep(const ax_job *base, size_t naxes, const char *const *names,
                   const char *const *lists, const char *db_path, int jobs, ax_sweep_stats *stats,
                   char **err)
{
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (!base || !db_path || (naxes && (!names || !lists)))
        return ax_fail(err, AX_EPARAM, "ax_sweep: base job, axes and db_path are required");
    if (jobs < 1 || jobs > 1024)
        return ax_fail(err, AX_EPARAM, "ax_sweep: jobs %d out of range [1, 1024]", jobs);
    size_t ntab;
    const run_param *tab = run_param_table(&ntab);
    db_sweep_spec s;
    memset(&s, 0, sizeof s);
    char *layer = NULL;
    char **texts = calloc(naxes + 1, sizeof *texts);        /* owned list copies */
    const char ***items = calloc(naxes + 1, sizeof *items); /* owned item arrays */
    int *seen = calloc(ntab, sizeof *seen);
    ax_result rc = texts && items && seen ? AX_OK : ax_fail(err, AX_ENOMEM, "out of memory");
    int layer_axis = 0;
    for (size_t a = 0; rc == AX_OK && a < naxes; a++) {
        const run_param *p = run_param_find(names[a]);
        if (!p) {
            run_job probe;
            run_job_default(&probe);
            rc = run_param_set_name(&probe, names[a] ? names[a] : "", "", err);
            break;
        }
        size_t ti = (size_t)(p - tab);
        if (seen[ti]++) {
            rc = ax_fail(err, AX_EPARAM,
                         "sweep parameter %s given twice (hint: one "
                         "comma-separated list)",
                         p->key);
            break;
        }
        const char *v = lists[a] ? lists[a] : "";
        if (p->type == RUN_PT_BOOL && !strcmp(v, "both"))
            v = "off,on";
        if (!(texts[a] = strdup(v))) {
            rc = ax_fail(err, AX_ENOMEM, "out of memory");
            break;
        }
        size_t n = 0;
        if ((rc = split(texts[a], p, &items[a], &n, err)))
            break;
        run_job probe;
        run_job_default(&probe);
        for (size_t k = 0; rc == AX_OK && k < n; k++)
            rc = run_param_set(&probe, p, items[a][k], err);
        if (rc)
            break;
        if (n == 1) /* fixed: set on the base below */
            continue;
        if (s.naxes >= DB_SWEEP_MAX_AXES) {
            rc = ax_fail(err, AX_EPARAM, "at most %d parameters can vary at once",
                         DB_SWEEP_MAX_AXES);
            break;
        }
        layer_axis |= !strcmp(p->key, "layer");
        db_sweep_axis *ax = &s.axes[s.naxes++];
        ax->name = p->key;
        ax->values = items[a];
        ax->n = n;
    }
    /* the base: the job's parameters and files, then the fixed values (a
     * tile or group fixed here counts as given, as on the command line) */
    int fixed_layer = 0;
    ax_job tmp = *base; /* shares the base's strings; never freed */
    for (size_t a = 0; rc == AX_OK && a < naxes; a++) {
        if (items[a][1])
            continue;
        const run_param *p = run_param_find(names[a]);
        run_param_set(&tmp.j, p, items[a][0], NULL); /* checked above */
        fixed_layer |= !strcmp(p->key, "layer");
        tmp.tile_given |= !strcmp(p->key, "tile");
        tmp.group_given |= !strcmp(p->key, "group_size");
    }
    if (rc == AX_OK)
        rc = api_job_prepare(&tmp, !layer_axis && !fixed_layer, &s.base, &layer, err);
    char tv[128];
    if (rc == AX_OK)
        rc = run_tech_version(&s.base, tv, sizeof tv, err);
    s.tech_version = tv;
    db_sweep_stats st;
    memset(&st, 0, sizeof st);
    if (rc == AX_OK) {
        /* the same evaluator as `axon sweep`: what points share is computed
         * once in the parent (db_sim_prepare) and inherited by the workers */
        db_sim_user su = {0};
        db_sweep_eval ev = {.eval = db_sim_eval,
                            .release = db_sim_release,
                            .user = &su,
                            .name = "sim",
                            .prepare = db_sim_prepare};
        rc = db_sweep_run(db_path, &s, &ev, jobs, NULL, &st, err);
        run_cache_free(su.c);
        if (rc == AX_OK && st.failed)
            rc = ax_fail(err, AX_EPARAM,
                         "sweep %lld: %zu of %zu point(s) failed; their errors "
                         "are in %s (hint: ax_query(db, \"errors\"); rerunning retries them)",
                         (long long)st.sweep_id, st.failed, st.planned, db_path);
    }
    if (stats) {
        stats->sweep_id = st.sweep_id;
        stats->planned = st.planned;
        stats->skipped = st.skipped;
        stats->ran = st.ran;
        stats->failed = st.failed;
    }
    for (size_t a = 0; texts && a < naxes; a++)
        free(texts[a]);
    for (size_t a = 0; items && a < naxes; a++)
        free((void *)items[a]);
    free(texts);
    free(items);
    free(seen);
    free(layer);
    return rc;
}
