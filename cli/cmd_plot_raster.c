/*
 * axon plot --raster — a spike raster (time × neuron) of one activation
 * tensor of a trace, encoded exactly as `axon run` encodes it (docs/design.md §2:
 * adaptive threshold with k, then the coding's spike trains; T from the
 * reference rule over the whole tensor, or --steps). Integer tensors are
 * taken as spike counts. The window (--tokens, --neurons) only selects what
 * is drawn; the title gives the firing rate of the whole tensor and of the
 * window. Drawn by plot/raster.gp through gnuplot.
 * The coding defaults to the project's, bitwise-signed. A window reaching
 * past the tensor is an error naming its size, never clipped silently.
 * Progress (encoding, writing the matrix, gnuplot) goes to stderr.
 */
#include "../spike/spike.h"
#include "../traces/trace.h"
#include "cmd.h"
#include "cmd_plot_gp.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "A:B" (half-open) or "N" (= 0:N) inside [0, max): -1 when malformed or
 * empty, -2 when it reaches past max. A default window (is_default) is
 * shrunk to the tensor instead. */
static int parse_range(const char *s, size_t max, int is_default, size_t *a, size_t *b)
{
    char *end;
    if (*s == '-' || *s == '+')
        return -1;
    unsigned long x = strtoul(s, &end, 10), y;
    if (end == s)
        return -1;
    if (*end == ':') {
        const char *t = end + 1;
        if (*t == '-' || *t == '+')
            return -1;
        y = strtoul(t, &end, 10);
        if (end == t || *end || y <= x)
            return -1;
    } else if (*end) {
        return -1;
    } else {
        y = x;
        x = 0;
        if (y == 0)
            return -1;
    }
    if (is_default && y > max)
        y = max;
    if (x >= max || y > max)
        return -2;
    *a = x;
    *b = y;
    return 0;
}

static ax_result load_counts(const char *ref, const spike_params *sp, int32_t **counts,
                             size_t *tokens, size_t *d, char **err)
{
    trace_file *f;
    const trace_tensor *t;
    ax_result r = trace_open_ref(ref, &f, &t, err);
    if (r)
        return r;
    if (t->ndim != 2) {
        r = ax_fail(err, AX_ESHAPE,
                    "%s: tensor has %d dimensions, a raster needs [tokens, channels]", ref,
                    t->ndim);
        trace_close(f);
        return r;
    }
    *tokens = (size_t)t->shape[0];
    *d = (size_t)t->shape[1];
    size_t n = trace_numel(t);
    *counts = malloc((n ? n : 1) * sizeof **counts);
    if (!*counts) {
        trace_close(f);
        return ax_fail(err, AX_ENOMEM, "%s: out of memory for %zu counts", ref, n);
    }
    if (trace_dtype_is_int(t->dtype)) {
        r = trace_to_i32(t, *counts, err);
    } else {
        float *x = malloc((n ? n : 1) * sizeof *x);
        r = x ? trace_to_f32(t, x, err) : ax_fail(err, AX_ENOMEM, "out of memory");
        if (r == AX_OK)
            r = spike_counts(x, *tokens, *d, sp, *counts, NULL, err);
        free(x);
    }
    trace_close(f);
    if (r != AX_OK) {
        free(*counts);
        *counts = NULL;
        ax_err_prefix(err, "%s", ref);
    }
    return r;
}

int cmd_plot_raster(int argc, char **argv)
{
    static const struct option opts[] = {{"raster", no_argument, 0, 'R'},
                                         {"trace", required_argument, 0, 't'},
                                         {"coding", required_argument, 0, 'c'},
                                         {"k", required_argument, 0, 'k'},
                                         {"steps", required_argument, 0, 's'},
                                         {"tokens", required_argument, 0, 'T'},
                                         {"neurons", required_argument, 0, 'n'},
                                         {"out", required_argument, 0, 'o'},
                                         {"title", required_argument, 0, 'i'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *ref = NULL, *out = "raster.png", *tok_arg = NULL, *neu_arg = NULL, *title = NULL;
    spike_coding coding = SPIKE_BITWISE_SIGNED; /* the project's default, as axon run */
    spike_params sp;
    spike_params_default(&sp);
    long steps = SPIKE_STEPS_AUTO;
    double k;
    char *err = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'R': break;
        case 't': ref = optarg; break;
        case 'c':
            if (spike_coding_parse(optarg, &coding, &err)) {
                int rc = cmd_usage("plot", "--coding: %s", err);
                free(err);
                return rc;
            }
            break;
        case 'k':
            if (cmd_parse_double("plot", "--k", optarg, 1e-6, 1e6, &k))
                return CMD_USAGE;
            sp.k = (float)k;
            break;
        case 's':
            if (strcmp(optarg, "auto") &&
                cmd_parse_long("plot", "--steps", optarg, 1, 65535, &steps))
                return CMD_USAGE;
            break;
        case 'T': tok_arg = optarg; break;
        case 'n': neu_arg = optarg; break;
        case 'o': out = optarg; break;
        case 'i': title = optarg; break;
        case 'h': return cmd_plot(2, (char *[]){"plot", "--help", NULL});
        default: return cmd_usage("plot", "unknown option");
        }
    }
    if (!ref)
        return cmd_usage("plot", "--raster needs --trace FILE:TENSOR");
    const char *term = cmd_plot_term(out);
    if (!term)
        return cmd_usage("plot", "--out '%s': the name must end in .png or .svg", out);
    if (ax_out_check(out, &err))
        return cmd_fail("plot", err);
    int32_t *counts;
    size_t tokens = 0, d = 0, t0, t1, n0, n1;
    cmd_progress_label("raster", "encoding", 0, 3);
    if (load_counts(ref, &sp, &counts, &tokens, &d, &err))
        return cmd_fail("plot", err);
    int pt = parse_range(tok_arg ? tok_arg : "32", tokens, !tok_arg, &t0, &t1);
    int pn = parse_range(neu_arg ? neu_arg : "128", d, !neu_arg, &n0, &n1);
    if (pt || pn) {
        free(counts);
        const char *opt = pt ? "--tokens" : "--neurons", *arg = pt ? tok_arg : neu_arg;
        size_t max = pt ? tokens : d;
        if ((pt ? pt : pn) == -2)
            return cmd_usage("plot",
                             "%s %s reaches past the tensor, which has %zu %s (hint: "
                             "%s 0:%zu shows all of them)",
                             opt, arg, max, pt ? "tokens" : "channels", opt, max);
        return cmd_usage("plot", "%s '%s': expected N (>= 1) or A:B with A < B, inside [0, %zu)",
                         opt, arg, max);
    }
    int T = (int)steps;
    spike_stats all, win;
    size_t nt = t1 - t0;
    int8_t *trains = NULL;
    ax_result r = AX_OK;
    if (T == SPIKE_STEPS_AUTO)
        r = spike_steps_rule(coding, counts, tokens * d, &T, &err);
    if (r == AX_OK && T < 1)
        T = 1; /* all-zero input: one silent step */
    if (r == AX_OK)
        r = spike_stats_compute(coding, counts, tokens, d, T, &all, &err);
    if (r == AX_OK)
        r = spike_stats_compute(coding, counts + t0 * d, nt, d, T, &win, &err);
    if (r == AX_OK && !(trains = malloc((size_t)T * nt * d)))
        r = ax_fail(&err, AX_ENOMEM, "out of memory for %d x %zu x %zu spikes", T, nt, d);
    if (r == AX_OK)
        r = spike_trains(coding, counts + t0 * d, nt, d, T, trains, &err);
    char dir[PATH_MAX], datafile[PATH_MAX + 16] = "";
    int slot = -1, fslot = -1;
    if (r == AX_OK && (r = cmd_plot_scratch(dir, sizeof dir, &slot, &err)) == AX_OK) {
        snprintf(datafile, sizeof datafile, "%s/m.txt", dir);
        fslot = ax_tmp_register(datafile, 0);
    }
    if (r == AX_OK) {
        cmd_progress_label("raster", "writing the spike matrix", 1, 3);
        FILE *f = fopen(datafile, "w");
        for (size_t n = n0; f && n < n1; n++) {
            if ((n & 15) == 0)
                cmd_progress_tick();
            for (size_t tok = 0; tok < nt; tok++)
                for (int s = 0; s < T; s++)
                    fprintf(f, "%s%d", tok || s ? " " : "", trains[((size_t)s * nt + tok) * d + n]);
            fputc('\n', f);
        }
        if (!f || fclose(f) != 0)
            r = ax_fail(&err, AX_EIO, "%s: cannot write the raster data", datafile);
    }
    if (r == AX_OK) {
        char ttl[512], Ts[16], tok0[32], neu0[32];
        if (title)
            snprintf(ttl, sizeof ttl, "%s", title);
        else {
            const char *base = strrchr(ref, '/') ? strrchr(ref, '/') + 1 : ref;
            snprintf(ttl, sizeof ttl,
                     "%s\n%s, k=%g, T=%d steps/token - firing rate %.4f shown, %.4f whole tensor "
                     "(tokens %zu-%zu, neurons %zu-%zu)",
                     base, spike_coding_name(coding), (double)sp.k, T, win.firing_rate,
                     all.firing_rate, t0, t1 - 1, n0, n1 - 1);
        }
        snprintf(Ts, sizeof Ts, "%d", T);
        snprintf(tok0, sizeof tok0, "%zu", t0);
        snprintf(neu0, sizeof neu0, "%zu", n0);
        cmd_plot_var v[] = {{"datafile", datafile, 1}, {"outfile", out, 1}, {"term", term, 1},
                            {"plottitle", ttl, 1},     {"T", Ts, 0},        {"tok0", tok0, 0},
                            {"neuron0", neu0, 0}};
        cmd_progress_label("raster", "gnuplot", 2, 3);
        r = cmd_plot_gnuplot("raster.gp", v, sizeof v / sizeof v[0], out, &err);
    }
    cmd_progress("raster", 3, 3);
    if (datafile[0])
        cmd_plot_scratch_done(dir, datafile, slot, fslot);
    free(trains);
    free(counts);
    if (r != AX_OK)
        return cmd_fail("plot", err);
    printf("wrote %s (%zu tokens x %d steps x %zu neurons, firing rate %.4f)\n", out, nt, T,
           n1 - n0, win.firing_rate);
    return CMD_OK;
}
