/*
 * Slurm job-array emission for `axon sweep --emit-slurm DIR` (private to
 * cli/): the sweep's options as the user gave them, to be replayed by each
 * array task with its own --shard and database.
 */
#ifndef AX_CMD_SWEEP_SLURM_H
#define AX_CMD_SWEEP_SLURM_H

#include "../db/db.h"

#define CMD_SWEEP_PARAMS 64 /* at most one option per table parameter */

typedef struct {
    const char *weights, *trace, *eval, *arch;
    const char *pname[CMD_SWEEP_PARAMS]; /* parameter keys as given (run/run_param.h) */
    const char *pval[CMD_SWEEP_PARAMS];  /* their value lists, as given */
    int np;
} cmd_sweep_args;

/* Writes DIR/sweep.sbatch, DIR/plan.tsv and DIR/merge.sh for nshards
 * array tasks with `jobs` workers each; out_db is the merged database. */
ax_result cmd_sweep_emit_slurm(const char *dir, const db_sweep_spec *s, const cmd_sweep_args *a,
                               int nshards, int jobs, const char *out_db, char **err);

#endif
