/* axon run, private: the per-layer loop, report and output of cmd_run.c. */
#ifndef AX_CMD_RUN_INT_H
#define AX_CMD_RUN_INT_H

#include "../run/run.h"

/* Runs j (j->layer NULL = every layer with weight and input), prints the
 * report (json bit 0: JSON, else human; bit 1: per-core counters too;
 * bit 2: the energy explain chain in the human report),
 * writes `out` and records each run in the results database `db` when they
 * are not NULL. Returns a CMD_ code. */
int cmd_run_layers(run_job *j, const char *out, int json, const char *db);


#endif
