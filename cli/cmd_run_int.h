/* axon run, private: the per-layer loop, report and output of cmd_run.c. */
#ifndef AX_CMD_RUN_INT_H
#define AX_CMD_RUN_INT_H

#include "run_job.h"

/* Runs j (j->layer NULL = every layer with weight and input), prints the
 * report (json bit 0: JSON, else human; bit 1: per-core counters too;
 * bit 2: the energy explain chain in the human report),
 * writes `out` and records each run in the results database `db` when they
 * are not NULL. Returns a CMD_ code. */
int cmd_run_layers(run_job *j, const char *out, int json, const char *db);

/* --image (cli/cmd_run_img.c): takes the image's tile (usage error when
 * --tile differs) and weight group (same with --group); a CMD_ code. */
int cmd_run_image_setup(run_job *j, int tile_given, int group_given);
/* The image's layers whose `<layer>.input` is in the trace (names malloc'd). */
ax_result cmd_run_image_layers(const run_job *j, char ***names, size_t *n, char **err);

#endif
