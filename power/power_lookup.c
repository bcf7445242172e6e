/*
 * power_lookup — reading a parsed technology table: the CSV tokenizer and
 * strict number parser shared by both table kinds, row lookup, energies and
 * areas at the table's operating point (power_table_scale's factors applied
 * here), and the SRAM read energy as a function of macro size.
 *
 * SRAM: Horowitz (ISSCC 2014) gives 64-bit reads of 10 pJ at 8 KB, 20 pJ at
 * 32 KB and 100 pJ at 1 MB. Between points the energy is interpolated
 * linearly in (log size, log energy), i.e. piecewise E ∝ size^α; outside,
 * the end segments extend (α = 0.5 below 8 KB: bit-line length grows with
 * the square root of the array, an assumption stated in docs/power.md).
 */
#include "power_cal.h"
#include "power_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int power_csv_split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return max + 1; /* too many fields */
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '"') {
            char *w = ++p, *start = p;
            for (;;) {
                if (*p == '\0')
                    return -1;
                if (*p == '"') {
                    if (p[1] == '"') {
                        *w++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                *w++ = *p++;
            }
            while (*p == ' ' || *p == '\t' || *p == '\r')
                p++;
            char next = *p;
            *w = '\0';
            fields[n++] = start;
            if (next == ',') {
                p++;
                continue;
            }
            if (next != '\0')
                return -1;
            return n;
        }
        char *start = p;
        while (*p && *p != ',')
            p++;
        char next = *p;
        char *e = p;
        while (e > start && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
            e--;
        *e = '\0';
        fields[n++] = start;
        if (next == '\0')
            return n;
        p++;
    }
}

int power_parse_num(const char *s, double *v)
{
    if (*s == '\0') {
        *v = NAN;
        return 0;
    }
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(x) || x < 0)
        return -1;
    *v = x;
    return 0;
}

const power_row *power_find(const power_table *t, const char *component, const char *action)
{
    for (size_t i = 0; i < t->nrows; i++)
        if (!strcmp(t->rows[i].component, component) && !strcmp(t->rows[i].action, action))
            return &t->rows[i];
    return NULL;
}

static ax_result power_missing(const power_table *t, const char *c, const char *a, const char *what,
                               char **err)
{
    return ax_fail(err, AX_ENOTFOUND,
                   "technology table %s: no %s for component '%s' action '%s' "
                   "(hint: add a row '%s,%s,,<energy_pj>,<area_um2>,<leakage_uw>,<source>')",
                   t->version, what, c, a, c, a);
}

ax_result power_energy_pj(const power_table *t, const char *component, const char *action,
                          double *pj, char **err)
{
    const power_row *r = power_find(t, component, action);
    if (!r || isnan(r->energy_pj))
        return power_missing(t, component, action, "energy_pj", err);
    *pj = r->energy_pj * t->e_scale;
    return AX_OK;
}

ax_result power_area_of(const power_table *t, const char *component, const char *action,
                        double *um2, double *leak_uw, char **err)
{
    const power_row *r = power_find(t, component, action);
    if (!r || isnan(r->area_um2))
        return power_missing(t, component, action, "area_um2", err);
    *um2 = r->area_um2 * t->a_scale;
    *leak_uw = isnan(r->leakage_uw) ? 0 : r->leakage_uw * t->l_scale;
    return AX_OK;
}

/* SRAM 64-bit read energy vs macro size: piecewise linear in (log size,
 * log energy) through the table's points, extrapolated with the end
 * segments' slopes (E ∝ size^0.5 below 8 KB for the Horowitz points: bit
 * line length grows with the square root of the array). Monotone when the
 * points are. */
ax_result power_sram_read64_pj(const power_table *t, double size_bytes, double *pj, char **err)
{
    double xs[32], ys[32];
    int n = 0;
    for (size_t i = 0; i < t->nrows && n < 32; i++) {
        const power_row *r = &t->rows[i];
        double sz;
        if (strcmp(r->component, "sram") || strcmp(r->action, "read64") || isnan(r->energy_pj))
            continue;
        if (!power_param_get(r->attributes, "size_bytes", &sz) || !(sz > 0) || !(r->energy_pj > 0))
            return ax_fail(err, AX_EFORMAT,
                           "%s:%d: sram,read64 needs attributes size_bytes=N > 0 "
                           "and an energy > 0",
                           t->name, r->line);
        int j = n++;
        while (j > 0 && xs[j - 1] > log(sz)) { /* insertion sort by size */
            xs[j] = xs[j - 1];
            ys[j] = ys[j - 1];
            j--;
        }
        xs[j] = log(sz);
        ys[j] = log(r->energy_pj);
    }
    if (n == 0)
        return power_missing(t, "sram", "read64", "energy_pj", err);
    if (!(size_bytes > 0))
        return ax_fail(err, AX_EPARAM, "SRAM macro size %g bytes is not positive", size_bytes);
    double x = log(size_bytes), y;
    if (n == 1) {
        y = ys[0] + 0.5 * (x - xs[0]); /* one point: assume E ∝ sqrt(size) */
    } else {
        int k = 0;
        while (k < n - 2 && x > xs[k + 1])
            k++;
        double dx = xs[k + 1] - xs[k];
        double s = dx > 0 ? (ys[k + 1] - ys[k]) / dx : 0;
        y = ys[k] + s * (x - xs[k]);
    }
    *pj = exp(y) * t->e_scale;
    return AX_OK;
}

int power_param_get(const char *params, const char *key, double *v)
{
    size_t kl = strlen(key);
    const char *p = params;
    while (p && *p) {
        while (*p == ' ' || *p == ',' || *p == ';' || *p == '\t')
            p++;
        if (!strncmp(p, key, kl) && p[kl] == '=') {
            char *end;
            double x = strtod(p + kl + 1, &end);
            if (end != p + kl + 1 && isfinite(x)) {
                *v = x;
                return 1;
            }
            return 0;
        }
        while (*p && *p != ' ' && *p != ',' && *p != ';' && *p != '\t')
            p++;
    }
    return 0;
}

void power_sram_source(const power_table *t, char *out, size_t n)
{
    size_t k = 0;
    const char *src = NULL;
    out[0] = 0;
    k += (size_t)snprintf(out, n, "64-bit read");
    for (size_t i = 0; i < t->nrows && k < n; i++) {
        const power_row *r = &t->rows[i];
        double sz;
        if (strcmp(r->component, "sram") || strcmp(r->action, "read64") || isnan(r->energy_pj) ||
            !power_param_get(r->attributes, "size_bytes", &sz))
            continue;
        int mb = sz >= 1048576;
        k += (size_t)snprintf(out + k, n - k, "%s %.4g pJ at %.4g %s", src ? "," : "",
                              r->energy_pj * t->e_scale, sz / (mb ? 1048576 : 1024),
                              mb ? "MB" : "KB");
        if (!src)
            src = r->source;
    }
    if (!src) {
        snprintf(out, n, "no SRAM rows in %s", t->name);
        return;
    }
    if (k < n)
        snprintf(out + k, n - k, ", %d nm / %.2f V; source: %s", t->target_node, t->target_vdd,
                 src);
}
