/* Unit tests of traces/trace_gen.c: the files are deterministic for a seed
 * and independent of which other tensors are written, of the thread count
 * and of the SIMD path, names and shapes follow HF (attention projections
 * and the whole-model presets too), <layer>.output equals input * weight^T,
 * bf16 weights hold the values the output was computed with, the weights
 * are N(0, 1/in), and bad configurations fail. */
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
    cr_assert_str_eq(trace_gen_preset_name(3, NULL), "qwen7b");
    cr_assert_str_eq(trace_gen_preset_name(4, NULL), "spikingbrain2-5b");
    cr_assert_null(trace_gen_preset_name(5, NULL));
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

/* Every SIMD path of the normals and of the reference product gives the
 * same bits as the portable one, for every length and shape tail. */
Test(trace_gen, simd_paths_give_the_same_bits)
{
    size_t lens[] = {1, 7, 15, 16, 17, 100, 3584};
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        size_t n = lens[k];
        float *ref = malloc(n * sizeof *ref), *got = malloc(n * sizeof *got);
        trace_gen_rng8 r0, r1;
        trace_gen_rng8_seed(&r0, 5, 77, k);
        trace_gen_normals(&r0, ref, n, 0.25f, AX_SIMD_PORTABLE);
        for (int simd = AX_SIMD_AVX2; simd <= (int)ax_simd_best(); simd++) {
            trace_gen_rng8_seed(&r1, 5, 77, k);
            trace_gen_normals(&r1, got, n, 0.25f, (ax_simd)simd);
            cr_assert_eq(memcmp(ref, got, n * sizeof *ref), 0, "normals: %s, n %zu",
                         ax_simd_name((ax_simd)simd), n);
            cr_assert_eq(memcmp(&r0, &r1, sizeof r0), 0, "stream state: %s",
                         ax_simd_name((ax_simd)simd));
        }
        free(ref);
        free(got);
    }
    size_t shapes[][3] = {{1, 1, 5}, {7, 3, 33}, {8, 8, 64}, {9, 9, 17}, {64, 13, 100}};
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        size_t T = shapes[k][0], rows = shapes[k][1], in = shapes[k][2], out = rows + 2;
        float *x = malloc(T * in * sizeof *x), *y0 = calloc(T * out, sizeof *y0),
              *y1 = calloc(T * out, sizeof *y1);
        double *xd = malloc(((T + 7) / 8) * 8 * in * sizeof *xd),
               *wd = malloc(rows * in * sizeof *wd);
        trace_gen_rng8 r;
        trace_gen_rng8_seed(&r, 1, 2, k);
        trace_gen_normals(&r, x, T * in, 3.0f, AX_SIMD_PORTABLE);
        for (size_t i = 0; i < rows * in; i++)
            wd[i] = (double)x[(i * 7) % (T * in)] / 3;
        trace_gen_pack_x(x, T, in, xd);
        trace_gen_dot(xd, T, wd, rows, in, y0, out, 1, AX_SIMD_PORTABLE);
        for (size_t t = 0; t < T; t++) /* the portable path is the plain double sum */
            for (size_t o = 0; o < rows; o++) {
                double acc = 0;
                for (size_t i = 0; i < in; i++)
                    acc += (double)x[t * in + i] * wd[o * in + i];
                cr_assert_eq(y0[t * out + 1 + o], (float)acc);
            }
        for (int simd = AX_SIMD_AVX2; simd <= (int)ax_simd_best(); simd++) {
            memset(y1, 0, T * out * sizeof *y1);
            trace_gen_dot(xd, T, wd, rows, in, y1, out, 1, (ax_simd)simd);
            cr_assert_eq(memcmp(y0, y1, T * out * sizeof *y0), 0, "dot: %s, T %zu rows %zu in %zu",
                         ax_simd_name((ax_simd)simd), T, rows, in);
        }
        free(x), free(y0), free(y1), free(xd), free(wd);
    }
}

/* The files are byte-identical for every thread count and SIMD path. */
Test(trace_gen, files_independent_of_threads_and_simd)
{
    char *dir = tt_dir(), *w0 = tt_path(dir, "w0.st"), *t0 = tt_path(dir, "t0.st");
    char *w1 = tt_path(dir, "w1.st"), *t1 = tt_path(dir, "t1.st");
    trace_gen_cfg c = tiny();
    c.projs = TRACE_GEN_MLP | TRACE_GEN_ATTN;
    c.q_out = 80;
    c.kv_out = 24;
    c.tokens = 13;
    char *err = NULL;
    for (int bf = 0; bf < 2; bf++) {
        c.wdtype = bf ? TRACE_BF16 : TRACE_F32;
        c.threads = 1;
        c.simd = AX_SIMD_PORTABLE;
        cr_assert_eq(trace_gen_write(&c, w0, t0, &err), AX_OK, "%s", err);
        size_t nw0, nt0;
        uint8_t *bw0 = tt_read(w0, &nw0), *bt0 = tt_read(t0, &nt0);
        int thr[] = {2, 3, 5};
        for (int simd = AX_SIMD_PORTABLE; simd <= (int)ax_simd_best(); simd++)
            for (size_t k = 0; k < 3; k++) {
                c.threads = thr[k];
                c.simd = simd;
                cr_assert_eq(trace_gen_write(&c, w1, t1, &err), AX_OK, "%s", err);
                size_t nw1, nt1;
                uint8_t *bw1 = tt_read(w1, &nw1), *bt1 = tt_read(t1, &nt1);
                cr_assert(nw0 == nw1 && !memcmp(bw0, bw1, nw0), "weights: %s, %d threads",
                          ax_simd_name((ax_simd)simd), thr[k]);
                cr_assert(nt0 == nt1 && !memcmp(bt0, bt1, nt0), "trace: %s, %d threads",
                          ax_simd_name((ax_simd)simd), thr[k]);
                free(bw1);
                free(bt1);
            }
        free(bw0);
        free(bt0);
    }
    free(w0), free(t0), free(w1), free(t1);
    tt_rmdir(dir);
}

/* Attention projections: HF names and shapes (q hidden -> q_out, k and v
 * hidden -> kv_out, o q_out -> hidden), output = input * weight^T; the
 * whole-model presets have Qwen2.5-7B's and SpikingBrain2.0-5B's shapes. */
Test(trace_gen, attention_projections_and_model_presets)
{
    char *dir = tt_dir(), *w = tt_path(dir, "w.st"), *t = tt_path(dir, "t.st");
    trace_gen_cfg c = tiny();
    c.projs = TRACE_GEN_ATTN;
    c.q_out = 80;
    c.kv_out = 24;
    c.nlayers = 2;
    c.layers[0] = 0;
    c.layers[1] = 5;
    char *err = NULL;
    cr_assert_eq(trace_gen_write(&c, w, t, &err), AX_OK, "%s", err);
    trace_file *fw, *ft;
    cr_assert_eq(trace_open(w, &fw, &err), AX_OK);
    cr_assert_eq(trace_open(t, &ft, &err), AX_OK);
    cr_assert_eq(trace_count(fw), 8);
    const char *p[] = {"q", "k", "v", "o"};
    int64_t shp[4][2] = {{80, 64}, {24, 64}, {24, 64}, {64, 80}};
    for (int k = 0; k < 4; k++) {
        char name[128];
        snprintf(name, sizeof name, "model.layers.5.self_attn.%s_proj.weight", p[k]);
        const trace_tensor *W = trace_find(fw, name);
        cr_assert(W && W->shape[0] == shp[k][0] && W->shape[1] == shp[k][1], "%s", name);
        snprintf(name, sizeof name, "model.layers.5.self_attn.%s_proj.output", p[k]);
        const trace_tensor *Y = trace_find(ft, name);
        snprintf(name, sizeof name, "model.layers.5.self_attn.%s_proj.input", p[k]);
        const trace_tensor *X = trace_find(ft, name);
        cr_assert(X && Y && X->shape[1] == shp[k][1] && Y->shape[1] == shp[k][0], "%s", name);
        size_t out = (size_t)shp[k][0], in = (size_t)shp[k][1], T = 16;
        const float *wf = W->data, *xf = X->data, *yf = Y->data;
        for (size_t tt = 0; tt < T; tt++)
            for (size_t j = 0; j < out; j++) {
                double acc = 0;
                for (size_t i = 0; i < in; i++)
                    acc += (double)xf[tt * in + i] * wf[j * in + i];
                cr_assert_eq(yf[tt * out + j], (float)acc, "%s y[%zu][%zu]", name, tt, j);
            }
    }
    trace_close(fw);
    trace_close(ft);
    trace_gen_cfg q;
    cr_assert_eq(trace_gen_preset("qwen7b", &q, NULL), AX_OK);
    cr_assert(q.hidden == 3584 && q.ffn == 18944 && q.q_out == 3584 && q.kv_out == 512 &&
              q.nlayers == 28 && q.layers[27] == 27 && q.projs == (TRACE_GEN_MLP | TRACE_GEN_ATTN));
    /* 28 x (2 x 3584^2 + 2 x 512 x 3584 + 3 x 3584 x 18944) weights */
    cr_assert_eq(trace_gen_work(&q, 1, 0),
                 28ull * (2 * 3584 * 3584 + 2 * 512 * 3584 + 3ull * 3584 * 18944));
    cr_assert_eq(trace_gen_preset("spikingbrain2-5b", &q, NULL), AX_OK);
    cr_assert(q.hidden == 2560 && q.ffn == 9728 && q.q_out == 4096 && q.kv_out == 1024 &&
              q.nlayers == 36);
    free(w);
    free(t);
    tt_rmdir(dir);
}

/* The weights are N(0, 1/in): mean 0, std 1/sqrt(in), normal tails. */
Test(trace_gen, weights_are_normal)
{
    size_t n = 1 << 20;
    float *z = malloc(n * sizeof *z);
    trace_gen_rng8 r;
    trace_gen_rng8_seed(&r, 3, 4, 5);
    trace_gen_normals(&r, z, n, 1.0f, ax_simd_best());
    double s1 = 0, s2 = 0, s4 = 0, mx = 0;
    size_t over2 = 0;
    for (size_t i = 0; i < n; i++) {
        double v = z[i];
        s1 += v, s2 += v * v, s4 += v * v * v * v;
        mx = fmax(mx, fabs(v));
        over2 += fabs(v) > 2;
    }
    double mean = s1 / n, var = s2 / n, kurt = s4 / n / (var * var);
    cr_assert(fabs(mean) < 0.005 && fabs(var - 1) < 0.005, "mean %g var %g", mean, var);
    cr_assert(fabs(kurt - 3) < 0.05, "kurtosis %g", kurt);
    cr_assert(fabs((double)over2 / n - 0.0455) < 0.002, "P(|z| > 2) = %g", (double)over2 / n);
    cr_assert(mx > 4.5 && mx <= 5.8, "max |z| %g (24-bit u1: at most 5.77)", mx);
    free(z);
}

/* A stated statistic: the three spellings of the spike amount agree, an
 * incomplete or contradictory set is refused, and a row's figures are
 * within 0.5/in of the target. */
Test(trace_gen, target_statistic_sets)
{
    trace_gen_cfg c;
    char *err = NULL;
    cr_assert_eq(trace_gen_preset("tiny", &c, NULL), AX_OK);
    cr_assert_str_eq(c.clamp, "on");
    cr_assert_eq(trace_gen_target_set(&c, 3, 0.184, -1, 0.6431, -1, &err), AX_OK, "%s", err);
    cr_assert_float_eq(c.target.ev_per_act, (1 - 0.6431) * 3, 1e-12);
    cr_assert_eq(trace_gen_target_set(&c, 7, 0.6431, -1, -1, 1.13, &err), AX_OK, "%s", err);
    cr_assert_float_eq(c.target.ev_per_act, (1 - 0.6431) * 1.13, 1e-12);
    trace_gen_stat st;
    trace_gen_target_stat(&c, 2560, &st);
    cr_assert(fabs(st.silent - 0.6431) <= 0.5 / 2560 &&
                  fabs(st.ev_per_act - 0.3569 * 1.13) <= 0.5 / 2560,
              "%g %g", st.silent, st.ev_per_act);
    cr_assert_float_eq(st.sparsity, 1 - st.ev_per_act / 7, 1e-12);
    cr_assert_float_eq(st.spikes_per_firing, st.ev_per_act / (1 - st.silent), 1e-12);
    /* contradictory: 0.5 events per activation cannot come from 10 % firing pairs of 3 steps */
    cr_assert_eq(trace_gen_target_set(&c, 3, 0.9, 0.5, -1, -1, &err), AX_EPARAM);
    cr_assert(strstr(err, "contradictory") && strstr(err, "[0.1, 0.3]"), "%s", err);
    free(err);
    err = NULL;
    cr_assert_eq(trace_gen_target_set(&c, 3, 0.1, 1, 0.5, -1, &err), AX_EPARAM);
    cr_assert(strstr(err, "more than one"), "%s", err);
    free(err);
    err = NULL;
    cr_assert_eq(trace_gen_target_set(&c, 0, 0.1, 1, -1, -1, &err), AX_EPARAM);
    free(err);
    err = NULL;
    cr_assert_eq(trace_gen_target_set(&c, 3, -1, 1, -1, -1, &err), AX_EPARAM);
    free(err);
    for (size_t i = 1; trace_gen_preset_name(i, NULL); i++)
        cr_assert_str_eq(trace_gen_preset_clamp(i), "-4095:4095");
}
