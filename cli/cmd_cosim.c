/*
 * axon cosim — co-simulates the C core model (sim/) and the Verilated RTL
 * (rtl/) in lockstep on one event stream from one set of weights (DESIGN §5,
 * docs/core-timing.md) and exits 0 only when every stamp and accumulator
 * matches. The plain `axon` binary never links Verilator: this file compiled
 * without AXON_COSIM_RTL parses the options and execs the helper
 * <dir of axon>/rtl/<variant>/axon-cosim (built by `make rtl`; variant sync,
 * trace with --wave, async with --async, or --rtl DIR). The helper is this
 * same file compiled with AXON_COSIM_RTL, linked with the shim and the model.
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
    "usage: axon cosim (--random N | --weights W --trace T --layer NAME) [options]\n"
    "Runs one event stream through the C core model and the Verilated RTL core in\n"
    "lockstep (one-core chip, arrival 0) and compares every stamp (item accepted,\n"
    "started, SRAM word read or skipped, readout beat, readout end; cycles or ps)\n"
    "and every accumulator of every token. Exit 0 only if all match; the first\n"
    "divergence is printed with both sides' state.\n\n"
    "  --random N         N random tokens (random weights with zero words), no files\n"
    "  --weights FILE     safetensors/NPY file with <layer>.weight [out, in]\n"
    "  --trace FILE       file with <layer>.input [tokens, in] (activations or counts)\n"
    "  --layer NAME       layer name (HF), e.g. model.layers.3.mlp.up_proj\n"
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
    "The layer's first R x C tile is mapped onto the core (axons >= R are dropped).\n"
    "Needs `make rtl` (Verilator); see docs/rtl.md.\n";

typedef struct {
    long random, tokens, lanes, tile_r, tile_c, steps, wave_window;
    uint64_t seed;
    int async, verbose;
    const char *weights, *trace, *layer, *coding, *wave, *rtl;
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
        {"verbose", no_argument, 0, 'v'},      {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->wave_window = 64;
    o->coding = "bitwise-signed";
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
        case 'v': o->verbose = 1; break;
        case 'h': fputs(help, stdout); return -1;
        case ':': return cmd_usage("cosim", "option %s needs a value", argv[optind - 1]);
        default: return cmd_usage("cosim", "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc) return cmd_usage("cosim", "unexpected argument '%s'", argv[optind]);
    int files = o->weights || o->trace || o->layer;
    if (o->random && files) return cmd_usage("cosim", "--random excludes --weights/--trace/--layer");
    if (!o->random && !(o->weights && o->trace && o->layer))
        return cmd_usage("cosim", "give --random N, or all of --weights, --trace and --layer");
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
    sim_config_default(&cfg);
    cfg.rows = p.rows;
    cfg.cols = p.cols;
    cfg.lanes = p.lanes;
    cfg.sram_latency = p.sram_latency;
    cfg.fifo_depth = p.fifo_depth;
    cfg.acc_bits = p.acc_bits;
    cfg.readout_bits = p.readout_bits;
    cfg.double_buffer = p.double_buffer;
    cfg.zero_gating = p.zero_gating;
    cfg.mesh_w = cfg.mesh_h = 1;
    cfg.timing = p.async ? SIM_ASYNC : SIM_SYNC;
    if (p.async) {
        cfg.handshake = p.handshake == 2 ? SIM_HS_2PHASE : SIM_HS_4PHASE;
        cfg.t_req_ps = p.t_req_ps;
        cfg.t_ack_ps = p.t_ack_ps;
        cfg.t_decode_ps = p.t_decode_ps;
        cfg.t_sram_ps = p.t_sram_ps;
        cfg.t_add_ps = p.t_add_ps;
        cfg.t_readout_ps = p.t_readout_ps;
    }
    char *err = NULL;
    cosim_stream st;
    ax_result r = o.random
                      ? cosim_stream_random(&p, (size_t)o.random, o.seed, &st, &err)
                      : cosim_stream_files(&p, o.weights, o.trace, o.layer, o.coding, (int)o.steps,
                                           (size_t)o.tokens, &st, &err);
    if (r) return cmd_fail("cosim", err);
    axon_cosim_job j = {p, &cfg, &st.qw, st.ev, st.nev, st.tok_start, st.tokens, o.seed,
                        o.wave, o.wave_window, o.wave_window, o.verbose};
    axon_cosim_result res;
    r = axon_cosim_run(&j, &res, &err);
    const char *unit = p.async ? "ps" : "cycles";
    if (r == AX_EMISMATCH) {
        printf("cosim: MISMATCH (%s): %s\n", axon_rtl_variant(), err);
        printf("cosim: %" PRIu64 " stamps and %" PRIu64 " accumulators matched before it\n",
               res.stamps, res.accs);
        free(err);
        cosim_stream_free(&st);
        return CMD_FAIL;
    }
    if (r) {
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
    cosim_stream_free(&st);
    return CMD_OK;
}

#endif
