/*
 * axon encode — activations to spike counts and trains (docs/design.md §2), with
 * the spike statistics a hardware designer sizes a core by: firing rate,
 * sparsity, silent and dead channels, spikes per firing channel and the
 * |count| histogram (SpikingBrain publishes the same figures for its 7B
 * model: 69.15 % sparsity, 18.4 % silent channels, 1.13 spikes per firing
 * channel, 94.1 % of |counts| in [0, 7]).
 *
 * Input: one tensor (FILE.npy or FILE.safetensors:NAME). Float tensors go
 * through the adaptive threshold; integer tensors are taken as counts as
 * they are (no threshold, no clamp). 1-D is one token, 2-D is
 * [tokens, channels], 3-D [batch, seq, channels] flattens to batch·seq
 * tokens. Outputs: --counts-out int32 [tokens, channels], --trains-out int8
 * [T, tokens, channels] (per-token T: each token's own train from step 0,
 * zero-padded to the largest T; --steps-out tells each token's T).
 */
#include "cmd.h"
#include "cmd_encode.h"

#include "../run/run.h"

#include "../spike/spike.h"
#include "../traces/trace.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *NAME = "encode";
#define ENCODE_PARAMS "coding k steps clamp"

static void help(void)
{
    printf("usage: axon encode --input X.npy|F.safetensors:NAME [options]\n\n"
           "Turns activations into integer spike counts (adaptive threshold, per token:\n"
           "vth = clamp(mean|x|/k, 1e-5, 1e4) in float32, s = round-half-even(x/vth),\n"
           "clamped), expands them into spike trains and prints spike statistics.\n"
           "Integer inputs are taken as counts. 1-D = one token, 3-D [batch, seq, d]\n"
           "flattens to tokens.\n\n"
           "options:\n"
           "  --input REF        tensor to encode (NPY file, or safetensors FILE:NAME)\n"
           "  --counts-out S.npy write counts, int32 [tokens, channels]\n"
           "  --trains-out E.npy write trains, int8 [T, tokens, channels] in {-1,0,1}\n"
           "                     (per-token T: token n uses steps 0..T_n-1, zeros after)\n"
           "  --steps-out N.npy  write each token's T, int32 [tokens]\n"
           "  --json | --csv     machine-readable statistics on stdout\n"
           "  -h, --help         this help\n"
           "spike parameters (docs/params.md; a fixed T that a count does not fit is an error;\n"
           "--no-clamp keeps unclamped counts as SpikingBrain-1.0 does):\n");
    cmd_param_help_only(ENCODE_PARAMS);
}


/* 0 ok, else the exit code. */
static int parse(int argc, char **argv, cmd_encode_opts *o)
{
    enum { O_COUNTS = 256, O_TRAINS, O_STEPSOUT, O_JSON, O_CSV };
    static const struct option own[] = {{"input", required_argument, 0, 'i'},
                                        {"counts-out", required_argument, 0, O_COUNTS},
                                        {"trains-out", required_argument, 0, O_TRAINS},
                                        {"steps-out", required_argument, 0, O_STEPSOUT},
                                        {"json", no_argument, 0, O_JSON},
                                        {"csv", no_argument, 0, O_CSV},
                                        {"help", no_argument, 0, 'h'},
                                        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    run_job j;
    run_job_default(&j);
    int noclamp = 0, c, rc = -1;
    struct option *lo = cmd_param_options_only(own, ENCODE_PARAMS, 0);
    if (!lo)
        return cmd_fail(NAME, strdup("out of memory"));
    optind = 1;
    opterr = 0;
    while (rc < 0 && (c = getopt_long(argc, argv, ":i:h", lo, NULL)) != -1) {
        const char *pv;
        const run_param *p = cmd_param_of(c, &pv, optarg);
        if (p && !strcmp(p->key, "k"))
            o->k_set = 1;
        if (p && !strcmp(p->key, "clamp")) {
            if (!strcmp(pv, "off"))
                noclamp = 1;
            else
                o->clamp_set = 1;
        }
        int pr = cmd_param_opt(NAME, c, optarg, &j);
        if (pr != 1) {
            rc = pr ? pr : -1;
            continue;
        }
        switch (c) {
        case 'i': o->input = optarg; break;
        case 'h':
            help();
            rc = -2;
            break;
        case O_COUNTS: o->counts_out = optarg; break;
        case O_TRAINS: o->trains_out = optarg; break;
        case O_STEPSOUT: o->steps_out = optarg; break;
        case O_JSON: o->json = 1; break;
        case O_CSV: o->csv = 1; break;
        case ':': rc = cmd_usage(NAME, "option %s needs a value", argv[optind - 1]); break;
        default: rc = cmd_usage(NAME, "unknown option '%s'", argv[optind - 1]);
        }
    }
    cmd_param_options_free(lo);
    if (rc == -2)
        return -1; /* --help */
    if (rc >= 0)
        return rc;
    o->p = j.sp;
    o->coding = j.coding;
    o->steps = j.steps;
    if (optind < argc)
        return cmd_usage(NAME, "unexpected argument '%s'", argv[optind]);
    if (!o->input)
        return cmd_usage(NAME, "--input is required");
    if (noclamp && o->clamp_set)
        return cmd_usage(NAME, "--clamp and --no-clamp exclude each other");
    if (o->json && o->csv)
        return cmd_usage(NAME, "--json and --csv exclude each other");
    o->clamp_set |= noclamp;
    return 0;
}


/* [tokens, channels] of the input tensor. */
static ax_result shape_of(const char *ref, const trace_tensor *t, size_t *tokens, size_t *d,
                          char **err)
{
    if (t->ndim < 1 || t->ndim > 3)
        return ax_fail(err, AX_ESHAPE,
                       "%s: a %d-D tensor cannot be encoded (hint: give 1-D [d], 2-D [tokens, d] "
                       "or 3-D [batch, seq, d])",
                       ref, t->ndim);
    *d = (size_t)t->shape[t->ndim - 1];
    *tokens = 1;
    for (int i = 0; i < t->ndim - 1; i++)
        *tokens *= (size_t)t->shape[i];
    if (*d == 0 || *tokens == 0)
        return ax_fail(err, AX_ESHAPE, "%s: the tensor is empty (%zu tokens x %zu channels)", ref,
                       *tokens, *d);
    return AX_OK;
}

/* Where the first NaN/Inf is, after trace_to_f32 refused the tensor. */
static void name_nonfinite(const char *ref, const trace_tensor *t, size_t d, char **err)
{
    size_t n = trace_numel(t), es = trace_dtype_size(t->dtype);
    const unsigned char *b = t->data;
    for (size_t k = 0; k < n; k++) {
        float v;
        uint16_t h;
        if (t->dtype == TRACE_F32) {
            memcpy(&v, b + k * 4, 4);
        } else {
            memcpy(&h, b + k * es, 2);
            v = t->dtype == TRACE_F16 ? trace_f16_to_f32(h) : trace_bf16_to_f32(h);
        }
        if (!isfinite(v)) {
            ax_fail(err, AX_ERANGE,
                    "%s: activation of token %zu, channel %zu is %s (hint: the trace is damaged "
                    "or the model overflowed; re-record it)",
                    ref, k / d, k % d,
                    isnan(v) ? "NaN"
                    : v > 0  ? "+Inf"
                             : "-Inf");
            return;
        }
    }
    ax_err_prefix(err, "%s", ref);
}


static ax_result encode(const cmd_encode_opts *o, const trace_tensor *t, cmd_encode_result *e,
                        char **err)
{
    ax_result r = shape_of(o->input, t, &e->tokens, &e->d, err);
    if (r)
        return r;
    size_t n = e->tokens * e->d;
    e->counts = malloc(n * sizeof *e->counts);
    e->T_of = malloc(e->tokens * sizeof *e->T_of);
    if (!e->counts || !e->T_of)
        return ax_fail(err, AX_ENOMEM, "out of memory for %zu counts", n);
    e->from_int = trace_dtype_is_int(t->dtype);
    if (e->from_int) {
        r = trace_to_i32(t, e->counts, err);
        if (r)
            ax_err_prefix(err, "%s", o->input);
    } else {
        float *x = malloc(n * sizeof *x);
        e->vth = malloc(e->tokens * sizeof *e->vth);
        if (!x || !e->vth) {
            free(x);
            return ax_fail(err, AX_ENOMEM, "out of memory for %zu activations", n);
        }
        r = trace_to_f32(t, x, err);
        if (r == AX_ERANGE)
            name_nonfinite(o->input, t, e->d, err);
        if (!r) {
            r = spike_counts(x, e->tokens, e->d, &o->p, e->counts, e->vth, err);
            if (r)
                ax_err_prefix(err, "%s", o->input);
        }
        free(x);
    }
    if (r)
        return r;
    r = spike_steps_resolve(o->coding, e->counts, e->tokens, e->d, o->steps, e->T_of, NULL, err);
    if (!r)
        r = spike_stats_compute(o->coding, e->counts, e->tokens, e->d, o->steps, &e->st, err);
    if (r)
        ax_err_prefix(err, "%s (%s coding)", o->input, spike_coding_name(o->coding));
    return r;
}

/* The NPY outputs, written to temporaries and committed together. */
static ax_result write_outputs(const cmd_encode_opts *o, const cmd_encode_result *e, char **err)
{
    ax_result r = AX_OK;
    ax_out *out[3] = {NULL, NULL, NULL};
    const char *path[3] = {o->counts_out, o->steps_out, o->trains_out};
    for (int k = 0; k < 3 && !r; k++)
        if (path[k])
            r = ax_out_open(path[k], 0, &out[k], err);
    int64_t shape[3] = {(int64_t)e->tokens, (int64_t)e->d, 0};
    if (!r && out[0])
        r = trace_npy_write(out[0], TRACE_I32, 2, shape, e->counts, err);
    if (!r && out[1]) {
        int32_t *ts = malloc(e->tokens * sizeof *ts + 1);
        if (!ts)
            r = ax_fail(err, AX_ENOMEM, "out of memory for %zu step counts", e->tokens);
        for (size_t i = 0; ts && i < e->tokens; i++)
            ts[i] = e->T_of[i];
        if (!r)
            r = trace_npy_write(out[1], TRACE_I32, 1, shape, ts, err);
        free(ts);
    }
    if (!r && out[2]) {
        int T = e->st.steps;
        size_t n = e->tokens * e->d, all = 0;
        int8_t *tr = NULL;
        if (ax_mul_size(n, (size_t)T, &all))
            r = ax_fail(err, AX_ENOMEM, "trains [%d, %zu, %zu] overflow size_t", T, e->tokens,
                        e->d);
        else if (!(tr = malloc(all ? all : 1)))
            r = ax_fail(err, AX_ENOMEM,
                        "out of memory for trains of %zu bytes (hint: fewer tokens or steps)", all);
        if (!r)
            r = o->steps == SPIKE_STEPS_TOKEN
                    ? spike_trains_token(o->coding, e->counts, e->tokens, e->d, e->T_of, T, tr, err)
                    : spike_trains(o->coding, e->counts, e->tokens, e->d, T, tr, err);
        int64_t tshape[3] = {T, (int64_t)e->tokens, (int64_t)e->d};
        if (!r)
            r = trace_npy_write(out[2], TRACE_I8, 3, tshape, tr, err);
        free(tr);
    }
    if (r) {
        for (int k = 0; k < 3; k++)
            ax_out_abort(out[k]);
        return r;
    }
    if ((r = ax_out_commit_n(out, 3, err)))
        return r;
    for (int k = 0; k < 3; k++)
        if (path[k])
            cmd_wrote(NAME, path[k]);
    return AX_OK;
}

int cmd_encode(int argc, char **argv)
{
    cmd_encode_opts o;
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? CMD_OK : rc;
    trace_file *f = NULL;
    const trace_tensor *t = NULL;
    char *err = NULL;
    cmd_encode_result e;
    memset(&e, 0, sizeof e);
    ax_result r = AX_OK;
    const char *outs[3] = {o.counts_out, o.steps_out, o.trains_out};
    for (int k = 0; k < 3 && !r; k++) /* output paths before any work */
        if (outs[k])
            r = ax_out_check(outs[k], &err);
    for (int a = 0; a < 3 && !r; a++)
        for (int b = a + 1; b < 3 && !r; b++) {
            char *ca = NULL, *cb = NULL;
            if (outs[a] && outs[b] && !ax_out_canonical(outs[a], &ca, NULL) &&
                !ax_out_canonical(outs[b], &cb, NULL) && !strcmp(ca, cb)) {
                free(ca), free(cb);
                return cmd_usage(NAME, "'%s' is given for two outputs (hint: one file each)",
                                 outs[b]);
            }
            free(ca), free(cb);
        }
    if (!r)
        r = trace_open_ref(o.input, &f, &t, &err);
    if (!r) {
        r = encode(&o, t, &e, &err);
        if (!r && e.from_int && (o.k_set || o.clamp_set))
            fprintf(stderr,
                    "axon encode: note: %s holds integers, taken as counts; --k, "
                    "--clamp and --no-clamp do not apply\n",
                    o.input);
    }
    if (!r)
        r = write_outputs(&o, &e, &err);
    if (!r) {
        if (o.json)
            cmd_encode_print_json(&o, &e);
        else if (o.csv)
            cmd_encode_print_csv(&o, &e);
        else
            cmd_encode_print_table(&o, &e);
    }
    free(e.counts);
    free(e.vth);
    free(e.T_of);
    trace_close(f);
    return r ? cmd_fail(NAME, err) : CMD_OK;
}
