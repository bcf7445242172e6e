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

static int parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

ax_result db_sweep_apply(run_job *j, const char *axis, const char *v, char **err)
{
    long n;
    char *end;
    if (!strcmp(axis, "layer")) {
        if (!*v)
            return ax_fail(err, AX_EPARAM, "--layer: empty layer name");
        j->layer = v;
    } else if (!strcmp(axis, "clock")) {
        errno = 0;
        double f = strtod(v, &end);
        if (errno || end == v || *end || !isfinite(f) || f <= 0 || f > 1e6)
            return ax_fail(err, AX_EPARAM, "--clock: '%s' is not a clock in MHz (hint: 500)", v);
        j->cfg.clock_mhz = f;
    } else if (!strcmp(axis, "tile")) {
        long r, c;
        const char *x = strchr(v, 'x');
        char rows[32];
        if (!x || (size_t)(x - v) >= sizeof rows)
            return ax_fail(err, AX_EPARAM, "--tile: '%s' is not ROWSxCOLS (hint: 128x128)", v);
        memcpy(rows, v, (size_t)(x - v));
        rows[x - v] = 0;
        if (parse_int(rows, 1, 1 << 20, &r) || parse_int(x + 1, 1, 1 << 20, &c))
            return ax_fail(err, AX_EPARAM, "--tile: '%s' is not ROWSxCOLS (hint: 128x128)", v);
        j->cfg.rows = (int)r;
        j->cfg.cols = (int)c;
    } else if (!strcmp(axis, "coding")) {
        if (spike_coding_parse(v, &j->coding, err))
            return AX_EPARAM;
    } else if (!strcmp(axis, "k")) {
        errno = 0;
        double k = strtod(v, &end);
        if (errno || end == v || *end || !isfinite(k) || k <= 0 || k > 1e6)
            return ax_fail(err, AX_EPARAM, "--k: '%s' is not a positive number (hint: 3)", v);
        j->sp.k = (float)k;
    } else if (!strcmp(axis, "async")) {
        if (!strcmp(v, "0") || !strcmp(v, "off") || !strcmp(v, "sync"))
            j->cfg.timing = SIM_SYNC;
        else if (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "async"))
            j->cfg.timing = SIM_ASYNC;
        else
            return ax_fail(err, AX_EPARAM, "--async: '%s' (hint: on, off or both)", v);
    } else if (!strcmp(axis, "lanes")) {
        if (parse_int(v, 1, 4096, &n))
            return ax_fail(err, AX_EPARAM, "--lanes: '%s' is not an integer in [1, 4096]", v);
        j->cfg.lanes = (int)n;
    } else if (!strcmp(axis, "steps")) {
        if (!strcmp(v, "auto"))
            j->steps = SPIKE_STEPS_AUTO;
        else if (!strcmp(v, "token"))
            j->steps = SPIKE_STEPS_TOKEN;
        else if (parse_int(v, 1, 65535, &n))
            return ax_fail(err, AX_EPARAM, "--steps: '%s' (hint: auto, token or T >= 1)", v);
        else
            j->steps = (int)n;
    } else {
        return ax_fail(err, AX_EPARAM,
                       "sweep axis '%s' is unknown (hint: layer, clock, tile, coding, k, async, "
                       "lanes, steps)",
                       axis);
    }
    return AX_OK;
}

ax_result db_sweep_spec_text(const db_sweep_spec *s, char **text, uint64_t *hash, char **err)
{
    char *base = NULL;
    uint64_t bh;
    if (run_config(&s->base, NULL, s->tech_version, &base, &bh, err))
        return AX_EIO;
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
    if (run_files_of(&s->base, &files, err))
        return AX_EIO;
    db_sweep_point *p = calloc(count, sizeof *p);
    hash_idx *hi = calloc(count, sizeof *hi);
    if (!p || !hi) {
        free(p), free(hi);
        return ax_fail(err, AX_ENOMEM, "out of memory planning %zu points", count);
    }
    ax_result r = AX_OK;
    size_t digit[DB_SWEEP_MAX_AXES] = {0};
    for (size_t i = 0; i < count && r == AX_OK; i++) {
        size_t rem = i;
        for (size_t a = s->naxes; a-- > 0;) {
            digit[a] = rem % s->axes[a].n;
            rem /= s->axes[a].n;
        }
        p[i].job = s->base;
        for (size_t a = 0; a < s->naxes && r == AX_OK; a++)
            r = db_sweep_apply(&p[i].job, s->axes[a].name, s->axes[a].values[digit[a]], err);
        if (r == AX_OK)
            r = run_config(&p[i].job, &files, s->tech_version, &p[i].config, &p[i].hash, err);
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
