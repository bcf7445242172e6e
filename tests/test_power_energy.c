/* Unit tests of power/ pricing: a hand-counted run priced to the pJ, the
 * dense INT8 baseline, SpikingBrain's idealised estimate reproduced from
 * the table, monotonicity, missing entries, area, synthesis CSV, writers. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../power/power.h"
#include "power_fixture.h"

extern const char power_tech_base_csv[]; /* power/power_int.h */

static power_report price(const power_table *t, const sim_config *c, const sim_report *r,
                          power_model m)
{
    power_report p;
    char *err = NULL;
    ax_result rc = power_price(t, c, r, m, &p, &err);
    cr_assert_eq(rc, AX_OK, "%s", err ? err : "");
    return p;
}

Test(power_energy, hand_counted_run_to_the_pj)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    sim_report r = run_small();
    power_report p = price(t, &c, &r, POWER_REALISTIC);
    /* compute: 1000 adds × 0.1 pJ (A = 32), gated × 0, 1000 writes × 32 bits × 0.005 pJ */
    cr_assert_float_eq(p.compute_pj, 100.0 + 160.0, 1e-9);
    /* memory: 10 decodes × 0.1, 12 items × 0.32, 70 words of 128 bit from a
     * 16 KB macro (sqrt(10·20) pJ per 64 bit), 10 flags × 0.02, 128 beats × 64 × 0.01 */
    double mem = 1.0 + 3.84 + 70 * 2 * sqrt(200.0) + 0.2 + 81.92;
    cr_assert_float_eq(p.memory_pj, mem, 1e-9);
    /* clock: (8·32 + 16·8 + 16·32 + 64 + 64) = 1024 flops × 0.002 pJ per cycle;
     * 200 active cycles, 50 idle at 10 % */
    cr_assert_float_eq(p.clock_pj, 1024 * 0.002 * (200 + 0.1 * 50), 1e-9);
    /* leakage over 100 ns: SRAM (131072 + 1024 flag) bits × 50 pW, 16 adders ×
     * 0.685 µW, 8640 flops × 0.0226 µW, control 10 µW */
    double leak_uw = 132096 * 0.00005 + 16 * 0.685 + 8640 * 0.0226 + 10;
    cr_assert_float_eq(p.leakage_mw, leak_uw * 1e-3, 1e-12);
    cr_assert_float_eq(p.leakage_pj, leak_uw * 1e-3 * 100, 1e-9);
    cr_assert_float_eq(p.noc_pj, 0, 1e-12);
    cr_assert_float_eq(p.handshake_pj, 0, 1e-12);
    double total = 260 + mem + 1024 * 0.002 * 205 + leak_uw * 0.1;
    cr_assert_float_eq(p.energy_pj, total, 1e-9);
    cr_assert_float_eq(p.energy_pj_per_token, total / 2, 1e-9);
    cr_assert_float_eq(p.energy_pj_per_synop, total / 1280, 1e-9);
    cr_assert_float_eq(p.power_mw, total / 100, 1e-9); /* pJ/ns = mW */
    cr_assert_float_eq(p.sops, 1280, 0);
    cr_assert_float_eq(p.mac_equiv, 2.0 * 128 * 128, 0);
    double sum = 0;
    for (int i = 0; i < p.nlines; i++)
        sum += p.lines[i].energy_pj;
    cr_assert_float_eq(sum, total, 1e-9);
    power_table_free(t);
}

Test(power_energy, baseline_hand_counted)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    sim_report r = run_small();
    power_report p = price(t, &c, &r, POWER_REALISTIC);
    /* 2 tokens × 128 inputs × 128 outputs MACs, each mult8 + add32 + 32-bit write */
    cr_assert_float_eq(p.base_compute_pj, 32768 * (0.2 + 0.1 + 32 * 0.005), 1e-6);
    /* every row read: 2 × 128 × 8 words; 256 activations + 2 EOTs through the FIFO */
    double mem = 2048 * 2 * sqrt(200.0) + 256 * 0.1 + 258 * 0.32 + 128 * 64 * 0.01;
    cr_assert_float_eq(p.base_memory_pj, mem, 1e-6);
    /* latency: 2 × (128·8 + 1 + 64) cycles at 500 MHz (one accumulator bank) */
    cr_assert_float_eq(p.base_cycles, 2178, 0);
    cr_assert_float_eq(p.base_latency_ns, 4356, 1e-9);
    /* assumed areas: 16 INT8 multipliers (16 × 282 µm²) added, one accumulator
     * bank (128 × 32 flops) and the 1024 zero flags removed */
    double d = 16 * 282 - 128 * 32 * 4.522 - 1024 * 0.346 * 1.7;
    cr_assert_float_eq(p.base_area_um2 - p.area_um2, d, 1e-6);
    cr_assert_float_eq(p.energy_reduction_pct, 100 * (1 - p.energy_pj / p.base_energy_pj), 1e-9);
    cr_assert_float_eq(p.area_reduction_pct, 100 * (1 - p.area_um2 / p.base_area_um2), 1e-9);
    cr_assert(p.energy_reduction_pct > 0 && p.energy_reduction_pct < 100);
    power_table_free(t);
}

static double round_to(double x, double q)
{
    return nearbyint(x / q) * q;
}

/* SpikingBrain: 1.13 spikes × 0.03 pJ = 0.034 pJ per MAC-equivalent,
 * −85.2 % vs INT8 MAC (0.23 pJ), −97.7 % vs FP16 MAC (1.5 pJ). The figures
 * below come out of the table and the counters, none is typed in. */
Test(power_energy, ideal_mode_reproduces_spikingbrain)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    sim_report r = run_small();
    r.tokens = 100;
    r.in = 1000;
    r.out = 100;
    r.cores = 8;
    r.total.adds = 10000000;
    r.total.adds_gated = 1300000; /* 1.13 synaptic ops per MAC-equivalent */
    power_report p = price(t, &c, &r, POWER_IDEAL);
    cr_assert_float_eq(p.spikes_per_mac, 1.13, 1e-12);
    cr_assert_float_eq(p.ideal_pj_per_mac, 0.0339, 1e-12);
    cr_assert_float_eq(round_to(p.ideal_pj_per_mac, 0.001), 0.034, 1e-12);
    cr_assert_float_eq(p.int8_mac_pj, 0.23, 1e-12);
    cr_assert_float_eq(p.fp16_mac_pj, 1.5, 1e-12);
    /* the paper rounds the energy to 0.034 pJ before dividing: 85.2 %; unrounded 85.26 % */
    cr_assert_float_eq(round_to(100 * (1 - round_to(p.ideal_pj_per_mac, 0.001) / p.int8_mac_pj),
                                0.1),
                       85.2, 1e-9);
    cr_assert(fabs(p.ideal_vs_int8_pct - 85.2) < 0.1, "%g", p.ideal_vs_int8_pct);
    cr_assert_float_eq(round_to(p.ideal_vs_fp16_pct, 0.1), 97.7, 1e-9);
    cr_assert_float_eq(p.energy_pj, p.ideal_pj, 1e-9);
    cr_assert_float_eq(p.energy_pj_per_mac, p.ideal_pj_per_mac, 1e-12);
    cr_assert_float_eq(p.energy_reduction_pct, p.ideal_vs_int8_pct, 1e-9);
    /* realistic pricing of the same run costs more than the ideal; the
     * ideal report's groups hold only the ideal energy */
    cr_assert(p.realistic_pj > p.ideal_pj);
    cr_assert_float_eq(p.leakage_pj + p.clock_pj + p.noc_pj + p.dram_pj + p.handshake_pj, 0, 0);
    cr_assert_float_eq(p.dynamic_pj, p.energy_pj, 0);
    power_report q = price(t, &c, &r, POWER_REALISTIC);
    cr_assert_float_eq(q.energy_pj, p.realistic_pj, 1e-6);
    double chain = 0;
    for (int i = 0; i < p.nchain; i++)
        chain += p.chain[i].delta_pj;
    cr_assert_float_eq(chain, q.energy_pj, 1e-6);
    power_table_free(t);
}

Test(power_energy, more_spikes_never_cost_less)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    double prev = 0;
    for (int m = 1; m <= 64; m *= 2) {
        sim_report r = run_small();
        sim_counters *k = &r.total;
        k->events *= m;
        k->sram_words *= m;
        k->sram_words_skipped *= m;
        k->adds *= m;
        k->adds_gated *= m;
        k->acc_writes *= m;
        k->active += 8 * (m - 1) * 10;                     /* the extra words take cycles */
        r.duration_ns = (double)(k->active + k->idle) * 2; /* 500 MHz */
        power_report p = price(t, &c, &r, POWER_REALISTIC);
        cr_assert(p.energy_pj > prev, "x%d spikes: %g pJ <= %g pJ", m, p.energy_pj, prev);
        prev = p.energy_pj;
    }
    power_table_free(t);
}

Test(power_energy, clock_sweep_keeps_leakage_power)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    double prev_rate = 0, prev_leak = INFINITY;
    for (double f = 100; f <= 2000; f *= 2) {
        c.clock_mhz = f;
        sim_report r = run_small();
        r.duration_ns = r.duration * 1e3 / f; /* same cycles, faster clock */
        power_report p = price(t, &c, &r, POWER_REALISTIC);
        double rate = p.leakage_pj / r.duration_ns; /* pJ/ns = mW */
        cr_assert(rate >= prev_rate - 1e-12, "%g MHz: leakage %g mW fell", f, rate);
        cr_assert(p.leakage_pj < prev_leak, "%g MHz: leakage energy did not fall", f);
        prev_rate = rate;
        prev_leak = p.leakage_pj;
    }
    power_table_free(t);
}

Test(power_energy, voltage_and_node_scale_the_price)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    sim_report r = run_small();
    char *err = NULL;
    power_report a = price(t, &c, &r, POWER_REALISTIC);
    cr_assert_eq(power_table_scale(t, 45, 0.45, &err), AX_OK);
    power_report b = price(t, &c, &r, POWER_REALISTIC);
    cr_assert_float_eq(b.dynamic_pj, a.dynamic_pj * 0.25, 1e-9);
    cr_assert_float_eq(b.clock_pj, a.clock_pj * 0.25, 1e-9);
    cr_assert_float_eq(b.leakage_pj, a.leakage_pj * 0.5, 1e-9);
    cr_assert_eq(power_table_scale(t, 7, 0, &err), AX_OK);
    power_report s = price(t, &c, &r, POWER_REALISTIC);
    cr_assert(s.energy_pj < a.energy_pj && s.area_um2 < a.area_um2);
    cr_assert_eq(s.node_nm, 7);
    cr_assert(strstr(s.version, "@7nm/0.70V"));
    power_table_free(t);
}

Test(power_energy, missing_entry_with_traffic_is_an_error)
{
    /* the built-in table without its NoC energy row */
    power_table *full = builtin();
    char buf[16384];
    cr_assert_lt(strlen(power_tech_base_csv), sizeof buf);
    snprintf(buf, sizeof buf, "%s", power_tech_base_csv); /* the compiled-in CSV */
    char *row = strstr(buf, "\nnoc,bit_hop,");
    cr_assert_not_null(row);
    char *end = strchr(row + 1, '\n');
    memmove(row, end, strlen(end) + 1);
    power_table *t = NULL;
    char *err = NULL;
    cr_assert_eq(power_table_parse(buf, strlen(buf), "cut.csv", &t, &err), AX_OK, "%s", err);
    sim_config c = cfg_default();
    sim_report r = run_small();
    power_report p;
    /* no flits: no entry needed */
    cr_assert_eq(power_price(t, &c, &r, POWER_REALISTIC, &p, &err), AX_OK, "%s", err);
    r.total.flits = 4;
    r.total.flit_hops = 12;
    cr_assert_eq(power_price(t, &c, &r, POWER_REALISTIC, &p, &err), AX_ENOTFOUND);
    cr_assert(strstr(err, "'noc'") && strstr(err, "'bit_hop'"), "%s", err);
    free(err);
    power_table_free(t);
    power_table_free(full);
}

Test(power_energy, async_pays_handshakes_not_clock)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    c.timing = SIM_ASYNC;
    sim_report r = run_small();
    r.timing = SIM_ASYNC;
    r.total.handshakes = 100;
    power_report p4 = price(t, &c, &r, POWER_REALISTIC);
    cr_assert_float_eq(p4.clock_pj, 0, 0);
    cr_assert_float_eq(p4.handshake_pj, 100 * 0.06, 1e-9);
    c.handshake = SIM_HS_2PHASE;
    power_report p2 = price(t, &c, &r, POWER_REALISTIC);
    cr_assert_float_eq(p2.handshake_pj, 100 * 0.03, 1e-9);
    power_table_free(t);
}

Test(power_area, sram_dominates_and_synthesis_replaces_assumptions)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    power_report p;
    memset(&p, 0, sizeof p);
    char *err = NULL;
    cr_assert_eq(power_area(t, &c, 4, &p, &err), AX_OK);
    double sram = (131072 + 1024) * 0.346 * 1.7;
    cr_assert_float_eq(p.sram_area_um2, 4 * sram, 1e-6);
    cr_assert_float_eq(p.area_mm2, p.area_um2 * 1e-6, 1e-15);
    cr_assert_eq(p.area_synthesized, 0);
    char path[] = "/tmp/axon_synth_XXXXXX";
    int fd = mkstemp(path);
    const char *csv = "module,parameters,cells,area_um2\n"
                      "axon_acc,\"C=32 L=8 A=32 NB=2\",1000,100000\n"
                      "axon_fifo,F=8,IW=8,100,19000\n"
                      "axon_readout,C=32 A=32 RB=64,50,38000\n"
                      "axon_ctrl,,40,1900\n"
                      "axon_mac_baseline,C=32 A=32 NB=2,2000,200000\n";
    cr_assert_eq(write(fd, csv, strlen(csv)), (ssize_t)strlen(csv));
    close(fd);
    cr_assert_eq(power_table_load_synth(t, path, &err), AX_OK, "%s", err ? err : "");
    unlink(path);
    cr_assert(power_table_has_synth(t));
    power_report q;
    memset(&q, 0, sizeof q);
    cr_assert_eq(power_area(t, &c, 1, &q, &err), AX_OK);
    cr_assert_eq(q.area_synthesized, 1);
    /* 180 → 45 nm: / 19; acc ×4 (C 32→128), fifo ×1, readout ×4, ctrl ×1, + read pipe */
    double logic = (100000 * 4 + 19000 + 38000 * 4 + 1900) / 19.0 + 16 * 8 * 4.522;
    cr_assert_float_eq(q.logic_area_um2, logic, 1e-6);
    /* the rtl/synth form: the core's parameters on every row, banks from DB */
    const char *core = "module,parameters,cells,area_um2\n"
                       "axon_core,R=16 C=16 L=4 LS=1 F=8 A=32 RB=64 DB=1 GATE=1,9192,342104.0\n"
                       "axon_fifo,R=16 C=16 L=4 LS=1 F=8 A=32 RB=64 DB=1 GATE=1,453,20920.0\n"
                       "axon_ctrl,R=16 C=16 L=4 LS=1 F=8 A=32 RB=64 DB=1 GATE=1,158,6503.0\n"
                       "axon_acc,R=16 C=16 L=4 LS=1 F=8 A=32 RB=64 DB=1 GATE=1,7950,296817.0\n"
                       "axon_readout,R=16 C=16 L=4 LS=1 F=8 A=32 RB=64 DB=1 GATE=1,630,17864.0\n"
                       "axon_mac_baseline,C=16 L=4 A=32 RB=64,4777,181719.0\n";
    extern ax_result power_synth_parse(power_table *, const char *, size_t, const char *, char **);
    cr_assert_eq(power_synth_parse(t, core, strlen(core), "core.csv", &err), AX_OK);
    c.double_buffer = 0; /* one bank: the acc area halves */
    memset(&q, 0, sizeof q);
    cr_assert_eq(power_area(t, &c, 1, &q, &err), AX_OK);
    logic = (296817.0 * 8 / 2 + 20920 + 17864.0 * 8 + 6503) / 19.0 + 16 * 8 * 4.522;
    cr_assert_float_eq(q.logic_area_um2, logic, 1e-6);
    power_table_free(t);
}

Test(power_report, writers_carry_units_and_the_chain_adds_up)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    sim_report r = run_small();
    power_report p = price(t, &c, &r, POWER_REALISTIC);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    power_print(f, &p);
    power_explain(f, &p);
    fclose(f);
    cr_assert(strstr(buf, "energy (pJ)") && strstr(buf, "power, common throughput (mW)") &&
                  strstr(buf, "area (mm2)") && strstr(buf, "dense INT8"),
              "%s", buf);
    cr_assert(strstr(buf, "+ SRAM word granularity") && strstr(buf, "+ leakage") &&
                  strstr(buf, "= realistic"),
              "%s", buf);
    free(buf);
    /* the explain chain: ideal + each overhead = realistic */
    double chain = 0;
    for (int i = 0; i < p.nchain; i++)
        chain += p.chain[i].delta_pj;
    cr_assert_float_eq(p.chain[0].delta_pj, p.ideal_pj, 1e-12);
    cr_assert_float_eq(chain, p.realistic_pj, 1e-9);
    cr_assert_float_eq(p.realistic_pj, p.energy_pj, 1e-9);
    power_table_free(t);
}

/* 2 tokens of a 256×256 layer on a 2×2 chip: event multicast hops and the
 * readout/reduction hops are priced at their own payload widths. */
Test(power_energy, noc_hand_counted_on_four_cores)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    sim_report r = run_small();
    r.in = r.out = 256;
    r.cores = 4;
    r.mesh_w = r.mesh_h = 2;
    r.total.events = 20;          /* 10 per row-block, accepted by both of its cores */
    r.total.eots = 8;             /* 2 tokens × 4 cores */
    r.total.flit_hops = 14 + 256; /* (20 + 8)/2 multicast hops + 2 tokens × 2 columns × 64 beats */
    r.total.reduce_adds = 512;
    power_report p = price(t, &c, &r, POWER_REALISTIC);
    cr_assert_float_eq(p.noc_pj, 14 * 32 * 0.15 + 256 * 64 * 0.15 + 512 * 0.1, 1e-9);
    /* baseline: every activation and one EOT per token and row-block crosses one hop */
    cr_assert_float_eq(p.base_noc_pj, 2 * (256 + 2) * 32 * 0.15 + 256 * 64 * 0.15 + 512 * 0.1,
                       1e-9);
    power_table_free(t);
}

Test(power_area, synthesis_csv_errors_name_the_line)
{
    power_table *t = builtin();
    char path[] = "/tmp/axon_synth_XXXXXX";
    int fd = mkstemp(path);
    const char *csv = "module,parameters,cells,area_um2\naxon_acc,C=32,10,12x\n";
    cr_assert_eq(write(fd, csv, strlen(csv)), (ssize_t)strlen(csv));
    close(fd);
    char *err = NULL;
    cr_assert_eq(power_table_load_synth(t, path, &err), AX_EFORMAT);
    cr_assert(strstr(err, ":2:") && strstr(err, "12x"), "%s", err);
    free(err);
    unlink(path);
    power_table_free(t);
}

/* DRAM streaming: each fetched burst costs its 64-bit DRAM reads and the
 * write into the core's weight buffer; the dense baseline fetches every
 * burst, the skipped ones included. */
Test(power_energy, dram_bursts_hand_counted)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    sim_report r = run_small();
    r.total.dram_bursts = 10;
    r.total.dram_bursts_skipped = 5;
    power_report p = price(t, &c, &r, POWER_REALISTIC);
    double per_burst = 8 * (1950 + sqrt(200.0)); /* 64 bytes = 8 × 64 bit */
    cr_assert_float_eq(p.dram_pj, 10 * per_burst, 1e-9);
    sim_report r0 = run_small();
    power_report q = price(t, &c, &r0, POWER_REALISTIC);
    cr_assert_float_eq(p.base_realistic_pj - q.base_realistic_pj, 15 * per_burst, 1e-6);
    power_table_free(t);
}
