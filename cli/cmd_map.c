/*
 * axon map — weights onto core tiles (docs/design.md §3): choose the tile, place
 * every selected layer on the mesh (row-blocks adjacent for short multicast,
 * column-blocks stacked for short reduction), quantize layer by layer from
 * the mapped checkpoint, and report per layer (and per tile with --tiles)
 * sparsity, SRAM bytes and utilization, cores and hop counts; with a trace
 * the activation side and DRAM bursts per token; optionally write the core
 * image. Shapes come from the checkpoint header, so the fit check happens
 * before any weight is read. Output formatting is in cmd_map_out.c.
 */
#include "cmd.h"
#include "cmd_map_int.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define MAP_PARAMS "mesh group_size dram dram_burst_bytes coding steps k clamp tech node_nm"

static void help(void)
{
    printf("usage: axon map --weights W.safetensors [options]\n\n"
           "Maps linear layers (<name>.weight [out, in], f32/f16/bf16, or int8 with\n"
           "<name>.weight_scale) onto R x C core tiles of a W x H mesh and reports them.\n\n"
           "  --weights FILE...    safetensors (or NPY) checkpoint, read through mmap; more\n"
           "                       files (a sharded checkpoint) may follow, or repeat --weights\n"
           "  --layers GLOB        layers to map (fnmatch, repeatable; default all)\n"
           "  --list               list the layers of the checkpoint and exit\n"
           "  --tile RxC|auto      core tile, R axons x C neurons (default 128x128);\n"
           "                       auto: 64..512 x 64..512, fewest cores, then least waste\n"
           "  --cores N            core budget (default: the mesh)\n"
           "  --trace T            trace with <layer>.input: activation statistics\n"
           "  --reorder-by T       same, and reorder input channels by activity\n"
           "  --compress zero-run|bitmap  compressed weight-row sizes (index counted)\n"
           "  --image OUT.axi      write the core image (docs/core-image.md)\n"
           "  --tiles              also report every tile\n"
           "  --read-image FILE    validate a core image and list its layers (no --weights)\n"
           "  --core N             with --read-image: print core N's rows ($readmemh hex)\n"
           "  --threads N          threads of the quantization and the image's checks (default:\n"
           "                       every online processor; the image's bytes do not depend on it)\n"
           "  --json | --csv       machine-readable output\n"
           "  -h, --help           this help\n"
           "parameters (docs/params.md; --mesh 0x0: from --cores, else the smallest square\n"
           "mesh that holds every layer; --dram streams weights when the model does not fit):\n");
    cmd_param_help_only(MAP_PARAMS);
}

int cmd_map(int argc, char **argv)
{
    static const struct option own[] = {{"weights", required_argument, 0, 'w'},
                                        {"layers", required_argument, 0, 'l'},
                                        {"list", no_argument, 0, 'L'},
                                        {"tile", required_argument, 0, 't'},
                                        {"cores", required_argument, 0, 'n'},
                                        {"trace", required_argument, 0, 'T'},
                                        {"reorder-by", required_argument, 0, 'r'},
                                        {"compress", required_argument, 0, 'z'},
                                        {"image", required_argument, 0, 'i'},
                                        {"tiles", no_argument, 0, 'E'},
                                        {"json", no_argument, 0, 'j'},
                                        {"csv", no_argument, 0, 'v'},
                                        {"help", no_argument, 0, 'h'},
                                        {"read-image", required_argument, 0, 'R'},
                                        {"core", required_argument, 0, 'K'},
                                        {"threads", required_argument, 0, 'P'},
                                        {0, 0, 0, 0}};
    cmd_map_run cfg = {.tile_auto = 0, .R = 128, .C = 128};
    map_opts_default(&cfg.o);
    char *globs[64];
    const char *files[256];
    int nglobs = 0, list = 0, nfiles = 0;
    const char *read_image = NULL;
    long core = -1;
    long v;
    char *err = NULL;
    run_job pj;
    run_job_default(&pj);
    struct option *opts = cmd_param_options_only(own, MAP_PARAMS, 0);
    if (!opts)
        return cmd_fail("map", strdup("out of memory"));
    optind = 1;
    opterr = 0;
    int prc = -1;
    for (int ch; prc < 0 && (ch = getopt_long(argc, argv, "h", opts, NULL)) != -1;) {
        int pr = cmd_param_opt("map", ch, optarg, &pj);
        if (pr != 1) {
            prc = pr ? pr : -1;
            continue;
        }
        switch (ch) {
        case 'w':
            if (nfiles == 256)
                return cmd_usage("map", "at most 256 checkpoint files");
            files[nfiles++] = optarg;
            break;
        case 'l':
            if (nglobs == 64)
                return cmd_usage("map", "at most 64 --layers");
            globs[nglobs++] = optarg;
            break;
        case 'L': list = 1; break;
        case 't':
            if (!strcmp(optarg, "auto"))
                cfg.tile_auto = 1;
            else if (run_param_set_name(&pj, "tile", optarg, &err))
                prc = cmd_usage_err("map", err);
            break;
        case 'n':
            if (cmd_parse_long("map", "--cores", optarg, 1, 1L << 30, &v))
                return CMD_USAGE;
            cfg.cores = (size_t)v;
            break;
        case 'r': cfg.o.reorder = 1; /* fall through */
        case 'T': cfg.trace = optarg; break;
        case 'z':
            if (map_compress_parse(optarg, &cfg.o.compress, &err))
                return cmd_usage_err("map", err);
            break;
        case 'i': cfg.image = optarg; break;
        case 'E': cfg.tiles = 1; break;
        case 'R': read_image = optarg; break;
        case 'K':
            if (cmd_parse_long("map", "--core", optarg, 0, 1L << 40, &core))
                return CMD_USAGE;
            break;
        case 'P':
            if (cmd_parse_long("map", "--threads", optarg, 1, 1024, &v))
                return CMD_USAGE;
            cfg.o.threads = (int)v;
            break;
        case 'j':
        case 'v':
            if (cfg.fmt && cfg.fmt != (ch == 'j' ? CMD_MAP_JSON : CMD_MAP_CSV))
                prc = cmd_usage("map", "--json and --csv exclude each other (hint: give one)");
            cfg.fmt = ch == 'j' ? CMD_MAP_JSON : CMD_MAP_CSV;
            break;
        case 'h':
            help();
            prc = CMD_OK;
            break;
        default: prc = cmd_usage("map", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    cmd_param_options_free(opts);
    if (prc >= 0)
        return prc;
    cfg.R = pj.cfg.rows;
    cfg.C = pj.cfg.cols;
    cfg.W = pj.cfg.mesh_w;
    cfg.H = pj.cfg.mesh_h;
    cfg.o.group = pj.group;
    cfg.dram = pj.cfg.dram;
    cfg.o.burst = (size_t)pj.cfg.dram_burst_bytes;
    cfg.o.coding = pj.coding;
    cfg.o.steps = pj.steps;
    cfg.o.sp = pj.sp;
    cfg.tech = pj.tech;
    cfg.node_nm = pj.node_nm;
    for (; optind < argc; optind++) { /* more shards: --weights model-*.safetensors */
        if (!nfiles)
            return cmd_usage("map", "unexpected argument '%s'", argv[optind]);
        if (nfiles == 256)
            return cmd_usage("map", "at most 256 checkpoint files");
        files[nfiles++] = argv[optind];
    }
    cfg.weights = nfiles ? files[0] : NULL;
    if (read_image)
        return cmd_map_read_image(read_image, core, cfg.fmt, cfg.o.threads);
    if (core >= 0)
        return cmd_usage("map", "--core needs --read-image");
    if (!cfg.weights)
        return cmd_usage("map", "--weights is required");
    if (cfg.image && !list && ax_out_check(cfg.image, &err))
        return cmd_fail("map", err); /* before any weight is read */

    run_map_sel sel = {0};
    ax_result r = AX_OK;
    for (int i = 0; i < nfiles && !r; i++)
        r = run_map_sel_list(files[i], cfg.o.group, &sel, globs, nglobs, &err);
    if (!r && sel.n == 0 && sel.skipped_ndim)
        r = ax_fail(&err, AX_ESHAPE,
                    "%s: no layer matches%s%s: %s is not a layer's weight [out, "
                    "in] (hint: a layer is a 2-D <name>.weight)",
                    cfg.weights, nglobs ? " --layers " : "", nglobs ? globs[0] : "",
                    sel.skipped_name);
    else if (!r && sel.n == 0)
        r = ax_fail(&err, AX_ENOTFOUND,
                    "%s: no layer matches%s%s (hint: `axon map --weights %s --list`)", cfg.weights,
                    nglobs ? " --layers " : "", nglobs ? globs[0] : "", cfg.weights);
    if (r) {
        run_map_sel_free(&sel);
        return cmd_fail("map", err);
    }
    if (list) {
        cmd_map_out_list(&cfg, &sel);
        run_map_sel_free(&sel);
        return CMD_OK;
    }
    if (cfg.W == 0 && cfg.cores) { /* mesh from the budget: near square */
        cfg.W = (int)ceil(sqrt((double)cfg.cores));
        cfg.H = (int)((cfg.cores + (size_t)cfg.W - 1) / (size_t)cfg.W);
    }
    size_t budget = cfg.cores ? cfg.cores : (size_t)cfg.W * (size_t)cfg.H;
    if (cfg.tile_auto) {
        size_t *o = malloc(sel.n * sizeof *o), *in = malloc(sel.n * sizeof *in);
        size_t *g = malloc(sel.n * sizeof *g);
        for (size_t i = 0; o && in && g && i < sel.n; i++) {
            o[i] = sel.l[i].out;
            in[i] = sel.l[i].in;
            g[i] = sel.l[i].group;
        }
        r = o && in && g ? map_tile_auto(o, in, g, sel.n, budget, cfg.dram, &cfg.R, &cfg.C, &err)
                         : ax_fail(&err, AX_ENOMEM, "out of memory");
        free(o);
        free(in);
        free(g);
    }
    size_t total = 0;
    for (size_t i = 0; i < sel.n && !r; i++) {
        r = map_tiling_make_group(sel.l[i].out, sel.l[i].in, sel.l[i].group, cfg.R, cfg.C,
                                  &sel.l[i].t, &err);
        total += sel.l[i].t.cores;
    }
    if (!r && cfg.W == 0) { /* smallest square mesh that holds every layer */
        int s = (int)ceil(sqrt((double)total));
        for (;; s++) {
            r = run_map_sel_place(&sel, s, s, 0, NULL);
            if (!r || s >= 65535)
                break;
        }
        cfg.W = cfg.H = s;
    }
    if (!r)
        r = run_map_sel_place(&sel, cfg.W, cfg.H, cfg.dram, &err);
    if (!r && !cfg.dram && cfg.cores && sel.cores_used > cfg.cores)
        r = ax_fail(&err, AX_ERANGE,
                    "the model needs %zu cores, the budget --cores is %zu "
                    "(hint: --dram streams weights from DRAM; or a larger --tile)",
                    sel.cores_used, cfg.cores);
    if (r) {
        run_map_sel_free(&sel);
        return cmd_fail("map", err);
    }

    if ((r = run_map_sel_price(cfg.tech, cfg.node_nm, cfg.R, cfg.C, &sel.price, &err))) {
        run_map_sel_free(&sel);
        return cmd_fail("map", err);
    }
    trace_file *tr = NULL;
    map_image_writer *img = NULL;
    if (cfg.trace)
        r = trace_open(cfg.trace, &tr, &err);
    for (size_t i = 0; tr && i < sel.n && !r;
         i++) { /* shapes from the headers, before quantizing */
        char xn[1100];
        snprintf(xn, sizeof xn, "%s.input", sel.l[i].name);
        const trace_tensor *x = trace_find(tr, xn);
        if (x && x->ndim >= 1 && (size_t)x->shape[x->ndim - 1] != sel.l[i].in)
            r = ax_fail(&err, AX_ESHAPE,
                        "%s: '%s' has %lld features but %s.weight is [%zu, %zu] "
                        "(in = %zu) (hint: the weight is [out, in]; check the trace and the "
                        "checkpoint)",
                        cfg.trace, xn, (long long)x->shape[x->ndim - 1], sel.l[i].name,
                        sel.l[i].out, sel.l[i].in, sel.l[i].in);
    }
    if (!r && cfg.image)
        r = map_image_writer_new(cfg.image, cfg.R, cfg.C, cfg.W, cfg.H, &img, &err);
    for (size_t i = 0; i < sel.n && !r; i++) {
        run_map_layer *L = &sel.l[i];
        cmd_progress("map", i, sel.n);
        r = map_layer_run(L->file, L->name, &L->t, &L->lp, &cfg.o, tr, img, &L->st,
                          cfg.tiles ? &L->tiles : NULL, &err);
    }
    cmd_progress("map", sel.n, sel.n);
    if (img) {
        if (r)
            map_image_writer_abort(img);
        else
            r = map_image_writer_close(img, &err);
    }
    trace_close(tr);
    if (r) {
        run_map_sel_free(&sel);
        return cmd_fail("map", err);
    }
    for (size_t i = 0; i < sel.n; i++)
        if (sel.l[i].st.unit_scale)
            fprintf(stderr,
                    "axon map: note: %s.weight is int8 without %s.weight_scale: a unit "
                    "scale is assumed (hint: store <layer>.weight_scale f32 [out])\n",
                    sel.l[i].name, sel.l[i].name);
    if (cfg.image)
        cmd_wrote("map", cfg.image);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    sel.peak_rss_kib = (uint64_t)ru.ru_maxrss; /* Linux: KiB */
    cmd_map_out_report(&cfg, &sel);
    run_map_sel_free(&sel);
    return CMD_OK;
}
