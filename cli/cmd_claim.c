/*
 * axon claim — a published hardware claim against axon's model, with the
 * assumptions that decide it written down (docs/claims.md). The logic is
 * run/run_claim.c; this file parses the options, makes a scratch folder for
 * generated workloads, and prints the assumption ledger, the numbers of
 * every configuration, the tornado (each assumption alone from the base),
 * the waterfall (cumulative, in order) and which configurations reach each
 * target: a table, --json or --csv, and with --plot a gnuplot chart
 * (plot/claim.gp) written like axon plot's (temporary, renamed on success).
 */
#include "cmd.h"
#include "cmd_plot_gp.h"

#include "../run/run_claim.h"
#include "../sim/sim.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void help(void)
{
    printf("usage: axon claim (--preset NAME | --claim FILE) [--tokens N] [--layers LIST]\n"
           "                  [--json | --csv] [--plot FILE.png|.svg] [--threads N]\n\n"
           "Runs a claim's layers at its base configuration, with each assumption alone (the\n"
           "tornado) and with the assumptions applied cumulatively in order (the waterfall),\n"
           "and prints the assumption ledger, the numbers, and which configurations reach each\n"
           "of the claim's targets (docs/claims.md).\n\n"
           "  --preset NAME   a shipped claim: spikingbrain2, spikingbrain1-ideal "
           "(claims/NAME.claim;\n"
           "                  AXON_CLAIM_DIR adds a folder)\n"
           "  --claim FILE    a claim file of your own (the format of claims/*.claim)\n"
           "  --tokens N      tokens of a generated workload (replaces gen.tokens)\n"
           "  --layers LIST   comma-separated layer names (replaces the workload's layers)\n"
           "  --json, --csv   machine-readable output (one or the other)\n"
           "  --plot FILE     tornado and waterfall as a chart (.png or .svg)\n"
           "  --threads N     simulator threads (default: every online processor)\n");
}

static void progress(void *ctx, const char *what, size_t done, size_t total)
{
    (void)ctx;
    if (total)
        cmd_progress_label("claim", what, done, total);
    else
        cmd_progress_tick();
}

static void fmt_num(double v, char *buf, size_t n)
{
    if (!isfinite(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.4g", v);
}

static void fmt_delta(double v, char *buf, size_t n)
{
    if (!isfinite(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%+.4g", v);
}

static void set_text(const run_claim_assumption *a, char *buf, size_t n)
{
    buf[0] = 0;
    for (size_t i = 0; i < a->nset; i++)
        snprintf(buf + strlen(buf), n - strlen(buf), "%s%s=%s", i ? " " : "", a->set[i].key,
                 a->set[i].value);
}

static void print_ledger_row(const char *name, const run_claim_assumption *a)
{
    char sets[1024];
    set_text(a, sets, sizeof sets);
    printf("%-24s %s\n", name, sets[0] ? sets : "(nothing set)");
    printf("%-24s   %s\n", "", a->statement ? a->statement : "(no statement)");
    printf("%-24s   source: %s\n", "", a->source ? a->source : "(none given)");
}

static void print_human(const run_claim *c)
{
    printf("claim: %s\n", c->name);
    if (c->statement)
        printf("  %s\n", c->statement);
    printf("  source: %s\n  file: %s\n  layers (%zu):", c->source ? c->source : "(none given)",
           c->path, c->nlayer_names);
    for (size_t i = 0; i < c->nlayer_names; i++)
        printf("%s %s", i ? "," : "", c->layer_names[i]);
    printf("\n\nassumption ledger (each set of assignments, what it states, where it comes "
           "from)\n");
    print_ledger_row("workload", &c->workload);
    print_ledger_row("base", &c->base);
    for (size_t i = 0; i < c->nas; i++)
        print_ledger_row(c->as[i].name, &c->as[i]);

    /* the numbers: one row per configuration */
    printf("\nnumbers (units in the field names; reductions are 100 x (1 - spiking / dense "
           "INT8 baseline))\n");
    size_t w0 = 10;
    char name[200], buf[64];
    for (size_t i = 0; i < c->npt; i++) {
        run_claim_point_name(c, i, name, sizeof name);
        if (strlen(name) + 12 > w0)
            w0 = strlen(name) + 12;
    }
    printf("%-*s", (int)w0, "configuration");
    for (size_t m = 0; m < c->nmetric; m++)
        printf("  %*s", (int)(strlen(c->metric[m]) > 10 ? strlen(c->metric[m]) : 10), c->metric[m]);
    printf("\n");
    static const char *const kind[] = {"base", "alone", "cumulative"};
    for (size_t i = 0; i < c->npt; i++) {
        char label[260];
        run_claim_point_name(c, i, name, sizeof name);
        snprintf(label, sizeof label, "%s (%s)", name, kind[c->pt[i].kind]);
        printf("%-*s", (int)w0, label);
        for (size_t m = 0; m < c->nmetric; m++) {
            fmt_num(c->pt[i].metric[m], buf, sizeof buf);
            printf("  %*s", (int)(strlen(c->metric[m]) > 10 ? strlen(c->metric[m]) : 10), buf);
        }
        printf("\n");
    }

    size_t N = c->nas;
    printf("\ntornado (each assumption alone from the base; change vs the base, percentage "
           "points for _pct)\n%-24s",
           "assumption");
    for (size_t m = 0; m < c->ntornado; m++)
        printf("  %22s", c->metric[m]);
    printf("\n%-24s", "(base value)");
    for (size_t m = 0; m < c->ntornado; m++) {
        fmt_num(c->pt[0].metric[m], buf, sizeof buf);
        printf("  %22s", buf);
    }
    printf("\n");
    for (size_t a = 0; a < N; a++) {
        printf("%-24s", c->as[a].name);
        for (size_t m = 0; m < c->ntornado; m++) {
            fmt_delta(c->pt[1 + a].metric[m] - c->pt[0].metric[m], buf, sizeof buf);
            printf("  %22s", buf);
        }
        printf("\n");
    }

    printf("\nwaterfall (assumptions applied cumulatively in order: value, and change from the "
           "step before)\n%-24s",
           "step");
    for (size_t m = 0; m < c->ntornado; m++)
        printf("  %30s", c->metric[m]);
    printf("\n%-24s", "base");
    for (size_t m = 0; m < c->ntornado; m++) {
        fmt_num(c->pt[0].metric[m], buf, sizeof buf);
        printf("  %30s", buf);
    }
    printf("\n");
    for (size_t a = 0; a < N; a++) {
        const double *v = c->pt[1 + N + a].metric,
                     *prev = a ? c->pt[N + a].metric : c->pt[0].metric;
        char lab[100];
        snprintf(lab, sizeof lab, "+%s", c->as[a].name);
        printf("%-24s", lab);
        for (size_t m = 0; m < c->ntornado; m++) {
            char d[32], cell[128];
            fmt_num(v[m], buf, sizeof buf);
            fmt_delta(v[m] - prev[m], d, sizeof d);
            snprintf(cell, sizeof cell, "%s (%s)", buf, d);
            printf("  %30s", cell);
        }
        printf("\n");
    }

    printf("\ntargets\n");
    for (size_t t = 0; t < c->ntg; t++) {
        const run_claim_target *x = &c->tg[t];
        printf("%s: %s %s %g%s%s\n", x->name, x->metric, x->at_most ? "<=" : ">=", x->value,
               x->statement ? " - " : "", x->statement ? x->statement : "");
        if (x->source)
            printf("  source: %s\n", x->source);
        for (int yes = 1; yes >= 0; yes--) {
            printf("  %s:", yes ? "reached by" : "not reached by");
            int any = 0;
            for (size_t i = 0; i < c->npt; i++) {
                if (run_claim_reaches(c, t, i) != yes)
                    continue;
                run_claim_point_name(c, i, name, sizeof name);
                fmt_num(c->pt[i].metric[x->metric_index], buf, sizeof buf);
                printf("%s %s (%s)", any ? "," : "", name, buf);
                any = 1;
            }
            printf("%s\n", any ? "" : " none");
        }
    }
}

/* Long form: one row per configuration and field. */
static void print_csv(const run_claim *c)
{
    static const char *const kind[] = {"base", "tornado", "waterfall"};
    printf("kind,point,applied,metric,value,delta_vs_base,delta_vs_previous\n");
    for (size_t i = 0; i < c->npt; i++) {
        const run_claim_point *p = &c->pt[i];
        char name[200], applied[2048] = "";
        run_claim_point_name(c, i, name, sizeof name);
        if (p->kind == RUN_CLAIM_TORNADO)
            snprintf(applied, sizeof applied, "%s", c->as[p->assumption].name);
        for (size_t a = 0; p->kind == RUN_CLAIM_WATERFALL && a < p->napplied; a++)
            snprintf(applied + strlen(applied), sizeof applied - strlen(applied), "%s%s",
                     a ? "+" : "", c->as[a].name);
        const double *prev = p->kind == RUN_CLAIM_WATERFALL && p->napplied > 1 ? c->pt[i - 1].metric
                                                                               : c->pt[0].metric;
        for (size_t m = 0; m < c->nmetric; m++) {
            printf("%s,", kind[p->kind]);
            cmd_csv_cell(name);
            putchar(',');
            cmd_csv_cell(applied);
            printf(",%s,", c->metric[m]);
            if (isfinite(p->metric[m]))
                printf("%.17g,%.17g,%.17g\n", p->metric[m], p->metric[m] - c->pt[0].metric[m],
                       p->metric[m] - prev[m]);
            else
                printf(",,\n");
        }
    }
}

/* gnuplot: tornado bars (left) and the waterfall (right) of the tornado fields. */
static ax_result write_plot(const run_claim *c, const char *out, char **err)
{
    char dir[PATH_MAX], datafile[PATH_MAX + 16];
    int slot = -1;
    ax_result r = cmd_plot_scratch(dir, sizeof dir, &slot, err);
    if (r)
        return r;
    snprintf(datafile, sizeof datafile, "%s/claim.txt", dir);
    int fslot = ax_tmp_register(datafile, 0);
    FILE *f = fopen(datafile, "w");
    size_t N = c->nas, M = c->ntornado;
    size_t cap = 256 + (N + 2) * 160;
    char *ytics = malloc(cap), *xtics = malloc(cap), *lines = malloc(64 + c->ntg * 200);
    if (!f || !ytics || !xtics || !lines)
        r = ax_fail(err, AX_EIO, "%s: cannot write", datafile);
    if (!r) {
        double h = 0.8 / (double)(M ? M : 1);
        /* block 0: one bar per (assumption, field): ylo yhi xlo xhi colour */
        for (size_t a = 0; a < N; a++)
            for (size_t m = 0; m < M; m++) {
                double d = c->pt[1 + a].metric[m] - c->pt[0].metric[m];
                double y = (double)(N - 1 - a) - 0.4 + h * (double)m;
                fprintf(f, "%g %g %g %g %zu\n", y, y + h, 0.0, isfinite(d) ? d : 0.0, m + 1);
            }
        fprintf(f, "\n\n");
        /* block 1: the waterfall, step x, one column per field */
        for (size_t s = 0; s <= N; s++) {
            const double *v = s ? c->pt[N + s].metric : c->pt[0].metric;
            fprintf(f, "%zu", s);
            for (size_t m = 0; m < M; m++)
                fprintf(f, isfinite(v[m]) ? " %.17g" : " NaN", v[m]);
            fprintf(f, "\n");
        }
        strcpy(ytics, "set ytics (");
        strcpy(xtics, "set xtics rotate by -30 (\"base\" 0");
        for (size_t a = 0; a < N; a++) {
            char nm[120];
            size_t k = 0;
            for (const char *s = c->as[a].name; *s && k < sizeof nm - 1; s++)
                if (*s != '"' && *s != '\\')
                    nm[k++] = *s;
            nm[k] = 0;
            snprintf(ytics + strlen(ytics), cap - strlen(ytics), "%s\"%s\" %zu", a ? ", " : "", nm,
                     N - 1 - a);
            snprintf(xtics + strlen(xtics), cap - strlen(xtics), ", \"+%s\" %zu", nm, a + 1);
        }
        strcat(ytics, ")");
        strcat(xtics, ")");
        /* targets on a tornado field: dashed horizontal lines in the waterfall */
        strcpy(lines, "");
        for (size_t t = 0; t < c->ntg; t++)
            if (c->tg[t].metric_index < M)
                snprintf(lines + strlen(lines), 64 + c->ntg * 200 - strlen(lines),
                         "set arrow from graph 0, first %.17g to graph 1, first %.17g nohead dt 2 "
                         "lw 2 lc rgb C[%zu]; ",
                         c->tg[t].value, c->tg[t].value, c->tg[t].metric_index + 1);
        if (fclose(f) != 0)
            r = ax_fail(err, AX_EIO, "%s: write failed", datafile);
        f = NULL;
    }
    if (f)
        fclose(f);
    char names[600] = "", nmetric[16], title[400];
    for (size_t m = 0; m < M; m++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", m ? " " : "",
                 c->metric[m]);
    snprintf(nmetric, sizeof nmetric, "%zu", M);
    snprintf(title, sizeof title, "claim %s: %zu assumptions, %zu layer(s)", c->name, N,
             c->nlayer_names);
    if (!r) {
        cmd_plot_var vars[] =
            {{"datafile", datafile, 1}, {"outfile", out, 1},     {"term", cmd_plot_term(out), 1},
             {"plottitle", title, 1},   {"names", names, 1},     {"nmetric", nmetric, 0},
             {"ytics_cmd", ytics, 1},   {"xtics_cmd", xtics, 1}, {"targets_cmd", lines, 1}};
        r = cmd_plot_gnuplot("claim.gp", vars, sizeof vars / sizeof vars[0], out, err);
    }
    free(ytics);
    free(xtics);
    free(lines);
    cmd_plot_scratch_done(dir, datafile, slot, fslot);
    return r;
}

int cmd_claim(int argc, char **argv)
{
    enum { O_PRESET = 256, O_CLAIM, O_TOKENS, O_LAYERS, O_JSON, O_CSV, O_PLOT, O_THREADS };
    static const struct option opts[] = {{"preset", required_argument, 0, O_PRESET},
                                         {"claim", required_argument, 0, O_CLAIM},
                                         {"tokens", required_argument, 0, O_TOKENS},
                                         {"layers", required_argument, 0, O_LAYERS},
                                         {"json", no_argument, 0, O_JSON},
                                         {"csv", no_argument, 0, O_CSV},
                                         {"plot", required_argument, 0, O_PLOT},
                                         {"threads", required_argument, 0, O_THREADS},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *preset = NULL, *file = NULL, *plot = NULL;
    run_claim_opts o = {.threads = sim_threads_default(), .progress = progress};
    int json = 0, csv = 0, c;
    long v;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': help(); return CMD_OK;
        case O_PRESET: preset = optarg; break;
        case O_CLAIM: file = optarg; break;
        case O_TOKENS:
            if (cmd_parse_long("claim", "--tokens", optarg, 1, 1L << 24, &v))
                return CMD_USAGE;
            o.tokens = (size_t)v;
            break;
        case O_LAYERS: o.layers = optarg; break;
        case O_JSON: json = 1; break;
        case O_CSV: csv = 1; break;
        case O_PLOT: plot = optarg; break;
        case O_THREADS:
            if (cmd_parse_long("claim", "--threads", optarg, 1, 256, &v))
                return CMD_USAGE;
            o.threads = (int)v;
            break;
        default:
            return cmd_usage("claim", "unknown option or missing argument '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cmd_usage("claim", "unexpected argument '%s'", argv[optind]);
    if (!preset == !file)
        return cmd_usage("claim", "give --preset NAME or --claim FILE (one of them)");
    if (json && csv)
        return cmd_usage("claim", "--json and --csv exclude each other");
    if (plot && !cmd_plot_term(plot))
        return cmd_usage("claim", "--plot '%s': the name must end in .png or .svg", plot);
    char *err = NULL, path[PATH_MAX];
    if (plot && ax_out_check(plot, &err))
        return cmd_fail("claim", err);
    if (preset) {
        ax_result fr = run_claim_find(preset, path, sizeof path, &err);
        if (fr)
            return fr == AX_EPARAM || fr == AX_ENOTFOUND ? cmd_usage_err("claim", err)
                                                         : cmd_fail("claim", err);
        file = path;
    }
    run_claim *cl;
    ax_result r = run_claim_load(file, &cl, &err);
    if (r)
        return r == AX_EPARAM ? cmd_usage_err("claim", err) : cmd_fail("claim", err);
    char dir[PATH_MAX];
    const char *base = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/axon-claim-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(dir)) {
        run_claim_free(cl);
        return cmd_fail("claim", strdup("cannot create a scratch folder (hint: check TMPDIR)"));
    }
    int slot = ax_tmp_register(dir, 1);
    o.workdir = dir;
    cmd_reuse_large_buffers();
    r = run_claim_eval(cl, &o, &err);
    rmdir(dir);
    ax_tmp_unregister(slot);
    cmd_progress("claim", 1, 1);
    if (r) {
        run_claim_free(cl);
        return r == AX_EPARAM ? cmd_usage_err("claim", err) : cmd_fail("claim", err);
    }
    if (plot && (r = write_plot(cl, plot, &err))) {
        run_claim_free(cl);
        return cmd_fail("claim", err);
    }
    if (plot)
        cmd_wrote("claim", plot);
    if (json)
        cmd_print_json(run_claim_json(cl));
    else if (csv)
        print_csv(cl);
    else
        print_human(cl);
    run_claim_free(cl);
    return CMD_OK;
}
