/*
 * axon ref — the integer reference of a layer (docs/design.md §2 "Result"), on the
 * CPU or on a CUDA GPU: weights -> INT8 (mapper), `<layer>.input` -> spike
 * counts with the adaptive threshold (spike), acc = Σ s·q per weight group
 * (gpu_ref_cpu / gpu_ref_cuda, identical bit for bit), y = vth · Σ scale·acc
 * (gpu_dequant). Writes, per layer, `<layer>.acc` int32 [tokens, out] (or
 * [tokens, out, groups]), `<layer>.y` f32 [tokens, out] and `<layer>.vth`
 * f32 [tokens] into one safetensors file that `axon compare` and
 * `axon run --ref` read. A trace whose input is already integer holds
 * counts: they are used as they are, with vth from `<layer>.vth` or 1.
 * The --out path and every layer's shapes (from the headers) are checked
 * before any weight is quantized; progress per layer goes to stderr.
 */
#include "cmd.h"

#include "../run/run.h"

#include "../gpu/gpu.h"
#include "../mapper/map.h"
#include "../spike/spike.h"
#include "../traces/trace.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *CMD = "ref";

#define REF_PARAMS "layer k clamp group_size"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: axon ref --weights W.safetensors --trace T.safetensors --out R.safetensors\n"
            "                [--layer NAME] [--group G] [--k K] [--clamp on|off|MIN:MAX] [--device "
            "cpu|cuda]\n"
            "                [--threads N] [--json]\n\n"
            "Integer reference of a layer: acc = sum(counts * int8 weights) per weight group "
            "(exact\n"
            "int32), y = vth * sum_g scale * acc. Writes <layer>.acc (int32 [tokens, out] or\n"
            "[tokens, out, groups]), <layer>.y (f32 [tokens, out]) and <layer>.vth (f32 "
            "[tokens]).\n\n"
            "  --weights FILE   weights: <layer>.weight (float, or int8 + <layer>.weight_scale)\n"
            "  --trace FILE     activations: <layer>.input [tokens, in] (float, or integer "
            "counts)\n"
            "  --device D       cpu (default) or cuda (needs the CUDA build, `make gpu`: "
            "axon-cuda)\n"
            "  --threads N      CPU threads of the reference (default: all cores; acc is the same\n"
            "                   for every N)\n"
            "  --out FILE       result safetensors (written atomically)\n"
            "  --json           print the per-layer summary as JSON\n"
            "parameters (docs/params.md; --no-clamp = --clamp off):\n");
    if (f == stdout)
        cmd_param_help_only(REF_PARAMS);
}

typedef struct {
    char *layer;
    size_t tokens, in, out, ngroups;
    int32_t *counts, *acc;
    float *vth, *y;
    int32_t acc_absmax;
    double ms; /* accumulate time: wall (cpu) or kernel (cuda), ms */
    int wide;
    int unit_scale;    /* int8 weight without a scale: 1 assumed */
    gpu_ref_path path; /* cpu: the accumulation path taken */
} layer_res;

static void layer_res_free(layer_res *r)
{
    free(r->layer), free(r->counts), free(r->acc), free(r->vth), free(r->y);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

/* Counts and vth of `<layer>.input` (float: spike_counts, converted and
 * counted 64 tokens at a time, never a float copy of the whole input;
 * integer: as they are). The shape was checked by ref_layer. */
static ax_result load_counts(const trace_file *tf, const trace_tensor *t, const char *layer,
                             size_t in, const spike_params *sp, layer_res *r, char **err)
{
    size_t n = trace_numel(t);
    r->tokens = in ? n / in : 0;
    r->counts = malloc(n * sizeof(int32_t) + 1);
    r->vth = malloc(r->tokens * sizeof(float) + 1);
    if (!r->counts || !r->vth)
        return ax_fail(err, AX_ENOMEM, "out of memory for the counts of '%s'", t->name);
    ax_result e;
    if (trace_dtype_is_int(t->dtype)) {
        if ((e = trace_to_i32(t, r->counts, err)))
            return e;
        char vname[1100];
        snprintf(vname, sizeof vname, "%s.vth", layer);
        const trace_tensor *v = trace_find(tf, vname);
        if (v && trace_numel(v) == r->tokens)
            return trace_to_f32(v, r->vth, err);
        for (size_t k = 0; k < r->tokens; k++)
            r->vth[k] = 1.0f;
        return AX_OK;
    }
    size_t blk = r->tokens < 64 ? r->tokens : 64;
    float *x = malloc(blk * in * sizeof(float) + 1);
    if (!x)
        return ax_fail(err, AX_ENOMEM, "out of memory converting '%s'", t->name);
    e = AX_OK;
    for (size_t t0 = 0; t0 < r->tokens && !e; t0 += blk) {
        size_t nt = r->tokens - t0 < blk ? r->tokens - t0 : blk;
        e = trace_to_f32_range(t, t0 * in, nt * in, x, err);
        if (!e)
            e = spike_counts_at(x, t0, nt, in, sp, r->counts + t0 * in, r->vth + t0, err);
    }
    if (e)
        ax_err_prefix(err, "%s: '%s'", trace_path(tf), t->name);
    free(x);
    return e;
}

/* The layer's shapes from the headers alone: `<layer>.input` [.., in] against
 * `<layer>.weight` [out, in], so a mismatch is reported before quantizing. */
static ax_result check_shapes(const trace_file *wf, const trace_file *tf, const char *layer,
                              char **err)
{
    char wn[1100], xn[1100];
    snprintf(wn, sizeof wn, "%s.weight", layer);
    snprintf(xn, sizeof xn, "%s.input", layer);
    const trace_tensor *w = trace_find(wf, wn), *x = trace_find(tf, xn);
    if (!w)
        return ax_fail(err, AX_ENOTFOUND,
                       "%s: no tensor '%s' (hint: `axon map --weights %s --list` "
                       "shows the layers)",
                       trace_path(wf), wn, trace_path(wf));
    if (!x)
        return ax_fail(err, AX_ENOTFOUND,
                       "%s: no tensor '%s' (hint: the trace holds <layer>.input)", trace_path(tf),
                       xn);
    if (w->ndim == 2 && x->ndim >= 1 && x->shape[x->ndim - 1] != w->shape[1])
        return ax_fail(err, AX_ESHAPE,
                       "%s: '%s' has %lld features but %s in %s is [%lld, %lld] "
                       "(in = %lld) (hint: the weight is [out, in]; check --layer and the files)",
                       trace_path(tf), xn, (long long)x->shape[x->ndim - 1], wn, trace_path(wf),
                       (long long)w->shape[0], (long long)w->shape[1], (long long)w->shape[1]);
    if (trace_numel(x) == 0)
        return ax_fail(err, AX_ESHAPE,
                       "%s: '%s' is empty (0 tokens) (hint: record at least one "
                       "token)",
                       trace_path(tf), xn);
    return AX_OK;
}

static ax_result ref_layer(const trace_file *wf, const trace_file *tf, const char *layer,
                           size_t group, const spike_params *sp, int cuda, int threads,
                           layer_res *r, char **err)
{
    /* shapes from the headers first: a mismatch is reported before any load */
    char name[1100], wn[1100];
    snprintf(name, sizeof name, "%s.input", layer);
    snprintf(wn, sizeof wn, "%s.weight", layer);
    const trace_tensor *t = trace_find(tf, name), *tw = trace_find(wf, wn);
    if (tw && !t)
        return ax_fail(err, AX_ENOTFOUND,
                       "%s: no tensor '%s' (hint: the trace holds <layer>.input)", trace_path(tf),
                       name);
    if (tw && tw->ndim == 2) {
        size_t in = (size_t)tw->shape[1];
        if (t->ndim < 2 || (size_t)t->shape[t->ndim - 1] != in)
            return ax_fail(err, AX_ESHAPE,
                           "%s: '%s' must be [tokens, %zu] (or [..., %zu]) to match the weight's "
                           "in_features",
                           trace_path(tf), name, in, in);
    }
    map_qweight qw;
    ax_result e = map_qweight_load(wf, layer, group, &qw, err); /* names a missing weight */
    if (e)
        return e;
    r->unit_scale = qw.unit_scale;
    r->in = qw.in, r->out = qw.out, r->ngroups = qw.ngroups;
    if (!t) {
        e = ax_fail(err, AX_ENOTFOUND, "%s: no tensor '%s' (hint: the trace holds <layer>.input)",
                    trace_path(tf), name);
        goto out;
    }
    if (t->ndim < 2 || (size_t)t->shape[t->ndim - 1] != qw.in) {
        e = ax_fail(err, AX_ESHAPE,
                    "%s: '%s' must be [tokens, %zu] (or [..., %zu]) to match the weight's "
                    "in_features",
                    trace_path(tf), name, qw.in, qw.in);
        goto out;
    }
    if ((e = load_counts(tf, t, layer, qw.in, sp, r, err)))
        goto out;
    size_t na = r->tokens * qw.out * qw.ngroups;
    r->acc = malloc(na * sizeof(int32_t) + 1);
    r->y = malloc(r->tokens * qw.out * sizeof(float) + 1);
    if (!r->acc || !r->y) {
        e = ax_fail(err, AX_ENOMEM, "out of memory for the result of '%s'", layer);
        goto out;
    }
    if (cuda) {
        gpu_cuda_stats st;
        e = gpu_ref_cuda_ex(r->counts, r->vth, r->tokens, &qw, r->acc, r->y, 0, 1, &st, err);
        r->ms = st.acc_ms;
        r->wide = st.wide;
    } else {
        gpu_ref_opts o;
        gpu_ref_opts_default(&o);
        o.threads = threads;
        double t0 = now_ms();
        e = gpu_ref_cpu_ex(r->counts, r->tokens, &qw, r->acc, &o, &r->path, err);
        r->ms = now_ms() - t0;
        if (!e)
            gpu_dequant(r->acc, r->vth, r->tokens, &qw, r->y);
    }
    if (e) {
        ax_err_prefix(err, "layer '%s'", layer);
        goto out;
    }
    for (size_t k = 0; k < na; k++) {
        int32_t v = r->acc[k] == INT32_MIN ? INT32_MAX : abs(r->acc[k]);
        if (v > r->acc_absmax)
            r->acc_absmax = v;
    }
out:
    map_qweight_free(&qw);
    return e;
}

/* Layers named by `<layer>.input` in the trace that have `<layer>.weight`. */
static ax_result list_layers(const trace_file *wf, const trace_file *tf, char ***names, size_t *n,
                             char **err)
{
    *names = NULL;
    *n = 0;
    size_t cnt = trace_count(tf);
    char **v = calloc(cnt + 1, sizeof *v);
    if (!v)
        return ax_fail(err, AX_ENOMEM, "out of memory listing layers");
    for (size_t i = 0; i < cnt; i++) {
        const char *nm = trace_at(tf, i)->name;
        size_t l = strlen(nm);
        if (l <= 6 || strcmp(nm + l - 6, ".input"))
            continue;
        char w[1100];
        snprintf(w, sizeof w, "%.*s.weight", (int)(l - 6), nm);
        if (!trace_find(wf, w))
            continue;
        v[*n] = strndup(nm, l - 6);
        if (!v[*n]) {
            for (size_t k = 0; k < *n; k++)
                free(v[k]);
            free(v);
            return ax_fail(err, AX_ENOMEM, "out of memory listing layers");
        }
        (*n)++;
    }
    if (!*n) {
        free(v);
        return ax_fail(err, AX_ENOTFOUND,
                       "no layer has both <layer>.input in %s and <layer>.weight in %s "
                       "(hint: name one with --layer)",
                       trace_path(tf), trace_path(wf));
    }
    *names = v;
    return AX_OK;
}

static ax_result save(layer_res *res, size_t n, const char *path, const char *device,
                      const spike_params *sp, size_t group, char **err)
{
    trace_writer *w = NULL;
    ax_result e = trace_writer_new(&w, err);
    char buf[64];
    for (size_t i = 0; !e && i < n; i++) {
        layer_res *r = &res[i];
        char nm[1100];
        int64_t sh[3] = {(int64_t)r->tokens, (int64_t)r->out, (int64_t)r->ngroups};
        snprintf(nm, sizeof nm, "%s.acc", r->layer);
        e = trace_writer_add(w, nm, TRACE_I32, r->ngroups > 1 ? 3 : 2, sh, r->acc, err);
        snprintf(nm, sizeof nm, "%s.y", r->layer);
        if (!e)
            e = trace_writer_add(w, nm, TRACE_F32, 2, sh, r->y, err);
        snprintf(nm, sizeof nm, "%s.vth", r->layer);
        if (!e)
            e = trace_writer_add(w, nm, TRACE_F32, 1, sh, r->vth, err);
    }
    if (!e)
        e = trace_writer_meta(w, "axon_version", AX_VERSION, err);
    if (!e)
        e = trace_writer_meta(w, "producer", "axon ref", err);
    if (!e)
        e = trace_writer_meta(w, "device", device, err);
    snprintf(buf, sizeof buf, "%.9g", (double)sp->k);
    if (!e)
        e = trace_writer_meta(w, "k", buf, err);
    if (!e)
        e = trace_writer_meta(w, "clamp", sp->clamp ? "[-127,127]" : "none", err);
    snprintf(buf, sizeof buf, "%zu", group);
    if (!e)
        e = trace_writer_meta(w, "group", buf, err);
    if (!e)
        e = trace_writer_save(w, path, err);
    trace_writer_free(w);
    return e;
}

static void report(const layer_res *res, size_t n, const char *device, const char *out, int json,
                   int threads)
{
    int cuda = !strcmp(device, "cuda");
    if (json) {
        cJSON *o = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(o, "layers");
        cJSON_AddStringToObject(o, "device", device);
        cJSON_AddStringToObject(o, "out", out);
        if (!cuda)
            cJSON_AddNumberToObject(o, "threads", threads);
        for (size_t i = 0; i < n; i++) {
            cJSON *l = cJSON_CreateObject();
            cJSON_AddStringToObject(l, "layer", res[i].layer);
            cJSON_AddNumberToObject(l, "tokens", (double)res[i].tokens);
            cJSON_AddNumberToObject(l, "in_features", (double)res[i].in);
            cJSON_AddNumberToObject(l, "out_features", (double)res[i].out);
            cJSON_AddNumberToObject(l, "groups", (double)res[i].ngroups);
            cJSON_AddNumberToObject(l, "acc_absmax", res[i].acc_absmax);
            cJSON_AddNumberToObject(l, "acc_time_ms", res[i].ms);
            if (cuda)
                cJSON_AddStringToObject(l, "kernel", res[i].wide ? "wide" : "dp4a");
            else
                cJSON_AddStringToObject(l, "acc_path", gpu_ref_path_name(res[i].path));
            cJSON_AddItemToArray(a, l);
        }
        cmd_print_json(o);
        return;
    }
    printf("%-44s %8s %8s %8s %7s %12s %12s\n", "layer", "tokens", "in", "out", "groups",
           "acc_absmax", "acc_time_ms");
    for (size_t i = 0; i < n; i++)
        printf("%-44s %8zu %8zu %8zu %7zu %12d %12.3f\n", res[i].layer, res[i].tokens, res[i].in,
               res[i].out, res[i].ngroups, res[i].acc_absmax, res[i].ms);
    if (cuda)
        printf("device cuda (acc_time_ms: kernel time); wrote %s\n", out);
    else
        printf("device cpu (acc_time_ms: wall time; %s, %d threads); wrote %s\n",
               n ? gpu_ref_path_name(res[0].path) : "-", threads, out);
}

int cmd_ref(int argc, char **argv)
{
    static const struct option own[] = {{"weights", required_argument, 0, 'w'},
                                        {"trace", required_argument, 0, 't'},
                                        {"device", required_argument, 0, 'd'},
                                        {"out", required_argument, 0, 'o'},
                                        {"json", no_argument, 0, 'j'},
                                        {"help", no_argument, 0, 'h'},
                                        {"threads", required_argument, 0, 'T'},
                                        {0, 0, 0, 0}};
    const char *weights = NULL, *trace = NULL, *out = NULL, *device = "cpu";
    int json = 0, c, prc = -1;
    long threads = 0;
    run_job pj;
    run_job_default(&pj);
    struct option *opts = cmd_param_options_only(own, REF_PARAMS, 0);
    if (!opts)
        return cmd_fail(CMD, strdup("out of memory"));
    optind = 1;
    opterr = 0;
    while (prc < 0 && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int pr = cmd_param_opt(CMD, c, optarg, &pj);
        if (pr != 1) {
            prc = pr ? pr : -1;
            continue;
        }
        switch (c) {
        case 'w': weights = optarg; break;
        case 't': trace = optarg; break;
        case 'o': out = optarg; break;
        case 'j': json = 1; break;
        case 'T':
            if (cmd_parse_long(CMD, "--threads", optarg, 1, 1024, &threads))
                prc = CMD_USAGE;
            break;
        case 'd':
            if (strcmp(optarg, "cpu") && strcmp(optarg, "cuda"))
                prc = cmd_usage(CMD, "--device '%s' is not cpu or cuda", optarg);
            device = optarg;
            break;
        case 'h':
            usage(stdout);
            prc = CMD_OK;
            break;
        default: prc = cmd_usage(CMD, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    cmd_param_options_free(opts);
    if (prc >= 0)
        return prc;
    const char *layer = pj.layer;
    long group = (long)pj.group;
    spike_params sp = pj.sp;
    if (optind < argc)
        return cmd_usage(CMD, "unexpected argument '%s'", argv[optind]);
    if (!weights || !trace || !out)
        return cmd_usage(CMD, "--weights, --trace and --out are required");
    int cuda = !strcmp(device, "cuda");
    if (cuda && !gpu_cuda_built())
        return cmd_fail(CMD,
                        strdup("--device cuda: this axon was built without CUDA (hint: `make gpu` "
                               "builds build/axon-cuda where nvcc is installed)"));
    char *err = NULL;
    if (ax_out_check(out, &err)) /* before any work */
        return cmd_fail(CMD, err);
    trace_file *wf = NULL, *tf = NULL;
    char **names = NULL;
    size_t n = 0;
    layer_res *res = NULL;
    int rc = CMD_FAIL;
    if (trace_open(weights, &wf, &err) || trace_open(trace, &tf, &err))
        goto done;
    if (layer) {
        names = calloc(1, sizeof *names);
        if (!names || !(names[0] = strdup(layer))) {
            ax_fail(&err, AX_ENOMEM, "out of memory");
            goto done;
        }
        n = 1;
    } else if (list_layers(wf, tf, &names, &n, &err)) {
        goto done;
    }
    res = calloc(n, sizeof *res);
    if (!res) {
        ax_fail(&err, AX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (check_shapes(wf, tf, names[i], &err))
            goto done;
    for (size_t i = 0; i < n; i++) {
        res[i].layer = names[i];
        names[i] = NULL;
        cmd_progress_label("ref", res[i].layer, i, n);
        if (ref_layer(wf, tf, res[i].layer, (size_t)group, &sp, cuda, (int)threads, &res[i], &err))
            goto done;
        if (res[i].unit_scale) {
            cmd_progress_clear();
            fprintf(stderr,
                    "axon ref: note: %s.weight is int8 without %s.weight_scale: a unit "
                    "scale is assumed, so acc is exact and y is in units of the int8 weights "
                    "(hint: store <layer>.weight_scale f32 [out] for real y)\n",
                    res[i].layer, res[i].layer);
        }
    }
    cmd_progress("ref", n, n);
    if (save(res, n, out, device, &sp, (size_t)group, &err))
        goto done;
    cmd_wrote(CMD, out);
    report(res, n, device, out, json, ax_threads((int)threads));
    rc = CMD_OK;
done:
    for (size_t i = 0; i < n; i++) {
        if (names)
            free(names[i]);
        if (res)
            layer_res_free(&res[i]);
    }
    free(names);
    free(res);
    trace_close(wf);
    trace_close(tf);
    return rc == CMD_OK ? rc : cmd_fail(CMD, err);
}
