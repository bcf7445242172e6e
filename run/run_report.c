/*
 * run_report — a layer's report, the same for every reader. The scalar
 * fields come from one list, RUN_REPORT_FIELDS (run.h: name with its unit,
 * type, where the value lives in run_result, help), turned here into
 * run_report_fields[] (one value function per field); the counters come
 * from sim's list, SIM_COUNTERS. `axon run --json` prints run_report_json,
 * db_record binds the results row from run_report_fields[], so the JSON
 * key and the database column of a quantity are the same name.
 */
#include "run.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>

int run_result_priced(const run_result *r)
{
    const power_report *p = &r->power;
    return !r->functional && (p->version[0] || p->energy_pj != 0 || p->nlines > 0);
}

#define RUN_SET_INT(v, e) ((v)->i = (int64_t)(e), 1)
#define RUN_SET_BOOL(v, e) ((v)->i = (e) ? 1 : 0, 1)
#define RUN_SET_REAL(v, e) ((v)->d = (double)(e), isfinite((v)->d))
#define RUN_SET_TEXT(v, e) ((v)->s = (e), (v)->s != NULL)

#define RUN_VALUE_FN(name, ty, home, has, value, help)                                             \
    static int run_value_##name(const run_job *j, const run_result *r, run_value *v)               \
    {                                                                                              \
        const sim_report *s = &r->sim;                                                             \
        const power_report *p = &r->power;                                                         \
        char *buf = v->buf;                                                                        \
        (void)j, (void)s, (void)p, (void)buf;                                                      \
        v->type = RUN_F_##ty;                                                                      \
        return (has) && RUN_SET_##ty(v, value);                                                    \
    }
RUN_REPORT_FIELDS(RUN_VALUE_FN)
#undef RUN_VALUE_FN

const run_field run_report_fields[] = {
#define RUN_FIELD(name, ty, home, has, value, help)                                                \
    {#name, RUN_F_##ty, RUN_IN_##home, help, run_value_##name},
    RUN_REPORT_FIELDS(RUN_FIELD)
#undef RUN_FIELD
};
const size_t run_report_nfields = sizeof run_report_fields / sizeof run_report_fields[0];

static cJSON *run_value_json(const run_field *f, const run_job *j, const run_result *r)
{
    run_value v;
    if (!f->value(j, r, &v))
        return cJSON_CreateNull();
    switch (v.type) {
    case RUN_F_INT: return cJSON_CreateNumber((double)v.i);
    case RUN_F_REAL: /* an undefined ratio is null, never a made-up 0 */
        return isfinite(v.d) ? cJSON_CreateNumber(v.d) : cJSON_CreateNull();
    case RUN_F_BOOL: return cJSON_CreateBool((int)v.i);
    case RUN_F_TEXT: return cJSON_CreateString(v.s);
    }
    return cJSON_CreateNull();
}

/* The counters of SIM_COUNTERS: counts by name, times as <name>_<unit>. */
static cJSON *run_counters_json(const sim_counters *c, const char *unit)
{
    cJSON *o = cJSON_CreateObject();
    char k[64];
#define RUN_KEY_COUNT(name) snprintf(k, sizeof k, "%s", #name)
#define RUN_KEY_TIME(name) snprintf(k, sizeof k, "%s_%s", #name, unit)
#define RUN_COUNTER(name, kind, help)                                                              \
    RUN_KEY_##kind(name);                                                                          \
    cJSON_AddNumberToObject(o, k, (double)c->name);
    SIM_COUNTERS(RUN_COUNTER)
#undef RUN_COUNTER
#undef RUN_KEY_TIME
#undef RUN_KEY_COUNT
    return o;
}

static void run_power_lines_json(cJSON *o, const power_report *p)
{
    cJSON *lines = cJSON_AddArrayToObject(o, "energy_lines");
    for (int i = 0; lines && i < p->nlines && i < POWER_MAX_LINES; i++) {
        const power_line *l = &p->lines[i];
        cJSON *e = cJSON_CreateObject();
        if (!e)
            break;
        cJSON_AddStringToObject(e, "component", l->component);
        cJSON_AddStringToObject(e, "action", l->action);
        cJSON_AddNumberToObject(e, "count", l->count);
        cJSON_AddStringToObject(e, "count_unit", l->unit);
        cJSON_AddNumberToObject(e, "unit_pj", l->unit_pj);
        cJSON_AddNumberToObject(e, "energy_pj", l->energy_pj);
        cJSON_AddStringToObject(e, "energy_group", l->group);
        cJSON_AddItemToArray(lines, e);
    }
    cJSON *chain = cJSON_AddArrayToObject(o, "explain");
    for (int i = 0; chain && i < p->nchain; i++) {
        cJSON *e = cJSON_CreateObject();
        if (!e)
            break;
        cJSON_AddStringToObject(e, "step", p->chain[i].what);
        cJSON_AddNumberToObject(e, "delta_pj", p->chain[i].delta_pj);
        cJSON_AddItemToArray(chain, e);
    }
}

cJSON *run_report_json(const run_job *j, const run_result *r, int per_core)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    for (size_t i = 0; i < run_report_nfields; i++)
        cJSON_AddItemToObject(o, run_report_fields[i].name,
                              run_value_json(&run_report_fields[i], j, r));
    const sim_report *s = &r->sim;
    const char *unit = j->cfg.timing == SIM_ASYNC ? "ps" : "cycles";
    cJSON_AddBoolToObject(o, "timing_modelled", !r->functional);
    if (!r->functional) /* --functional counts nothing: no counters rather than zeros */
        cJSON_AddItemToObject(o, "counters", run_counters_json(&s->total, unit));
    if (per_core && r->per_core && !r->functional) {
        cJSON *a = cJSON_AddArrayToObject(o, "per_core");
        for (size_t k = 0; a && k < s->cores; k++) {
            cJSON *c = run_counters_json(&r->per_core[k], unit);
            if (!c)
                break;
            size_t cb = s->col_blocks ? s->col_blocks : 1;
            cJSON_AddNumberToObject(c, "row_block", (double)(k / cb));
            cJSON_AddNumberToObject(c, "col_block", (double)(k % cb));
            cJSON_AddItemToArray(a, c);
        }
    }
    run_power_lines_json(o, &r->power);
    if (run_result_priced(r) && !isfinite(r->power.energy_pj_per_synop)) {
        cJSON *u = cJSON_AddObjectToObject(o, "undefined");
        cJSON_AddStringToObject(u, "energy_pj_per_synop",
                                "no synaptic operations: every "
                                "activation count is zero, so energy per operation is undefined");
    }
    /* every parameter of the run under its table key, grouped by section
     * (the same object `axon arch --dump` prints and --arch reads back) */
    cJSON_AddItemToObject(o, "params", run_arch_json(j));
    if (j->arch)
        cJSON_AddStringToObject(o, "arch_file", j->arch);
    return o;
}
