/*
 * api_job — the public job handle (include/axon.h): a run_job whose
 * parameters are set by name through the one parameter table
 * (run/run_param.h), its input files, architecture files, and the layer
 * list. api/ is the one place where exported ax_ names are defined (besides
 * ax_result_str in ax/); everything else in libaxon.so is hidden.
 *
 * run_job borrows its strings, so the job keeps a copy of every text it
 * was given (file paths, TEXT parameters such as layer and tech) and frees
 * them with the job. Architecture files intern their text values for the
 * life of the process (run/run_arch.c).
 */
#include "api_int.h"
#include "../ax/ax_json.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

const char *ax_version(void)
{
    return AX_VERSION;
}

void ax_free(void *p)
{
    free(p);
}

char *api_strdup(const char *s, int *ok)
{
    if (!s)
        return NULL;
    char *c = strdup(s);
    if (!c)
        *ok = 0;
    return c;
}

ax_result ax_job_new(ax_job **out, char **err)
{
    size_t n;
    run_param_table(&n);
    ax_job *job = calloc(1, sizeof *job);
    char **text = calloc(n, sizeof *text);
    if (!job || !text) {
        free(job);
        free(text);
        return ax_fail(err, AX_ENOMEM, "out of memory");
    }
    run_job_default(&job->j);
    job->text = text;
    job->ntext = n;
    *out = job;
    return AX_OK;
}

void ax_job_free(ax_job *job)
{
    if (!job)
        return;
    free(job->weights);
    free(job->trace);
    free(job->image);
    free(job->ref);
    for (size_t i = 0; i < job->ntext; i++)
        free(job->text[i]);
    free(job->text);
    free(job);
}

ax_result ax_job_set(ax_job *job, const char *name, const char *value, char **err)
{
    if (!job || !name)
        return ax_fail(err, AX_EPARAM, "ax_job_set: job and name are required");
    const run_param *p = run_param_find(name);
    if (!p) /* the table's message: unknown name, with the closest one as the hint */
        return run_param_set_name(&job->j, name, value, err);
    size_t tn;
    const run_param *tab = run_param_table(&tn);
    size_t i = (size_t)(p - tab);
    char *copy = NULL;
    if (p->type == RUN_PT_TEXT && value && !(copy = strdup(value)))
        return ax_fail(err, AX_ENOMEM, "out of memory");
    ax_result r = run_param_set(&job->j, p, copy ? copy : value, err);
    if (r) {
        free(copy);
        return r;
    }
    if (copy) { /* the job now points to copy: keep it, drop the old value */
        free(job->text[i]);
        job->text[i] = copy;
    }
    if (!strcmp(p->key, "tile"))
        job->tile_given = 1;
    if (!strcmp(p->key, "group_size"))
        job->group_given = 1;
    return AX_OK;
}

ax_result ax_job_get(const ax_job *job, const char *name, char **value, char **err)
{
    const run_param *p = job && name ? run_param_find(name) : NULL;
    if (!p) {
        run_job probe;
        run_job_default(&probe);
        if (!job || !name)
            return ax_fail(err, AX_EPARAM, "ax_job_get: job and name are required");
        return run_param_set_name(&probe, name, "", err); /* the unknown-name message */
    }
    char buf[4096];
    run_param_get(&job->j, p, buf, sizeof buf);
    if (!(*value = strdup(buf)))
        return ax_fail(err, AX_ENOMEM, "out of memory");
    return AX_OK;
}

ax_result ax_job_set_threads(ax_job *job, int threads, char **err)
{
    if (!job)
        return ax_fail(err, AX_EPARAM, "ax_job_set_threads: no job");
    if (threads < 0 || threads > 1024)
        return ax_fail(err, AX_EPARAM,
                       "threads %d: out of range [0, 1024] (hint: 0 = every online processor)",
                       threads);
    job->j.threads = threads ? threads : ax_cpu_count();
    return AX_OK;
}

ax_result ax_job_set_files(ax_job *job, const char *weights, const char *trace, const char *image,
                           const char *ref, char **err)
{
    if (!job)
        return ax_fail(err, AX_EPARAM, "ax_job_set_files: no job");
    int ok = 1;
    char *w = api_strdup(weights, &ok), *t = api_strdup(trace, &ok), *i = api_strdup(image, &ok),
         *r = api_strdup(ref, &ok);
    if (!ok) {
        free(w), free(t), free(i), free(r);
        return ax_fail(err, AX_ENOMEM, "out of memory");
    }
    free(job->weights), free(job->trace), free(job->image), free(job->ref);
    job->j.weights = job->weights = w;
    job->j.trace = job->trace = t;
    job->j.image = job->image = i;
    job->j.ref = job->ref = r;
    return AX_OK;
}

ax_result ax_job_load_arch(ax_job *job, const char *path, char **err)
{
    if (!job || !path)
        return ax_fail(err, AX_EPARAM, "ax_job_load_arch: job and path are required");
    run_job d;
    run_job_default(&d);
    ax_result r = run_arch_load(&job->j, path, err);
    if (r == AX_OK) { /* as `axon run --arch`: a tile or group that is not the default was given */
        job->tile_given |= job->j.cfg.rows != d.cfg.rows || job->j.cfg.cols != d.cfg.cols;
        job->group_given |= job->j.group != d.group;
    }
    return r;
}

char *ax_job_arch_json(const ax_job *job)
{
    if (!job)
        return NULL;
    cJSON *o = run_arch_json(&job->j);
    char *s = o ? ax_json_print(o, 1) : NULL;
    cJSON_Delete(o);
    return s;
}

/* names[0..n-1] (malloc'd each) as one block: n + 1 pointers, then the
 * strings; the array and the names are freed with one free. */
static char **pack_names(char **names, size_t n)
{
    size_t bytes = (n + 1) * sizeof(char *);
    for (size_t i = 0; i < n; i++)
        bytes += strlen(names[i]) + 1;
    char **out = malloc(bytes);
    if (!out)
        return NULL;
    char *s = (char *)(out + n + 1);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(names[i]) + 1;
        memcpy(s, names[i], len);
        out[i] = s;
        s += len;
    }
    out[n] = NULL;
    return out;
}

ax_result ax_job_layers(const ax_job *job, char ***names, size_t *n, char **err)
{
    if (!job || !names)
        return ax_fail(err, AX_EPARAM, "ax_job_layers: job and names are required");
    if (!job->j.trace || (!job->j.weights && !job->j.image))
        return ax_fail(err, AX_EPARAM,
                       "the job has no trace, or neither weights nor an image "
                       "(hint: ax_job_set_files(job, weights, trace, NULL, NULL))");
    char **list = NULL;
    size_t cnt = 0;
    ax_result r = run_layers_find(&job->j, &list, &cnt, err);
    if (r == AX_OK && !(*names = pack_names(list, cnt)))
        r = ax_fail(err, AX_ENOMEM, "out of memory");
    for (size_t i = 0; i < cnt; i++)
        free(list[i]);
    free(list);
    if (r == AX_OK && n)
        *n = cnt;
    return r;
}

ax_result api_job_prepare(const ax_job *job, int need_layer, run_job *j, char **layer_owned,
                          char **err)
{
    *layer_owned = NULL;
    if (!job)
        return ax_fail(err, AX_EPARAM, "no job");
    *j = job->j;
    if (!j->trace || (!j->weights && !j->image))
        return ax_fail(err, AX_EPARAM,
                       "a run needs a trace and weights or a core image (hint: "
                       "ax_job_set_files(job, weights, trace, NULL, NULL))");
    if (!j->layer && need_layer) {
        char **list = NULL;
        size_t n = 0;
        ax_result r = run_layers_find(j, &list, &n, err);
        if (r == AX_OK && n != 1) {
            r = ax_fail(err, AX_EPARAM,
                        "the files hold %zu layers (%s, %s%s); name one with the "
                        "parameter layer (hint: ax_job_layers lists them)",
                        n, list[0], list[1], n > 2 ? ", ..." : "");
        }
        if (r == AX_OK)
            j->layer = *layer_owned = list[0];
        for (size_t i = r == AX_OK ? 1 : 0; i < n; i++)
            free(list[i]);
        free(list);
        if (r)
            return r;
    }
    ax_result r = AX_OK;
    if (j->image)
        r = run_image_setup(j, job->tile_given, job->group_given, err);
    if (r == AX_OK)
        r = sim_config_check(&j->cfg, err);
    if (r) {
        free(*layer_owned);
        *layer_owned = NULL;
    }
    return r;
}
