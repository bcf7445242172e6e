/*
 * run_claim — a published hardware claim (e.g. "46.5 % power and 70.6 %
 * area reduction at 500 MHz") checked against axon's own model, with
 * every assumption that decides it written down (docs/claims.md).
 *
 * A claim file (text form of run_kv_parse: [section] headers, key = value)
 * holds: [claim] name, statement, source; [workload] the layers (files,
 * or a `gen.*` spec of `axon gen`, including a synthetic operating point);
 * [base] a configuration (parameter-table assignments, statement, source);
 * [assumption NAME] named sets of assignments, in order, each with a
 * one-line statement and its source; [target NAME] the claimed figures
 * (a report field, a value, at_least or at_most).
 *
 * run_claim_eval runs the workload's layers at the base, at the base with
 * each assumption alone (the tornado) and with the assumptions applied
 * cumulatively in order (the waterfall; a later assignment of a key
 * overrides an earlier one), and says for each target which of these
 * configurations reach it. Parameters and report fields are looked up by
 * name (run_param_find, run_report_fields), so a new row of either is
 * usable in a claim file without a change here.
 */
#ifndef AX_RUN_CLAIM_H
#define AX_RUN_CLAIM_H

#include "run.h"

#define RUN_CLAIM_MAX_ASSUMPTIONS 32
#define RUN_CLAIM_MAX_SETS 24
#define RUN_CLAIM_MAX_TARGETS 16
#define RUN_CLAIM_MAX_METRICS 48

typedef struct {
    const char *key, *value; /* a parameter-table key or gen.KEY */
    size_t line;
} run_claim_kv;

typedef struct {
    const char *name, *statement, *source;
    run_claim_kv set[RUN_CLAIM_MAX_SETS];
    size_t nset, line;
} run_claim_assumption;

typedef struct {
    const char *name, *metric, *statement, *source;
    double value;
    int at_most; /* 1: reached when metric <= value; 0: when >= value */
    size_t line, metric_index;
} run_claim_target;

enum { RUN_CLAIM_BASE, RUN_CLAIM_TORNADO, RUN_CLAIM_WATERFALL };

typedef struct {
    int kind;          /* RUN_CLAIM_BASE, _TORNADO, _WATERFALL */
    size_t assumption; /* tornado: the assumption; waterfall: the last one applied */
    size_t napplied;   /* waterfall: assumptions 0 .. napplied-1 applied */
    double metric[RUN_CLAIM_MAX_METRICS]; /* NAN where the field has no value */
    size_t layers;
    int reused; /* the same configuration as an earlier point: not run again */
} run_claim_point;

typedef struct run_claim {
    char *path, *text; /* text holds the strings below */
    const char *name, *statement, *source;
    /* workload */
    const char *weights, *trace, *layers; /* layers: comma-separated names (NULL: every layer) */
    run_claim_assumption workload;        /* its gen.* keys, statement and source */
    run_claim_assumption base;
    run_claim_assumption as[RUN_CLAIM_MAX_ASSUMPTIONS];
    size_t nas;
    run_claim_target tg[RUN_CLAIM_MAX_TARGETS];
    size_t ntg;
    /* the report fields shown, in order (the tornado's first, then show=,
     * then the targets'), and how many of them the tornado reports */
    const char *metric[RUN_CLAIM_MAX_METRICS];
    size_t nmetric, ntornado;
    /* filled by run_claim_eval: base, then the tornado (one per
     * assumption), then the waterfall (one per assumption) */
    run_claim_point pt[1 + 2 * RUN_CLAIM_MAX_ASSUMPTIONS];
    size_t npt;
    char **layer_names; /* the layers run (owned) */
    size_t nlayer_names;
    char *owned[8 + RUN_CLAIM_MAX_ASSUMPTIONS + RUN_CLAIM_MAX_TARGETS]; /* paths, section names */
    size_t nowned;
} run_claim;

/* Parses a claim file: every key checked (parameter values against the
 * table, report fields against RUN_REPORT_FIELDS); errors name the file and
 * the line with a hint. */
ax_result run_claim_load(const char *path, run_claim **c, char **err);
void run_claim_free(run_claim *c); /* NULL is a no-op */

/* The file of preset name: $AXON_CLAIM_DIR/NAME.claim, then claims/ and
 * share/axon/claims/ beside the binary's folder, then ./claims. */
ax_result run_claim_find(const char *name, char *out, size_t n, char **err);

typedef struct {
    size_t tokens;       /* > 0: replaces gen.tokens (generated workloads only) */
    const char *layers;  /* comma-separated layer names replacing the workload's */
    int threads;         /* simulator threads (no result depends on it) */
    const char *workdir; /* folder for generated files (must exist) */
    void (*progress)(void *ctx, const char *what, size_t done, size_t total);
    void *progress_ctx;
} run_claim_opts;

ax_result run_claim_eval(run_claim *c, const run_claim_opts *o, char **err);

/* Point i's name: "base", "+NAME" (tornado) or "..+NAME" (waterfall). */
void run_claim_point_name(const run_claim *c, size_t i, char *out, size_t n);
/* Whether point i reaches target t (0 when the metric has no value). */
int run_claim_reaches(const run_claim *c, size_t t, size_t i);

/* The claim, ledger, points, tornado, waterfall and targets as JSON
 * (caller deletes); NULL when out of memory. */
struct cJSON *run_claim_json(const run_claim *c);

#endif
