/*
 * power_base — the dense INT8 baseline: the same tile (R × C weights in the
 * same SRAM macro, SRAM word = L weights, C accumulators of A bits, same
 * FIFO, readout and mesh) run as a clocked MAC array at the same clock that
 * multiplies every activation, zero or not. Its L lanes are L INT8 MAC units
 * (int8 multiplier + A-bit adder): the "lanes-equivalent" of the spiking
 * core's L adders, so both read the same L weights per cycle.
 *
 * Per token, every input activation i of the layer is delivered to the
 * ⌈out/C⌉ cores of its row-block, which each read row i (⌈C_used/L⌉ words,
 * one per cycle) and do C_used MACs:
 *   words  = tokens · in · Σ_cb ⌈C_used(cb)/L⌉,   MACs = tokens · in · out
 *   energy = MACs·(E_mul8 + E_add32·A/32 + A·E_write) + words·E_word
 *          + deliveries·(E_decode + E_fifo) + beats·RB·E_beat
 *          + clock (flops × E_flop-cycle × busy cycles, idle at f_idle)
 *          + NoC (tokens·(in + ⌈in/R⌉)·(ncb − 1) multicast hops of 32-bit
 *            flits, plus the spiking run's readout flit-hops (RB bits) and
 *            reduction adds, which are the same)
 *          + DRAM (every burst holding a real row: none is skippable; fetch + buffer write)
 *          + leakage × its run time
 *   latency (cycles) of the busiest core, per token P = R_eff·W_eff (one word
 *   per cycle), readout B = ⌈C_eff·A/RB⌉ beats, SRAM latency Ls; one
 *   accumulator bank as in rtl/axon_mac_baseline.sv (readout after the last
 *   row, then clear), so tokens·(P + Ls + B)
 *   with R_eff = min(R, in), C_eff = min(C, out), W_eff = ⌈C_eff/L⌉ (NoC
 *   latency is not included: an approximation stated in docs/power.md).
 */
#include "power_int.h"

#include <math.h>
#include <string.h>

static ax_result power_e(const power_table *t, const char *c, const char *a, double count,
                         double *e, char **err)
{
    *e = 0;
    if (count <= 0)
        return AX_OK;
    return power_energy_pj(t, c, a, e, err);
}

ax_result power_baseline(const power_table *t, const sim_config *cfg, const sim_report *r,
                         power_report *out, char **err)
{
    const sim_counters *k = &r->total;
    double T = (double)r->tokens, in = (double)r->in, o = (double)r->out;
    double R = cfg->rows, C = cfg->cols, L = cfg->lanes, A = cfg->acc_bits;
    size_t ncb = (r->out + (size_t)cfg->cols - 1) / (size_t)cfg->cols;
    size_t cores = r->cores ? r->cores : 1;
    double wsum = 0; /* Σ over column blocks of words per row */
    for (size_t cb = 0; cb < ncb; cb++) {
        double cu = fmin(C, o - (double)cb * C);
        wsum += ceil(cu / L);
    }
    double words = T * in * wsum, macs = T * in * o, deliv = T * in * (double)ncb;
    double items = deliv + T * (double)cores;
    ax_result rc;
    double mul8, add32, wbit, dec, fifo, beat, flop, hop, dram, e64;
    if ((rc = power_e(t, "mult", "int8", macs, &mul8, err)) ||
        (rc = power_e(t, "add", "int32", macs + (double)k->reduce_adds, &add32, err)) ||
        (rc = power_e(t, "reg", "write_bit", macs, &wbit, err)) ||
        (rc = power_e(t, "core", "decode", deliv, &dec, err)) ||
        (rc = power_e(t, "fifo", "push_pop", items, &fifo, err)) ||
        (rc = power_e(t, "readout", "beat_bit", (double)k->readout_beats, &beat, err)) ||
        (rc = power_e(t, "clock", "flop_cycle", words, &flop, err)))
        return rc;
    double bursts = power_dense_bursts(cfg, r); /* real rows only, not the padding */
    e64 = 0;
    if ((words > 0 || bursts > 0) && (rc = power_sram_read64_pj(t, R * C, &e64, err)))
        return rc;
    double e64b = e64; /* buffer write of a streamed burst, priced as a read */
    /* activations (and one EOT per token and row-block) multicast like events;
     * the readout/reduction flit-hops are the spiking run's */
    double nrb = ceil(in / R);
    double red_hops = (double)k->flit_hops - power_mcast_hops(cfg, r);
    double mcast_hops = ncb > 1 ? T * (in + nrb) * (double)(ncb - 1) : 0;
    double noc_hops = mcast_hops + red_hops;
    if ((rc = power_e(t, "noc", "bit_hop", noc_hops, &hop, err)) ||
        (rc = power_e(t, "dram", "read64", bursts, &dram, err)))
        return rc;

    /* latency of the busiest core */
    double Reff = fmin(R, in), Ceff = fmin(C, o), Weff = ceil(Ceff / L);
    double P = Reff * Weff, B = ceil(Ceff * A / cfg->readout_bits), Ls = cfg->sram_latency;
    double cycles = T * (P + Ls + B); /* one accumulator bank: no overlap */
    if (T == 0)
        cycles = 0;
    double f = cfg->clock_mhz > 0 ? cfg->clock_mhz : 500; /* MHz */
    double ns = cycles * 1e3 / f;

    power_core_geom ca;
    int exact = 0;
    if ((rc = power_core_area_kind(t, cfg, 1, POWER_BASE_DENSE, 0, cores > 1, &ca, &exact, err)))
        return rc;
    double busy = words + (double)k->readout_beats;
    double idle = fmax(0, (double)cores * cycles - busy);
    out->base_compute_pj = macs * (mul8 + add32 * A / 32 + wbit * A);
    double nbatch = cfg->batch_tokens > 1 ? cfg->batch_tokens : 1; /* a row read serves N tokens */
    out->base_memory_pj = words / nbatch * e64 * L * 8 / 64 + deliv * dec + items * fifo +
                          (double)k->readout_beats * cfg->readout_bits * beat;
    out->base_clock_pj = ca.clocked_flops * flop * (busy + t->clock_idle_fraction * idle);
    out->base_noc_pj = (mcast_hops * POWER_EVENT_FLIT_BITS + red_hops * cfg->readout_bits) * hop +
                       (double)k->reduce_adds * add32 * A / 32;
    power_base_totals(out, bursts * t->dram_burst_bytes / 8 * (dram + e64b), ca.leak_uw,
                      (double)cores, cycles, ns, ca.total_um2, T, macs);
    out->base_kind = POWER_BASE_DENSE;
    out->base_lanes = cfg->lanes;
    out->base_planes = 0;
    out->base_area_exact = exact;
    /* SRAM uncertainty: both sides' SRAM energy x0.5 and x2 */
    out->base_sram_pj = words / nbatch * e64 * L * 8 / 64 + bursts * t->dram_burst_bytes / 8 * e64b;
    out->sram_pj = 0;
    for (int i = 0; i < out->nlines; i++)
        if (!strcmp(out->lines[i].component, "sram") &&
            strcmp(out->lines[i].action, "zero_flag_read"))
            out->sram_pj += out->lines[i].energy_pj;
    power_base_reductions(out);
    return AX_OK;
}

void power_base_totals(power_report *out, double dram_pj, double leak_uw, double cores,
                       double cycles, double ns, double area_um2, double tokens, double mac_equiv)
{
    out->base_leakage_pj = leak_uw * cores * 1e-3 * ns;
    out->base_cycles = cycles;
    out->base_latency_ns = ns;
    out->base_area_um2 = area_um2 * cores;
    out->base_realistic_pj = out->base_compute_pj + out->base_memory_pj + out->base_clock_pj +
                             out->base_noc_pj + dram_pj + out->base_leakage_pj;
    out->base_energy_pj = out->model == POWER_IDEAL ? mac_equiv * out->int8_mac_pj
                                                    : out->base_realistic_pj;
    out->base_energy_pj_per_token = tokens > 0 ? out->base_energy_pj / tokens : 0;
    out->base_energy_pj_per_mac = mac_equiv > 0 ? out->base_energy_pj / mac_equiv : 0;
    out->base_power_mw = ns > 0 ? out->base_energy_pj / ns : 0;
}

void power_base_reductions(power_report *out)
{
#define PCT(a, b) ((b) > 0 ? 100.0 * (1.0 - (a) / (b)) : 0.0)
    out->energy_reduction_pct = PCT(out->energy_pj, out->base_energy_pj);
    out->power_reduction_pct = PCT(out->power_mw, out->base_power_mw);
    out->area_reduction_pct = PCT(out->area_um2, out->base_area_um2);
    out->latency_reduction_pct = PCT(out->duration_ns, out->base_latency_ns);
    if (out->model != POWER_IDEAL) {
        out->energy_reduction_sram_half_pct = PCT(out->energy_pj - 0.5 * out->sram_pj,
                                                  out->base_energy_pj - 0.5 * out->base_sram_pj);
        out->energy_reduction_sram_double_pct = PCT(out->energy_pj + out->sram_pj,
                                                    out->base_energy_pj + out->base_sram_pj);
    } else {
        out->energy_reduction_sram_half_pct = out->energy_reduction_sram_double_pct =
            out->energy_reduction_pct;
    }
#undef PCT
}
