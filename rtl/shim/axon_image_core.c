/*
 * axon_image_core — selects and loads one core of a core image (see the
 * header). The tile check is what keeps the three consumers of an image
 * (`axon run`, `axon cosim`, the RTL testbench) on the same mapping: a core
 * holds R x C weights, and a build with another R or C would be another
 * mapping, so it is refused rather than cropped or padded.
 */
#include "axon_image_core.h"

#include <stdlib.h>
#include <string.h>

void axon_image_core_close(axon_image_core *ic)
{
    if (!ic)
        return;
    map_image_free(ic->img);
    free(ic->rows);
    memset(ic, 0, sizeof *ic);
}

ax_result axon_image_core_open(const char *path, const char *layer, long core, int rows, int cols,
                               axon_image_core *ic, char **err)
{
    memset(ic, 0, sizeof *ic);
    ax_result r = map_image_open(path, &ic->img, err);
    if (r)
        return r;
    map_image_tile(ic->img, &ic->R, &ic->C, NULL, NULL);
    if (rows && cols && (ic->R != rows || ic->C != cols)) {
        r = ax_fail(err, AX_EPARAM,
                    "%s: the image is mapped on %dx%d tiles but the RTL build's core is %dx%d "
                    "(hint: map again with 'axon map --tile %dx%d --image', or verilate a core of "
                    "the image's tile: make rtl-sync RTL_PARAMS='R=%d C=%d ...', docs/rtl.md)",
                    path, ic->R, ic->C, rows, cols, rows, cols, ic->R, ic->C);
        goto fail;
    }
    long li = -1;
    if (layer) {
        li = map_image_find(ic->img, layer);
        if (li < 0) {
            r = ax_fail(err, AX_ENOTFOUND,
                        "%s: no layer '%s' in the core image (hint: 'axon map "
                        "--read-image %s' lists its layers)",
                        path, layer, path);
            goto fail;
        }
    }
    if (core < 0) {
        if (li < 0) {
            r = ax_fail(err, AX_EPARAM, "%s: name a layer or a core of the image", path);
            goto fail;
        }
        core = (long)map_image_layer_at(ic->img, (size_t)li)->first_core;
    }
    size_t ncores = map_image_ncores(ic->img);
    if ((size_t)core >= ncores) {
        r = ax_fail(err, AX_EPARAM,
                    "%s: core %ld does not exist (the image has %zu cores, 0..%zu; "
                    "hint: 'axon map --read-image %s' lists each layer's first core)",
                    path, core, ncores, ncores - 1, path);
        goto fail;
    }
    ic->rows = malloc((size_t)ic->R * (size_t)ic->C);
    if (!ic->rows) {
        r = ax_fail(err, AX_ENOMEM, "out of memory for a %dx%d core", ic->R, ic->C);
        goto fail;
    }
    if ((r = map_image_core_rows(ic->img, (size_t)core, ic->rows, &ic->info, err)))
        goto fail;
    ic->core = (size_t)core;
    ic->layer_index = ic->info.layer;
    ic->layer = map_image_layer_at(ic->img, ic->info.layer);
    if (li >= 0 && (size_t)li != ic->layer_index) {
        const map_image_layer *L = map_image_layer_at(ic->img, (size_t)li);
        r = ax_fail(err, AX_EPARAM,
                    "%s: core %ld belongs to layer '%s', not '%s' (hint: the cores "
                    "of '%s' are %zu..%zu)",
                    path, core, ic->layer->name, layer, layer, L->first_core,
                    L->first_core + L->rb * L->cb - 1);
        goto fail;
    }
    return AX_OK;
fail:
    axon_image_core_close(ic);
    return r;
}
