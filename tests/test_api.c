/* Unit tests of api/ through the public header only (include/axon.h): jobs
 * by parameter name (copies of text values, the table's errors and hints),
 * a run on tensors written with ax_write_tensors, the result accessors, the
 * one-block layer list, a sweep and queries of its database. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../include/axon.h"

#define OUT 9
#define IN 40
#define TOK 3

static char wpath[64], tpath[64], dbpath[64];

static void setup(void)
{
    int pid = (int)getpid();
    snprintf(wpath, sizeof wpath, "/tmp/axon_api_w_%d.safetensors", pid);
    snprintf(tpath, sizeof tpath, "/tmp/axon_api_t_%d.safetensors", pid);
    snprintf(dbpath, sizeof dbpath, "/tmp/axon_api_%d.db", pid);
    static float w[OUT * IN];
    static int32_t c[TOK * IN];
    srand(5);
    for (size_t i = 0; i < OUT * IN; i++)
        w[i] = (float)(rand() % 2001 - 1000) / 997.0f;
    for (size_t i = 0; i < TOK * IN; i++)
        c[i] = i % 4 == 0 ? 0 : rand() % 255 - 127;
    const char *wn[] = {"l.weight"}, *tn[] = {"l.input"}, *f32[] = {"F32"}, *i32[] = {"I32"};
    const int nd[] = {2};
    const int64_t ws[] = {OUT, IN}, cs[] = {TOK, IN};
    const int64_t *wsp[] = {ws}, *csp[] = {cs};
    const void *wd[] = {w}, *cd[] = {c};
    char *err = NULL;
    cr_assert_eq(ax_write_tensors(wpath, 1, wn, f32, nd, wsp, wd, &err), AX_OK, "%s", err);
    cr_assert_eq(ax_write_tensors(tpath, 1, tn, i32, nd, csp, cd, &err), AX_OK, "%s", err);
}

static void teardown(void)
{
    char p[96];
    unlink(wpath), unlink(tpath), unlink(dbpath);
    snprintf(p, sizeof p, "%s-wal", dbpath), unlink(p);
    snprintf(p, sizeof p, "%s-shm", dbpath), unlink(p);
}

static ax_job *new_job(void)
{
    ax_job *j = NULL;
    cr_assert_eq(ax_job_new(&j, NULL), AX_OK);
    cr_assert_eq(ax_job_set_files(j, wpath, tpath, NULL, NULL, NULL), AX_OK);
    return j;
}

Test(api, version_and_errors)
{
    cr_assert_str_eq(ax_version(), AX_VERSION);
    cr_assert_str_eq(ax_result_str(AX_EPARAM), "invalid parameter");
    ax_free(NULL);
    ax_job_free(NULL);
    ax_run_result_free(NULL);
}

Test(api, parameters_by_name)
{
    ax_job *j = NULL;
    char *err = NULL, *v = NULL;
    cr_assert_eq(ax_job_new(&j, &err), AX_OK);
    cr_assert_eq(ax_job_set(j, "clock", "250", &err), AX_OK);  /* the flag */
    cr_assert_eq(ax_job_set(j, "tile", "64x32", &err), AX_OK); /* the key */
    cr_assert_eq(ax_job_get(j, "clock_mhz", &v, &err), AX_OK);
    cr_assert_str_eq(v, "250");
    ax_free(v);
    char layer[32] = "model.layers.3.mlp.fc1"; /* copied: the buffer may change */
    cr_assert_eq(ax_job_set(j, "layer", layer, &err), AX_OK);
    strcpy(layer, "changed");
    cr_assert_eq(ax_job_get(j, "layer", &v, &err), AX_OK);
    cr_assert_str_eq(v, "model.layers.3.mlp.fc1");
    ax_free(v);
    cr_assert_eq(ax_job_set(j, "clokc", "250", &err), AX_EPARAM);
    cr_assert(strstr(err, "unknown parameter 'clokc'") && strstr(err, "did you mean clock_mhz"),
              "%s", err);
    ax_free(err), err = NULL;
    cr_assert_eq(ax_job_set(j, "tile", "64", &err), AX_EPARAM);
    cr_assert(strstr(err, "--tile '64'"), "%s", err);
    ax_free(err), err = NULL;
    cr_assert_eq(ax_job_get(j, "nothing_like_it", &v, &err), AX_EPARAM);
    ax_free(err), err = NULL;
    char *arch = ax_job_arch_json(j);
    cr_assert(arch && strstr(arch, "\"64x32\""), "%s", arch);
    ax_free(arch);
    ax_job_free(j);
}

Test(api, run_and_accessors, .init = setup, .fini = teardown)
{
    ax_job *j = new_job();
    char *err = NULL, **names = NULL;
    size_t n = 0;
    cr_assert_eq(ax_job_layers(j, &names, &n, &err), AX_OK, "%s", err);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(names[0], "l");
    cr_assert_null(names[1]);
    ax_free(names); /* one block */
    cr_assert_eq(ax_job_set(j, "tile", "16x8", &err), AX_OK);
    ax_run_result *r = NULL;
    cr_assert_eq(ax_run(j, &r, &err), AX_OK, "%s", err); /* the only layer */
    ax_job_free(j);                                      /* the result keeps what it reports */
    int nd = 0;
    int64_t sh[3];
    const int32_t *acc = ax_run_result_acc(r, &nd, sh);
    cr_assert(acc != NULL);
    cr_assert_eq(nd, 2);
    cr_assert_eq(sh[0], TOK);
    cr_assert_eq(sh[1], OUT);
    cr_assert_eq(ax_run_result_y(r, &nd, sh) != NULL, 1);
    double v = 0;
    cr_assert_eq(ax_run_result_number(r, "tokens", &v, &err), AX_OK);
    cr_assert_eq(v, TOK);
    cr_assert_eq(ax_run_result_number(r, "exact", &v, &err), AX_OK);
    cr_assert_eq(v, 1.0);
    double a = 0, b = 0;
    cr_assert_eq(ax_run_result_number(r, "energy_pj", &a, &err), AX_OK);
    cr_assert_eq(ax_run_result_number(r, "energy_pj", &b, &err), AX_OK);
    cr_assert(a > 0 && a == b);
    cr_assert_eq(ax_run_result_number(r, "cores", &v, &err), AX_OK);
    cr_assert_eq(v, 6.0); /* ceil(40 / 16) x ceil(9 / 8) */
    cr_assert_eq(ax_run_result_number(r, "nonsense", &v, &err), AX_ENOTFOUND);
    ax_free(err), err = NULL;
    cr_assert_eq(ax_run_result_number(r, "layer", &v, &err), AX_ENOTFOUND); /* text, not a number */
    ax_free(err), err = NULL;
    char *json = ax_run_result_json(r);
    cr_assert(json && strstr(json, "\"layer\":\t\"l\""), "%s", json);
    ax_free(json);
    ax_run_result_free(r);
}

Test(api, run_errors, .init = setup, .fini = teardown)
{
    ax_job *j = NULL;
    char *err = NULL;
    ax_run_result *r = (ax_run_result *)&err;
    cr_assert_eq(ax_job_new(&j, NULL), AX_OK);
    cr_assert_eq(ax_run(j, &r, &err), AX_EPARAM); /* no files */
    cr_assert_null(r);
    cr_assert(strstr(err, "ax_job_set_files"), "%s", err);
    ax_free(err), err = NULL;
    cr_assert_eq(ax_job_set_files(j, wpath, tpath, NULL, NULL, NULL), AX_OK);
    cr_assert_eq(ax_job_set(j, "layer", "missing", NULL), AX_OK);
    cr_assert_neq(ax_run(j, &r, &err), AX_OK);
    cr_assert(strstr(err, "missing"), "%s", err);
    ax_free(err);
    ax_job_free(j);
}

/* Threads are an execution option of the job: the same acc, cycles and
 * energy on 1, 2 and every CPU (0); a count outside 0..1024 is named. */
Test(api, threads_change_no_result, .init = setup, .fini = teardown)
{
    char *err = NULL;
    ax_job *j = new_job();
    cr_assert_eq(ax_job_set_threads(j, -1, &err), AX_EPARAM);
    cr_assert(strstr(err, "threads -1") && strstr(err, "hint"), "%s", err);
    ax_free(err), err = NULL;
    cr_assert_eq(ax_job_set_threads(NULL, 1, NULL), AX_EPARAM);
    ax_run_result *r[3];
    const int th[3] = {1, 2, 0};
    for (int k = 0; k < 3; k++) {
        cr_assert_eq(ax_job_set_threads(j, th[k], &err), AX_OK, "%s", err ? err : "");
        cr_assert_eq(ax_run(j, &r[k], &err), AX_OK, "%s", err ? err : "");
    }
    int nd;
    int64_t s0[3] = {0, 0, 1}, s1[3] = {0, 0, 1};
    const int32_t *a0 = ax_run_result_acc(r[0], &nd, s0);
    for (int k = 1; k < 3; k++) {
        const int32_t *a = ax_run_result_acc(r[k], &nd, s1);
        cr_assert(!memcmp(s0, s1, sizeof s0) &&
                      !memcmp(a0, a, (size_t)(s0[0] * s0[1] * s0[2]) * sizeof *a),
                  "threads %d: another acc", th[k]);
        double e0, e, c0, c;
        cr_assert_eq(ax_run_result_number(r[0], "energy_pj", &e0, NULL), AX_OK);
        cr_assert_eq(ax_run_result_number(r[k], "energy_pj", &e, NULL), AX_OK);
        cr_assert_eq(ax_run_result_number(r[0], "cycles", &c0, NULL), AX_OK);
        cr_assert_eq(ax_run_result_number(r[k], "cycles", &c, NULL), AX_OK);
        cr_assert(e0 == e && c0 == c, "threads %d: energy %g vs %g, cycles %g vs %g", th[k], e, e0,
                  c, c0);
    }
    for (int k = 0; k < 3; k++)
        ax_run_result_free(r[k]);
    ax_job_free(j);
}

Test(api, write_tensors_checks)
{
    const char *nm[] = {"x"}, *bad[] = {"F64"}, *ok[] = {"F32"};
    const int nd[] = {1};
    const int64_t neg[] = {-1};
    const int64_t *sp[] = {neg};
    float x = 1;
    const void *d[] = {&x};
    char *err = NULL;
    cr_assert_eq(ax_write_tensors("/tmp/axon_api_never.st", 1, nm, bad, nd, sp, d, &err),
                 AX_EPARAM);
    cr_assert(strstr(err, "F64"), "%s", err);
    ax_free(err), err = NULL;
    cr_assert_eq(ax_write_tensors("/tmp/axon_api_never.st", 1, nm, ok, nd, sp, d, &err), AX_ESHAPE);
    ax_free(err);
    cr_assert_neq(access("/tmp/axon_api_never.st", F_OK), 0);
}

Test(api, sweep_and_query, .init = setup, .fini = teardown)
{
    ax_job *j = new_job();
    char *err = NULL, *rows = NULL;
    cr_assert_eq(ax_job_set(j, "tile", "16x16", &err), AX_OK);
    const char *names[] = {"clock", "coding", "lanes"};
    const char *lists[] = {"250,500", "ternary,bitwise-signed", "8"};
    ax_sweep_stats st;
    cr_assert_eq(ax_sweep(j, 3, names, lists, dbpath, 2, &st, &err), AX_OK, "%s", err);
    cr_assert_eq(st.planned, 4);
    cr_assert_eq(st.ran, 4);
    cr_assert_eq(ax_sweep(j, 3, names, lists, dbpath, 1, &st, &err), AX_OK, "%s", err);
    cr_assert_eq(st.skipped, 4); /* resumed: all stored */
    cr_assert_eq(ax_query(dbpath,
                          "SELECT count(*) AS n, min(lanes) AS lanes, max(tile) AS tile "
                          "FROM v_runs",
                          &rows, &err),
                 AX_OK, "%s", err);
    cr_assert(strstr(rows, "\"n\":\t4") && strstr(rows, "\"lanes\":\t8") &&
                  strstr(rows, "\"16x16\""),
              "%s", rows);
    ax_free(rows);
    const char *on[] = {"limit"}, *ov[] = {"1"};
    cr_assert_eq(ax_query_opts(dbpath, "runs", 1, on, ov, &rows, &err), AX_OK, "%s", err);
    cr_assert(strstr(rows, "run_id") && !strstr(strchr(rows, '}'), "run_id"), "%s", rows);
    ax_free(rows);
    const char *lanes[] = {"lanes"};
    const char *dup[] = {"lanes", "lanes"}, *dupv[] = {"8", "16"};
    cr_assert_eq(ax_sweep(j, 2, dup, dupv, dbpath, 1, NULL, &err), AX_EPARAM);
    cr_assert(strstr(err, "twice"), "%s", err);
    ax_free(err), err = NULL;
    const char *empty[] = {"8,,16"};
    cr_assert_eq(ax_sweep(j, 1, lanes, empty, dbpath, 1, NULL, &err), AX_EPARAM);
    cr_assert(strstr(err, "empty item"), "%s", err);
    ax_free(err), err = NULL;
    cr_assert_eq(ax_query(dbpath, "nonsense", &rows, &err), AX_ENOTFOUND);
    ax_free(err), err = NULL;
    cr_assert_eq(ax_query(dbpath, "list", &rows, &err), AX_OK);
    cr_assert(strstr(rows, "\"pareto\""), "%s", rows);
    ax_free(rows);
    cr_assert_neq(ax_query("/tmp/axon_api_no_such.db", "runs", &rows, &err), AX_OK);
    ax_free(err);
    ax_job_free(j);
}
