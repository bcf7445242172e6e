/* Private to `axon map` (cmd_map.c, cmd_map_out.c): the selected layers and
 * the run configuration shared by the flow and the output formatting. */
#ifndef AX_CMD_MAP_INT_H
#define AX_CMD_MAP_INT_H

#include "../mapper/map.h"
#include "../run/run.h"

#include <stdint.h>

enum { CMD_MAP_TABLE, CMD_MAP_JSON, CMD_MAP_CSV };

typedef struct {
    const char *weights, *trace, *image;
    int tile_auto, R, C; /* tile R axons x C neurons */
    int W, H;            /* mesh */
    size_t cores;        /* --cores budget, 0 = the mesh */
    int dram, tiles, fmt;
    const char *tech; /* technology table CSV, NULL = built-in 45 nm */
    int node_nm;      /* 0 = the table's node */
    map_opts o;
} cmd_map_run;

/* --read-image FILE [--core N]: summary (core < 0) or one core's rows. */
int cmd_map_read_image(const char *path, long core, int fmt, int threads);

void cmd_map_out_list(const cmd_map_run *cfg, const run_map_sel *sel);
void cmd_map_out_report(const cmd_map_run *cfg, const run_map_sel *sel);

#endif
