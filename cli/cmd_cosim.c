/*
 * axon cosim — co-simulates the C core model (sim/) and the Verilated RTL
 * (rtl/) in lockstep on one event stream from one set of weights (docs/design.md §5,
 * docs/core-timing.md) and exits 0 only when every stamp and accumulator
 * matches. The plain `axon` binary never links Verilator: this file compiled
 * without AXON_COSIM_RTL parses the options and execs the helper
 * <dir of axon>/rtl/<variant>/axon-cosim (built by `make rtl`; variant sync,
 * trace with --wave, async with --async, or --rtl DIR). The helper is this
 * same file compiled with AXON_COSIM_RTL, linked with the shim and the model.
 * With --image the helper (which links libaxon) opens the core image itself
 * and feeds both sides one core's rows (rtl/shim/axon_image_core.h), so the
 * C model, the RTL and `axon run --image` see the same mapping.
 */
#include "cmd.h"

#include "../spike/spike.h"
#include "../traces/trace.h"

#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef AXON_COSIM_RTL
#include "../rtl/shim/axon_cosim.h"
#endif

static const char *help =
    "usage: axon cosim (--random N | --weights W --trace T --layer NAME |\n"
    "                   --image FILE.axi --trace T (--layer NAME [--core N] | --core N)) [options]\n"
    "Runs one event stream through the C core model and the Verilated RTL core in\n"
    "lockstep (one-core chip, arrival 0) and compares every stamp (item accepted,\n"
    "started, SRAM word read or skipped, readout beat, readout end; cycles or ps)\n"
    "and every accumulator of every token. Exit 0 only if all match; the first\n"
    "divergence is printed with both sides' state.\n\n"
    "  --random N         N random tokens (random weights with zero words), no files\n"
    "  --weights FILE     safetensors/NPY file with <layer>.weight [out, in]\n"
    "  --trace FILE       file with <layer>.input [tokens, in] (activations or counts)\n"
    "  --layer NAME       layer name (HF), e.g. model.layers.3.mlp.up_proj\n"
    "  --image FILE.axi   core image of `axon map --image`: one core's rows feed both\n"
    "                     sides (its tile must be the RTL build's); the trace's input\n"
    "                     channels are permuted as the image's when it was reordered\n"
    "  --core N           the image's global core index (`axon map --read-image FILE`\n"
    "                     lists each layer's first core); default: the layer's first\n"
    "  --out FILE         safetensors with `acc` int32 [tokens, outputs of the core]:\n"
    "                     every token's accumulators (written only when all matched)\n"
    "  --tokens N         use only the first N tokens of the trace\n"
    "  --coding NAME      spike coding (default bitwise-signed), --steps T (default auto)\n"
    "  --tile RxC         core tile; must equal the RTL build's (default: the build's)\n"
    "  --lanes L          lanes; must equal the RTL build's\n"
    "  --async            async core (ps); uses the async RTL build\n"
    "  --wave FILE        VCD of the RTL around the first divergence (trace build)\n"
    "  --wave-window N    steps before and after the divergence in the VCD (default 64)\n"
    "  --seed S           stream and random-reset seed (default 1; 0 = no random reset)\n"
    "  --rtl DIR          RTL build directory holding axon-cosim (default: next to axon)\n"
    "  -v, --verbose      print the figures of a matching run\n"
    "With --weights the layer's first R x C tile is mapped onto the core (axons >= R\n"
    "are dropped); with --image the core holds exactly the image's rows.\n"
    "Needs `make rtl` (Verilator); see docs/rtl.md.\n";

typedef struct {
    long random, tokens, lanes, tile_r, tile_c, steps, wave_window, core;
    uint64_t seed;
    int async, verbose;
    const char *weights, *trace, *layer, *coding, *wave, *rtl, *image, *out;
} cosim_opts;

static int parse(int argc, char **argv, cosim_opts *o)
{
    static const struct option lo[] = {
        {"random", required_argument, 0, 'n'}, {"weights", required_argument, 0, 'w'},
        {"trace", required_argument, 0, 't'},  {"layer", required_argument, 0, 'l'},
        {"tokens", required_argument, 0, 'k'}, {"coding", required_argument, 0, 'c'},
        {"steps", required_argument, 0, 'T'},  {"tile", required_argument, 0, 'r'},
        {"lanes", required_argument, 0, 'L'},  {"async", no_argument, 0, 'a'},
        {"wave", required_argument, 0, 'W'},   {"wave-window", required_argument, 0, 'x'},
        {"seed", required_argument, 0, 's'},   {"rtl", required_argument, 0, 'R'},
        {"image", required_argument, 0, 'i'},  {"core", required_argument, 0, 'C'},
        {"out", required_argument, 0, 'o'},
        {"verbose", no_argument, 0, 'v'},      {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->wave_window = 64;
    o->coding = "bitwise-signed";
    o->core = -1;
    optind = 1;
    opterr = 0;
    int ch;
    long v;
    while ((ch = getopt_long(argc, argv, ":vh", lo, NULL)) != -1) {
        switch (ch) {
        case 'n': if (cmd_parse_long("cosim", "--random", optarg, 1, 10000000, &o->random)) return CMD_USAGE; break;
        case 'w': o->weights = optarg; break;
        case 't': o->trace = optarg; break;
        case 'l': o->layer = optarg; break;
        case 'k': if (cmd_parse_long("cosim", "--tokens", optarg, 1, LONG_MAX, &o->tokens)) return CMD_USAGE; break;
        case 'c': o->coding = optarg; break;
        case 'T': if (cmd_parse_long("cosim", "--steps", optarg, 1, 32, &o->steps)) return CMD_USAGE; break;
        case 'r':
            if (sscanf(optarg, "%ldx%ld", &o->tile_r, &o->tile_c) != 2 || o->tile_r < 1 || o->tile_c < 1)
                return cmd_usage("cosim", "--tile '%s': expected RxC, e.g. 32x32", optarg);
            break;
        case 'L': if (cmd_parse_long("cosim", "--lanes", optarg, 1, 1024, &o->lanes)) return CMD_USAGE; break;
        case 'a': o->async = 1; break;
        case 'W': o->wave = optarg; break;
        case 'x': if (cmd_parse_long("cosim", "--wave-window", optarg, 1, 100000000, &o->wave_window)) return CMD_USAGE; break;
        case 's':
            if (cmd_parse_long("cosim", "--seed", optarg, 0, LONG_MAX, &v)) return CMD_USAGE;
            o->seed = (uint64_t)v;
            break;
        case 'R': o->rtl = optarg; break;
        case 'i': o->image = optarg; break;
        case 'C': if (cmd_parse_long("cosim", "--core", optarg, 0, LONG_MAX, &o->core)) return CMD_USAGE; break;
        case 'o': o->out = optarg; break;
        case 'v': o->verbose = 1; break;
        case 'h': fputs(help, stdout); return -1;
        case ':': return cmd_usage("cosim", "option %s needs a value", argv[optind - 1]);
        default: return cmd_usage("cosim", "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc) return cmd_usage("cosim", "unexpected argument '%s'", argv[optind]);
    int files = o->weights || o->trace || o->layer || o->image || o->core >= 0;
    if (o->random && files)
        return cmd_usage("cosim", "--random excludes --weights/--image/--trace/--layer/--core");
    if (o->image && o->weights)
        return cmd_usage("cosim", "give --weights or --image, not both (hint: `axon run --image "
                         "--weights` checks an image against its checkpoint)");
    if (o->core >= 0 && !o->image) return cmd_usage("cosim", "--core N needs --image FILE.axi");
    if (o->image && !(o->trace && (o->layer || o->core >= 0)))
        return cmd_usage("cosim", "--image needs --trace and --layer NAME or --core N");
    if (!o->random && !o->image && !(o->weights && o->trace && o->layer))
        return cmd_usage("cosim", "give --random N, all of --weights, --trace and --layer, or "
                         "--image, --trace and --layer/--core");
    return CMD_OK;
}

#ifndef AXON_COSIM_RTL

int cmd_cosim(int argc, char **argv)
{
    char **copy = malloc((size_t)(argc + 1) * sizeof *copy);
    if (!copy) return cmd_fail("cosim", NULL);
    memcpy(copy, argv, (size_t)argc * sizeof *copy);
    copy[argc] = NULL;
    cosim_opts o;
    int rc = parse(argc, copy, &o);
    free(copy);
    if (rc) return rc < 0 ? CMD_OK : rc;
    char dir[4096], helper[4200];
    if (o.rtl) {
        snprintf(dir, sizeof dir, "%s", o.rtl);
    } else {
        ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
        if (n <= 0) return cmd_fail("cosim", NULL);
        dir[n] = 0;
        char *slash = strrchr(dir, '/');
        if (slash) *slash = 0;
        size_t len = strlen(dir);
        snprintf(dir + len, sizeof dir - len, "/rtl/%s", o.async ? "async" : o.wave ? "trace" : "sync");
    }
    snprintf(helper, sizeof helper, "%s/axon-cosim", dir);
    if (access(helper, X_OK) != 0) {
        fprintf(stderr, "axon cosim: RTL co-simulation helper %s is not built (hint: `make rtl` "
                        "builds it with Verilator; see docs/rtl.md)\n", helper);
        return CMD_FAIL;
    }
    char **av = malloc((size_t)(argc + 1) * sizeof *av);
    if (!av) return cmd_fail("cosim", NULL);
    av[0] = helper;
    for (int i = 1; i < argc; i++) av[i] = argv[i];
    av[argc] = NULL;
    fflush(NULL);
    execv(helper, av);
    fprintf(stderr, "axon cosim: cannot run %s\n", helper);
    free(av);
    return CMD_FAIL;
}

#else /* the helper: this file linked with the shim and the verilated model */

#include "../rtl/shim/axon_cosim_stream.h"

/* acc [tokens][p->cols] -> safetensors `acc` int32 [tokens, cols_used]. */
static ax_result write_acc(const char *path, const int32_t *acc, const axon_rtl_params *p,
                           const cosim_stream *st, const cosim_opts *o, const axon_image_core *ic,
                           char **err)
{
    size_t n = st->tokens * st->cols_used;
    int32_t *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return ax_fail(err, AX_ENOMEM, "cosim: out of memory");
    for (size_t t = 0; t < st->tokens; t++)
        memcpy(v + t * st->cols_used, acc + t * (size_t)p->cols, st->cols_used * sizeof *v);
    trace_writer *w = NULL;
    int64_t shape[2] = {(int64_t)st->tokens, (int64_t)st->cols_used};
    char b[6][64];
    snprintf(b[0], sizeof b[0], "%s", o->image ? "image" : o->random ? "random" : "weights");
    snprintf(b[1], sizeof b[1], "%ld", o->image ? (long)ic->core : 0L);
    snprintf(b[2], sizeof b[2], "%u", o->image ? ic->info.row0 : 0u);
    snprintf(b[3], sizeof b[3], "%u", o->image ? ic->info.col0 : 0u);
    snprintf(b[4], sizeof b[4], "%d", st->permuted);
    snprintf(b[5], sizeof b[5], "%s", axon_rtl_variant());
    const char *key[6] = {"source", "core", "row0", "col0", "permuted", "rtl_variant"};
    ax_result r = trace_writer_new(&w, err);
    for (int k = 0; k < 6 && !r; k++) r = trace_writer_meta(w, key[k], b[k], err);
    if (!r && (o->layer || o->image)) r = trace_writer_meta(w, "layer", o->image ? ic->layer->name : o->layer, err);
    if (!r) r = trace_writer_add(w, "acc", TRACE_I32, 2, shape, v, err);
    if (!r) r = trace_writer_save(w, path, err);
    trace_writer_free(w);
    free(v);
    return r;
}

int cmd_cosim(int argc, char **argv)
{
    cosim_opts o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? CMD_OK : rc;
    axon_rtl_params p;
    axon_rtl_built(&p);
    if (o.tile_r && (o.tile_r != p.rows || o.tile_c != p.cols))
        return cmd_usage("cosim", "--tile %ldx%ld: RTL build '%s' is %dx%d (hint: make rtl "
                         "RTL_PARAMS='R=%ld C=%ld ...', or --rtl DIR of a matching build)",
                         o.tile_r, o.tile_c, axon_rtl_variant(), p.rows, p.cols, o.tile_r, o.tile_c);
    if (o.lanes && o.lanes != p.lanes)
        return cmd_usage("cosim", "--lanes %ld: RTL build '%s' has %d lanes (hint: rebuild with "
                         "RTL_PARAMS, see docs/rtl.md)", o.lanes, axon_rtl_variant(), p.lanes);
    if (o.async != p.async)
        return cmd_usage("cosim", "%s: RTL build '%s' is %s (hint: %s)", o.async ? "--async" : "sync run",
                         axon_rtl_variant(), p.async ? "async" : "sync",
                         o.async ? "make rtl builds build/rtl/async" : "drop --rtl or use a sync build");
    sim_config cfg;
    cosim_stream_sim_config(&p, &cfg);
    char *err = NULL;
    cosim_stream st;
    axon_image_core ic;
    memset(&ic, 0, sizeof ic);
    ax_result r;
    if (o.image) {
        /* the helper reads the image itself (full validation; a damaged file
         * is named with the offset); a core of another tile is a usage error */
        r = axon_image_core_open(o.image, o.layer, o.core, p.rows, p.cols, &ic, &err);
        if (r == AX_EPARAM)
            return cmd_usage_err("cosim", err);
        if (r) return cmd_fail("cosim", err);
        r = cosim_stream_image(&p, &ic, o.trace, o.coding, (int)o.steps, (size_t)o.tokens, &st, &err);
    } else {
        r = o.random ? cosim_stream_random(&p, (size_t)o.random, o.seed, &st, &err)
                     : cosim_stream_files(&p, o.weights, o.trace, o.layer, o.coding, (int)o.steps,
                                          (size_t)o.tokens, &st, &err);
    }
    if (r) {
        axon_image_core_close(&ic);
        return cmd_fail("cosim", err);
    }
    if (o.image)
        printf("cosim: core %zu of %s: layer %s [%zu, %zu], tile (%u, %u), inputs %u..%u%s, "
               "outputs %u..%u\n", ic.core, o.image, ic.layer->name, ic.layer->out, ic.layer->in,
               ic.info.r, ic.info.c, ic.info.row0, ic.info.row0 + ic.info.rows_used - 1,
               st.permuted ? " of the image's channel order (input channels permuted)" : "",
               ic.info.col0, ic.info.col0 + ic.info.cols_used - 1);
    int32_t *acc = NULL;
    if (o.out && !(acc = calloc(st.tokens * (size_t)p.cols + 1, sizeof *acc))) {
        axon_image_core_close(&ic);
        cosim_stream_free(&st);
        return cmd_fail("cosim", strdup("out of memory for the accumulators"));
    }
    axon_cosim_job j = {p, &cfg, &st.qw, st.ev, st.nev, st.tok_start, st.tokens, o.seed,
                        o.wave, o.wave_window, o.wave_window, o.verbose, acc};
    axon_cosim_result res;
    r = axon_cosim_run(&j, &res, &err);
    const char *unit = p.async ? "ps" : "cycles";
    if (r == AX_EMISMATCH) {
        printf("cosim: MISMATCH (%s): %s\n", axon_rtl_variant(), err);
        printf("cosim: %" PRIu64 " stamps and %" PRIu64 " accumulators matched before it\n",
               res.stamps, res.accs);
        free(err);
        free(acc);
        axon_image_core_close(&ic);
        cosim_stream_free(&st);
        return CMD_FAIL;
    }
    if (r) {
        free(acc);
        axon_image_core_close(&ic);
        cosim_stream_free(&st);
        return cmd_fail("cosim", err);
    }
    printf("cosim: OK (%s, R=%d C=%d L=%d Ls=%d F=%d A=%d RB=%d db=%d gating=%d): %zu tokens, "
           "%" PRIu64 " items, %" PRIu64 " stamps and %" PRIu64 " accumulators equal; "
           "end %" PRId64 " %s (RTL) = %" PRId64 " %s (C model)\n",
           axon_rtl_variant(), p.rows, p.cols, p.lanes, p.sram_latency, p.fifo_depth, p.acc_bits,
           p.readout_bits, p.double_buffer, p.zero_gating, st.tokens, res.items, res.stamps,
           res.accs, res.end_rtl, unit, res.end_sim, unit);
    if (o.verbose)
        printf("cosim: activity equal: %" PRIu64 " SRAM words read, %" PRIu64 " skipped, %s %" PRIu64 "\n",
               res.rtl_words, res.rtl_skipped, p.async ? "handshakes" : "lane additions",
               p.async ? res.rtl_hs : res.rtl_adds);
    rc = CMD_OK;
    if (o.out) {
        if ((r = write_acc(o.out, acc, &p, &st, &o, &ic, &err)))
            rc = cmd_fail("cosim", err);
        else
            printf("cosim: accumulators of %zu tokens x %zu outputs in %s\n", st.tokens, st.cols_used, o.out);
    }
    free(acc);
    axon_image_core_close(&ic);
    cosim_stream_free(&st);
    return rc;
}

#endif
