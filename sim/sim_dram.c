/*
 * DRAM weight streaming (docs/design.md §3: a burst is fetched unless every
 * axon it holds is silent, so layout and channel reordering matter). With
 * cfg.dram = 1 no weight is resident: every core streams its tile from DRAM
 * for every token. The layout is the mapper's (mapper/map.h, map_layout.c):
 * a tile is stored in its SRAM form, row per axon (C bytes), in bursts of B
 * bytes aligned to the tile start; burst b holds the rows that meet bytes
 * [bB, bB + B); a burst is fetched for a token unless every axon it holds is
 * silent in that token (padding rows are silent). Total bursts fetched are
 * therefore map_layout_bursts' count (tested).
 *
 * Timing (defined here, docs/sim.md "DRAM"): one burst channel per core,
 * a double-buffered weight buffer. The fetch of token n starts at
 *   f_n = max(channel free, start of the EOT of token n-2 at this core)
 * (the buffer that held token n-2 is free once its last event was read);
 * the needed bursts come in ascending order, the i-th (1-based) ready at
 * f_n + latency + i·t_burst; the channel is free again at f_n + m·t_burst.
 * An event is available to the core at max(its NoC arrival, the ready time
 * of the last burst of its axon's row): the core timing contract is
 * unchanged, DRAM only moves arr_k. An EOT needs no weights.
 */
#include "sim_int.h"

#include <stdlib.h>

static inline int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

ax_result sim_dram_init(struct sim *s, char **err)
{
    if (!s->cfg.dram)
        return AX_OK;
    const size_t C = (size_t)s->cfg.cols, B = (size_t)s->cfg.dram_burst_bytes;
    const size_t nb = ((size_t)s->cfg.rows * C + B - 1) / B;
    size_t cells;
    s->dram_nb = nb;
    if (ax_mul_size(s->nrb * s->tokens, nb, &cells) || cells > ((size_t)1 << 28))
        return ax_fail(err, AX_ENOMEM,
                       "DRAM streaming needs %zu x %zu x %zu burst entries "
                       "(hint: a larger --burst, or fewer tokens)",
                       s->nrb, s->tokens, nb);
    s->dc = calloc(s->ncores, sizeof *s->dc);
    s->dram_rank = calloc(cells ? cells : 1, sizeof *s->dram_rank);
    s->dram_m = calloc(s->nrb * s->tokens + 1, sizeof *s->dram_m);
    if (!s->dc || !s->dram_rank || !s->dram_m)
        return ax_fail(err, AX_ENOMEM, "out of memory for DRAM streaming state");
    for (size_t c = 0; c < s->ncores; c++)
        s->dc[c].eot_s[0] = s->dc[c].eot_s[1] = SIM_NEG_INF;
    /* which bursts each (row-block, token) needs, and their fetch order */
    for (size_t rb = 0; rb < s->nrb; rb++) {
        size_t k = 0;
        for (size_t n = 0; n < s->tokens; n++, k++) {
            uint32_t *rank = s->dram_rank + (rb * s->tokens + n) * nb, m = 0;
            for (; !sim_item_is_eot(s->items[rb][k]); k++) {
                size_t row = s->ev[s->items[rb][k]].axon - s->rb_lo[rb];
                for (size_t b = row * C / B; b <= ((row + 1) * C - 1) / B; b++)
                    rank[b] = 1;
            }
            for (size_t b = 0; b < nb; b++)
                if (rank[b])
                    rank[b] = ++m;
            s->dram_m[rb * s->tokens + n] = m;
        }
    }
    return AX_OK;
}

int64_t sim_dram_arrival(struct sim *s, size_t rb, size_t cb, size_t k, int64_t arr)
{
    size_t core = rb * s->ncb + cb;
    sim_dram_core *d = &s->dc[core];
    sim_counters *c = &s->cs[core].c;
    const sim_tparams *tp = &s->tp;
    int64_t it = s->items[rb][k];
    size_t n = sim_item_token(s, it), x = rb * s->tokens + n;
    if (k == 0 || sim_item_is_eot(s->items[rb][k - 1])) { /* the token's first item here */
        uint32_t m = s->dram_m[x];
        d->f = max64(max64(d->fetch_end, d->eot_s[n % 2]), 0);
        if (m)
            d->fetch_end = d->f + (int64_t)m * tp->dram_tb;
        c->dram_bursts += m;
        c->dram_bursts_skipped += s->dram_nb - m;
    }
    if (sim_item_is_eot(it))
        return arr;
    const size_t C = (size_t)s->cfg.cols, B = (size_t)s->cfg.dram_burst_bytes;
    size_t row = s->ev[it].axon - s->rb_lo[rb], last = ((row + 1) * C - 1) / B;
    int64_t ready = d->f + tp->dram_lat +
                    (int64_t)s->dram_rank[x * s->dram_nb + last] * tp->dram_tb;
    return ready > arr ? ready : arr;
}

void sim_dram_eot(struct sim *s, size_t core, size_t n, int64_t s_eot)
{
    s->dc[core].eot_s[n % 2] = s_eot; /* read by token n + 2 */
}

void sim_dram_free(struct sim *s)
{
    free(s->dc);
    free(s->dram_rank);
    free(s->dram_m);
}
