/*
 * axon_image_core — one core of a core image (`axon map --image`,
 * docs/core-image.md) as an RTL testbench or the co-simulation helper loads
 * it: the image is opened with full validation (map_image_open: every
 * checksum and field, errors name the file and the byte offset), one core is
 * selected, its tile is checked against the RTL build's, and its R x C
 * weight rows (row per axon, padding zero) are copied out, so the weight
 * SRAM holds exactly the image's rows. Helper-only code (rtl/), built on
 * libaxon's mapper.
 */
#ifndef AXON_IMAGE_CORE_H
#define AXON_IMAGE_CORE_H

#include "../../mapper/map.h"

typedef struct {
    map_image *img;               /* owned */
    const map_image_layer *layer; /* the core's layer, inside img */
    size_t layer_index;
    size_t core;         /* global core index (the image's CORE section index) */
    map_image_core info; /* row0/rows_used, col0/cols_used, placement */
    int R, C;            /* the image's tile */
    int8_t *rows;        /* [R * C], row per axon, owned */
} axon_image_core;

/* Opens PATH and selects a core: core >= 0 is the global core index (as
 * printed by `axon map --read-image PATH` and dumped by `--core N`); with
 * layer too, the core must belong to that layer. core < 0 selects the
 * layer's first core, tile (0, 0) (layer required then). rows/cols: the RTL
 * build's tile, which must equal the image's (0 skips the check).
 * Errors: AX_EFORMAT / AX_EIO for an unreadable or damaged image (from
 * map_image_open), AX_ENOTFOUND for an unknown layer, AX_EPARAM for a core
 * that does not exist or is not the layer's, or a tile other than the
 * build's (the message names both and how to fix it). On success *ic is
 * owned by the caller: axon_image_core_close. */
ax_result axon_image_core_open(const char *path, const char *layer, long core, int rows, int cols,
                               axon_image_core *ic, char **err);
void axon_image_core_close(axon_image_core *ic); /* zeroed or NULL: no-op */

#endif
