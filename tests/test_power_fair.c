/* Unit tests of power_fair.c on a hand-counted run: power at a common
 * throughput (the faster design pays leakage and idle clock for the rest of
 * the window), the area split of both sides and the SRAM ceiling, events per
 * activation and the break-even point, the dense tile's DRAM bursts. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "../power/power.h"
#include "power_fixture.h"

/* run_small with its time unit: 50 cycles over 100 ns */
static sim_report run_small_fair(void)
{
    sim_report r = run_small();
    r.ns_per_unit = 2;
    return r;
}

static power_report price(const power_table *t, const sim_config *c, const sim_report *r,
                          power_model m)
{
    power_report p;
    char *err = NULL;
    cr_assert_eq(power_price(t, c, r, m, &p, &err), AX_OK, "%s", err ? err : "");
    return p;
}

Test(power_fair, power_at_a_common_throughput_charges_the_faster_design_its_idle_tail)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    sim_report r = run_small_fair();
    power_report p = price(t, &c, &r, POWER_REALISTIC);
    /* the dense tile: 2 × (128·8 + 1 + 64) cycles at 2 ns */
    cr_assert_float_eq(p.base_latency_ns, 2 * 1089 * 2.0, 1e-9);
    cr_assert_float_eq(p.common_time_ns, p.base_latency_ns, 1e-9);
    /* the spiking core finishes after 100 ns and idles for the rest: leakage
     * + idle clock (1024 clocked flops × 0.002 pJ × f_idle 0.1 per cycle at
     * 500 MHz = 0.1024 mW) */
    double tail = p.common_time_ns - 100;
    double idle_mw = p.leakage_mw + 1024 * 0.002 * 0.1 * 0.5;
    cr_assert_float_eq(p.energy_common_pj, p.energy_pj + tail * idle_mw, 1e-9);
    cr_assert_float_eq(p.base_energy_common_pj, p.base_energy_pj, 1e-9);
    cr_assert_float_eq(p.power_common_mw, p.energy_common_pj / p.common_time_ns, 1e-12);
    cr_assert_float_eq(p.power_reduction_pct,
                       100 * (1 - p.energy_common_pj / p.base_energy_common_pj), 1e-9);
    /* the old figure, each over its own time, kept under its own name */
    cr_assert_float_eq(p.power_reduction_own_time_pct,
                       100 * (1 - (p.energy_pj / 100) / (p.base_energy_pj / p.base_latency_ns)),
                       1e-9);
    /* energy and power agree in sign at a common throughput (here the fast,
     * sparse run spends less energy but more power over its own short time) */
    cr_assert_gt(p.energy_reduction_pct, 0);
    cr_assert_gt(p.power_reduction_pct, 0);
    cr_assert_lt(p.power_reduction_own_time_pct, 0);

    /* a slow spiking run: the dense tile pays the tail instead */
    r.duration = 100000;
    r.duration_ns = 200000;
    r.total.idle = 100000 - 200;
    p = price(t, &c, &r, POWER_REALISTIC);
    cr_assert_float_eq(p.common_time_ns, 200000, 1e-9);
    cr_assert_float_eq(p.energy_common_pj, p.energy_pj, 1e-9);
    double base_leak_mw = p.base_leakage_pj / p.base_latency_ns;
    cr_assert_float_eq(p.base_energy_common_pj,
                       p.base_energy_pj +
                           (200000 - p.base_latency_ns) * (base_leak_mw + 1024 * 0.002 * 0.1 * 0.5),
                       1e-9);
    cr_assert_eq(p.energy_reduction_pct < 0, p.power_reduction_pct < 0);
    power_table_free(t);
}

Test(power_fair, area_parts_of_both_sides_add_up_and_the_sram_bounds_the_reduction)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    sim_report r = run_small_fair();
    power_report p = price(t, &c, &r, POWER_REALISTIC);
    const struct power_area_parts *s = &p.area_parts, *b = &p.base_area_parts;
    for (int side = 0; side < 2; side++) {
        const struct power_area_parts *q = side ? b : s;
        double logic = q->acc_um2 + q->lanes_um2 + q->readout_um2 + q->fifo_um2 + q->pipe_um2 +
                       q->control_um2 + q->router_um2;
        cr_assert_float_eq(q->logic_um2, logic, 1e-6);
        cr_assert_float_eq(q->total_um2, q->sram_um2 + logic, 1e-6);
        cr_assert_float_eq(q->datapath_um2, q->acc_um2 + q->lanes_um2 + q->readout_um2, 1e-6);
    }
    cr_assert_float_eq(s->total_um2, p.area_um2, 1e-6);
    cr_assert_float_eq(b->total_um2, p.base_area_um2, 1e-6);
    /* assumed logic: two banks of 128 × 32 flops vs one; lanes: 16 adders vs
     * 16 adders + 16 INT8 multipliers (137 and 282 um2) */
    cr_assert_float_eq(s->acc_um2, 128 * 32 * 2 * 4.522, 1e-6);
    cr_assert_float_eq(b->acc_um2, 128 * 32 * 4.522, 1e-6);
    cr_assert_float_eq(s->lanes_um2, 16 * 137.0, 1e-6);
    cr_assert_float_eq(b->lanes_um2, 16 * (137.0 + 282.0), 1e-6);
    cr_assert_float_eq(p.area_reduction_ceiling_pct, 100 * (1 - s->sram_um2 / b->total_um2), 1e-9);
    cr_assert_float_eq(p.logic_area_reduction_pct, 100 * (1 - s->logic_um2 / b->logic_um2), 1e-9);
    cr_assert_float_eq(p.datapath_area_reduction_pct, 100 * (1 - s->datapath_um2 / b->datapath_um2),
                       1e-9);
    /* no logic change can beat the ceiling */
    cr_assert_leq(p.area_reduction_pct, p.area_reduction_ceiling_pct);
    power_table_free(t);
}

Test(power_fair, break_even_splits_the_energy_into_event_and_fixed_parts)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    sim_report r = run_small_fair();
    /* 10 events of 1 column block over 2 tokens × 128 inputs */
    power_report p = price(t, &c, &r, POWER_REALISTIC);
    cr_assert_float_eq(p.ev_per_act, 10.0 / 256, 1e-12);
    cr_assert_float_eq(p.event_energy_pj + p.fixed_energy_pj, p.energy_pj, 1e-9);
    cr_assert_gt(p.event_energy_pj, 0);
    cr_assert_gt(p.fixed_energy_pj, 0); /* readout and EOTs do not scale with events */
    cr_assert_float_eq(p.break_even_ev_per_act,
                       p.ev_per_act * (p.base_energy_pj - p.fixed_energy_pj) / p.event_energy_pj,
                       1e-9);
    cr_assert_float_eq(p.energy_reduction_slope_pct,
                       -100 * p.event_energy_pj / p.ev_per_act / p.base_energy_pj, 1e-9);
    /* the ideal model is all events: energy ∝ ev/act through the origin */
    power_report q = price(t, &c, &r, POWER_IDEAL);
    cr_assert_float_eq(q.fixed_energy_pj, 0, 1e-12);
    cr_assert_float_eq(q.break_even_ev_per_act, q.ev_per_act * q.base_energy_pj / q.energy_pj,
                       1e-9);
    power_table_free(t);
}

Test(power_fair, dense_tile_streams_only_the_bursts_of_real_rows)
{
    sim_config c = cfg_default();
    sim_report r = run_small_fair();
    r.total.dram_bursts = 30;
    r.total.dram_bursts_skipped = 482; /* 2 tokens × 256 bursts of a 128-row tile */
    cr_assert_float_eq(power_dense_bursts(&c, &r), 512, 1e-12);
    r.dram_bursts_real_per_token = 200; /* 100 real rows × 128 B / 64 B */
    cr_assert_float_eq(power_dense_bursts(&c, &r), 400, 1e-12);
}
