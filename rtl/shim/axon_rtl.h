/*
 * axon_rtl — C interface to the Verilated RTL core (rtl/axon_core.sv, and the
 * async variant rtl/axon_core_async.sv), for `axon cosim`, the self-checking
 * RTL tests, the benchmark and anything else written in C. The C++ side
 * (axon_rtl.cpp) is the only code that sees Verilator; callers see an opaque
 * handle with the lifecycle axon_rtl_new / ... / axon_rtl_free.
 *
 * The core's parameters are Verilator compile-time parameters: one build of
 * the shim holds one parameter set (axon_rtl_built), and axon_rtl_new fails
 * with AX_EPARAM naming the first parameter that differs from the build.
 *
 * Time: sync builds step one clock cycle per axon_rtl_step (cycle 0 is the
 * first cycle after reset, as in docs/core-timing.md); async builds advance
 * to the next time (ps) at which something happens.
 * Items: axon_rtl_push queues items; an item is offered to the core from its
 * arrival time on (0 on a single-core run, the flit's arrival at the core on a
 * chip), and the shim drives the valid/ready port from the queue head.
 * Limits: any R, C, L >= 1, RB up to the C model's maximum (2^16), shifts
 * 0..AXON_RTL_MAX_SHIFT (the C model's limit, docs/core-timing.md).
 */
#ifndef AXON_RTL_H
#define AXON_RTL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "../../ax/ax.h" /* a C header without its own extern "C" */

typedef struct {
    int rows, cols, lanes; /* R, C, L */
    int sram_latency;      /* Ls, cycles */
    int fifo_depth;        /* F, items */
    int acc_bits;          /* A */
    int readout_bits;      /* RB */
    int double_buffer;     /* 0/1 */
    int zero_gating;       /* 0/1 */
    int async;             /* 0 sync (cycles), 1 async (ps) */
    int handshake;         /* async: 2 or 4 (phases) */
    /* async delays, ps (docs/core-timing.md) */
    int64_t t_req_ps, t_ack_ps, t_decode_ps, t_sram_ps, t_add_ps, t_readout_ps;
    int row_reuse; /* 0/1: the row-reuse sync core (REUSE=1 build; items in (token, axon,
                      step) order, sim_row_order) */
    int clock_gating; /* 0/1: the clock-gated build (CG=1); no cycle differs, only the
                         clock's power (docs/rtl.md "Clock gating") */
    int batch_tokens; /* 1..64: tokens per weight-stationary batch (NT build parameter, with
                         row_reuse; items in sim_batch_order's order, docs/core-timing.md
                         "Token batches"); 1 without batches */
} axon_rtl_params;

/* The parameters this build was verilated with. */
void axon_rtl_built(axon_rtl_params *p);
/* Name of the build variant ("sync", "trace", "sc", "async", ...). */
const char *axon_rtl_variant(void);

typedef struct axon_rtl axon_rtl;

/* Largest shift (step weight 2^shift) an item may carry: 127 << 23 keeps every
 * lane add inside int32; the C model (sim/) refuses larger ones too. */
#define AXON_RTL_MAX_SHIFT 23

/* One item of the core's input stream. */
typedef struct {
    int eot;         /* 1: end of token (other fields ignored) */
    uint32_t axon;   /* < rows */
    int neg;         /* 0/1 */
    int shift;       /* 0..AXON_RTL_MAX_SHIFT */
    int64_t arrival; /* earliest time the core may accept it (cycles or ps), non-decreasing */
    int tok;         /* batched builds: the event's token index in its batch, 0..NT-1 */
} axon_rtl_item;

/* What happened in one step (one cycle, or one async time point). The
 * indices are positions in the pushed item stream (0-based) and tokens
 * (0-based, counted by end-of-token markers). */
typedef struct {
    int64_t time; /* cycle (sync) or ps (async) of this step */
    int accepted; /* an item entered the FIFO */
    int64_t accept_item;
    int started; /* an item left the FIFO into the read stage */
    int64_t start_item;
    int issued; /* an SRAM word slot was used (read or skipped) */
    int64_t issue_item;
    int word;
    int skipped;
    int beat; /* -1: no readout beat this step, else beat index */
    int64_t beat_token;
    uint64_t beat_data[4]; /* the first min(RB, 256) bits, little-endian 64-bit limbs
                           * (the whole beat is reassembled inside the shim) */
    int token_done;        /* the last beat of token beat_token: axon_rtl_acc valid */
    int lanes_added;       /* lane additions performed this step */
    int reused;            /* the word slot issued added from the row register (row-reuse
                              core): no SRAM read, not an SRAM_READ stamp */
} axon_rtl_stamp;

/* Builds the model, applies reset (random initial values when seed != 0:
 * --x-initial unique + random reset, seeded), and leaves it ready for
 * weights. *out is freed with axon_rtl_free. AX_EPARAM if p differs from
 * the build (naming the parameter, hint: rebuild with RTL_PARAMS). */
ax_result axon_rtl_new(const axon_rtl_params *p, uint64_t seed, axon_rtl **out, char **err);
/* Loads row `axon` (C int8 weights, output neuron j = w[j]) through the
 * SRAM back door; must be called before the first axon_rtl_step. */
ax_result axon_rtl_load_row(axon_rtl *h, uint32_t axon, const int8_t *w, char **err);
/* Queues items (copied). */
ax_result axon_rtl_push(axon_rtl *h, const axon_rtl_item *items, size_t n, char **err);
/* Waveform of steps [from, to] (cycles or ps) into a VCD file; only in
 * builds with tracing (variant "trace" or "async"), else AX_EUNSUPPORTED. */
ax_result axon_rtl_wave(axon_rtl *h, const char *path, int64_t from, int64_t to, char **err);
/* Advances one step and reports it. Returns 1 while work is left (items
 * queued or in flight, readout running), 0 once everything is read out. */
int axon_rtl_step(axon_rtl *h, axon_rtl_stamp *st);
/* C accumulators (sign-extended from A bits) of the last finished token. */
const int32_t *axon_rtl_acc(const axon_rtl *h);
/* Sticky accumulator overflow flag of the core. */
int axon_rtl_overflow(const axon_rtl *h);
/* The first violation of the readout format the shim saw (nonzero padding in
 * a token's last beat), or NULL. */
const char *axon_rtl_protocol_error(const axon_rtl *h);
/* Time from one readout beat to the next: 1 cycle (sync), Q ps (async). */
int64_t axon_rtl_beat_period(const axon_rtl *h);
/* Handshakes counted by the async core (0 for sync). */
uint64_t axon_rtl_handshakes(const axon_rtl *h);
void axon_rtl_free(axon_rtl *h); /* NULL is a no-op */

#ifdef __cplusplus
}
#endif
#endif
