/* Unit tests of traces/trace_gen.c: the files are deterministic for a seed
 * and independent of which other tensors are written, names and shapes
 * follow HF, <layer>.output equals input * weight^T, bf16 weights hold the
 * values the output was computed with, and bad configurations fail. */
#include <math.h>

#include "trace_test_util.h"

static trace_gen_cfg tiny(void)
{
    trace_gen_cfg c;
    cr_assert_eq(trace_gen_preset("tiny", &c, NULL), AX_OK);
    return c;
}

Test(trace_gen, deterministic_and_independent_of_other_tensors)
{
    char *dir = tt_dir(), *a = tt_path(dir, "a.st"), *b = tt_path(dir, "b.st"),
         *t = tt_path(dir, "t.st");
    trace_gen_cfg c = tiny();
    c.seed = 99;
    char *err = NULL;
    cr_assert_eq(trace_gen_write(&c, a, NULL, &err), AX_OK, "%s", err);
    cr_assert_eq(trace_gen_write(&c, b, NULL, &err), AX_OK, "%s", err);
    size_t na, nb;
    uint8_t *ba = tt_read(a, &na), *bb = tt_read(b, &nb);
    cr_assert(na == nb && memcmp(ba, bb, na) == 0, "same seed, different bytes");
    free(bb);
    trace_gen_cfg c2 = c;
    c2.nlayers = 2;
    c2.layers[0] = 3;
    c2.layers[1] = 0;
    c2.projs = TRACE_GEN_UP | TRACE_GEN_DOWN;
    cr_assert_eq(trace_gen_write(&c2, b, NULL, &err), AX_OK, "%s", err);
    trace_file *fa, *fb;
    cr_assert_eq(trace_open(a, &fa, &err), AX_OK);
    cr_assert_eq(trace_open(b, &fb, &err), AX_OK);
    cr_assert_eq(trace_count(fb), 4);
    const trace_tensor *wa = trace_find(fa, "model.layers.0.mlp.up_proj.weight");
    const trace_tensor *wb = trace_find(fb, "model.layers.0.mlp.up_proj.weight");
    cr_assert(wa && wb);
    cr_assert_eq(memcmp(wa->data, wb->data, wa->nbytes), 0,
                 "a tensor depends on the others written");
    const trace_tensor *w3 = trace_find(fb, "model.layers.3.mlp.up_proj.weight");
    cr_assert(w3 && memcmp(w3->data, wa->data, wa->nbytes) != 0, "layers must differ");
    const trace_tensor *dn = trace_find(fb, "model.layers.0.mlp.down_proj.weight");
    cr_assert(dn->shape[0] == 64 && dn->shape[1] == 96, "down_proj is [hidden, ffn]");
    cr_assert_str_eq(trace_meta(fa, "seed"), "99");
    cr_assert_str_eq(trace_meta(fa, "preset"), "tiny");
    cr_assert(strncmp(trace_meta(fa, "generator"), "axon gen", 8) == 0);
    trace_close(fb);
    c.seed = 100;
    cr_assert_eq(trace_gen_write(&c, b, t, &err), AX_OK, "%s", err);
    cr_assert_eq(trace_open(b, &fb, &err), AX_OK);
    wb = trace_find(fb, "model.layers.0.mlp.up_proj.weight");
    cr_assert_neq(memcmp(wa->data, wb->data, wa->nbytes), 0, "another seed, same weights");
    trace_close(fa);
    trace_close(fb);
    free(ba);
    free(a);
    free(b);
    free(t);
    tt_rmdir(dir);
}

Test(trace_gen, output_is_input_times_weight_transposed)
{
    char *dir = tt_dir(), *w = tt_path(dir, "w.st"), *t = tt_path(dir, "t.st");
    trace_gen_cfg c = tiny();
    c.wdtype = TRACE_BF16;
    c.projs = TRACE_GEN_UP | TRACE_GEN_GATE | TRACE_GEN_DOWN;
    char *err = NULL;
    cr_assert_eq(trace_gen_write(&c, w, t, &err), AX_OK, "%s", err);
    trace_file *fw, *ft;
    cr_assert_eq(trace_open(w, &fw, &err), AX_OK);
    cr_assert_eq(trace_open(t, &ft, &err), AX_OK);
    const char *layers[] = {"model.layers.0.mlp.up_proj", "model.layers.0.mlp.gate_proj",
                            "model.layers.0.mlp.down_proj"};
    for (int l = 0; l < 3; l++) {
        char name[128];
        snprintf(name, sizeof name, "%s.weight", layers[l]);
        const trace_tensor *W = trace_find(fw, name);
        snprintf(name, sizeof name, "%s.input", layers[l]);
        const trace_tensor *X = trace_find(ft, name);
        snprintf(name, sizeof name, "%s.output", layers[l]);
        const trace_tensor *Y = trace_find(ft, name);
        cr_assert(W && X && Y, "%s", layers[l]);
        cr_assert_eq(W->dtype, TRACE_BF16);
        size_t out = (size_t)W->shape[0], in = (size_t)W->shape[1], T = (size_t)X->shape[0];
        cr_assert(T == 16 && X->shape[1] == (int64_t)in && Y->shape[1] == (int64_t)out);
        float *wf = malloc(out * in * 4), *xf = malloc(T * in * 4), *yf = malloc(T * out * 4);
        cr_assert_eq(trace_to_f32(W, wf, &err), AX_OK);
        cr_assert_eq(trace_to_f32(X, xf, &err), AX_OK);
        cr_assert_eq(trace_to_f32(Y, yf, &err), AX_OK);
        double ss = 0, maxx = 0;
        for (size_t k = 0; k < out * in; k++)
            ss += (double)wf[k] * wf[k];
        cr_assert(fabs(sqrt(ss / (double)(out * in)) * sqrt((double)in) - 1) < 0.1,
                  "weight std ~ 1/sqrt(in)");
        for (size_t k = 0; k < T * in; k++)
            maxx = fmax(maxx, fabs(xf[k]));
        cr_assert(maxx > 5, "heavy tail / outliers missing: max |x| %g", maxx);
        for (size_t tt = 0; tt < T; tt++)
            for (size_t j = 0; j < out; j++) {
                double acc = 0;
                for (size_t i = 0; i < in; i++)
                    acc += (double)xf[tt * in + i] * wf[j * in + i];
                cr_assert(fabs(yf[tt * out + j] - acc) <= 1e-6 * fabs(acc) + 1e-6, "%s y[%zu][%zu]",
                          layers[l], tt, j);
            }
        free(wf);
        free(xf);
        free(yf);
    }
    trace_close(fw);
    trace_close(ft);
    free(w);
    free(t);
    tt_rmdir(dir);
}

Test(trace_gen, bad_configurations_fail)
{
    trace_gen_cfg c;
    char *err = NULL;
    cr_assert_eq(trace_gen_preset("nope", &c, &err), AX_ENOTFOUND);
    cr_assert(strstr(err, "'nope'") && strstr(err, "qwen7b-mlp"), "%s", err);
    free(err);
    err = NULL;
    const char *desc;
    cr_assert_str_eq(trace_gen_preset_name(1, &desc), "qwen7b-mlp");
    cr_assert_null(trace_gen_preset_name(3, NULL));
    cr_assert_eq(trace_gen_preset("qwen7b-mlp", &c, NULL), AX_OK);
    cr_assert(c.hidden == 3584 && c.ffn == 18944);
    cr_assert_eq(trace_gen_preset("spikingbrain2-5b-mlp", &c, NULL), AX_OK);
    cr_assert(c.hidden == 2560 && c.ffn == 9728);
    c = tiny();
    c.dof = 2;
    cr_assert_eq(trace_gen_write(&c, "/nonexistent/x", NULL, &err), AX_EPARAM);
    free(err);
    err = NULL;
    c = tiny();
    c.wdtype = TRACE_I8;
    cr_assert_eq(trace_gen_write(&c, "/nonexistent/x", NULL, &err), AX_EPARAM);
    free(err);
    err = NULL;
    c = tiny();
    cr_assert_eq(trace_gen_write(&c, "/nonexistent/dir/w.st", NULL, &err), AX_EIO);
    cr_assert(strstr(err, "/nonexistent/dir/w.st"), "%s", err);
    free(err);
}
