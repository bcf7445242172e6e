/*
 * Spike codings of Int2Spike (docs/design.md §2): how an integer count c becomes a
 * train of T spikes s_t in {-1, 0, +1} with step weights w_t such that
 * Σ_t s_t · w_t == c.
 *
 *   binary          c >= 0, s_t = 1 for t < c,            w_t = 1
 *   ternary         s_t = sign(c) for t < |c|,            w_t = 1
 *   bitwise         c >= 0, bits of c, MSB first,         w_t = 2^(T-1-t)
 *   bitwise-signed  bits of |c|, each set bit = sign(c),  w_t = 2^(T-1-t)
 *   bitwise-2c      T-bit two's complement, all spikes +1,
 *                   w_0 = -2^(T-1), w_t = 2^(T-1-t) for t > 0
 *
 * The reference T rules (taken over all counts of the input, as the
 * reference implementation does): binary max c, ternary max|c|, bitwise and
 * bitwise-signed max(1, ceil(log2(absmax+1))), bitwise-2c
 * max(2, ceil(log2(absmax+1)) + 1). ceil(log2(a+1)) is the bit length of a,
 * computed here in integers (no floating-point log). One deviation, for an
 * input whose counts are all zero: binary and ternary use T = 1 instead of
 * 0, so trains and firing rates stay defined (the train is all zeros
 * either way).
 *
 * A count that does not fit T is an error naming it, never truncated.
 *
 * With threads (spike_steps_resolve_par), the rule over all counts scans
 * chunks of SPIKE_RULE_CHUNK counts on the threads; each chunk keeps its
 * extremes and its first negative count, and the chunks are combined in
 * order (maxima, and the first chunk's negative), so T and the error are
 * those of one pass.
 */
#include "spike.h"

#include <stdlib.h>
#include <string.h>

static const char *const names[] = {"binary", "ternary", "bitwise", "bitwise-signed", "bitwise-2c"};

const char *spike_coding_name(spike_coding c)
{
    return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "?";
}

ax_result spike_coding_parse(const char *name, spike_coding *c, char **err)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (name && !strcmp(name, names[i])) {
            *c = (spike_coding)i;
            return AX_OK;
        }
    return ax_fail(err, AX_EPARAM,
                   "unknown coding '%s' (hint: one of binary, ternary, bitwise, bitwise-signed, "
                   "bitwise-2c)",
                   name ? name : "(null)");
}

int spike_coding_is_bitwise(spike_coding c)
{
    return c == SPIKE_BITWISE || c == SPIKE_BITWISE_SIGNED || c == SPIKE_BITWISE_2C;
}

static uint64_t mag(int32_t c)
{
    return c < 0 ? (uint64_t)(-(int64_t)c) : (uint64_t)c;
}

/* Bit length of a: ceil(log2(a + 1)); 0 for a = 0. */
static int bitlen(uint64_t a)
{
    return a ? 64 - __builtin_clzll(a) : 0;
}

/* Fewest steps that carry count c in coding, or -1 when no T can. */
static int64_t need_steps(spike_coding c, int32_t count)
{
    switch (c) {
    case SPIKE_BINARY: return count < 0 ? -1 : count;
    case SPIKE_TERNARY: return (int64_t)mag(count);
    case SPIKE_BITWISE: return count < 0 ? -1 : bitlen((uint64_t)count);
    case SPIKE_BITWISE_SIGNED: return bitlen(mag(count));
    case SPIKE_BITWISE_2C:
        return 1 + bitlen(count < 0 ? (uint64_t)(-((int64_t)count + 1)) : (uint64_t)count);
    }
    return -1;
}

static int max_steps(spike_coding c)
{
    return spike_coding_is_bitwise(c) ? SPIKE_MAX_BITWISE_STEPS : SPIKE_MAX_STEPS;
}

static ax_result check_T(spike_coding c, int T, char **err)
{
    if (T < 1 || T > max_steps(c))
        return ax_fail(err, AX_EPARAM, "T = %d steps is out of range for %s coding (hint: 1 to %d)",
                       T, spike_coding_name(c), max_steps(c));
    return AX_OK;
}

ax_result spike_check_fits(spike_coding c, int32_t count, int T, char **err)
{
    ax_result r = check_T(c, T, err);
    if (r)
        return r;
    int64_t need = need_steps(c, count);
    if (need < 0)
        return ax_fail(err, AX_ERANGE,
                       "count %d is negative, which %s coding cannot carry (hint: use ternary, "
                       "bitwise-signed or bitwise-2c)",
                       (int)count, spike_coding_name(c));
    if (need > T)
        return ax_fail(err, AX_ERANGE,
                       "count %d needs %lld steps of %s coding but T = %d (hint: raise --steps, "
                       "or use --steps auto / token)",
                       (int)count, (long long)need, spike_coding_name(c), T);
    return AX_OK;
}

int spike_bit(spike_coding c, int32_t count, int T, int t)
{
    if (t < 0 || t >= T)
        return 0;
    int b = T - 1 - t; /* bit index of step t for the bitwise codings */
    switch (c) {
    case SPIKE_BINARY: return count > 0 && t < count;
    case SPIKE_TERNARY: return (uint64_t)t < mag(count) ? (count > 0 ? 1 : -1) : 0;
    case SPIKE_BITWISE: return count >= 0 && b < 63 && ((uint64_t)count >> b & 1);
    case SPIKE_BITWISE_SIGNED: {
        int bit = b < 63 && (mag(count) >> b & 1);
        return count < 0 ? -bit : bit;
    }
    case SPIKE_BITWISE_2C: /* sign-extended: bits above 31 repeat the sign */
        return b < 64 ? (int)((uint64_t)(int64_t)count >> b & 1) : count < 0;
    }
    return 0;
}

int64_t spike_step_weight(spike_coding c, int T, int t)
{
    if (t < 0 || t >= T)
        return 0;
    if (!spike_coding_is_bitwise(c))
        return 1;
    int b = T - 1 - t;
    if (b > 62)
        return 0; /* beyond SPIKE_MAX_BITWISE_STEPS: never a valid T */
    int64_t w = (int64_t)1 << b;
    return c == SPIKE_BITWISE_2C && t == 0 ? -w : w;
}

int64_t spike_nspikes(spike_coding c, int32_t count, int T)
{
    if (T < 1)
        return 0;
    uint64_t m = mag(count);
    uint64_t mask = T >= 64 ? ~0ULL : (1ULL << T) - 1;
    switch (c) {
    case SPIKE_BINARY: return count > 0 ? (count < T ? count : T) : 0;
    case SPIKE_TERNARY: return m < (uint64_t)T ? (int64_t)m : T;
    case SPIKE_BITWISE: return count < 0 ? 0 : __builtin_popcountll((uint64_t)count & mask);
    case SPIKE_BITWISE_SIGNED: return __builtin_popcountll(m & mask);
    case SPIKE_BITWISE_2C: return __builtin_popcountll((uint64_t)(int64_t)count & mask);
    }
    return 0;
}

/* T from the counts' extremes: the largest count (binary), the largest
 * magnitude (ternary) or its bit length (bitwise; +1 for the sign of 2C),
 * at least 1 (2C: 2). */
static int64_t steps_of(spike_coding c, uint64_t absmax, int64_t cmax)
{
    int64_t T = 0;
    switch (c) {
    case SPIKE_BINARY: T = cmax; break;
    case SPIKE_TERNARY: T = (int64_t)absmax; break;
    case SPIKE_BITWISE:
    case SPIKE_BITWISE_SIGNED: T = bitlen(absmax); break;
    case SPIKE_BITWISE_2C: T = bitlen(absmax) + 1; break;
    }
    int64_t tmin = c == SPIKE_BITWISE_2C ? 2 : 1;
    return T < tmin ? tmin : T;
}

/* Reference T over n counts; on a negative count for binary/bitwise sets
 * *bad to its index and returns AX_ERANGE (message by the caller). */
static ax_result rule(spike_coding c, const int32_t *counts, size_t n, int64_t *T, size_t *bad)
{
    uint64_t absmax = 0;
    int64_t cmax = 0;
    int nonneg = c == SPIKE_BINARY || c == SPIKE_BITWISE;
    for (size_t i = 0; i < n; i++) {
        if (nonneg && counts[i] < 0) {
            *bad = i;
            return AX_ERANGE;
        }
        uint64_t m = mag(counts[i]);
        if (m > absmax)
            absmax = m;
        if (counts[i] > cmax)
            cmax = counts[i];
    }
    *T = steps_of(c, absmax, cmax);
    return AX_OK;
}

static ax_result too_many(spike_coding c, int64_t T, char **err)
{
    return ax_fail(err, AX_ERANGE,
                   "the counts need T = %lld steps of %s coding, above the limit %d (hint: clamp "
                   "the counts or use a bitwise coding)",
                   (long long)T, spike_coding_name(c), max_steps(c));
}

ax_result spike_steps_rule(spike_coding c, const int32_t *counts, size_t n, int *T, char **err)
{
    int64_t t;
    size_t bad = 0;
    if (rule(c, counts, n, &t, &bad))
        return ax_fail(err, AX_ERANGE,
                       "count[%zu] = %d is negative, which %s coding cannot carry (hint: use "
                       "ternary, bitwise-signed or bitwise-2c)",
                       bad, (int)counts[bad], spike_coding_name(c));
    if (t > max_steps(c))
        return too_many(c, t, err);
    *T = (int)t;
    return AX_OK;
}

#define SPIKE_RULE_CHUNK ((size_t)1 << 16)

typedef struct {
    uint64_t absmax;
    int64_t cmax;
    size_t bad; /* first negative count's index (binary/bitwise), or SIZE_MAX */
} rule_part;

typedef struct {
    spike_coding c;
    const int32_t *counts;
    rule_part *part; /* per chunk */
} rule_ctx;

static void rule_chunk(void *p, size_t b, size_t e, int worker)
{
    (void)worker;
    const rule_ctx *x = p;
    rule_part *q = &x->part[b / SPIKE_RULE_CHUNK];
    int nonneg = x->c == SPIKE_BINARY || x->c == SPIKE_BITWISE;
    uint64_t absmax = 0;
    int64_t cmax = 0;
    q->bad = SIZE_MAX;
    for (size_t i = b; i < e; i++) {
        int32_t v = x->counts[i];
        if (nonneg && v < 0) {
            q->bad = i;
            break;
        }
        uint64_t m = mag(v);
        absmax = m > absmax ? m : absmax;
        cmax = v > cmax ? v : cmax;
    }
    q->absmax = absmax;
    q->cmax = cmax;
}

/* rule() over n counts on the threads: the same T, the same first negative. */
static ax_result rule_par(spike_coding c, const int32_t *counts, size_t n, int threads, int64_t *T,
                          size_t *bad)
{
    size_t nch = (n + SPIKE_RULE_CHUNK - 1) / SPIKE_RULE_CHUNK;
    if (threads == 1 || nch < 2)
        return rule(c, counts, n, T, bad);
    rule_part *part = malloc(nch * sizeof *part);
    if (!part) /* no scratch: one pass, the same answer */
        return rule(c, counts, n, T, bad);
    rule_ctx x = {c, counts, part};
    ax_parallel_for(threads, n, SPIKE_RULE_CHUNK, rule_chunk, &x);
    uint64_t absmax = 0;
    int64_t cmax = 0;
    ax_result r = AX_OK;
    for (size_t k = 0; k < nch; k++) {
        if (part[k].bad != SIZE_MAX) {
            *bad = part[k].bad;
            r = AX_ERANGE;
            break;
        }
        absmax = part[k].absmax > absmax ? part[k].absmax : absmax;
        cmax = part[k].cmax > cmax ? part[k].cmax : cmax;
    }
    free(part);
    if (r)
        return r;
    *T = steps_of(c, absmax, cmax);
    return AX_OK;
}

ax_result spike_steps_resolve(spike_coding c, const int32_t *counts, size_t tokens, size_t d,
                              int steps, int *T_of, int *Tmax, char **err)
{
    return spike_steps_resolve_par(c, counts, tokens, d, steps, 1, T_of, Tmax, err);
}

ax_result spike_steps_resolve_par(spike_coding c, const int32_t *counts, size_t tokens, size_t d,
                                  int steps, int threads, int *T_of, int *Tmax, char **err)
{
    if (tokens == 0 || d == 0)
        return ax_fail(err, AX_ESHAPE, "counts [%zu tokens, %zu channels] are empty", tokens, d);
    if (steps < SPIKE_STEPS_TOKEN)
        return ax_fail(err, AX_EPARAM, "steps = %d is invalid (hint: a positive T, auto or token)",
                       steps);
    size_t n;
    if (ax_mul_size(tokens, d, &n))
        return ax_fail(err, AX_ESHAPE, "counts [%zu, %zu] overflow size_t", tokens, d);
    int64_t tall = steps;
    size_t bad = 0;
    if (steps == SPIKE_STEPS_AUTO && rule_par(c, counts, n, threads, &tall, &bad))
        goto negative;
    if (steps != SPIKE_STEPS_TOKEN && tall > max_steps(c))
        return steps > 0 ? check_T(c, steps, err) : too_many(c, tall, err);
    int top = 0;
    for (size_t tok = 0; tok < tokens; tok++) {
        const int32_t *row = counts + tok * d;
        int64_t T = tall;
        if (steps == SPIKE_STEPS_TOKEN) {
            if (rule(c, row, d, &T, &bad)) {
                bad += tok * d;
                goto negative;
            }
            if (T > max_steps(c)) {
                too_many(c, T, err);
                ax_err_prefix(err, "token %zu", tok);
                return AX_ERANGE;
            }
        } else if (steps > 0) {
            /* Fast path: the token's own rule T fits, so every count does
             * (the rule never asks fewer steps than a count needs). Else
             * check count by count: two's complement can fit below its
             * rule (-8 fits 4 steps, the rule asks 5), and the error must
             * name the offending count. */
            int64_t Trow;
            size_t badrow;
            if (!rule(c, row, d, &Trow, &badrow) && Trow <= T) {
                T_of[tok] = (int)T;
                if (T > top)
                    top = (int)T;
                continue;
            }
            for (size_t i = 0; i < d; i++) {
                ax_result r = spike_check_fits(c, row[i], (int)T, err);
                if (r) {
                    ax_err_prefix(err, "token %zu, channel %zu", tok, i);
                    return r;
                }
            }
        }
        T_of[tok] = (int)T;
        if (T > top)
            top = (int)T;
    }
    if (Tmax)
        *Tmax = top;
    return AX_OK;
negative:
    return ax_fail(err, AX_ERANGE,
                   "token %zu, channel %zu: count %d is negative, which %s coding cannot carry "
                   "(hint: use ternary, bitwise-signed or bitwise-2c)",
                   bad / d, bad % d, (int)counts[bad], spike_coding_name(c));
}
