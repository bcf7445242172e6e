/* Unit tests of run/run_report.c: the fields of RUN_REPORT_FIELDS stored in
 * results are exactly that table's columns, the others name columns of runs
 * or none; the JSON of a layer has a key for every results column and, for a
 * recorded run, the same value as the database under the same name; the
 * counters follow SIM_COUNTERS; no value gives null. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <math.h>

#include "db_fake.h"


static int has_column(const char *cols, const char *name)
{
    char key[128];
    snprintf(key, sizeof key, "|%s|", name);
    return strstr(cols, key) != NULL;
}

static char *fresh_db(char *dir, char *path, size_t n)
{
    snprintf(path, n, "%s/r.db", dir);
    db *d;
    cr_assert_eq(db_open(path, 0, &d, NULL), AX_OK);
    db_free(d);
    return path;
}

/* A run with every part of the report filled: priced (fake_eval), output,
 * reference comparison, image, per-core counters. */
static void full_run(run_job *j, run_result *r, sim_counters *cores)
{
    cr_assert_eq(fake_eval(NULL, j, r, NULL), AX_OK);
    r->snr_db = 31.5;
    r->max_abs_error = 0.25;
    r->ngroups = 1;
    r->sim.row_blocks = 2;
    r->sim.col_blocks = 1;
    r->sim.fill_ns = 10;
    r->spikes.spikes = 1234;
    r->spikes.slots = 5000;
    r->sim.total.stall_dram = 7;
    r->permuted = 1;
    r->has_ref = 1;
    int32_t a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 5, 4};
    float ya[3] = {1, 0, 0}, yb[3] = {1, 1, 0};
    gpu_compare_i32(a, b, 4, &r->ref_acc);
    gpu_compare_f32(ya, yb, 3, &r->ref_y);
    memset(cores, 0, 2 * sizeof *cores);
    cores[0].events = 40, cores[1].events = 37;
    cores[0].active = 500, cores[1].active = 300;
    r->sim.cores = 2;
    r->per_core = cores;
}

Test(run_report, results_fields_are_the_results_columns)
{
    char *dir = fake_tmpdir(), path[512];
    fresh_db(dir, path, sizeof path);
    char *results = fake_columns_of(path, "results"), *runs = fake_columns_of(path, "runs");
    char *counters = fake_columns_of(path, "counters");
    size_t nres = 0;
    for (size_t i = 0; i < run_report_nfields; i++) {
        const run_field *f = &run_report_fields[i];
        cr_assert(f->help && f->help[0], "%s has no help text", f->name);
        for (size_t k = 0; k < i; k++)
            cr_assert_str_neq(f->name, run_report_fields[k].name, "%s listed twice", f->name);
        if (f->home == RUN_IN_RESULTS) {
            cr_assert(has_column(results, f->name),
                      "%s is a RESULTS field but not a column of results (add a migration)",
                      f->name);
            nres++;
        } else if (f->home == RUN_IN_RUNS) {
            cr_assert(has_column(runs, f->name), "%s is not a column of runs", f->name);
        } else { /* a report-only name must not mean something else in the database */
            cr_assert(!has_column(results, f->name) && !has_column(runs, f->name) &&
                          !has_column(counters, f->name),
                      "%s is REPORT but a column of the database", f->name);
        }
    }
    /* and every column of results (but the key) is a RESULTS field */
    char *p = results + 1;
    size_t ncol = 0;
    while (*p) {
        char *e = strchr(p, '|');
        *e = 0;
        if (strcmp(p, "run_id")) {
            size_t i = 0;
            while (i < run_report_nfields && strcmp(run_report_fields[i].name, p))
                i++;
            cr_assert(i < run_report_nfields && run_report_fields[i].home == RUN_IN_RESULTS,
                      "column results.%s is not a RESULTS field of RUN_REPORT_FIELDS", p);
            ncol++;
        }
        p = e + 1;
    }
    cr_assert_eq(ncol, nres);
    free(results), free(runs), free(counters);
    fake_rmdir(dir);
}

/* Compares the one row of sql with the JSON report o: every column when
 * all (but run_id/id), else the columns o has a key for. Returns the number
 * of columns compared; *nnull counts the NULL ones. */
static int compare_row(const char *path, const char *sql, const cJSON *o, int all, int *nnull)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    int ncmp = 0;
    for (int c = 0; c < sqlite3_column_count(st); c++) {
        const char *name = sqlite3_column_name(st, c);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
        if (!strcmp(name, "run_id") || !strcmp(name, "id") || (!all && !v))
            continue;
        cr_assert_not_null(v, "column %s is not a key of the JSON report", name);
        ncmp++;
        switch (sqlite3_column_type(st, c)) {
        case SQLITE_NULL:
            cr_assert(cJSON_IsNull(v), "%s: NULL in the database, not null in JSON", name);
            ++*nnull;
            break;
        case SQLITE_INTEGER:
            if (cJSON_IsBool(v))
                cr_assert_eq(sqlite3_column_int64(st, c), cJSON_IsTrue(v), "%s", name);
            else
                cr_assert(cJSON_IsNumber(v) &&
                              v->valuedouble == (double)sqlite3_column_int64(st, c),
                          "%s: %lld vs JSON %g", name, (long long)sqlite3_column_int64(st, c),
                          v->valuedouble);
            break;
        case SQLITE_FLOAT:
            cr_assert(cJSON_IsNumber(v) && v->valuedouble == sqlite3_column_double(st, c),
                      "%s: %.17g vs JSON %.17g", name, sqlite3_column_double(st, c),
                      v->valuedouble);
            break;
        default:
            cr_assert(cJSON_IsString(v) &&
                          !strcmp(v->valuestring, (const char *)sqlite3_column_text(st, c)),
                      "%s: '%s' vs JSON", name, (const char *)sqlite3_column_text(st, c));
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return ncmp;
}

/* Every column of the results row of a recorded run is a key of the run's
 * JSON report with the same value (NULL = null, 0/1 = false/true); so are
 * the columns of runs the report names. */
Test(run_report, json_keys_and_values_are_the_database_row)
{
    char *dir = fake_tmpdir(), *w = fake_file(dir, "w.st", "W"), *t = fake_file(dir, "t.st", "T");
    char *img = fake_file(dir, "c.axi", "IMAGE"), *ref = fake_file(dir, "r.st", "REF"), path[512];
    fresh_db(dir, path, sizeof path);
    run_job j;
    fake_job(&j, w, t);
    j.image = img;
    j.ref = ref;
    run_result r;
    sim_counters cores[2];
    memset(&r, 0, sizeof r);
    full_run(&j, &r, cores);
    char *cfg;
    cr_assert_eq(run_config(&j, NULL, r.power.version, &cfg, &r.config_hash, NULL), AX_OK);
    free(cfg);
    db *d;
    char *err = NULL;
    cr_assert_eq(db_open(path, 0, &d, NULL), AX_OK);
    cr_assert_eq(db_record_run(d, &j, &r, NULL, NULL, NULL, &err), AX_OK, "%s", err ? err : "");
    db_free(d);
    cJSON *o = run_report_json(&j, &r, 1);
    cr_assert_not_null(o);
    size_t nres = 0, nruns = 0;
    for (size_t i = 0; i < run_report_nfields; i++) {
        nres += run_report_fields[i].home == RUN_IN_RESULTS;
        nruns += run_report_fields[i].home == RUN_IN_RUNS;
    }
    int nnull = 0;
    cr_assert_eq(compare_row(path, "SELECT * FROM results", o, 1, &nnull), (int)nres);
    cr_assert_lt(nnull, 10, "the full run leaves %d columns NULL", nnull);
    nnull = 0;
    cr_assert_eq(compare_row(path, "SELECT * FROM runs", o, 0, &nnull), (int)nruns);
    cr_assert_eq(nnull, 1); /* handshake_phases: a sync run has no handshake */
    /* spot checks of the renamed quantities */
    cr_assert_float_eq(cJSON_GetObjectItem(o, "energy_pj")->valuedouble, r.power.energy_pj, 1e-12);
    cr_assert_float_eq(cJSON_GetObjectItem(o, "rel_error")->valuedouble, r.rel_error, 1e-15);
    cr_assert_str_eq(cJSON_GetObjectItem(o, "tech_version")->valuestring, r.power.version);
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(o, "ref_acc_exact")));
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(o, "permuted")));
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(o, "energy_lines")), r.power.nlines);
    cJSON_Delete(o);
    free(w), free(t), free(img), free(ref);
    fake_rmdir(dir);
}

Test(run_report, counters_follow_sim_counters)
{
    run_job j;
    fake_job(&j, "w", "t");
    run_result r;
    sim_counters cores[2];
    memset(&r, 0, sizeof r);
    full_run(&j, &r, cores);
    cJSON *o = run_report_json(&j, &r, 1);
    const cJSON *k = cJSON_GetObjectItem(o, "counters");
    cr_assert_eq(cJSON_GetArraySize(k), SIM_NCOUNTERS);
#define KEY_COUNT(name) #name
#define KEY_TIME(name) #name "_cycles"
#define CHECK(name, kind, help)                                                                    \
    cr_assert_not_null(cJSON_GetObjectItem(k, KEY_##kind(name)), "counter %s", KEY_##kind(name));  \
    cr_assert_eq(cJSON_GetObjectItem(k, KEY_##kind(name))->valuedouble, (double)r.sim.total.name);
    SIM_COUNTERS(CHECK)
#undef CHECK
    const cJSON *pc = cJSON_GetObjectItem(o, "per_core");
    cr_assert_eq(cJSON_GetArraySize(pc), 2);
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(pc, 1), "events")->valuedouble, 37);
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(pc, 1), "row_block")->valuedouble, 1);
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(pc, 0), "active_cycles")->valuedouble, 500);
    cJSON_Delete(o);
    /* async: times in ps; without --per-core no per_core */
    j.cfg.timing = SIM_ASYNC;
    o = run_report_json(&j, &r, 0);
    cr_assert_not_null(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "counters"), "stall_dram_ps"));
    cr_assert_null(cJSON_GetObjectItem(o, "per_core"));
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "cycles")));
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "clock_mhz")));
    cr_assert_str_eq(cJSON_GetObjectItem(o, "time_unit")->valuestring, "ps");
    cJSON_Delete(o);
}

Test(run_report, no_value_is_null)
{
    run_job j;
    fake_job(&j, "w", "t");
    run_result r;
    memset(&r, 0, sizeof r);
    cr_assert_eq(fake_eval(NULL, &j, &r, NULL), AX_OK);
    memset(&r.power, 0, sizeof r.power); /* not priced */
    r.has_output = 0;
    r.has_ref = 0;
    cJSON *o = run_report_json(&j, &r, 0);
    const char *null[] = {"energy_pj", "power_mw", "base_energy_pj", "node_nm",      "tech_version",
                          "rel_error", "snr_db",   "ref_acc_exact",  "ref_y_cosine", "image_file"};
    for (size_t i = 0; i < sizeof null / sizeof null[0]; i++)
        cr_assert(cJSON_IsNull(cJSON_GetObjectItem(o, null[i])), "%s", null[i]);
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(o, "has_output")));
    cr_assert_eq(cJSON_GetObjectItem(o, "cycles")->valuedouble, 1128);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(o, "energy_lines")), 0);
    /* every field is a key, in the list's order */
    const cJSON *it = o->child;
    for (size_t i = 0; i < run_report_nfields; i++, it = it->next)
        cr_assert_str_eq(it->string, run_report_fields[i].name);
    cJSON_Delete(o);
}
