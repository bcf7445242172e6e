/*
 * db_named — the named queries of `axon query` for the usual questions
 * (what ran, what is best, what is Pareto-optimal, how far is the spiking
 * core from the dense INT8 baseline, how far did a sweep get).
 *
 * Pareto front (two objectives, minimised unless max_x/max_y): sort by x
 * (ties by y), walk in that order and keep a point when its y is strictly
 * better than every point kept before — O(n log n), and a point is kept
 * iff no other point is at least as good on both axes and better on one
 * (exact duplicates keep the lowest run_id).
 */
#include "db_int.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name, *help;
} named;

static const named queries[] = {
    {"list", "the named queries"},
    {"runs", "the latest runs with their main parameters and results (--limit N)"},
    {"best", "per layer, the exact run with the lowest --metric (default energy_pj_per_token)"},
    {"pareto", "Pareto front of --x and --y (minimised; --max-x/--max-y to maximise)"},
    {"baseline", "spiking vs dense INT8 baseline: energy, power, area, latency, reductions in %"},
    {"sweeps", "sweeps with their status and how many points are stored"},
    {"errors", "points of sweeps that failed, with the error"},
    {"columns", "the columns of v_runs (what --x, --y, --metric, --where can use)"},
};

/* clang-format off */
#define RUN_COLS                                                                                 \
    "run_id, layer, timing, clock_mhz, tile, lanes, coding, k, steps_used, evaluator, "         \
    "energy_pj_per_token, latency_ns_per_token, power_mw, area_um2, exact, rel_error"
/* clang-format on */

int db_named_exists(const char *name)
{
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++)
        if (!strcmp(queries[i].name, name))
            return 1;
    return 0;
}

void db_named_list(FILE *out)
{
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++)
        fprintf(out, "  %-9s %s\n", queries[i].name, queries[i].help);
}

/* "FROM v_runs WHERE 1 [AND (where)]" or the sweep's points. */
static char *source(const db_named_args *a)
{
    char sw[64] = "";
    if (a->sweep_id > 0)
        snprintf(sw, sizeof sw, " AND sweep_id = %" PRId64, a->sweep_id);
    const char *w = a->where && *a->where ? a->where : "1";
    size_t n = strlen(w) + 128;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, " FROM %s WHERE (%s)%s", a->sweep_id > 0 ? "v_sweep_points" : "v_runs", w,
                 sw);
    return s;
}

static ax_result print_fmt(db *d, FILE *out, db_format f, char **err, const char *fmt, ...);

static ax_result print_fmt(db *d, FILE *out, db_format f, char **err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    if (!sql)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    ax_result r = db_query_print(d, sql, NULL, 0, f, out, err);
    sqlite3_free(sql);
    return r;
}

typedef struct {
    int64_t *ids;
    size_t n, cap;
    int have;
    double best;
    int max_y;
} pareto_state;

static int pareto_row(void *user, int nc, const char *const *names, const char *const *v)
{
    (void)nc, (void)names;
    pareto_state *p = user;
    double y = strtod(v[2], NULL);
    if (p->have && !(p->max_y ? y > p->best : y < p->best))
        return 0;
    p->have = 1;
    p->best = y;
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        int64_t *ids = realloc(p->ids, p->cap * sizeof *ids);
        if (!ids)
            return 1;
        p->ids = ids;
    }
    p->ids[p->n++] = strtoll(v[0], NULL, 10);
    return 0;
}

static ax_result pareto(db *d, const db_named_args *a, const char *src, db_format f, FILE *out,
                        char **err)
{
    if (!a->x || !a->y)
        return ax_fail(err, AX_EPARAM,
                       "pareto needs --x COLUMN and --y COLUMN (hint: axon query pareto --x "
                       "energy_pj_per_token --y rel_error)");
    ax_result r = db_column_check(d, a->x, err);
    if (!r)
        r = db_column_check(d, a->y, err);
    if (r)
        return r;
    const char *ox = a->max_x ? "DESC" : "ASC", *oy = a->max_y ? "DESC" : "ASC";
    char *sql = sqlite3_mprintf("SELECT run_id, \"%w\", \"%w\"%s AND \"%w\" IS NOT NULL AND "
                                "\"%w\" IS NOT NULL ORDER BY \"%w\" %s, \"%w\" %s, run_id",
                                a->x, a->y, src, a->x, a->y, a->x, ox, a->y, oy);
    pareto_state p = {.max_y = a->max_y};
    r = db_query_each(d, sql, NULL, 0, pareto_row, &p, err);
    sqlite3_free(sql);
    if (r == AX_OK) {
        /* ids as an SQL list (run ids are integers we produced). */
        size_t len = p.n * 21 + 8;
        char *list = malloc(len), *w = list;
        if (!list)
            r = ax_fail(err, AX_ENOMEM, "out of memory");
        else {
            w += sprintf(w, "(-1");
            for (size_t i = 0; i < p.n; i++)
                w += sprintf(w, ",%" PRId64, p.ids[i]);
            sprintf(w, ")");
            r = print_fmt(d, out, f, err,
                          "SELECT DISTINCT run_id, \"%w\", \"%w\", layer, timing, clock_mhz, tile,"
                          " coding, k, evaluator FROM v_runs WHERE run_id IN %s ORDER BY \"%w\" "
                          "%s, \"%w\" %s",
                          a->x, a->y, list, a->x, ox, a->y, oy);
            free(list);
        }
    }
    free(p.ids);
    return r;
}

ax_result db_sweep_check(db *d, int64_t id, char **err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->h, "SELECT 1 FROM sweeps WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
        return db_fail(d, err, "looking up the sweep");
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return AX_OK;
    if (rc != SQLITE_DONE)
        return db_fail(d, err, "looking up the sweep");
    return ax_fail(err, AX_ENOTFOUND,
                   "%s: no sweep %lld (hint: axon query --db %s sweeps lists "
                   "them)",
                   d->path, (long long)id, d->path);
}

ax_result db_named_run(db *d, const char *name, const db_named_args *a, db_format f, FILE *out,
                       char **err)
{
    if (!strcmp(name, "list")) {
        db_named_list(out);
        return AX_OK;
    }
    if (!db_named_exists(name))
        return ax_fail(err, AX_ENOTFOUND, "no named query '%s' (hint: axon query list)", name);
    db_named_args def = {0};
    if (!a)
        a = &def;
    ax_result rs;
    if (a->sweep_id && (rs = db_sweep_check(d, a->sweep_id, err)))
        return rs;
    char *src = source(a);
    if (!src)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    ax_result r;
    if (!strcmp(name, "runs"))
        r = print_fmt(d, out, f, err,
                      "SELECT DISTINCT " RUN_COLS "%s ORDER BY run_id DESC LIMIT %ld", src,
                      a->limit > 0 ? a->limit : 50);
    else if (!strcmp(name, "best")) {
        const char *m = a->metric ? a->metric : "energy_pj_per_token";
        r = db_column_check(d, m, err);
        if (r == AX_OK)
            r = print_fmt(d, out, f, err,
                          "SELECT * FROM (SELECT DISTINCT " RUN_COLS ", \"%w\" AS metric, "
                          "row_number() OVER (PARTITION BY layer ORDER BY \"%w\", run_id) AS rk"
                          "%s AND exact = 1 AND \"%w\" IS NOT NULL) WHERE rk = 1 ORDER BY layer",
                          m, m, src, m);
    } else if (!strcmp(name, "pareto"))
        r = pareto(d, a, src, f, out, err);
    else if (!strcmp(name, "baseline"))
        r = print_fmt(d, out, f, err,
                      "SELECT DISTINCT run_id, layer, tile, timing, clock_mhz, coding, k, "
                      "ev_per_act, break_even_ev_per_act, energy_pj, base_energy_pj, "
                      "energy_reduction_pct, power_common_mw, base_power_common_mw,"
                      " power_reduction_pct, power_mw, base_power_mw, power_reduction_own_time_pct,"
                      " area_um2, base_area_um2, area_reduction_pct, area_reduction_ceiling_pct,"
                      " duration_ns, base_latency_ns%s ORDER BY run_id",
                      src);
    else if (!strcmp(name, "sweeps"))
        r = db_query_print(d, "SELECT * FROM v_sweeps ORDER BY sweep_id", NULL, 0, f, out, err);
    else if (!strcmp(name, "errors"))
        r = db_query_print(d,
                           "SELECT sweep_id, config_hash, label, error, at_utc FROM sweep_errors "
                           "ORDER BY id",
                           NULL, 0, f, out, err);
    else
        r = db_query_print(d, "SELECT name AS column_name, type FROM pragma_table_info('v_runs')",
                           NULL, 0, f, out, err);
    free(src);
    return r;
}
