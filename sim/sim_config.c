/*
 * Simulator parameters: the defaults of docs/core-timing.md ("Defaults" and
 * the async delays, 45 nm-class bundled-data estimates) and a check that
 * names the first impossible parameter, so a sweep point fails with a clear
 * message instead of a nonsense result. Also the derived time constants the
 * core model uses (sim_tparams): one table for sync (cycles) and async (ps).
 */
#include "sim_int.h"

#include <math.h>
#include <string.h>

void sim_config_default(sim_config *c)
{
    memset(c, 0, sizeof *c);
    c->rows = 128;
    c->cols = 128;
    c->lanes = 16;
    c->sram_latency = 1;
    c->fifo_depth = 8;
    c->acc_bits = 32;
    c->readout_bits = 64;
    c->double_buffer = 1;
    c->zero_gating = 1;
    c->row_reuse = 0;
    c->batch_tokens = 1;
    c->clock_gating = 0;
    c->timing = SIM_SYNC;
    c->clock_mhz = 500.0;
    c->handshake = SIM_HS_4PHASE;
    c->t_req_ps = 50;
    c->t_ack_ps = 50;
    c->t_decode_ps = 300;
    c->t_sram_ps = 800;
    c->t_add_ps = 400;
    c->t_readout_ps = 400;
    c->mesh_w = 0;
    c->mesh_h = 0;
    c->hop_cycles = 1;
    c->hop_ps = 500;
    c->link_bits = 64;
    c->dram = 0;
    c->dram_burst_bytes = 64;
    c->dram_bytes_per_cycle = 16;
    c->dram_latency = 100;
    c->dram_burst_ps = 2000;
    c->dram_latency_ps = 50000;
}

#define RANGE(field, lo, hi, hint)                                                                 \
    do {                                                                                           \
        if ((c->field) < (lo) || (c->field) > (hi))                                                \
            return ax_fail(err, AX_EPARAM,                                                         \
                           "sim parameter " #field " = %lld is outside [%lld, %lld] "              \
                           "(hint: %s)",                                                           \
                           (long long)(c->field), (long long)(lo), (long long)(hi), hint);         \
    } while (0)

ax_result sim_config_check(const sim_config *c, char **err)
{
    RANGE(rows, 1, 1 << 20, "R, input axons per core, e.g. --tile 128x128");
    RANGE(cols, 1, 4096, "C, output neurons per core, e.g. --tile 128x128");
    RANGE(lanes, 1, 4096, "L adders per beat, e.g. --lanes 16");
    RANGE(sram_latency, 1, 1 << 20, "SRAM latency in cycles, at least 1");
    RANGE(fifo_depth, 1, 1 << 20, "input FIFO depth in items, at least 1");
    RANGE(acc_bits, 8, 32, "accumulator width in bits");
    RANGE(readout_bits, 1, 1 << 16, "readout port width in bits per beat");
    RANGE(double_buffer, 0, 1, "0 or 1");
    RANGE(zero_gating, 0, 1, "0 or 1");
    RANGE(row_reuse, 0, 1, "0 or 1 (--row-reuse off|on)");
    RANGE(batch_tokens, 1, 64, "tokens per weight-stationary batch, e.g. --batch-tokens 8");
    RANGE(clock_gating, 0, 1, "0 or 1 (--clock-gating off|on)");
    if (c->timing != SIM_SYNC && c->timing != SIM_ASYNC)
        return ax_fail(err, AX_EPARAM, "sim parameter timing = %d is neither sync nor async",
                       (int)c->timing);
    if (c->timing == SIM_SYNC &&
        (!isfinite(c->clock_mhz) || c->clock_mhz <= 0 || c->clock_mhz > 1e6))
        return ax_fail(err, AX_EPARAM,
                       "sim parameter clock_mhz = %g must be in (0, 1e6] MHz "
                       "(hint: --clock 500)",
                       c->clock_mhz);
    if (c->handshake != SIM_HS_2PHASE && c->handshake != SIM_HS_4PHASE)
        return ax_fail(err, AX_EPARAM, "sim parameter handshake = %d must be 2 or 4 (phases)",
                       (int)c->handshake);
    const int64_t big = (int64_t)1 << 40;
    RANGE(t_req_ps, 0, big, "delay in ps, >= 0");
    RANGE(t_ack_ps, 0, big, "delay in ps, >= 0");
    RANGE(t_decode_ps, 0, big, "delay in ps, >= 0");
    RANGE(t_sram_ps, 0, big, "delay in ps, >= 0");
    RANGE(t_add_ps, 0, big, "delay in ps, >= 0");
    RANGE(t_readout_ps, 0, big, "delay in ps, >= 0");
    if (c->timing == SIM_ASYNC && c->t_req_ps + c->t_ack_ps <= 0)
        return ax_fail(err, AX_EPARAM,
                       "sim parameter t_req_ps + t_ack_ps must be > 0 ps in async "
                       "mode (hint: a handshake takes time)");
    if (c->row_reuse && c->timing == SIM_ASYNC)
        return ax_fail(err, AX_EPARAM,
                       "sim parameter row_reuse = 1 is not modelled for the async core (hint: "
                       "--row-reuse on with --timing sync, or --row-reuse off with --async)");
    if (c->clock_gating && c->timing == SIM_ASYNC)
        return ax_fail(err, AX_EPARAM,
                       "sim parameter clock_gating = 1 applies to the clocked core only: the async "
                       "core has no clock (hint: leave --clock-gating out, or drop --async)");
    if (c->batch_tokens > 1 && !c->row_reuse)
        return ax_fail(err, AX_EPARAM,
                       "sim parameter batch_tokens = %d needs row_reuse: a core that reads a row "
                       "per event has no row to share between tokens (hint: --row-reuse on, or "
                       "--batch-tokens 1)",
                       c->batch_tokens);
    if (c->batch_tokens > 1 && c->dram)
        return ax_fail(err, AX_EPARAM,
                       "sim parameter batch_tokens = %d is not modelled with DRAM weight "
                       "streaming (dram = 1): the fetch schedule is per token (hint: "
                       "--batch-tokens 1 with --dram, or drop --dram)",
                       c->batch_tokens);
    RANGE(mesh_w, 0, 1 << 16, "0 = auto");
    RANGE(mesh_h, 0, 1 << 16, "0 = auto");
    RANGE(hop_cycles, 0, 1 << 20, "cycles per hop, >= 0");
    RANGE(hop_ps, 0, big, "ps per hop, >= 0");
    RANGE(link_bits, 1, 1 << 16, "flit payload bits per link transfer");
    RANGE(dram, 0, 1, "0 or 1");
    if (c->dram) {
        RANGE(dram_burst_bytes, 8, 1 << 20,
              "DRAM burst in bytes (at least one 64-bit word), e.g. 64");
        RANGE(dram_bytes_per_cycle, 1, 1 << 20, "DRAM bytes per cycle per core channel");
        RANGE(dram_latency, 0, 1 << 30, "DRAM latency in cycles");
        RANGE(dram_burst_ps, 1, big, "DRAM channel time per burst in ps");
        RANGE(dram_latency_ps, 0, big, "DRAM latency in ps");
    }
    return AX_OK;
}

void sim_tparams_from(const sim_config *c, sim_tparams *tp)
{
    memset(tp, 0, sizeof *tp);
    tp->C = c->cols;
    tp->A = c->acc_bits;
    tp->F = c->fifo_depth;
    tp->W = (c->cols + c->lanes - 1) / c->lanes;
    tp->B = (int)(((int64_t)c->cols * c->acc_bits + c->readout_bits - 1) / c->readout_bits);
    tp->double_buffer = c->double_buffer;
    tp->zero_gating = c->zero_gating;
    tp->row_reuse = c->row_reuse;
    tp->batch = c->row_reuse && c->batch_tokens > 1 ? c->batch_tokens : 1;
    if (c->timing == SIM_SYNC) {
        tp->step = tp->dec = tp->wp = tp->bp = tp->gap = tp->unit = 1;
        tp->lat = c->sram_latency;
        tp->hop = c->hop_cycles;
        tp->dram_tb = (c->dram_burst_bytes + c->dram_bytes_per_cycle - 1) / c->dram_bytes_per_cycle;
        tp->dram_lat = c->dram_latency;
    } else {
        int64_t hs = c->t_req_ps + c->t_ack_ps;
        if (c->handshake == SIM_HS_4PHASE)
            hs *= 2;
        int64_t slow = c->t_sram_ps > c->t_add_ps ? c->t_sram_ps : c->t_add_ps;
        tp->async = 1;
        tp->step = tp->gap = tp->unit = hs;
        tp->dec = c->t_decode_ps;
        tp->wp = slow + hs;
        tp->lat = c->t_sram_ps + c->t_add_ps;
        tp->bp = c->t_readout_ps + hs;
        tp->hop = c->hop_ps;
        tp->dram_tb = c->dram_burst_ps;
        tp->dram_lat = c->dram_latency_ps;
    }
}

void sim_counters_add(sim_counters *d, const sim_counters *s)
{
#define SIM_COUNTER_ADD(name, kind, help) d->name += s->name;
    SIM_COUNTERS(SIM_COUNTER_ADD)
#undef SIM_COUNTER_ADD
}
