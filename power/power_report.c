/*
 * power_report — writers of a priced run (observers of the numbers, they
 * compute nothing new): the human table with spiking vs dense INT8 baseline
 * side by side, the "explain" chain from SpikingBrain's idealised estimate to
 * the realistic total. (The JSON of a priced run is run/run_report.c's, with
 * the rest of the layer's report, under the database's names.)
 */
#include "power_int.h"

#include <math.h>
#include <string.h>

int power_model_parse(const char *s, power_model *out)
{
    if (s && !strcmp(s, "ideal"))
        *out = POWER_IDEAL;
    else if (s && !strcmp(s, "realistic"))
        *out = POWER_REALISTIC;
    else
        return -1;
    return 0;
}

const char *power_model_name(power_model m)
{
    return m == POWER_IDEAL ? "ideal" : "realistic";
}

static double power_per_mac(const power_report *p, double pj)
{
    return p->mac_equiv > 0 ? pj / p->mac_equiv : 0;
}

/* The fair-comparison block: common window, ev/act and break-even, area by part. */
static void power_print_fair(FILE *f, const power_report *p)
{
    fprintf(f,
            "  common throughput: both run the tokens in %.4g ns (the longer run); the faster "
            "idles (leakage + idle clock): %.4g pJ spiking, %.4g pJ dense\n",
            p->common_time_ns, p->energy_common_pj, p->base_energy_common_pj);
    fprintf(f, "  events per activation %.4g ev/act: %.4g pJ scale with the events, %.4g pJ do not",
            p->ev_per_act, p->event_energy_pj, p->fixed_energy_pj);
    if (isfinite(p->break_even_ev_per_act))
        fprintf(f, "; break-even at %.4g ev/act, %+.1f points of energy reduction per ev/act\n",
                p->break_even_ev_per_act, p->energy_reduction_slope_pct);
    else
        fprintf(f, "; no ev/act breaks even (the event-independent part alone exceeds the "
                   "baseline)\n");
    const struct power_area_parts *s = &p->area_parts, *b = &p->base_area_parts;
    fprintf(f, "  %-28s %16s %16s %10s\n", "area by part (mm2)", "spiking", "dense INT8",
            "reduction");
    const struct {
        const char *what;
        double s, b;
    } rows[] = {{"SRAM", s->sram_um2, b->sram_um2},
                {p->area_synthesized ? "accumulators (+lanes, synth.)" : "accumulator banks",
                 s->acc_um2, b->acc_um2},
                {"lanes (adders / MACs)", s->lanes_um2, b->lanes_um2},
                {"readout", s->readout_um2, b->readout_um2},
                {"FIFO", s->fifo_um2, b->fifo_um2},
                {"read pipeline", s->pipe_um2, b->pipe_um2},
                {"control", s->control_um2, b->control_um2},
                {"router", s->router_um2, b->router_um2},
                {"datapath (lanes+acc+readout)", s->datapath_um2, b->datapath_um2},
                {"logic (all but SRAM)", s->logic_um2, b->logic_um2},
                {"total", s->total_um2, b->total_um2}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        fprintf(f, "  %-28s %16.4f %16.4f", rows[i].what, rows[i].s * 1e-6, rows[i].b * 1e-6);
        if (rows[i].b > 0)
            fprintf(f, " %9.1f%%", 100.0 * (1 - rows[i].s / rows[i].b));
        fprintf(f, "\n");
    }
    if (p->area_synthesized)
        fprintf(f, "  (synthesized logic: the dense tile's lanes, accumulators and readout are one "
                   "module, axon_mac_baseline, shown under accumulators)\n");
    fprintf(f,
            "  SRAM-bound ceiling: with the spiking logic free the area reduction is at most "
            "%.1f %% (SRAM %.1f %% of the dense chip)\n",
            p->area_reduction_ceiling_pct,
            b->total_um2 > 0 ? 100.0 * b->sram_um2 / b->total_um2 : 0);
}

/* One line naming the clock model that priced the report (clock_model). */
static void clock_line(FILE *f, const power_report *p)
{
    const char *m = p->clock_model;
    if (!strcmp(m, "gated"))
        fprintf(f, "  clock: gated as built (--clock-gating on: accumulator words and FIFO entries "
                   "clocked only when written, plus the clock gates)\n");
    else if (!strcmp(m, "ungated"))
        fprintf(f, "  clock: ungated as built (every flip-flop every cycle; --clock-gating off)\n");
    else if (!strcmp(m, "assumed"))
        fprintf(f, "  clock: assumed fine-grained gating of the uncalibrated table "
                   "(--clock-gating off)\n");
}

void power_print(FILE *f, const power_report *p)
{
    fprintf(f, "energy model: %s, technology %s%s\n",
            p->model == POWER_IDEAL ? "ideal (SpikingBrain estimate)" : "realistic", p->version,
            p->node_approx ? " (node factors interpolated: approximation)" : "");
    fprintf(f, "  priced by: %s\n", p->provenance);
    clock_line(f, p);
    if (p->model != POWER_IDEAL)
        fprintf(f, "  baseline MAC tile: %s\n",
                p->base_calibrated ? "calibrated to gate level (the table's baseline block; "
                                     "docs/power.md \"Baselines at gate level\")"
                                   : "arithmetic rows (not calibrated to gate level)");
    if (p->model != POWER_IDEAL)
        fprintf(f,
                "  SRAM: published macro data, not fitted to gate level (%s): %.4g pJ spiking, "
                "%.4g pJ baseline; energy reduction %.1f %% with both x0.5, %.1f %% with both "
                "x2\n",
                p->sram_source, p->sram_pj, p->base_sram_pj, p->energy_reduction_sram_half_pct,
                p->energy_reduction_sram_double_pct);
    char base[48];
    if (p->base_kind == POWER_BASE_WIDE)
        snprintf(base, sizeof base, "wide (%d lanes)", p->base_lanes);
    else if (p->base_kind == POWER_BASE_BIT_SERIAL)
        snprintf(base, sizeof base, "bit-serial (%d pl.)", p->base_planes);
    else
        snprintf(base, sizeof base, "%s INT8", power_base_kind_name((power_base_kind)p->base_kind));
    fprintf(f, "  %-28s %16s %16s %10s\n", "", "spiking", base, "reduction");
    fprintf(f, "  %-28s %16.4g %16.4g %9.1f%%\n", "energy (pJ)", p->energy_pj, p->base_energy_pj,
            p->energy_reduction_pct);
    fprintf(f, "  %-28s %16.4g %16.4g\n", "energy per token (pJ)", p->energy_pj_per_token,
            p->base_energy_pj_per_token);
    fprintf(f, "  %-28s %16.4g %16.4g\n", "energy per MAC-equiv. (pJ)", p->energy_pj_per_mac,
            p->base_energy_pj_per_mac);
    fprintf(f, "  %-28s %16.4g %16.4g %9.1f%%\n", "power, common throughput (mW)",
            p->power_common_mw, p->base_power_common_mw, p->power_reduction_pct);
    fprintf(f, "  %-28s %16.4g %16.4g %9.1f%%\n", "avg power, own run time (mW)", p->power_mw,
            p->base_power_mw, p->power_reduction_own_time_pct);
    fprintf(f, "  %-28s %16.4g %16.4g %9.1f%%\n", "latency (ns)", p->duration_ns,
            p->base_latency_ns, p->latency_reduction_pct);
    fprintf(f, "  %-28s %16.4f %16.4f %9.1f%%\n", "area (mm2)", p->area_mm2,
            p->base_area_um2 * 1e-6, p->area_reduction_pct);
    if (isfinite(p->energy_pj_per_synop))
        fprintf(f, "  energy per synaptic op: %.4g pJ/SOP (%.0f SOPs = adds + gated adds)\n",
                p->energy_pj_per_synop, p->sops);
    else
        fprintf(f,
                "  energy per synaptic op: undefined (0 SOPs: every activation count is zero)\n");
    fprintf(f, "  area: %zu cores x %.0f um2 (SRAM %.4f mm2, logic %.4f mm2, logic %s)\n", p->cores,
            p->core_area_um2, p->sram_area_um2 * 1e-6, p->logic_area_um2 * 1e-6,
            p->area_synthesized ? "synthesized (OSU 0.18 um, node-scaled)" : "assumed");
    fprintf(f, "  static power %.4g mW over %.4g ns\n", p->leakage_mw, p->duration_ns);
    power_print_fair(f, p);
    if (p->model == POWER_REALISTIC && p->nlines > 0) {
        fprintf(f, "  %-10s %-9s %-14s %14s %12s %14s\n", "group", "component", "action", "count",
                "unit (pJ)", "energy (pJ)");
        for (int i = 0; i < p->nlines; i++) {
            const power_line *l = &p->lines[i];
            fprintf(f, "  %-10s %-9s %-14s %14.6g %12.5g %14.6g  [%s]\n", l->group, l->component,
                    l->action, l->count, l->unit_pj, l->energy_pj, l->unit);
        }
    }
}

void power_explain(FILE *f, const power_report *p)
{
    double base = p->base_realistic_pj;
    fprintf(f, "from SpikingBrain's estimate to the realistic chip (%s)\n", p->version);
    fprintf(f, "  priced by: %s\n", p->provenance);
    clock_line(f, p);
    fprintf(f,
            "  ideal per MAC-equivalent: %.4g spikes x %.4g pJ (int8 add) = %.4g pJ; "
            "vs INT8 MAC %.4g pJ: %+.1f %%, vs FP16 MAC %.4g pJ: %+.1f %%\n",
            p->spikes_per_mac, p->spikes_per_mac > 0 ? p->ideal_pj_per_mac / p->spikes_per_mac : 0,
            p->ideal_pj_per_mac, p->int8_mac_pj, -p->ideal_vs_int8_pct, p->fp16_mac_pj,
            -p->ideal_vs_fp16_pct);
    fprintf(f, "  %-42s %14s %14s %14s %14s\n", "step", "delta (pJ)", "total (pJ)", "per MAC (pJ)",
            "reduction (%)");
    double cum = 0;
    for (int i = 0; i < p->nchain; i++) {
        if (i > 0 && p->chain[i].delta_pj == 0)
            continue;
        cum += p->chain[i].delta_pj;
        if (i == 0)
            fprintf(f, "  %-42s %14s", p->chain[i].what, "");
        else
            fprintf(f, "  %-42s %+14.6g", p->chain[i].what, p->chain[i].delta_pj);
        /* the energy reduction vs dense, as the report prints it: negative = more energy */
        fprintf(f, " %14.6g %14.5g %+13.1f%%\n", cum, power_per_mac(p, cum),
                base > 0 ? 100.0 * (1 - cum / base) : 0);
    }
    fprintf(f, "  %-42s %14s %14.6g %14.5g %+13.1f%%\n", "= realistic", "", p->realistic_pj,
            power_per_mac(p, p->realistic_pj), base > 0 ? 100.0 * (1 - p->realistic_pj / base) : 0);
    fprintf(f, "  dense INT8 baseline (realistic): %.6g pJ, %.5g pJ per MAC\n", base,
            power_per_mac(p, base));
}
