/*
 * The layers `axon map` works on: the linear layers of the checkpoint files
 * that match --layers (shapes from the headers only, so the fit check comes
 * before any weight is read), their placement on the mesh, and the SRAM
 * pricing of one core from power/ (docs/design.md §4).
 */
#include "run.h"
#include "../power/power.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* Names of the linear layers: tensors `<name>.weight` with 2 dimensions. */
ax_result run_map_sel_list(const char *path, size_t group, run_map_sel *sel, char *const *globs,
                           int nglobs, char **err)
{
    trace_file *f;
    ax_result r = trace_open(path, &f, err);
    if (r)
        return r;
    for (size_t i = 0; i < trace_count(f) && !r; i++) {
        const trace_tensor *t = trace_at(f, i);
        size_t n = strlen(t->name);
        char *name;
        if (n == 0 && t->ndim == 2) { /* an NPY file: one layer named after the file */
            const char *b = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
            const char *dot = strrchr(b, '.');
            name = strndup(b, dot && dot != b ? (size_t)(dot - b) : strlen(b));
        } else if (n <= 7 || strcmp(t->name + n - 7, ".weight")) {
            continue;
        } else if (t->ndim != 2) {
            sel->skipped_ndim++; /* named when nothing matches */
            if (!sel->skipped_name[0])
                snprintf(sel->skipped_name, sizeof sel->skipped_name, "%s (%d dimensions)", t->name,
                         t->ndim);
            continue;
        } else {
            name = strndup(t->name, n - 7);
        }
        int keep = nglobs == 0;
        for (int g = 0; g < nglobs && name && !keep; g++)
            keep = fnmatch(globs[g], name, 0) == 0;
        if (!name || !keep) {
            free(name);
            if (!name)
                r = ax_fail(err, AX_ENOMEM, "out of memory");
            continue;
        }
        for (size_t k = 0; k < sel->n; k++)
            if (!strcmp(sel->l[k].name, name)) {
                r = ax_fail(err, AX_EFORMAT,
                            "layer '%s' is in both %s and %s (hint: pass each "
                            "shard of a checkpoint once)",
                            name, sel->l[k].file, path);
                break;
            }
        if (r) {
            free(name);
            break;
        }
        run_map_layer *L = realloc(sel->l, (sel->n + 1) * sizeof *L);
        if (!L) {
            free(name);
            r = ax_fail(err, AX_ENOMEM, "out of memory");
            break;
        }
        sel->l = L;
        memset(&L[sel->n], 0, sizeof L[sel->n]);
        L[sel->n].name = name;
        L[sel->n].file = path;
        L[sel->n].out = (size_t)t->shape[0];
        L[sel->n].in = (size_t)t->shape[1];
        L[sel->n].dtype = trace_dtype_name(t->dtype);
        L[sel->n].group = group;
        if (t->dtype == TRACE_I8) { /* groups follow from the scale shape */
            char sname[1100];
            snprintf(sname, sizeof sname, "%s.weight_scale", name);
            const trace_tensor *sc = trace_find(f, sname);
            size_t ng = sc && sc->ndim == 2 ? (size_t)sc->shape[1] : 1;
            L[sel->n].group = ng > 1 ? (L[sel->n].in + ng - 1) / ng : 0;
        }
        sel->n++;
    }
    trace_close(f);
    return r;
}

void run_map_sel_free(run_map_sel *sel)
{
    for (size_t i = 0; i < sel->n; i++) {
        free(sel->l[i].name);
        map_layer_place_free(&sel->l[i].lp);
        free(sel->l[i].tiles);
    }
    free(sel->l);
}

/* SRAM energy per access and area of one core from power/'s tables. */
ax_result run_map_sel_price(const char *tech, int node_nm, int R, int C, run_map_price *p,
                            char **err)
{
    power_table *t = NULL;
    ax_result r = power_table_open(tech, node_nm, 0, &t, err);
    if (r)
        return r;
    snprintf(p->version, sizeof p->version, "%s", power_table_version(t));
    r = power_sram_read64_pj(t, (double)R * C, &p->read64_pj, err);
    p->row_read_pj = p->read64_pj * (double)(((size_t)C * 8 + 63) / 64);
    if (!r) {
        sim_config sc;
        power_report pr;
        sim_config_default(&sc);
        sc.rows = R;
        sc.cols = C;
        memset(&pr, 0, sizeof pr);
        r = power_area(t, &sc, 1, &pr, err);
        p->sram_area_um2 = pr.sram_area_um2;
        p->core_area_um2 = pr.core_area_um2;
    }
    power_table_free(t);
    return r;
}

/* Places every layer; 0 / AX_ERANGE (does not fit). */
ax_result run_map_sel_place(run_map_sel *sel, int W, int H, int dram, char **err)
{
    map_placer *p;
    ax_result r = map_placer_new(W, H, dram, &p, err);
    for (size_t i = 0; i < sel->n && !r; i++) {
        map_layer_place_free(&sel->l[i].lp);
        r = map_placer_add(p, sel->l[i].name, &sel->l[i].t, &sel->l[i].lp, err);
    }
    if (!r) {
        sel->cores_used = map_placer_cores_used(p);
        sel->passes = map_placer_passes(p);
    }
    map_placer_free(p);
    return r;
}
