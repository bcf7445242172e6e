/*
 * power_table — technology tables as CSV (docs/design.md §4, docs/power.md).
 *
 * Format: `#` comment lines and blank lines are ignored; the first other line
 * is the header `component,action,attributes,energy_pj,area_um2,leakage_uw,source`;
 * every row has exactly these seven fields (double quotes allowed, "" escapes a
 * quote). Numbers are finite and >= 0; an empty number cell means "not given".
 * Rows `meta,<key>,<value>` carry the version, node (nm), supply (V) and the
 * pricing parameters. The parser is strict on purpose: a bad cell is an error
 * naming file:line, the column and a hint, never a silent 0.
 *
 * The built-in 45 nm table is compiled in (mk/power.mk embeds
 * power/tech/base_45nm.csv), so the binary needs no data files at run time.
 */
#include "power_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const power_cols[7] = {"component", "action",     "attributes", "energy_pj",
                                          "area_um2",  "leakage_uw", "source"};

char *power_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

char *power_strdup(const char *s)
{
    return power_strndup(s, strlen(s));
}

void power_table_free(power_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows; i++) {
        free(t->rows[i].component);
        free(t->rows[i].action);
        free(t->rows[i].attributes);
        free(t->rows[i].source);
    }
    free(t->rows);
    for (size_t i = 0; i < t->nsynth; i++) {
        free(t->synth[i].module);
        free(t->synth[i].parameters);
    }
    free(t->synth);
    free(t->synth_name);
    free(t->name);
    free(t->base_version);
    free(t);
}

static ax_result power_meta(power_table *t, const power_row *r, char **err)
{
    const char *k = r->action, *v = r->attributes;
    if (!strcmp(k, "version")) {
        if (!*v)
            return ax_fail(err, AX_EFORMAT,
                           "%s:%d: meta version is empty (hint: put the version "
                           "string in the attributes column)",
                           t->name, r->line);
        free(t->base_version);
        t->base_version = power_strdup(v);
        return t->base_version ? AX_OK : ax_fail(err, AX_ENOMEM, "out of memory");
    }
    double x;
    if (power_parse_num(v, &x) || isnan(x))
        return ax_fail(err, AX_EFORMAT,
                       "%s:%d: meta %s: '%s' is not a non-negative number "
                       "(hint: the value goes in the attributes column)",
                       t->name, r->line, k, v);
    if (!strcmp(k, "node_nm"))
        t->node_nm = x;
    else if (!strcmp(k, "vdd_v"))
        t->vdd_v = x;
    else if (!strcmp(k, "calibrated"))
        t->calibrated = x != 0;
    else if (!strcmp(k, "clock_gated"))
        t->clock_gated = x != 0;
    else {
        char *e2 = NULL;
        ax_result rc = power_table_set_param(t, k, x, &e2);
        if (rc != AX_OK) {
            ax_fail(err, AX_EFORMAT, "%s:%d: %s", t->name, r->line, e2);
            free(e2);
            return AX_EFORMAT;
        }
    }
    return AX_OK;
}

ax_result power_table_parse(const char *text, size_t len, const char *name, power_table **out,
                            char **err)
{
    power_table *t = calloc(1, sizeof *t);
    char *buf = malloc(len + 1);
    if (!t || !buf) {
        free(t);
        free(buf);
        return ax_fail(err, AX_ENOMEM, "out of memory");
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    t->name = power_strdup(name);
    t->node_nm = NAN;
    t->vdd_v = NAN;
    t->clock_idle_fraction = 0.1;
    t->sram_periphery_overhead = 0.7;
    t->dram_burst_bytes = 64;
    t->e_scale = t->a_scale = t->l_scale = 1;
    ax_result rc = AX_OK;
    size_t cap = 0;
    int lineno = 0, have_header = 0;
    char *save = buf;
    if (memchr(text, '\0', len)) {
        rc = ax_fail(err, AX_EFORMAT,
                     "%s: contains a NUL byte (hint: a technology table is "
                     "a text CSV)",
                     name);
        goto done;
    }
    while (save) {
        char *line = save;
        char *nl = strchr(save, '\n');
        if (nl) {
            *nl = '\0';
            save = nl + 1;
        } else {
            save = NULL;
        }
        lineno++;
        char *p = line;
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (*p == '\0' || *p == '#')
            continue;
        char *f[8];
        int nf = power_csv_split(line, f, 7);
        if (nf < 0) {
            rc = ax_fail(err, AX_EFORMAT,
                         "%s:%d: unterminated quote (hint: close the \" or "
                         "double it as \"\")",
                         name, lineno);
            goto done;
        }
        if (nf != 7) {
            rc = ax_fail(err, AX_EFORMAT,
                         "%s:%d: %s%d fields, expected 7: %s,%s,%s,%s,%s,%s,%s "
                         "(hint: quote a cell that contains a comma)",
                         name, lineno, nf > 7 ? "more than " : "", nf > 7 ? 7 : nf, power_cols[0],
                         power_cols[1], power_cols[2], power_cols[3], power_cols[4], power_cols[5],
                         power_cols[6]);
            goto done;
        }
        if (!have_header) {
            for (int i = 0; i < 7; i++)
                if (strcmp(f[i], power_cols[i])) {
                    rc = ax_fail(err, AX_EFORMAT,
                                 "%s:%d: header column %d is '%s', expected "
                                 "'%s' (hint: the first non-comment line must be %s,%s,%s,%s,"
                                 "%s,%s,%s)",
                                 name, lineno, i + 1, f[i], power_cols[i], power_cols[0],
                                 power_cols[1], power_cols[2], power_cols[3], power_cols[4],
                                 power_cols[5], power_cols[6]);
                    goto done;
                }
            have_header = 1;
            continue;
        }
        if (!*f[0] || !*f[1]) {
            rc = ax_fail(err, AX_EFORMAT,
                         "%s:%d: empty %s (hint: every row names a component "
                         "and an action)",
                         name, lineno, *f[0] ? "action" : "component");
            goto done;
        }
        power_row r = {0};
        r.line = lineno;
        double *num[3] = {&r.energy_pj, &r.area_um2, &r.leakage_uw};
        for (int i = 0; i < 3; i++)
            if (power_parse_num(f[3 + i], num[i])) {
                rc = ax_fail(err, AX_EFORMAT,
                             "%s:%d: column %s: '%s' is not a number >= 0 "
                             "(hint: plain decimal like 0.03 or 1e-2; leave empty if not given)",
                             name, lineno, power_cols[3 + i], f[3 + i]);
                goto done;
            }
        for (size_t i = 0; i < t->nrows; i++)
            if (!strcmp(t->rows[i].component, f[0]) && !strcmp(t->rows[i].action, f[1]) &&
                !strcmp(t->rows[i].attributes, f[2])) {
                rc = ax_fail(err, AX_EFORMAT, "%s:%d: duplicate row %s,%s,%s (first on line %d)",
                             name, lineno, f[0], f[1], f[2], t->rows[i].line);
                goto done;
            }
        if (t->nrows == cap) {
            size_t nc = cap ? 2 * cap : 64;
            power_row *nr = realloc(t->rows, nc * sizeof *nr);
            if (!nr) {
                rc = ax_fail(err, AX_ENOMEM, "out of memory");
                goto done;
            }
            t->rows = nr;
            cap = nc;
        }
        r.component = power_strdup(f[0]);
        r.action = power_strdup(f[1]);
        r.attributes = power_strdup(f[2]);
        r.source = power_strdup(f[6]);
        t->rows[t->nrows++] = r;
        if (!r.component || !r.action || !r.attributes || !r.source) {
            rc = ax_fail(err, AX_ENOMEM, "out of memory");
            goto done;
        }
        if (!strcmp(r.component, "meta") && (rc = power_meta(t, &r, err)) != AX_OK)
            goto done;
    }
    if (!have_header) {
        rc = ax_fail(err, AX_EFORMAT, "%s: no header line (hint: start with %s,%s,%s,%s,%s,%s,%s)",
                     name, power_cols[0], power_cols[1], power_cols[2], power_cols[3],
                     power_cols[4], power_cols[5], power_cols[6]);
        goto done;
    }
    if (isnan(t->node_nm) || isnan(t->vdd_v) || t->node_nm <= 0 || t->vdd_v <= 0) {
        rc = ax_fail(err, AX_EFORMAT,
                     "%s: missing meta %s (hint: add the rows "
                     "'meta,node_nm,45,,,,' and 'meta,vdd_v,0.9,,,,' giving the node and supply "
                     "of the numbers)",
                     name, isnan(t->node_nm) || t->node_nm <= 0 ? "node_nm" : "vdd_v");
        goto done;
    }
    if (!t->base_version) {
        char v[64];
        snprintf(v, sizeof v, "%s#%016llx", name,
                 (unsigned long long)ax_fnv1a(text, len, AX_FNV_SEED));
        t->base_version = power_strdup(v);
    }
    t->target_node = (int)lround(t->node_nm);
    t->target_vdd = t->vdd_v;
    snprintf(t->version, sizeof t->version, "%s@%dnm/%.2fV", t->base_version, t->target_node,
             t->target_vdd);
    if (power_tech_synth_csv) {
        char *e2 = NULL;
        /* A broken synthesis CSV must not break every run: it is reported
         * on the first call that needs it, never silently ignored. */
        rc = power_synth_parse(t, power_tech_synth_csv, strlen(power_tech_synth_csv),
                               "power/tech/area_osu018.csv (built in)", &e2);
        if (rc != AX_OK) {
            ax_fail(err, rc, "%s", e2);
            free(e2);
            goto done;
        }
    }
done:
    free(buf);
    if (rc != AX_OK) {
        power_table_free(t);
        return rc;
    }
    *out = t;
    return AX_OK;
}

ax_result power_read_file(const char *path, size_t limit, const char *what, const char *hint,
                          char **buf, size_t *len, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ax_fail(err, AX_EIO, "%s: cannot open %s: %s (hint: %s)", path, what,
                       strerror(errno), hint);
    char *b = NULL;
    size_t n = 0, cap = 0;
    ax_result rc = AX_OK;
    for (;;) {
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 65536;
            char *nb = realloc(b, nc + 1); /* + 1: the terminating NUL */
            if (!nb) {
                rc = ax_fail(err, AX_ENOMEM, "%s: out of memory reading %s", path, what);
                break;
            }
            b = nb;
            cap = nc;
        }
        size_t k = fread(b + n, 1, cap - n, f);
        n += k;
        if (n > limit) {
            rc = ax_fail(err, AX_EFORMAT, "%s: larger than %zu MiB, not a %s (hint: %s)", path,
                         limit >> 20, what, hint);
            break;
        }
        if (k == 0)
            break;
    }
    if (!rc && ferror(f))
        rc = ax_fail(err, AX_EIO, "%s: read error in %s (hint: check the file and the disk)", path,
                     what);
    fclose(f);
    if (rc) {
        free(b);
        return rc;
    }
    b[n] = 0;
    *buf = b;
    *len = n;
    return AX_OK;
}

/* The text of table `path`: a built-in one (*owned NULL) or the file read
 * whole (*owned, which the caller frees); *name is what errors call it. A
 * built-in table that was not compiled in is AX_ENOTFOUND. */
static ax_result table_text(const char *path, const char **text, size_t *len, char **owned,
                            const char **name, char **err)
{
    *owned = NULL;
    if (!path || !strcmp(path, POWER_TECH_BASE)) {
        *text = power_tech_base_csv, *len = strlen(power_tech_base_csv), *name = "built-in";
        return AX_OK;
    }
    if (!strcmp(path, POWER_TECH_CAL)) {
        if (!power_tech_cal_csv)
            return ax_fail(err, AX_ENOTFOUND,
                           "technology table '%s' is not built in (hint: make "
                           "characterize writes power/tech/cal_osu018.csv; rebuild)",
                           path);
        *text = power_tech_cal_csv, *len = strlen(power_tech_cal_csv), *name = POWER_TECH_CAL;
        return AX_OK;
    }
    ax_result rc = power_read_file(path, 64u << 20, "technology table",
                                   "--tech takes a CSV like power/tech/base_45nm.csv", owned, len,
                                   err);
    *text = *owned, *name = path;
    return rc;
}

ax_result power_table_load(const char *path, power_table **t, char **err)
{
    const char *text, *name;
    size_t len;
    char *owned;
    ax_result rc = table_text(path, &text, &len, &owned, &name, err);
    if (!rc)
        rc = power_table_parse(text, len, name, t, err);
    free(owned);
    return rc;
}

ax_result power_table_fnv(const char *path, uint64_t *h, char **err)
{
    if (path && !strcmp(path, POWER_TECH_CAL) && !power_tech_cal_csv) {
        *h = ax_fnv1a("", 0, AX_FNV_SEED); /* not built in: the empty text */
        return AX_OK;
    }
    const char *text, *name;
    size_t len;
    char *owned;
    ax_result rc = table_text(path, &text, &len, &owned, &name, err);
    if (!rc)
        *h = ax_fnv1a(text, len, AX_FNV_SEED);
    free(owned);
    return rc;
}

ax_result power_table_open(const char *path, int node_nm, double vdd_v, power_table **t, char **err)
{
    power_table *x = NULL;
    ax_result rc = power_table_load(path, &x, err);
    if (rc == AX_OK && (node_nm || vdd_v > 0))
        rc = power_table_scale(x, node_nm, vdd_v, err);
    if (rc != AX_OK) {
        power_table_free(x);
        return rc;
    }
    *t = x;
    return AX_OK;
}

const char *power_table_version(const power_table *t)
{
    return t ? t->version : "none";
}

ax_result power_table_set_param(power_table *t, const char *name, double v, char **err)
{
    if (!isfinite(v) || v < 0)
        return ax_fail(err, AX_EPARAM, "parameter %s: %g is not a finite number >= 0", name, v);
    if (!strcmp(name, "clock_idle_fraction")) {
        if (v > 1)
            return ax_fail(err, AX_EPARAM,
                           "clock_idle_fraction %g is not in [0, 1] (hint: 0 = "
                           "perfect clock gating of idle cycles, 1 = no gating)",
                           v);
        t->clock_idle_fraction = v;
    } else if (!strcmp(name, "sram_periphery_overhead")) {
        t->sram_periphery_overhead = v;
    } else if (!strcmp(name, "dram_burst_bytes")) {
        if (v < 8 || v != floor(v))
            return ax_fail(err, AX_EPARAM, "dram_burst_bytes %g is not an integer >= 8", v);
        t->dram_burst_bytes = v;
    } else {
        return ax_fail(err, AX_ENOTFOUND,
                       "unknown parameter '%s' (hint: clock_idle_fraction, "
                       "sram_periphery_overhead, dram_burst_bytes)",
                       name);
    }
    return AX_OK;
}
