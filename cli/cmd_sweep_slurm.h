/*
 * Slurm job-array emission for `axon sweep --emit-slurm DIR` (private to
 * cli/): the sweep's options as the user gave them, to be replayed by each
 * array task with its own --shard and database.
 */
#ifndef AX_CMD_SWEEP_SLURM_H
#define AX_CMD_SWEEP_SLURM_H

#include "../db/db.h"

#define CMD_SWEEP_AXES 8 /* layer clock tile coding k async lanes steps */

typedef struct {
    const char *weights, *trace, *group, *tech, *model, *eval;
    char *axes[CMD_SWEEP_AXES];            /* option text per axis (NULL = not given) */
    const char *axis_names[CMD_SWEEP_AXES];
} cmd_sweep_args;

/* Writes DIR/sweep.sbatch, DIR/plan.tsv and DIR/merge.sh for nshards
 * array tasks with `jobs` workers each; out_db is the merged database. */
ax_result cmd_sweep_emit_slurm(const char *dir, const db_sweep_spec *s, const cmd_sweep_args *a,
                               int nshards, int jobs, const char *out_db, char **err);

#endif
