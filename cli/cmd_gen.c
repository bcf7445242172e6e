/*
 * axon gen — writes synthetic LLM-like weights and activation traces as
 * safetensors (traces/trace_gen.c holds the statistical model): HF names
 * model.layers.<i>.{self_attn,mlp}.<p>_proj.weight [out, in] in one file,
 * <layer>.input [tokens, in] and <layer>.output [tokens, out] (the float
 * reference y = x W^T) in the other. Deterministic for a given --seed,
 * whatever --threads. Before anything is generated: the two paths must name
 * different files, their directories must be writable and the sizes (known
 * from the shapes) must fit the free space. Progress on stderr for long
 * requests (MiB written, cmd_progress); both files are committed together,
 * then a "wrote FILE" line each.
 */
#include "cmd.h"
#include "../ax/ax_json.h"

#include "../traces/trace.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf(
        "usage: axon gen [--preset NAME] [options] --weights-out W.safetensors --trace-out "
        "T.safetensors\n\n"
        "Writes synthetic LLM-like weights and activations (deterministic for a seed).\n\n"
        "  --preset NAME        shapes and defaults (default tiny); --list-presets shows them\n"
        "  --tokens N           token rows of every <layer>.input\n"
        "  --in D               hidden size: up/gate map D -> M, down maps M -> D\n"
        "  --out M              FFN (intermediate) size\n"
        "  --layers LIST        layer indices, e.g. 0,3,5-7 (default 0)\n"
        "  --proj LIST          projections among q,k,v,o,up,gate,down; attn = q,k,v,o, mlp =\n"
        "                       up,gate,down, all = both (default from the preset)\n"
        "  --q-out N            q_proj outputs = o_proj inputs (heads x head_dim; default hidden)\n"
        "  --kv-out N           k_proj and v_proj outputs (kv heads x head_dim; default hidden)\n"
        "  --dtype f32|bf16     weight dtype (default f32; inputs and outputs are f32)\n"
        "  --seed S             PRNG seed, unsigned 64-bit (default 1)\n"
        "  --dof NU             Student-t degrees of freedom of activations, > 2 (default 4)\n"
        "  --outlier-frac F     fraction of outlier input channels (default 0.005)\n"
        "  --outlier-scale X    outlier channel magnitude vs. the others (default 30)\n"
        "  --no-output          do not write <layer>.output (skips the tokens*in*out reference "
        "product)\n"
        "synthetic operating point (every <layer>.input becomes int32 spike counts with this\n"
        "statistic in bitwise-signed coding; axon run takes them as counts, run with --steps T):\n"
        "  --steps T            time steps the statistic is stated over (1..30; |count| < 2^T)\n"
        "  --silent F           fraction of (token, channel) pairs with count 0\n"
        "  and one of:\n"
        "  --ev-per-act X       spikes (events) per activation\n"
        "  --target-sparsity S  1 - spikes / (T x activations), i.e. X = (1 - S) T\n"
        "  --spikes-per-firing P  spikes per firing pair, i.e. X = (1 - F) P\n"
        "  (each row is exact to 0.5/in; the achieved figures are printed)\n"
        "  --weights-out FILE   weights safetensors file\n"
        "  --trace-out FILE     trace safetensors file\n"
        "  --threads N          CPU threads (default all cores; the bytes do not depend on it)\n"
        "  --json               print what was written as JSON\n"
        "Both files are written to temporaries and replace the targets together at the end;\n"
        "the request is checked against the free disk space before anything is written.\n"
        "  --list-presets       list presets and exit\n"
        "  -h, --help           this help\n");
}

static void gen_progress(void *ctx, uint64_t done, uint64_t total)
{
    (void)ctx;
    /* in MiB, as the bar shows them */
    size_t d = (size_t)(done >> 20), t = (size_t)(total >> 20) + 1;
    cmd_progress_label("gen", "MiB written", d < t ? d : t - 1, t);
}

/* Lists what a written file holds (read back through the reader). */
static int report(const char *path, int json, cJSON *arr)
{
    trace_file *f;
    char *err = NULL;
    if (trace_open(path, &f, &err))
        return cmd_fail("gen", err);
    for (size_t i = 0; i < trace_count(f); i++) {
        const trace_tensor *t = trace_at(f, i);
        char shape[96] = "";
        for (int d = 0; d < t->ndim; d++)
            snprintf(shape + strlen(shape), sizeof shape - strlen(shape), "%s%lld", d ? "x" : "",
                     (long long)t->shape[d]);
        if (json) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "file", path);
            cJSON_AddStringToObject(o, "tensor", t->name);
            cJSON_AddStringToObject(o, "dtype", trace_dtype_name(t->dtype));
            cJSON *sh = cJSON_AddArrayToObject(o, "shape");
            for (int d = 0; d < t->ndim; d++)
                cJSON_AddItemToArray(sh, cJSON_CreateNumber((double)t->shape[d]));
            cJSON_AddNumberToObject(o, "size_bytes", (double)t->nbytes);
            cJSON_AddItemToArray(arr, o);
        } else {
            printf("%-44s %-5s %-12s %10.3f\n", t->name, trace_dtype_name(t->dtype), shape,
                   (double)t->nbytes / (1 << 20));
        }
    }
    trace_close(f);
    return CMD_OK;
}

int cmd_gen(int argc, char **argv)
{
    enum {
        O_PRESET = 256,
        O_TOKENS,
        O_IN,
        O_OUT,
        O_LAYERS,
        O_PROJ,
        O_DTYPE,
        O_SEED,
        O_DOF,
        O_OFRAC,
        O_OSCALE,
        O_NOOUT,
        O_WOUT,
        O_TOUT,
        O_JSON,
        O_LIST,
        O_QOUT,
        O_KVOUT,
        O_THREADS,
        O_STEPS,
        O_SILENT,
        O_EVPA,
        O_TSPARS,
        O_SPF
    };
    static const struct option opts[] = {{"preset", required_argument, 0, O_PRESET},
                                         {"tokens", required_argument, 0, O_TOKENS},
                                         {"in", required_argument, 0, O_IN},
                                         {"out", required_argument, 0, O_OUT},
                                         {"layers", required_argument, 0, O_LAYERS},
                                         {"proj", required_argument, 0, O_PROJ},
                                         {"dtype", required_argument, 0, O_DTYPE},
                                         {"seed", required_argument, 0, O_SEED},
                                         {"dof", required_argument, 0, O_DOF},
                                         {"outlier-frac", required_argument, 0, O_OFRAC},
                                         {"outlier-scale", required_argument, 0, O_OSCALE},
                                         {"no-output", no_argument, 0, O_NOOUT},
                                         {"weights-out", required_argument, 0, O_WOUT},
                                         {"trace-out", required_argument, 0, O_TOUT},
                                         {"json", no_argument, 0, O_JSON},
                                         {"list-presets", no_argument, 0, O_LIST},
                                         {"q-out", required_argument, 0, O_QOUT},
                                         {"kv-out", required_argument, 0, O_KVOUT},
                                         {"threads", required_argument, 0, O_THREADS},
                                         {"steps", required_argument, 0, O_STEPS},
                                         {"silent", required_argument, 0, O_SILENT},
                                         {"ev-per-act", required_argument, 0, O_EVPA},
                                         {"target-sparsity", required_argument, 0, O_TSPARS},
                                         {"spikes-per-firing", required_argument, 0, O_SPF},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    /* the preset is applied first, the other options override it */
    const char *preset = "tiny";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--preset") && i + 1 < argc)
            preset = argv[i + 1];
        else if (!strncmp(argv[i], "--preset=", 9))
            preset = argv[i] + 9;
    }
    trace_gen_cfg cfg;
    char *err = NULL;
    int list = 0, json = 0;
    const char *wout = NULL, *tout = NULL;
    long v, steps = 0;
    double d, silent = -1, evpa = -1, tspars = -1, spf = -1;
    optind = 1;
    opterr = 0;
    int c;
    int preset_ok = trace_gen_preset(preset, &cfg, &err) == AX_OK;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            help();
            free(err);
            return CMD_OK;
        case O_PRESET: break;
        case O_TOKENS:
            if (cmd_parse_long("gen", "--tokens", optarg, 1, 1L << 24, &v))
                return CMD_USAGE;
            cfg.tokens = (size_t)v;
            break;
        case O_IN:
            if (cmd_parse_long("gen", "--in", optarg, 1, 1L << 24, &v))
                return CMD_USAGE;
            cfg.hidden = (size_t)v;
            break;
        case O_OUT:
            if (cmd_parse_long("gen", "--out", optarg, 1, 1L << 24, &v))
                return CMD_USAGE;
            cfg.ffn = (size_t)v;
            break;
        case O_LAYERS:
            if (trace_gen_parse_layers(optarg, &cfg))
                return cmd_usage("gen",
                                 "--layers '%s' is not a list like 0,3,5-7 (at most %d layers)",
                                 optarg, TRACE_GEN_MAX_LAYERS);
            break;
        case O_PROJ:
            if (trace_gen_parse_projs(optarg, &cfg.projs))
                return cmd_usage("gen",
                                 "--proj '%s' is not a list of q, k, v, o, up, gate, down, attn, "
                                 "mlp, all",
                                 optarg);
            break;
        case O_DTYPE:
            if (!strcmp(optarg, "f32"))
                cfg.wdtype = TRACE_F32;
            else if (!strcmp(optarg, "bf16"))
                cfg.wdtype = TRACE_BF16;
            else
                return cmd_usage("gen", "--dtype '%s' is not f32 or bf16", optarg);
            break;
        case O_SEED: {
            char *end;
            unsigned long long s = strtoull(optarg, &end, 0);
            if (end == optarg || *end || optarg[0] == '-')
                return cmd_usage("gen", "--seed '%s' is not an unsigned 64-bit integer", optarg);
            cfg.seed = s;
            break;
        }
        case O_DOF:
            if (cmd_parse_double("gen", "--dof", optarg, 2.001, 1e6, &d))
                return CMD_USAGE;
            cfg.dof = d;
            break;
        case O_OFRAC:
            if (cmd_parse_double("gen", "--outlier-frac", optarg, 0, 1, &d))
                return CMD_USAGE;
            cfg.outlier_frac = d;
            break;
        case O_OSCALE:
            if (cmd_parse_double("gen", "--outlier-scale", optarg, 1e-3, 1e6, &d))
                return CMD_USAGE;
            cfg.outlier_scale = d;
            break;
        case O_NOOUT: cfg.with_output = 0; break;
        case O_QOUT:
            if (cmd_parse_long("gen", "--q-out", optarg, 1, 1L << 24, &v))
                return CMD_USAGE;
            cfg.q_out = (size_t)v;
            break;
        case O_KVOUT:
            if (cmd_parse_long("gen", "--kv-out", optarg, 1, 1L << 24, &v))
                return CMD_USAGE;
            cfg.kv_out = (size_t)v;
            break;
        case O_THREADS:
            if (cmd_parse_long("gen", "--threads", optarg, 1, 1024, &v))
                return CMD_USAGE;
            cfg.threads = (int)v;
            break;
        case O_STEPS:
            if (cmd_parse_long("gen", "--steps", optarg, 1, 30, &steps))
                return CMD_USAGE;
            break;
        case O_SILENT:
            if (cmd_parse_double("gen", "--silent", optarg, 0, 1, &silent))
                return CMD_USAGE;
            break;
        case O_EVPA:
            if (cmd_parse_double("gen", "--ev-per-act", optarg, 0, 30, &evpa))
                return CMD_USAGE;
            break;
        case O_TSPARS:
            if (cmd_parse_double("gen", "--target-sparsity", optarg, 0, 1, &tspars))
                return CMD_USAGE;
            break;
        case O_SPF:
            if (cmd_parse_double("gen", "--spikes-per-firing", optarg, 1, 30, &spf))
                return CMD_USAGE;
            break;
        case O_WOUT: wout = optarg; break;
        case O_TOUT: tout = optarg; break;
        case O_JSON: json = 1; break;
        case O_LIST: list = 1; break;
        default:
            free(err);
            return cmd_usage("gen", "unknown option or missing argument '%s'", argv[optind - 1]);
        }
        if (!preset_ok)
            return cmd_usage_err("gen", err);
    }
    if (!preset_ok)
        return cmd_usage_err("gen", err);
    if (list) {
        const char *desc;
        for (size_t i = 0; trace_gen_preset_name(i, &desc); i++)
            printf("%-22s %s; axon run --clamp %s\n", trace_gen_preset_name(i, NULL), desc,
                   trace_gen_preset_clamp(i));
        return CMD_OK;
    }
    int target = steps || silent >= 0 || evpa >= 0 || tspars >= 0 || spf >= 0;
    if (target && trace_gen_target_set(&cfg, (int)steps, silent, evpa, tspars, spf, &err))
        return cmd_usage_err("gen", err);
    if (optind < argc)
        return cmd_usage("gen", "unexpected argument '%s'", argv[optind]);
    if (!wout && !tout)
        return cmd_usage("gen", "nothing to write: give --weights-out and/or --trace-out");
    if ((wout && ax_out_check(wout, &err)) || (tout && ax_out_check(tout, &err)))
        return cmd_fail("gen", err);
    if (wout && tout) {
        char *a = NULL, *b = NULL;
        if (ax_out_canonical(wout, &a, &err) || ax_out_canonical(tout, &b, &err)) {
            free(a);
            return cmd_fail("gen", err);
        }
        int same = !strcmp(a, b);
        free(a);
        free(b);
        if (same)
            return cmd_usage("gen",
                             "--weights-out '%s' and --trace-out '%s' are the same file "
                             "(hint: give two different paths)",
                             wout, tout);
    }
    cfg.progress = gen_progress;
    if (trace_gen_write(&cfg, wout, tout, &err))
        return cmd_fail("gen", err);
    cmd_progress("gen", 1, 1);
    if (wout)
        cmd_wrote("gen", wout);
    if (tout)
        cmd_wrote("gen", tout);
    cJSON *arr = json ? cJSON_CreateArray() : NULL;
    /* the achieved statistic of every input width (the rows are exact to 0.5/in) */
    cJSON *stats = json && target ? cJSON_CreateArray() : NULL;
    size_t widths[3] = {cfg.hidden, cfg.ffn, cfg.q_out ? cfg.q_out : cfg.hidden};
    for (size_t w = 0; target && w < 3; w++) {
        int seen = 0;
        for (size_t u = 0; u < w; u++)
            seen |= widths[u] == widths[w];
        if (seen || (w == 1 && !(cfg.projs & TRACE_GEN_DOWN)) ||
            (w == 2 && !(cfg.projs & TRACE_GEN_O)) ||
            (w == 0 && !(cfg.projs & ~(unsigned)(TRACE_GEN_DOWN | TRACE_GEN_O))))
            continue;
        trace_gen_stat st;
        trace_gen_target_stat(&cfg, widths[w], &st);
        if (stats) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddNumberToObject(o, "in_features", (double)widths[w]);
            cJSON_AddNumberToObject(o, "steps", st.steps);
            cJSON_AddNumberToObject(o, "silent_channel_fraction", st.silent);
            cJSON_AddNumberToObject(o, "ev_per_act", st.ev_per_act);
            cJSON_AddNumberToObject(o, "sparsity", st.sparsity);
            cJSON_AddNumberToObject(o, "spikes_per_firing_channel", st.spikes_per_firing);
            cJSON_AddItemToArray(stats, o);
        } else if (!json) {
            printf("achieved (in %zu): steps %d, silent pairs %.6f, events per activation %.6f, "
                   "sparsity over the steps %.6f, spikes per firing pair %.6f\n",
                   widths[w], st.steps, st.silent, st.ev_per_act, st.sparsity,
                   st.spikes_per_firing);
        }
    }
    if (!json && !target)
        printf("run these layers with --clamp %s (the preset's; cosine >= 0.99 vs the float "
               "output)\n",
               cfg.clamp ? cfg.clamp : "on");
    if (!json)
        printf("%-44s %-5s %-12s %10s\n", "tensor", "dtype", "shape", "size_MiB");
    int rc = CMD_OK;
    if (wout)
        rc = report(wout, json, arr);
    if (tout && rc == CMD_OK)
        rc = report(tout, json, arr);
    if (json) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "weights", wout ? wout : "");
        cJSON_AddStringToObject(root, "trace", tout ? tout : "");
        char seed[32];
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)cfg.seed);
        cJSON_AddStringToObject(root, "seed", seed);
        if (target)
            cJSON_AddItemToObject(root, "target", stats);
        else
            cJSON_AddStringToObject(root, "run_clamp", cfg.clamp ? cfg.clamp : "on");
        cJSON_AddItemToObject(root, "tensors", arr);
        char *s = ax_json_print(root, 1);
        if (s)
            puts(s);
        free(s);
        cJSON_Delete(root);
    }
    return rc;
}
