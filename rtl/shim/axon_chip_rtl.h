/*
 * axon_chip_rtl — C interface to the Verilated chip (rtl/axon_chip.sv: MR x MC
 * cores with the multicast routers and the partial-sum reduction), for the
 * chip co-simulation
 * rtl/tb/axon_chip_cosim.c. One build holds one parameter set
 * (axon_chip_built). Time: one axon_chip_step = one clock cycle (cycle 0 is
 * the first after reset, as in docs/core-timing.md).
 */
#ifndef AXON_CHIP_RTL_H
#define AXON_CHIP_RTL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int mr, mc;                          /* mesh rows (row-blocks) and columns (column blocks) */
    int rows, cols, lanes, sram_latency; /* per core: R, C, L, Ls */
    int fifo_depth, acc_bits, readout_bits, double_buffer, zero_gating;
    int link_bits, hop_cycles, ingress_depth;
    int reduce_depth; /* RQ: reduction queue entries (units from above, beats local) */
} axon_chip_params;

void axon_chip_built(axon_chip_params *p);

typedef struct axon_chip_rtl axon_chip_rtl;

/* One item of a row-block's stream: eot, core-local axon, neg, shift. */
typedef struct {
    int eot;
    uint32_t axon;
    int neg, shift;
} axon_chip_item;

enum {
    CHIP_ACCEPT,
    CHIP_START,
    CHIP_READ,
    CHIP_BEAT,
    CHIP_DONE,
    CHIP_FLIT,
    CHIP_RHEAD, /* reduction: a packet's head flit enters the link below the core */
    CHIP_RTAIL, /* its tail flit enters that link */
    CHIP_RDONE, /* chip output (cores of the last row): a packet is complete */
    CHIP_NKIND
};

/* A stamp of core `core` (rb * mc + cb): item index in the core's stream
 * (accept, start, read, flit), word (read: SRAM word, beat: beat index),
 * skipped (read), acc (done: the C accumulators, sign-extended). Reduction
 * stamps: item = token, word = weight group, acc (rdone: the column's C
 * reduced sums of the group, A-bit, sign-extended). */
typedef void (*axon_chip_emit)(void *user, int core, int kind, int64_t time, int64_t item, int word,
                               int skipped, const int32_t *acc);

axon_chip_rtl *axon_chip_new(uint64_t seed); /* random initial values when seed != 0 */
void axon_chip_load_row(axon_chip_rtl *h, int core, uint32_t axon, const int8_t *w);
void axon_chip_push(axon_chip_rtl *h, int row, const axon_chip_item *items, size_t n);
/* The reduction of the layer's tiling, per mesh row: npass = the weight group
 * of the row-block (groups started above), merge = 1 when the row above holds
 * the same group. Call before the first step; default: one group (npass 0,
 * merge 1 below row 0). */
void axon_chip_config(axon_chip_rtl *h, const int *npass, const int *merge);
/* One cycle; stamps go to emit. Returns 1 while work is left. */
int axon_chip_step(axon_chip_rtl *h, axon_chip_emit emit, void *user);
uint64_t axon_chip_lane_adds(const axon_chip_rtl *h, int core);
int axon_chip_overflow(const axon_chip_rtl *h); /* OR of the cores' sticky flags */
/* the lowest core whose ingress queue (IQ items) overflowed (sticky), -1 if none */
int axon_chip_ingress_overflow(const axon_chip_rtl *h);
/* reduction activity of core `core`: cycles a packet head waited for the link
 * below, flits sent on it, packets merged */
uint64_t axon_chip_reduce_stall(const axon_chip_rtl *h, int core);
uint64_t axon_chip_reduce_flits(const axon_chip_rtl *h, int core);
uint64_t axon_chip_reduce_merges(const axon_chip_rtl *h, int core);
int axon_chip_reduce_overflow(const axon_chip_rtl *h); /* a reduced sum left A bits */
/* the lowest core whose reduction queue (RQ entries) overflowed (sticky), -1 if none */
int axon_chip_reduce_queue_overflow(const axon_chip_rtl *h);
void axon_chip_free(axon_chip_rtl *h);

#ifdef __cplusplus
}
#endif
#endif
