/*
 * axon_chip_rtl — C interface to the Verilated chip (rtl/axon_chip.sv: MR x MC
 * cores with the multicast routers), for the chip co-simulation
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
} axon_chip_params;

void axon_chip_built(axon_chip_params *p);

typedef struct axon_chip_rtl axon_chip_rtl;

/* One item of a row-block's stream: eot, core-local axon, neg, shift. */
typedef struct {
    int eot;
    uint32_t axon;
    int neg, shift;
} axon_chip_item;

enum { CHIP_ACCEPT, CHIP_START, CHIP_READ, CHIP_BEAT, CHIP_DONE, CHIP_FLIT, CHIP_NKIND };

/* A stamp of core `core` (rb * mc + cb): item index in the core's stream
 * (accept, start, read, flit), word (read: SRAM word, beat: beat index),
 * skipped (read), acc (done: the C accumulators, sign-extended). */
typedef void (*axon_chip_emit)(void *user, int core, int kind, int64_t time, int64_t item, int word,
                               int skipped, const int32_t *acc);

axon_chip_rtl *axon_chip_new(uint64_t seed); /* random initial values when seed != 0 */
void axon_chip_load_row(axon_chip_rtl *h, int core, uint32_t axon, const int8_t *w);
void axon_chip_push(axon_chip_rtl *h, int row, const axon_chip_item *items, size_t n);
/* One cycle; stamps go to emit. Returns 1 while work is left. */
int axon_chip_step(axon_chip_rtl *h, axon_chip_emit emit, void *user);
uint64_t axon_chip_lane_adds(const axon_chip_rtl *h, int core);
int axon_chip_overflow(const axon_chip_rtl *h); /* OR of the cores' sticky flags */
int axon_chip_ingress_overflow(const axon_chip_rtl *h);
void axon_chip_free(axon_chip_rtl *h);

#ifdef __cplusplus
}
#endif
#endif
