/*
 * api, private: what the files of api/ share. api/ is the public face of
 * libaxon (include/axon.h): the one place where the exported ax_ names are
 * defined, each a thin wrapper over the library layers (run/, db/, traces/).
 * The only exported name defined elsewhere is ax_result_str (ax/ax_err.c),
 * the error text every layer already uses.
 */
#ifndef AX_API_INT_H
#define AX_API_INT_H

#include "../include/axon.h"
#include "../run/run.h"

struct cJSON;

/* An ax_job: the run_job plus the strings it points to, owned here
 * (run_job holds borrowed strings). */
struct ax_job {
    run_job j;
    char *weights, *trace, *image, *ref; /* owned, or NULL */
    char **text;                         /* owned values of RUN_PT_TEXT parameters, [table size] */
    size_t ntext;
    int tile_given;  /* tile set by name or by an architecture file (image runs) */
    int group_given; /* group_size set by name (image runs) */
};

/* A copy of job's run_job ready to execute: files checked, the layer
 * resolved (the job's, or the only one of the files; *layer_owned is then
 * a malloc'd name the caller frees), the core image's tile and group taken
 * and the configuration checked. need_layer 0 leaves the layer NULL when
 * the job names none (sweeps with a layer axis). */
ax_result api_job_prepare(const ax_job *job, int need_layer, run_job *j, char **layer_owned,
                          char **err);

/* The per-layer report object of `axon run --json` (cJSON, caller deletes).
 * PRIVATE STAND-IN: api_report.c copies cli/cmd_run_out.c's builder until
 * run/run_report.c's run_report_json is available; then this becomes a call
 * of run_report_json and api_report.c goes away. */

/* malloc'd copy of s (NULL stays NULL); *ok is cleared when out of memory. */
char *api_strdup(const char *s, int *ok);

#endif
