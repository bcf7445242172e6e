/*
 * run — private parts shared by the files of run/: the ids of the parameter
 * table's rows and the accessors of the run_job fields they name
 * (run_param.c parses and prints, run_param_out.c checks, stores and helps).
 */
#ifndef AX_RUN_INT_H
#define AX_RUN_INT_H

#include "run.h"

enum {
    P_LAYER,
    P_TILE,
    P_LANES,
    P_FIFO,
    P_SRAM_LAT,
    P_ACC_BITS,
    P_READOUT_BITS,
    P_DOUBLE_BUFFER,
    P_ZERO_GATING,
    P_ROW_REUSE,
    P_BATCH_TOKENS,
    P_CLOCK_GATING,
    P_TIMING,
    P_CLOCK,
    P_HANDSHAKE,
    P_T_REQ,
    P_T_ACK,
    P_T_DECODE,
    P_T_SRAM,
    P_T_ADD,
    P_T_READOUT,
    P_MESH,
    P_HOP,
    P_HOP_PS,
    P_LINK_BITS,
    P_DRAM,
    P_BURST,
    P_DRAM_BW,
    P_DRAM_LAT,
    P_DRAM_BURST_PS,
    P_DRAM_LAT_PS,
    P_CODING,
    P_K,
    P_STEPS,
    P_CLAMP,
    P_GROUP,
    P_TECH,
    P_NODE,
    P_VDD,
    P_MODEL,
    P_BASELINE,
    P_BASE_LANES
};

/* The int64 (ps) or int field of parameter id in j, or NULL. */
int64_t *run_param_ps_field(run_job *j, int id);
int *run_param_int_field(run_job *j, int id);
/* a and b equal with '-' and '_' taken as the same character */
int run_param_same_name(const char *a, const char *b);
typedef struct run_cache_entry run_cache_entry;

/* The entry under key, pinned (release it when done), or NULL (a miss). */
run_cache_entry *run_cache_find(run_cache *c, const char *key);
/* Stores data (bytes, freed with drop) under key, pinned; NULL when out of
 * memory (data is then dropped). May evict unpinned entries. */
run_cache_entry *run_cache_put(run_cache *c, const char *key, void *data, size_t bytes,
                               void (*drop)(void *data));
/* The accumulators of acc [tokens][out][ngroups] that differ from the CPU
 * reference of (counts, qw), computed and compared 64 tokens at a time
 * (run_job.c: never held whole); the reference's errors as a whole one. */
ax_result run_ref_mismatches(const int32_t *counts, size_t tokens, const map_qweight *qw,
                             const int32_t *acc, size_t *mismatches, char **err);
/* The same with the comparison on up to `threads` threads (an integer
 * count: the same for every thread count). */
ax_result run_ref_mismatches_par(const int32_t *counts, size_t tokens, const map_qweight *qw,
                                 const int32_t *acc, int threads, size_t *mismatches, char **err);
/* 1 when an entry of bytes could stay in c after its run releases it (one
 * larger than the budget is dropped at once: not worth computing whole). */
int run_cache_keeps(const run_cache *c, size_t bytes);
void *run_cache_data(const run_cache_entry *e);
void run_cache_release(run_cache *c, run_cache_entry *e); /* NULL: no-op */
/* A malloc'd key from a printf format (NULL when out of memory). */
char *run_cache_key(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PATH@dev:ino:size:mtime", the file's identity in cache keys ("PATH@?"
 * when it cannot be stat'ed, "-" for NULL), malloc'd; NULL out of memory. */
char *run_file_ident(const char *path);

#endif
