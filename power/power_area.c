/*
 * power_area — silicon area and static power of a core and of the chip.
 *
 * SRAM: R × C × 8 weight bits (+ one zero flag per word with zero gating)
 * × bitcell area (0.346 µm² at 45 nm, Mistry et al., IEDM 2007) × (1 +
 * periphery overhead) — the overhead (0.7) is an assumption of the table.
 * Logic, assumed path: L lane adders at A bits (Horowitz 2014 adder area,
 * scaled by A/32), C·A accumulator flops per bank (NanGate45 DFF_X1; the
 * baseline has one bank, as rtl/axon_mac_baseline.sv), an
 * F × 32-bit FIFO, the L×8-bit read pipeline, an RB-bit readout register,
 * control, and in async mode five bundled-data stage controllers.
 * Logic, synthesized path: when the table holds yosys/OSU 0.18 µm areas
 * (power/tech/area_osu018.csv: axon_acc, axon_fifo, axon_readout, axon_ctrl,
 * axon_mac_baseline), those replace the assumed figures, scaled linearly by
 * the parameters that size them (acc: C·A·banks; fifo: F; readout: C·A;
 * the baseline's MAC tile part by part, its kind's own rows, power_base_kinds.c;
 * the row-reuse core synthesized at exactly the run's tile, rows
 * axon_core_row_reuse.* of rtl/synth/core_synth.sh, replaces the core's parts
 * and the assumed row-register flops; a batch of N tokens holds N accumulator
 * sets per bank on both sides: exact rows at NT = N when synthesized, else
 * N - 1 more sets at the per-bit cost of a synthesized NT pair) and from 180 nm to the target node with Stillmaker & Baas' area
 * table (area(45 nm) = area(180 nm) / 19). A router (5 ports, one flit
 * buffer each, 5×5 crossbar) is added to every core of a chip of > 1 core.
 * Leakage = Σ instance leakage of the table (synthesized logic at the
 * table's flip-flop leakage density).
 */
#include "power_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void power_synth_clear(power_table *t)
{
    for (size_t i = 0; i < t->nsynth; i++) {
        free(t->synth[i].module);
        free(t->synth[i].parameters);
    }
    free(t->synth);
    free(t->synth_name);
    t->synth = NULL;
    t->nsynth = 0;
    t->synth_name = NULL;
}

ax_result power_synth_parse(power_table *t, const char *text, size_t len, const char *name,
                            char **err)
{
    char *buf = malloc(len + 1);
    if (!buf)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    memcpy(buf, text, len);
    buf[len] = '\0';
    power_synth_row *rows = NULL;
    size_t n = 0, cap = 0;
    int lineno = 0, header = 0;
    ax_result rc = AX_OK;
    for (char *save = buf; save;) {
        char *line = save, *nl = strchr(save, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        lineno++;
        char *p = line;
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (!*p || *p == '#')
            continue;
        /* module,parameters,cells,area_um2 — a parameter list with unquoted
         * commas is tolerated: everything between the first and the last two
         * fields is the parameter string. */
        char *f[34], params[512] = "";
        int nf = power_csv_split(line, f, 33);
        if (nf < 4 || nf > 33) {
            rc = ax_fail(err, AX_EFORMAT,
                         "%s:%d: expected 4 fields module,parameters,cells,"
                         "area_um2",
                         name, lineno);
            break;
        }
        for (int i = 1; i < nf - 2; i++) {
            size_t used = strlen(params);
            snprintf(params + used, sizeof params - used, "%s%s", i > 1 ? "," : "", f[i]);
        }
        f[1] = params;
        f[2] = f[nf - 2];
        f[3] = f[nf - 1];
        if (!header) {
            if (strcmp(f[0], "module") || strcmp(f[1], "parameters") || strcmp(f[2], "cells") ||
                strcmp(f[3], "area_um2")) {
                rc = ax_fail(err, AX_EFORMAT,
                             "%s:%d: header must be module,parameters,cells,"
                             "area_um2",
                             name, lineno);
                break;
            }
            header = 1;
            continue;
        }
        double cells, area;
        if (power_parse_num(f[2], &cells) || power_parse_num(f[3], &area) || isnan(area) ||
            !(area > 0)) {
            rc = ax_fail(err, AX_EFORMAT,
                         "%s:%d: cells '%s' / area_um2 '%s' are not numbers "
                         "(area > 0)",
                         name, lineno, f[2], f[3]);
            break;
        }
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 16;
            power_synth_row *nr = realloc(rows, nc * sizeof *nr);
            if (!nr) {
                rc = ax_fail(err, AX_ENOMEM, "out of memory");
                break;
            }
            rows = nr;
            cap = nc;
        }
        rows[n].module = power_strdup(f[0]);
        rows[n].parameters = power_strdup(f[1]);
        rows[n].cells = cells;
        rows[n].area_um2 = area;
        rows[n].line = lineno;
        n++;
        if (!rows[n - 1].module || !rows[n - 1].parameters) {
            rc = ax_fail(err, AX_ENOMEM, "out of memory");
            break;
        }
    }
    free(buf);
    if (rc == AX_OK && !header)
        rc = ax_fail(err, AX_EFORMAT, "%s: no header module,parameters,cells,area_um2", name);
    if (rc != AX_OK) {
        for (size_t i = 0; i < n; i++) {
            free(rows[i].module);
            free(rows[i].parameters);
        }
        free(rows);
        return rc;
    }
    power_synth_clear(t);
    t->synth = rows;
    t->nsynth = n;
    t->synth_name = power_strdup(name);
    return AX_OK;
}

ax_result power_table_load_synth(power_table *t, const char *path, char **err)
{
    if (!path) {
        power_synth_clear(t);
        return AX_OK;
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return ax_fail(err, AX_EIO,
                       "%s: cannot open synthesis areas (hint: `make synth` writes "
                       "power/tech/area_osu018.csv)",
                       path);
    char buf[1 << 16];
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    int big = !feof(f);
    fclose(f);
    if (big)
        return ax_fail(err, AX_EFORMAT, "%s: larger than 64 KiB, not a synthesis area CSV", path);
    return power_synth_parse(t, buf, len, path, err);
}

int power_table_has_synth(const power_table *t)
{
    return t && t->nsynth > 0;
}

const power_synth_row *power_synth_find(const power_table *t, const char *module)
{
    for (size_t i = 0; i < t->nsynth; i++)
        if (!strcmp(t->synth[i].module, module))
            return &t->synth[i];
    return NULL;
}

/* Synthesized area of `module` at the target node, scaled by the ratio of
 * each sizing parameter present (want[k] / synthesized value); the key "NB"
 * (accumulator banks) is also read from "DB" (double buffering 1 → 2 banks),
 * the way rtl/synth writes the core's parameters. 0 if the module is absent. */
static double power_synth_area(const power_table *t, const char *module, const char *const *keys,
                               const double *want, int nkeys, double a180)
{
    const power_synth_row *r = power_synth_find(t, module);
    if (!r)
        return 0;
    double area = r->area_um2;
    for (int k = 0; k < nkeys; k++) {
        double v;
        int have = power_param_get(r->parameters, keys[k], &v);
        if (!have && !strcmp(keys[k], "NB") && power_param_get(r->parameters, "DB", &v)) {
            v = v != 0 ? 2 : 1;
            have = 1;
        }
        if (have && v > 0)
            area *= want[k] / v;
    }
    return area * a180;
}

/* Area of part `part` of the row-reuse core synthesized at exactly c's
 * parameters (rtl/synth/core_synth.sh rows axon_core_row_reuse.<part>,
 * parameters R C L LS F A RB DB GATE REUSE=1), at 180 nm; 0 when the table
 * has no such set. */
static double power_rr_part_nt(const power_table *t, const sim_config *c, int nt, const char *part)
{
    static const char *const keys[] = {"R",  "C",  "L",    "LS",    "F", "A",
                                       "RB", "DB", "GATE", "REUSE", "NT"};
    double want[] = {c->rows,
                     c->cols,
                     c->lanes,
                     c->sram_latency,
                     c->fifo_depth,
                     c->acc_bits,
                     c->readout_bits,
                     c->double_buffer != 0,
                     c->zero_gating != 0,
                     1,
                     nt};
    const power_synth_row *set = NULL;
    for (size_t i = 0; i < t->nsynth && !set; i++) {
        const power_synth_row *r = &t->synth[i];
        if (strcmp(r->module, "axon_core_row_reuse"))
            continue;
        int ok = 1;
        for (int k = 0; k < 11 && ok; k++) {
            double v;
            int have = power_param_get(r->parameters, keys[k], &v);
            if (!have && k == 10) /* rows without NT: no batches */
                v = 1, have = 1;
            ok = have && v == want[k];
        }
        if (ok)
            set = r;
    }
    if (!set)
        return 0;
    char name[64];
    snprintf(name, sizeof name, "axon_core_row_reuse.%s", part);
    for (size_t i = 0; i < t->nsynth; i++)
        if (!strcmp(t->synth[i].module, name) && !strcmp(t->synth[i].parameters, set->parameters))
            return t->synth[i].area_um2;
    return 0;
}

static double power_rr_part(const power_table *t, const sim_config *c, const char *part)
{
    return power_rr_part_nt(t, c, c->batch_tokens > 1 ? c->batch_tokens : 1, part);
}

/* The area one more accumulator set adds, per accumulator bit, at 180 nm:
 * from the first pair of row-reuse core syntheses in the table that differ
 * only in NT (axon_core_row_reuse.acc at NT = k > 1 and at NT = 1),
 * (acc(k) - acc(1)) / ((k - 1) · banks · C · A); 0 when the table has none. */
static double power_rr_set_bit(const power_table *t)
{
    for (size_t i = 0; i < t->nsynth; i++) {
        const power_synth_row *r = &t->synth[i];
        double k, C, A, DB;
        if (strcmp(r->module, "axon_core_row_reuse.acc") ||
            !power_param_get(r->parameters, "NT", &k) || k <= 1 ||
            !power_param_get(r->parameters, "C", &C) || !power_param_get(r->parameters, "A", &A) ||
            !power_param_get(r->parameters, "DB", &DB))
            continue;
        const char *nt = strstr(r->parameters, " NT=");
        size_t n = nt ? (size_t)(nt - r->parameters) : 0;
        for (size_t j = 0; nt && j < t->nsynth; j++) {
            const power_synth_row *q = &t->synth[j];
            if (!strcmp(q->module, r->module) && strlen(q->parameters) == n &&
                !strncmp(q->parameters, r->parameters, n))
                return (r->area_um2 - q->area_um2) / ((k - 1) * (DB != 0 ? 2 : 1) * C * A);
        }
    }
    return 0;
}

ax_result power_core_area(const power_table *t, const sim_config *c, int baseline, int routed,
                          power_core_geom *a, char **err)
{
    return power_core_area_kind(t, c, baseline, POWER_BASE_DENSE, 0, routed, a, NULL, err);
}

ax_result power_core_area_kind(const power_table *t, const sim_config *c, int baseline,
                               power_base_kind kind, int planes, int routed, power_core_geom *a,
                               int *exact, char **err)
{
    memset(a, 0, sizeof *a);
    if (exact)
        *exact = 0;
    double cell, cell_leak, bit, bit_leak, add, add_leak, ctl, ctl_leak;
    ax_result rc;
    if ((rc = power_area_of(t, "sram", "bitcell", &cell, &cell_leak, err)) ||
        (rc = power_area_of(t, "reg", "bit", &bit, &bit_leak, err)) ||
        (rc = power_area_of(t, "add", "int32", &add, &add_leak, err)) ||
        (rc = power_area_of(t, "core", "control", &ctl, &ctl_leak, err)))
        return rc;
    double R = c->rows, C = c->cols, L = c->lanes, A = c->acc_bits, F = c->fifo_depth;
    /* the baseline has one accumulator bank (rtl/axon_mac_baseline.sv); a batch of NT
     * tokens (weight-stationary, --batch-tokens) holds NT accumulator sets per bank on
     * either side: the row-reuse core (rtl/axon_core.sv NT) and any baseline that
     * applies a held row to NT tokens */
    double NT = c->row_reuse && c->batch_tokens > 1 ? c->batch_tokens : 1;
    double banks = c->double_buffer && !baseline ? 2 : 1, NB = banks * NT, W = ceil(C / L);
    double bits = R * C * 8 + (c->zero_gating && !baseline ? R * W : 0);
    a->sram_bytes = R * C;
    a->sram_um2 = bits * cell * (1 + t->sram_periphery_overhead);
    a->leak_uw = bits * cell_leak;
    double dens = bit > 0 ? bit_leak / bit : 0; /* µW per µm² of logic */

    /* assumed components */
    double lanes = L * add * A / 32, lanes_leak = L * add_leak * A / 32;
    if (baseline && kind != POWER_BASE_BIT_SERIAL) { /* bit-serial: the adder is its lane */
        double mul, mul_leak;
        if ((rc = power_area_of(t, "mult", "int8", &mul, &mul_leak, err)))
            return rc;
        lanes += L * mul;
        lanes_leak += L * mul_leak;
    }
    double acc = C * A * NB * bit, fifo = F * 32 * bit, rd = c->readout_bits * bit;
    double pipe = L * 8 * c->sram_latency * bit, async = 0, async_leak = 0;
    /* row reuse: the row register of W words (rtl/axon_core.sv, REUSE = 1), priced
     * beside the read pipe as flops */
    pipe += c->row_reuse && !baseline ? W * L * 8 * bit : 0;
    if (c->timing == SIM_ASYNC && !baseline) {
        double ac, acl;
        if ((rc = power_area_of(t, "async", "controller", &ac, &acl, err)))
            return rc;
        async = 5 * ac;
        async_leak = 5 * acl;
    }
    double logic = lanes + acc + fifo + rd + pipe + ctl + async;
    a->acc_um2 = acc;
    a->lanes_um2 = lanes;
    a->readout_um2 = rd;
    a->fifo_um2 = fifo;
    a->pipe_um2 = pipe;
    a->control_um2 = ctl + async;
    double logic_leak = lanes_leak + (acc + fifo + rd + pipe) * dens + ctl_leak + async_leak;

    if (t->nsynth > 0) {
        double ef, a180f, vn, a_t;
        int ap;
        if ((rc = power_node_factors(t->target_node, &ef, &a_t, &vn, &ap, err)) ||
            (rc = power_node_factors(180, &ef, &a180f, &vn, &ap, err)))
            return rc;
        double s = a_t / a180f;
        static const char *const kacc[] = {"C", "A", "NB"}, *const kf[] = {"F"},
                                 *const kr[] = {"C", "A"};
        /* NT - 1 more accumulator sets per bank where no synthesis holds them: at the
         * per-bit cost of a synthesized NT pair (power_rr_set_bit), else the table's flop */
        double sb = power_rr_set_bit(t), setbit = sb > 0 ? sb * s : bit;
        double extra = (NT - 1) * banks * C * A * setbit;
        double wacc[] = {C, A, banks}, wf[] = {F}, wr[] = {C, A};
        double sf = power_synth_area(t, "axon_fifo", kf, wf, 1, s);
        double sc = power_synth_area(t, "axon_ctrl", NULL, NULL, 0, s);
        double sa, sr, sl = 0;
        int ex = 0;
        if (baseline) { /* the kind's MAC tile by its own parts (power_base_kinds.c) */
            power_mac_parts mp;
            double tile = power_base_mac_synth(t, c, kind, planes, s, &ex, &mp);
            sa = tile > 0 ? mp.acc_um2 + extra : 0;
            sl = mp.lanes_um2;
            sr = tile > 0 ? mp.readout_um2 : -1;
        } else {
            sa = power_synth_area(t, "axon_acc", kacc, wacc, 3, s);
            sa += sa > 0 ? extra : 0;
            sr = power_synth_area(t, "axon_readout", kr, wr, 2, s);
        }
        double rr_top = 0; /* the row-reuse core synthesized at exactly these parameters */
        if (!baseline && c->row_reuse) {
            double ra = power_rr_part(t, c, "acc"), rf = power_rr_part(t, c, "fifo"),
                   rro = power_rr_part(t, c, "readout"), rc_ = power_rr_part(t, c, "ctrl"),
                   rt = power_rr_part(t, c, "top");
            if (NT > 1 && !(ra > 0 && rf > 0 && rro > 0 && rc_ > 0 && rt > 0)) {
                /* batches without their own synthesis (estimated, a->batch_estimated):
                 * the unbatched core synthesized at these parameters, plus NT - 1 more
                 * sets per bank at the per-bit cost of a synthesized NT pair, else at
                 * the flop of the table */
                ra = power_rr_part_nt(t, c, 1, "acc");
                rf = power_rr_part_nt(t, c, 1, "fifo");
                rro = power_rr_part_nt(t, c, 1, "readout");
                rc_ = power_rr_part_nt(t, c, 1, "ctrl");
                rt = power_rr_part_nt(t, c, 1, "top");
                if (ra > 0) {
                    ra += extra / s; /* at 180 nm, as the rows */
                    a->batch_estimated = 1;
                }
            }
            if (ra > 0 && rf > 0 && rro > 0 && rc_ > 0 && rt > 0) {
                sa = ra * s;
                sf = rf * s;
                sr = rro * s;
                sc = rc_ * s;
                rr_top = rt * s; /* the row register, its word mux: replaces the assumed flops */
                pipe = L * 8 * c->sram_latency * bit + rr_top;
            }
        }
        if (sa > 0 && sf > 0 && sr >= 0 && (baseline || sr > 0) && sc > 0) {
            logic = sa + sl + sf + sr + sc + pipe + async;
            a->acc_um2 = sa; /* spiking: the lanes are inside axon_acc */
            a->lanes_um2 = sl;
            a->readout_um2 = sr;
            a->fifo_um2 = sf;
            a->control_um2 = sc + async;
            logic_leak = (sa + sl + sf + sr + sc + pipe) * dens + async_leak;
            a->synthesized = 1;
            a->pipe_um2 = pipe;
            if (exact)
                *exact = ex;
        }
    }
    a->logic_um2 = logic;
    a->leak_uw += logic_leak;
    if (routed) {
        double xb, xbl;
        if ((rc = power_area_of(t, "noc", "router_xbar_bit", &xb, &xbl, err)))
            return rc;
        a->router_um2 = 5 * c->link_bits * bit + c->link_bits * xb;
        a->leak_uw += 5 * c->link_bits * bit * dens + c->link_bits * xbl;
    }
    a->total_um2 = a->sram_um2 + a->logic_um2 + a->router_um2;
    /* clock model: the flops clocked in an active cycle (the other
     * accumulator words are clock-gated): FIFO, read pipe, one word of
     * accumulators, readout register and ~64 control flops (assumed), and with
     * row reuse the row register's word being written. */
    a->clocked_flops = F * 32 + L * 8 * c->sram_latency + L * A + c->readout_bits + 64 +
                       (c->row_reuse && !baseline ? L * 8 : 0); /* the row-register word */
    return AX_OK;
}

ax_result power_area(const power_table *t, const sim_config *cfg, size_t cores, power_report *out,
                     char **err)
{
    power_core_geom a;
    ax_result rc = power_core_area(t, cfg, 0, cores > 1, &a, err);
    if (rc != AX_OK)
        return rc;
    out->cores = cores;
    out->core_area_um2 = a.total_um2;
    out->sram_area_um2 = a.sram_um2 * (double)cores;
    out->logic_area_um2 = (a.logic_um2 + a.router_um2) * (double)cores;
    out->area_um2 = a.total_um2 * (double)cores;
    out->area_mm2 = out->area_um2 * 1e-6;
    out->area_synthesized = a.synthesized;
    out->leakage_mw = a.leak_uw * (double)cores * 1e-3;
    return AX_OK;
}
