/*
 * axon plot — sweep results as a line chart through gnuplot: one metric
 * (--y) against one parameter (--x), a line per value of --by, axes
 * labelled with the units read from the column names (clock_mhz -> MHz,
 * power_mw -> mW, ...), PNG or SVG by the output's extension. Runs that
 * share (series, x) but differ in a parameter not shown are aggregated
 * (--agg avg by default) and the count is reported, so no point is hidden
 * silently. `--raster` draws a spike raster of a trace (cmd_plot_raster.c).
 *
 * The templates live in plot/ (*.gp files); they are found through AXON_PLOT_DIR,
 * then next to the binary (../plot, ../share/axon/plot).
 *
 * Everything that can be known before gnuplot runs is checked first: the
 * output's directory, the columns (--x and --y must hold numbers: a text
 * column such as layer is an error, not a flat line at 0), the sweep, and
 * positive values under --logx/--logy. gnuplot writes a temporary file
 * that replaces --out only on success (cmd_plot_gp.c).
 */
#include "../db/db.h"
#include "cmd.h"
#include "cmd_plot_gp.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void help(void)
{
    printf("usage: axon plot [--db FILE] [--sweep ID] --x COL --y COL [--by COL] [--out "
           "F.png|.svg]\n"
           "       axon plot --raster --trace T.safetensors:NAME [--coding C] [--k K] [--steps S]\n"
           "                 [--tokens A:B] [--neurons N] --out raster.png\n\n"
           "Line chart of sweep results (columns of v_runs; axon query columns lists them):\n"
           "  --db FILE     results database (default %s)\n"
           "  --sweep ID    only the points of that sweep (axon query sweeps); default: all runs\n"
           "  --x COL       parameter on the x axis, e.g. clock_mhz\n"
           "  --y COL       metric on the y axis, e.g. power_mw, energy_pj_per_token\n"
           "  --by COL      one line per value, e.g. tile, coding, k, timing\n"
           "  --where SQL   keep only runs matching, e.g. \"coding = 'ternary' AND k = 3\"\n"
           "  --agg F       avg (default), min or max over runs sharing (series, x)\n"
           "  --logx, --logy  logarithmic axis\n"
           "  --title TEXT  plot title\n"
           "  --out FILE    .png (default %s) or .svg\n"
           "Spike raster: time (token x step) horizontally, neurons vertically,\n"
           "+1 spikes dark, -1 spikes red; see docs/plot.md.\n",
           DB_DEFAULT_FILE, "<y>_vs_<x>.png");
}

typedef struct {
    FILE *f;
    char last[256];
    int nseries, multi, started;
    size_t points;
    double minx, miny; /* for --logx / --logy */
} data_state;

/* The first value of --x or --y that is not a number, for the error. */
typedef struct {
    char col[64], value[96];
    int found;
} text_probe;

static int probe_row(void *user, int nc, const char *const *names, const char *const *v)
{
    (void)nc, (void)names;
    text_probe *p = user;
    snprintf(p->col, sizeof p->col, "%s", v[0] ? v[0] : "");
    snprintf(p->value, sizeof p->value, "%s", v[1] ? v[1] : "");
    p->found = 1;
    return 1;
}

static int write_row(void *user, int nc, const char *const *names, const char *const *v)
{
    (void)nc, (void)names;
    data_state *s = user;
    const char *series = v[0] ? v[0] : "(none)";
    if (!s->started || strcmp(series, s->last)) {
        if (s->started)
            fputs("\n\n", s->f);
        fputc('"', s->f);
        for (const char *c = series; *c; c++)
            if (*c != '"' && *c != '\n')
                fputc(*c, s->f);
        fputs("\" \"\"\n", s->f);
        snprintf(s->last, sizeof s->last, "%s", series);
        s->started = 1;
        s->nseries++;
    }
    fprintf(s->f, "%s %s\n", v[1], v[2]);
    double x = atof(v[1]), y = atof(v[2]);
    if (!s->points || x < s->minx)
        s->minx = x;
    if (!s->points || y < s->miny)
        s->miny = y;
    if (atol(v[3]) > s->multi)
        s->multi = atoi(v[3]);
    s->points++;
    return 0;
}

int cmd_plot(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--raster"))
            return cmd_plot_raster(argc, argv);
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"sweep", required_argument, 0, 's'},
                                         {"x", required_argument, 0, 'x'},
                                         {"y", required_argument, 0, 'y'},
                                         {"by", required_argument, 0, 'b'},
                                         {"where", required_argument, 0, 'w'},
                                         {"agg", required_argument, 0, 'a'},
                                         {"out", required_argument, 0, 'o'},
                                         {"title", required_argument, 0, 't'},
                                         {"logx", no_argument, 0, 'X'},
                                         {"logy", no_argument, 0, 'Y'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *path = DB_DEFAULT_FILE, *x = NULL, *y = NULL, *by = NULL, *where = NULL;
    const char *agg = "avg", *out = NULL, *title = NULL;
    long sweep = 0;
    int logx = 0, logy = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': path = optarg; break;
        case 's':
            if (cmd_parse_long("plot", "--sweep", optarg, 1, LONG_MAX, &sweep))
                return CMD_USAGE;
            break;
        case 'x': x = optarg; break;
        case 'y': y = optarg; break;
        case 'b': by = optarg; break;
        case 'w': where = optarg; break;
        case 'a':
            if (strcmp(optarg, "avg") && strcmp(optarg, "min") && strcmp(optarg, "max"))
                return cmd_usage("plot", "--agg '%s': avg, min or max", optarg);
            agg = optarg;
            break;
        case 'o': out = optarg; break;
        case 't': title = optarg; break;
        case 'X': logx = 1; break;
        case 'Y': logy = 1; break;
        case 'h': help(); return CMD_OK;
        default: return cmd_usage("plot", "unknown option");
        }
    }
    if (optind != argc)
        return cmd_usage("plot", "unexpected argument '%s'", argv[optind]);
    if (!x || !y)
        return cmd_usage("plot", "--x COLUMN and --y COLUMN are required");
    char defout[300];
    if (!out) {
        snprintf(defout, sizeof defout, "%s_vs_%s.png", y, x);
        out = defout;
    }
    const char *term = cmd_plot_term(out);
    if (!term)
        return cmd_usage("plot", "--out '%s': the name must end in .png or .svg", out);
    char *err = NULL;
    if (ax_out_check(out, &err))
        return cmd_fail("plot", err);
    db *d;
    if (db_open(path, DB_RDONLY, &d, &err))
        return cmd_fail("plot", err);
    if (db_column_check(d, x, &err) || db_column_check(d, y, &err) ||
        (by && db_column_check(d, by, &err)) || (sweep && db_sweep_check(d, sweep, &err))) {
        db_free(d);
        return cmd_fail("plot", err);
    }
    char sw[64] = "";
    if (sweep)
        snprintf(sw, sizeof sw, " AND sweep_id = %ld", sweep);
    /* --x and --y must hold numbers: SQL would average text to 0 */
    char *probe = cmd_plot_fmt("SELECT CASE WHEN typeof(\"%s\") NOT IN ('integer', 'real') THEN "
                               "'%s' ELSE '%s' END, "
                               "CASE WHEN typeof(\"%s\") NOT IN ('integer', 'real') THEN \"%s\" "
                               "ELSE \"%s\" END FROM %s "
                               "WHERE \"%s\" IS NOT NULL AND \"%s\" IS NOT NULL AND (%s)%s AND "
                               "(typeof(\"%s\") NOT IN ('integer', 'real') OR typeof(\"%s\") NOT "
                               "IN ('integer', 'real')) "
                               "LIMIT 1",
                               x, x, y, x, x, y, sweep ? "v_sweep_points" : "v_runs", x, y,
                               where ? where : "1", sw, x, y);
    text_probe tp = {0};
    ax_result pr = probe ? db_query_each(d, probe, NULL, 0, probe_row, &tp, &err)
                         : ax_fail(&err, AX_ENOMEM, "out of memory");
    free(probe);
    if (pr == AX_OK && tp.found)
        pr = ax_fail(&err, AX_EPARAM,
                     "--%s %s holds text ('%s'), not numbers (hint: plot a "
                     "numeric column against a numeric one; a text column goes to --by)",
                     strcmp(tp.col, x) ? "y" : "x", tp.col, tp.value);
    if (pr) {
        db_free(d);
        return pr == AX_EPARAM ? cmd_usage_err("plot", err) : cmd_fail("plot", err);
    }
    char *sql = cmd_plot_fmt("SELECT %s, \"%s\", %s(\"%s\"), count(*) FROM %s WHERE \"%s\" IS NOT "
                             "NULL AND \"%s\" IS NOT "
                             "NULL AND (%s)%s GROUP BY 1, 2 ORDER BY %s1, 2",
                             by ? by : "'all runs'", x, agg, y, sweep ? "v_sweep_points" : "v_runs",
                             x, y, where ? where : "1", sw,
                             by && !strcmp(by, "tile") ? "min(tile_rows * 1000000 + tile_cols), "
                                                       : "");
    char dir[PATH_MAX], datafile[PATH_MAX + 16];
    int rc = CMD_OK, slot = -1;
    if (!sql || cmd_plot_scratch(dir, sizeof dir, &slot, &err)) {
        free(sql);
        db_free(d);
        return cmd_fail("plot", err ? err : strdup("out of memory"));
    }
    snprintf(datafile, sizeof datafile, "%s/data.txt", dir);
    int fslot = ax_tmp_register(datafile, 0);
    data_state ds = {.f = fopen(datafile, "w")};
    ax_result r = ds.f ? db_query_each(d, sql, NULL, 0, write_row, &ds, &err)
                       : ax_fail(&err, AX_EIO, "%s: cannot write", datafile);
    if (ds.f && fclose(ds.f) != 0 && r == AX_OK)
        r = ax_fail(&err, AX_EIO, "%s: write failed", datafile);
    free(sql);
    db_free(d);
    if (r == AX_OK && ds.points == 0)
        r = ax_fail(&err, AX_ENOTFOUND,
                    "%s: no runs with both %s and %s%s (hint: axon query --db %s sweeps)", path, x,
                    y, sweep ? " in that sweep" : "", path);
    if (r == AX_OK && ((logx && ds.minx <= 0) || (logy && ds.miny <= 0)))
        r = ax_fail(&err, AX_ERANGE,
                    "--log%s: %s has values <= 0 (smallest %g), which a "
                    "logarithmic axis cannot show (hint: drop --log%s, or narrow with --where)",
                    logx && ds.minx <= 0 ? "x" : "y", logx && ds.minx <= 0 ? x : y,
                    logx && ds.minx <= 0 ? ds.minx : ds.miny, logx && ds.minx <= 0 ? "x" : "y");
    if (r == AX_OK && ds.multi > 1)
        fprintf(stderr,
                "axon plot: up to %d runs share a (%s, %s) point and are shown as their %s; "
                "narrow with --where or split with --by\n",
                ds.multi, by ? by : "series", x, agg);
    if (r == AX_OK) {
        char xl[128], yl[128], t[512];
        cmd_plot_label(x, xl, sizeof xl);
        cmd_plot_label(y, yl, sizeof yl);
        if (title)
            snprintf(t, sizeof t, "%s", title);
        else if (sweep)
            snprintf(t, sizeof t, "%s vs %s - sweep %ld of %s", yl, xl, sweep, path);
        else
            snprintf(t, sizeof t, "%s vs %s - %s", yl, xl, path);
        cmd_plot_var vars[] = {{"datafile", datafile, 1},
                               {"outfile", out, 1},
                               {"term", term, 1},
                               {"xlabel", xl, 1},
                               {"ylabel", yl, 1},
                               {"plottitle", t, 1},
                               {"keytitle", by ? by : "", 1},
                               {"nseries", NULL, 0},
                               {"logx", logx ? "1" : "0", 0},
                               {"logy", logy ? "1" : "0", 0}};
        char ns[16];
        snprintf(ns, sizeof ns, "%d", ds.nseries);
        vars[7].value = ns;
        r = cmd_plot_gnuplot("xy.gp", vars, sizeof vars / sizeof vars[0], out, &err);
    }
    if (r == AX_OK)
        printf("wrote %s (%d series, %zu points)\n", out, ds.nseries, ds.points);
    else
        rc = cmd_fail("plot", err);
    cmd_plot_scratch_done(dir, datafile, slot, fslot);
    return rc;
}
