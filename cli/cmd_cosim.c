/*
 * axon cosim — co-simulates the C core model (sim/) and the Verilated RTL
 * (rtl/) in lockstep on one event stream from one set of weights (docs/design.md §5,
 * docs/core-timing.md) and exits 0 only when every stamp and accumulator
 * matches. The plain `axon` binary never links Verilator: this front end
 * parses the options (so a usage error needs no RTL build) and execs the
 * helper <dir of axon>/rtl/<variant>/axon-cosim (built by `make rtl`;
 * variant sync, trace with --wave, async with --async, or --rtl DIR) with
 * the same arguments. The helper's side is cli/cmd_cosim_rtl.c.
 */
#include "cmd.h"
#include "cmd_cosim.h"

#include "../run/run.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *help =
    "usage: axon cosim (--random N | --weights W --trace T --layer NAME |\n"
    "                   --image FILE.axi --trace T (--layer NAME [--core N] | --core N)) "
    "[options]\n"
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
    "  --coding NAME      spike coding (default bitwise-signed), --steps T|auto (default auto)\n"
    "  --tile RxC         core tile; must equal the RTL build's (default: the build's)\n"
    "  --lanes L          lanes; must equal the RTL build's\n"
    "  --async            async core (ps); uses the async RTL build (= --timing async)\n"
    "  (--layer, --coding, --steps, --tile, --lanes, --timing: the parameter table, "
    "docs/params.md)\n"
    "  --wave FILE        VCD of the RTL around the first divergence (trace build)\n"
    "  --wave-window N    steps before and after the divergence in the VCD (default 64)\n"
    "  --seed S           stream and random-reset seed (default 1; 0 = no random reset)\n"
    "  --rtl DIR          RTL build directory holding axon-cosim (default: next to axon)\n"
    "  -v, --verbose      print the figures of a matching run\n"
    "With --weights the layer's first R x C tile is mapped onto the core (axons >= R\n"
    "are dropped); with --image the core holds exactly the image's rows.\n"
    "Needs `make rtl` (Verilator); see docs/rtl.md.\n";

#define COSIM_PARAMS "layer coding steps tile lanes timing"

int cmd_cosim_parse(int argc, char **argv, cmd_cosim_opts *o)
{
    /* clang-format off */
    static const struct option own[] = {
        {"random", required_argument, 0, 'n'}, {"weights", required_argument, 0, 'w'},
        {"trace", required_argument, 0, 't'},  {"tokens", required_argument, 0, 'k'},
        {"wave", required_argument, 0, 'W'},   {"wave-window", required_argument, 0, 'x'},
        {"seed", required_argument, 0, 's'},   {"rtl", required_argument, 0, 'R'},
        {"image", required_argument, 0, 'i'},  {"core", required_argument, 0, 'C'},
        {"out", required_argument, 0, 'o'},
        {"verbose", no_argument, 0, 'v'},      {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    /* clang-format on */
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->wave_window = 64;
    o->coding = "bitwise-signed";
    o->core = -1;
    /* layer, coding, steps, tile, lanes and timing come from the parameter
     * table (docs/params.md): the same spelling and range as axon run */
    run_job pj;
    run_job_default(&pj);
    struct option *lo = cmd_param_options_only(own, COSIM_PARAMS, 0);
    if (!lo)
        return cmd_fail("cosim", NULL);
    optind = 1;
    opterr = 0;
    int ch, prc = 0, tile_given = 0, lanes_given = 0;
    long v;
    while (!prc && (ch = getopt_long(argc, argv, ":vh", lo, NULL)) != -1) {
        const char *pv;
        const run_param *p = cmd_param_of(ch, &pv, optarg);
        if (p) {
            tile_given |= !strcmp(p->key, "tile");
            lanes_given |= !strcmp(p->key, "lanes");
            prc = cmd_param_opt("cosim", ch, optarg, &pj);
            continue;
        }
        /* clang-format off */
        switch (ch) {
        case 'n': if (cmd_parse_long("cosim", "--random", optarg, 1, 10000000, &o->random)) prc = CMD_USAGE; break;
        case 'w': o->weights = optarg; break;
        case 't': o->trace = optarg; break;
        case 'k': if (cmd_parse_long("cosim", "--tokens", optarg, 1, LONG_MAX, &o->tokens)) prc = CMD_USAGE; break;
        case 'W': o->wave = optarg; break;
        case 'x': if (cmd_parse_long("cosim", "--wave-window", optarg, 1, 100000000, &o->wave_window)) prc = CMD_USAGE; break;
        case 's':
            if (cmd_parse_long("cosim", "--seed", optarg, 0, LONG_MAX, &v)) { prc = CMD_USAGE; break; }
            o->seed = (uint64_t)v;
            break;
        case 'R': o->rtl = optarg; break;
        case 'i': o->image = optarg; break;
        case 'C': if (cmd_parse_long("cosim", "--core", optarg, 0, LONG_MAX, &o->core)) prc = CMD_USAGE; break;
        case 'o': o->out = optarg; break;
        case 'v': o->verbose = 1; break;
        case 'h': fputs(help, stdout); prc = -1; break;
        case ':': prc = cmd_usage("cosim", "option %s needs a value", argv[optind - 1]); break;
        default: prc = cmd_usage("cosim", "unknown option %s", argv[optind - 1]); break;
        }
        /* clang-format on */
    }
    cmd_param_options_free(lo);
    if (prc)
        return prc;
    o->layer = pj.layer;
    o->coding = spike_coding_name(pj.coding);
    o->async = pj.cfg.timing == SIM_ASYNC;
    if (tile_given) {
        o->tile_r = pj.cfg.rows;
        o->tile_c = pj.cfg.cols;
    }
    if (lanes_given)
        o->lanes = pj.cfg.lanes;
    if (pj.steps == SPIKE_STEPS_TOKEN)
        return cmd_usage("cosim", "--steps token: the RTL core takes one T per stream (hint: a "
                                  "fixed T, or auto)");
    if (pj.steps > 32)
        return cmd_usage("cosim", "--steps %d: the RTL core's shift field holds T <= 32", pj.steps);
    o->steps = pj.steps > 0 ? pj.steps : 0;
    if (optind < argc)
        return cmd_usage("cosim", "unexpected argument '%s'", argv[optind]);
    int files = o->weights || o->trace || o->layer || o->image || o->core >= 0;
    if (o->random && files)
        return cmd_usage("cosim", "--random excludes --weights/--image/--trace/--layer/--core");
    if (o->image && o->weights)
        return cmd_usage("cosim", "give --weights or --image, not both (hint: `axon run --image "
                                  "--weights` checks an image against its checkpoint)");
    if (o->core >= 0 && !o->image)
        return cmd_usage("cosim", "--core N needs --image FILE.axi");
    if (o->image && !(o->trace && (o->layer || o->core >= 0)))
        return cmd_usage("cosim", "--image needs --trace and --layer NAME or --core N");
    if (!o->random && !o->image && !(o->weights && o->trace && o->layer))
        return cmd_usage("cosim", "give --random N, all of --weights, --trace and --layer, or "
                                  "--image, --trace and --layer/--core");
    return CMD_OK;
}


int cmd_cosim(int argc, char **argv)
{
    char **copy = malloc((size_t)(argc + 1) * sizeof *copy);
    if (!copy)
        return cmd_fail("cosim", NULL);
    memcpy(copy, argv, (size_t)argc * sizeof *copy);
    copy[argc] = NULL;
    cmd_cosim_opts o;
    int rc = cmd_cosim_parse(argc, copy, &o);
    free(copy);
    if (rc)
        return rc < 0 ? CMD_OK : rc;
    char dir[4096], helper[4200];
    if (o.rtl) {
        snprintf(dir, sizeof dir, "%s", o.rtl);
    } else {
        ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
        if (n <= 0)
            return cmd_fail("cosim", NULL);
        dir[n] = 0;
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = 0;
        size_t len = strlen(dir);
        snprintf(dir + len, sizeof dir - len, "/rtl/%s",
                 o.async  ? "async"
                 : o.wave ? "trace"
                          : "sync");
    }
    snprintf(helper, sizeof helper, "%s/axon-cosim", dir);
    if (access(helper, X_OK) != 0) {
        fprintf(stderr,
                "axon cosim: RTL co-simulation helper %s is not built (hint: `make rtl` "
                "builds it with Verilator; see docs/rtl.md)\n",
                helper);
        return CMD_FAIL;
    }
    char **av = malloc((size_t)(argc + 1) * sizeof *av);
    if (!av)
        return cmd_fail("cosim", NULL);
    av[0] = helper;
    for (int i = 1; i < argc; i++)
        av[i] = argv[i];
    av[argc] = NULL;
    fflush(NULL);
    execv(helper, av);
    fprintf(stderr, "axon cosim: cannot run %s\n", helper);
    free(av);
    return CMD_FAIL;
}
