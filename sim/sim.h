/*
 * sim — the discrete-event simulator of the neuromorphic chip (docs/design.md §3).
 * The kernel keeps one binary heap of events keyed by (time, sequence);
 * time is in cycles (sync mode) or picoseconds (async mode). The host owns
 * the loop: sim_step() advances to the next timestamp, so the RTL shim can
 * step the C model and the Verilated core in lockstep. The per-core timing
 * that the RTL must reproduce exactly is specified in docs/core-timing.md.
 *
 * The simulator only counts actions (sim_counters); pricing is power/'s job,
 * and every file format (VCD, raster, database) is an observer.
 */
#ifndef AX_SIM_H
#define AX_SIM_H

#include "../ax/ax.h"
#include "../mapper/map.h"
#include "../spike/spike.h"

#include <stdint.h>

typedef enum { SIM_SYNC, SIM_ASYNC } sim_timing;
typedef enum { SIM_HS_2PHASE = 2, SIM_HS_4PHASE = 4 } sim_handshake;

typedef struct {
    /* core (docs/design.md §3) */
    int rows;          /* R input axons per core */
    int cols;          /* C output neurons per core */
    int lanes;         /* L adders per beat = weights per SRAM word */
    int sram_latency;  /* cycles from read issue to data (sync), >= 1 */
    int fifo_depth;    /* F items (events and end-of-token markers), >= 1 */
    int acc_bits;      /* A, accumulator width, 8..32 */
    int readout_bits;  /* RB, readout port width per beat */
    int double_buffer; /* 0/1 */
    int zero_gating;   /* 0/1: zero weights do not add, all-zero words are not read */
    int row_reuse;     /* 0/1: one weight-row read per (token, axon), its bit-planes added
                          from a row register (docs/core-timing.md "Row reuse"); sync only */
    int batch_tokens;  /* 1..64: with row_reuse, one row read serves the axon's events of
                          up to this many consecutive tokens (weight-stationary batch) */
    int clock_gating;  /* 0/1: the clock-gated build (RTL CG=1): accumulator words and FIFO
                          entries clocked only when written; changes no cycle, only how
                          power/ prices the clock (docs/power.md "Clock as built"); sync */
    sim_timing timing;
    double clock_mhz; /* sync mode clock */
    /* async mode, picoseconds */
    sim_handshake handshake;
    int64_t t_req_ps, t_ack_ps, t_decode_ps, t_sram_ps, t_add_ps, t_readout_ps;
    /* chip */
    int mesh_w, mesh_h; /* 0 = smallest mesh that holds the layer */
    int hop_cycles;     /* router + link latency per hop (sync) */
    int64_t hop_ps;     /* per hop (async) */
    int link_bits;      /* flit payload width */
    /* DRAM weight streaming (docs/sim.md "DRAM"); off by default: weights
     * resident in the cores' SRAM. On: every core streams its tile from
     * DRAM for every token, one burst channel per core, fetching only the
     * bursts that hold an axon active in that token (mapper's layout). */
    int dram;                 /* 0/1 */
    int dram_burst_bytes;     /* B, bytes per burst (default 64) */
    int dram_bytes_per_cycle; /* sync: channel bandwidth, bytes/cycle (default 16) */
    int dram_latency;         /* sync: request to data, cycles (default 100) */
    int64_t dram_burst_ps;    /* async: channel time per burst, ps (default 2000) */
    int64_t dram_latency_ps;  /* async: request to data, ps (default 50000) */
} sim_config;

/* Defaults: R=C=128, L=16, sram_latency=1, F=8, A=32, RB=64, double
 * buffering on, zero gating on, sync at 500 MHz, 4-phase, mesh auto,
 * hop 1 cycle / 500 ps, link 64 bits; async delays in docs/core-timing.md. */
void sim_config_default(sim_config *c);
/* AX_EPARAM naming the first impossible parameter. */
ax_result sim_config_check(const sim_config *c, char **err);

/* Counted actions of one core (or summed over the chip), one
 * X(name, kind, help) each, in storage order. kind COUNT is an event count
 * (uint64_t); TIME is a time in the run's unit (int64_t: cycles in sync
 * mode, ps in async mode), reported as <name>_cycles / <name>_ps and stored
 * in the database as <name>_ns. The struct, sim_counters_add, the reports
 * of `axon run` (table, JSON) and the database columns and binders are all
 * generated from this list; a new counter needs a schema migration adding
 * its column to counters and cores (tests/test_db_schema.c checks that).
 * Invariants per core: adds + adds_gated == events * C_used (C_used =
 * outputs it holds); sram_words + sram_words_skipped == sram_rows_read * W
 * (W = ceil(C/L) words per row); sram_rows_read == events without row
 * reuse, else the number of distinct (batch of batch_tokens tokens, axon)
 * pairs with an event at the core (batch_tokens 1: (token, axon) pairs);
 * lane_adds_nonzero == adds and sram_words_nonzero == sram_words with zero
 * gating, else <= adds and <= sram_words (the lanes whose weight is nonzero
 * and the words holding one: without gating the others are still read and
 * add a zero); lane_adds_shift / lane_adds_nonzero is their mean shift (the
 * term's bits below the shift are zero); lane_term_toggles is the Hamming
 * distance of each lane adder's TW-bit term ±(q << shift) from one added word
 * to the next, each event's first word counted from zero (sim_toggle.c);
 * acc_write_toggles is popcount(a XOR (a + t)) over the A-bit accumulator
 * registers written, lane_term_toggles_seq the term toggles across events
 * (the previous event's last word instead of zero), acc_readout_ones the set
 * bits of the A-bit partial sums a core reads out at the end of a token (the
 * bank clear switches each back to 0), all three replayed in each
 * core's event order: exact up to SIM_REPLAY_BUDGET lane slots per run, an
 * estimate from a fixed sample above it (sim_replay.c). */
#define SIM_COUNTERS(X)                                                                            \
    X(events, COUNT, "spike events accepted")                                                      \
    X(eots, COUNT, "end-of-token markers accepted")                                                \
    X(sram_words, COUNT, "SRAM words read")                                                        \
    X(sram_words_skipped, COUNT, "all-zero words not read (zero gating)")                          \
    X(adds, COUNT, "lane additions performed")                                                     \
    X(adds_gated, COUNT, "lane additions gated for a zero weight")                                 \
    X(acc_writes, COUNT, "accumulator register writes")                                            \
    X(readout_beats, COUNT, "readout port beats")                                                  \
    X(flits, COUNT, "flits injected")                                                              \
    X(flit_hops, COUNT, "flit x hops travelled")                                                   \
    X(handshakes, COUNT, "async channel transfers")                                                \
    X(reduce_adds, COUNT, "partial-sum reduction additions")                                       \
    X(dram_bursts, COUNT, "DRAM bursts fetched")                                                   \
    X(dram_bursts_skipped, COUNT, "DRAM bursts not fetched (no active axon in the token)")         \
    X(active, TIME, "time with work in the core")                                                  \
    X(idle, TIME, "time without work in the core")                                                 \
    X(stall_fifo, TIME, "input blocked by a full FIFO")                                            \
    X(stall_readout, TIME, "read stage waiting for readout/buffer")                                \
    X(stall_noc, TIME, "waiting for link contention")                                              \
    X(stall_dram, TIME, "accept delayed by weights still coming from DRAM")                        \
    X(sram_rows_read, COUNT, "weight rows read from SRAM (events; with row reuse one per row)")    \
    X(lane_adds_nonzero, COUNT, "lane additions with a nonzero weight (zero gating on or off)")    \
    X(sram_words_nonzero, COUNT,                                                                   \
      "words of the rows read holding a nonzero weight (gating or not)")                           \
    X(lane_adds_shift, COUNT,                                                                      \
      "sum of the event's shift over the lane additions with a nonzero weight")                    \
    X(lane_term_toggles, COUNT,                                                                    \
      "bit toggles of the lane adders' term operand over the words added (from zero per event)")   \
    X(acc_write_toggles, COUNT,                                                                    \
      "bit toggles of the accumulator registers written (A bits, in event order)")                 \
    X(lane_term_toggles_seq, COUNT,                                                                \
      "bit toggles of the lane adders' term operand over the words added, across events")          \
    X(acc_readout_ones, COUNT, "set bits of the A-bit sums each core reads out (cleared after)")

#define SIM_COUNTER_TYPE_COUNT uint64_t
#define SIM_COUNTER_TYPE_TIME int64_t
#define SIM_COUNTER_FIELD(name, kind, help) SIM_COUNTER_TYPE_##kind name;
#define SIM_COUNTER_ONE(name, kind, help) +1
#define SIM_NCOUNTERS (0 SIM_COUNTERS(SIM_COUNTER_ONE))

typedef struct {
    SIM_COUNTERS(SIM_COUNTER_FIELD)
} sim_counters;

void sim_counters_add(sim_counters *dst, const sim_counters *src);

typedef struct {
    size_t tokens, in, out;
    size_t cores, mesh_w, mesh_h;
    sim_timing timing;
    const char *time_unit; /* "cycles" or "ps" */
    int64_t duration;      /* time when the last readout finished */
    double duration_ns;
    double latency_ns_per_token; /* mean, fill and drain included */
    double max_latency_ns;
    double tokens_per_s;
    sim_counters total;
    const sim_counters *per_core; /* [cores], owned by the sim */
    /* appended fields */
    size_t row_blocks, col_blocks; /* core (rb, cb) is per_core[rb * col_blocks + cb] */
    double ns_per_unit;            /* ns per cycle (1000 / clock_mhz) or per ps (0.001) */
    double fill_ns;                /* completion of token 0 (pipeline fill) */
    double interval_ns;            /* mean time between token completions after the first */
    double service_latency_ns;     /* mean of completion - first accept of the token's first item
                                    (latency without the wait before the chip takes the token) */
    double drain_ns; /* duration - the last start of any item (readout + reduction tail) */
    int timed;       /* 1: sim_run modelled the timing; 0: sim_run_functional (acc
                                    only: every time, counter and the report's times are 0) */
    /* with cfg.dram: bursts per token, summed over the cores, that hold at
     * least one real weight row (a partial row-block's padding rows are in
     * none of them); what a dense tile that reads every row fetches */
    uint64_t dram_bursts_real_per_token;
} sim_report;

/* Observation points, for VCD and co-simulation. */
typedef enum {
    SIM_OBS_ACCEPT,    /* item entered a core's FIFO */
    SIM_OBS_START,     /* item left the FIFO into the read stage */
    SIM_OBS_SRAM_READ, /* word read issued (or skipped: skipped = 1) */
    SIM_OBS_READOUT_BEAT,
    SIM_OBS_READOUT_DONE, /* acc holds the token's C accumulators */
    SIM_OBS_FLIT,         /* flit moved one hop */
    SIM_OBS_HANDSHAKE,
    SIM_OBS_STALL,
    /* partial-sum reduction (docs/sim.md "Reduction"), only to observers of
     * sim_observe_reduction, after every core's stamps at the end of the run
     * (not in time order with them): item = token, word = weight group */
    SIM_OBS_REDUCE_HEAD, /* a packet's head flit enters the link below core */
    SIM_OBS_REDUCE_TAIL, /* its tail flit enters that link */
    SIM_OBS_REDUCE_DONE  /* chip output (core = last row-block): packet complete;
                            acc = the column's C reduced sums of the group (int32) */
} sim_obs_kind;

typedef struct {
    sim_obs_kind kind;
    int64_t time; /* cycles or ps */
    int core;
    int64_t item; /* index of the item in this core's input stream */
    uint32_t token;
    int is_eot;
    const spike_event *ev; /* NULL for end-of-token */
    int word;              /* SRAM word index or readout beat index */
    int skipped;
    const int32_t *acc; /* READOUT_DONE: C accumulators (core-local), else NULL */
    int nacc;
} sim_obs;

typedef void (*sim_observer_fn)(void *user, const sim_obs *o);

typedef struct sim sim;

/* Builds the chip for one layer from quantized weights (qw is copied or
 * referenced; it must outlive the sim) and the event stream of a trace
 * (ev[nev], tok_start[tokens+1] as from spike_events; referenced).
 * *out is freed with sim_free. */
ax_result sim_new(const sim_config *cfg, const map_qweight *qw, const spike_event *ev, size_t nev,
                  const size_t *tok_start, size_t tokens, sim **out, char **err);
/* The row-reuse core's event order (docs/core-timing.md "Row reuse"):
 * perm[nev] gets the event indices of ev (in spike_events' (token, step,
 * axon) order) reordered to (token, axon, step), so that the events of one
 * (token, axon) pair are consecutive. AX_ENOMEM, or AX_ERANGE for a token
 * of 2^32 events or more. sim_new applies it itself when row_reuse is on;
 * anything that feeds a row-reuse core (the RTL harness) uses it too. */
ax_result sim_row_order(const spike_event *ev, const size_t *tok_start, size_t tokens, size_t *perm,
                        char **err);
/* The batched row-reuse core's event order (docs/core-timing.md "Token
 * batches"): perm[nev] gets the event indices reordered to (batch of `batch`
 * consecutive tokens, axon, token, step); the core takes each batch's events
 * so, then the EOTs of the batch's tokens in token order. batch 1 is
 * sim_row_order. AX_EPARAM for batch < 1, AX_ENOMEM, AX_ERANGE as above (per
 * batch). */
ax_result sim_batch_order(const spike_event *ev, const size_t *tok_start, size_t tokens, int batch,
                          size_t *perm, char **err);
/* Adds an observer (several allowed); called synchronously from sim_step,
 * in time order. */
void sim_observe(sim *s, sim_observer_fn fn, void *user);
/* The same, and the observer also gets the reduction's stamps
 * (SIM_OBS_REDUCE_*), all at the end of the run, after every core's. */
void sim_observe_reduction(sim *s, sim_observer_fn fn, void *user);
/* Processes every event at the next timestamp. Returns 1 if it did work,
 * 0 when the simulation is complete. */
int sim_step(sim *s);
int64_t sim_now(const sim *s);
/* Steps until done. AX_EOVERFLOW if an accumulator overflowed A bits. */
ax_result sim_run(sim *s, char **err);
/* acc[tokens][out][ngroups] produced by the chip (valid after sim_run). */
const int32_t *sim_acc(const sim *s);
/* Hands acc over to the caller (who frees it) after the run, so a caller
 * that keeps it holds it once instead of copying; sim_acc returns NULL from
 * then on. NULL before the run or after a first take. */
int32_t *sim_acc_take(sim *s);
void sim_get_report(const sim *s, sim_report *r);
void sim_free(sim *s); /* NULL is a no-op */

/* ---- execution options: how the host computes, never what is modelled ----
 * Every choice gives the same acc, stamps, counters and errors (tested);
 * none is part of a run's identity (docs/sim.md "Performance"). */
typedef enum {
    SIM_SIMD_AUTO = 0, /* AXON_SIMD from the environment when set, else the best available */
    SIM_SIMD_SCALAR,   /* portable C */
    SIM_SIMD_SSE2,     /* x86-64 baseline */
    SIM_SIMD_AVX2,
    SIM_SIMD_AVX512 /* AVX-512F + BW */
} sim_simd;

typedef struct {
    int threads;   /* worker threads of sim_run / sim_run_functional, >= 1 (default 1) */
    sim_simd simd; /* accumulation kernel (default SIM_SIMD_AUTO) */
} sim_exec;

void sim_exec_default(sim_exec *x);
/* Before sim_run / sim_run_functional. */
void sim_set_exec(sim *s, const sim_exec *x);
/* sim_new with the execution options set before the event stream is split
 * into row-blocks (on ex->threads; NULL: the defaults): the same sim for
 * every thread count. */
ax_result sim_new_ex(const sim_config *cfg, const map_qweight *qw, const spike_event *ev,
                     size_t nev, const size_t *tok_start, size_t tokens, const sim_exec *ex,
                     sim **out, char **err);
/* Online processors (sysconf), at least 1: the default of `axon run --threads`. */
int sim_threads_default(void);
const char *sim_simd_name(sim_simd v); /* "auto", "scalar", "sse2", "avx2", "avx512" */
ax_result sim_simd_parse(const char *name, sim_simd *v, char **err);
int sim_simd_supported(sim_simd v); /* compiled in and supported by this CPU */
sim_simd sim_simd_best(void);
/* AUTO -> AXON_SIMD when set, else the best; AX_EPARAM when the path asked
 * for is unknown or not supported here. */
ax_result sim_simd_resolve(sim_simd want, sim_simd *got, char **err);

/* The numbers without the timing: acc (and its overflow errors, as sim_run)
 * from the same event stream, no event queue, no stamps; the report has
 * timed = 0. Not with observers. For accuracy sweeps of k and coding. */
ax_result sim_run_functional(sim *s, char **err);

/* ---- what runs of the same layer share (sim_share.c) ----
 * Prepared weights: the chunk-major form the fast run reads (128 output
 * lanes per chunk, each axon's row contiguous) and the zero-gating counts of
 * every tile shape used with it. They depend only on the weights, so every
 * sim of the same layer (the points of a sweep, whatever their timing, tile
 * or technology) can use one instead of transposing q again. */
#define SIM_WEIGHT_LANES 128
typedef struct sim_weights sim_weights;
/* From qw (transposed on `threads` threads). */
ax_result sim_weights_new(const map_qweight *qw, int threads, sim_weights **out, char **err);
/* Empty, for a caller that writes the rows itself (a core image's tiles
 * already hold them): *rows is [ceil(out / 128)][in][128], row of axon i of
 * chunk c at rows + (c * in + i) * 128, lanes past out zero. */
ax_result sim_weights_alloc(size_t out, size_t in, sim_weights **w, int8_t **rows, char **err);
size_t sim_weights_bytes(const sim_weights *w);
void sim_weights_free(sim_weights *w); /* NULL is a no-op */
/* Before sim_run / sim_run_functional: s reads w instead of preparing its own
 * (w holds the same weights as s's qw; same shape checked, AX_ESHAPE; w
 * outlives s; one sim at a time uses w: it adds the counts of s's tile). */
ax_result sim_use_weights(sim *s, sim_weights *w, char **err);

/* The accumulation's result: acc and its overflow verdict (result code and
 * text). It depends on the weights, the event stream, the tile (its row
 * partition) and the accumulator width, never on the timing: runs that
 * differ only in clock, timing, handshake, delays, DRAM, power or technology
 * take it from the first instead of accumulating again. */
typedef struct sim_sums sim_sums;
/* After sim_run / sim_run_functional (fast path, no observers). */
ax_result sim_sums_take(const sim *s, sim_sums **out, char **err);
size_t sim_sums_bytes(const sim_sums *u);
const int32_t *sim_sums_acc(const sim_sums *u); /* [tokens][out][ngroups], owned by u */
ax_result sim_sums_verdict(const sim_sums *u);  /* AX_OK, or AX_EOVERFLOW */
void sim_sums_free(sim_sums *u); /* NULL is a no-op */
/* Before sim_run / sim_run_functional: the accumulation is taken from u
 * (from a sim of the same weights, events, rows, cols and acc_bits, or of
 * another tile or width where sim_bound_fits says no sum can overflow on
 * either; the shape is checked, AX_ESHAPE); u outlives the run. */
ax_result sim_use_sums(sim *s, const sim_sums *u, char **err);
/* The bound on every partial and reduced sum of the stream, whatever the
 * tile: the largest over tokens of 128 · Σ 2^shift over the token's events
 * (|w| ≤ 128; saturates at UINT64_MAX). Any row-block's partial sum and any
 * group's reduced sum is at most this in magnitude. */
uint64_t sim_events_bound(const spike_event *ev, size_t nev, const size_t *tok_start,
                          size_t tokens);
/* 1 when bound fits A = acc_bits (≤ 2^(A-1) − 1) and int32: then no sum can
 * overflow on any tile, acc is the exact sum, and it is the same for every
 * tile and every accumulator width that fits (a sweep accumulates once for
 * all its tiles; docs/performance.md "Sweeps"). */
int sim_bound_fits(uint64_t bound, int acc_bits);

/* A finished timed run's outcome in the run's own unit (cycles or ps): the
 * report's stamps and counters, every core's counters. Nothing of a run
 * depends on the clock except the conversion to ns (a sync core counts
 * cycles; the async core and the chip count ps and ignore it), so runs that
 * differ only in clock_mhz take it from the first (a sweep's clock axis
 * simulates once; docs/performance.md "Sweeps"). */
typedef struct sim_timed sim_timed;
/* After a sim_run that returned AX_OK (AX_EPARAM otherwise); *out is freed
 * with sim_timed_free. */
ax_result sim_timed_take(const sim *s, sim_timed **out, char **err);
/* The report sim_get_report gives for the same run at clock_mhz (the same
 * bits); r->per_core points into t. */
void sim_timed_report(const sim_timed *t, double clock_mhz, sim_report *r);
size_t sim_timed_bytes(const sim_timed *t);
void sim_timed_free(sim_timed *t); /* NULL is a no-op */

/* VCD writer (sim_vcd.c), an observer: attach before the first sim_step or
 * sim_run; it records the first max_cores cores. Close after the run (it
 * flushes, reports write errors and only then replaces the file at path:
 * an atomic output); abort after a failed run (no file is written); the
 * sim does not own it. */
typedef struct sim_vcd sim_vcd;
ax_result sim_vcd_open(sim *s, const char *path, int max_cores, sim_vcd **out, char **err);
ax_result sim_vcd_close(sim_vcd *v, char **err); /* NULL is a no-op */
void sim_vcd_abort(sim_vcd *v);                  /* NULL is a no-op */
/* Caps the file at bytes (0 = none): past it nothing more is written,
 * sim_vcd_over returns 1 and sim_vcd_close fails (AX_ERANGE). */
void sim_vcd_limit(sim_vcd *v, int64_t bytes);
int sim_vcd_over(const sim_vcd *v);

#endif
