/*
 * run_claim — a published claim against the model, with its assumptions
 * written down (run/run_claim.h, docs/claims.md).
 *
 * The file is parsed by run_kv_parse (the architecture files' text form);
 * assignments are checked on a scratch run_job at load, so a bad value
 * names the claim file and its line before anything runs. A point (base,
 * tornado, waterfall) is a list of assignments applied in order to
 * run_job_default: gen.* keys choose the workload files (generated into
 * the work folder once per distinct spec: the weights once per shape and
 * seed, a trace per spec), the others are parameter-table keys. Points
 * with the same effective assignments are run once. Layers share one
 * run_cache, so quantized weights and spike counts are computed once.
 *
 * Over several layers a field is summed when it is extensive (suffix _pj,
 * _um2, _mm2, _mw, _per_token, or sops/spikes/spike_slots/cores/mac_equiv),
 * a NAME_reduction_pct is recomputed from the sums of NAME_{pj,common_mw,mw,um2} and
 * base_NAME_{pj,common_mw,mw,um2} when both fields exist and every layer's value is
 * 100 (1 - NAME/base_NAME) of them, and any other field is
 * the mean weighted by the layers' MACs (tokens x in x out).
 */
#include "run_claim.h"

#include "../traces/trace.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- parsing ---- */

static const char *const gen_keys[] = {"gen.preset",
                                       "gen.tokens",
                                       "gen.layers",
                                       "gen.proj",
                                       "gen.seed",
                                       "gen.dtype",
                                       "gen.dof",
                                       "gen.outlier_frac",
                                       "gen.outlier_scale",
                                       "gen.steps",
                                       "gen.silent",
                                       "gen.ev_per_act",
                                       "gen.target_sparsity",
                                       "gen.spikes_per_firing"};
#define NGEN (sizeof gen_keys / sizeof gen_keys[0])

static int is_gen_key(const char *k)
{
    for (size_t i = 0; i < NGEN; i++)
        if (!strcmp(k, gen_keys[i]))
            return 1;
    return 0;
}

static int gen_target_key(const char *k)
{
    return !strcmp(k, "gen.steps") || !strcmp(k, "gen.silent") || !strcmp(k, "gen.ev_per_act") ||
           !strcmp(k, "gen.target_sparsity") || !strcmp(k, "gen.spikes_per_firing");
}

static const run_field *field_find(const char *name)
{
    for (size_t i = 0; i < run_report_nfields; i++)
        if (!strcmp(run_report_fields[i].name, name))
            return &run_report_fields[i];
    return NULL;
}

typedef struct {
    run_claim *c;
    enum { S_NONE, S_CLAIM, S_WORKLOAD, S_BASE, S_ASSUMPTION, S_TARGET } sec;
    const char *show, *tornado;
    size_t show_line, tornado_line;
    int have_value;
} parse_state;

static ax_result bad_line(const run_claim *c, size_t line, char **err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static ax_result bad_line(const run_claim *c, size_t line, char **err, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ax_fail(err, AX_EPARAM, "%s: line %zu: %s", c->path, line, msg);
}

/* An assignment of an assumption (or base, or workload): checked now. */
static ax_result add_set(run_claim *c, run_claim_assumption *a, const char *k, const char *v,
                         size_t line, int gen_only, char **err)
{
    if (a->nset == RUN_CLAIM_MAX_SETS)
        return bad_line(c, line, err, "more than %d assignments in one set", RUN_CLAIM_MAX_SETS);
    if (is_gen_key(k)) {
        /* checked when the point is generated (trace_gen_target_set and the
         * preset need each other); the number syntax now */
        if (strcmp(k, "gen.preset") && strcmp(k, "gen.layers") && strcmp(k, "gen.proj") &&
            strcmp(k, "gen.dtype")) {
            char *end;
            strtod(v, &end);
            if (!*v || *end)
                return bad_line(c, line, err, "%s '%s' is not a number", k, v);
        }
    } else if (gen_only || !run_param_find(k)) {
        char *perr = NULL;
        run_job scratch;
        run_job_default(&scratch);
        if (!gen_only)
            run_param_set_name(&scratch, k, v, &perr);
        ax_result r = bad_line(c, line, err,
                               "unknown key '%s'%s%s (hint: %s; `axon arch --list` lists the "
                               "parameters)",
                               k, perr ? ": " : "", perr ? perr : "",
                               gen_only ? "[workload] takes weights, trace, layers, gen.KEY "
                                          "(an axon gen option), statement and source"
                                        : "a parameter key, gen.KEY (an axon gen option), "
                                          "statement or source");
        free(perr);
        return r;
    } else {
        run_job scratch;
        run_job_default(&scratch);
        char *perr = NULL;
        if (run_param_set_name(&scratch, k, v, &perr)) {
            ax_result r = bad_line(c, line, err, "%s", perr);
            free(perr);
            return r;
        }
    }
    a->set[a->nset++] = (run_claim_kv){k, v, line};
    return AX_OK;
}

static ax_result add_metric(run_claim *c, const char *name, size_t line, size_t *index, char **err)
{
    const run_field *f = field_find(name);
    if (!f || f->type == RUN_F_TEXT)
        return bad_line(c, line, err,
                        "'%s' is %s (hint: a numeric field of `axon run --json`, e.g. "
                        "energy_reduction_pct, power_reduction_pct, area_reduction_pct)",
                        name, f ? "a text field" : "not a report field");
    for (size_t i = 0; i < c->nmetric; i++)
        if (!strcmp(c->metric[i], f->name)) {
            if (index)
                *index = i;
            return AX_OK;
        }
    if (c->nmetric == RUN_CLAIM_MAX_METRICS)
        return bad_line(c, line, err, "more than %d report fields", RUN_CLAIM_MAX_METRICS);
    if (index)
        *index = c->nmetric;
    c->metric[c->nmetric++] = f->name;
    return AX_OK;
}

/* Comma-separated field names (modified in place). */
static ax_result add_metric_list(run_claim *c, char *list, size_t line, char **err)
{
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*t))
            t++;
        char *e = t + strlen(t);
        while (e > t && isspace((unsigned char)e[-1]))
            *--e = 0;
        ax_result r = *t ? add_metric(c, t, line, NULL, err) : AX_OK;
        if (r)
            return r;
    }
    return AX_OK;
}

static ax_result claim_kv(void *ctx, const char *section, const char *key, const char *value,
                          size_t line, char **err)
{
    parse_state *ps = ctx;
    run_claim *c = ps->c;
    if (!key) {
        if (ps->sec == S_TARGET && !ps->have_value)
            return bad_line(c, c->tg[c->ntg - 1].line, err, "[target %s] has no value",
                            c->tg[c->ntg - 1].name);
        const char *sp = strchr(section, ' ');
        size_t hl = sp ? (size_t)(sp - section) : strlen(section);
        const char *arg = sp ? sp + 1 : "";
        while (*arg == ' ')
            arg++;
        if (*arg) { /* the parser's section text does not outlive the header */
            char *dup = c->nowned < sizeof c->owned / sizeof c->owned[0] ? strdup(arg) : NULL;
            if (!dup)
                return ax_fail(err, AX_ENOMEM, "out of memory");
            c->owned[c->nowned++] = dup;
            arg = dup;
        }
        if (hl == 5 && !strncmp(section, "claim", 5) && !*arg)
            ps->sec = S_CLAIM;
        else if (hl == 8 && !strncmp(section, "workload", 8) && !*arg)
            ps->sec = S_WORKLOAD;
        else if (hl == 4 && !strncmp(section, "base", 4) && !*arg)
            ps->sec = S_BASE, c->base.line = line;
        else if (hl == 10 && !strncmp(section, "assumption", 10) && *arg) {
            if (c->nas == RUN_CLAIM_MAX_ASSUMPTIONS)
                return bad_line(c, line, err, "more than %d assumptions",
                                RUN_CLAIM_MAX_ASSUMPTIONS);
            for (size_t i = 0; i < c->nas; i++)
                if (!strcmp(c->as[i].name, arg))
                    return bad_line(c, line, err,
                                    "assumption '%s' defined twice (first at line %zu)", arg,
                                    c->as[i].line);
            ps->sec = S_ASSUMPTION;
            c->as[c->nas++] = (run_claim_assumption){.name = arg, .line = line};
        } else if (hl == 6 && !strncmp(section, "target", 6) && *arg) {
            if (c->ntg == RUN_CLAIM_MAX_TARGETS)
                return bad_line(c, line, err, "more than %d targets", RUN_CLAIM_MAX_TARGETS);
            ps->sec = S_TARGET;
            ps->have_value = 0;
            c->tg[c->ntg++] = (run_claim_target){.name = arg, .line = line};
        } else
            return bad_line(c, line, err,
                            "unknown section [%s] (hint: [claim], [workload], [base], "
                            "[assumption NAME], [target NAME])",
                            section);
        return AX_OK;
    }
    int text = !strcmp(key, "statement") || !strcmp(key, "source");
    switch (ps->sec) {
    case S_NONE:
        return bad_line(c, line, err, "'%s' before any section (hint: start with [claim])", key);
    case S_CLAIM:
        if (!strcmp(key, "name"))
            c->name = value;
        else if (!strcmp(key, "statement"))
            c->statement = value;
        else if (!strcmp(key, "source"))
            c->source = value;
        else if (!strcmp(key, "show"))
            ps->show = value, ps->show_line = line;
        else if (!strcmp(key, "tornado"))
            ps->tornado = value, ps->tornado_line = line;
        else
            return bad_line(c, line, err,
                            "unknown key '%s' in [claim] (hint: name, statement, source, show, "
                            "tornado)",
                            key);
        return AX_OK;
    case S_WORKLOAD:
        if (!strcmp(key, "weights") || !strcmp(key, "trace")) {
            const char *slash = strrchr(c->path, '/');
            const char *v = value;
            if (*value != '/' && slash && c->nowned < sizeof c->owned / sizeof c->owned[0]) {
                size_t dl = (size_t)(slash - c->path) + 1;
                char *p = malloc(dl + strlen(value) + 1);
                if (!p)
                    return ax_fail(err, AX_ENOMEM, "out of memory");
                memcpy(p, c->path, dl);
                strcpy(p + dl, value);
                c->owned[c->nowned++] = p;
                v = p;
            }
            *(key[0] == 'w' ? &c->weights : &c->trace) = v;
        } else if (!strcmp(key, "layers"))
            c->layers = value;
        else if (!strcmp(key, "statement"))
            c->workload.statement = value;
        else if (!strcmp(key, "source"))
            c->workload.source = value;
        else
            return add_set(c, &c->workload, key, value, line, 1, err);
        return AX_OK;
    case S_BASE:
    case S_ASSUMPTION: {
        run_claim_assumption *a = ps->sec == S_BASE ? &c->base : &c->as[c->nas - 1];
        if (text)
            *(key[1] == 't' ? &a->statement : &a->source) = value;
        else
            return add_set(c, a, key, value, line, 0, err);
        return AX_OK;
    }
    case S_TARGET: {
        run_claim_target *t = &c->tg[c->ntg - 1];
        if (text)
            *(key[1] == 't' ? &t->statement : &t->source) = value;
        else if (!strcmp(key, "metric"))
            t->metric = value;
        else if (!strcmp(key, "value")) {
            char *end;
            t->value = strtod(value, &end);
            if (!*value || *end || !isfinite(t->value))
                return bad_line(c, line, err, "value '%s' is not a number", value);
            ps->have_value = 1;
        } else if (!strcmp(key, "direction")) {
            if (!strcmp(value, "at_least"))
                t->at_most = 0;
            else if (!strcmp(value, "at_most"))
                t->at_most = 1;
            else
                return bad_line(c, line, err, "direction '%s' (hint: at_least or at_most)", value);
        } else
            return bad_line(c, line, err,
                            "unknown key '%s' in [target %s] (hint: metric, value, direction, "
                            "statement, source)",
                            key, t->name);
        if (!strcmp(key, "metric"))
            return add_metric(c, value, line, &t->metric_index, err);
        return AX_OK;
    }
    }
    return AX_OK;
}

void run_claim_free(run_claim *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nlayer_names; i++)
        free(c->layer_names[i]);
    free(c->layer_names);
    for (size_t i = 0; i < c->nowned; i++)
        free(c->owned[i]);
    free(c->path);
    free(c->text);
    free(c);
}

ax_result run_claim_load(const char *path, run_claim **out, char **err)
{
    run_claim *c = calloc(1, sizeof *c);
    if (!c || !(c->path = strdup(path))) {
        free(c);
        return ax_fail(err, AX_ENOMEM, "out of memory");
    }
    ax_result r = run_kv_read(path, "a claim file, e.g. claims/spikingbrain2.claim", &c->text, err);
    parse_state ps = {.c = c};
    /* the tornado's fields come first in the list of shown fields */
    if (!r)
        r = run_kv_parse(path, c->text, claim_kv, &ps, err);
    if (!r && ps.sec == S_TARGET && !ps.have_value)
        r = bad_line(c, c->tg[c->ntg - 1].line, err, "[target %s] has no value",
                     c->tg[c->ntg - 1].name);
    /* metric order: tornado fields, then show, then the targets' (added while parsing) */
    const char *tmetric[RUN_CLAIM_MAX_METRICS];
    size_t ntm = c->nmetric;
    memcpy(tmetric, c->metric, ntm * sizeof *tmetric);
    c->nmetric = 0;
    char dflt_t[] = "energy_reduction_pct, power_reduction_pct, area_reduction_pct";
    char dflt_s[] = "energy_pj_per_token, base_energy_pj_per_token, power_mw, base_power_mw, "
                    "area_mm2, tokens_per_s, spikes_per_mac, sparsity, silent_channel_fraction, "
                    "steps_used, cosine";
    char *tl = ps.tornado ? strdup(ps.tornado) : NULL, *sl = ps.show ? strdup(ps.show) : NULL;
    if (!r && ((ps.tornado && !tl) || (ps.show && !sl)))
        r = ax_fail(err, AX_ENOMEM, "out of memory");
    if (!r)
        r = add_metric_list(c, tl ? tl : dflt_t, ps.tornado_line, err);
    c->ntornado = c->nmetric;
    if (!r)
        r = add_metric_list(c, sl ? sl : dflt_s, ps.show_line, err);
    free(tl);
    free(sl);
    for (size_t i = 0; !r && i < ntm; i++)
        r = add_metric(c, tmetric[i], 0, NULL, err);
    for (size_t t = 0; !r && t < c->ntg; t++) {
        if (!c->tg[t].metric)
            r = bad_line(c, c->tg[t].line, err, "[target %s] has no metric", c->tg[t].name);
        else
            r = add_metric(c, c->tg[t].metric, c->tg[t].line, &c->tg[t].metric_index, err);
    }
    if (!r && !c->name)
        r = ax_fail(err, AX_EPARAM, "%s: [claim] has no name (hint: name = my-claim)", path);
    int gen = 0;
    for (size_t i = 0; i < c->workload.nset; i++)
        gen |= !strcmp(c->workload.set[i].key, "gen.preset");
    if (!r && !gen && (!c->weights || !c->trace))
        r = ax_fail(err, AX_EPARAM,
                    "%s: [workload] needs weights and trace, or gen.preset (hint: gen.preset = "
                    "spikingbrain2-5b-mlp)",
                    path);
    if (!r && gen && (c->weights || c->trace))
        r = ax_fail(err, AX_EPARAM,
                    "%s: [workload] has both files and gen.preset (hint: one or the other)", path);
    if (r) {
        run_claim_free(c);
        return r;
    }
    *out = c;
    return AX_OK;
}

ax_result run_claim_find(const char *name, char *out, size_t n, char **err)
{
    for (const char *s = name; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
            return ax_fail(err, AX_EPARAM,
                           "--preset '%s': a preset is a name (hint: --claim FILE for a file)",
                           name);
    const char *env = getenv("AXON_CLAIM_DIR");
    if (env) {
        snprintf(out, n, "%s/%s.claim", env, name);
        if (access(out, R_OK) == 0)
            return AX_OK;
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = 0;
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = 0;
        const char *rel[] = {"../claims", "../share/axon/claims"};
        for (size_t i = 0; i < 2; i++) {
            snprintf(out, n, "%s/%s/%s.claim", exe, rel[i], name);
            if (access(out, R_OK) == 0)
                return AX_OK;
        }
    }
    snprintf(out, n, "claims/%s.claim", name);
    if (access(out, R_OK) == 0)
        return AX_OK;
    return ax_fail(err, AX_ENOTFOUND,
                   "no claim preset '%s' (hint: spikingbrain2, spikingbrain1-ideal; set "
                   "AXON_CLAIM_DIR to a folder of NAME.claim files, or give --claim FILE)",
                   name);
}

/* ---- points ---- */

void run_claim_point_name(const run_claim *c, size_t i, char *out, size_t n)
{
    const run_claim_point *p = &c->pt[i];
    if (p->kind == RUN_CLAIM_BASE)
        snprintf(out, n, "base");
    else if (p->kind == RUN_CLAIM_TORNADO)
        snprintf(out, n, "+%s", c->as[p->assumption].name);
    else
        snprintf(out, n, "..+%s", c->as[p->assumption].name);
}

int run_claim_reaches(const run_claim *c, size_t t, size_t i)
{
    double v = c->pt[i].metric[c->tg[t].metric_index];
    if (!isfinite(v))
        return 0;
    return c->tg[t].at_most ? v <= c->tg[t].value : v >= c->tg[t].value;
}

/* The effective assignments of a point: workload, base, then the
 * assumptions of mask in order; a later key replaces an earlier one. */
typedef struct {
    run_claim_kv kv[RUN_CLAIM_MAX_SETS * (RUN_CLAIM_MAX_ASSUMPTIONS + 2)];
    int assumed[RUN_CLAIM_MAX_SETS * (RUN_CLAIM_MAX_ASSUMPTIONS + 2)]; /* from an assumption */
    size_t n;
} eff_set;

static void eff_add(eff_set *e, const run_claim_assumption *a, int assumed)
{
    for (size_t i = 0; i < a->nset; i++) {
        size_t k = 0;
        for (; k < e->n; k++)
            if (!strcmp(e->kv[k].key, a->set[i].key) ||
                (run_param_find(e->kv[k].key) &&
                 run_param_find(e->kv[k].key) == run_param_find(a->set[i].key)))
                break;
        e->kv[k] = a->set[i];
        e->assumed[k] = assumed;
        if (k == e->n)
            e->n++;
    }
}

static char *eff_text(const eff_set *e, int gen, int weights_only)
{
    size_t cap = 1;
    for (size_t i = 0; i < e->n; i++)
        cap += strlen(e->kv[i].key) + strlen(e->kv[i].value) + 2;
    char *s = malloc(cap), *w = s;
    if (!s)
        return NULL;
    *w = 0;
    /* sorted by key so that the order of assignment does not matter */
    int *done = calloc(e->n ? e->n : 1, sizeof *done);
    if (!done) {
        free(s);
        return NULL;
    }
    for (size_t round = 0; round < e->n; round++) {
        size_t best = e->n;
        for (size_t i = 0; i < e->n; i++)
            if (!done[i] && (best == e->n || strcmp(e->kv[i].key, e->kv[best].key) < 0))
                best = i;
        done[best] = 1;
        const char *k = e->kv[best].key;
        int isgen = is_gen_key(k);
        if (gen != isgen || (weights_only && (gen_target_key(k) || !strcmp(k, "gen.tokens"))))
            continue;
        w += sprintf(w, "%s=%s\n", k, e->kv[best].value);
    }
    free(done);
    return s;
}

typedef struct {
    char *spec; /* eff_text of the gen keys */
    int trace;  /* 0: a weights file, 1: a trace */
    char path[PATH_MAX];
} gen_file;

typedef struct {
    gen_file f[2 * (1 + 2 * RUN_CLAIM_MAX_ASSUMPTIONS)];
    size_t n, seq;
} gen_files;

static ax_result gen_cfg(const run_claim *c, const eff_set *e, const run_claim_opts *o,
                         trace_gen_cfg *cfg, char **err)
{
    const char *preset = NULL;
    for (size_t i = 0; i < e->n; i++)
        if (!strcmp(e->kv[i].key, "gen.preset"))
            preset = e->kv[i].value;
    ax_result r = trace_gen_preset(preset, cfg, err);
    if (r) {
        ax_err_prefix(err, "%s", c->path);
        return AX_EPARAM;
    }
    int steps = 0;
    double silent = -1, ev = -1, sp = -1, spf = -1;
    int target = 0;
    for (size_t i = 0; i < e->n; i++) {
        const char *k = e->kv[i].key + 4, *v = e->kv[i].value;
        double d = strtod(v, NULL);
        int bad = 0;
        if (!strcmp(k, "tokens"))
            bad = !(d >= 1 && d <= (1 << 24)), cfg->tokens = (size_t)d;
        else if (!strcmp(k, "layers"))
            bad = trace_gen_parse_layers(v, cfg) != 0;
        else if (!strcmp(k, "proj"))
            bad = trace_gen_parse_projs(v, &cfg->projs) != 0;
        else if (!strcmp(k, "seed"))
            bad = !(d >= 0), cfg->seed = strtoull(v, NULL, 0);
        else if (!strcmp(k, "dtype")) {
            bad = strcmp(v, "f32") && strcmp(v, "bf16");
            cfg->wdtype = strcmp(v, "bf16") ? TRACE_F32 : TRACE_BF16;
        } else if (!strcmp(k, "dof"))
            bad = !(d > 2), cfg->dof = d;
        else if (!strcmp(k, "outlier_frac"))
            bad = !(d >= 0 && d <= 1), cfg->outlier_frac = d;
        else if (!strcmp(k, "outlier_scale"))
            bad = !(d > 0), cfg->outlier_scale = d;
        else if (!strcmp(k, "steps"))
            steps = (int)d, target = 1;
        else if (!strcmp(k, "silent"))
            silent = d, target = 1;
        else if (!strcmp(k, "ev_per_act"))
            ev = d, target = 1;
        else if (!strcmp(k, "target_sparsity"))
            sp = d, target = 1;
        else if (!strcmp(k, "spikes_per_firing"))
            spf = d, target = 1;
        if (bad)
            return bad_line(c, e->kv[i].line, err, "%s '%s' is not valid (hint: as axon gen --%s)",
                            e->kv[i].key, v, k);
    }
    if (o->tokens)
        cfg->tokens = o->tokens;
    if (target && (r = trace_gen_target_set(cfg, steps, silent, ev, sp, spf, err))) {
        /* name the lines of the assignments that made the set */
        size_t line = 0;
        for (size_t i = 0; i < e->n; i++)
            if (gen_target_key(e->kv[i].key) && e->kv[i].line > line)
                line = e->kv[i].line;
        ax_err_prefix(err, "%s: line %zu (the gen.* target of this configuration)", c->path, line);
        return AX_EPARAM;
    }
    cfg->threads = o->threads;
    return AX_OK;
}

/* The weights and trace files of a point's gen spec, generated when new. */
static ax_result gen_point(const run_claim *c, const eff_set *e, const run_claim_opts *o,
                           gen_files *g, const char **wpath, const char **tpath, char **err)
{
    char *wspec = eff_text(e, 1, 1), *tspec = eff_text(e, 1, 0);
    ax_result r = wspec && tspec ? AX_OK : ax_fail(err, AX_ENOMEM, "out of memory");
    const char *found[2] = {NULL, NULL};
    char *spec[2] = {wspec, tspec};
    for (size_t i = 0; !r && i < g->n; i++)
        for (int w = 0; w < 2; w++)
            if (!found[w] && g->f[i].spec && g->f[i].trace == w && !strcmp(g->f[i].spec, spec[w]))
                found[w] = g->f[i].path;
    trace_gen_cfg cfg;
    if (!r && (!found[0] || !found[1]))
        r = gen_cfg(c, e, o, &cfg, err);
    const char *want[2] = {NULL, NULL};
    for (int w = 0; !r && w < 2; w++) {
        if (found[w])
            continue;
        if (g->n == sizeof g->f / sizeof g->f[0]) {
            r = ax_fail(err, AX_ERANGE, "too many generated files");
            break;
        }
        gen_file *f = &g->f[g->n++];
        snprintf(f->path, sizeof f->path, "%s/gen%zu.%s", o->workdir, g->seq++,
                 w ? "t.st" : "w.st");
        f->spec = strdup(spec[w]);
        f->trace = w;
        want[w] = f->path;
        found[w] = f->path;
    }
    if (!r && (want[0] || want[1])) {
        if (o->progress)
            o->progress(o->progress_ctx, "generating the workload", 0, 0);
        r = trace_gen_write(&cfg, want[0], want[1], err);
    }
    free(wspec);
    free(tspec);
    *wpath = found[0];
    *tpath = found[1];
    return r;
}

static int sum_field(const char *n)
{
    static const char *const suf[] = {"_pj", "_um2", "_mm2", "_mw", "_per_token"};
    static const char *const names[] = {"sops", "spikes", "spike_slots", "cores", "mac_equiv"};
    size_t len = strlen(n);
    if (!strcmp(n, "latency_ns_per_token"))
        return 1;
    for (size_t i = 0; i < sizeof suf / sizeof suf[0]; i++) {
        size_t sl = strlen(suf[i]);
        if (len > sl && !strcmp(n + len - sl, suf[i]))
            return 1;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(n, names[i]))
            return 1;
    return 0;
}

/* NAME_reduction_pct: the fields (spiking, baseline) it is the reduction of. */
static int reduction_pair(const char *n, const run_field **a, const run_field **b)
{
    /* "_common_mw" before "_mw": power_reduction_pct compares power at a
     * common throughput (power_common_mw, base_power_common_mw) */
    static const char *const suf[] = {"_pj", "_common_mw", "_mw", "_um2"};
    const char *tail = "_reduction_pct";
    size_t len = strlen(n), tl = strlen(tail);
    if (len <= tl || strcmp(n + len - tl, tail) || len - tl > 100)
        return 0;
    char x[160], y[160];
    for (size_t i = 0; i < sizeof suf / sizeof *suf; i++) {
        snprintf(x, sizeof x, "%.*s%s", (int)(len - tl), n, suf[i]);
        snprintf(y, sizeof y, "base_%.*s%s", (int)(len - tl), n, suf[i]);
        if ((*a = field_find(x)) && (*b = field_find(y)))
            return 1;
    }
    return 0;
}

typedef struct {
    double sum, wsum, w, num, den;
    int n, any, nopair; /* nopair: a layer's field is not 100 (1 - a/b) of the pair */
} agg;

static double value_of(const run_field *f, const run_job *j, const run_result *r)
{
    run_value v;
    if (!f->value(j, r, &v))
        return NAN;
    return v.type == RUN_F_REAL ? v.d : (double)v.i;
}

static void agg_add(agg *a, const char *name, const run_job *j, const run_result *r)
{
    const run_field *f = field_find(name), *x, *y;
    double w = (double)r->tokens * (double)r->in * (double)r->out;
    double v = value_of(f, j, r);
    if (reduction_pair(name, &x, &y)) {
        /* the pair is used only when it is what the field reports (a field
         * named alike may be defined otherwise): else the weighted mean */
        double sx = value_of(x, j, r), sy = value_of(y, j, r);
        if (isfinite(sx) && isfinite(sy) && sy != 0 && isfinite(v) &&
            fabs(100 * (1 - sx / sy) - v) <= 1e-9 * (1 + fabs(v)))
            a->num += sx, a->den += sy, a->any = 1;
        else
            a->nopair = 1;
    }
    if (!isfinite(v)) {
        a->n = -1000000; /* a layer without the value: the aggregate has none */
        return;
    }
    a->sum += v;
    a->wsum += w * v;
    a->w += w;
    a->n++;
}

static double agg_value(const agg *a, const char *name)
{
    const run_field *x, *y;
    if (reduction_pair(name, &x, &y) && !a->nopair)
        return a->any && a->n > 0 && a->den != 0 ? 100 * (1 - a->num / a->den) : NAN;
    if (a->n <= 0)
        return NAN;
    if (sum_field(name))
        return a->sum;
    return a->w > 0 ? a->wsum / a->w : a->sum / a->n;
}

static int gen_workload(const run_claim *c)
{
    for (size_t i = 0; i < c->workload.nset; i++)
        if (!strcmp(c->workload.set[i].key, "gen.preset"))
            return 1;
    return 0;
}

/* The layers of the point (names in c->layer_names, found on the first point). */
static ax_result find_layers(run_claim *c, const run_claim_opts *o, const char *w, const char *t,
                             char **err)
{
    if (c->layer_names)
        return AX_OK;
    const char *list = o->layers ? o->layers : c->layers;
    if (list) {
        char *dup = strdup(list);
        size_t cap = 1;
        for (const char *s = list; *s; s++)
            cap += *s == ',';
        c->layer_names = calloc(cap, sizeof *c->layer_names);
        if (!dup || !c->layer_names) {
            free(dup);
            return ax_fail(err, AX_ENOMEM, "out of memory");
        }
        for (char *save = NULL, *tok = strtok_r(dup, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            while (isspace((unsigned char)*tok))
                tok++;
            char *e = tok + strlen(tok);
            while (e > tok && isspace((unsigned char)e[-1]))
                *--e = 0;
            if (*tok && !(c->layer_names[c->nlayer_names++] = strdup(tok))) {
                free(dup);
                return ax_fail(err, AX_ENOMEM, "out of memory");
            }
        }
        free(dup);
        if (!c->nlayer_names)
            return ax_fail(err, AX_EPARAM, "%s: layers is empty", c->path);
        return AX_OK;
    }
    run_job j;
    run_job_default(&j);
    j.weights = w;
    j.trace = t;
    return run_layers_find(&j, &c->layer_names, &c->nlayer_names, err);
}

ax_result run_claim_eval(run_claim *c, const run_claim_opts *o, char **err)
{
    size_t N = c->nas;
    c->npt = 1 + 2 * N;
    if (o->tokens && !gen_workload(c))
        return ax_fail(err, AX_EPARAM,
                       "%s: --tokens applies to a generated workload (gen.preset), not to "
                       "files (hint: drop --tokens)",
                       c->path);
    run_cache *cache = NULL;
    ax_result r = run_cache_new(RUN_CACHE_DEFAULT_BYTES, &cache, err);
    gen_files *g = calloc(1, sizeof *g);
    eff_set *e = malloc(sizeof *e);
    char **keys = calloc(c->npt, sizeof *keys);
    if (!r && (!g || !e || !keys))
        r = ax_fail(err, AX_ENOMEM, "out of memory");
    size_t done = 0, total = 0;
    for (size_t i = 0; !r && i < c->npt; i++) {
        run_claim_point *p = &c->pt[i];
        memset(p, 0, sizeof *p);
        p->kind = i == 0 ? RUN_CLAIM_BASE : i <= N ? RUN_CLAIM_TORNADO : RUN_CLAIM_WATERFALL;
        p->assumption = i == 0 ? 0 : i <= N ? i - 1 : i - N - 1;
        p->napplied = p->kind == RUN_CLAIM_WATERFALL ? p->assumption + 1 : p->kind != 0;
        e->n = 0;
        eff_add(e, &c->workload, 0);
        eff_add(e, &c->base, 0);
        if (p->kind == RUN_CLAIM_TORNADO)
            eff_add(e, &c->as[p->assumption], 1);
        else
            for (size_t a = 0; p->kind == RUN_CLAIM_WATERFALL && a <= p->assumption; a++)
                eff_add(e, &c->as[a], 1);
        char *pk = eff_text(e, 0, 0), *gk = eff_text(e, 1, 0);
        if (!pk || !gk || !(keys[i] = malloc(strlen(pk) + strlen(gk) + 2))) {
            free(pk);
            free(gk);
            r = ax_fail(err, AX_ENOMEM, "out of memory");
            break;
        }
        sprintf(keys[i], "%s|%s", pk, gk);
        free(pk);
        free(gk);
        for (size_t k = 0; k < i; k++)
            if (!strcmp(keys[k], keys[i])) {
                memcpy(p->metric, c->pt[k].metric, sizeof p->metric);
                p->layers = c->pt[k].layers;
                p->reused = 1;
                break;
            }
        if (p->reused)
            continue;
        const char *w = c->weights, *t = c->trace;
        if (gen_workload(c) && (r = gen_point(c, e, o, g, &w, &t, err)))
            break;
        if ((r = find_layers(c, o, w, t, err)))
            break;
        if (!total)
            total = c->npt * c->nlayer_names;
        agg a[RUN_CLAIM_MAX_METRICS];
        memset(a, 0, sizeof a);
        for (size_t l = 0; !r && l < c->nlayer_names; l++) {
            run_job j;
            run_job_default(&j);
            j.weights = w;
            j.trace = t;
            j.layer = c->layer_names[l];
            j.threads = o->threads > 0 ? o->threads : 1;
            for (size_t k = 0; !r && k < e->n; k++) {
                const run_param *rp;
                if (is_gen_key(e->kv[k].key))
                    continue;
                rp = run_param_find(e->kv[k].key);
                if ((r = run_param_set(&j, rp, e->kv[k].value, err)))
                    ax_err_prefix(err, "%s: line %zu", c->path, e->kv[k].line);
            }
            /* a parameter that would be ignored is an error, as in axon run: the
             * base's at the base, an assumption's wherever it is applied (an
             * assumption may make a base parameter moot, e.g. async vs clock) */
            for (size_t k = 0; !r && k < e->n; k++) {
                const run_param *rp = is_gen_key(e->kv[k].key) ? NULL
                                                               : run_param_find(e->kv[k].key);
                if (rp && (i == 0 || e->assumed[k]) && (r = run_param_applies(&j, rp, err)))
                    ax_err_prefix(err, "%s: line %zu", c->path, e->kv[k].line);
            }
            char pn[200];
            run_claim_point_name(c, i, pn, sizeof pn);
            if (!r && (r = sim_config_check(&j.cfg, err)))
                ax_err_prefix(err, "%s: configuration %s", c->path, pn);
            if (r)
                break;
            if (o->progress)
                o->progress(o->progress_ctx, pn, done, total);
            run_result res;
            memset(&res, 0, sizeof res);
            if ((r = run_job_exec_cached(&j, cache, &res, err))) {
                ax_err_prefix(err, "%s: configuration %s, layer %s", c->path, pn, j.layer);
                break;
            }
            for (size_t m = 0; m < c->nmetric; m++)
                agg_add(&a[m], c->metric[m], &j, &res);
            run_result_free(&res);
            done++;
        }
        for (size_t m = 0; m < c->nmetric; m++)
            p->metric[m] = agg_value(&a[m], c->metric[m]);
        p->layers = c->nlayer_names;
    }
    if (o->progress && !r)
        o->progress(o->progress_ctx, "done", total, total);
    for (size_t i = 0; keys && i < c->npt; i++)
        free(keys[i]);
    free(keys);
    for (size_t i = 0; g && i < g->n; i++) {
        free(g->f[i].spec);
        unlink(g->f[i].path);
    }
    free(g);
    free(e);
    run_cache_free(cache);
    return r;
}

/* ---- JSON ---- */

static cJSON *num_or_null(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static cJSON *assumption_json(const run_claim_assumption *a)
{
    cJSON *o = cJSON_CreateObject();
    if (a->name)
        cJSON_AddStringToObject(o, "name", a->name);
    cJSON_AddItemToObject(o, "statement",
                          a->statement ? cJSON_CreateString(a->statement) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "source",
                          a->source ? cJSON_CreateString(a->source) : cJSON_CreateNull());
    cJSON *s = cJSON_AddObjectToObject(o, "set");
    for (size_t i = 0; i < a->nset; i++)
        cJSON_AddStringToObject(s, a->set[i].key, a->set[i].value);
    return o;
}

static cJSON *metrics_json(const run_claim *c, const double *v, const double *ref)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t m = 0; m < c->nmetric; m++)
        cJSON_AddItemToObject(o, c->metric[m], num_or_null(ref ? v[m] - ref[m] : v[m]));
    return o;
}

cJSON *run_claim_json(const run_claim *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "claim", c->name);
    cJSON_AddStringToObject(o, "file", c->path);
    cJSON_AddItemToObject(o, "statement",
                          c->statement ? cJSON_CreateString(c->statement) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "source",
                          c->source ? cJSON_CreateString(c->source) : cJSON_CreateNull());
    cJSON *wl = assumption_json(&c->workload);
    cJSON_AddItemToObject(wl, "weights",
                          c->weights ? cJSON_CreateString(c->weights) : cJSON_CreateNull());
    cJSON_AddItemToObject(wl, "trace",
                          c->trace ? cJSON_CreateString(c->trace) : cJSON_CreateNull());
    cJSON *ln = cJSON_AddArrayToObject(wl, "layers");
    for (size_t i = 0; i < c->nlayer_names; i++)
        cJSON_AddItemToArray(ln, cJSON_CreateString(c->layer_names[i]));
    cJSON_AddItemToObject(o, "workload", wl);
    cJSON_AddItemToObject(o, "base", assumption_json(&c->base));
    cJSON *led = cJSON_AddArrayToObject(o, "assumptions");
    for (size_t i = 0; i < c->nas; i++)
        cJSON_AddItemToArray(led, assumption_json(&c->as[i]));
    cJSON *ms = cJSON_AddArrayToObject(o, "metrics");
    for (size_t m = 0; m < c->nmetric; m++)
        cJSON_AddItemToArray(ms, cJSON_CreateString(c->metric[m]));
    cJSON *pts = cJSON_AddArrayToObject(o, "points");
    static const char *const kinds[] = {"base", "tornado", "waterfall"};
    for (size_t i = 0; i < c->npt; i++) {
        const run_claim_point *p = &c->pt[i];
        cJSON *q = cJSON_CreateObject();
        char name[200];
        run_claim_point_name(c, i, name, sizeof name);
        cJSON_AddStringToObject(q, "point", name);
        cJSON_AddStringToObject(q, "kind", kinds[p->kind]);
        cJSON *ap = cJSON_AddArrayToObject(q, "applied");
        if (p->kind == RUN_CLAIM_TORNADO)
            cJSON_AddItemToArray(ap, cJSON_CreateString(c->as[p->assumption].name));
        for (size_t a = 0; p->kind == RUN_CLAIM_WATERFALL && a < p->napplied; a++)
            cJSON_AddItemToArray(ap, cJSON_CreateString(c->as[a].name));
        cJSON_AddItemToObject(q, "metrics", metrics_json(c, p->metric, NULL));
        cJSON_AddItemToObject(q, "delta_vs_base", metrics_json(c, p->metric, c->pt[0].metric));
        if (p->kind == RUN_CLAIM_WATERFALL)
            cJSON_AddItemToObject(q, "delta_vs_previous",
                                  metrics_json(c, p->metric,
                                               p->napplied > 1 ? c->pt[i - 1].metric
                                                               : c->pt[0].metric));
        cJSON_AddItemToArray(pts, q);
    }
    cJSON *tg = cJSON_AddArrayToObject(o, "targets");
    for (size_t t = 0; t < c->ntg; t++) {
        const run_claim_target *x = &c->tg[t];
        cJSON *q = cJSON_CreateObject();
        cJSON_AddStringToObject(q, "name", x->name);
        cJSON_AddStringToObject(q, "metric", x->metric);
        cJSON_AddNumberToObject(q, "value", x->value);
        cJSON_AddStringToObject(q, "direction", x->at_most ? "at_most" : "at_least");
        cJSON_AddItemToObject(q, "statement",
                              x->statement ? cJSON_CreateString(x->statement) : cJSON_CreateNull());
        cJSON_AddItemToObject(q, "source",
                              x->source ? cJSON_CreateString(x->source) : cJSON_CreateNull());
        cJSON *yes = cJSON_AddArrayToObject(q, "reached_by");
        cJSON *no = cJSON_AddArrayToObject(q, "not_reached_by");
        for (size_t i = 0; i < c->npt; i++) {
            char name[200];
            run_claim_point_name(c, i, name, sizeof name);
            cJSON_AddItemToArray(run_claim_reaches(c, t, i) ? yes : no, cJSON_CreateString(name));
        }
        cJSON_AddItemToArray(tg, q);
    }
    return o;
}
