/*
 * db_plan — a sweep's plan: the cartesian product of its axes over a base
 * run_job, in a fixed order (first axis slowest, last axis fastest), so
 * every process that plans the same spec (shards on a cluster, a resumed
 * sweep) gets the same numbered list of points.
 *
 * Points whose config hash is equal are kept once (an async point does
 * not depend on the clock, so `--clock 250,500 --async both` plans two sync
 * points and one async point). Shard i of N keeps the points whose index
 * in the deduplicated list is ≡ i (mod N): shards are disjoint and their
 * union is the whole plan.
 */
#include "db_int.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Axis values are parsed by the parameter table (run/run_param.h), the
 * same parser as every subcommand's options. "async" (on/off) is the name
 * that sweeps of schema 4 and older stored for the timing axis. */
ax_result db_sweep_apply(run_job *j, const char *axis, const char *v, char **err)
{
    if (!strcmp(axis, "async")) {
        const char *t = !strcmp(v, "on") || !strcmp(v, "1")    ? "async"
                        : !strcmp(v, "off") || !strcmp(v, "0") ? "sync"
                                                               : v;
        return run_param_set_name(j, "timing", t, err);
    }
    return run_param_set_name(j, axis, v, err);
}

ax_result db_sweep_spec_text(const db_sweep_spec *s, char **text, uint64_t *hash, char **err)
{
    char *base = NULL;
    uint64_t bh;
    ax_result r = run_config(&s->base, NULL, s->tech_version, &base, &bh, err);
    if (r)
        return r;
    cJSON *o = cJSON_CreateObject(), *axes = cJSON_AddObjectToObject(o, "axes");
    for (size_t a = 0; a < s->naxes; a++) {
        cJSON *arr = cJSON_AddArrayToObject(axes, s->axes[a].name);
        for (size_t i = 0; i < s->axes[a].n; i++)
            cJSON_AddItemToArray(arr, cJSON_CreateString(s->axes[a].values[i]));
    }
    cJSON_AddItemToObject(o, "base", cJSON_Parse(base));
    free(base);
    char *t = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!t)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    *hash = ax_fnv1a(t, strlen(t), AX_FNV_SEED);
    *text = t;
    return AX_OK;
}

void db_sweep_points_free(db_sweep_point *pts, size_t n)
{
    for (size_t i = 0; pts && i < n; i++) {
        free(pts[i].config);
        free(pts[i].label);
    }
    free(pts);
}

typedef struct {
    uint64_t hash;
    size_t idx;
} hash_idx;

/* The point's technology table version: the spec's when the point prices at
 * the base's table, node and supply, else the table opened at the point's
 * (a node or supply axis). */
static ax_result point_tech_version(const db_sweep_spec *s, db_sweep_point *pt, char **err)
{
    const run_job *b = &s->base, *j = &pt->job;
    int same = j->node_nm == b->node_nm && j->vdd_v == b->vdd_v &&
               (j->tech == b->tech || (j->tech && b->tech && !strcmp(j->tech, b->tech)));
    if (same || !s->tech_version) {
        snprintf(pt->tech_version, sizeof pt->tech_version, "%s",
                 s->tech_version ? s->tech_version : "builtin-45nm");
        return AX_OK;
    }
    return run_tech_version(j, pt->tech_version, sizeof pt->tech_version, err);
}

static int cmp_hash_idx(const void *a, const void *b)
{
    const hash_idx *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static char *make_label(const db_sweep_spec *s, const size_t *digit)
{
    size_t len = 1;
    for (size_t a = 0; a < s->naxes; a++)
        len += strlen(s->axes[a].name) + strlen(s->axes[a].values[digit[a]]) + 2;
    char *l = malloc(len), *w = l;
    if (!l)
        return NULL;
    *w = 0;
    for (size_t a = 0; a < s->naxes; a++)
        w += sprintf(w, "%s%s=%s", a ? " " : "", s->axes[a].name, s->axes[a].values[digit[a]]);
    return l;
}

ax_result db_sweep_plan(const db_sweep_spec *s, db_sweep_point **pts, size_t *n, size_t *total,
                        char **err)
{
    *pts = NULL;
    *n = 0;
    if (s->naxes > DB_SWEEP_MAX_AXES)
        return ax_fail(err, AX_EPARAM, "at most %d sweep axes", DB_SWEEP_MAX_AXES);
    if (s->shard_n < 0 || (s->shard_n > 0 && (s->shard_i < 0 || s->shard_i >= s->shard_n)))
        return ax_fail(err, AX_EPARAM, "--shard %d/%d: need 0 <= i < N", s->shard_i, s->shard_n);
    size_t count = 1;
    for (size_t a = 0; a < s->naxes; a++) {
        if (s->axes[a].n == 0)
            return ax_fail(err, AX_EPARAM, "sweep axis '%s' has no values", s->axes[a].name);
        if (ax_mul_size(count, s->axes[a].n, &count) || count > 10000000)
            return ax_fail(err, AX_EPARAM, "sweep has too many points (hint: split it)");
    }
    run_files files;
    ax_result r = run_files_of(&s->base, &files, err);
    if (r)
        return r;
    db_sweep_point *p = calloc(count, sizeof *p);
    hash_idx *hi = calloc(count, sizeof *hi);
    if (!p || !hi) {
        free(p), free(hi);
        return ax_fail(err, AX_ENOMEM, "out of memory planning %zu points", count);
    }
    size_t digit[DB_SWEEP_MAX_AXES] = {0};
    for (size_t i = 0; i < count && r == AX_OK; i++) {
        size_t rem = i;
        for (size_t a = s->naxes; a-- > 0;) {
            digit[a] = rem % s->axes[a].n;
            rem /= s->axes[a].n;
        }
        p[i].job = s->base;
        p[i].plan = i;
        for (size_t a = 0; a < s->naxes && r == AX_OK; a++)
            r = db_sweep_apply(&p[i].job, s->axes[a].name, s->axes[a].values[digit[a]], err);
        if (r == AX_OK)
            r = point_tech_version(s, &p[i], err);
        if (r == AX_OK)
            r = run_config(&p[i].job, &files, p[i].tech_version, &p[i].config, &p[i].hash, err);
        if (r == AX_OK && !(p[i].label = make_label(s, digit)))
            r = ax_fail(err, AX_ENOMEM, "out of memory");
        hi[i].hash = p[i].hash;
        hi[i].idx = i;
    }
    if (r != AX_OK) {
        free(hi);
        db_sweep_points_free(p, count);
        return r;
    }
    /* Drop later duplicates of a hash, keep the plan order. */
    qsort(hi, count, sizeof *hi, cmp_hash_idx);
    unsigned char *dup = calloc(count, 1);
    for (size_t i = 1; dup && i < count; i++)
        if (hi[i].hash == hi[i - 1].hash)
            dup[hi[i].idx] = 1;
    free(hi);
    if (!dup) {
        db_sweep_points_free(p, count);
        return ax_fail(err, AX_ENOMEM, "out of memory");
    }
    size_t kept = 0, uniq = 0;
    for (size_t i = 0; i < count; i++) {
        int keep = !dup[i];
        if (keep) {
            keep = s->shard_n <= 0 || uniq % (size_t)s->shard_n == (size_t)s->shard_i;
            uniq++;
        }
        if (keep)
            p[kept++] = p[i];
        else {
            free(p[i].config);
            free(p[i].label);
        }
    }
    free(dup);
    *pts = p;
    *n = kept;
    if (total)
        *total = uniq;
    return AX_OK;
}
