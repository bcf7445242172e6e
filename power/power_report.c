/*
 * power_report — writers of a priced run (observers of the numbers, they
 * compute nothing new): the human table with spiking vs dense INT8 baseline
 * side by side, the "explain" chain from SpikingBrain's idealised estimate to
 * the realistic total, and a cJSON object whose keys carry their units.
 */
#include "power_int.h"

#include <cjson/cJSON.h>
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

void power_print(FILE *f, const power_report *p)
{
    fprintf(f, "energy model: %s, technology %s%s\n",
            p->model == POWER_IDEAL ? "ideal (SpikingBrain estimate)" : "realistic", p->version,
            p->node_approx ? " (node factors interpolated: approximation)" : "");
    fprintf(f, "  %-28s %16s %16s %10s\n", "", "spiking", "dense INT8", "reduction");
    fprintf(f, "  %-28s %16.4g %16.4g %9.1f%%\n", "energy (pJ)", p->total_pj, p->base_energy_pj,
            p->energy_reduction_pct);
    fprintf(f, "  %-28s %16.4g %16.4g\n", "energy per token (pJ)", p->energy_per_token_pj,
            p->base_energy_per_token_pj);
    fprintf(f, "  %-28s %16.4g %16.4g\n", "energy per MAC-equiv. (pJ)", p->energy_per_mac_pj,
            p->base_energy_per_mac_pj);
    fprintf(f, "  %-28s %16.4g %16.4g %9.1f%%\n", "average power (mW)", p->avg_power_mw,
            p->base_power_mw, p->power_reduction_pct);
    fprintf(f, "  %-28s %16.4g %16.4g %9.1f%%\n", "latency (ns)", p->duration_ns,
            p->base_latency_ns, p->latency_reduction_pct);
    fprintf(f, "  %-28s %16.4f %16.4f %9.1f%%\n", "area (mm2)", p->area_mm2,
            p->base_area_um2 * 1e-6, p->area_reduction_pct);
    if (isfinite(p->energy_per_synop_pj))
        fprintf(f, "  energy per synaptic op: %.4g pJ/SOP (%.0f SOPs = adds + gated adds)\n",
                p->energy_per_synop_pj, p->sops);
    else
        fprintf(f, "  energy per synaptic op: undefined (0 SOPs: every activation count is zero)\n");
    fprintf(f, "  area: %zu cores x %.0f um2 (SRAM %.4f mm2, logic %.4f mm2, logic %s)\n",
            p->cores, p->core_area_um2, p->sram_area_um2 * 1e-6, p->logic_area_um2 * 1e-6,
            p->area_synthesized ? "synthesized (OSU 0.18 um, node-scaled)" : "assumed");
    fprintf(f, "  static power %.4g mW over %.4g ns\n", p->leakage_mw, p->duration_ns);
    if (p->model == POWER_REALISTIC && p->nlines > 0) {
        fprintf(f, "  %-10s %-9s %-14s %14s %12s %14s\n", "group", "component", "action",
                "count", "unit (pJ)", "energy (pJ)");
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
    fprintf(f, "  ideal per MAC-equivalent: %.4g spikes x %.4g pJ (int8 add) = %.4g pJ; "
               "vs INT8 MAC %.4g pJ: %+.1f %%, vs FP16 MAC %.4g pJ: %+.1f %%\n",
            p->spikes_per_mac, p->spikes_per_mac > 0 ? p->ideal_per_mac_pj / p->spikes_per_mac : 0,
            p->ideal_per_mac_pj, p->int8_mac_pj, -p->ideal_vs_int8_pct, p->fp16_mac_pj,
            -p->ideal_vs_fp16_pct);
    fprintf(f, "  %-42s %14s %14s %14s %14s\n", "step", "delta (pJ)", "total (pJ)",
            "per MAC (pJ)", "vs dense (%)");
    double cum = 0;
    for (int i = 0; i < p->nchain; i++) {
        if (i > 0 && p->chain[i].delta_pj == 0)
            continue;
        cum += p->chain[i].delta_pj;
        if (i == 0)
            fprintf(f, "  %-42s %14s", p->chain[i].what, "");
        else
            fprintf(f, "  %-42s %+14.6g", p->chain[i].what, p->chain[i].delta_pj);
        fprintf(f, " %14.6g %14.5g %+13.1f%%\n", cum, power_per_mac(p, cum),
                base > 0 ? 100.0 * (cum / base - 1) : 0);
    }
    fprintf(f, "  %-42s %14s %14.6g %14.5g %+13.1f%%\n", "= realistic", "", p->realistic_pj,
            power_per_mac(p, p->realistic_pj),
            base > 0 ? 100.0 * (p->realistic_pj / base - 1) : 0);
    fprintf(f, "  dense INT8 baseline (realistic): %.6g pJ, %.5g pJ per MAC\n", base,
            power_per_mac(p, base));
}

cJSON *power_report_json(const power_report *p)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "model", power_model_name(p->model));
    cJSON_AddStringToObject(o, "tech_version", p->version);
    cJSON_AddNumberToObject(o, "node_nm", p->node_nm);
    cJSON_AddNumberToObject(o, "vdd_v", p->vdd_v);
    cJSON_AddBoolToObject(o, "node_approx", p->node_approx);
    struct {
        const char *k;
        double v;
    } f[] = {
        {"energy_pj", p->total_pj},
        {"realistic_pj", p->realistic_pj},
        {"ideal_pj", p->ideal_pj},
        {"dynamic_pj", p->dynamic_pj},
        {"compute_pj", p->compute_pj},
        {"memory_pj", p->memory_pj},
        {"clock_pj", p->clock_pj},
        {"handshake_pj", p->handshake_pj},
        {"noc_pj", p->noc_pj},
        {"dram_pj", p->dram_pj},
        {"leakage_pj", p->leakage_pj},
        {"energy_per_token_pj", p->energy_per_token_pj},
        {"energy_per_sop_pj", p->energy_per_synop_pj},
        {"energy_per_mac_pj", p->energy_per_mac_pj},
        {"avg_power_mw", p->avg_power_mw},
        {"leakage_power_mw", p->leakage_mw},
        {"duration_ns", p->duration_ns},
        {"sops", p->sops},
        {"mac_equiv", p->mac_equiv},
        {"spikes_per_mac", p->spikes_per_mac},
        {"ideal_per_mac_pj", p->ideal_per_mac_pj},
        {"int8_mac_pj", p->int8_mac_pj},
        {"fp16_mac_pj", p->fp16_mac_pj},
        {"ideal_vs_int8_pct", p->ideal_vs_int8_pct},
        {"ideal_vs_fp16_pct", p->ideal_vs_fp16_pct},
        {"area_um2", p->area_um2},
        {"area_mm2", p->area_mm2},
        {"core_area_um2", p->core_area_um2},
        {"sram_area_um2", p->sram_area_um2},
        {"logic_area_um2", p->logic_area_um2},
        {"base_energy_pj", p->base_energy_pj},
        {"base_realistic_pj", p->base_realistic_pj},
        {"base_energy_per_token_pj", p->base_energy_per_token_pj},
        {"base_energy_per_mac_pj", p->base_energy_per_mac_pj},
        {"base_power_mw", p->base_power_mw},
        {"base_area_um2", p->base_area_um2},
        {"base_latency_ns", p->base_latency_ns},
        {"base_cycles", p->base_cycles},
        {"energy_reduction_pct", p->energy_reduction_pct},
        {"power_reduction_pct", p->power_reduction_pct},
        {"area_reduction_pct", p->area_reduction_pct},
        {"latency_reduction_pct", p->latency_reduction_pct},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (isfinite(f[i].v))
            cJSON_AddNumberToObject(o, f[i].k, f[i].v);
        else
            cJSON_AddNullToObject(o, f[i].k); /* an undefined ratio, never a made-up 0 */
    }
    if (!isfinite(p->energy_per_synop_pj)) {
        cJSON *u = cJSON_AddObjectToObject(o, "undefined");
        cJSON_AddStringToObject(u, "energy_per_sop_pj", "no synaptic operations: every activation "
                                "count is zero, so energy per operation is undefined");
    }
    cJSON_AddNumberToObject(o, "cores", (double)p->cores);
    cJSON_AddStringToObject(o, "area_source", p->area_synthesized ? "synthesized" : "assumed");
    cJSON *chain = cJSON_AddArrayToObject(o, "explain");
    for (int i = 0; chain && i < p->nchain; i++) {
        cJSON *e = cJSON_CreateObject();
        if (!e)
            break;
        cJSON_AddStringToObject(e, "step", p->chain[i].what);
        cJSON_AddNumberToObject(e, "delta_pj", p->chain[i].delta_pj);
        cJSON_AddItemToArray(chain, e);
    }
    cJSON *lines = cJSON_AddArrayToObject(o, "breakdown");
    for (int i = 0; lines && i < p->nlines; i++) {
        const power_line *l = &p->lines[i];
        cJSON *e = cJSON_CreateObject();
        if (!e)
            break;
        cJSON_AddStringToObject(e, "group", l->group);
        cJSON_AddStringToObject(e, "component", l->component);
        cJSON_AddStringToObject(e, "action", l->action);
        cJSON_AddNumberToObject(e, "count", l->count);
        cJSON_AddStringToObject(e, "count_unit", l->unit);
        cJSON_AddNumberToObject(e, "unit_pj", l->unit_pj);
        cJSON_AddNumberToObject(e, "energy_pj", l->energy_pj);
        cJSON_AddItemToArray(lines, e);
    }
    return o;
}
