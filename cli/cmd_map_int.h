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
    size_t out, in;
    const char *dtype;   /* static */
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

void map_out_list(const map_run *cfg, const map_sel *sel);
void map_out_report(const map_run *cfg, const map_sel *sel);

#endif
