/*
 * power_energy — energy of a simulated run: Σ counted actions × table energy.
 *
 * Every field of sim_counters that costs energy is priced here, each as one
 * line of the breakdown (docs/power.md lists the formulas):
 *   compute : adds × E_add32·A/32, gated adds × E_gated (~0),
 *             accumulator writes × A × E_flop-write
 *   memory  : events × E_decode, (events + EOTs) × E_fifo, SRAM words ×
 *             E_read64(R·C bytes)·(8L/64), skipped words × E_zero-flag,
 *             readout beats × RB × E_beat-bit
 *   clock   : sync only: clocked flops × E_flop-cycle × (active + f_idle × idle cycles),
 *             the uncalibrated table's assumed gating; a calibrated table: every
 *             flip-flop every cycle; --clock-gating on (either table): the
 *             clock as built (power_clock_as_built: the flip-flop-cycles the
 *             gated build clocks × E_flop-cycle + clock gates × cycles ×
 *             E_icg-cycle); report field clock_model names which
 *   handshake: async transfers × E_handshake(2- or 4-phase)
 *   noc     : event flit-hops × 32 bits × E_bit-hop + readout flit-hops × RB ×
 *             E_bit-hop (only the payload bits toggle), reduction adds × E_add32·A/32
 *   dram    : bursts × (burst bytes / 8) × (E_dram-read64 + E_sram-read64(R·C)),
 *             the second term writing the burst into the core's weight
 *             buffer (an SRAM write priced as a read: approximation)
 *   leakage : chip static power × simulated time (pJ = µW × ns × 1e-3)
 * A counted action (count > 0) without a table entry is AX_ENOTFOUND naming
 * component and action; a zero count needs no entry.
 * The ideal figure is SpikingBrain's estimate: one INT8 add (0.03 pJ,
 * Horowitz 2014) per synaptic operation, nothing else.
 */
#include "power_cal.h"
#include "power_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const power_table *t;
    power_report *out;
    char **err;
} power_ctx;

/* Adds one line: count × (table energy × mult). */
static ax_result power_term(power_ctx *c, const char *group, const char *comp, const char *action,
                            const char *label, double count, const char *unit, double mult)
{
    if (count <= 0)
        return AX_OK;
    double e;
    ax_result rc = power_energy_pj(c->t, comp, action, &e, c->err);
    if (rc != AX_OK)
        return rc;
    power_report *o = c->out;
    if (o->nlines < POWER_MAX_LINES) {
        power_line *l = &o->lines[o->nlines++];
        snprintf(l->component, sizeof l->component, "%s", comp);
        snprintf(l->action, sizeof l->action, "%s", label ? label : action);
        l->count = count;
        l->unit = unit;
        l->unit_pj = e * mult;
        l->energy_pj = count * e * mult;
        l->group = group;
    }
    double v = count * e * mult;
    if (!strcmp(group, "compute"))
        o->compute_pj += v;
    else if (!strcmp(group, "memory"))
        o->memory_pj += v;
    else if (!strcmp(group, "clock"))
        o->clock_pj += v;
    else if (!strcmp(group, "handshake"))
        o->handshake_pj += v;
    else if (!strcmp(group, "noc"))
        o->noc_pj += v;
    else if (!strcmp(group, "dram"))
        o->dram_pj += v;
    return AX_OK;
}

static ax_result power_sram_term(power_ctx *c, const sim_config *cfg, double words)
{
    if (words <= 0)
        return AX_OK;
    double e64;
    ax_result rc = power_sram_read64_pj(c->t, (double)cfg->rows * cfg->cols, &e64, c->err);
    if (rc != AX_OK)
        return rc;
    power_report *o = c->out;
    double unit = e64 * cfg->lanes * 8.0 / 64.0;
    if (o->nlines < POWER_MAX_LINES) {
        power_line *l = &o->lines[o->nlines++];
        snprintf(l->component, sizeof l->component, "sram");
        snprintf(l->action, sizeof l->action, "read_word");
        l->count = words;
        l->unit = "words";
        l->unit_pj = unit;
        l->energy_pj = words * unit;
        l->group = "memory";
    }
    o->memory_pj += words * unit;
    return AX_OK;
}

double power_mcast_hops(const sim_config *cfg, const sim_report *r)
{
    /* sim/'s multicast: the items of a row-block enter at its first core and
     * hop east through the other ncb − 1 cores, each of which accepts them
     * all; so Σ accepted items = items·ncb and event hops = items·(ncb − 1). */
    double ncb = ceil((double)r->out / cfg->cols);
    if (ncb <= 1)
        return 0;
    double h = ((double)r->total.events + (double)r->total.eots) * (ncb - 1) / ncb;
    return fmin(h, (double)r->total.flit_hops);
}

ax_result power_price(const power_table *t, const sim_config *cfg, const sim_report *r,
                      power_model mode, power_report *out, char **err)
{
    memset(out, 0, sizeof *out);
    if (!t || !cfg || !r)
        return ax_fail(err, AX_EPARAM, "power_price: table, config and report are required");
    if (cfg->rows < 1 || cfg->cols < 1 || cfg->lanes < 1 || cfg->acc_bits < 1 ||
        cfg->readout_bits < 1 || cfg->link_bits < 1 || cfg->fifo_depth < 1 || cfg->sram_latency < 1)
        return ax_fail(err, AX_EPARAM,
                       "power_price: impossible core parameters (R %d, C %d, "
                       "L %d, A %d, RB %d, link %d)",
                       cfg->rows, cfg->cols, cfg->lanes, cfg->acc_bits, cfg->readout_bits,
                       cfg->link_bits);
    if (cfg->timing == SIM_SYNC && !(cfg->clock_mhz > 0))
        return ax_fail(err, AX_EPARAM, "power_price: clock %g MHz is not positive", cfg->clock_mhz);
    out->model = mode;
    snprintf(out->version, sizeof out->version, "%s", power_table_version(t));
    power_table_provenance(t, out->provenance, sizeof out->provenance);
    out->node_nm = t->target_node;
    out->vdd_v = t->target_vdd;
    out->node_approx = t->node_approx;
    out->tech_node_nm = (int)lround(t->node_nm);
    out->tech_vdd_v = t->vdd_v;
    out->tech_energy_scale = t->e_scale;
    out->tech_calibrated = power_table_is_calibrated(t);
    power_sram_source(t, out->sram_source, sizeof out->sram_source);
    snprintf(out->clock_model, sizeof out->clock_model, "%s", power_clock_model(t, cfg));
    out->tokens = r->tokens;
    out->duration_ns = r->duration_ns;
    const sim_counters *k = &r->total;
    out->sops = (double)k->adds + (double)k->adds_gated;
    out->mac_equiv = (double)r->tokens * (double)r->in * (double)r->out;

    power_ctx c = {t, out, err};
    double A = cfg->acc_bits, aw = A / 32.0;
    ax_result rc;
    size_t cores = r->cores ? r->cores : 1;
    if ((rc = power_area(t, cfg, cores, out, err)) != AX_OK)
        return rc;
    power_core_geom ca;
    if ((rc = power_core_area(t, cfg, 0, cores > 1, &ca, err)) != AX_OK)
        return rc;

    if (power_table_is_calibrated(t) && cfg->timing == SIM_SYNC) {
        /* calibrated to gate level (power_cal.c): the core's logic and
         * clock by the fitted per-action energies; the SRAM array as below */
        power_cal_counts kc;
        power_cal_counts_of(cfg, r, &kc);
        for (int comp = 0; comp < POWER_CAL_NCOMP; comp++) {
            double x[POWER_CAL_MAXF];
            const char *names[POWER_CAL_MAXF];
            int nf = power_cal_features(cfg, &kc, comp, x, names, NULL);
            const char *grp = comp == POWER_CAL_ACC     ? "compute"
                              : comp == POWER_CAL_CLOCK ? "clock"
                                                        : "memory";
            for (int i = 0; i < nf; i++)
                if (!power_cal_feature_absent(t, comp, names[i]) &&
                    (rc = power_term(&c, grp, power_cal_comp_name(comp), names[i], NULL, x[i],
                                     "units", 1)))
                    return rc;
        }
        /* (the clock gates' own energy, clock,icg_cycle, is a clock
         * feature: priced by the loop, zero for an ungated core) */
        if ((rc = power_sram_term(&c, cfg, (double)k->sram_words)))
            return rc;
    } else {
        /* compute */
        if ((rc = power_term(&c, "compute", "add", "int32", "add_acc_bits", (double)k->adds, "adds",
                             aw)) ||
            (rc = power_term(&c, "compute", "add", "gated", NULL, (double)k->adds_gated, "adds",
                             1)) ||
            (rc = power_term(&c, "compute", "reg", "write_bit", "acc_write", (double)k->acc_writes,
                             "writes", A)))
            return rc;
        /* memory and event path */
        if ((rc = power_term(&c, "memory", "core", "decode", NULL, (double)k->events, "events",
                             1)) ||
            (rc = power_term(&c, "memory", "fifo", "push_pop", NULL,
                             (double)k->events + (double)k->eots, "items", 1)) ||
            (rc = power_sram_term(&c, cfg, (double)k->sram_words)) ||
            (rc = power_term(&c, "memory", "sram", "zero_flag_read", NULL,
                             (double)k->sram_words_skipped, "words", 1)) ||
            (rc = power_term(&c, "memory", "readout", "beat_bit", "beat", (double)k->readout_beats,
                             "beats", cfg->readout_bits)))
            return rc;
        /* clock tree (sync) or handshakes */
        if (cfg->timing == SIM_SYNC && cfg->clock_gating) {
            /* as built: the flip-flop-cycles the gated core clocks and its gates */
            power_cal_counts kc;
            power_clock_built cb;
            power_cal_counts_of(cfg, r, &kc);
            power_clock_as_built(cfg, &kc, &cb);
            if ((rc = power_term(&c, "clock", "clock", "flop_cycle", "gated_flop_cycle",
                                 cb.flop_cycles, "flop-cycles", 1)) ||
                (rc = power_term(&c, "clock", "clock", "icg_cycle", NULL, cb.gate_cycles,
                                 "gate-cycles", 1)))
                return rc;
        } else if (cfg->timing == SIM_SYNC) {
            if ((rc = power_term(&c, "clock", "clock", "flop_cycle", "active_cycle",
                                 (double)k->active, "cycles", ca.clocked_flops)) ||
                (rc = power_term(&c, "clock", "clock", "flop_cycle", "idle_cycle", (double)k->idle,
                                 "cycles", ca.clocked_flops * t->clock_idle_fraction)))
                return rc;
        }
    }
    /* row reuse: every word read from the SRAM is also written into the row
     * register (L weights of 8 bits); the events that reuse the row add from
     * it, priced as their adds above (one per lane, per bit-plane event) */
    if (cfg->row_reuse && (rc = power_term(&c, "memory", "reg", "write_bit", "row_register_write",
                                           (double)k->sram_words, "words", (double)cfg->lanes * 8)))
        return rc;
    if (k->handshakes > 0) {
        const char *hs = cfg->handshake == SIM_HS_2PHASE ? "handshake_2phase" : "handshake_4phase";
        if ((rc = power_term(&c, "handshake", "async", hs, NULL, (double)k->handshakes, "transfers",
                             1)))
            return rc;
    }
    /* network on chip and reduction of partial sums */
    double mcast = power_mcast_hops(cfg, r), red = (double)k->flit_hops - mcast;
    if ((rc = power_term(&c, "noc", "noc", "bit_hop", "event_flit_hop", mcast, "flit-hops",
                         POWER_EVENT_FLIT_BITS)) ||
        (rc = power_term(&c, "noc", "noc", "bit_hop", "readout_flit_hop", red, "flit-hops",
                         cfg->readout_bits)) ||
        (rc = power_term(&c, "noc", "add", "int32", "reduce_add", (double)k->reduce_adds, "adds",
                         aw)) ||
        (rc = power_term(&c, "dram", "dram", "read64", "burst", (double)k->dram_bursts, "bursts",
                         t->dram_burst_bytes / 8.0)))
        return rc;
    /* leakage: static power × simulated time */
    out->leakage_pj = out->leakage_mw * r->duration_ns; /* mW × ns = pJ */
    if (out->leakage_pj > 0 && out->nlines < POWER_MAX_LINES) {
        power_line *l = &out->lines[out->nlines++];
        snprintf(l->component, sizeof l->component, "chip");
        snprintf(l->action, sizeof l->action, "leakage");
        l->count = r->duration_ns;
        l->unit = "ns";
        l->unit_pj = out->leakage_mw; /* mW = pJ/ns */
        l->energy_pj = out->leakage_pj;
        l->group = "leakage";
    }
    out->realistic_pj = out->compute_pj + out->memory_pj + out->clock_pj + out->handshake_pj +
                        out->noc_pj + out->dram_pj + out->leakage_pj;

    /* SpikingBrain's idealised estimate */
    double add8, mul8, addf16, mulf16;
    if ((rc = power_energy_pj(t, "add", "int8", &add8, err)) ||
        (rc = power_energy_pj(t, "mult", "int8", &mul8, err)) ||
        (rc = power_energy_pj(t, "fadd", "fp16", &addf16, err)) ||
        (rc = power_energy_pj(t, "fmult", "fp16", &mulf16, err)))
        return rc;
    out->ideal_pj = out->sops * add8;
    out->int8_mac_pj = mul8 + add8;
    out->fp16_mac_pj = mulf16 + addf16;
    out->spikes_per_mac = out->mac_equiv > 0 ? out->sops / out->mac_equiv : 0;
    out->ideal_pj_per_mac = out->spikes_per_mac * add8;
    out->ideal_vs_int8_pct = 100.0 * (1 - out->ideal_pj_per_mac / out->int8_mac_pj);
    out->ideal_vs_fp16_pct = 100.0 * (1 - out->ideal_pj_per_mac / out->fp16_mac_pj);

    if (k->dram_bursts > 0) { /* the fetched weights are written into the core's buffer */
        double e64;
        if ((rc = power_sram_read64_pj(t, (double)cfg->rows * cfg->cols, &e64, err)))
            return rc;
        double n = (double)k->dram_bursts * t->dram_burst_bytes / 8.0;
        out->dram_pj += n * e64;
        if (out->nlines < POWER_MAX_LINES)
            out->lines[out->nlines++] =
                (power_line){"sram", "buffer_write64", n, "64-bit writes", e64, n * e64, "dram"};
    }
    static const char *const what[8] = {"ideal: SOPs x int8 add",
                                        "+ adds at accumulator width, acc writes",
                                        "+ SRAM word granularity, event path",
                                        "+ clock tree (sync)",
                                        "+ handshakes (async)",
                                        "+ NoC flit-hops, reduction",
                                        "+ DRAM bursts",
                                        "+ leakage x simulated time"};
    double delta[8] = {out->ideal_pj,     out->compute_pj - out->ideal_pj,
                       out->memory_pj,    out->clock_pj,
                       out->handshake_pj, out->noc_pj,
                       out->dram_pj,      out->leakage_pj};
    for (int i = 0; i < 8; i++) {
        out->chain[i].what = what[i];
        out->chain[i].delta_pj = delta[i];
    }
    out->nchain = 8;
    if (mode == POWER_IDEAL) {
        out->energy_pj = out->dynamic_pj = out->ideal_pj;
        out->clock_pj = out->handshake_pj = out->noc_pj = out->dram_pj = out->leakage_pj = 0;
        out->nlines = 0;
    } else {
        out->dynamic_pj = out->compute_pj + out->memory_pj;
        out->energy_pj = out->realistic_pj;
    }
    out->energy_pj_per_token = r->tokens ? out->energy_pj / (double)r->tokens : 0;
    /* no synaptic operation (all-zero activations): the ratio is undefined,
     * NaN here, NULL in the database, null with the reason in JSON, never 0 */
    out->energy_pj_per_synop = out->sops > 0 ? out->energy_pj / out->sops : NAN;
    out->energy_pj_per_mac = out->mac_equiv > 0 ? out->energy_pj / out->mac_equiv : 0;
    out->power_mw = r->duration_ns > 0 ? out->energy_pj / r->duration_ns : 0;
    if ((rc = power_baseline(t, cfg, r, out, err)))
        return rc;
    return power_fair(t, cfg, r, out, err);
}
