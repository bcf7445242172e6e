/*
 * axon run — a layer's trace on the modelled chip (docs/design.md §3): spike coding,
 * cycle-accurate simulation, bit-exact check against the CPU reference,
 * dequantized output and, when the trace recorded it, accuracy against the
 * layer's real output. Without --layer, every layer whose `<layer>.weight`
 * (weights file) and `<layer>.input` (trace) both exist is run.
 * Output file (--out): `<layer>.acc` int32 [tokens, out] or [tokens, out,
 * groups] and `<layer>.y` f32 [tokens, out] per layer, the names of
 * `axon ref`. Output paths (--out, --vcd) are checked before any work.
 */
#include "cmd.h"
#include "cmd_run_db.h"
#include "cmd_run_int.h"
#include "../run/run.h"

#include "../traces/trace.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    fputs("usage: axon run --weights W.safetensors --trace T.safetensors [--layer NAME] [options]\n"
          "       axon run --image CORES.axi [--weights W] --trace T.safetensors [--layer NAME] "
          "[options]\n"
          "\n"
          "Runs a layer's recorded input on the modelled chip and reports cycles, latency,\n"
          "throughput, activity counters and whether acc matches the CPU reference bit for bit.\n"
          "Without --layer, runs every layer with <layer>.weight (or in the image) and "
          "<layer>.input.\n"
          "\n"
          "files:  --image FILE.axi  weights, tile, group and input order from `axon map --image`\n"
          "        (--tile / --group must then match the image's; with --weights too, the image\n"
          "        must hold exactly that checkpoint's quantization)\n"
          "        --ref R.safetensors  compare acc (exact) and y with `axon ref`'s "
          "<layer>.acc/.y\n"
          "        (or acc/y); exit 1 when acc differs\n"
          "output: --out Y.safetensors (<layer>.acc, <layer>.y, as axon ref names them)\n"
          "        --vcd FILE (first 64 cores, stepped; refused when larger than 1 GiB)  --json\n"
          "        --db [FILE]  record each layer's run in the results database (results.db)\n"
          "        --per-core   also print the counters of every core\n"
          "        --explain    the chain from the ideal estimate to the realistic energy, term by "
          "term\n"
          "execution (never changes a result, not part of the config hash):\n"
          "        --threads N  threads of the whole run: loading, reference, simulator (default:\n"
          "                     every online processor; 1 = one thread)\n"
          "        --functional acc, y, accuracy and spike statistics without the timing (no\n"
          "                     cycles, counters or energy; not with --db, --vcd, --per-core, "
          "--explain)\n"
          "        AXON_SIMD=scalar|sse2|avx2|avx512 forces the accumulation kernel (default: the "
          "best)\n"
          "\n"
          "parameters (docs/params.md; every one can also be swept with axon sweep):\n",
          stdout);
    cmd_param_help(RUN_SEC_ALL);
}

enum {
    O_OUT = 256,
    O_VCD,
    O_JSON,
    O_W,
    O_T,
    O_DB,
    O_PERCORE,
    O_EXPLAIN,
    O_IMAGE,
    O_REF,
    O_HELP,
    O_THREADS,
    O_FUNCTIONAL
};

int cmd_run(int argc, char **argv)
{
    static const struct option own[] = {{"weights", required_argument, 0, O_W},
                                        {"trace", required_argument, 0, O_T},
                                        {"out", required_argument, 0, O_OUT},
                                        {"vcd", required_argument, 0, O_VCD},
                                        {"json", no_argument, 0, O_JSON},
                                        {"explain", no_argument, 0, O_EXPLAIN},
                                        {"db", optional_argument, 0, O_DB},
                                        {"per-core", no_argument, 0, O_PERCORE},
                                        {"image", required_argument, 0, O_IMAGE},
                                        {"ref", required_argument, 0, O_REF},
                                        {"help", no_argument, 0, O_HELP},
                                        {"threads", required_argument, 0, O_THREADS},
                                        {"functional", no_argument, 0, O_FUNCTIONAL},
                                        {0, 0, 0, 0}};
    run_job j;
    run_job_default(&j);
    j.threads = sim_threads_default();
    const char *out = NULL, *dbpath = NULL;
    int json = 0, c, tile_given = 0, group_given = 0;
    struct option *opts = cmd_param_options(own, RUN_SEC_ALL, 0);
    if (!opts)
        return cmd_fail("run", strdup("out of memory"));
    if ((c = cmd_param_arch("run", argc, argv, &j))) {
        cmd_param_options_free(opts);
        return c;
    }
    /* a tile an architecture file set counts as given (checked against an image) */
    tile_given = j.arch && run_param_is_set(&j, run_param_find("tile"));
    optind = 1;
    opterr = 0;
    int rc = -1;
    const run_param *given[64];
    size_t ngiven = 0;
    while (rc < 0 && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        const char *pv;
        const run_param *p = cmd_param_of(c, &pv, optarg);
        if (p) {
            for (size_t i = 0; i < ngiven; i++)
                if (given[i] == p)
                    rc = cmd_usage("run",
                                   "--%s given twice (hint: give it once; to compare values "
                                   "use axon sweep)",
                                   p->flag);
            if (rc >= 0)
                break;
            if (ngiven < 64)
                given[ngiven++] = p;
            tile_given |= !strcmp(p->key, "tile");
            group_given |= !strcmp(p->key, "group_size");
        }
        int pr = cmd_param_opt("run", c, optarg, &j);
        if (pr == 0)
            continue;
        if (pr != 1) {
            rc = pr;
            break;
        }
        switch (c) {
        case O_HELP:
            help();
            rc = CMD_OK;
            break;
        case O_W: j.weights = optarg; break;
        case O_T: j.trace = optarg; break;
        case O_IMAGE: j.image = optarg; break;
        case O_REF: j.ref = optarg; break;
        case O_DB: dbpath = cmd_run_db_path(optarg, argc, argv, &optind); break;
        case O_OUT: out = optarg; break;
        case O_VCD: j.vcd = optarg; break;
        case O_JSON: json |= 1; break;
        case O_PERCORE: json |= 2; break;
        case O_EXPLAIN: json |= 4; break;
        case O_FUNCTIONAL: j.functional = 1; break;
        case O_THREADS: {
            char *end = NULL;
            long v = strtol(optarg, &end, 10);
            if (!*optarg || *end || v < 1 || v > 256)
                rc = cmd_usage("run",
                               "--threads '%s' must be a whole number in [1, 256] (hint: "
                               "--threads 1; the default is every online processor)",
                               optarg);
            else
                j.threads = (int)v;
            break;
        }
        default: rc = cmd_usage("run", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    cmd_param_options_free(opts);
    if (rc >= 0)
        return rc;
    char *perr = NULL;
    for (size_t i = 0; i < ngiven; i++)
        if (run_param_applies(&j, given[i], &perr))
            return cmd_usage_err("run", perr);
    if (optind < argc)
        return cmd_usage("run", "unexpected argument '%s'", argv[optind]);
    if ((!j.weights && !j.image) || !j.trace)
        return cmd_usage("run", "--weights (or --image) and --trace are required");
    if (j.functional && (dbpath || j.vcd || (json & 6)))
        return cmd_usage("run",
                         "--functional models no timing, so it has nothing for %s (hint: "
                         "drop --functional, or that option)",
                         dbpath     ? "--db"
                         : j.vcd    ? "--vcd"
                         : json & 2 ? "--per-core"
                                    : "--explain");
    char *err = NULL;
    ax_result irc;
    /* a bad output path is reported now, not after the simulation */
    if ((out && ax_out_check(out, &err)) || (j.vcd && ax_out_check(j.vcd, &err)) ||
        (dbpath && cmd_run_db_check(dbpath, &err)))
        return cmd_fail("run", err);
    if (j.image && (irc = run_image_setup(&j, tile_given, group_given, &err)))
        return irc == AX_EPARAM ? cmd_usage_err("run", err) : cmd_fail("run", err);
    if (sim_config_check(&j.cfg, &err))
        return cmd_fail("run", err);
    return cmd_run_layers(&j, out, json, dbpath);
}
