/*
 * run_param — the one table of run parameters (docs/design.md §1, docs/params.md).
 *
 * Every parameter of a run (core, timing, chip, DRAM, spike coding,
 * energy) is one row: its name, type, unit, range, default, help and the
 * section it belongs to. The table drives every subcommand's options and
 * --help, the sweep axes (every parameter can be swept), architecture files
 * (--arch), the JSON config of a run and the Python keyword arguments, so a
 * range is checked in one place and a name is spelled one way.
 *
 * Names: `key` is the canonical name (JSON, CSV, database, architecture
 * file, sweep axis, Python keyword); it carries the unit when the quantity
 * has one (clock_mhz, hop_ps). `flag` is the short command-line spelling
 * (--clock); the key with '_' written '-' (--clock-mhz) is accepted too.
 * Lookups by name accept the key, the flag, and either with '-' or '_'.
 */
#ifndef AX_RUN_PARAM_H
#define AX_RUN_PARAM_H

#include "../ax/ax.h"

#include <stddef.h>
#include <stdio.h>

typedef struct run_job run_job;
struct cJSON;

typedef enum {
    RUN_PT_INT,    /* integer in [lo, hi]; `words` lists named values (auto, token) */
    RUN_PT_REAL,   /* finite real in [lo, hi] */
    RUN_PT_BOOL,   /* on|off (also 1|0, true|false, yes|no) */
    RUN_PT_CHOICE, /* one of `words` */
    RUN_PT_PAIR,   /* AxB, each in [lo, hi] (tile, mesh) */
    RUN_PT_CLAMP,  /* on|off|MIN:MAX (count clamp) */
    RUN_PT_TEXT    /* free text (layer name, table path) */
} run_param_type;

/* Sections: which part of the design a parameter belongs to; a subcommand
 * takes the sections it needs (bit mask). */
enum {
    RUN_SEC_INPUT = 1,
    RUN_SEC_CORE = 2,
    RUN_SEC_TIMING = 4,
    RUN_SEC_CHIP = 8,
    RUN_SEC_DRAM = 16,
    RUN_SEC_SPIKES = 32,
    RUN_SEC_ENERGY = 64,
    RUN_SEC_ALL = 127
};

typedef struct run_param {
    const char *key;  /* canonical name (JSON, database, arch file, sweep axis, Python) */
    const char *flag; /* command-line spelling without "--" */
    run_param_type type;
    int section;       /* RUN_SEC_* */
    const char *unit;  /* "MHz", "cycles", "ps", "bits", ... or "" */
    double lo, hi;     /* INT, REAL, PAIR: inclusive range */
    const char *words; /* CHOICE: "a|b|c"; INT: named values also accepted */
    const char *help;
    int id; /* private: which field */
} run_param;

/* The table, in the order --help and --arch --dump print it. */
const run_param *run_param_table(size_t *n);
/* By key or flag ('-' and '_' alike); NULL when unknown. */
const run_param *run_param_find(const char *name);
/* Section name ("core", ...) of one RUN_SEC_* bit. */
const char *run_param_section_name(int section);

/* Parses value for p and stores it in j. AX_EPARAM naming the parameter,
 * the value, the range or choices, and a hint. */
ax_result run_param_set(run_job *j, const run_param *p, const char *value, char **err);
/* The same by name: AX_EPARAM for an unknown name (with the closest hint). */
ax_result run_param_set_name(run_job *j, const char *name, const char *value, char **err);
/* The value of p in j as the user would write it ("128x128", "on", "500");
 * out holds at least 64 bytes. TEXT values longer than n are cut. */
void run_param_get(const run_job *j, const run_param *p, char *out, size_t n);
/* AX_EPARAM when p has no effect on j (an async-only delay on the clocked
 * core, the clock on the async core, DRAM parameters without --dram): a
 * parameter the user gave must not be silently ignored. */
ax_result run_param_applies(const run_job *j, const run_param *p, char **err);
/* The database columns of p (runs table, docs/db.md): most parameters are
 * one column named by their key; tile and mesh two (tile_rows/tile_cols,
 * mesh_w_cfg/mesh_h_cfg), clamp three (clamp, count_min, count_max), timing
 * two (timing, async), and the requested node, supply and table file are
 * node_nm_cfg, vdd_v_cfg and tech_file (results holds the effective node and
 * supply). A parameter that does not apply to j (run_param_applies) is
 * stored as NULL. Returns the number of columns (at most RUN_PARAM_MAXCOLS). */
#define RUN_PARAM_MAXCOLS 3
typedef enum { RUN_COL_NULL, RUN_COL_INT, RUN_COL_REAL, RUN_COL_TEXT } run_col_type;
typedef struct {
    const char *name;
    run_col_type type;
    long long i;
    double d;
    const char *s; /* points into j or static text */
} run_param_col;
size_t run_param_columns(const run_job *j, const run_param *p,
                         run_param_col out[RUN_PARAM_MAXCOLS]);
/* 1 when p's value in j differs from the default. */
int run_param_is_set(const run_job *j, const run_param *p);

/* Prints the help lines of the sections in mask, grouped by section:
 * "  --flag VALUE  help (unit, default)". */
void run_param_help(FILE *f, int mask);
/* One parameter's help line(s), with the defaults of d. */
void run_param_help_line(FILE *f, const run_job *d, const run_param *p);

/* ---- architecture files (run_arch.c) ---- */

/* Applies an architecture file to j: JSON (an object of key: value, or of
 * section: {key: value}) or the same as "key = value" / "key: value" lines
 * with '#' comments and [section] headers. Names and values are the
 * table's; numbers may be written bare. Errors name the file, the line (or
 * key) and the parameter. */
ax_result run_arch_load(run_job *j, const char *path, char **err);
/* The text format of architecture files, for every file of that form
 * (architecture files, claim files): '#' comments, blank lines,
 * [section] headers and "key = value" or "key: value" lines (a value in
 * double quotes loses them). fn is called once per header (key and value
 * NULL) and once per pair, with the current section ("" before the first
 * header) and the 1-based line; its error stops the parse. text is
 * modified. Format errors name path and line. */
typedef ax_result (*run_kv_fn)(void *ctx, const char *section, const char *key, const char *value,
                               size_t line, char **err);
ax_result run_kv_parse(const char *path, char *text, run_kv_fn fn, void *ctx, char **err);
/* Reads a whole text file (at most 16 MiB) into *buf (malloc'd, NUL
 * terminated); errors name path, with what as the hint. */
ax_result run_kv_read(const char *path, const char *what, char **buf, char **err);
/* The effective parameters of j as a JSON object grouped by section
 * (cJSON, caller deletes), or NULL when out of memory. */
struct cJSON *run_arch_json(const run_job *j);
/* One parameter's value as JSON (number, boolean or string, as the
 * architecture files write it); NULL for an unset text parameter. */
struct cJSON *run_param_json(const run_job *j, const run_param *p);

#endif
