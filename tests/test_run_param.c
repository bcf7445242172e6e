/* Unit tests of run/run_param.c and run/run_arch.c: every parameter of the
 * table round-trips through its own text, every numeric range is enforced
 * at both ends (and its ends accepted), names resolve by key, flag and
 * dashed key, the mode checks refuse parameters that would be ignored, and
 * architecture files in both spellings load, refuse misplaced or unknown
 * keys naming the file and line, and reproduce the job they were dumped
 * from. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../run/run.h"

static void get(const run_job *j, const char *name, char *out, size_t n)
{
    const run_param *p = run_param_find(name);
    cr_assert(p, "no parameter %s", name);
    run_param_get(j, p, out, n);
}

Test(run_param, names_are_unique_and_found_every_way)
{
    size_t n;
    const run_param *t = run_param_table(&n);
    cr_assert_gt(n, 30);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(run_param_find(t[i].key), &t[i], "%s", t[i].key);
        cr_assert_eq(run_param_find(t[i].flag), &t[i], "%s", t[i].flag);
        char d[64];
        snprintf(d, sizeof d, "%s", t[i].key);
        for (char *c = d; *c; c++)
            if (*c == '_')
                *c = '-';
        cr_assert_eq(run_param_find(d), &t[i], "%s", d);
        for (size_t k = 0; k < i; k++) {
            cr_assert_str_neq(t[i].key, t[k].key);
            cr_assert_str_neq(t[i].flag, t[k].flag);
        }
    }
    cr_assert_null(run_param_find("volume"));
}

Test(run_param, every_default_round_trips)
{
    size_t n;
    const run_param *t = run_param_table(&n);
    run_job d, j;
    run_job_default(&d);
    for (size_t i = 0; i < n; i++) {
        char v[256], w[256];
        run_param_get(&d, &t[i], v, sizeof v);
        if (t[i].type == RUN_PT_TEXT)
            continue; /* unset text: the built-in default, not a value */
        j = d;
        char *err = NULL;
        cr_assert_eq(run_param_set(&j, &t[i], v, &err), AX_OK, "%s=%s: %s", t[i].key, v,
                     err ? err : "");
        run_param_get(&j, &t[i], w, sizeof w);
        cr_assert_str_eq(v, w, "%s", t[i].key);
        cr_assert_eq(memcmp(&j.cfg, &d.cfg, sizeof d.cfg), 0, "%s changed the config", t[i].key);
        cr_assert_eq(run_param_is_set(&j, &t[i]), 0);
    }
}

Test(run_param, numeric_ranges_hold_at_both_ends)
{
    size_t n;
    const run_param *t = run_param_table(&n);
    for (size_t i = 0; i < n; i++) {
        const run_param *p = &t[i];
        if (p->type != RUN_PT_INT && p->type != RUN_PT_REAL)
            continue;
        run_job j;
        run_job_default(&j);
        char v[64], back[256];
        char *err = NULL;
        snprintf(v, sizeof v, "%.17g", p->hi);
        cr_assert_eq(run_param_set(&j, p, v, &err), AX_OK, "%s=%s: %s", p->key, v, err ? err : "");
        run_param_get(&j, p, back, sizeof back);
        cr_assert_eq(strtod(back, NULL), p->hi, "%s stored %s for %s", p->key, back, v);
        double above = p->type == RUN_PT_INT ? p->hi + 1 : p->hi * 1.5 + 1;
        snprintf(v, sizeof v, "%.17g", above);
        cr_assert_eq(run_param_set(&j, p, v, &err), AX_EPARAM, "%s accepted %s", p->key, v);
        cr_assert(strstr(err, p->flag) && strstr(err, v), "%s", err);
        if (p->lo > 0) {
            snprintf(v, sizeof v, "%.17g", p->lo);
            cr_assert_eq(run_param_set(&j, p, v, &err), AX_OK, "%s=%s", p->key, v);
            snprintf(v, sizeof v, "%.17g", p->type == RUN_PT_INT ? p->lo - 1 : p->lo / 2);
            cr_assert_eq(run_param_set(&j, p, v, &err), AX_EPARAM, "%s accepted %s", p->key, v);
        }
        cr_assert_eq(run_param_set(&j, p, "-1", &err), AX_EPARAM, "%s accepted -1", p->key);
        cr_assert_eq(run_param_set(&j, p, "12abc", &err), AX_EPARAM);
        cr_assert_eq(run_param_set(&j, p, "", &err), AX_EPARAM);
        free(err);
    }
}

Test(run_param, values_land_in_the_right_fields)
{
    run_job j;
    run_job_default(&j);
    char *err = NULL;
    cr_assert_eq(run_param_set_name(&j, "tile", "64x32", &err), AX_OK);
    cr_assert_eq(j.cfg.rows, 64);
    cr_assert_eq(j.cfg.cols, 32);
    cr_assert_eq(run_param_set_name(&j, "tile", "4097x8", &err), AX_EPARAM);
    cr_assert_eq(run_param_set_name(&j, "tile", "0x0", &err), AX_EPARAM);
    cr_assert_eq(run_param_set_name(&j, "mesh", "0x0", &err), AX_OK);
    cr_assert_eq(run_param_set_name(&j, "mesh", "0x3", &err), AX_EPARAM);
    cr_assert_eq(run_param_set_name(&j, "clock", "250", &err), AX_OK);
    cr_assert_float_eq(j.cfg.clock_mhz, 250.0, 1e-12);
    cr_assert_eq(run_param_set_name(&j, "clock-mhz", "nan", &err), AX_EPARAM);
    cr_assert_eq(run_param_set_name(&j, "handshake_phases", "2", &err), AX_OK);
    cr_assert_eq(j.cfg.handshake, SIM_HS_2PHASE);
    cr_assert_eq(run_param_set_name(&j, "handshake", "3", &err), AX_EPARAM);
    cr_assert_eq(run_param_set_name(&j, "timing", "async", &err), AX_OK);
    cr_assert_eq(j.cfg.timing, SIM_ASYNC);
    cr_assert_eq(run_param_set_name(&j, "t_add_ps", "123", &err), AX_OK);
    cr_assert_eq(j.cfg.t_add_ps, 123);
    cr_assert_eq(run_param_set_name(&j, "dram_latency_ps", "777", &err), AX_OK);
    cr_assert_eq(j.cfg.dram_latency_ps, 777);
    cr_assert_eq(run_param_set_name(&j, "double-buffer", "off", &err), AX_OK);
    cr_assert_eq(j.cfg.double_buffer, 0);
    cr_assert_eq(run_param_set_name(&j, "zero_gating", "maybe", &err), AX_EPARAM);
    cr_assert_eq(run_param_set_name(&j, "steps", "token", &err), AX_OK);
    cr_assert_eq(j.steps, SPIKE_STEPS_TOKEN);
    cr_assert_eq(run_param_set_name(&j, "steps", "100", &err), AX_OK);
    cr_assert_eq(j.steps, 100);
    cr_assert_eq(run_param_set_name(&j, "steps", "0", &err), AX_EPARAM);
    cr_assert_eq(run_param_set_name(&j, "clamp", "-20:30", &err), AX_OK);
    cr_assert(j.sp.clamp && j.sp.cmin == -20 && j.sp.cmax == 30);
    cr_assert_eq(run_param_set_name(&j, "clamp", "5:1", &err), AX_EPARAM);
    cr_assert_eq(run_param_set_name(&j, "no-such", "1", &err), AX_EPARAM);
    cr_assert_eq(run_param_set_name(&j, "clamp", "off", &err), AX_OK);
    cr_assert_eq(j.sp.clamp, 0);
    cr_assert_eq(run_param_set_name(&j, "group", "64", &err), AX_OK);
    cr_assert_eq(j.group, 64);
    cr_assert_eq(run_param_set_name(&j, "model", "ideal", &err), AX_OK);
    cr_assert_eq(j.model, POWER_IDEAL);
    cr_assert_eq(run_param_set_name(&j, "coding", "morse", &err), AX_EPARAM);
    cr_assert(strstr(err, "morse"), "%s", err);
    cr_assert_eq(run_param_set_name(&j, "lanse", "8", &err), AX_EPARAM);
    cr_assert(strstr(err, "did you mean lanes"), "%s", err);
    free(err);
}

Test(run_param, ignored_parameters_are_refused)
{
    run_job j;
    run_job_default(&j);
    char *err = NULL;
    cr_assert_eq(run_param_applies(&j, run_param_find("handshake"), &err), AX_EPARAM);
    cr_assert(strstr(err, "--async"), "%s", err);
    cr_assert_eq(run_param_applies(&j, run_param_find("clock"), &err), AX_OK);
    cr_assert_eq(run_param_applies(&j, run_param_find("burst"), &err), AX_EPARAM);
    cr_assert_eq(run_param_applies(&j, run_param_find("lanes"), &err), AX_OK);
    j.cfg.timing = SIM_ASYNC;
    j.cfg.dram = 1;
    cr_assert_eq(run_param_applies(&j, run_param_find("handshake"), &err), AX_OK);
    cr_assert_eq(run_param_applies(&j, run_param_find("clock"), &err), AX_EPARAM);
    cr_assert_eq(run_param_applies(&j, run_param_find("dram-latency-ps"), &err), AX_OK);
    cr_assert_eq(run_param_applies(&j, run_param_find("dram-latency"), &err), AX_EPARAM);
    free(err);
}

static char *write_tmp(const char *suffix, const char *text)
{
    static int seq;
    char *p = malloc(96);
    snprintf(p, 96, "/tmp/axon_arch_%d_%d%s", (int)getpid(), seq++, suffix);
    FILE *f = fopen(p, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
    return p;
}

Test(run_arch, json_and_text_forms_load)
{
    run_job j;
    run_job_default(&j);
    char *err = NULL, v[256];
    char *a = write_tmp(".json",
                        "{\"core\": {\"tile\": \"64x64\", \"lanes\": 8, \"zero_gating\": false},"
                        " \"timing\": {\"timing\": \"async\", \"handshake_phases\": 2},"
                        " \"k\": 2.5}");
    cr_assert_eq(run_arch_load(&j, a, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(j.cfg.rows, 64);
    cr_assert_eq(j.cfg.lanes, 8);
    cr_assert_eq(j.cfg.zero_gating, 0);
    cr_assert_eq(j.cfg.timing, SIM_ASYNC);
    cr_assert_eq(j.cfg.handshake, SIM_HS_2PHASE);
    cr_assert_float_eq(j.sp.k, 2.5f, 1e-6);
    cr_assert_str_eq(j.arch, a);
    char *b = write_tmp(".arch", "# comment\n[core]\nlanes = 4   # trailing\n[spikes]\ncoding: "
                                 "ternary\nsteps = token\n");
    run_job_default(&j);
    cr_assert_eq(run_arch_load(&j, b, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(j.cfg.lanes, 4);
    cr_assert_eq(j.coding, SPIKE_TERNARY);
    get(&j, "steps", v, sizeof v);
    cr_assert_str_eq(v, "token");
    unlink(a), unlink(b), free(a), free(b);
    free(err);
}

Test(run_arch, errors_name_file_line_and_parameter)
{
    run_job j;
    run_job_default(&j);
    char *err = NULL;
    char *a = write_tmp(".arch", "[core]\nlanes = 8\nclock_mhz = 250\n");
    cr_assert_eq(run_arch_load(&j, a, &err), AX_EPARAM);
    cr_assert(strstr(err, a) && strstr(err, "line 3") && strstr(err, "timing"), "%s", err);
    char *b = write_tmp(".arch", "lanes = 0\n");
    cr_assert_eq(run_arch_load(&j, b, &err), AX_EPARAM);
    cr_assert(strstr(err, b) && strstr(err, "line 1") && strstr(err, "--lanes"), "%s", err);
    char *c = write_tmp(".json", "{\"core\": {\"lanse\": 8}}");
    cr_assert_eq(run_arch_load(&j, c, &err), AX_EPARAM);
    cr_assert(strstr(err, c) && strstr(err, "lanes"), "%s", err);
    char *d = write_tmp(".json", "{\"core\": {\"lanes\": 8}");
    cr_assert_eq(run_arch_load(&j, d, &err), AX_EFORMAT);
    cr_assert(strstr(err, "offset"), "%s", err);
    char *e = write_tmp(".arch", "[cores]\n");
    cr_assert_eq(run_arch_load(&j, e, &err), AX_EFORMAT);
    cr_assert_eq(run_arch_load(&j, "/nonexistent/x.json", &err), AX_EIO);
    cr_assert(strstr(err, "/nonexistent/x.json"), "%s", err);
    char *paths[] = {a, b, c, d, e};
    for (int i = 0; i < 5; i++)
        unlink(paths[i]), free(paths[i]);
    free(err);
}

Test(run_arch, dump_reloads_to_the_same_job)
{
    run_job j, k;
    run_job_default(&j);
    run_job_default(&k);
    char *err = NULL;
    const char *set[][2] =
        {{"tile", "256x32"},        {"lanes", "8"},           {"timing", "async"},
         {"handshake", "2"},        {"t_sram_ps", "650"},     {"dram", "on"},
         {"dram_burst_ps", "1500"}, {"coding", "bitwise-2c"}, {"k", "4.25"},
         {"clamp", "-63:64"},       {"steps", "9"},           {"group_size", "32"},
         {"node_nm", "28"},         {"power_model", "ideal"}, {"mesh", "4x2"}};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        cr_assert_eq(run_param_set_name(&j, set[i][0], set[i][1], &err), AX_OK, "%s", set[i][0]);
    cJSON *o = run_arch_json(&j);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    char *p = write_tmp(".json", text);
    cr_assert_eq(run_arch_load(&k, p, &err), AX_OK, "%s", err ? err : "");
    size_t n;
    const run_param *t = run_param_table(&n);
    for (size_t i = 0; i < n; i++) {
        char a[256], b[256];
        run_param_get(&j, &t[i], a, sizeof a);
        run_param_get(&k, &t[i], b, sizeof b);
        cr_assert_str_eq(a, b, "%s", t[i].key);
    }
    unlink(p), free(p), free(text), free(err);
}

/* Every parameter of the table has its columns in the runs table of a
 * fresh database, and a recorded run stores each parameter's value there
 * (NULL exactly where the parameter does not apply). */
#include "../db/db.h"
#include <sqlite3.h>

Test(run_param, every_parameter_is_a_runs_column)
{
    char path[96];
    snprintf(path, sizeof path, "/tmp/axon_rp_%d.db", (int)getpid());
    unlink(path);
    db *d;
    char *err = NULL;
    cr_assert_eq(db_open(path, 0, &d, &err), AX_OK, "%s", err ? err : "");
    db_free(d);
    sqlite3 *h;
    cr_assert_eq(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    size_t n;
    const run_param *t = run_param_table(&n);
    run_job j;
    run_job_default(&j);
    j.cfg.timing = SIM_ASYNC;
    j.cfg.dram = 1;
    for (size_t i = 0; i < n; i++) {
        run_param_col c[RUN_PARAM_MAXCOLS];
        size_t nc = run_param_columns(&j, &t[i], c);
        cr_assert_gt(nc, 0, "%s has no column", t[i].key);
        for (size_t k = 0; k < nc; k++) {
            char sql[160];
            snprintf(sql, sizeof sql, "SELECT %s FROM runs", c[k].name);
            sqlite3_stmt *st = NULL;
            cr_assert_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK,
                         "runs has no column %s for parameter %s", c[k].name, t[i].key);
            sqlite3_finalize(st);
        }
        int applies = run_param_applies(&j, &t[i], NULL) == AX_OK;
        cr_assert_eq(c[0].type != RUN_COL_NULL || t[i].type == RUN_PT_TEXT, applies,
                     "%s: stored as NULL iff it does not apply", t[i].key);
    }
    sqlite3_close(h);
    /* the read-only connection leaves the WAL's files: removed with the file */
    db_remove_files(path);
}

/* The config hash covers every parameter: changing any one (where it
 * applies) changes the hash, so two runs that differ only in it are never
 * taken for the same point (a node sweep once collapsed to one point). */
Test(run_param, every_parameter_changes_the_config_hash)
{
    char w[96], t[96];
    snprintf(w, sizeof w, "/tmp/axon_rp_w_%d", (int)getpid());
    snprintf(t, sizeof t, "/tmp/axon_rp_t_%d", (int)getpid());
    FILE *f = fopen(w, "w");
    fputs("W", f);
    fclose(f);
    f = fopen(t, "w");
    fputs("T", f);
    fclose(f);
    size_t n;
    const run_param *tab = run_param_table(&n);
    for (int mode = 0; mode < 2; mode++) {
        run_job base;
        run_job_default(&base);
        base.weights = w;
        base.trace = t;
        base.cfg.timing = mode ? SIM_ASYNC : SIM_SYNC;
        base.cfg.dram = 1;
        char *c0;
        uint64_t h0, h1;
        cr_assert_eq(run_config(&base, NULL, NULL, &c0, &h0, NULL), AX_OK);
        for (size_t i = 0; i < n; i++) {
            const run_param *p = &tab[i];
            if (!strcmp(p->key, "tech") || run_param_applies(&base, p, NULL))
                continue;
            run_job j = base;
            char cur[256], alt[64];
            run_param_get(&j, p, cur, sizeof cur);
            switch (p->type) {
            case RUN_PT_BOOL:
                snprintf(alt, sizeof alt, "%s", strcmp(cur, "on") ? "on" : "off");
                break;
            case RUN_PT_CHOICE: {
                const char *bar = strchr(p->words, '|');
                size_t l = (size_t)(bar - p->words);
                if (!strncmp(cur, p->words, l) && !cur[l])
                    snprintf(alt, sizeof alt, "%.*s", (int)strcspn(bar + 1, "|"), bar + 1);
                else
                    snprintf(alt, sizeof alt, "%.*s", (int)l, p->words);
                break;
            }
            case RUN_PT_PAIR:
                snprintf(alt, sizeof alt, "%s", strcmp(cur, "2x2") ? "2x2" : "4x4");
                break;
            case RUN_PT_CLAMP: snprintf(alt, sizeof alt, "off"); break;
            case RUN_PT_TEXT: snprintf(alt, sizeof alt, "some.layer"); break;
            default:
                snprintf(alt, sizeof alt, "%.17g", strtod(cur, NULL) == p->hi ? p->lo : p->hi);
                if (p->lo == 0 && p->hi > 1 && strtod(cur, NULL) == 0)
                    snprintf(alt, sizeof alt, "%g", p->hi < 100 ? p->hi : 28.0);
            }
            char *err = NULL, *c1;
            if (p->type == RUN_PT_CHOICE && !strcmp(p->key, "timing"))
                continue; /* timing changes which parameters apply: covered by mode */
            cr_assert_eq(run_param_set(&j, p, alt, &err), AX_OK, "%s=%s: %s", p->key, alt,
                         err ? err : "");
            cr_assert_eq(run_config(&j, NULL, NULL, &c1, &h1, NULL), AX_OK);
            cr_assert_neq(h0, h1, "%s %s -> %s leaves the config hash unchanged", p->key, cur, alt);
            free(c1);
        }
        free(c0);
    }
    unlink(w);
    unlink(t);
}
