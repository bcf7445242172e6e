/* Unit tests of power/ technology tables: the built-in 45 nm values, the
 * CSV parser's errors (with line numbers), SRAM interpolation, node and
 * voltage scaling (Stillmaker & Baas, E ∝ V²). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../power/power.h"

static power_table *builtin(void)
{
    power_table *t = NULL;
    char *err = NULL;
    ax_result rc = power_table_load(NULL, &t, &err);
    cr_assert_eq(rc, AX_OK, "%s", err ? err : "");
    return t;
}

static double E(const power_table *t, const char *c, const char *a)
{
    double v = -1;
    char *err = NULL;
    cr_assert_eq(power_energy_pj(t, c, a, &v, &err), AX_OK, "%s", err ? err : "");
    return v;
}

#define HEADER "component,action,attributes,energy_pj,area_um2,leakage_uw,source\n"
#define META "meta,node_nm,45,,,,\nmeta,vdd_v,0.9,,,,\n"

static ax_result parse(const char *text, power_table **t, char **err)
{
    return power_table_parse(text, strlen(text), "t.csv", t, err);
}

Test(power_table, builtin_has_horowitz_45nm_values)
{
    power_table *t = builtin();
    cr_assert_float_eq(E(t, "add", "int8"), 0.03, 1e-12);
    cr_assert_float_eq(E(t, "add", "int32"), 0.1, 1e-12);
    cr_assert_float_eq(E(t, "mult", "int8"), 0.2, 1e-12);
    cr_assert_float_eq(E(t, "mult", "int32"), 3.1, 1e-12);
    cr_assert_float_eq(E(t, "fadd", "fp16"), 0.4, 1e-12);
    cr_assert_float_eq(E(t, "fmult", "fp16"), 1.1, 1e-12);
    cr_assert_float_eq(E(t, "fadd", "fp32"), 0.9, 1e-12);
    cr_assert_float_eq(E(t, "fmult", "fp32"), 3.7, 1e-12);
    double d = E(t, "dram", "read64");
    cr_assert(d >= 1300 && d <= 2600, "DRAM 64-bit %g pJ outside 1.3-2.6 nJ", d);
    cr_assert_str_eq(power_table_version(t), "axon-base-45nm-v1@45nm/0.90V");
    power_table_free(t);
    power_table_free(NULL);
}

Test(power_table, sram_points_and_loglog_interpolation)
{
    power_table *t = builtin();
    double e;
    char *err = NULL;
    cr_assert_eq(power_sram_read64_pj(t, 8192, &e, &err), AX_OK);
    cr_assert_float_eq(e, 10, 1e-9);
    power_sram_read64_pj(t, 32768, &e, &err);
    cr_assert_float_eq(e, 20, 1e-9);
    power_sram_read64_pj(t, 1048576, &e, &err);
    cr_assert_float_eq(e, 100, 1e-9);
    /* 16 KB is the geometric middle of 8 and 32 KB: sqrt(10 * 20) */
    power_sram_read64_pj(t, 16384, &e, &err);
    cr_assert_float_eq(e, sqrt(200.0), 1e-9);
    /* bigger SRAM never cheaper per read */
    double prev = 0;
    for (double sz = 64; sz <= 64.0 * 1024 * 1024; sz *= 1.5) {
        cr_assert_eq(power_sram_read64_pj(t, sz, &e, &err), AX_OK);
        cr_assert(e >= prev, "%g bytes: %g pJ < %g pJ", sz, e, prev);
        prev = e;
    }
    cr_assert_eq(power_sram_read64_pj(t, 0, &e, &err), AX_EPARAM);
    free(err);
    power_table_free(t);
}

Test(power_table, bad_number_names_line_and_column)
{
    power_table *t = NULL;
    char *err = NULL;
    const char *csv = "# comment\n" HEADER META "add,int8,,0.03,36,,x\nadd,int32,,0.1x,137,,x\n";
    cr_assert_eq(parse(csv, &t, &err), AX_EFORMAT);
    cr_assert_null(t);
    cr_assert(strstr(err, "t.csv:6:") && strstr(err, "energy_pj") && strstr(err, "0.1x"), "%s",
              err);
    free(err);
    err = NULL;
    const char *neg = HEADER META "add,int8,,0.03,-1,,x\n";
    cr_assert_eq(parse(neg, &t, &err), AX_EFORMAT);
    cr_assert(strstr(err, "t.csv:4:") && strstr(err, "area_um2"), "%s", err);
    free(err);
}

Test(power_table, structural_errors)
{
    power_table *t = NULL;
    char *err = NULL;
    struct {
        const char *csv, *want;
    } cases[] = {
        {"component,action,attrs,energy_pj,area_um2,leakage_uw,source\n",
         "t.csv:1: header column 3"},
        {HEADER META "add,int8,0.03\n", "t.csv:4: 3 fields"},
        {HEADER META "add,int8,,0.03,1,2,x,extra\n", "more than 7 fields"},
        {HEADER META "add,int8,,0.03,1,2,\"open\n", "t.csv:4: unterminated quote"},
        {HEADER META "add,int8,,0.03,,,a\nadd,int8,,0.04,,,b\n",
         "t.csv:5: duplicate row add,int8, (first on line 4)"},
        {HEADER "meta,vdd_v,0.9,,,,\n", "missing meta node_nm"},
        {HEADER META "meta,clock_idle_fraction,2,,,,\n", "t.csv:4: clock_idle_fraction 2"},
        {HEADER META ",int8,,0.03,,,\n", "t.csv:4: empty component"},
        {"# only comments\n\n", "no header"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_eq(parse(cases[i].csv, &t, &err), AX_EFORMAT, "case %zu", i);
        cr_assert(strstr(err, cases[i].want), "case %zu: '%s' lacks '%s'", i, err, cases[i].want);
        free(err);
        err = NULL;
    }
}

Test(power_table, quoted_cells_and_user_version)
{
    power_table *t = NULL;
    char *err = NULL;
    const char *csv = HEADER META "add,int8,,0.05,36,,\"a, \"\"quoted\"\" source\"\r\n";
    cr_assert_eq(parse(csv, &t, &err), AX_OK, "%s", err ? err : "");
    cr_assert_float_eq(E(t, "add", "int8"), 0.05, 1e-12);
    /* no meta version: the name and a content hash identify the table */
    cr_assert(strncmp(power_table_version(t), "t.csv#", 6) == 0, "%s", power_table_version(t));
    power_table_free(t);
}

Test(power_table, missing_entry_names_component_and_action)
{
    power_table *t = builtin();
    double e;
    char *err = NULL;
    cr_assert_eq(power_energy_pj(t, "warp", "drive", &e, &err), AX_ENOTFOUND);
    cr_assert(strstr(err, "'warp'") && strstr(err, "'drive'"), "%s", err);
    free(err);
    power_table_free(t);
}

Test(power_table, file_load_and_io_error)
{
    char path[] = "/tmp/axon_power_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    const char *csv = HEADER "meta,version,mine-1,,,,\n" META "add,int8,,0.07,,,x\n";
    cr_assert_eq(write(fd, csv, strlen(csv)), (ssize_t)strlen(csv));
    close(fd);
    power_table *t = NULL;
    char *err = NULL;
    cr_assert_eq(power_table_load(path, &t, &err), AX_OK, "%s", err ? err : "");
    cr_assert_str_eq(power_table_version(t), "mine-1@45nm/0.90V");
    cr_assert_float_eq(E(t, "add", "int8"), 0.07, 1e-12);
    power_table_free(t);
    unlink(path);
    cr_assert_eq(power_table_load(path, &t, &err), AX_EIO);
    cr_assert(strstr(err, path));
    free(err);
}

Test(power_scale, voltage_scales_energy_quadratically)
{
    power_table *t = builtin();
    char *err = NULL;
    cr_assert_eq(power_table_scale(t, 0, 0.45, &err), AX_OK);
    cr_assert_float_eq(E(t, "add", "int32"), 0.1 * 0.25, 1e-12);
    cr_assert_float_eq(E(t, "mult", "int8"), 0.2 * 0.25, 1e-12);
    /* scaling again starts from the table's own values: no compounding */
    cr_assert_eq(power_table_scale(t, 45, 0.9, &err), AX_OK);
    cr_assert_float_eq(E(t, "add", "int32"), 0.1, 1e-12);
    cr_assert_str_eq(power_table_version(t), "axon-base-45nm-v1@45nm/0.90V");
    cr_assert_eq(power_table_scale(t, 0, 5.0, &err), AX_EPARAM);
    free(err);
    power_table_free(t);
}

/* Stillmaker & Baas Table 5 energy polynomials (HP models), evaluated here
 * independently of power_scale.c's table. */
static double sb_energy(double a, double b, double c, double v)
{
    return a * v * v + b * v + c;
}

Test(power_scale, node_factors_follow_stillmaker_baas)
{
    power_table *t = builtin();
    char *err = NULL;
    double f45 = sb_energy(1.018, -0.3107, 0.1539, 0.9);
    double f7 = sb_energy(0.1776, -0.09097, 0.02447, 0.7);
    cr_assert_eq(power_table_scale(t, 7, 0, &err), AX_OK, "%s", err ? err : "");
    cr_assert_float_eq(E(t, "add", "int8"), 0.03 * f7 / f45, 1e-12);
    cr_assert_str_eq(power_table_version(t), "axon-base-45nm-v1@7nm/0.70V");
    /* at 7 nm and half its nominal supply: a further quarter */
    cr_assert_eq(power_table_scale(t, 7, 0.35, &err), AX_OK);
    cr_assert_float_eq(E(t, "add", "int8"), 0.03 * f7 / f45 * 0.25, 1e-12);
    double e, a, v;
    int approx;
    cr_assert_eq(power_node_factors(7, &e, &a, &v, &approx, &err), AX_OK);
    cr_assert_float_eq(a, 0.059, 1e-12);
    cr_assert_eq(approx, 0);
    /* 16 nm within (7, 45) and energies fall monotonically with the node */
    int nodes[] = {180, 130, 90, 65, 45, 32, 28, 22, 20, 16, 14, 10, 7};
    double prev = INFINITY, preva = INFINITY;
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        cr_assert_eq(power_node_factors(nodes[i], &e, &a, &v, &approx, &err), AX_OK);
        cr_assert(e < prev && a < preva, "node %d: energy %g area %g", nodes[i], e, a);
        cr_assert_eq(approx, nodes[i] == 28 || nodes[i] == 22, "node %d", nodes[i]);
        prev = e;
        preva = a;
    }
    cr_assert_eq(power_table_scale(t, 40, 0, &err), AX_EPARAM);
    cr_assert(strstr(err, "40 nm"), "%s", err);
    free(err);
    err = NULL;
    cr_assert_eq(power_table_scale(t, 28, 0, &err), AX_OK);
    cr_assert(strchr(power_table_version(t), '~'), "approximation not flagged: %s",
              power_table_version(t));
    power_table_free(t);
}

Test(power_table, set_param_checks_values)
{
    power_table *t = builtin();
    char *err = NULL;
    cr_assert_eq(power_table_set_param(t, "clock_idle_fraction", 0, &err), AX_OK);
    cr_assert_eq(power_table_set_param(t, "clock_idle_fraction", 1.5, &err), AX_EPARAM);
    free(err);
    err = NULL;
    cr_assert_eq(power_table_set_param(t, "nonsense", 1, &err), AX_ENOTFOUND);
    cr_assert(strstr(err, "nonsense"));
    free(err);
    power_table_free(t);
}

Test(power_table, open_loads_and_scales)
{
    power_table *t = NULL;
    char *err = NULL;
    cr_assert_eq(power_table_open(NULL, 16, 0, &t, &err), AX_OK, "%s", err ? err : "");
    cr_assert_str_eq(power_table_version(t), "axon-base-45nm-v1@16nm/0.80V");
    power_table_free(t);
    t = NULL;
    cr_assert_eq(power_table_open(NULL, 11, 0, &t, &err), AX_EPARAM);
    cr_assert_null(t);
    free(err);
}

Test(power_table, model_names_round_trip)
{
    power_model m = POWER_REALISTIC;
    cr_assert_eq(power_model_parse("ideal", &m), 0);
    cr_assert_eq(m, POWER_IDEAL);
    cr_assert_str_eq(power_model_name(m), "ideal");
    cr_assert_eq(power_model_parse("realistic", &m), 0);
    cr_assert_eq(m, POWER_REALISTIC);
    cr_assert_eq(power_model_parse("optimistic", &m), -1);
    cr_assert_eq(m, POWER_REALISTIC);
}
