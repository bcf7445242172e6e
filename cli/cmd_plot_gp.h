/*
 * gnuplot driving for `axon plot` (private to cli/): finding the plot/ (*.gp files)
 * templates, passing variables safely (no shell involved), labels with
 * units derived from column names.
 */
#ifndef AX_CMD_PLOT_GP_H
#define AX_CMD_PLOT_GP_H

#include "../ax/ax.h"

#include <stddef.h>

typedef struct {
    const char *name, *value;
    int is_string; /* 1: passed as a gnuplot string, 0: as a number */
} cmd_plot_var;

/* "png" or "svg" from the output file name, NULL otherwise. */
const char *cmd_plot_term(const char *out);
/* Axis label with unit from a column name: clock_mhz -> "clock (MHz)". */
void cmd_plot_label(const char *col, char *buf, size_t n);
/* malloc'd printf. */
char *cmd_plot_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs gnuplot on plot/<tmpl> with the variables, its "outfile" set to a
 * temporary beside out (ax_out); out is replaced only when gnuplot
 * succeeded and wrote a non-empty file, so a failure keeps an older plot
 * and leaves no empty one. */
ax_result cmd_plot_gnuplot(const char *tmpl, const cmd_plot_var *v, size_t nv, const char *out,
                           char **err);
/* A scratch directory for gnuplot's data (removed on SIGINT/SIGTERM too):
 * dir receives its path (a mkdtemp template of at least 32 bytes). */
ax_result cmd_plot_scratch(char *dir, size_t n, int *slot, char **err);
/* Removes file (may be "") and the scratch directory, and unregisters them. */
void cmd_plot_scratch_done(const char *dir, const char *file, int slot, int fslot);
/* axon plot --raster (cmd_plot_raster.c). */
int cmd_plot_raster(int argc, char **argv);

#endif
