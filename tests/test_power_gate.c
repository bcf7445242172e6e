/* Unit tests of power_gate (docs/power.md "Gate-level cross-check"): the
 * Liberty reader (units, pins, tables, errors naming file:line), table
 * interpolation, Liberty functions as Verilog, and the switching / internal
 * / clock / leakage arithmetic on a three-cell netlist and a hand-written
 * VCD whose transitions are counted here by hand. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../power/power_gate.h"

static const char *LIB =
    "/* test library */\n"
    "library (t) {\n"
    "  nom_voltage : 1.0;\n"
    "  capacitive_load_unit (1,pf);\n"
    "  leakage_power_unit : \"1nW\";\n"
    "  power_lut_template (e2) { variable_1 : total_output_net_capacitance;\n"
    "    variable_2 : input_transition_time; index_1 (\"1, 2\"); index_2 (\"1, 2\"); }\n"
    "  power_lut_template (p1) { variable_1 : input_transition_time; index_1 (\"1, 2\"); }\n"
    "  cell (INV) {\n"
    "    area : 10; cell_leakage_power : 2;\n"
    "    pin (A) { direction : input; capacitance : 0.01; }\n"
    "    pin (Y) { direction : output; function : \"!A\";\n"
    "      internal_power () { related_pin : \"A\";\n"
    "        rise_power (e2) { index_1 (\"0.0, 0.1\"); index_2 (\"0.0, 1.0\"); values (\"0.1, "
    "0.2\", \\\n"
    "                          \"0.3, 0.4\"); }\n"
    "        fall_power (e2) { index_1 (\"0.0, 0.1\"); index_2 (\"0.0, 1.0\"); values (\"0, 0\", "
    "\"0, 0\"); } } }\n"
    "  }\n"
    "  cell (AND2) { area : 20;\n"
    "    pin (A) { direction : input; capacitance : 0.02; }\n"
    "    pin (B) { direction : input; capacitance : 0.03; }\n"
    "    pin (Y) { direction : output; function : \"(A B)\"; } }\n"
    "  cell (DFF) { area : 50; ff (IQ, IQN) { next_state : \"D\"; clocked_on : \"CLK\"; }\n"
    "    pin (CLK) { direction : input; capacitance : 0.05; clock : true;\n"
    "      internal_power () { rise_power (p1) { index_1 (\"0.0, 1.0\"); values (\"0.5, 1.5\"); }\n"
    "                          fall_power (p1) { index_1 (\"0.0, 1.0\"); values (\"0.25, 0.25\"); "
    "} } }\n"
    "    pin (D) { direction : input; capacitance : 0.04; }\n"
    "    pin (Q) { direction : output; function : \"IQ\"; } }\n"
    "}\n";

static power_lib *lib_ok(void)
{
    power_lib *l = NULL;
    char *err = NULL;
    ax_result r = power_lib_parse(LIB, strlen(LIB), "t.lib", &l, &err);
    cr_assert_eq(r, AX_OK, "%s", err ? err : "");
    return l;
}

/* Parses text expecting failure; returns the message (caller frees). */
static char *lib_err(const char *text)
{
    power_lib *l = NULL;
    char *err = NULL;
    ax_result r = power_lib_parse(text, strlen(text), "bad.lib", &l, &err);
    cr_assert_neq(r, AX_OK, "parsed a malformed library");
    cr_assert_null(l);
    cr_assert_not_null(err);
    return err;
}

Test(power_gate, liberty_units_pins_and_tables)
{
    power_lib *l = lib_ok();
    cr_assert_eq(l->ncells, 3);
    cr_assert_float_eq(l->vdd_v, 1.0, 1e-12);
    cr_assert_float_eq(l->energy_unit_pj, 1.0, 1e-12);
    const power_lib_cell *inv = power_lib_cell_find(l, "INV"), *dff = power_lib_cell_find(l, "DFF");
    cr_assert_not_null(inv);
    cr_assert_not_null(dff);
    cr_assert_float_eq(inv->leakage_nw, 2.0, 1e-12);
    cr_assert_float_eq(power_lib_pin_find(inv, "A")->cap_pf, 0.01, 1e-12);
    cr_assert_eq(dff->seq, 1);
    cr_assert_str_eq(dff->clocked_on, "CLK");
    cr_assert(power_lib_pin_find(dff, "CLK")->clock);
    const power_lib_pin *y = power_lib_pin_find(inv, "Y");
    cr_assert_eq(y->nenergy, 1);
    cr_assert_str_eq(y->energy[0].related, "A");
    /* centre of the 2x2 table: mean of the four values; continuation lines joined */
    cr_assert_float_eq(power_lib_energy_at(l, &y->energy[0], 1, 0.05, 0.5), 0.25, 1e-12);
    /* load beyond the index: clamped to the last row */
    cr_assert_float_eq(power_lib_energy_at(l, &y->energy[0], 1, 0.2, 0.0), 0.3, 1e-12);
    power_lib_free(l);
}

Test(power_gate, capacitance_in_ff_is_converted)
{
    const char *t = "library (f) { nom_voltage : 1.2; capacitive_load_unit (1,ff);\n"
                    "cell (B) { pin (A) { direction : input; capacitance : 3; }\n"
                    "pin (Y) { direction : output; function : \"A\"; } } }\n";
    power_lib *l = NULL;
    char *err = NULL;
    cr_assert_eq(power_lib_parse(t, strlen(t), "f.lib", &l, &err), AX_OK, "%s", err ? err : "");
    cr_assert_float_eq(l->cells[0].pins[0].cap_pf, 0.003, 1e-15);
    cr_assert_float_eq(l->energy_unit_pj, 1e-3 * 1.0, 1e-15); /* fF x V^2 = fJ; voltage unit 1 V */
    power_lib_free(l);
}

Test(power_gate, liberty_errors_name_the_line)
{
    /* a group never closed: the line where it opened */
    char *e = lib_err("library (x) {\n  nom_voltage : 1.8;\n  cell (A) {\n    area : 1;\n");
    cr_assert(strstr(e, "bad.lib:3:") && strstr(e, "'cell'") && strstr(e, "hint"), "%s", e);
    free(e);
    /* a bad number: the line of the attribute */
    e = lib_err("library (x) {\n nom_voltage : 1.8;\n capacitive_load_unit (1,pf);\n"
                " cell (A) {\n  pin (A) { direction : input;\n   capacitance : 0.0x1; }\n } }\n");
    cr_assert(strstr(e, "bad.lib:6:") && strstr(e, "0.0x1"), "%s", e);
    free(e);
    /* a statement that is neither attribute nor group */
    e = lib_err("library (x) {\n nom_voltage : 1.8;\n oops ;\n}\n");
    cr_assert(strstr(e, "bad.lib:3:") && strstr(e, "oops"), "%s", e);
    free(e);
    /* a table with the wrong number of values */
    e = lib_err("library (x) { nom_voltage : 1; capacitive_load_unit (1,pf);\n"
                "power_lut_template (p) { variable_1 : input_transition_time; }\n"
                "cell (C) { pin (A) { direction : input; capacitance : 1;\n"
                "internal_power () { rise_power (p) { index_1 (\"0, 1\");\n"
                "values (\"1, 2, 3\"); } fall_power (p) { index_1 (\"0, 1\"); values (\"1, 2\"); } "
                "} } } }\n");
    cr_assert(strstr(e, "bad.lib:5:") && strstr(e, "3 values"), "%s", e);
    free(e);
    /* no supply, no capacitance unit */
    e = lib_err("library (x) {\n cell (A) { }\n}\n");
    cr_assert(strstr(e, "nom_voltage"), "%s", e);
    free(e);
    e = lib_err("library (x) {\n nom_voltage : 1.8;\n capacitive_load_unit (1,nf);\n}\n");
    cr_assert(strstr(e, "bad.lib:3:") && strstr(e, "nf"), "%s", e);
    free(e);
}

Test(power_gate, load_reports_missing_file)
{
    power_lib *l = NULL;
    char *err = NULL;
    cr_assert_eq(power_lib_load("/nonexistent/x.lib", &l, &err), AX_EIO);
    cr_assert(strstr(err, "/nonexistent/x.lib") && strstr(err, "hint"), "%s", err);
    free(err);
}

static void fn_is(const char *fn, const char *want)
{
    char *v = NULL, *err = NULL;
    cr_assert_eq(power_lib_function_verilog(fn, "t", &v, &err), AX_OK, "%s", err ? err : "");
    cr_assert_str_eq(v, want);
    free(v);
}

Test(power_gate, functions_as_verilog)
{
    fn_is("(A B)", "(A & B)");
    fn_is("A*B+C", "((A & B) | C)");
    fn_is("(!((S A) + (!S B)))", "(~((S & A) | ((~S) & B)))");
    fn_is("A'", "(~A)");
    fn_is("A^B C", "((A ^ B) & C)"); /* ^ binds tighter than AND */
    fn_is("((A^B)^C)", "((A ^ B) ^ C)");
    fn_is("1", "1'b1");
    char *v = NULL, *err = NULL;
    cr_assert_eq(power_lib_function_verilog("A +", "cell X pin Y", &v, &err), AX_EFORMAT);
    cr_assert(strstr(err, "cell X pin Y") && strstr(err, "position 4"), "%s", err);
    free(err);
}

Test(power_gate, verilog_models_of_every_kind)
{
    power_lib *l = lib_ok();
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    char *err = NULL;
    cr_assert_eq(power_lib_write_verilog(l, f, &err), AX_OK, "%s", err ? err : "");
    fclose(f);
    cr_assert(strstr(buf, "module INV (A, Y);"), "%s", buf);
    cr_assert(strstr(buf, "assign Y = (~A);"), "%s", buf);
    cr_assert(strstr(buf, "assign Y = (A & B);"), "%s", buf);
    cr_assert(strstr(buf, "always @(posedge axon_ck)"), "%s", buf);
    cr_assert(strstr(buf, "tracing_off"), "%s", buf);
    free(buf);
    power_lib_free(l);
}

static char *write_tmp(const char *text)
{
    char *path = strdup("/tmp/axon-test-gate-XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static const char *NETLIST =
    "{\"modules\":{\"top\":{\"ports\":{\"clk\":{\"direction\":\"input\",\"bits\":[2]},"
    "\"a\":{\"direction\":\"input\",\"bits\":[3]},\"q\":{\"direction\":\"output\",\"bits\":[6]}},"
    "\"cells\":{"
    "\"$flatten\\\\u_x.$abc$1\":{\"type\":\"INV\",\"connections\":{\"A\":[3],\"Y\":[4]}},"
    "\"$flatten\\\\u_x.$abc$2\":{\"type\":\"AND2\",\"connections\":{\"A\":[4],\"B\":[3],\"Y\":[5]}}"
    ","
    "\"u_y.ff\":{\"type\":\"DFF\",\"connections\":{\"CLK\":[2],\"D\":[5],\"Q\":[6]}}},"
    "\"netnames\":{\"clk\":{\"bits\":[2]},\"a\":{\"bits\":[3]},\"n1\":{\"bits\":[4]},"
    "\"n2\":{\"bits\":[5]},\"q\":{\"bits\":[6]}}}}}\n";

static const char *VCD = "$timescale 1ps $end\n"
                         "$scope module TOP $end\n"
                         "$var wire 1 ! clk $end\n"
                         "$scope module top $end\n"
                         "$var wire 1 ! clk $end\n"
                         "$var wire 1 \" a $end\n"
                         "$var wire 1 # n1 $end\n"
                         "$upscope $end\n"
                         "$upscope $end\n"
                         "$enddefinitions $end\n"
                         "#0\n0!\n0\"\n1#\n"
                         "#1\n1!\n1\"\n0#\n"
                         "#2\n0!\n"
                         "#3\n1!\n0\"\n1#\n";

static power_gate_netlist *netlist(const power_lib *l, const char *vcd_text, ax_result *vr,
                                   char **err)
{
    char *jp = write_tmp(NETLIST), *vp = write_tmp(vcd_text);
    power_gate_netlist *nl = NULL;
    cr_assert_eq(power_gate_netlist_load(jp, "top", l, "", &nl, err), AX_OK, "%s",
                 *err ? *err : "");
    size_t m = 0;
    *vr = power_gate_vcd_count(nl, vp, "top", &m, err);
    unlink(jp), unlink(vp);
    free(jp), free(vp);
    return nl;
}

Test(power_gate, energy_by_hand)
{
    power_lib *l = lib_ok();
    char *err = NULL;
    ax_result vr;
    power_gate_netlist *nl = netlist(l, VCD, &vr, &err);
    cr_assert_eq(vr, AX_OK, "%s", err ? err : "");
    cr_assert_eq(power_gate_netlist_cells(nl), 3);
    /* transitions: clk 0>1>0>1 (3), a 0>1>0 (2), n1 1>0>1 (2); first values are not transitions */
    cr_assert_float_eq(power_gate_toggles(nl, "u_x"), 2.0, 1e-12);
    cr_assert_float_eq(power_gate_toggles(nl, "ports"), 5.0, 1e-12); /* a 2 + clk 3 (inputs) */
    power_gate_params p = {0, 0, 0.5, 1000, "clk"};
    power_gate_result r;
    cr_assert_eq(power_gate_energy(nl, l, &p, &r, &err), AX_OK, "%s", err ? err : "");
    /* clk: 1/2 x 0.05 pF x 1 V^2 x 3; CLK pin table at 0.5 ns: rise 1.0 x 2 + fall 0.25 x 1 */
    cr_assert_float_eq(r.clock_toggles, 3.0, 1e-12);
    cr_assert_float_eq(r.clock_switch_pj, 0.075, 1e-12);
    cr_assert_float_eq(r.clock_internal_pj, 2.25, 1e-12);
    /* a drives INV.A + AND2.B = 0.04 pF, 2 transitions */
    cr_assert_float_eq(r.comp[0].switch_pj, 0.04, 1e-12);
    /* n1 drives AND2.A = 0.02 pF: switching 0.02; INV rise energy at 0.02 pF, 0.5 ns = 0.19, one rise */
    int ux = -1;
    for (int i = 0; i < r.ncomp; i++)
        if (!strcmp(r.comp[i].name, "u_x"))
            ux = i;
    cr_assert(ux >= 0);
    cr_assert_float_eq(r.comp[ux].switch_pj, 0.02, 1e-12);
    cr_assert_float_eq(r.comp[ux].internal_pj, 0.19, 1e-12);
    cr_assert_eq(r.comp[ux].cells, 2);
    cr_assert_float_eq(r.dynamic_pj, 0.04 + 0.02 + 0.19 + 0.075 + 2.25, 1e-12);
    /* leakage: INV 2 nW x 1000 ns = 2e-3 pJ */
    cr_assert_float_eq(r.leakage_pj, 0.002, 1e-12);
    /* wire load 1 fF per driven pin: a has 2 pins -> 0.042 pF */
    power_gate_params pw = {1e-3, 0, 0.5, 1000, "clk"};
    cr_assert_eq(power_gate_energy(nl, l, &pw, &r, &err), AX_OK);
    cr_assert_float_eq(r.comp[0].switch_pj, 0.042, 1e-12);
    /* a missing clock net is named */
    power_gate_params pc = {0, 0, 0.5, 1000, "clock"};
    cr_assert_eq(power_gate_energy(nl, l, &pc, &r, &err), AX_ENOTFOUND);
    cr_assert(strstr(err, "'clock'"), "%s", err);
    free(err);
    power_gate_netlist_free(nl);
    power_lib_free(l);
}

Test(power_gate, vcd_errors_name_the_line)
{
    power_lib *l = lib_ok();
    char *err = NULL;
    ax_result vr;
    /* n1 declared 2 bits wide: mismatch with the netlist, line 5 */
    power_gate_netlist *nl =
        netlist(l,
                "$scope module top $end\n$var wire 1 ! clk $end\n$var wire 1 \" a $end\n"
                "$comment x $end\n$var wire 2 # n1 [1:0] $end\n$upscope $end\n"
                "$enddefinitions $end\n",
                &vr, &err);
    cr_assert_eq(vr, AX_EMISMATCH);
    cr_assert(strstr(err, ":5:") && strstr(err, "n1"), "%s", err);
    free(err);
    err = NULL;
    power_gate_netlist_free(nl);
    /* garbage among the value changes */
    nl = netlist(l,
                 "$scope module top $end\n$var wire 1 ! clk $end\n$upscope $end\n$enddefinitions "
                 "$end\n#0\n0!\n?!\n",
                 &vr, &err);
    cr_assert_eq(vr, AX_EFORMAT);
    cr_assert(strstr(err, ":7:"), "%s", err);
    free(err);
    power_gate_netlist_free(nl);
    power_lib_free(l);
}

Test(power_gate, netlist_cell_not_in_liberty)
{
    power_lib *l = lib_ok();
    char *jp = write_tmp(
        "{\"modules\":{\"top\":{\"cells\":{\"u\":{\"type\":\"NAND9\",\"connections\":{}}},"
        "\"netnames\":{}}}}");
    power_gate_netlist *nl = NULL;
    char *err = NULL;
    cr_assert_eq(power_gate_netlist_load(jp, "top", l, "axon_sram", &nl, &err), AX_ENOTFOUND);
    cr_assert(strstr(err, "NAND9") && strstr(err, jp), "%s", err);
    free(err);
    unlink(jp);
    free(jp);
    power_lib_free(l);
}

/* A netlist of many nets whose names are not in sorted order (the 128x128 core
 * declares tens of thousands): every VCD variable is found under its own name
 * and width (net_find bisects a name index; a lookup that returned the wrong
 * net would trip the width check, one that missed a net would lose its
 * transitions), and a VCD variable with no net of that name is ignored. */
Test(power_gate, vcd_finds_every_net_of_a_large_netlist)
{
    enum { N = 1500 };
    size_t cap = (size_t)N * 64 + 256;
    char *json = malloc(cap), *vcd = malloc(cap * 2);
    cr_assert(json && vcd);
    int bit = 2, len = snprintf(json, cap, "{\"modules\":{\"top\":{\"cells\":{},\"netnames\":{");
    int vlen = snprintf(vcd, cap * 2, "$scope module top $end\n$var wire 1 zz nosuch $end\n");
    double want = 0;
    for (int k = 0; k < N; k++) {
        int i = (int)(((long)k * 7919) % N); /* a permutation: names out of order */
        int w = 1 + i % 3;
        len += snprintf(json + len, cap - (size_t)len, "%s\"w%d\":{\"bits\":[", k ? "," : "", i);
        for (int b = 0; b < w; b++)
            len += snprintf(json + len, cap - (size_t)len, "%s%d", b ? "," : "", bit++);
        len += snprintf(json + len, cap - (size_t)len, "]}");
        vlen += snprintf(vcd + vlen, cap * 2 - (size_t)vlen, "$var wire %d c%d w%d $end\n", w, i,
                         i);
        if (i % 5 == 0)
            want += w;
    }
    snprintf(json + len, cap - (size_t)len, "}}}}\n");
    vlen += snprintf(vcd + vlen, cap * 2 - (size_t)vlen,
                     "$upscope $end\n$enddefinitions $end\n#0\n");
    for (int i = 0; i < N; i++)
        vlen += snprintf(vcd + vlen, cap * 2 - (size_t)vlen, "b0 c%d\n", i);
    vlen += snprintf(vcd + vlen, cap * 2 - (size_t)vlen, "#1\n0zz\n");
    for (int i = 0; i < N; i += 5)
        vlen += snprintf(vcd + vlen, cap * 2 - (size_t)vlen, "b111 c%d\n", i);
    power_lib *l = lib_ok();
    char *jp = write_tmp(json), *vp = write_tmp(vcd);
    power_gate_netlist *nl = NULL;
    char *err = NULL;
    cr_assert_eq(power_gate_netlist_load(jp, "top", l, "", &nl, &err), AX_OK, "%s", err ? err : "");
    size_t m = 0;
    cr_assert_eq(power_gate_vcd_count(nl, vp, "top", &m, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(m, (size_t)N);
    cr_assert_float_eq(power_gate_toggles(nl, "ports"), want, 1e-9);
    unlink(jp), unlink(vp);
    free(jp), free(vp), free(json), free(vcd);
    power_gate_netlist_free(nl);
    power_lib_free(l);
}

/* A 16-lane baseline tile's netlist has 18 instance prefixes (16 lanes, its
 * readout, the top) besides the ports: each is its own component (with 8
 * slots the readout and half the lanes fell into one, and the readout read
 * 0 pJ). One inverter per prefix, each driving its own net, toggled once. */
Test(power_gate, every_instance_prefix_is_a_component)
{
    enum { NI = 18 };
    char json[8192], vcd[8192];
    int len = snprintf(json, sizeof json,
                       "{\"modules\":{\"top\":{\"ports\":{\"clk\":{\"direction\":\"input\","
                       "\"bits\":[2]},\"a\":{\"direction\":\"input\",\"bits\":[3]}},\"cells\":{");
    int vlen = snprintf(vcd, sizeof vcd,
                        "$scope module top $end\n$var wire 1 ! clk $end\n$var wire 1 \" a $end\n");
    for (int k = 0; k < NI; k++) {
        char inst[32];
        if (k < 16)
            snprintf(inst, sizeof inst, "g_lane[%d].", k);
        else
            snprintf(inst, sizeof inst, "%s", k == 16 ? "u_ro." : "");
        len += snprintf(json + len, sizeof json - (size_t)len,
                        "%s\"%sinv\":{\"type\":\"INV\",\"connections\":{\"A\":[3],\"Y\":[%d]}}",
                        k ? "," : "", inst, 10 + k);
        vlen += snprintf(vcd + vlen, sizeof vcd - (size_t)vlen, "$var wire 1 v%d n%d $end\n", k, k);
    }
    len += snprintf(json + len, sizeof json - (size_t)len,
                    "},\"netnames\":{\"clk\":{\"bits\":[2]},\"a\":{\"bits\":[3]}");
    for (int k = 0; k < NI; k++)
        len += snprintf(json + len, sizeof json - (size_t)len, ",\"n%d\":{\"bits\":[%d]}", k,
                        10 + k);
    snprintf(json + len, sizeof json - (size_t)len, "}}}}\n");
    vlen += snprintf(vcd + vlen, sizeof vcd - (size_t)vlen,
                     "$upscope $end\n$enddefinitions $end\n#0\n");
    for (int k = 0; k < NI; k++)
        vlen += snprintf(vcd + vlen, sizeof vcd - (size_t)vlen, "0v%d\n", k);
    vlen += snprintf(vcd + vlen, sizeof vcd - (size_t)vlen, "#1\n");
    for (int k = 0; k < NI; k++)
        vlen += snprintf(vcd + vlen, sizeof vcd - (size_t)vlen, "1v%d\n", k);
    power_lib *l = lib_ok();
    char *jp = write_tmp(json), *vp = write_tmp(vcd), *err = NULL;
    power_gate_netlist *nl = NULL;
    cr_assert_eq(power_gate_netlist_load(jp, "top", l, "", &nl, &err), AX_OK, "%s", err ? err : "");
    size_t m = 0;
    cr_assert_eq(power_gate_vcd_count(nl, vp, "top", &m, &err), AX_OK, "%s", err ? err : "");
    for (int k = 0; k < 16; k++) {
        char name[32];
        snprintf(name, sizeof name, "g_lane[%d]", k);
        cr_assert_float_eq(power_gate_toggles(nl, name), 1.0, 1e-12, "%s", name);
    }
    cr_assert_float_eq(power_gate_toggles(nl, "u_ro"), 1.0, 1e-12);
    cr_assert_float_eq(power_gate_toggles(nl, "top"), 1.0, 1e-12);
    unlink(jp), unlink(vp);
    free(jp), free(vp);
    power_gate_netlist_free(nl);
    power_lib_free(l);
}
