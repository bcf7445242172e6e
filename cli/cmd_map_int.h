/* Private to `axon map` (cmd_map.c, cmd_map_out.c): the selected layers and
 * the run configuration shared by the flow and the output formatting. */
#ifndef AX_CMD_MAP_INT_H
#define AX_CMD_MAP_INT_H

#include "../mapper/map.h"

#include <stdint.h>

enum { MAP_OUT_TABLE, MAP_OUT_JSON, MAP_OUT_CSV };

typedef struct {
    const char *weights, *trace, *image;
    int tile_auto, R, C; /* tile R axons x C neurons */
    int W, H;            /* mesh */
    size_t cores;        /* --cores budget, 0 = the mesh */
    int dram, tiles, fmt;
    const char *tech;    /* technology table CSV, NULL = built-in 45 nm */
    int node_nm;         /* 0 = the table's node */
    map_opts o;
} map_run;

/* SRAM pricing from power/ (DESIGN §4), per core of R x C int8 weights. */
typedef struct {
    char version[128];      /* technology table version */
    double read64_pj;       /* one 64-bit read of the R*C-byte macro */
    double row_read_pj;     /* one axon row: ceil(C*8/64) 64-bit reads */
    double sram_area_um2;   /* one core's weight SRAM */
    double core_area_um2;   /* one core (SRAM + logic + router) */
} map_price;

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
} map_sel_layer;

typedef struct {
    map_sel_layer *l;    /* owned, [n] */
    size_t n;
    size_t cores_used;   /* resident cores (pass 0) */
    uint32_t passes;     /* mesh loads */
    uint64_t peak_rss_kib;
    map_price price;
} map_sel;

/* cmd_map_sel.c: appends the matching linear layers of one checkpoint file
 * (group: --group, int8 layers take theirs from the scale shape); places
 * every layer (AX_ERANGE naming the layer that does not fit); prices one
 * core's SRAM; frees the selection. */
ax_result map_sel_list(const char *path, size_t group, map_sel *sel, char *const *globs,
                       int nglobs, char **err);
ax_result map_sel_place(map_sel *sel, int W, int H, int dram, char **err);
ax_result map_sel_price(const map_run *cfg, map_price *p, char **err);
void map_sel_free(map_sel *sel);

/* --read-image FILE [--core N]: summary (core < 0) or one core's rows. */
int map_cmd_read_image(const char *path, long core, int fmt);

void map_out_list(const map_run *cfg, const map_sel *sel);
void map_out_report(const map_run *cfg, const map_sel *sel);

#endif
