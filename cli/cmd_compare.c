/*
 * axon compare — two result files (or two tensors) side by side: integer
 * tensors must be equal element for element (docs/design.md §2: acc agrees bit for
 * bit between simulator, RTL and GPU/CPU reference); float tensors of any
 * dtype (f32 reference against a recorded bf16 output) get cosine,
 * relative L2, max abs error and SNR (gpu_compare.c), per tensor and
 * overall. NaN/Inf are counted, located and make the comparison fail; they
 * never leak into the metrics. A tensor present in one file only is
 * listed and left out (so `axon ref`'s `<layer>.vth` does not fail a
 * comparison with `axon run --out`), unless --strict. Empty tensors hold
 * nothing to compare. Exit 0: something was compared, integers equal and
 * floats finite; 1: a mismatch, a shape, nothing compared, or with
 * --strict a one-sided tensor; 2: usage.
 */
#include "cmd.h"

#include "../gpu/gpu.h"
#include "../traces/trace.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *CMD = "compare";

static void usage(FILE *f)
{
    fprintf(f,
            "usage: axon compare A B [--tensor NAME]... [--strict] [--show N] [--json]\n\n"
            "A and B are safetensors/NPY files or FILE:TENSOR references. Integer tensors are\n"
            "compared exactly (mismatch count, first positions and values); float tensors of any\n"
            "dtype by cosine similarity, relative L2 error, max abs error and SNR (dB), per "
            "tensor\n"
            "and overall. Without a tensor name every tensor of A is looked up by name in B.\n\n"
            "  --tensor NAME  compare only NAME, or every tensor whose name ends in .NAME\n"
            "                 (e.g. acc, y); repeatable\n"
            "  --strict       a tensor present in only one file is a failure (default: listed,\n"
            "                 not compared)\n"
            "  --show N       mismatches / non-finite values listed per tensor (default 5, max "
            "%d)\n"
            "  --json         machine-readable report\n\n"
            "exit status: 0 integers equal and floats finite, 1 mismatch, shape, nothing compared\n"
            "(or a one-sided tensor with --strict), 2 usage\n",
            GPU_CMP_SHOW);
}

/* Opens "FILE" (every tensor) or a tensor reference "FILE:TENSOR" (see
 * trace_open_ref; an existing path wins). *name is set for a reference. */
static ax_result open_ref(const char *ref, trace_file **f, char **name, char **err)
{
    struct stat st;
    *name = NULL;
    if (stat(ref, &st) == 0)
        return trace_open(ref, f, err);
    const trace_tensor *t = NULL;
    ax_result r = trace_open_ref(ref, f, &t, err);
    if (r)
        return r;
    *name = strdup(t->name);
    if (!*name) {
        trace_close(*f);
        *f = NULL;
        return ax_fail(err, AX_ENOMEM, "out of memory");
    }
    return AX_OK;
}

/* Any dtype to float32, NaN/Inf kept (trace_to_f32 rejects them). */
static void to_f32(const trace_tensor *t, float *dst)
{
    size_t n = trace_numel(t);
    const unsigned char *p = t->data;
    for (size_t i = 0; i < n; i++) {
        switch (t->dtype) {
        case TRACE_F32: memcpy(&dst[i], p + 4 * i, 4); break;
        case TRACE_F16: {
            uint16_t h;
            memcpy(&h, p + 2 * i, 2);
            dst[i] = trace_f16_to_f32(h);
            break;
        }
        case TRACE_BF16: {
            uint16_t h;
            memcpy(&h, p + 2 * i, 2);
            dst[i] = trace_bf16_to_f32(h);
            break;
        }
        case TRACE_I8: dst[i] = (float)((const int8_t *)p)[i]; break;
        case TRACE_U8: dst[i] = (float)p[i]; break;
        case TRACE_I16: {
            int16_t v;
            memcpy(&v, p + 2 * i, 2);
            dst[i] = (float)v;
            break;
        }
        case TRACE_I32: {
            int32_t v;
            memcpy(&v, p + 4 * i, 4);
            dst[i] = (float)v;
            break;
        }
        case TRACE_I64: {
            int64_t v;
            memcpy(&v, p + 8 * i, 8);
            dst[i] = (float)v;
            break;
        }
        }
    }
}

static void shape_str(const trace_tensor *t, char *buf, size_t len)
{
    size_t o = (size_t)snprintf(buf, len, "[");
    for (int d = 0; d < t->ndim && o < len; d++)
        o += (size_t)snprintf(buf + o, len - o, d ? ",%lld" : "%lld", (long long)t->shape[d]);
    if (o < len)
        snprintf(buf + o, len - o, "]");
}

/* The shape as a JSON array of integers, [5, 7, 3]. */
static cJSON *shape_json(const trace_tensor *t)
{
    cJSON *a = cJSON_CreateArray();
    for (int d = 0; a && d < t->ndim; d++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber((double)t->shape[d]));
    return a;
}

static int same_shape(const trace_tensor *a, const trace_tensor *b)
{
    if (a->ndim != b->ndim)
        return 0;
    for (int d = 0; d < a->ndim; d++)
        if (a->shape[d] != b->shape[d])
            return 0;
    return 1;
}

typedef struct {
    int json, show;
    int failed;
    size_t nint, nint_equal, nfloat, nshape; /* tensors compared; shape mismatches */
    size_t nempty;                           /* pairs of empty tensors: nothing compared */
    gpu_cmp_float total;
    cJSON *arr;
} cmp_ctx;

static cJSON *num_or_null(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

/* Compares one pair; returns nonzero on a hard error (out of memory). */
static int compare_pair(cmp_ctx *c, const char *label, const trace_tensor *a, const trace_tensor *b)
{
    char sa[160], sb[160], ix[160];
    shape_str(a, sa, sizeof sa);
    shape_str(b, sb, sizeof sb);
    cJSON *o = c->json ? cJSON_CreateObject() : NULL;
    if (o) {
        cJSON_AddStringToObject(o, "tensor", label);
        cJSON_AddItemToObject(o, "shape", shape_json(a));
        cJSON_AddStringToObject(o, "dtype_a", trace_dtype_name(a->dtype));
        cJSON_AddStringToObject(o, "dtype_b", trace_dtype_name(b->dtype));
        cJSON_AddItemToArray(c->arr, o);
    }
    if (!same_shape(a, b)) {
        c->failed = 1;
        c->nshape++;
        if (o) {
            cJSON_AddStringToObject(o, "kind", "shape-mismatch");
            cJSON_AddItemToObject(o, "shape_b", shape_json(b));
        } else {
            printf("%-40s SHAPE MISMATCH: A %s vs B %s (hint: compare the same layer and tokens)\n",
                   label, sa, sb);
        }
        return 0;
    }
    size_t n = trace_numel(a);
    if (n == 0) { /* nothing to compare: does not count as a comparison */
        c->nempty++;
        if (o)
            cJSON_AddStringToObject(o, "kind", "empty");
        else
            printf("%-40s EMPTY %-16s 0 elements, nothing compared\n", label, sa);
        return 0;
    }
    if (trace_dtype_is_int(a->dtype) && trace_dtype_is_int(b->dtype)) {
        int32_t *x = malloc(n * sizeof(int32_t) + 1), *y = malloc(n * sizeof(int32_t) + 1);
        if (!x || !y || trace_to_i32(a, x, NULL) || trace_to_i32(b, y, NULL)) {
            free(x), free(y);
            return 1;
        }
        gpu_cmp_int r;
        gpu_compare_i32(x, y, n, &r);
        free(x), free(y);
        c->nint++;
        c->nint_equal += r.mismatches == 0;
        if (r.mismatches)
            c->failed = 1;
        if (o) {
            cJSON_AddStringToObject(o, "kind", "int");
            cJSON_AddNumberToObject(o, "elements", (double)n);
            cJSON_AddBoolToObject(o, "equal", r.mismatches == 0);
            cJSON_AddNumberToObject(o, "mismatches", (double)r.mismatches);
            cJSON_AddNumberToObject(o, "max_abs_diff", r.max_abs_diff);
            cJSON *m = cJSON_AddArrayToObject(o, "first_mismatches");
            for (size_t k = 0; k < r.nshow && (int)k < c->show; k++) {
                cJSON *e = cJSON_CreateObject();
                gpu_index_str(r.idx[k], a->ndim, a->shape, ix, sizeof ix);
                cJSON_AddStringToObject(e, "index", ix);
                cJSON_AddNumberToObject(e, "a", (double)r.a[k]);
                cJSON_AddNumberToObject(e, "b", (double)r.b[k]);
                cJSON_AddItemToArray(m, e);
            }
        } else if (!r.mismatches) {
            printf("%-40s int   %-16s equal (%zu elements)\n", label, sa, n);
        } else {
            printf("%-40s int   %-16s MISMATCH: %zu of %zu elements differ (max |a-b| %.0f)\n",
                   label, sa, r.mismatches, n, r.max_abs_diff);
            for (size_t k = 0; k < r.nshow && (int)k < c->show; k++) {
                gpu_index_str(r.idx[k], a->ndim, a->shape, ix, sizeof ix);
                printf("    at %-20s A %lld  B %lld\n", ix, (long long)r.a[k], (long long)r.b[k]);
            }
        }
        return 0;
    }
    float *x = malloc(n * sizeof(float) + 1), *y = malloc(n * sizeof(float) + 1);
    if (!x || !y) {
        free(x), free(y);
        return 1;
    }
    to_f32(a, x);
    to_f32(b, y);
    gpu_cmp_float r;
    gpu_compare_f32(x, y, n, &r);
    free(x), free(y);
    c->nfloat++;
    gpu_cmp_float_merge(&c->total, &r);
    size_t nonfin = n - r.compared;
    if (nonfin)
        c->failed = 1;
    gpu_index_str(r.max_abs_idx, a->ndim, a->shape, ix, sizeof ix);
    if (o) {
        cJSON_AddStringToObject(o, "kind", "float");
        cJSON_AddNumberToObject(o, "elements", (double)n);
        cJSON_AddNumberToObject(o, "compared", (double)r.compared);
        cJSON_AddItemToObject(o, "cosine", num_or_null(r.cosine));
        cJSON_AddItemToObject(o, "rel_l2", num_or_null(r.rel_l2));
        cJSON_AddNumberToObject(o, "max_abs", r.max_abs);
        cJSON_AddStringToObject(o, "max_abs_index", ix);
        cJSON_AddItemToObject(o, "snr_db", num_or_null(r.snr_db));
        cJSON_AddBoolToObject(o, "identical", r.see == 0 && !nonfin);
        cJSON_AddNumberToObject(o, "nonfinite_a", (double)r.nonfinite_a);
        cJSON_AddNumberToObject(o, "nonfinite_b", (double)r.nonfinite_b);
        cJSON *m = cJSON_AddArrayToObject(o, "first_nonfinite");
        for (size_t k = 0; k < r.nshow && (int)k < c->show; k++) {
            cJSON *e = cJSON_CreateObject();
            gpu_index_str(r.idx[k], a->ndim, a->shape, ix, sizeof ix);
            cJSON_AddStringToObject(e, "index", ix);
            char v[32];
            snprintf(v, sizeof v, "%g", r.a[k]);
            cJSON_AddStringToObject(e, "a", v);
            snprintf(v, sizeof v, "%g", r.b[k]);
            cJSON_AddStringToObject(e, "b", v);
            cJSON_AddItemToArray(m, e);
        }
        return 0;
    }
    printf("%-40s float %-16s cosine %.9f  rel_l2 %.3e  max_abs %.3e at %s  snr %.2f dB\n", label,
           sa, r.cosine, r.rel_l2, r.max_abs, ix, r.snr_db);
    if (nonfin) {
        printf("    NON-FINITE: %zu in A, %zu in B (left out of the metrics)\n", r.nonfinite_a,
               r.nonfinite_b);
        for (size_t k = 0; k < r.nshow && (int)k < c->show; k++) {
            gpu_index_str(r.idx[k], a->ndim, a->shape, ix, sizeof ix);
            printf("    at %-20s A %g  B %g\n", ix, r.a[k], r.b[k]);
        }
    }
    return 0;
}

static int name_selected(const char *name, char **sel, int nsel)
{
    if (!nsel)
        return 1;
    size_t l = strlen(name);
    for (int i = 0; i < nsel; i++) {
        size_t s = strlen(sel[i]);
        if (!strcmp(name, sel[i]) ||
            (l > s && name[l - s - 1] == '.' && !strcmp(name + l - s, sel[i])))
            return 1;
    }
    return 0;
}

int cmd_compare(int argc, char **argv)
{
    static const struct option opts[] = {{"tensor", required_argument, 0, 't'},
                                         {"show", required_argument, 0, 's'},
                                         {"strict", no_argument, 0, 'S'},
                                         {"json", no_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    char *sel[64];
    int nsel = 0, c, strict = 0;
    long show = 5;
    cmp_ctx cx;
    memset(&cx, 0, sizeof cx);
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (nsel == 64)
                return cmd_usage(CMD, "at most 64 --tensor options");
            sel[nsel++] = optarg;
            break;
        case 's':
            if (cmd_parse_long(CMD, "--show", optarg, 0, GPU_CMP_SHOW, &show))
                return CMD_USAGE;
            break;
        case 'j': cx.json = 1; break;
        case 'S': strict = 1; break;
        case 'h': usage(stdout); return CMD_OK;
        default: return cmd_usage(CMD, "unknown option");
        }
    }
    if (argc - optind != 2)
        return cmd_usage(CMD, "expected two files (A B), got %d", argc - optind);
    cx.show = (int)show;
    char *err = NULL, *na = NULL, *nb = NULL;
    trace_file *fa = NULL, *fb = NULL;
    int rc = CMD_FAIL;
    size_t only_a = 0, only_b = 0;
    if (open_ref(argv[optind], &fa, &na, &err) || open_ref(argv[optind + 1], &fb, &nb, &err))
        goto done;
    cx.arr = cJSON_CreateArray();
    cJSON *missing = cJSON_CreateArray();
    if (na || nb || (trace_count(fa) == 1 && trace_count(fb) == 1 && !nsel)) {
        /* one pair: named on either side, or two single-tensor files */
        const trace_tensor *ta = na ? trace_find(fa, na)
                                    : (nb ? trace_find(fa, nb) : trace_at(fa, 0));
        const trace_tensor *tb = nb ? trace_find(fb, nb)
                                    : (na ? trace_find(fb, na) : trace_at(fb, 0));
        if (!ta || !tb) {
            ax_fail(&err, AX_ENOTFOUND,
                    "%s: no tensor '%s' (hint: name it on both sides, FILE:TENSOR)",
                    trace_path(ta ? fb : fa), na ? na : nb);
            cJSON_Delete(missing);
            goto done;
        }
        char label[512];
        if (!ta->name[0] && !tb->name[0]) /* two NPY files: name them by path */
            snprintf(label, sizeof label, "%s vs %s", argv[optind], argv[optind + 1]);
        else
            snprintf(label, sizeof label, "%s%s%s", ta->name[0] ? ta->name : argv[optind],
                     strcmp(ta->name, tb->name) ? " vs " : "",
                     strcmp(ta->name, tb->name) ? (tb->name[0] ? tb->name : argv[optind + 1]) : "");
        if (compare_pair(&cx, label, ta, tb)) {
            ax_fail(&err, AX_ENOMEM, "out of memory comparing '%s'", label);
            cJSON_Delete(missing);
            goto done;
        }
    } else {
        for (size_t i = 0; i < trace_count(fa); i++) {
            const trace_tensor *ta = trace_at(fa, i);
            if (!name_selected(ta->name, sel, nsel))
                continue;
            const trace_tensor *tb = trace_find(fb, ta->name);
            if (!tb) {
                only_a++;
                cJSON_AddItemToArray(missing, cJSON_CreateString(ta->name));
                if (!cx.json)
                    printf("%-40s %s in B (%s)\n", ta->name,
                           strict ? "MISSING" : "only in A, not compared: absent", trace_path(fb));
                continue;
            }
            if (compare_pair(&cx, ta->name, ta, tb)) {
                ax_fail(&err, AX_ENOMEM, "out of memory comparing '%s'", ta->name);
                cJSON_Delete(missing);
                goto done;
            }
        }
        for (size_t i = 0; i < trace_count(fb); i++) {
            const trace_tensor *tb = trace_at(fb, i);
            if (name_selected(tb->name, sel, nsel) && !trace_find(fa, tb->name)) {
                only_b++;
                char s[600];
                snprintf(s, sizeof s, "%s (only in B)", tb->name);
                cJSON_AddItemToArray(missing, cJSON_CreateString(s));
                if (!cx.json)
                    printf("%-40s %s in A (%s)\n", tb->name,
                           strict ? "MISSING" : "only in B, not compared: absent", trace_path(fa));
            }
        }
    }
    if (strict && (only_a || only_b))
        cx.failed = 1;
    int nothing = cx.nint + cx.nfloat + cx.nshape == 0;
    if (nothing) {
        cx.failed = 1;
        if (!cx.json)
            printf("nothing compared: %s (hint: check --tensor and the names in both files)\n",
                   cx.nempty ? "every tensor pair is empty" : "no tensor is in both files");
    }
    if (cx.json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "a", argv[optind]);
        cJSON_AddStringToObject(o, "b", argv[optind + 1]);
        cJSON_AddItemToObject(o, "tensors", cx.arr);
        cJSON_AddItemToObject(o, "missing", missing);
        cJSON_AddBoolToObject(o, "strict", strict);
        cJSON_AddBoolToObject(o, "nothing_compared", nothing);
        cJSON *ov = cJSON_AddObjectToObject(o, "overall");
        cJSON_AddNumberToObject(ov, "int_tensors", (double)cx.nint);
        cJSON_AddNumberToObject(ov, "int_tensors_equal", (double)cx.nint_equal);
        cJSON_AddNumberToObject(ov, "float_tensors", (double)cx.nfloat);
        if (cx.nfloat) {
            cJSON_AddItemToObject(ov, "cosine", num_or_null(cx.total.cosine));
            cJSON_AddItemToObject(ov, "rel_l2", num_or_null(cx.total.rel_l2));
            cJSON_AddNumberToObject(ov, "max_abs", cx.total.max_abs);
            cJSON_AddItemToObject(ov, "snr_db", num_or_null(cx.total.snr_db));
            cJSON_AddNumberToObject(ov, "nonfinite", (double)(cx.total.n - cx.total.compared));
        }
        cJSON_AddBoolToObject(o, "ok", !cx.failed);
        cmd_print_json(o);
    } else {
        cJSON_Delete(cx.arr);
        cJSON_Delete(missing);
        printf("overall: %zu/%zu integer tensors equal", cx.nint_equal, cx.nint);
        if (only_a + only_b && !strict)
            printf("; %zu tensor%s in one file only, not compared (--strict fails on them)",
                   only_a + only_b, only_a + only_b > 1 ? "s" : "");
        if (cx.nfloat)
            printf("; %zu float tensors: cosine %.9f  rel_l2 %.3e  max_abs %.3e  snr %.2f dB",
                   cx.nfloat, cx.total.cosine, cx.total.rel_l2, cx.total.max_abs, cx.total.snr_db);
        printf("\n%s\n", cx.failed ? "result: MISMATCH" : "result: ok");
    }
    cx.arr = NULL;
    rc = cx.failed ? CMD_FAIL : CMD_OK;
    free(na), free(nb);
    trace_close(fa), trace_close(fb);
    return rc;
done:
    cJSON_Delete(cx.arr);
    free(na), free(nb);
    trace_close(fa), trace_close(fb);
    return cmd_fail(CMD, err);
}
