/* Shared fixtures of the power/ unit tests (test_power_energy.c,
 * test_power_fair.c, test_power_base_kinds.c): the simulator's documented
 * defaults filled by hand, so these tests do not depend on sim/ (R=C=128,
 * L=16, Ls=1, F=8, A=32, RB=64, db on, gating on, sync 500 MHz, 4-phase,
 * link 64 bits); 2 tokens of a 128×128 layer on one core counted by hand;
 * and the built-in table with the assumed logic areas (a synthesis CSV
 * compiled in by `make synth` is removed, so hand counts stay valid). */
#ifndef AX_TESTS_POWER_FIXTURE_H
#define AX_TESTS_POWER_FIXTURE_H

#include <criterion/criterion.h>
#include <string.h>

#include "../power/power.h"

static sim_config cfg_default(void)
{
    sim_config c;
    memset(&c, 0, sizeof c);
    c.rows = c.cols = 128;
    c.lanes = 16;
    c.sram_latency = 1;
    c.fifo_depth = 8;
    c.acc_bits = 32;
    c.readout_bits = 64;
    c.double_buffer = 1;
    c.zero_gating = 1;
    c.timing = SIM_SYNC;
    c.clock_mhz = 500;
    c.handshake = SIM_HS_4PHASE;
    c.hop_cycles = 1;
    c.link_bits = 64;
    return c;
}

static sim_report run_small(void)
{
    sim_report r;
    memset(&r, 0, sizeof r);
    r.tokens = 2;
    r.in = r.out = 128;
    r.cores = r.mesh_w = r.mesh_h = 1;
    r.timing = SIM_SYNC;
    r.time_unit = "cycles";
    r.duration = 50;
    r.duration_ns = 100;
    sim_counters *k = &r.total;
    k->events = 10;
    k->eots = 2;
    k->sram_words = 70;
    k->sram_words_skipped = 10; /* 10 events × 8 words = 80 */
    k->adds = 1000;
    k->adds_gated = 280; /* 10 events × 128 outputs */
    k->acc_writes = 1000;
    k->readout_beats = 128; /* 2 × ceil(128·32/64) */
    k->active = 200;
    k->idle = 50;
    return r;
}

static power_table *builtin(void)
{
    power_table *t = NULL;
    char *err = NULL;
    cr_assert_eq(power_table_load(NULL, &t, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(power_table_load_synth(t, NULL, &err), AX_OK);
    cr_assert_eq(power_table_has_synth(t), 0);
    return t;
}

#endif
