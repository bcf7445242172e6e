/*
 * axon-cosim — the RTL side of `axon cosim` (cli/cmd_cosim.c execs it): the
 * main of the helper program that mk/rtl.mk links, once per Verilated
 * variant, with the shim (rtl/shim/), the model and libaxon, so the plain
 * axon binary never needs Verilator. It parses the same options as the front
 * end, checks them against the build (tile, lanes, sync/async), builds the
 * event stream (--random, --weights or --image: the helper opens the core
 * image itself and feeds both sides one core's rows, rtl/shim/
 * axon_image_core.h, so the C model, the RTL and `axon run --image` see the
 * same mapping), runs both sides in lockstep (rtl/shim/axon_cosim.h) and
 * prints the first divergence or the figures of a match. Not in
 * libaxon-cli.a: only `make rtl` compiles it.
 */
#include "cmd.h"
#include "cmd_cosim.h"

#include "../rtl/shim/axon_cosim.h"
#include "../rtl/shim/axon_cosim_stream.h"
#include "../traces/trace.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* acc [tokens][p->cols] -> safetensors `acc` int32 [tokens, cols_used]. */
static ax_result write_acc(const char *path, const int32_t *acc, const axon_rtl_params *p,
                           const cosim_stream *st, const cmd_cosim_opts *o,
                           const axon_image_core *ic, char **err)
{
    size_t n = st->tokens * st->cols_used;
    int32_t *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return ax_fail(err, AX_ENOMEM, "cosim: out of memory");
    for (size_t t = 0; t < st->tokens; t++)
        memcpy(v + t * st->cols_used, acc + t * (size_t)p->cols, st->cols_used * sizeof *v);
    trace_writer *w = NULL;
    int64_t shape[2] = {(int64_t)st->tokens, (int64_t)st->cols_used};
    char b[6][64];
    snprintf(b[0], sizeof b[0], "%s", o->image ? "image" : o->random ? "random" : "weights");
    snprintf(b[1], sizeof b[1], "%ld", o->image ? (long)ic->core : 0L);
    snprintf(b[2], sizeof b[2], "%u", o->image ? ic->info.row0 : 0u);
    snprintf(b[3], sizeof b[3], "%u", o->image ? ic->info.col0 : 0u);
    snprintf(b[4], sizeof b[4], "%d", st->permuted);
    snprintf(b[5], sizeof b[5], "%s", axon_rtl_variant());
    const char *key[6] = {"source", "core", "row0", "col0", "permuted", "rtl_variant"};
    ax_result r = trace_writer_new(&w, err);
    for (int k = 0; k < 6 && !r; k++)
        r = trace_writer_meta(w, key[k], b[k], err);
    if (!r && (o->layer || o->image))
        r = trace_writer_meta(w, "layer", o->image ? ic->layer->name : o->layer, err);
    if (!r)
        r = trace_writer_add(w, "acc", TRACE_I32, 2, shape, v, err);
    if (!r)
        r = trace_writer_save(w, path, err);
    trace_writer_free(w);
    free(v);
    return r;
}

static int cosim_rtl(int argc, char **argv)
{
    cmd_cosim_opts o;
    int rc = cmd_cosim_parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? CMD_OK : rc;
    axon_rtl_params p;
    axon_rtl_built(&p);
    if (o.tile_r && (o.tile_r != p.rows || o.tile_c != p.cols))
        return cmd_usage("cosim",
                         "--tile %ldx%ld: RTL build '%s' is %dx%d (hint: make rtl "
                         "RTL_PARAMS='R=%ld C=%ld ...', or --rtl DIR of a matching build)",
                         o.tile_r, o.tile_c, axon_rtl_variant(), p.rows, p.cols, o.tile_r,
                         o.tile_c);
    if (o.lanes && o.lanes != p.lanes)
        return cmd_usage("cosim",
                         "--lanes %ld: RTL build '%s' has %d lanes (hint: rebuild with "
                         "RTL_PARAMS, see docs/rtl.md)",
                         o.lanes, axon_rtl_variant(), p.lanes);
    if (o.async != p.async)
        return cmd_usage("cosim", "%s: RTL build '%s' is %s (hint: %s)",
                         o.async ? "--async" : "sync run", axon_rtl_variant(),
                         p.async ? "async" : "sync",
                         o.async ? "make rtl builds build/rtl/async"
                                 : "drop --rtl or use a sync build");
    sim_config cfg;
    cosim_stream_sim_config(&p, &cfg);
    char *err = NULL;
    cosim_stream st;
    axon_image_core ic;
    memset(&ic, 0, sizeof ic);
    ax_result r;
    if (o.image) {
        /* the helper reads the image itself (full validation; a damaged file
         * is named with the offset); a core of another tile is a usage error */
        r = axon_image_core_open(o.image, o.layer, o.core, p.rows, p.cols, &ic, &err);
        if (r == AX_EPARAM)
            return cmd_usage_err("cosim", err);
        if (r)
            return cmd_fail("cosim", err);
        r = cosim_stream_image(&p, &ic, o.trace, o.coding, (int)o.steps, (size_t)o.tokens, &st,
                               &err);
    } else {
        r = o.random ? cosim_stream_random_contract(&p, (size_t)o.random, o.seed, &st, &err)
                     : cosim_stream_files(&p, o.weights, o.trace, o.layer, o.coding, (int)o.steps,
                                          (size_t)o.tokens, &st, &err);
    }
    if (r) {
        axon_image_core_close(&ic);
        return cmd_fail("cosim", err);
    }
    if (o.image)
        printf("cosim: core %zu of %s: layer %s [%zu, %zu], tile (%u, %u), inputs %u..%u%s, "
               "outputs %u..%u\n",
               ic.core, o.image, ic.layer->name, ic.layer->out, ic.layer->in, ic.info.r, ic.info.c,
               ic.info.row0, ic.info.row0 + ic.info.rows_used - 1,
               st.permuted ? " of the image's channel order (input channels permuted)" : "",
               ic.info.col0, ic.info.col0 + ic.info.cols_used - 1);
    cosim_stream_chip_config(&st, &cfg);
    if (st.chip)
        printf("cosim: core 1 of a 1x2 chip (hop %d %s, link %d bits): items arrive after "
               "hops and link serialization\n",
               p.async ? (int)st.hop_ps : st.hop_cycles, p.async ? "ps" : "cycles", st.link_bits);
    int32_t *acc = NULL;
    if (o.out && !(acc = calloc(st.tokens * (size_t)p.cols + 1, sizeof *acc))) {
        axon_image_core_close(&ic);
        cosim_stream_free(&st);
        return cmd_fail("cosim", strdup("out of memory for the accumulators"));
    }
    /* clang-format off */
    axon_cosim_job j = {p, &cfg, &st.qw, st.ev, st.nev, st.tok_start, st.tokens, o.seed,
                        o.wave, o.wave_window, o.wave_window, o.verbose, acc, st.chip ? 1 : 0,
                        st.chip ? (size_t)p.cols : 0};
    /* clang-format on */
    axon_cosim_result res;
    r = axon_cosim_run(&j, &res, &err);
    const char *unit = p.async ? "ps" : "cycles";
    if (r == AX_EMISMATCH) {
        printf("cosim: MISMATCH (%s): %s\n", axon_rtl_variant(), err);
        printf("cosim: %" PRIu64 " stamps and %" PRIu64 " accumulators matched before it\n",
               res.stamps, res.accs);
        free(err);
        free(acc);
        axon_image_core_close(&ic);
        cosim_stream_free(&st);
        return CMD_FAIL;
    }
    if (r) {
        free(acc);
        axon_image_core_close(&ic);
        cosim_stream_free(&st);
        return cmd_fail("cosim", err);
    }
    printf("cosim: OK (%s, R=%d C=%d L=%d Ls=%d F=%d A=%d RB=%d db=%d gating=%d%s%s): %zu tokens, "
           "%" PRIu64 " items, %" PRIu64 " stamps and %" PRIu64 " accumulators equal; "
           "end %" PRId64 " %s (RTL) = %" PRId64 " %s (C model); overflow flag %d on both sides\n",
           axon_rtl_variant(), p.rows, p.cols, p.lanes, p.sram_latency, p.fifo_depth, p.acc_bits,
           p.readout_bits, p.double_buffer, p.zero_gating, p.row_reuse ? " row-reuse" : "",
           p.clock_gating ? " clock-gated" : "", st.tokens, res.items, res.stamps, res.accs,
           res.end_rtl, unit, res.end_sim, unit, res.ovf);
    if (o.verbose)
        printf("cosim: activity equal: %" PRIu64 " SRAM words read, %" PRIu64
               " skipped, %s %" PRIu64 "\n",
               res.rtl_words, res.rtl_skipped, p.async ? "handshakes" : "lane additions",
               p.async ? res.rtl_hs : res.rtl_adds);
    if (o.verbose && p.batch_tokens > 1)
        printf("cosim: token batches of %d tokens (weight-stationary, %d accumulator sets)\n",
               p.batch_tokens, p.batch_tokens * (p.double_buffer ? 2 : 1));
    if (o.verbose && p.row_reuse)
        printf("cosim: row reuse equal: %" PRIu64 " word slots added from the row register\n",
               res.rtl_reused);
    rc = CMD_OK;
    if (o.out) {
        if ((r = write_acc(o.out, acc, &p, &st, &o, &ic, &err)))
            rc = cmd_fail("cosim", err);
        else
            printf("cosim: accumulators of %zu tokens x %zu outputs in %s\n", st.tokens,
                   st.cols_used, o.out);
    }
    free(acc);
    axon_image_core_close(&ic);
    cosim_stream_free(&st);
    return rc;
}

int main(int argc, char **argv)
{
    argv[0] = "cosim";
    return cosim_rtl(argc, argv);
}
