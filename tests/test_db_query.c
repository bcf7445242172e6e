/* Unit tests of db/db_query.c and db/db_named.c: table, CSV and JSON
 * output, the Pareto front against a brute-force check, named queries. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>

#include "db_fake.h"

static char *capture(db *d, const char *name, const db_named_args *a, db_format f, ax_result *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    *r = name ? db_named_run(d, name, a, f, m, NULL)
              : db_query_print(d, a->where, NULL, 0, f, m, NULL);
    fclose(m);
    return buf;
}

/* 9 runs: clock 100..900, energy_pj = clock + 163.84 + 10k, rel_error = 1/k
 * with k = 1 + (i*7 % 9). */
static db *fill(char *path, char **dirp)
{
    char *dir = *dirp = fake_tmpdir(), *w = fake_file(dir, "w", "W");
    snprintf(path, 512, "%s/q.db", dir);
    db *d;
    cr_assert_eq(db_open(path, 0, &d, NULL), AX_OK);
    for (int i = 0; i < 9; i++) {
        run_job j;
        run_result r;
        fake_job(&j, w, NULL);
        j.cfg.clock_mhz = 100 * (i + 1);
        j.sp.k = (float)(1 + (i * 7) % 9);
        memset(&r, 0, sizeof r);
        fake_eval(NULL, &j, &r, NULL);
        cr_assert_eq(db_record_run(d, &j, &r, NULL, NULL, NULL, NULL), AX_OK);
    }
    free(w);
    return d;
}

Test(db_query, pareto_matches_brute_force)
{
    char path[512], *dir;
    db *d = fill(path, &dir);
    db_named_args a = {.x = "energy_pj", .y = "rel_error"};
    ax_result r;
    char *js = capture(d, "pareto", &a, DB_FMT_JSON, &r);
    cr_assert_eq(r, AX_OK);
    cJSON *arr = cJSON_Parse(js);
    cr_assert_not_null(arr, "%s", js);
    /* brute force over the 9 (energy, rel_error) pairs */
    double e[9], q[9];
    for (int i = 0; i < 9; i++) {
        double k = 1 + (i * 7) % 9;
        e[i] = 100 * (i + 1) + 163.84 + 10 * k;
        q[i] = 1 / k;
    }
    int front = 0;
    for (int i = 0; i < 9; i++) {
        int dominated = 0;
        for (int m = 0; m < 9; m++)
            if (m != i && e[m] <= e[i] && q[m] <= q[i] && (e[m] < e[i] || q[m] < q[i]))
                dominated = 1;
        if (dominated)
            continue;
        front++;
        int found = 0;
        cJSON *it;
        cJSON_ArrayForEach(it, arr)
        {
            double ee = cJSON_GetObjectItem(it, "energy_pj")->valuedouble;
            if (ee > e[i] - 1e-6 && ee < e[i] + 1e-6)
                found = 1;
        }
        cr_assert(found, "front point energy %g missing in %s", e[i], js);
    }
    cr_assert_eq(cJSON_GetArraySize(arr), front);
    cr_assert_gt(front, 1);
    cJSON_Delete(arr);
    free(js);
    /* unknown column: named, with the hint */
    char *err = NULL;
    a.y = "joy";
    cr_assert_eq(db_named_run(d, "pareto", &a, DB_FMT_TABLE, stdout, &err), AX_ENOTFOUND);
    cr_assert(strstr(err, "'joy'") && strstr(err, "energy_pj_per_token"), "%s", err);
    /* a usage error of the SQL text keeps its code (not AX_EDB) */
    cr_assert_eq(db_query_print(d, "SELECT 1; SELECT 2", NULL, 0, DB_FMT_TABLE, stdout, &err),
                 AX_EPARAM);
    cr_assert(strstr(err, "one SQL statement"), "%s", err);
    free(err);
    db_free(d);
    fake_rmdir(dir);
}

Test(db_query, formats_table_csv_json)
{
    char path[512], *dir;
    db *d = fill(path, &dir);
    db_named_args a = {.where = "SELECT clock_mhz, coding, 'a,\"b' AS odd, NULL AS empty FROM "
                                "v_runs ORDER BY clock_mhz LIMIT 2"};
    ax_result r;
    char *t = capture(d, NULL, &a, DB_FMT_TABLE, &r);
    cr_assert_eq(r, AX_OK);
    cr_assert(strstr(t, "clock_mhz  coding   odd   empty\n"), "%s", t);
    cr_assert(strstr(t, "      100  ternary  a,\"b"), "%s", t);
    cr_assert(strstr(t, "(2 rows)"), "%s", t);
    free(t);
    t = capture(d, NULL, &a, DB_FMT_CSV, &r);
    cr_assert_str_eq(t, "clock_mhz,coding,odd,empty\n100,ternary,\"a,\"\"b\",\n200,ternary,"
                        "\"a,\"\"b\",\n");
    free(t);
    t = capture(d, NULL, &a, DB_FMT_JSON, &r);
    cJSON *arr = cJSON_Parse(t);
    cr_assert_eq(cJSON_GetArraySize(arr), 2);
    cJSON *o = cJSON_GetArrayItem(arr, 1);
    cr_assert_eq(cJSON_GetObjectItem(o, "clock_mhz")->valuedouble, 200);
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "empty")));
    cr_assert_str_eq(cJSON_GetObjectItem(o, "odd")->valuestring, "a,\"b");
    cJSON_Delete(arr);
    free(t);
    db_free(d);
    fake_rmdir(dir);
}

/* CSV reals: the shortest text that reads back exactly (0.1 is "0.1", not
 * 17 digits), nothing lost for a value that needs all 17. */
Test(db_query, csv_reals_shortest_round_trip)
{
    char path[512], *dir;
    db *d = fill(path, &dir);
    db_named_args a = {.where = "SELECT 0.1 AS a, 1.0/3 AS b, 2.5e-7 AS c, 1e300 * 10 AS d, "
                                "-0.0 AS e, 123456789.125 AS f, 0.1 + 0.2 AS g, 200.0 AS h, "
                                "1e16 AS i"};
    ax_result r;
    char *t = capture(d, NULL, &a, DB_FMT_CSV, &r);
    cr_assert_eq(r, AX_OK);
    cr_assert_str_eq(t,
                     "a,b,c,d,e,f,g,h,i\n0.1,0.3333333333333333,2.5e-07,1e+301,-0,"
                     "123456789.125,0.30000000000000004,200,1e+16\n",
                     "%s", t);
    cr_assert_eq(strtod("0.3333333333333333", NULL), 1.0 / 3);
    free(t);
    db_free(d);
    fake_rmdir(dir);
}

Test(db_query, named_best_runs_sweeps)
{
    char path[512], *dir;
    db *d = fill(path, &dir);
    ax_result r;
    db_named_args a = {.metric = "energy_pj"};
    char *t = capture(d, "best", &a, DB_FMT_JSON, &r);
    cr_assert_eq(r, AX_OK);
    cJSON *arr = cJSON_Parse(t);
    cr_assert_eq(cJSON_GetArraySize(arr), 1); /* one layer */
    /* the lowest energy: clock 100, k 1 -> 100 + 163.84 + 10 */
    cr_assert_float_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "metric")->valuedouble,
                       273.84, 1e-9);
    cJSON_Delete(arr);
    free(t);
    db_named_args b = {.limit = 3, .where = "clock_mhz > 250"};
    t = capture(d, "runs", &b, DB_FMT_CSV, &r);
    cr_assert_eq(r, AX_OK);
    int lines = 0;
    for (char *c = t; *c; c++)
        lines += *c == '\n';
    cr_assert_eq(lines, 4, "%s", t);
    free(t);
    cr_assert(db_named_exists("sweeps"));
    cr_assert(!db_named_exists("nope"));
    for (const char *n = "sweeps"; n; n = !strcmp(n, "sweeps")     ? "baseline"
                                          : !strcmp(n, "baseline") ? "columns"
                                                                   : NULL) {
        t = capture(d, n, &a, DB_FMT_TABLE, &r);
        cr_assert_eq(r, AX_OK, "%s", n);
        free(t);
    }
    db_free(d);
    fake_rmdir(dir);
}
