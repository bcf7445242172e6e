/*
 * axon run — a layer's trace on the modelled chip (docs/design.md §3): spike coding,
 * cycle-accurate simulation, bit-exact check against the CPU reference,
 * dequantized output and, when the trace recorded it, accuracy against the
 * layer's real output. Without --layer, every layer whose `<layer>.weight`
 * (weights file) and `<layer>.input` (trace) both exist is run.
 * Output file (--out): `acc` int32 [tokens, out] or [tokens, out, groups]
 * and `y` f32 [tokens, out]; with several layers `<layer>.acc`, `<layer>.y`.
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

static const char *HELP =
    "usage: axon run --weights W.safetensors --trace T.safetensors [--layer NAME] [options]\n"
    "       axon run --image CORES.axi [--weights W] --trace T.safetensors [--layer NAME] [options]\n"
    "\n"
    "Runs a layer's recorded input on the modelled chip and reports cycles, latency,\n"
    "throughput, activity counters and whether acc matches the CPU reference bit for bit.\n"
    "Without --layer, runs every layer with <layer>.weight (or in the image) and <layer>.input.\n"
    "\n"
    "input:  --image FILE.axi  weights, tile, group and input order from `axon map --image`\n"
    "        (--tile / --group must then match the image's; with --weights too, the image\n"
    "        must hold exactly that checkpoint's quantization)\n"
    "        --ref R.safetensors  compare acc (exact) and y with `axon ref`'s <layer>.acc/.y\n"
    "        (or acc/y); exit 1 when acc differs\n"
    "\n"
    "core:   --tile RxC (128x128)  --lanes L (16)  --fifo N (8)  --sram-latency N cycles (1)\n"
    "        --acc-bits N (32)  --readout-bits N (64)  --no-double-buffer  --no-zero-gating\n"
    "timing: --clock MHZ (500) | --async [--handshake 2|4 (4)]\n"
    "chip:   --mesh WxH (auto)  --hop N cycles (1)  --hop-ps N ps (500)  --link-bits N (64)\n"
    "dram:   --dram (stream every tile per token)  --burst BYTES (64)  --dram-bw BYTES/cycle (16)\n"
    "        --dram-latency N cycles (100)\n"
    "spikes: --coding binary|ternary|bitwise|bitwise-signed|bitwise-2c (bitwise-signed)\n"
    "        --k K (3)  --steps T|token (reference rule)  --no-clamp  --group G (per channel)\n"
    "energy: --tech CSV (built-in 45 nm)  --node NM  --vdd V  --model realistic|ideal\n"
    "        --explain  the chain from the ideal estimate to the realistic energy, term by term\n"
    "output: --out Y.safetensors (acc, y)  --vcd FILE (first 64 cores)  --json\n"
    "        --db [FILE]  record each layer's run in the results database (results.db)\n"
    "        --per-core   also print the counters of every core\n";

enum { O_TILE = 256, O_LANES, O_CLOCK, O_ASYNC, O_HS, O_FIFO, O_SRAM, O_ACC, O_RB, O_NODB, O_NOZG,
       O_CODING, O_K, O_STEPS, O_GROUP, O_OUT, O_VCD, O_JSON, O_MESH, O_HOP, O_HOPPS, O_LINK,
       O_NOCLAMP, O_W, O_T, O_L, O_TECH, O_NODE, O_VDD, O_MODEL, O_DB, O_PERCORE, O_EXPLAIN, O_DRAM, O_BURST, O_DBW, O_DLAT,
       O_IMAGE, O_REF, O_HELP };

static int parse_pair(const char *s, long *a, long *b)
{
    char *e;
    *a = strtol(s, &e, 10);
    if (e == s || (*e != 'x' && *e != 'X'))
        return -1;
    const char *p = e + 1;
    *b = strtol(p, &e, 10);
    return e == p || *e ? -1 : 0;
}

int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"weights", required_argument, 0, O_W}, {"trace", required_argument, 0, O_T},
        {"layer", required_argument, 0, O_L}, {"tile", required_argument, 0, O_TILE},
        {"lanes", required_argument, 0, O_LANES}, {"clock", required_argument, 0, O_CLOCK},
        {"async", no_argument, 0, O_ASYNC}, {"handshake", required_argument, 0, O_HS},
        {"fifo", required_argument, 0, O_FIFO}, {"sram-latency", required_argument, 0, O_SRAM},
        {"acc-bits", required_argument, 0, O_ACC}, {"readout-bits", required_argument, 0, O_RB},
        {"no-double-buffer", no_argument, 0, O_NODB}, {"no-zero-gating", no_argument, 0, O_NOZG},
        {"coding", required_argument, 0, O_CODING}, {"k", required_argument, 0, O_K},
        {"steps", required_argument, 0, O_STEPS}, {"group", required_argument, 0, O_GROUP},
        {"out", required_argument, 0, O_OUT}, {"vcd", required_argument, 0, O_VCD},
        {"json", no_argument, 0, O_JSON}, {"mesh", required_argument, 0, O_MESH},
        {"hop", required_argument, 0, O_HOP}, {"hop-ps", required_argument, 0, O_HOPPS},
        {"link-bits", required_argument, 0, O_LINK}, {"no-clamp", no_argument, 0, O_NOCLAMP},
        {"tech", required_argument, 0, O_TECH}, {"node", required_argument, 0, O_NODE},
        {"vdd", required_argument, 0, O_VDD}, {"model", required_argument, 0, O_MODEL},
        {"explain", no_argument, 0, O_EXPLAIN},
        {"db", optional_argument, 0, O_DB}, {"per-core", no_argument, 0, O_PERCORE},
        {"dram", no_argument, 0, O_DRAM}, {"burst", required_argument, 0, O_BURST},
        {"dram-bw", required_argument, 0, O_DBW}, {"dram-latency", required_argument, 0, O_DLAT},
        {"image", required_argument, 0, O_IMAGE}, {"ref", required_argument, 0, O_REF},
        {"help", no_argument, 0, O_HELP}, {0, 0, 0, 0}};
    run_job j;
    run_job_default(&j);
    const char *out = NULL, *dbpath = NULL;
    int json = 0, c, tile_given = 0, group_given = 0;
    long v, v2;
    double d;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_HELP: fputs(HELP, stdout); return CMD_OK;
        case O_W: j.weights = optarg; break;
        case O_T: j.trace = optarg; break;
        case O_IMAGE: j.image = optarg; break;
        case O_REF: j.ref = optarg; break;
        case O_L: j.layer = optarg; break;
        case O_TILE:
        case O_MESH:
            if (parse_pair(optarg, &v, &v2) || v < (c == O_MESH ? 0 : 1) || v2 < (c == O_MESH ? 0 : 1) ||
                v > 1 << 20 || v2 > 1 << 20)
                return cmd_usage("run", "%s '%s' is not WxH (e.g. 128x128)",
                                 c == O_TILE ? "--tile" : "--mesh", optarg);
            if (c == O_TILE) {
                tile_given = 1;
                j.cfg.rows = (int)v;
                j.cfg.cols = (int)v2;
            } else {
                j.cfg.mesh_w = (int)v;
                j.cfg.mesh_h = (int)v2;
            }
            break;
#define LONGOPT(code, name, lo, hi, dst)                                                     \
    case code:                                                                               \
        if (cmd_parse_long("run", name, optarg, lo, hi, &v))                                 \
            return CMD_USAGE;                                                                \
        dst = (int)v;                                                                        \
        break;
        LONGOPT(O_LANES, "--lanes", 1, 4096, j.cfg.lanes)
        LONGOPT(O_FIFO, "--fifo", 1, 1 << 20, j.cfg.fifo_depth)
        LONGOPT(O_SRAM, "--sram-latency", 1, 1 << 20, j.cfg.sram_latency)
        LONGOPT(O_ACC, "--acc-bits", 8, 32, j.cfg.acc_bits)
        LONGOPT(O_RB, "--readout-bits", 1, 1 << 16, j.cfg.readout_bits)
        LONGOPT(O_HOP, "--hop", 0, 1 << 20, j.cfg.hop_cycles)
        LONGOPT(O_LINK, "--link-bits", 1, 1 << 16, j.cfg.link_bits)
        case O_HOPPS:
            if (cmd_parse_long("run", "--hop-ps", optarg, 0, 1L << 40, &v))
                return CMD_USAGE;
            j.cfg.hop_ps = v;
            break;
        case O_HS:
            if (cmd_parse_long("run", "--handshake", optarg, 2, 4, &v) || v == 3)
                return v == 3 ? cmd_usage("run", "--handshake must be 2 or 4") : CMD_USAGE;
            j.cfg.handshake = v == 2 ? SIM_HS_2PHASE : SIM_HS_4PHASE;
            break;
        case O_CLOCK:
            if (cmd_parse_double("run", "--clock", optarg, 1e-3, 1e6, &d))
                return CMD_USAGE;
            j.cfg.clock_mhz = d;
            j.cfg.timing = SIM_SYNC;
            break;
        case O_ASYNC: j.cfg.timing = SIM_ASYNC; break;
        case O_NODB: j.cfg.double_buffer = 0; break;
        case O_NOZG: j.cfg.zero_gating = 0; break;
        case O_NOCLAMP: j.sp.clamp = 0; break;
        case O_CODING: {
            char *e = NULL;
            if (spike_coding_parse(optarg, &j.coding, &e)) {
                cmd_usage("run", "--coding: %s", e ? e : optarg);
                free(e);
                return CMD_USAGE;
            }
            break;
        }
        case O_K:
            if (cmd_parse_double("run", "--k", optarg, 1e-6, 1e6, &d))
                return CMD_USAGE;
            j.sp.k = (float)d;
            break;
        case O_STEPS:
            if (!strcmp(optarg, "token"))
                j.steps = SPIKE_STEPS_TOKEN;
            else if (cmd_parse_long("run", "--steps", optarg, 1, 64, &v))
                return CMD_USAGE;
            else
                j.steps = (int)v;
            break;
        case O_GROUP:
            if (cmd_parse_long("run", "--group", optarg, 1, 1L << 30, &v))
                return CMD_USAGE;
            j.group = (size_t)v;
            group_given = 1;
            break;
        case O_TECH: j.tech = optarg; break;
        case O_DRAM: j.cfg.dram = 1; break;
        LONGOPT(O_BURST, "--burst", 8, 1 << 20, j.cfg.dram_burst_bytes)
        LONGOPT(O_DBW, "--dram-bw", 1, 1 << 20, j.cfg.dram_bytes_per_cycle)
        LONGOPT(O_DLAT, "--dram-latency", 0, 1 << 30, j.cfg.dram_latency)
        LONGOPT(O_NODE, "--node", 1, 1000, j.node_nm)
        case O_VDD:
            if (cmd_parse_double("run", "--vdd", optarg, 0.1, 5.0, &d))
                return CMD_USAGE;
            j.vdd_v = d;
            break;
        case O_MODEL:
            if (power_model_parse(optarg, &j.model))
                return cmd_usage("run", "--model '%s' is neither realistic nor ideal", optarg);
            break;
        case O_DB: dbpath = cmd_run_db_path(optarg, argc, argv, &optind); break;
        case O_OUT: out = optarg; break;
        case O_VCD: j.vcd = optarg; break;
        case O_JSON: json |= 1; break;
        case O_PERCORE: json |= 2; break;
        case O_EXPLAIN: json |= 4; break;
        default:
            return cmd_usage("run", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cmd_usage("run", "unexpected argument '%s'", argv[optind]);
    if ((!j.weights && !j.image) || !j.trace)
        return cmd_usage("run", "--weights (or --image) and --trace are required");
    char *err = NULL;
    ax_result irc;
    if (j.image && (irc = run_image_setup(&j, tile_given, group_given, &err)))
        return irc == AX_EPARAM ? cmd_usage_err("run", err) : cmd_fail("run", err);
    if (sim_config_check(&j.cfg, &err))
        return cmd_fail("run", err);
    return cmd_run_layers(&j, out, json, dbpath);
}
