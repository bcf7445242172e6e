/*
 * axon run --image FILE.axi: the core image written by `axon map --image`
 * (docs/core-image.md) supplies the layers' int8 weights, their tiling and
 * their input permutation (run/run_job.c loads them). Here, before any run:
 * the image's tile becomes the run's tile unless --tile was given (then it
 * must be the same: the image's cores hold R x C weights, another tile would
 * be another mapping), the weight group likewise, and without --layer the
 * layers are the image's layers whose `<layer>.input` is in the trace.
 */
#include "run.h"

#include "../mapper/map.h"
#include "../traces/trace.h"

#include <stdlib.h>
#include <string.h>

/* The weight group of an image layer as --group spells it (0 = per channel). */
static size_t layer_group(const map_image_layer *L)
{
    return L->group == L->in ? 0 : L->group;
}

ax_result run_image_setup(run_job *j, int tile_given, int group_given, char **err)
{
    map_image *img = NULL;
    ax_result rc = map_image_open(j->image, &img, err);
    if (rc)
        return rc;
    int R, C;
    map_image_tile(img, &R, &C, NULL, NULL);
    if (!tile_given) {
        j->cfg.rows = R;
        j->cfg.cols = C;
    } else if (R != j->cfg.rows || C != j->cfg.cols) {
        rc = ax_fail(err, AX_EPARAM,
                     "--tile %dx%d differs from the image's %dx%d tiles (%s; hint: "
                     "leave --tile out, or map again with 'axon map --tile %dx%d --image')",
                     j->cfg.rows, j->cfg.cols, R, C, j->image, j->cfg.rows, j->cfg.cols);
        goto done;
    }
    /* the group of the layers to run: --group must agree with each; without
     * it the image's (when all the layers share one) is the run's */
    long sel = j->layer ? map_image_find(img, j->layer) : -1;
    if (j->layer && sel < 0) {
        rc = ax_fail(err, AX_ENOTFOUND,
                     "%s: no layer '%s' in the core image (hint: 'axon map "
                     "--read-image %s' lists its layers)",
                     j->image, j->layer, j->image);
        goto done;
    }
    size_t n = map_image_nlayers(img), g = 0;
    int same = 1;
    for (size_t i = 0; i < n; i++) {
        if (sel >= 0 && (size_t)sel != i)
            continue;
        const map_image_layer *L = map_image_layer_at(img, i);
        if (group_given && j->group != L->group && !(j->group == 0 && L->group == L->in)) {
            rc = ax_fail(err, AX_EPARAM,
                         "--group %zu differs from layer %s's weight group %zu in %s "
                         "(hint: leave --group out to use the image's)",
                         j->group, L->name, L->group, j->image);
            goto done;
        }
        if (i == (sel >= 0 ? (size_t)sel : 0))
            g = layer_group(L);
        else if (layer_group(L) != g)
            same = 0;
    }
    if (!group_given && same)
        j->group = g;
done:
    map_image_free(img);
    return rc;
}

ax_result run_image_layers(const run_job *j, char ***names, size_t *n, char **err)
{
    map_image *img = NULL;
    trace_file *tf = NULL;
    ax_result rc = map_image_open(j->image, &img, err);
    if (rc || (rc = trace_open(j->trace, &tf, err))) {
        map_image_free(img);
        return rc;
    }
    size_t cnt = map_image_nlayers(img);
    *names = calloc(cnt ? cnt : 1, sizeof **names);
    *n = 0;
    for (size_t i = 0; i < cnt && *names; i++) {
        const char *nm = map_image_layer_at(img, i)->name;
        char inp[1100];
        snprintf(inp, sizeof inp, "%s.input", nm);
        if (trace_find(tf, inp))
            (*names)[(*n)++] = strdup(nm);
    }
    map_image_free(img);
    trace_close(tf);
    if (!*names)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    if (*n == 0)
        return ax_fail(err, AX_ENOTFOUND,
                       "no layer of the core image %s has <layer>.input in %s "
                       "(hint: name one with --layer)",
                       j->image, j->trace);
    return AX_OK;
}
