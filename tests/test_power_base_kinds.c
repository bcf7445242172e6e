/* Unit tests of the baselines (power/power_base_kinds.c, docs/power.md
 * "Baselines"): activation statistics counted by hand, each kind reduced to
 * the dense one where its circuit does the same work (zero-skip on activations
 * without a zero, wide at the dense lane count), zero-skip gaining exactly the
 * silent activations, bit-serial paying per set bit and per bit-plane, the
 * wide baseline's lanes matched to the spiking latency, and the MAC tile area
 * taken part by part from synthesis rows (the multiplier never scaled by A). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../power/power.h"
#include "power_fixture.h"

static power_report price_kind(const power_table *t, const sim_config *c, const sim_report *r,
                               power_base_kind kind, int lanes, const power_act_stats *a)
{
    power_report p;
    char *err = NULL;
    cr_assert_eq(power_price(t, c, r, POWER_REALISTIC, &p, &err), AX_OK, "%s", err ? err : "");
    power_base_spec b = {kind, lanes, a};
    cr_assert_eq(power_baseline_kind(t, c, r, &b, &p, &err), AX_OK, "%s", err ? err : "");
    return p;
}

/* counts[2][128]: token 0 all 3 (0b11), token 1 half zero, half -5 (0b101) */
static void counts_small(int32_t *x)
{
    for (int i = 0; i < 128; i++) {
        x[i] = 3;
        x[128 + i] = i % 2 ? -5 : 0;
    }
}

/* counts_small and its activation statistics (2 tokens x 128 axons, 128-row tiles). */
static void stats_small(int32_t *x, power_act_stats *s)
{
    counts_small(x);
    cr_assert_eq(power_act_stats_compute(x, 2, 128, 128, s, NULL), AX_OK);
}

Test(power_base_kinds, names_round_trip)
{
    const char *names[] = {"dense", "zero-skip", "bit-serial", "wide"};
    for (int i = 0; i < 4; i++) {
        power_base_kind k;
        cr_assert_eq(power_base_kind_parse(names[i], &k), 0);
        cr_assert_eq((int)k, i);
        cr_assert_str_eq(power_base_kind_name(k), names[i]);
    }
    power_base_kind k;
    cr_assert_eq(power_base_kind_parse("bitserial", &k), -1);
    cr_assert_str_eq(POWER_BASE_KINDS, "dense|zero-skip|bit-serial|wide");
}

Test(power_base_kinds, activation_stats_by_hand)
{
    int32_t x[256];
    power_act_stats s;
    stats_small(x, &s);
    cr_assert_float_eq(s.acts, 256, 0);
    cr_assert_float_eq(s.nonzero, 192, 0);
    cr_assert_float_eq(s.ones, 128 * 2 + 64 * 2, 0);
    cr_assert_eq(s.planes, 3); /* |-5| = 0b101 */
    cr_assert_float_eq(s.rows_busy, 256, 0);
    cr_assert_float_eq(s.nz_busy, 192, 0);
    /* two row-blocks of 64: the busiest one per token */
    cr_assert_eq(power_act_stats_compute(x, 2, 128, 64, &s, NULL), AX_OK);
    cr_assert_float_eq(s.rows_busy, 128, 0);
    cr_assert_float_eq(s.nz_busy, 64 + 32, 0);
    /* all zero: one plane, nothing set */
    int32_t z[4] = {0, 0, 0, 0};
    cr_assert_eq(power_act_stats_compute(z, 1, 4, 4, &s, NULL), AX_OK);
    cr_assert_eq(s.planes, 1);
    cr_assert_float_eq(s.ones + s.nonzero, 0, 0);
}

Test(power_base_kinds, zero_skip_without_zeros_is_dense)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    sim_report r = run_small();
    int32_t x[256];
    for (int i = 0; i < 256; i++)
        x[i] = 1 + i % 7;
    power_act_stats s;
    cr_assert_eq(power_act_stats_compute(x, 2, 128, 128, &s, NULL), AX_OK);
    power_report d = price_kind(t, &c, &r, POWER_BASE_DENSE, 0, &s);
    power_report z = price_kind(t, &c, &r, POWER_BASE_ZERO_SKIP, 0, &s);
    power_report w = price_kind(t, &c, &r, POWER_BASE_WIDE, 16, &s);
    cr_assert_float_eq(z.base_energy_pj, d.base_energy_pj, 1e-9 * d.base_energy_pj);
    cr_assert_float_eq(z.base_latency_ns, d.base_latency_ns, 1e-9);
    cr_assert_float_eq(w.base_energy_pj, d.base_energy_pj, 1e-9 * d.base_energy_pj);
    cr_assert_float_eq(w.base_area_um2, d.base_area_um2, 1e-6);
    cr_assert_float_eq(z.energy_reduction_pct, d.energy_reduction_pct, 1e-9);
    cr_assert_eq(z.base_kind, POWER_BASE_ZERO_SKIP);
    power_table_free(t);
}

Test(power_base_kinds, zero_skip_saves_exactly_the_silent_activations)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    sim_report r = run_small();
    int32_t x[256];
    power_act_stats s;
    stats_small(x, &s); /* 64 of 256 activations zero */
    power_report d = price_kind(t, &c, &r, POWER_BASE_DENSE, 0, &s);
    power_report z = price_kind(t, &c, &r, POWER_BASE_ZERO_SKIP, 0, &s);
    /* compute and the row reads scale by 192 / 256; the busy cycles lose 64 rows x 8 words */
    cr_assert_float_eq(z.base_compute_pj, d.base_compute_pj * 192 / 256, 1e-6);
    cr_assert_float_eq(z.base_cycles, d.base_cycles - 64 * 8, 1e-9);
    cr_assert_float_eq(z.base_sram_pj, d.base_sram_pj * 192 / 256, 1e-6);
    cr_assert_lt(z.base_energy_pj, d.base_energy_pj);
    cr_assert_lt(z.energy_reduction_pct, d.energy_reduction_pct);
    power_table_free(t);
}

Test(power_base_kinds, bit_serial_pays_per_set_bit_and_per_plane)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    sim_report r = run_small();
    int32_t x[256];
    power_act_stats s;
    stats_small(x, &s);
    power_report b = price_kind(t, &c, &r, POWER_BASE_BIT_SERIAL, 0, &s);
    /* adds = 384 set bits x 128 outputs, each add32 + 32-bit write, no multiplier;
     * gated lanes cost 0 in the base table */
    cr_assert_float_eq(b.base_compute_pj, 384.0 * 128 * (0.1 + 32 * 0.005), 1e-6);
    /* 3 planes: every row read once (256 x 8 words), 3 cycles per word, + Ls + 64 beats per token */
    cr_assert_float_eq(b.base_cycles, 256.0 * 8 * 3 + 2 * (1 + 64), 1e-9);
    cr_assert_eq(b.base_planes, 3);
    /* one more set bit per activation costs adds, not cycles */
    for (int i = 0; i < 256; i++)
        x[i] = x[i] == 3 ? 7 : x[i];
    power_act_stats s2;
    cr_assert_eq(power_act_stats_compute(x, 2, 128, 128, &s2, NULL), AX_OK);
    power_report b2 = price_kind(t, &c, &r, POWER_BASE_BIT_SERIAL, 0, &s2);
    cr_assert_float_eq(b2.base_compute_pj - b.base_compute_pj, 128.0 * 128 * (0.1 + 32 * 0.005),
                       1e-6);
    cr_assert_float_eq(b2.base_cycles, b.base_cycles, 0);
    /* no multipliers in its area (assumed: 16 x 282 um2 less than dense) */
    power_report d = price_kind(t, &c, &r, POWER_BASE_DENSE, 0, &s);
    cr_assert_float_eq(d.base_area_um2 - b.base_area_um2, 16 * 282.0, 1e-6);
    power_table_free(t);
}

Test(power_base_kinds, wide_matches_the_spiking_latency)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    sim_report r = run_small();
    int32_t x[256];
    power_act_stats s;
    stats_small(x, &s);
    /* dense needs 2 x (128 x 8 + 1 + 64) cycles = 4356 ns; give the spiking run 1500 ns */
    r.duration_ns = 1500;
    power_report w = price_kind(t, &c, &r, POWER_BASE_WIDE, 0, &s);
    /* the fewest lanes L with 2 x (128 x ceil(128/L) + 65) x 2 ns <= 1500: ceil(128/L) <= 2 -> L = 64 */
    cr_assert_eq(w.base_lanes, 64);
    cr_assert_leq(w.base_latency_ns, 1500);
    power_report w1 = price_kind(t, &c, &r, POWER_BASE_WIDE, 63, &s);
    cr_assert_gt(w1.base_latency_ns, 1500);
    /* slower spiking run: fewer lanes than the dense 16 */
    r.duration_ns = 1e6;
    w = price_kind(t, &c, &r, POWER_BASE_WIDE, 0, &s);
    cr_assert_eq(w.base_lanes, 1);
    power_table_free(t);
}

Test(power_base_kinds, needs_activation_stats)
{
    power_table *t = builtin();
    sim_config c = cfg_default();
    sim_report r = run_small();
    power_report p;
    char *err = NULL;
    cr_assert_eq(power_price(t, &c, &r, POWER_REALISTIC, &p, &err), AX_OK);
    power_base_spec b = {POWER_BASE_ZERO_SKIP, 0, NULL};
    cr_assert_eq(power_baseline_kind(t, &c, &r, &b, &p, &err), AX_EPARAM);
    cr_assert(strstr(err, "zero-skip"), "%s", err);
    free(err);
    power_table_free(t);
}

/* synthesis rows of one dense and one bit-serial set (made-up areas at 180 nm) */
static const char SYN[] = "module,parameters,cells,area_um2\n"
                          "axon_core,R=8 C=8,1,1000\naxon_fifo,F=8,1,100\naxon_ctrl,X=1,1,50\n"
                          "axon_acc,C=8 A=32 NB=2,1,600\naxon_readout,C=8 A=32,1,200\n"
                          "axon_mac_baseline,C=128 L=16 A=32 RB=64 ZS=0,1,19000\n"
                          "axon_mac_baseline.mul,C=128 L=16 A=32 RB=64 ZS=0,1,1600\n"
                          "axon_mac_baseline.add,C=128 L=16 A=32 RB=64 ZS=0,1,3200\n"
                          "axon_mac_baseline.readout,C=128 L=16 A=32 RB=64 ZS=0,1,2000\n"
                          "axon_mac_baseline.acc,C=128 L=16 A=32 RB=64 ZS=0,1,12200\n"
                          "axon_mac_bitserial,C=128 L=16 A=32 RB=64 P=5,1,16000\n"
                          "axon_mac_bitserial.lane,C=128 L=16 A=32 RB=64 P=5,1,1800\n"
                          "axon_mac_bitserial.readout,C=128 L=16 A=32 RB=64 P=5,1,2000\n"
                          "axon_mac_bitserial.acc,C=128 L=16 A=32 RB=64 P=5,1,12200\n";

/* Loads a synthesis table given as CSV text into t (through a temporary file,
 * as power_table_load_synth reads a path). */
static void load_synth(power_table *t, const char *csv)
{
    char path[] = "/tmp/axon_syn_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    size_t n = strlen(csv);
    cr_assert_eq(write(fd, csv, n), (ssize_t)n);
    close(fd);
    char *err = NULL;
    cr_assert_eq(power_table_load_synth(t, path, &err), AX_OK, "%s", err ? err : "");
    unlink(path);
}

Test(power_base_kinds, mac_area_exact_or_per_part)
{
    power_table *t = builtin();
    load_synth(t, SYN);
    sim_config c = cfg_default();
    sim_report r = run_small();
    int32_t x[256];
    power_act_stats s;
    stats_small(x, &s);
    power_report d = price_kind(t, &c, &r, POWER_BASE_DENSE, 0, &s);
    cr_assert_eq(d.base_area_exact, 1);
    /* A = 16: multipliers unchanged, adders, accumulators and readout halved */
    sim_config c16 = c;
    c16.acc_bits = 16;
    power_report h = price_kind(t, &c16, &r, POWER_BASE_DENSE, 0, &s);
    cr_assert_eq(h.base_area_exact, 0);
    double s45 = 1.0 / 19; /* 180 nm -> 45 nm area factor of [SB17] */
    double mac32 = 19000 * s45, mac16 = (1600 + 3200 / 2.0 + (12200 + 2000) / 2.0) * s45;
    double other16 = h.base_area_um2 - mac16, other32 = d.base_area_um2 - mac32;
    /* the rest of the tile (SRAM, FIFO, control, pipe) does not depend on A */
    cr_assert_float_eq(other16, other32, 1e-6);
    /* bit-serial at P = 5: exact, its tile in place of the dense one */
    power_report b = price_kind(t, &c, &r, POWER_BASE_BIT_SERIAL, 0, &s); /* P = 3 */
    cr_assert_eq(b.base_area_exact, 0);
    for (int i = 0; i < 256; i++)
        x[i] = x[i] ? 17 : 0; /* 5 planes */
    cr_assert_eq(power_act_stats_compute(x, 2, 128, 128, &s, NULL), AX_OK);
    b = price_kind(t, &c, &r, POWER_BASE_BIT_SERIAL, 0, &s);
    cr_assert_eq(b.base_area_exact, 1);
    cr_assert_float_eq(d.base_area_um2 - b.base_area_um2, (19000 - 16000) * s45, 1e-6);
    power_table_free(t);
}

/* The area by part of a non-dense baseline is its own tile's (the synthesis
 * rows of its kind at its parameters), in the fair figures as in the total:
 * bit-serial's shift-add lanes, accumulators and readout replace the dense
 * tile's multipliers + adders; the logic-only and datapath-only reductions
 * follow. A report that kept the dense split for every kind fails here. */
Test(power_base_kinds, area_parts_are_the_kinds_own)
{
    power_table *t = builtin();
    load_synth(t, SYN);
    sim_config c = cfg_default();
    sim_report r = run_small();
    int32_t x[256];
    counts_small(x);
    for (int i = 0; i < 256; i++)
        x[i] = x[i] ? 17 : 0; /* 5 planes: the bit-serial set of SYN */
    power_act_stats s;
    cr_assert_eq(power_act_stats_compute(x, 2, 128, 128, &s, NULL), AX_OK);
    double s45 = 1.0 / 19;
    power_report d = price_kind(t, &c, &r, POWER_BASE_DENSE, 0, &s);
    power_report b = price_kind(t, &c, &r, POWER_BASE_BIT_SERIAL, 0, &s);
    cr_assert_eq(b.base_planes, 5);
    cr_assert_eq(b.base_area_exact, 1);
    const struct power_area_parts *pd = &d.base_area_parts, *pb = &b.base_area_parts;
    /* dense: 16 multipliers + 16 adders, accumulators, readout of its rows */
    cr_assert_float_eq(pd->lanes_um2, (1600 + 3200) * s45, 1e-9);
    cr_assert_float_eq(pd->acc_um2, 12200 * s45, 1e-9);
    cr_assert_float_eq(pd->readout_um2, 2000 * s45, 1e-9);
    /* bit-serial: its shift-add lanes, accumulators and readout */
    cr_assert_float_eq(pb->lanes_um2, 1800 * s45, 1e-9);
    cr_assert_float_eq(pb->acc_um2, 12200 * s45, 1e-9);
    cr_assert_float_eq(pb->readout_um2, 2000 * s45, 1e-9);
    cr_assert_float_eq(pb->datapath_um2, 16000 * s45, 1e-9);
    /* the rest of the tile is shared; the parts add up to the priced total */
    cr_assert_float_eq(pd->logic_um2 - pb->logic_um2, (19000 - 16000) * s45, 1e-9);
    cr_assert_float_eq(pb->total_um2, b.base_area_um2, 1e-9);
    cr_assert_float_eq(pd->total_um2, d.base_area_um2, 1e-9);
    cr_assert_float_eq(b.logic_area_reduction_pct,
                       100 * (1 - b.area_parts.logic_um2 / pb->logic_um2), 1e-9);
    cr_assert_float_eq(b.datapath_area_reduction_pct,
                       100 * (1 - b.area_parts.datapath_um2 / (16000 * s45)), 1e-9);
    cr_assert(b.logic_area_reduction_pct < d.logic_area_reduction_pct);
    /* wide at 8 lanes, synthesized at 16: multipliers by L, adders by L·A */
    power_report w = price_kind(t, &c, &r, POWER_BASE_WIDE, 8, &s);
    cr_assert_eq(w.base_lanes, 8);
    cr_assert_eq(w.base_area_exact, 0);
    cr_assert_float_eq(w.base_area_parts.lanes_um2, (1600 + 3200) / 2.0 * s45, 1e-9);
    cr_assert_float_eq(w.base_area_parts.total_um2, w.base_area_um2, 1e-9);
    /* no synthesis rows: assumed areas, bit-serial without the multipliers */
    power_table *a = builtin();
    d = price_kind(a, &c, &r, POWER_BASE_DENSE, 0, &s);
    b = price_kind(a, &c, &r, POWER_BASE_BIT_SERIAL, 0, &s);
    cr_assert_float_eq(d.base_area_parts.lanes_um2, 16 * (137.0 + 282.0), 1e-6);
    cr_assert_float_eq(b.base_area_parts.lanes_um2, 16 * 137.0, 1e-6);
    cr_assert_float_eq(b.base_area_parts.total_um2, b.base_area_um2, 1e-6);
    power_table_free(a);
    power_table_free(t);
}

/* --batch-tokens N: one word read serves the batch's N tokens in every
 * baseline that can batch — bit-serial and wide save what the dense tile
 * saves (words / N), zero-skip reads a row once per batch holding a nonzero
 * activation there — and zero-skip without the batch statistics is refused. */
Test(power_base_kinds, batch_tokens_share_row_reads)
{
    power_table *t = builtin();
    sim_config c1 = cfg_default(), c2 = c1;
    c1.row_reuse = c2.row_reuse = 1;
    c2.batch_tokens = 2;
    sim_report r = run_small();
    int32_t x[256];
    power_act_stats s;
    stats_small(x, &s); /* token 0 all nonzero, token 1 half zero */
    /* zero-skip needs the batch's statistics */
    power_report p;
    char *err = NULL;
    cr_assert_eq(power_price(t, &c2, &r, POWER_REALISTIC, &p, &err), AX_OK, "%s", err ? err : "");
    power_base_spec zs = {POWER_BASE_ZERO_SKIP, 0, &s};
    cr_assert_eq(power_baseline_kind(t, &c2, &r, &zs, &p, &err), AX_EPARAM);
    cr_assert(strstr(err, "power_act_stats_batch"), "%s", err);
    free(err);
    cr_assert_eq(power_act_stats_batch(x, 2, 128, 2, &s, NULL), AX_OK);
    cr_assert_eq(s.batch, 2);
    cr_assert_float_eq(s.nz_batched, 128, 0); /* every input nonzero in token 0 */
    double dd = price_kind(t, &c1, &r, POWER_BASE_DENSE, 0, &s).base_sram_pj -
                price_kind(t, &c2, &r, POWER_BASE_DENSE, 0, &s).base_sram_pj;
    double db = price_kind(t, &c1, &r, POWER_BASE_BIT_SERIAL, 0, &s).base_sram_pj -
                price_kind(t, &c2, &r, POWER_BASE_BIT_SERIAL, 0, &s).base_sram_pj;
    double dw = price_kind(t, &c1, &r, POWER_BASE_WIDE, 16, &s).base_sram_pj -
                price_kind(t, &c2, &r, POWER_BASE_WIDE, 16, &s).base_sram_pj;
    double dz = price_kind(t, &c1, &r, POWER_BASE_ZERO_SKIP, 0, &s).base_sram_pj -
                price_kind(t, &c2, &r, POWER_BASE_ZERO_SKIP, 0, &s).base_sram_pj;
    cr_assert_gt(dd, 0);
    cr_assert_float_eq(db, dd, 1e-9 * dd); /* 256 → 128 row reads, as dense */
    cr_assert_float_eq(dw, dd, 1e-9 * dd);
    cr_assert_float_eq(dz, dd / 2, 1e-9 * dd); /* 192 → 128 row reads */
    /* the compute and the cycles do not change */
    power_report b1 = price_kind(t, &c1, &r, POWER_BASE_BIT_SERIAL, 0, &s),
                 b2 = price_kind(t, &c2, &r, POWER_BASE_BIT_SERIAL, 0, &s);
    cr_assert_float_eq(b1.base_compute_pj, b2.base_compute_pj, 0);
    cr_assert_float_eq(b1.base_cycles, b2.base_cycles, 0);
    power_table_free(t);
}

/* The row-reuse core synthesized at exactly the run's tile (rows
 * axon_core_row_reuse.* of rtl/synth/core_synth.sh) replaces the spiking
 * core's synthesized parts and the assumed row-register flops; at another
 * tile (or without row reuse) the core's rows and the assumed flops stand. */
static const char SYN_RR[] =
    "module,parameters,cells,area_um2\n"
    "axon_core,R=128 C=128,1,1000\naxon_fifo,F=8,1,100\naxon_ctrl,X=1,1,50\n"
    "axon_acc,C=128 A=32 NB=2,1,600\naxon_readout,C=128 A=32,1,200\n"
    "axon_core_row_reuse,R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1,1,1900\n"
    "axon_core_row_reuse.acc,R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1,1,610\n"
    "axon_core_row_reuse.fifo,R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1,1,110\n"
    "axon_core_row_reuse.readout,R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1,1,210\n"
    "axon_core_row_reuse.ctrl,R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1,1,70\n"
    "axon_core_row_reuse.top,R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1,1,900\n";

Test(power_base_kinds, row_reuse_core_area_from_its_own_synthesis)
{
    power_table *t = builtin();
    load_synth(t, SYN_RR);
    char *err = NULL;
    sim_config c = cfg_default();
    c.row_reuse = 1;
    sim_report r = run_small();
    power_report p;
    cr_assert_eq(power_price(t, &c, &r, POWER_REALISTIC, &p, &err), AX_OK, "%s", err ? err : "");
    double s45 = 1.0 / 19, bit = 4.522; /* read pipe: 16 × 8 × 1 assumed flops */
    const struct power_area_parts *a = &p.area_parts;
    cr_assert_eq(p.area_synthesized, 1);
    cr_assert_float_eq(a->acc_um2, 610 * s45, 1e-9);
    cr_assert_float_eq(a->fifo_um2, 110 * s45, 1e-9);
    cr_assert_float_eq(a->readout_um2, 210 * s45, 1e-9);
    cr_assert_float_eq(a->control_um2, 70 * s45, 1e-9);
    cr_assert_float_eq(a->pipe_um2, 16 * 8 * bit + 900 * s45, 1e-9);
    cr_assert_float_eq(a->logic_um2, 1900 * s45 + 16 * 8 * bit, 1e-9);
    /* another tile: the core's own rows, scaled, and the assumed row register */
    sim_config c8 = c;
    c8.lanes = 8;
    cr_assert_eq(power_price(t, &c8, &r, POWER_REALISTIC, &p, &err), AX_OK, "%s", err ? err : "");
    cr_assert_float_eq(p.area_parts.acc_um2, 600 * s45, 1e-9);
    cr_assert_float_eq(p.area_parts.pipe_um2, 8 * 8 * bit + 16 * 8 * 8 * bit, 1e-9);
    power_table_free(t);
}

/* Off the synthesized parameters, a kind's tile is scaled from a set of the
 * same kind (zero-skip from a ZS=1 set, not from the dense one before it). */
Test(power_base_kinds, scaled_from_a_set_of_the_same_kind)
{
    static const char syn[] = "module,parameters,cells,area_um2\n"
                              "axon_core,R=8 C=8,1,1000\naxon_fifo,F=8,1,100\naxon_ctrl,X=1,1,50\n"
                              "axon_acc,C=8 A=32 NB=2,1,600\naxon_readout,C=8 A=32,1,200\n"
                              "axon_mac_baseline,C=128 L=16 A=32 RB=64 ZS=0,1,19000\n"
                              "axon_mac_baseline.mul,C=128 L=16 A=32 RB=64 ZS=0,1,1600\n"
                              "axon_mac_baseline.add,C=128 L=16 A=32 RB=64 ZS=0,1,3200\n"
                              "axon_mac_baseline.readout,C=128 L=16 A=32 RB=64 ZS=0,1,2000\n"
                              "axon_mac_baseline.acc,C=128 L=16 A=32 RB=64 ZS=0,1,12200\n"
                              "axon_mac_baseline,C=128 L=16 A=32 RB=64 ZS=1,1,21000\n"
                              "axon_mac_baseline.mul,C=128 L=16 A=32 RB=64 ZS=1,1,1600\n"
                              "axon_mac_baseline.add,C=128 L=16 A=32 RB=64 ZS=1,1,3200\n"
                              "axon_mac_baseline.readout,C=128 L=16 A=32 RB=64 ZS=1,1,2000\n"
                              "axon_mac_baseline.acc,C=128 L=16 A=32 RB=64 ZS=1,1,14200\n";
    power_table *t = builtin();
    load_synth(t, syn);
    sim_config c = cfg_default();
    c.acc_bits = 16;
    sim_report r = run_small();
    int32_t x[256];
    power_act_stats s;
    stats_small(x, &s);
    power_report d = price_kind(t, &c, &r, POWER_BASE_DENSE, 0, &s);
    power_report z = price_kind(t, &c, &r, POWER_BASE_ZERO_SKIP, 0, &s);
    cr_assert_eq(z.base_area_exact, 0);
    double s45 = 1.0 / 19;
    cr_assert_float_eq(d.base_area_parts.acc_um2, 12200 / 2.0 * s45, 1e-9);
    cr_assert_float_eq(z.base_area_parts.acc_um2, 14200 / 2.0 * s45, 1e-9);
    cr_assert_float_eq(z.base_area_um2 - d.base_area_um2, 2000 / 2.0 * s45, 1e-9);
    power_table_free(t);
}

/* Token batches (docs/power.md "Row reuse and token batches"): N tokens hold N
 * accumulator sets per bank. The batched core synthesized at exactly NT = N is
 * used as is; another N is the unbatched core's synthesis plus N - 1 sets at the
 * per-bit cost of a synthesized NT pair (here (1524 - 500) / (2 banks x 32 x 32 bits)
 * = 0.5 um2 at 180 nm), never the whole accumulator group scaled by N; the dense
 * baseline (one bank) gains the same N - 1 sets. */
static const char SYN_NT[] =
    "axon_core_row_reuse.acc,R=32 C=32 L=8 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1,1,500\n"
    "axon_core_row_reuse.acc,R=32 C=32 L=8 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1 NT=2,1,1524\n"
    "axon_core_row_reuse,R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1 NT=4,1,4000\n"
    "axon_core_row_reuse.acc,R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1 NT=4,1,2000\n"
    "axon_core_row_reuse.fifo,R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1 NT=4,1,120\n"
    "axon_core_row_reuse.readout,R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1 "
    "NT=4,1,220\n"
    "axon_core_row_reuse.ctrl,R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1 NT=4,1,80\n"
    "axon_core_row_reuse.top,R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1 NT=4,1,950\n";

Test(power_base_kinds, batch_accumulator_sets_priced)
{
    char csv[4096];
    snprintf(csv, sizeof csv, "%s%s%s", SYN_RR, strchr(SYN, '\n') + 1, SYN_NT);
    power_table *t = builtin();
    load_synth(t, csv);
    sim_config c = cfg_default();
    c.row_reuse = 1;
    sim_report r = run_small();
    int32_t x[256];
    power_act_stats s;
    stats_small(x, &s);
    double s45 = 1.0 / 19, set = 128 * 32 * 0.5; /* one set of 128 x 32 bits, um2 at 180 nm */
    power_report p1 = price_kind(t, &c, &r, POWER_BASE_DENSE, 0, &s);
    cr_assert_float_eq(p1.area_parts.acc_um2, 610 * s45, 1e-9);
    c.batch_tokens = 4; /* synthesized at NT = 4 */
    power_report p4 = price_kind(t, &c, &r, POWER_BASE_DENSE, 0, &s);
    cr_assert_float_eq(p4.area_parts.acc_um2, 2000 * s45, 1e-9);
    cr_assert_float_eq(p4.area_parts.control_um2, 80 * s45, 1e-9);
    c.batch_tokens = 8; /* estimated: 7 more sets per bank, two banks */
    power_report p8 = price_kind(t, &c, &r, POWER_BASE_DENSE, 0, &s);
    cr_assert_float_eq(p8.area_parts.acc_um2, (610 + 7 * 2 * set) * s45, 1e-6);
    cr_assert_float_eq(p8.area_parts.control_um2, 70 * s45, 1e-9, "the unbatched core's ctrl");
    cr_assert_float_eq(p8.base_area_um2 - p1.base_area_um2, 7 * set * s45, 1e-6,
                       "the dense baseline's one bank holds 8 sets too");
    cr_assert_float_eq(p4.base_area_um2 - p1.base_area_um2, 3 * set * s45, 1e-6);
    power_table_free(t);
}
