/*
 * sim — private structures shared by the kernel (sim_queue.c), the core
 * model (sim_core.c), the chip (sim_chip.c, sim_noc.c) and the host loop
 * (sim_host.c). Nothing here is part of the public interface.
 *
 * Time is an int64: cycles in sync mode, picoseconds in async mode. The core
 * model is the recurrence of docs/core-timing.md written once with six time
 * constants (sim_tparams) so that sync and async share one code path.
 */
#ifndef AX_SIM_INT_H
#define AX_SIM_INT_H

#include "sim.h"

#include <stdint.h>

#define SIM_NEG_INF (INT64_MIN / 4) /* "max over an index that does not exist" */
#define SIM_MAX_SHIFT 23            /* 127 << 23 keeps every lane add inside int32 */
#define SIM_RO 8                    /* pending readout intervals kept per core */
#define SIM_EVENT_FLIT_BITS 32 /* event flit payload: axon 16, shift 5, neg 1, eot 1 (padded) */

/* ---- event queue (sim_queue.c): binary heap on (time, seq) ---- */
typedef struct {
    int64_t t;
    uint64_t seq; /* assigned by push: equal times pop in push order */
    int64_t item;
    void *ptr; /* READOUT_DONE: malloc'd accumulator snapshot (owned by the entry) */
    int32_t core;
    int32_t word;
    uint8_t kind; /* sim_obs_kind */
    uint8_t skipped;
} sim_qev;

typedef struct {
    sim_qev *v;
    size_t n, cap;
    uint64_t seq;
} sim_queue;

void sim_queue_init(sim_queue *q);
ax_result sim_queue_push(sim_queue *q, sim_qev e); /* AX_ENOMEM only */
int sim_queue_pop(sim_queue *q, sim_qev *e);       /* 0 when empty */
const sim_qev *sim_queue_peek(const sim_queue *q); /* NULL when empty */
void sim_queue_free(sim_queue *q);

/* ---- core model (sim_core.c) ---- */
typedef struct {
    int64_t step;              /* min spacing of accepts: 1 cycle / hs */
    int64_t dec;               /* accept -> start: 1 cycle / t_decode */
    int64_t wp;                /* word period: 1 cycle / P */
    int64_t lat;               /* read issue -> data added: Ls cycles / t_sram + t_add */
    int64_t bp;                /* readout beat period: 1 cycle / Q */
    int64_t gap;               /* EOT with double buffering: s + 1 cycle / s + hs */
    int64_t unit;              /* link time unit: 1 cycle / hs */
    int64_t hop;               /* per-hop latency: hop_cycles / hop_ps */
    int64_t dram_tb, dram_lat; /* DRAM channel time per burst, latency */
    int W, B, F, C, A;
    int async;
    int double_buffer, zero_gating;
    int row_reuse;
    int batch; /* tokens per weight-stationary batch (1: none); EOTs close a batch every
                  `batch` tokens (docs/core-timing.md "Token batches") */
} sim_tparams;

void sim_tparams_from(const sim_config *c, sim_tparams *tp);

typedef struct {
    int64_t a_prev, r_prev, o_prev;
    int64_t *sring; /* [F] start times of the last F items (ring), owned by the chip */
    int64_t k;      /* items processed */
    int ri;         /* k mod F: the ring slot of item k */
    int64_t ro_s[SIM_RO], ro_e[SIM_RO]; /* pending readout intervals (a ring from ro_h), for
                                            the active-time union */
    int nro, ro_h;
    int64_t cu;  /* active union: covered until */
    int64_t end; /* end of the last readout */
    int64_t ob;  /* readout start of the last EOT that closed a batch (= o_prev when batch 1) */
    int64_t fa;  /* accept of the first item of the current batch: its tokens' arrival */
    int bopen;   /* 1 while a batch has items at this core */
    sim_counters c;
} sim_core_state;

typedef struct {
    int64_t arr, a, s, r, o; /* o: readout start (EOT only) */
} sim_stamp;

void sim_core_reset(sim_core_state *st, const sim_tparams *tp, int64_t *sring);
/* Advances one core by one item (timing and the item's stall counters). */
void sim_core_item(const sim_tparams *tp, sim_core_state *st, int64_t arr, int is_eot,
                   sim_stamp *out);
/* Runs the whole item stream items[n] (arrivals arr[n], no DRAM) through
 * one core: readout start of token t into otok[t], the accept of the first
 * item of each token's batch (its own first item when batch is 1) into
 * tacc[t] when smaller, the latest start into *last. */
void sim_core_stream(const sim_tparams *tp, sim_core_state *st, const int64_t *items, size_t n,
                     const int64_t *arr, int64_t *otok, int64_t *tacc, int64_t *last);
/* Counts one event's reads and adds: nzw words with a nonzero weight, nnz
 * nonzero weights among the c_used lanes the core holds; reads_row = 0 for
 * an event of the row-reuse core served by its row register (no SRAM read). */
void sim_core_count_event(const sim_tparams *tp, sim_core_state *st, int nzw, int nnz, int shift,
                          int c_used, int reads_row);
/* Flushes the active-time union; returns active time. */
int64_t sim_core_finish(sim_core_state *st);
/* acc[0..n) += w * m, wrapping at A bits; returns nonzero on overflow. */
uint32_t sim_core_add(int32_t *acc, const int8_t *w, size_t n, int32_t m, int A);

/* ---- batched accumulation (sim_simd.c, sim_arith.c) ---- */
#define SIM_CW 128 /* output lanes per chunk of the batched accumulation */
#define SIM_MAX_THREADS 256

/* One row-block's program for one token: runs of [shift, npos, nneg, npos
 * + nneg row offsets into tile] (sim_simd.c). */
typedef struct {
    const uint32_t *p, *pe;
    const int8_t *tile;
} sim_kseg;
/* Sums the segments (the row-blocks of one weight group, one token) over
 * one chunk of SIM_CW lanes into acc[SIM_CW]: stored (zero = 1) or added.
 * Only for sums proved to fit (sim_simd.c). */
typedef void (*sim_kernel_fn)(const sim_kseg *seg, size_t nseg, int32_t *acc, int zero);
sim_kernel_fn sim_simd_kernel(sim_simd v);

/* ---- threads (sim_par.c) ---- */
typedef void (*sim_par_fn)(void *ctx, size_t unit, int worker);
/* Runs fn(ctx, u, worker) for u in [0, n) on up to `threads` threads
 * (worker in [0, threads)); returns when all are done. */
void sim_par_for(int threads, size_t n, sim_par_fn fn, void *ctx);

/* ---- the chip ---- */
typedef struct {
    sim_observer_fn fn;
    void *user;
    int reduce; /* also gets the reduction's stamps (sim_observe_reduction) */
} sim_observer;

typedef struct {
    int64_t h, t; /* head and tail flit times of a partial-sum packet */
} sim_packet;

typedef struct {
    int64_t fetch_end; /* DRAM channel free */
    int64_t f;         /* fetch start of the current token */
    int64_t eot_s[2];  /* start of the EOT of tokens n-1, n-2 (weight buffer free) */
} sim_dram_core;

struct sim {
    sim_config cfg;
    sim_tparams tp;
    const map_qweight *qw;
    const spike_event *ev;
    size_t nev, tokens, in, out, ng;
    const size_t *tok_start;
    size_t nrb, ncb, ncores, mesh_w, mesh_h;
    size_t outp;           /* ncb * C: padded width of a transposed weight row */
    size_t *rb_lo, *rb_hi; /* axon range of row-block rb */
    size_t *rb_group;      /* weight group of row-block rb */
    int8_t *wt;            /* [in][outp]: row-per-axon layout (transposed q, zero padded);
                               built when stepping (sim_host.c) */
    uint16_t *nnz, *nzw;   /* [ncb][in]: nonzero weights / words of (column block, axon) */
    int weights_built;     /* nnz, nzw (and wt or wk) filled */
    sim_weights *sw;       /* shared prepared weights (sim_use_weights): wk is sw's */
    const sim_sums *sums;  /* shared accumulation (sim_use_sums): no programs, no kernels */
    uint32_t *ecnt;        /* [in] events of each axon over the whole trace */
    uint32_t *rcnt;        /* [in] row reads of each axon (= ecnt without row reuse) */
    uint64_t *scnt;        /* [in] sum of the shifts of each axon's events */
    uint32_t *ecnt_neg;    /* [in] events of each axon with the negative sign */
    uint64_t *scnt_neg;    /* [in] sum of the shifts of those */
    uint32_t *ltog;        /* [ncb][in][4]: lane term toggles of (column block, axon), P and D
                               of the positive then the negative sign (sim_toggle.c) */
    uint8_t **rrow;        /* per row-block, per item: 1 when the event reads its row
                               from SRAM (row reuse; NULL without: every event reads) */
    /* fast path (sim_arith.c) */
    sim_exec ex;        /* threads and SIMD path (execution only) */
    sim_simd simd;      /* resolved path */
    int functional;     /* sim_run_functional: no timing */
    uint64_t replay_budget; /* lane slots replayed exactly (0: SIM_REPLAY_BUDGET; tests) */
    size_t sb_rows;     /* axons per super-block of the accumulation (0: SB_ROWS; tests) */
    size_t nch;         /* chunks of SIM_CW output lanes */
    int8_t *wk;         /* [nch][in][SIM_CW]: each chunk's rows contiguous, zero padded */
    uint32_t **prog;    /* per row-block: the runs of every token (sim_simd.c format) */
    size_t *pstart;     /* [nrb][tokens + 1] program offsets */
    size_t *istart;     /* [nrb][tokens + 1] item index of token n in rb's stream */
    uint8_t *tok_safe;  /* [tokens] 1: every partial and reduced sum provably fits */
    int64_t *tacc_rb;   /* [nrb][tokens] earliest first accept per row-block */
    int64_t *lstart_rb; /* [nrb] latest start per row-block */
    int64_t **items;    /* per row-block: event index, or -(n+1) for EOT of token n, in the
                           core's order: (token, step, axon), (token, axon, step) with row
                           reuse, (batch, axon, token, step) and the batch's EOTs after its
                           events with batches (docs/core-timing.md) */
    int64_t **aitems;   /* batches only: the same items token by token (row-reuse order, an
                           EOT after each token), for the arithmetic; NULL: items is that */
    size_t *nitems;
    sim_core_state *cs;  /* [ncores], core (rb, cb) at rb * ncb + cb */
    int64_t *sring;      /* [ncores][F] */
    int64_t **o_tok;     /* [ncores] readout start of each token: the core's own row of
                             [tokens] (o_own set), or, for a core whose timing is a
                             template core's delayed by o_dl (the fast path's copies,
                             sim_noc.c), the template's row */
    int64_t *o_dl;       /* [ncores] delay added to the row's stamps */
    uint8_t *o_own;      /* [ncores] 1: o_tok[core] is a row of its own (freed with the sim) */
    int64_t *o_blk;      /* [ncores][tokens] every core's row at once (stepped path) */
    int64_t *tok_done;   /* [tokens] completion time */
    int64_t *tok_accept; /* [tokens] earliest accept of the token's first item at any core */
    int64_t last_start;  /* latest start of any item at any core */
    int64_t *acc64;      /* [tokens][out][ng] reduced sums (stepped run, exact tokens) */
    int32_t *acc_out;    /* [tokens][out][ng] */
    int32_t *acc_rb;     /* [batch][nrb][outp] working accumulators (stepped run): one set
                            per token of a batch (sim_chip_accset) */
    int64_t *link_free;  /* [nrb][ncb] eastward multicast links */
    uint32_t *ovf_rb;    /* [nrb] sticky overflow */
    /* DRAM streaming (sim_dram.c) */
    sim_dram_core *dc;   /* [ncores] */
    uint32_t *dram_rank; /* [nrb][tokens][nb]: 0 = burst not needed, else its fetch order */
    uint32_t *dram_m;    /* [nrb][tokens] bursts needed */
    size_t dram_nb;      /* bursts per tile: ceil(R * C / B) */
    int overflow_red;    /* reduced sum left int32 */
    sim_counters *pc;    /* [ncores] */
    sim_counters total;
    int64_t duration, now;
    int done;
    ax_result rc; /* result of the run (sticky) */
    char *err;    /* its message, owned */
    /* host loop (sim_host.c) */
    sim_observer *obs;
    size_t nobs;
    int des; /* stepping started */
    sim_queue q;
    int64_t **arr; /* [ncores][nitems] arrivals (stepping only) */
};

/* The readout start of token n at core c (sim_chip.c rows; o_dl applied). */
static inline int64_t sim_o_tok(const struct sim *s, size_t c, size_t n)
{
    return s->o_tok[c][n] + s->o_dl[c];
}
/* Core c's own row of readout starts, allocated on first use (NULL: out of
 * memory); the row its timing writes (sim_chip.c). */
int64_t *sim_o_row(struct sim *s, size_t c);

/* The report's ns fields from integer stamps (sim_chip.c). */
void sim_report_times(sim_report *r, double ns, size_t tokens, int64_t duration,
                      const int64_t *tok_done, const int64_t *tok_accept, int64_t last_start);

/* ---- shared preparation (sim_share.c) ---- */
typedef struct {
    int C, L;
    size_t ncb;
    uint16_t *nnz, *nzw; /* [ncb][in] */
    uint32_t *ltog[2];   /* [ncb][in][4] lane term toggles without / with zero gating (kept by
                            sim_toggle_build once computed; NULL: not yet) */
} sim_wcounts;

struct sim_weights {
    size_t in, out, nch;
    int8_t *wk; /* [nch][in][SIM_CW] */
    sim_wcounts *cnt;
    size_t ncnt;
};

struct sim_sums {
    size_t tokens, in, out, ng, nev;
    int rows, cols, acc_bits;
    ax_result rc; /* the accumulation's verdict: AX_OK or AX_EOVERFLOW */
    uint64_t bound; /* sim_events_bound of its stream */
    char *err;
    int32_t *acc; /* [tokens][out][ng] */
};

/* The counts of tile (C, L) kept in w, or NULL. */
const sim_wcounts *sim_weights_counts(const sim_weights *w, int C, int L);
/* Keeps a copy of s's counts in s->sw (best effort: nothing on ENOMEM). */
void sim_weights_keep_counts(struct sim *s);
/* q [out][in] → wk [chunk][in][SIM_CW] for chunk ch (sim_arith.c); with cnt,
 * the zero-gating counts of cnt's cores inside the chunk follow, block by block. */
void sim_arith_transpose(const int8_t *q, size_t in, size_t out, int8_t *wk, size_t ch,
                         struct sim *cnt);

/* sim_chip.c */
static inline int sim_item_is_eot(int64_t it)
{
    return it < 0;
}
static inline size_t sim_item_token(const struct sim *s, int64_t it)
{
    return it < 0 ? (size_t)(-(it + 1)) : s->ev[it].token;
}
int sim_core_cused(const struct sim *s, size_t cb);
/* Multicast arrival of one item along row-block rb; arr[ncb] out. */
void sim_noc_multicast(struct sim *s, size_t rb, int64_t *arr);
/* Reduction timing and final acc after every core ran. */
ax_result sim_chip_finish(struct sim *s, char **err);
/* Core (rb, cb) processes item k with arrival arr, its event counters and
 * the arithmetic of its slice (the stepped path, sim_host.c). */
void sim_chip_core_item(struct sim *s, size_t rb, size_t cb, size_t k, int64_t arr, sim_stamp *st);
/* Arrival of item k at core (rb, cb) after DRAM (--dram), counting stall_dram. */
int64_t sim_chip_dram_arrival(struct sim *s, size_t rb, size_t cb, size_t k, int64_t arr);
/* EOT of token n of row-block rb: fold cols [c0, c1) into acc64 and clear them. */
void sim_chip_fold(struct sim *s, size_t rb, size_t n, size_t c0, size_t c1);
/* The working accumulators of row-block rb that token n adds into (stepped
 * run): set n mod batch of the batched core, the only set without batches. */
static inline int32_t *sim_chip_accset(struct sim *s, size_t rb, size_t n)
{
    return s->acc_rb + ((n % (size_t)s->tp.batch) * s->nrb + rb) * s->outp;
}
/* The stepped path's row-per-axon weights wt and the zero-gating counts. */
ax_result sim_chip_weights_rows(struct sim *s, char **err);
/* Per-rb overflow flags, then reduced sums outside int32 (tokens with
 * tok_safe[n] set were written to acc_out already; NULL: every token from acc64). */
ax_result sim_chip_acc_finish(struct sim *s, char **err);
ax_result sim_chip_run_fast(struct sim *s, char **err);
/* sim_arith.c: builds wk, the counts and the programs (threads), then the
 * accumulation of every token into acc_out (and acc64 for unsafe tokens). */
ax_result sim_arith_prepare(struct sim *s, char **err);
void *sim_alloc_big(size_t n); /* 2 MiB aligned, huge pages when offered; free() it */
ax_result sim_arith_run(struct sim *s, char **err);
/* The event counters of core (rb, cb) from ecnt, nnz and nzw. */
void sim_chip_count_events(struct sim *s, size_t rb, size_t cb);

/* ---- lane term toggles (sim_toggle.c) ---- */
/* Width TW of the RTL's lane adder for A accumulator bits: max(A, 39) + 2. */
int sim_toggle_width(int acc_bits);
/* Set bits of x without the popcnt instruction (the x86-64 baseline has none:
 * __builtin_popcountll is a library call there). */
static inline int sim_popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (int)((x * 0x0101010101010101ULL) >> 56);
}
/* acc_write_toggles and lane_term_toggles_seq of every core (sim_replay.c):
 * exact for a run of at most SIM_REPLAY_BUDGET lane slots, else from a fixed
 * sample of (batch, core) pairs. */
#define SIM_REPLAY_BUDGET (1ULL << 20)
ax_result sim_replay_count(struct sim *s, char **err);
/* P and D of every (column block, axon) from the weights into s->ltog. */
ax_result sim_toggle_build(struct sim *s, char **err);
/* The toggles of one event: P_s + D_s (tw - 9 - shift) from its ltog entry. */
uint64_t sim_toggle_event(const uint32_t *ltog, int neg, int shift, int tw);
/* sim_dram.c */
ax_result sim_dram_init(struct sim *s, char **err);
/* Arrival of item k at core (rb, cb) with its weights streamed from DRAM. */
int64_t sim_dram_arrival(struct sim *s, size_t rb, size_t cb, size_t k, int64_t arr);
void sim_dram_eot(struct sim *s, size_t core, size_t n, int64_t s_eot);
void sim_dram_free(struct sim *s);

#endif
