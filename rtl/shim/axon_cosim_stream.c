/*
 * axon_cosim_stream — builds the stream for `axon cosim` (see the header).
 * Random streams use splitmix64 so a seed gives the same stream everywhere.
 */
#include "axon_cosim_stream.h"

#include "../../traces/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t next(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static double unif(uint64_t *x)
{
    return (double)(next(x) >> 11) / 9007199254740992.0;
}

void cosim_stream_free(cosim_stream *s)
{
    if (!s)
        return;
    map_qweight_free(&s->qw);
    free(s->ev);
    free(s->tok_start);
    memset(s, 0, sizeof *s);
}

void cosim_stream_sim_config(const axon_rtl_params *p, sim_config *cfg)
{
    sim_config_default(cfg);
    cfg->rows = p->rows;
    cfg->cols = p->cols;
    cfg->lanes = p->lanes;
    cfg->sram_latency = p->sram_latency;
    cfg->fifo_depth = p->fifo_depth;
    cfg->acc_bits = p->acc_bits;
    cfg->readout_bits = p->readout_bits;
    cfg->double_buffer = p->double_buffer;
    cfg->zero_gating = p->zero_gating;
    cfg->row_reuse = p->row_reuse;
    cfg->batch_tokens = p->batch_tokens > 1 ? p->batch_tokens : 1;
    cfg->clock_gating = p->clock_gating;
    cfg->mesh_w = cfg->mesh_h = 1;
    cfg->timing = p->async ? SIM_ASYNC : SIM_SYNC;
    if (p->async) {
        cfg->handshake = p->handshake == 2 ? SIM_HS_2PHASE : SIM_HS_4PHASE;
        cfg->t_req_ps = p->t_req_ps;
        cfg->t_ack_ps = p->t_ack_ps;
        cfg->t_decode_ps = p->t_decode_ps;
        cfg->t_sram_ps = p->t_sram_ps;
        cfg->t_add_ps = p->t_add_ps;
        cfg->t_readout_ps = p->t_readout_ps;
    }
}

void cosim_stream_chip_config(const cosim_stream *s, sim_config *cfg)
{
    if (!s->chip)
        return;
    cfg->mesh_w = 2;
    cfg->mesh_h = 1;
    cfg->hop_cycles = s->hop_cycles;
    cfg->hop_ps = s->hop_ps;
    cfg->link_bits = s->link_bits;
}

static ax_result push_ev(cosim_stream *s, size_t *cap, spike_event e, char **err)
{
    if (s->nev == *cap) {
        size_t c = *cap ? 2 * *cap : 1024;
        spike_event *v = realloc(s->ev, c * sizeof *v);
        if (!v)
            return ax_fail(err, AX_ENOMEM, "cosim: out of memory for %zu events", c);
        s->ev = v;
        *cap = c;
    }
    s->ev[s->nev++] = e;
    return AX_OK;
}

int cosim_stream_alloc(cosim_stream *s, size_t R, size_t out, size_t cols_used, size_t tokens)
{
    s->qw.out = out;
    s->qw.in = R;
    s->qw.group = R;
    s->qw.ngroups = 1;
    s->cols_used = cols_used;
    s->qw.q = calloc(out * R > 0 ? out * R : 1, 1);
    s->qw.scale = calloc(out ? out : 1, sizeof(float));
    s->tok_start = calloc(tokens + 1, sizeof *s->tok_start);
    if (!s->qw.q || !s->qw.scale || !s->tok_start)
        return -1;
    for (size_t j = 0; j < out; j++)
        s->qw.scale[j] = 1.0f;
    return 0;
}

ax_result cosim_stream_random(const axon_rtl_params *p, size_t tokens, uint64_t seed,
                              cosim_stream *s, char **err)
{
    memset(s, 0, sizeof *s);
    size_t R = (size_t)p->rows, C = (size_t)p->cols, L = (size_t)p->lanes;
    uint64_t x = seed * 0x2545F4914F6CDD1DULL + 1;
    if (cosim_stream_alloc(s, R, C, C, tokens)) {
        cosim_stream_free(s);
        return ax_fail(err, AX_ENOMEM, "cosim: out of memory");
    }
    for (size_t i = 0; i < R; i++) {
        for (size_t j = 0; j < C; j++)
            if (unif(&x) < 0.7)
                s->qw.q[j * R + i] = (int8_t)((int)(next(&x) % 255) - 127);
        for (size_t w = 0; w * L < C; w++) /* some all-zero words, for zero gating */
            if (unif(&x) < 0.25)
                for (size_t j = w * L; j < C && j < (w + 1) * L; j++)
                    s->qw.q[j * R + i] = 0;
    }
    static const int steps_choice[] = {0, 1, 2, 3, 5};
    static const double dens_choice[] = {0.0, 0.05, 0.2, 0.6, 1.0};
    static const int shift_choice[] = {0, 0, 1, 2, 3, 7};
    size_t cap = 0;
    s->tokens = tokens;
    for (size_t t = 0; t < tokens; t++) {
        s->tok_start[t] = s->nev;
        int T = steps_choice[next(&x) % 5];
        double d = dens_choice[next(&x) % 5];
        for (int st = 0; st < T; st++)
            for (size_t i = 0; i < R; i++)
                if (unif(&x) < d) {
                    spike_event e = {(uint32_t)t, (uint16_t)st, (uint8_t)(next(&x) & 1),
                                     (uint8_t)shift_choice[next(&x) % 6], (uint32_t)i};
                    ax_result r = push_ev(s, &cap, e, err);
                    if (r) {
                        cosim_stream_free(s);
                        return r;
                    }
                }
    }
    s->tok_start[tokens] = s->nev;
    return AX_OK;
}

ax_result cosim_stream_random_contract(const axon_rtl_params *p, size_t tokens, uint64_t seed,
                                       cosim_stream *s, char **err)
{
    memset(s, 0, sizeof *s);
    size_t R = (size_t)p->rows, C = (size_t)p->cols, L = (size_t)p->lanes;
    uint64_t x = seed * 0x2545F4914F6CDD1DULL + 1;
    /* per run: quiet (shifts 0..1, sparse, short: no overflow even at A = 16),
     * small (shifts up to 7) or wide (shifts 0..23 and bitwise counts up to
     * 2^24 - 1: overflows) by seed % 3; one core at arrival 0, or core 1 of a
     * 1 x 2 chip by seed / 3 % 2, so six consecutive seeds give every pair */
    const int mode = (int)(seed % 3), wide = mode == 2, quiet = mode == 0;
    s->chip = tokens > 0 && (seed / 3) % 2;
    static const int link_choice[] = {1, 5, 8, 16, 64};
    s->hop_cycles = (int)(next(&x) % 4);
    s->hop_ps = (int64_t)(next(&x) % 900);
    s->link_bits = link_choice[next(&x) % 5];
    const size_t C0 = s->chip ? C : 0; /* core 1's columns start at C0 */
    if (cosim_stream_alloc(s, R, C0 + C, C, tokens)) {
        cosim_stream_free(s);
        return ax_fail(err, AX_ENOMEM, "cosim: out of memory");
    }
    int8_t *q = s->qw.q + C0 * R;
    /* wide one-core runs only go down (weights >= 0, every spike negative): an
     * overflow flag that misses negative overflows is caught there */
    const int down = wide && !s->chip;
    for (size_t i = 0; i < R; i++) {
        for (size_t j = 0; j < C; j++)
            if (unif(&x) < 0.7)
                q[j * R + i] = (int8_t)((int)(next(&x) % 255) - 127);
        if (down)
            for (size_t j = 0; j < C; j++)
                q[j * R + i] = (int8_t)(q[j * R + i] < 0 ? -q[j * R + i] : q[j * R + i]);
        for (size_t w = 0; w * L < C; w++) /* some all-zero words, for zero gating */
            if (unif(&x) < 0.25)
                for (size_t j = w * L; j < C && j < (w + 1) * L; j++)
                    q[j * R + i] = 0;
        if (!quiet && unif(&x) < 0.1) /* extremes: every weight +127 or -128 */
            for (size_t j = 0; j < C; j++)
                q[j * R + i] = (down || (next(&x) & 1)) ? 127 : -128;
    }
    static const int steps_choice[] = {0, 1, 2, 3, 5, 8};
    static const double dens_choice[] = {0.0, 0.05, 0.2, 0.6, 1.0};
    static const int shift_choice[] = {0, 0, 1, 2, 3, 7};
    size_t cap = 0;
    s->tokens = tokens;
    uint32_t *cnt = calloc(R ? R : 1, sizeof *cnt);
    uint8_t *cneg = calloc(R ? R : 1, 1);
    if (!cnt || !cneg) {
        free(cnt);
        free(cneg);
        cosim_stream_free(s);
        return ax_fail(err, AX_ENOMEM, "cosim: out of memory");
    }
    ax_result r = AX_OK;
    for (size_t t = 0; t < tokens && !r; t++) {
        s->tok_start[t] = s->nev;
        double d = dens_choice[next(&x) % (quiet ? 3 : 5)];
        if (wide && next(&x) % 3 == 0) {
            /* bitwise counts: axon i spikes at step b with shift b for every set
             * bit b of its count, counts up to 2^(AXON_RTL_MAX_SHIFT+1) - 1 */
            for (size_t i = 0; i < R; i++) {
                cnt[i] = unif(&x) < d ? (uint32_t)(next(&x) >> (64 - (AXON_RTL_MAX_SHIFT + 1))) : 0;
                if (next(&x) % 4 == 0)
                    cnt[i] = (1u << (AXON_RTL_MAX_SHIFT + 1)) - 1;
                cneg[i] = (uint8_t)(down || (next(&x) & 1));
            }
            for (int b = 0; b <= AXON_RTL_MAX_SHIFT && !r; b++)
                for (size_t i = 0; i < R && !r; i++)
                    if ((cnt[i] >> b) & 1) {
                        spike_event e = {(uint32_t)t, (uint16_t)b, cneg[i], (uint8_t)b,
                                         (uint32_t)i};
                        r = push_ev(s, &cap, e, err);
                    }
            continue;
        }
        int T = steps_choice[next(&x) % (quiet ? 4 : 6)];
        for (int st = 0; st < T && !r; st++)
            for (size_t i = 0; i < R && !r; i++)
                if (unif(&x) < d) {
                    int sh = wide    ? (int)(next(&x) % (AXON_RTL_MAX_SHIFT + 1))
                             : quiet ? (int)(next(&x) & 1)
                                     : shift_choice[next(&x) % 6];
                    spike_event e = {(uint32_t)t, (uint16_t)st, (uint8_t)(down || (next(&x) & 1)),
                                     (uint8_t)sh, (uint32_t)i};
                    r = push_ev(s, &cap, e, err);
                }
    }
    free(cnt);
    free(cneg);
    if (r) {
        cosim_stream_free(s);
        return r;
    }
    s->tok_start[tokens] = s->nev;
    return AX_OK;
}

ax_result cosim_stream_counts(const char *trace, const char *layer, size_t in, size_t max_tokens,
                              int32_t **counts_out, size_t *tokens_out, char **err)
{
    *counts_out = NULL;
    *tokens_out = 0;
    trace_file *tf = NULL;
    float *xin = NULL;
    int32_t *counts = NULL;
    char name[1100];
    ax_result r = trace_open(trace, &tf, err);
    if (r)
        return r;
    snprintf(name, sizeof name, "%s.input", layer);
    const trace_tensor *t = trace_find(tf, name);
    if (!t) {
        r = ax_fail(err, AX_ENOTFOUND,
                    "%s: no tensor '%s' (hint: the trace must hold <layer>.input [tokens, in])",
                    trace, name);
        goto out;
    }
    if (t->ndim != 2 || (size_t)t->shape[1] != in) {
        r = ax_fail(err, AX_ESHAPE,
                    "%s: '%s' has %d dims / %lld inputs, the layer has %zu inputs "
                    "(hint: trace and weights of the same layer)",
                    trace, name, t->ndim, t->ndim > 1 ? (long long)t->shape[1] : -1LL, in);
        goto out;
    }
    size_t tokens = (size_t)t->shape[0];
    if (max_tokens && max_tokens < tokens)
        tokens = max_tokens;
    xin = malloc((trace_numel(t) ? trace_numel(t) : 1) * sizeof *xin);
    counts = malloc((tokens * in + 1) * sizeof *counts);
    if (!xin || !counts) {
        r = ax_fail(err, AX_ENOMEM, "cosim: out of memory for %zu x %zu activations", tokens, in);
        goto out;
    }
    if (trace_dtype_is_int(t->dtype)) {
        int32_t *all = (int32_t *)xin; /* same size as float */
        if ((r = trace_to_i32(t, all, err)))
            goto out;
        memcpy(counts, all, tokens * in * sizeof *counts);
    } else {
        spike_params sp;
        spike_params_default(&sp);
        if ((r = trace_to_f32(t, xin, err)))
            goto out;
        if ((r = spike_counts(xin, tokens, in, &sp, counts, NULL, err)))
            goto out;
    }
    *counts_out = counts;
    *tokens_out = tokens;
    counts = NULL;
out:
    free(xin);
    free(counts);
    trace_close(tf);
    return r;
}

ax_result cosim_stream_events(const char *trace, const char *coding, int steps,
                              const int32_t *counts, size_t tokens, size_t in, size_t a0, size_t n,
                              cosim_stream *s, char **err)
{
    spike_coding cd;
    ax_result r = spike_coding_parse(coding, &cd, err);
    if (r)
        return r;
    spike_event *ev = NULL;
    size_t nev = 0, *ts = calloc(tokens + 1, sizeof *ts);
    if (!ts)
        return ax_fail(err, AX_ENOMEM, "cosim: out of memory");
    if ((r = spike_events(cd, counts, tokens, in, steps ? steps : SPIKE_STEPS_AUTO, &ev, &nev, ts,
                          NULL, err)))
        goto out;
    s->ev = malloc((nev ? nev : 1) * sizeof *s->ev);
    s->tok_start = calloc(tokens + 1, sizeof *s->tok_start);
    if (!s->ev || !s->tok_start) {
        r = ax_fail(err, AX_ENOMEM, "cosim: out of memory");
        goto out;
    }
    s->nev = 0;
    s->tokens = tokens;
    for (size_t k = 0; k < tokens; k++) {
        s->tok_start[k] = s->nev;
        for (size_t e = ts[k]; e < ts[k + 1]; e++) {
            if (ev[e].axon < a0 || ev[e].axon >= a0 + n)
                continue;
            if (ev[e].shift > AXON_RTL_MAX_SHIFT) {
                r = ax_fail(err, AX_ERANGE,
                            "%s: token %zu: step weight 2^%d is above the core's "
                            "largest shift %d (hint: --steps %d or fewer)",
                            trace, k, ev[e].shift, AXON_RTL_MAX_SHIFT, AXON_RTL_MAX_SHIFT + 1);
                goto out;
            }
            s->ev[s->nev] = ev[e];
            s->ev[s->nev++].axon -= (uint32_t)a0;
        }
    }
    s->tok_start[tokens] = s->nev;
out:
    free(ev);
    free(ts);
    return r;
}

ax_result cosim_stream_files(const axon_rtl_params *p, const char *weights, const char *trace,
                             const char *layer, const char *coding, int steps, size_t max_tokens,
                             cosim_stream *s, char **err)
{
    memset(s, 0, sizeof *s);
    trace_file *wf = NULL;
    map_qweight full;
    memset(&full, 0, sizeof full);
    int32_t *counts = NULL;
    size_t tokens = 0;
    ax_result r;
    if ((r = trace_open(weights, &wf, err)))
        goto out;
    if ((r = map_qweight_load(wf, layer, 0, &full, err)))
        goto out;
    if ((r = cosim_stream_counts(trace, layer, full.in, max_tokens, &counts, &tokens, err)))
        goto out;
    /* the first R x C tile: outputs 0..C-1, axons 0..R-1 */
    size_t in = full.in;
    size_t R = in < (size_t)p->rows ? in : (size_t)p->rows;
    size_t C = full.out < (size_t)p->cols ? full.out : (size_t)p->cols;
    s->qw.out = C;
    s->qw.in = R;
    s->qw.group = R;
    s->qw.ngroups = 1;
    s->qw.q = malloc(C * R);
    s->qw.scale = calloc(C, sizeof(float));
    s->cols_used = C;
    if (!s->qw.q || !s->qw.scale) {
        r = ax_fail(err, AX_ENOMEM, "cosim: out of memory");
        goto out;
    }
    for (size_t j = 0; j < C; j++)
        for (size_t i = 0; i < R; i++)
            s->qw.q[j * R + i] = full.q[j * in + i];
    r = cosim_stream_events(trace, coding, steps, counts, tokens, in, 0, R, s, err);
out:
    if (r)
        cosim_stream_free(s);
    free(counts);
    map_qweight_free(&full);
    trace_close(wf);
    return r;
}

ax_result cosim_stream_image(const axon_rtl_params *p, const axon_image_core *ic, const char *trace,
                             const char *coding, int steps, size_t max_tokens, cosim_stream *s,
                             char **err)
{
    memset(s, 0, sizeof *s);
    const map_image_layer *L = ic->layer;
    const size_t R = (size_t)ic->R, C = (size_t)ic->C, in = L->in;
    if (ic->R != p->rows || ic->C != p->cols)
        return ax_fail(err, AX_EPARAM, "cosim: image tile %dx%d, RTL core %dx%d", ic->R, ic->C,
                       p->rows, p->cols);
    int32_t *counts = NULL, *pc = NULL;
    uint32_t *perm = NULL;
    map_qweight lw;
    memset(&lw, 0, sizeof lw);
    size_t tokens = 0;
    ax_result r = cosim_stream_counts(trace, L->name, in, max_tokens, &counts, &tokens, err);
    if (r)
        goto out;
    if (L->permuted) {
        /* the core holds positions row0.. of the image's channel order: the
         * trace's channels go through the same permutation (docs/core-image.md) */
        if ((r = map_image_load_layer(ic->img, ic->layer_index, 0, &lw, &perm, err)))
            goto out;
        pc = malloc((tokens * in + 1) * sizeof *pc);
        if (!pc) {
            r = ax_fail(err, AX_ENOMEM, "cosim: out of memory for %zu x %zu counts", tokens, in);
            goto out;
        }
        map_counts_permute(counts, tokens, in, perm, pc);
        free(counts);
        counts = pc;
        pc = NULL;
        s->permuted = 1;
    }
    /* both sides get the image's R x C rows verbatim, padding included */
    s->qw.out = C;
    s->qw.in = R;
    s->qw.group = R;
    s->qw.ngroups = 1;
    s->qw.q = malloc(C * R);
    s->qw.scale = calloc(C, sizeof(float));
    s->cols_used = ic->info.cols_used;
    if (!s->qw.q || !s->qw.scale) {
        r = ax_fail(err, AX_ENOMEM, "cosim: out of memory");
        goto out;
    }
    for (size_t j = 0; j < C; j++)
        for (size_t k = 0; k < R; k++)
            s->qw.q[j * R + k] = ic->rows[k * C + j];
    r = cosim_stream_events(trace, coding, steps, counts, tokens, in, ic->info.row0,
                            ic->info.rows_used, s, err);
out:
    if (r)
        cosim_stream_free(s);
    free(counts);
    free(pc);
    free(perm);
    map_qweight_free(&lw);
    return r;
}
