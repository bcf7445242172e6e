/*
 * api_run — one run of a layer through the public interface (ax_run) and
 * the accessors of its result: the report as JSON and by field name, and
 * the acc / y arrays, which are the run_result's own buffers (no copy).
 *
 * The result keeps what its report refers to: a copy of the job with the
 * layer, image, ref and technology table names it owns (the ax_job may be
 * freed first; the table's name is in the report's params), the
 * run_result, and the report built once as a cJSON tree.
 */
#include "api_int.h"
#include "../ax/ax_json.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

struct ax_run_result {
    run_job job;                      /* copy; layer, image, ref, tech point to the strings below */
    char *layer, *image, *ref, *tech; /* owned */
    run_result res;            /* acc, y owned (run_result_free) */
    cJSON *report;             /* owned */
};

void ax_run_result_free(ax_run_result *r)
{
    if (!r)
        return;
    run_result_free(&r->res);
    cJSON_Delete(r->report);
    free(r->layer);
    free(r->image);
    free(r->ref);
    free(r->tech);
    free(r);
}

ax_result ax_run(const ax_job *job, ax_run_result **out, char **err)
{
    if (!out)
        return ax_fail(err, AX_EPARAM, "ax_run: out is required");
    *out = NULL;
    run_job j;
    char *layer = NULL;
    ax_result rc = api_job_prepare(job, 1, &j, &layer, err);
    if (rc)
        return rc;
    ax_run_result *r = calloc(1, sizeof *r);
    int ok = r != NULL;
    if (r) {
        r->layer = api_strdup(j.layer, &ok);
        r->image = api_strdup(j.image, &ok);
        r->ref = api_strdup(j.ref, &ok);
        r->tech = api_strdup(j.tech, &ok);
    }
    if (!ok) {
        free(layer);
        ax_run_result_free(r);
        return ax_fail(err, AX_ENOMEM, "out of memory");
    }
    rc = run_job_exec(&j, &r->res, err);
    if (rc)
        ax_err_prefix(err, "layer %s", j.layer);
    free(layer);
    if (rc == AX_OK) {
        /* the report names only these; the job's other strings may go away */
        r->job = j;
        r->job.layer = r->layer;
        r->job.image = r->image;
        r->job.ref = r->ref;
        r->job.tech = r->tech;
        r->job.weights = r->job.trace = r->job.vcd = r->job.arch = NULL;
        free(r->res.per_core); /* not reported (as `axon run --json` without --per-core) */
        r->res.per_core = NULL;
        if (!(r->report = run_report_json(&r->job, &r->res, 0)))
            rc = ax_fail(err, AX_ENOMEM, "out of memory building the report");
    }
    if (rc) {
        ax_run_result_free(r);
        return rc;
    }
    *out = r;
    return AX_OK;
}

char *ax_run_result_json(const ax_run_result *r)
{
    return r && r->report ? ax_json_print(r->report, 1) : NULL;
}

/* The number (or boolean) item named key in o, or NULL. */
static const cJSON *number_in(const cJSON *o, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(it) || cJSON_IsBool(it) ? it : NULL;
}

ax_result ax_run_result_number(const ax_run_result *r, const char *name, double *value, char **err)
{
    if (!r || !name || !value)
        return ax_fail(err, AX_EPARAM, "ax_run_result_number: result, name and value are required");
    const cJSON *o = r->report, *it = NULL;
    const char *dot = strchr(name, '.');
    if (dot) { /* section.field */
        char sec[128];
        size_t n = (size_t)(dot - name);
        if (n < sizeof sec) {
            memcpy(sec, name, n);
            sec[n] = 0;
            it = number_in(cJSON_GetObjectItemCaseSensitive(o, sec), dot + 1);
        }
    } else if (!(it = number_in(o, name))) { /* a bare name: the first nested object holding it */
        for (const cJSON *c = o->child; c && !it; c = c->next)
            if (cJSON_IsObject(c))
                it = number_in(c, name);
    }
    if (!it)
        return ax_fail(err, AX_ENOTFOUND,
                       "no number '%s' in the report of layer %s (hint: a "
                       "field of ax_run_result_json, e.g. duration_ns, power.energy_pj, "
                       "counters.adds)",
                       name, r->layer);
    *value = cJSON_IsBool(it) ? (cJSON_IsTrue(it) ? 1.0 : 0.0) : it->valuedouble;
    return AX_OK;
}

const int32_t *ax_run_result_acc(const ax_run_result *r, int *ndim, int64_t shape[3])
{
    if (!r)
        return NULL;
    int nd = r->res.ngroups > 1 ? 3 : 2;
    if (ndim)
        *ndim = nd;
    if (shape) {
        shape[0] = (int64_t)r->res.tokens;
        shape[1] = (int64_t)r->res.out;
        if (nd == 3)
            shape[2] = (int64_t)r->res.ngroups;
    }
    return r->res.acc;
}

const float *ax_run_result_y(const ax_run_result *r, int *ndim, int64_t shape[2])
{
    if (!r)
        return NULL;
    if (ndim)
        *ndim = 2;
    if (shape) {
        shape[0] = (int64_t)r->res.tokens;
        shape[1] = (int64_t)r->res.out;
    }
    return r->res.y;
}
