/*
 * run_param_out — what the parameter table says about a run beyond parsing
 * (run/run_param.h): whether a parameter applies to it (so a given one is
 * never silently ignored), its database columns, whether it differs from
 * the default, and the --help lines of every subcommand.
 */
#include "run_int.h"

#include <string.h>

ax_result run_param_applies(const run_job *j, const run_param *p, char **err)
{
    int async = j->cfg.timing == SIM_ASYNC;
    switch (p->id) {
    case P_HANDSHAKE:
    case P_T_REQ:
    case P_T_ACK:
    case P_T_DECODE:
    case P_T_SRAM:
    case P_T_ADD:
    case P_T_READOUT:
    case P_HOP_PS:
    case P_DRAM_BURST_PS:
    case P_DRAM_LAT_PS:
        if (!async)
            return ax_fail(err, AX_EPARAM,
                           "--%s applies to the asynchronous core only (hint: add "
                           "--async, or leave --%s out)",
                           p->flag, p->flag);
        break;
    case P_CLOCK:
    case P_CLOCK_GATING:
    case P_SRAM_LAT:
    case P_HOP:
    case P_DRAM_BW:
    case P_DRAM_LAT:
        if (async)
            return ax_fail(err, AX_EPARAM,
                           "--%s applies to the clocked core only; the async core "
                           "has no clock (hint: leave --%s out, or drop --async)",
                           p->flag, p->flag);
        break;
    }
    if (p->id == P_BASE_LANES && j->baseline != POWER_BASE_WIDE)
        return ax_fail(err, AX_EPARAM,
                       "--%s applies to the wide baseline only (hint: add --baseline wide, or "
                       "leave --%s out)",
                       p->flag, p->flag);
    switch (p->id) {
    case P_BURST:
    case P_DRAM_BW:
    case P_DRAM_LAT:
    case P_DRAM_BURST_PS:
    case P_DRAM_LAT_PS:
        if (!j->cfg.dram)
            return ax_fail(err, AX_EPARAM, "--%s applies to DRAM streaming only (hint: add --dram)",
                           p->flag);
    }
    return AX_OK;
}

static run_param_col col_int(const char *name, long long v)
{
    return (run_param_col){name, RUN_COL_INT, v, 0, NULL};
}

size_t run_param_columns(const run_job *j, const run_param *p, run_param_col out[RUN_PARAM_MAXCOLS])
{
    const sim_config *c = &j->cfg;
    run_job *mj = (run_job *)j; /* read through the shared accessors */
    size_t n = 0;
    switch (p->id) {
    case P_LAYER: out[n++] = (run_param_col){"layer", RUN_COL_TEXT, 0, 0, j->layer}; break;
    case P_TECH: {
        const char *b = j->tech ? strrchr(j->tech, '/') : NULL;
        out[n++] = (run_param_col){"tech_file", RUN_COL_TEXT, 0, 0, b ? b + 1 : j->tech};
        break;
    }
    case P_TILE:
        out[n++] = col_int("tile_rows", c->rows);
        out[n++] = col_int("tile_cols", c->cols);
        break;
    case P_MESH:
        out[n++] = col_int("mesh_w_cfg", c->mesh_w);
        out[n++] = col_int("mesh_h_cfg", c->mesh_h);
        break;
    case P_TIMING:
        out[n++] = (run_param_col){"timing", RUN_COL_TEXT, 0, 0,
                                   c->timing == SIM_ASYNC ? "async" : "sync"};
        out[n++] = col_int("async", c->timing == SIM_ASYNC);
        return n; /* always applies */
    case P_CLAMP:
        out[n++] = col_int("clamp", j->sp.clamp);
        out[n++] = col_int("count_min", j->sp.cmin);
        out[n++] = col_int("count_max", j->sp.cmax);
        break;
    case P_CODING:
        out[n++] = (run_param_col){"coding", RUN_COL_TEXT, 0, 0, spike_coding_name(j->coding)};
        break;
    case P_MODEL:
        out[n++] = (run_param_col){"power_model", RUN_COL_TEXT, 0, 0,
                                   j->model == POWER_IDEAL ? "ideal" : "realistic"};
        break;
    case P_BASELINE:
        out[n++] = (run_param_col){"baseline", RUN_COL_TEXT, 0, 0,
                                   power_base_kind_name(j->baseline)};
        break;
    case P_HANDSHAKE: out[n++] = col_int("handshake_phases", c->handshake); break;
    case P_CLOCK:
        out[n++] = (run_param_col){"clock_mhz", RUN_COL_REAL, 0, c->clock_mhz, NULL};
        break;
    case P_K: out[n++] = (run_param_col){"k", RUN_COL_REAL, 0, j->sp.k, NULL}; break;
    case P_VDD: out[n++] = (run_param_col){"vdd_v_cfg", RUN_COL_REAL, 0, j->vdd_v, NULL}; break;
    case P_NODE: out[n++] = col_int("node_nm_cfg", j->node_nm); break;
    case P_STEPS: out[n++] = col_int("steps", j->steps); break;
    case P_GROUP: out[n++] = col_int("group_size", (long long)j->group); break;
    default:
        out[n++] = run_param_ps_field(mj, p->id) ? col_int(p->key, *run_param_ps_field(mj, p->id))
                                                 : col_int(p->key, *run_param_int_field(mj, p->id));
    }
    if (run_param_applies(j, p, NULL))
        for (size_t i = 0; i < n; i++)
            out[i].type = RUN_COL_NULL;
    return n;
}

int run_param_is_set(const run_job *j, const run_param *p)
{
    run_job d;
    run_job_default(&d);
    char a[256], b[256];
    run_param_get(j, p, a, sizeof a);
    run_param_get(&d, p, b, sizeof b);
    return strcmp(a, b) != 0;
}

void run_param_help_line(FILE *f, const run_job *d, const run_param *p)
{
    char dv[256], arg[64], lhs[128], name[96] = "";
    run_param_get(d, p, dv, sizeof dv);
    switch (p->type) {
    case RUN_PT_BOOL: snprintf(arg, sizeof arg, "[on|off]"); break;
    case RUN_PT_CHOICE: snprintf(arg, sizeof arg, "%s", p->words); break;
    case RUN_PT_PAIR: snprintf(arg, sizeof arg, "%s", p->id == P_TILE ? "RxC" : "WxH"); break;
    case RUN_PT_CLAMP: snprintf(arg, sizeof arg, "on|off|MIN:MAX"); break;
    case RUN_PT_TEXT: snprintf(arg, sizeof arg, "%s", p->id == P_LAYER ? "NAME" : "FILE"); break;
    default:
        snprintf(arg, sizeof arg, "%s%s%s", p->unit[0] && !strchr(p->unit, ' ') ? p->unit : "N",
                 p->words ? "|" : "", p->words ? p->words : "");
    }
    if (!run_param_same_name(p->key, p->flag))
        snprintf(name, sizeof name, "%s; ", p->key);
    snprintf(lhs, sizeof lhs, "--%s %s", p->flag, arg);
    if (strlen(lhs) > 26)
        fprintf(f, "  %s\n  %-26s %s [%sdefault %s]\n", lhs, "", p->help, name, *dv ? dv : "none");
    else
        fprintf(f, "  %-26s %s [%sdefault %s]\n", lhs, p->help, name, *dv ? dv : "none");
}

void run_param_help(FILE *f, int mask)
{
    run_job d;
    run_job_default(&d);
    for (int sec = 1; sec <= RUN_SEC_ENERGY; sec <<= 1) {
        if (!(mask & sec))
            continue;
        fprintf(f, "%s:\n", run_param_section_name(sec));
        size_t n;
        const run_param *t = run_param_table(&n);
        for (size_t i = 0; i < n; i++)
            if (t[i].section == sec)
                run_param_help_line(f, &d, &t[i]);
    }
}
