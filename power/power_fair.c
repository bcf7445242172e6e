/*
 * power_fair — the figures that keep the spiking-vs-dense comparison from
 * misleading (docs/power.md "Reading the comparison"). It computes nothing
 * the energy model does not already price; it re-reads the priced run:
 *
 *   Area by part on both sides (SRAM, accumulator banks, lanes, readout,
 *   FIFO, read pipeline, control, router), the logic-only and datapath-only
 *   reductions and the SRAM-bound ceiling 1 − SRAM_spiking / total_dense: the
 *   best total reduction if the spiking logic cost nothing.
 *
 *   Power at a common throughput: both designs run the same tokens; over
 *   t = max(duration, base_latency) the faster one idles for the rest,
 *   paying its leakage and its idle clock (sync: clocked flops × E_flop-cycle
 *   × f_idle per cycle, as power_energy.c / power_base.c price an idle
 *   cycle; with a calibrated table each side's clock as built: every flop,
 *   every cycle, its clock energy per cycle of its own run). power = (energy
 *   + idle energy) / t on both sides, so the power
 *   reduction has the sign of the energy reduction over the same window;
 *   average power over each design's own run time stays available as
 *   power_reduction_own_time_pct (a slower design looked frugal there).
 *
 *   Events per activation x = spikes / (tokens · in) = events / (tokens · in
 *   · ⌈out/C⌉) (every spike is accepted by the ⌈out/C⌉ cores of its
 *   row-block). The priced lines are split into the part that scales with
 *   the events (adds, accumulator writes, decode, SRAM words, the events'
 *   FIFO items and flit-hops, handshakes, the word cycles of the clock and
 *   of the run time) and the rest (EOTs, readout, reduction, DRAM, the rest
 *   of the time), E = F + x·e with e = E_event / x. At fixed silent fraction
 *   and weights, the energy equals the baseline's at
 *   x* = x · (E_base − F) / E_event (break_even_ev_per_act), and the energy
 *   reduction moves by −100 · e / E_base points per unit of x.
 */
#include "power_cal.h"
#include "power_int.h"

#include <math.h>
#include <string.h>

double power_dense_bursts(const sim_config *cfg, const sim_report *r)
{
    if (r->dram_bursts_real_per_token > 0)
        return (double)r->tokens * (double)r->dram_bursts_real_per_token;
    (void)cfg; /* a report without the tile's rows (built by hand): every burst */
    return (double)r->total.dram_bursts + (double)r->total.dram_bursts_skipped;
}

static void power_parts_of(const power_core_geom *g, double cores, struct power_area_parts *p)
{
    p->sram_um2 = g->sram_um2 * cores;
    p->acc_um2 = g->acc_um2 * cores;
    p->lanes_um2 = g->lanes_um2 * cores;
    p->readout_um2 = g->readout_um2 * cores;
    p->fifo_um2 = g->fifo_um2 * cores;
    p->pipe_um2 = g->pipe_um2 * cores;
    p->control_um2 = g->control_um2 * cores;
    p->router_um2 = g->router_um2 * cores;
    p->logic_um2 = (g->logic_um2 + g->router_um2) * cores;
    p->datapath_um2 = (g->acc_um2 + g->lanes_um2 + g->readout_um2) * cores;
    p->total_um2 = g->total_um2 * cores;
}

#define PCT(a, b) ((b) > 0 ? 100.0 * (1.0 - (a) / (b)) : NAN)

/* The time the events occupy a core: sync, its word cycles (one SRAM word
 * read or skipped per cycle of the read stage, at most its active cycles);
 * async, its active time × words / (words + readout beats + EOTs). */
static double power_core_event_time(const sim_counters *p, int sync)
{
    double w = (double)p->sram_words + (double)p->sram_words_skipped, a = (double)p->active;
    if (sync)
        return fmin(w, a);
    double b = w + (double)p->readout_beats + (double)p->eots;
    return b > 0 ? a * w / b : 0;
}

/* The busiest core's event time (ns: the part of the run the events
 * occupy) and, in *active_share, the events' share of the active time. */
static double power_event_time(const sim_report *r, int sync, double *active_share)
{
    const sim_counters *k = &r->total;
    double tot = power_core_event_time(k, sync);
    *active_share = k->active > 0 ? fmin(1, tot / (double)k->active) : 0;
    double best = 0;
    if (r->per_core) {
        for (size_t c = 0; c < r->cores; c++) {
            double t = power_core_event_time(&r->per_core[c], sync);
            best = t > best ? t : best;
        }
    } else if (r->cores > 0) {
        best = tot / (double)r->cores;
    }
    return best * r->ns_per_unit; /* ns */
}

/* Share of a priced line that scales with the events (docs/power.md). */
static double power_line_event_share(const power_line *l, double fe, double fact, double fidle,
                                     double fleak)
{
    const char *g = l->group, *c = l->component, *a = l->action;
    if (!strcmp(g, "compute") || !strcmp(g, "handshake"))
        return !strcmp(c, "readout") ? 0 : 1;
    if (!strcmp(g, "leakage"))
        return fleak;
    if (!strcmp(g, "dram"))
        return 0;
    if (!strcmp(g, "clock")) {
        if (!strcmp(a, "active_cycle"))
            return fact;
        if (!strcmp(a, "idle_cycle"))
            return fidle;
        return fleak; /* calibrated: every flop clocked over the whole run */
    }
    if (!strcmp(g, "noc"))
        return !strcmp(a, "event_flit_hop") ? fe : 0;
    /* memory */
    if (!strcmp(c, "readout"))
        return 0;
    if (!strcmp(c, "fifo") || !strcmp(c, "ctrl"))
        return fe;
    return 1; /* decode, SRAM words, zero flags, the SRAM interface */
}

static ax_result power_break_even(const sim_config *cfg, const sim_report *r, power_report *out)
{
    const sim_counters *k = &r->total;
    double ncb = ceil((double)r->out / cfg->cols);
    double acts = (double)r->tokens * (double)r->in;
    out->ev_per_act = acts > 0 && ncb > 0 ? (double)k->events / ncb / acts : 0;
    out->break_even_ev_per_act = out->energy_reduction_slope_pct = NAN;
    out->event_energy_pj = out->fixed_energy_pj = 0;
    if (!(out->ev_per_act > 0) || !(out->base_energy_pj > 0))
        return AX_OK;
    double ev = 0;
    if (out->model == POWER_IDEAL) {
        ev = out->energy_pj; /* SOPs × add: all of it scales with the events */
    } else {
        double items = (double)k->events + (double)k->eots;
        double fe = items > 0 ? (double)k->events / items : 0, fact;
        double dev = power_event_time(r, cfg->timing == SIM_SYNC, &fact);
        double D = r->duration_ns > 0 ? r->duration_ns : 0;
        double fleak = D > 0 ? fmin(1, dev / D) : 0;
        /* idle core-cycles: cores · duration − active; the events add
         * cores · (their time) and take (their active cycles) */
        double idle = (double)k->idle, wt = fact * (double)k->active;
        double didle = r->ns_per_unit > 0 ? (double)r->cores * dev / r->ns_per_unit - wt : 0;
        double fidle = idle > 0 ? fmax(-1, fmin(1, didle / idle)) : 0;
        for (int i = 0; i < out->nlines; i++)
            ev += out->lines[i].energy_pj *
                  power_line_event_share(&out->lines[i], fe, fact, fidle, fleak);
    }
    out->event_energy_pj = ev;
    out->fixed_energy_pj = out->energy_pj - ev;
    if (ev > 0) {
        double x = out->ev_per_act * (out->base_energy_pj - out->fixed_energy_pj) / ev;
        out->break_even_ev_per_act = x >= 0 ? x : NAN; /* the rest alone costs more */
        out->energy_reduction_slope_pct = -100.0 * ev / out->ev_per_act / out->base_energy_pj;
    }
    return AX_OK;
}

/* Idle power of the chip beyond its own run (mW = pJ/ns): leakage plus, in a
 * clocked design, the idle clock of every core. */
static double power_idle_mw(const sim_config *cfg, size_t cores, double leak_mw,
                            double clock_pj_per_core_cycle)
{
    double mw = leak_mw;
    if (cfg->timing == SIM_SYNC && cfg->clock_mhz > 0)
        mw += clock_pj_per_core_cycle * (double)cores * cfg->clock_mhz * 1e-3;
    return mw;
}

ax_result power_fair(const power_table *t, const sim_config *cfg, const sim_report *r,
                     power_report *out, char **err)
{
    size_t cores = r->cores ? r->cores : 1;
    ax_result rc;
    /* area, both sides */
    /* the baseline priced in out (its kind, lanes and bit-planes), by its own parts */
    power_core_geom s, b;
    sim_config cb = *cfg;
    if (out->base_lanes > 0)
        cb.lanes = out->base_lanes;
    if ((rc = power_core_area(t, cfg, 0, cores > 1, &s, err)) ||
        (rc = power_core_area_kind(t, &cb, 1, (power_base_kind)out->base_kind, out->base_planes,
                                   cores > 1, &b, NULL, err)))
        return rc;
    power_parts_of(&s, (double)cores, &out->area_parts);
    power_parts_of(&b, (double)cores, &out->base_area_parts);
    const struct power_area_parts *ps = &out->area_parts, *pb = &out->base_area_parts;
    out->logic_area_reduction_pct = PCT(ps->logic_um2, pb->logic_um2);
    out->datapath_area_reduction_pct = PCT(ps->datapath_um2, pb->datapath_um2);
    out->area_reduction_ceiling_pct = PCT(ps->sram_um2, pb->total_um2);

    /* power at a common throughput */
    out->power_reduction_own_time_pct = out->power_reduction_pct;
    double Ds = r->duration_ns, Db = out->base_latency_ns, D = fmax(Ds, Db);
    double idle_s = 0, idle_b = 0;
    if (out->model != POWER_IDEAL && D > 0) {
        double flop = 0, clk_s = 0, clk_b = 0;
        if (cfg->timing == SIM_SYNC) {
            const power_row *fr = power_find(t, "clock", "flop_cycle");
            if (fr && !isnan(fr->energy_pj) &&
                (rc = power_energy_pj(t, "clock", "flop_cycle", &flop, err)))
                return rc;
            clk_b = b.clocked_flops * flop * t->clock_idle_fraction;
            if (out->base_calibrated && out->base_cycles > 0) /* as built: every flop, every
                                                                 cycle (power_base_cal.c) */
                clk_b = out->base_clock_pj / (out->base_cycles * (double)cores);
            if (cfg->clock_gating) { /* as built: an idle cycle clocks the flops on clk
                                        and every clock gate, no gated flop */
                power_cal_counts k0;
                power_clock_built cb;
                double eg;
                memset(&k0, 0, sizeof k0);
                k0.idle = 1;
                power_clock_as_built(cfg, &k0, &cb);
                if ((rc = power_energy_pj(t, "clock", "icg_cycle", &eg, err)))
                    return rc;
                clk_s = cb.flop_cycles * flop + cb.gate_cycles * eg;
            } else if (power_table_is_calibrated(t)) { /* every flop, every cycle */
                double cyc = (double)r->total.active + (double)r->total.idle;
                clk_s = cyc > 0 ? out->clock_pj / cyc : 0;
            } else {
                clk_s = s.clocked_flops * flop * t->clock_idle_fraction;
            }
        }
        double base_leak_mw = Db > 0 ? out->base_leakage_pj / Db : 0;
        double mw_s = power_idle_mw(cfg, cores, out->leakage_mw, clk_s);
        double mw_b = power_idle_mw(cfg, cores, base_leak_mw, clk_b);
        idle_s = (D - Ds) * mw_s;
        idle_b = (D - Db) * mw_b;
    }
    out->common_time_ns = D;
    out->energy_common_pj = out->energy_pj + idle_s;
    out->base_energy_common_pj = out->base_energy_pj + idle_b;
    out->power_common_mw = D > 0 ? out->energy_common_pj / D : 0;
    out->base_power_common_mw = D > 0 ? out->base_energy_common_pj / D : 0;
    out->power_reduction_pct = out->base_power_common_mw > 0
                                   ? PCT(out->power_common_mw, out->base_power_common_mw)
                                   : 0;

    return power_break_even(cfg, r, out);
}
#undef PCT
