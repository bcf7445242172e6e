/* Private to `axon map` (cmd_map.c, cmd_map_out.c): the selected layers and
 * the run configuration shared by the flow and the output formatting. */
#ifndef AX_CMD_MAP_INT_H
#define AX_CMD_MAP_INT_H

#include "../mapper/map.h"

#include <stdint.h>

enum { CMD_MAP_TABLE, CMD_MAP_JSON, CMD_MAP_CSV };

typedef struct {
    const char *weights, *trace, *image;
    int tile_auto, R, C; /* tile R axons x C neurons */
    int W, H;            /* mesh */
    size_t cores;        /* --cores budget, 0 = the mesh */
    int dram, tiles, fmt;
    const char *tech;    /* technology table CSV, NULL = built-in 45 nm */
    int node_nm;         /* 0 = the table's node */
    map_opts o;
} cmd_map_run;

/* SRAM pricing from power/ (DESIGN §4), per core of R x C int8 weights. */
typedef struct {
    char version[128];      /* technology table version */
    double read64_pj;       /* one 64-bit read of the R*C-byte macro */
    double row_read_pj;     /* one axon row: ceil(C*8/64) 64-bit reads */
    double sram_area_um2;   /* one core's weight SRAM */
    double core_area_um2;   /* one core (SRAM + logic + router) */
} cmd_map_price;

typedef struct {
    char *name;          /* owned */
    const char *file;    /* checkpoint file holding it (argv, not owned) */
    size_t out, in;
    const char *dtype;   /* static */
    size_t group;        /* weight group (0 = per channel): --group, or from an
                            int8 checkpoint's weight_scale shape */
    map_tiling t;
    map_layer_place lp;  /* owned */
    map_layer_stats st;
    map_tile_stats *tiles; /* owned, [t.cores] with --tiles */
} cmd_map_layer;

typedef struct {
    cmd_map_layer *l;    /* owned, [n] */
    size_t n;
    size_t cores_used;   /* resident cores (pass 0) */
    uint32_t passes;     /* mesh loads */
    uint64_t peak_rss_kib;
    cmd_map_price price;
} cmd_map_sel;

/* cmd_map_sel.c: appends the matching linear layers of one checkpoint file
 * (group: --group, int8 layers take theirs from the scale shape); places
 * every layer (AX_ERANGE naming the layer that does not fit); prices one
 * core's SRAM; frees the selection. */
ax_result cmd_map_sel_list(const char *path, size_t group, cmd_map_sel *sel, char *const *globs,
                       int nglobs, char **err);
ax_result cmd_map_sel_place(cmd_map_sel *sel, int W, int H, int dram, char **err);
ax_result cmd_map_sel_price(const cmd_map_run *cfg, cmd_map_price *p, char **err);
void cmd_map_sel_free(cmd_map_sel *sel);

/* --read-image FILE [--core N]: summary (core < 0) or one core's rows. */
int cmd_map_read_image(const char *path, long core, int fmt);

void cmd_map_out_list(const cmd_map_run *cfg, const cmd_map_sel *sel);
void cmd_map_out_report(const cmd_map_run *cfg, const cmd_map_sel *sel);

#endif
