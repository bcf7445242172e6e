/*
 * axon-gate-power — gate-level cross-check of the action-energy model
 * (docs/power.md "Gate-level cross-check"). Built by `make gate-power`
 * (mk/rtl_gate.mk) against the Verilated OSU018 netlist of the core.
 *
 * One event stream — the first R x C tile of a layer of the shipped trace,
 * exactly what `axon cosim --weights --trace` feeds both sides — runs
 *   1. through the C model (sim/), whose action counts power/ prices with the
 *      built-in table scaled to 180 nm at 1.8 V (the OSU018 node and supply);
 *   2. through the gate netlist (the shim of rtl/shim/axon_rtl.h), with a VCD
 *      of every net, whose transitions power_gate prices with the liberty.
 * It prints both per component and the gap, every number with its unit. The
 * gap is model / gate - 1 (negative: the model is below gate level), the
 * convention of `axon calibrate` too.
 *
 * usage: axon-gate-power --lib LIB --netlist JSON --weights W --trace T --layer NAME
 *        [--tokens N] [--coding C] [--steps T] [--wire-ff F] [--wire-net-ff F]
 *        [--slew-ns S] [--vcd FILE] [--seed S]
 */
#include "../../power/power.h"
#include "../../power/power_cal.h"
#include "../../power/power_gate.h"
#include "../shim/axon_cosim_stream.h"

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int die(const char *what, char *err)
{
    fprintf(stderr, "axon-gate-power: %s%s%s\n", what, err ? ": " : "", err ? err : "");
    free(err);
    return 1;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: axon-gate-power --lib LIB --netlist JSON --weights W --trace T --layer NAME\n"
            "       [--tokens N (default 4)] [--coding C (default bitwise-signed)] [--steps T]\n"
            "       [--wire-ff F (default 2, per driven pin)] [--wire-net-ff F (default 1, per "
            "net)]\n"
            "       [--slew-ns S (default 0.1)] [--vcd FILE (kept)] [--seed S (default 1)]\n");
    return 2;
}

static int num_arg(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *e = NULL;
    double v = strtod(s, &e);
    if (e == s || *e || !(v >= lo && v <= hi)) {
        fprintf(stderr, "axon-gate-power: %s '%s': expected a number in [%g, %g] (hint: --help)\n",
                opt, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

/* Action-model energy of the lines of component comp (action NULL = all), pJ. */
static double act(const power_report *p, const char *comp, const char *action)
{
    double e = 0;
    for (int i = 0; i < p->nlines; i++)
        if (!strcmp(p->lines[i].component, comp) &&
            (!action || !strcmp(p->lines[i].action, action)))
            e += p->lines[i].energy_pj;
    return e;
}

static const power_gate_comp *gcomp(const power_gate_result *g, const char *name)
{
    for (int i = 0; i < g->ncomp; i++)
        if (!strcmp(g->comp[i].name, name))
            return &g->comp[i];
    return NULL;
}

static double gdyn(const power_gate_result *g, const char *name)
{
    const power_gate_comp *c = gcomp(g, name);
    return c ? c->switch_pj + c->internal_pj : 0;
}

static void row(const char *what, double gate, double model, const char *note)
{
    if (model > 0 && gate > 0)
        printf("  %-30s %12.1f pJ %12.1f pJ %+9.1f %%  %s\n", what, gate, model,
               100.0 * (model - gate) / gate, note);
    else
        printf("  %-30s %12.1f pJ %15s %11s  %s\n", what, gate, "-", "-", note);
}

int main(int argc, char **argv)
{
    const char *libp = NULL, *json = NULL, *weights = NULL, *trace = NULL, *layer = NULL,
               *vcd = NULL;
    const char *coding = "bitwise-signed";
    double tokens = 4, steps = 0, wire_ff = 2, wire_net_ff = 1, slew = 0.1, seed = 1;
    /* clang-format off */
    static const struct option opts[] = {
        {"lib", required_argument, NULL, 'l'},      {"netlist", required_argument, NULL, 'n'},
        {"weights", required_argument, NULL, 'w'},  {"trace", required_argument, NULL, 't'},
        {"layer", required_argument, NULL, 'L'},    {"coding", required_argument, NULL, 'c'},
        {"vcd", required_argument, NULL, 'v'},      {"tokens", required_argument, NULL, 'N'},
        {"steps", required_argument, NULL, 'T'},    {"wire-ff", required_argument, NULL, 'p'},
        {"wire-net-ff", required_argument, NULL, 'P'}, {"slew-ns", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'S'},     {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    /* clang-format on */
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int bad = 0;
        switch (o) {
        case 'l': libp = optarg; break;
        case 'n': json = optarg; break;
        case 'w': weights = optarg; break;
        case 't': trace = optarg; break;
        case 'L': layer = optarg; break;
        case 'c': coding = optarg; break;
        case 'v': vcd = optarg; break;
        case 'N': bad = num_arg("--tokens", optarg, 1, 100000, &tokens); break;
        case 'T': bad = num_arg("--steps", optarg, 0, 32, &steps); break;
        case 'p': bad = num_arg("--wire-ff", optarg, 0, 1000, &wire_ff); break;
        case 'P': bad = num_arg("--wire-net-ff", optarg, 0, 1000, &wire_net_ff); break;
        case 's': bad = num_arg("--slew-ns", optarg, 0, 10, &slew); break;
        case 'S': bad = num_arg("--seed", optarg, 0, 2147483647.0, &seed); break;
        case 'h': usage(); return 0;
        default: return usage();
        }
        if (bad)
            return 2;
    }
    if (optind < argc) {
        fprintf(stderr, "axon-gate-power: unexpected argument '%s' (hint: --help)\n", argv[optind]);
        return 2;
    }
    if (!libp || !json || !weights || !trace || !layer)
        return usage();
    char *err = NULL;
    int rc = 1;
#define FAIL(x)                                                                                    \
    do {                                                                                           \
        rc = (x);                                                                                  \
        goto out;                                                                                  \
    } while (0)
    axon_rtl_params p;
    axon_rtl_built(&p);
    cosim_stream st;
    memset(&st, 0, sizeof st);
    sim *sm = NULL;
    power_table *t180 = NULL, *t45 = NULL;
    axon_rtl *h = NULL;
    int8_t *rowv = NULL;
    power_lib *lib = NULL;
    power_gate_netlist *nl = NULL;
    char tmpl[] = "/tmp/axon-gate-XXXXXX";
    char vpath[sizeof tmpl + 16];
    int own_vcd = 0;
    if (cosim_stream_files(&p, weights, trace, layer, coding, (int)steps, (size_t)tokens, &st,
                           &err)) {
        rc = die("stream", err);
        goto out;
    }

    /* 1. action model: C model counts, priced at 180 nm / 1.8 V */
    sim_config cfg;
    cosim_stream_sim_config(&p, &cfg);
    if (sim_new(&cfg, &st.qw, st.ev, st.nev, st.tok_start, st.tokens, &sm, &err) ||
        sim_run(sm, &err))
        FAIL(die("C model", err));
    sim_report rep;
    sim_get_report(sm, &rep);
    power_report pr, pr45;
    if (power_table_open(NULL, 180, 1.8, &t180, &err) || power_table_open(NULL, 45, 0, &t45, &err))
        FAIL(die("technology table", err));
    if (power_price(t180, &cfg, &rep, POWER_REALISTIC, &pr, &err) ||
        power_price(t45, &cfg, &rep, POWER_REALISTIC, &pr45, &err))
        FAIL(die("action model", err));

    /* 2. the gate netlist on the same stream, VCD of every net */
    if (!vcd) {
        if (!mkdtemp(tmpl))
            FAIL(die("mkdtemp /tmp/axon-gate-XXXXXX failed (hint: check /tmp)", NULL));
        own_vcd = 1;
        snprintf(vpath, sizeof vpath, "%s/gate.vcd", tmpl);
        vcd = vpath;
    }
    if (axon_rtl_new(&p, (uint64_t)seed, &h, &err))
        FAIL(die("gate netlist", err));
    rowv = calloc((size_t)p.cols, 1);
    if (!rowv)
        FAIL(die("out of memory", NULL));
    for (size_t i = 0; i < st.qw.in; i++) {
        for (size_t o = 0; o < st.qw.out; o++)
            rowv[o] = st.qw.q[o * st.qw.in + i];
        if (axon_rtl_load_row(h, (uint32_t)i, rowv, &err))
            FAIL(die("gate netlist", err));
    }
    for (size_t tk = 0; tk < st.tokens; tk++) {
        for (size_t e = st.tok_start[tk]; e < st.tok_start[tk + 1]; e++) {
            axon_rtl_item it = {0, st.ev[e].axon, st.ev[e].neg, st.ev[e].shift, 0, 0};
            if (axon_rtl_push(h, &it, 1, &err))
                FAIL(die("gate netlist", err));
        }
        axon_rtl_item eot = {1, 0, 0, 0, 0, 0};
        if (axon_rtl_push(h, &eot, 1, &err))
            FAIL(die("gate netlist", err));
    }
    if (axon_rtl_wave(h, vcd, 0, INT64_MAX, &err))
        FAIL(die("gate netlist", err));
    axon_rtl_stamp s;
    int64_t steps_run = 0, lanes = 0, tokens_done = 0;
    int more;
    do { /* the last step's stamp counts too */
        more = axon_rtl_step(h, &s);
        steps_run++;
        lanes += s.lanes_added;
        tokens_done += s.token_done;
    } while (more);
    axon_rtl_free(h);
    h = NULL;
    if ((size_t)tokens_done != st.tokens)
        FAIL(die("gate netlist finished fewer tokens than the stream holds (hint: axon cosim --rtl "
                 "DIR checks it "
                 "stamp by stamp)",
                 NULL));
    int64_t cycles = rep.duration;
    if (llabs(steps_run - cycles) > 1 || lanes != (int64_t)rep.total.adds) {
        fprintf(stderr,
                "axon-gate-power: gate netlist ran %" PRId64 " cycles and %" PRId64
                " lane additions, the C model "
                "%" PRId64 " cycles and %" PRId64
                " (hint: axon cosim --rtl DIR finds the first divergence)\n",
                steps_run, lanes, cycles, (int64_t)rep.total.adds);
        goto out;
    }

    /* 3. price the transitions */
    size_t matched = 0;
    if (power_lib_load(libp, &lib, &err))
        FAIL(die("liberty", err));
    if (power_gate_netlist_load(json, "axon_core", lib, "axon_sram", &nl, &err))
        FAIL(die("netlist", err));
    if (power_gate_vcd_count(nl, vcd, "axon_core", &matched, &err))
        FAIL(die("toggles", err));
    power_gate_params gp = {wire_ff * 1e-3, wire_net_ff * 1e-3, slew, rep.duration_ns, "clk"};
    power_gate_result g;
    if (power_gate_energy(nl, lib, &gp, &g, &err))
        FAIL(die("energy", err));

    /* 4. report */
    printf("gate-power: core R=%d C=%d L=%d LS=%d F=%d A=%d RB=%d DB=%d GATE=%d, layer %s, %zu "
           "tokens, %zu events, "
           "coding %s\n",
           p.rows, p.cols, p.lanes, p.sram_latency, p.fifo_depth, p.acc_bits, p.readout_bits,
           p.double_buffer, p.zero_gating, layer, st.tokens, st.nev, coding);
    printf("  netlist: %zu cells (%s), %zu net variables matched in the VCD; %" PRId64
           " cycles at %.0f MHz = %.1f ns "
           "(C model: %" PRId64 " cycles, %" PRId64 " lane additions on both)\n",
           power_gate_netlist_cells(nl), lib->name, matched, steps_run, cfg.clock_mhz,
           rep.duration_ns, cycles, lanes);
    printf("  assumptions: V = %.2f V (liberty nom_voltage); wire load %.2f fF per net + %.2f fF "
           "per driven pin; "
           "input slew %.3f ns for the internal-energy tables (%s); zero-delay simulation (no "
           "glitches); "
           "no clock tree (clk drives %.0f flip-flop clock pins directly, %.1f fF)\n",
           g.vdd_v, wire_net_ff, wire_ff, slew,
           g.has_internal_tables ? "liberty has internal_power tables: used"
                                 : "none in the liberty",
           g.clock_pins, g.clock_cap_pf * 1e3);
    double fe = 0, fa = 0, vn = 0;
    int approx = 0;
    if (power_node_factors(180, &fe, &fa, &vn, &approx, &err))
        FAIL(die("node factors", err));
    printf("  action model: %s (built-in 45 nm energies x %.4f, Stillmaker & Baas 180 nm at %.2f "
           "V; "
           "the same counts give %.1f pJ at 45 nm)\n",
           pr.version, fe, vn, pr45.realistic_pj);
    printf("\n  %-30s %15s %15s %11s\n", "component (180 nm, 1.8 V)", "gate level", "action model",
           "model/gate-1");
    double a_acc = act(&pr, "add", NULL) + act(&pr, "reg", NULL);
    double a_fifo = act(&pr, "fifo", NULL), a_ctrl = act(&pr, "core", "decode");
    double a_ro = act(&pr, "readout", NULL), a_clk = act(&pr, "clock", NULL);
    double a_zf = act(&pr, "sram", "zero_flag_read"), a_sram = act(&pr, "sram", NULL) - a_zf;
    const power_gate_comp *ga = gcomp(&g, "u_acc");
    row("accumulators (u_acc)", gdyn(&g, "u_acc"), a_acc, "add int32 + add gated + reg write_bit");
    row("FIFO (u_fifo)", gdyn(&g, "u_fifo"), a_fifo, "fifo push_pop");
    row("control (u_ctrl)", gdyn(&g, "u_ctrl"), a_ctrl, "core decode");
    row("readout mux (u_ro)", gdyn(&g, "u_ro"), a_ro, "readout beat_bit");
    row("SRAM interface (u_sram nets)", gdyn(&g, "u_sram"), a_zf,
        "sram zero_flag_read (gate: macro outputs into the logic)");
    double gtop = gdyn(&g, "top");
    if (gtop > 0)
        row("top-level glue", gtop, 0, "no action-model term");
    double gclk = g.clock_switch_pj + g.clock_internal_pj;
    row("clock", gclk, a_clk, "clock flop_cycle (model: gated, N_clk flops)");
    double glogic = g.dynamic_pj - gdyn(&g, "ports");
    double alogic = a_acc + a_fifo + a_ctrl + a_ro + a_zf + a_clk;
    row("total logic dynamic", glogic, alogic, "");
    row("  of which logic without clock", glogic - gclk, alogic - a_clk, "");
    printf("\n  not compared: SRAM array reads %.1f pJ (action model; the macro is behavioural, "
           "not in the netlist); "
           "primary inputs %.1f pJ (gate: loads the event port drives, priced by the model's NoC); "
           "leakage: gate %.3f pJ "
           "(liberty cell_leakage_power x %.1f ns), model %.3f pJ (SRAM included)\n",
           a_sram, gdyn(&g, "ports"), g.leakage_pj, rep.duration_ns, act(&pr, "chip", "leakage"));
    printf("  gate detail: clock %.1f pJ switching + %.1f pJ internal (%.0f transitions); logic "
           "%.1f pJ switching + "
           "%.1f pJ internal\n",
           g.clock_switch_pj, g.clock_internal_pj, g.clock_toggles,
           g.logic_switch_pj - (gcomp(&g, "ports") ? gcomp(&g, "ports")->switch_pj : 0),
           g.logic_internal_pj - (gcomp(&g, "ports") ? gcomp(&g, "ports")->internal_pj : 0));
    for (int i = 0; i < g.ncomp; i++)
        if (g.comp[i].cells || g.comp[i].toggles > 0)
            printf("    %-8s %6zu cells %7.0f transitions %10.1f pJ switching %10.1f pJ internal\n",
                   g.comp[i].name, g.comp[i].cells, g.comp[i].toggles, g.comp[i].switch_pj,
                   g.comp[i].internal_pj);
    printf("  accumulator transitions: %.0f (%.2f per lane addition)\n", ga ? ga->toggles : 0.0,
           lanes ? (ga ? ga->toggles : 0.0) / (double)lanes : 0.0);
    printf("gate-power: total logic dynamic gate %.1f pJ vs action model %.1f pJ: gap %+.1f %%\n",
           glogic, alogic, glogic > 0 ? 100.0 * (alogic - glogic) / glogic : 0.0);

    /* 5. the calibrated model (power/tech/cal_osu018.csv, built in), at its own node */
    power_table *tcal = NULL;
    if (power_table_open(POWER_TECH_CAL, 0, 0, &tcal, &err)) {
        printf("calibrated: %s\n", err);
        free(err);
        err = NULL;
    } else {
        power_cal_counts kc;
        power_cal_counts_of(&cfg, &rep, &kc);
        double e[POWER_CAL_NCOMP], gsum = 0, msum = 0;
        double gv[POWER_CAL_NCOMP] = {gdyn(&g, "u_acc"),         gdyn(&g, "u_fifo"),
                                      gdyn(&g, "u_ctrl") + gtop, gdyn(&g, "u_ro"),
                                      gdyn(&g, "u_sram"),        gclk};
        if (power_cal_price(tcal, &cfg, &kc, e, &err)) {
            power_table_free(tcal);
            FAIL(die("calibrated model", err));
        }
        printf("\n  calibrated model: %s; netlist %.0f flip-flops, model N_ff %.0f\n",
               power_table_version(tcal), g.clock_pins, power_cal_flops(&cfg));
        printf("  %-30s %15s %15s %11s\n", "component (180 nm, 1.8 V)", "gate level", "calibrated",
               "model/gate-1");
        for (int c = 0; c < POWER_CAL_NCOMP; c++) {
            char what[64];
            snprintf(what, sizeof what, "cal %s", power_cal_comp_name(c));
            row(what, gv[c], e[c], "");
            gsum += gv[c];
            msum += e[c];
        }
        printf("gate-power: total logic dynamic gate %.1f pJ vs calibrated model %.1f pJ: gap "
               "%+.1f %%\n",
               gsum, msum, gsum > 0 ? 100.0 * (msum - gsum) / gsum : 0.0);
        power_table_free(tcal);
    }
    rc = 0;
out:
    if (own_vcd) {
        unlink(vpath);
        rmdir(tmpl);
    }
    free(rowv);
    axon_rtl_free(h);
    power_gate_netlist_free(nl);
    power_lib_free(lib);
    power_table_free(t180);
    power_table_free(t45);
    sim_free(sm);
    cosim_stream_free(&st);
    return rc;
#undef FAIL
}
