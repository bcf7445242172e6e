/*
 * Element types of traces and their conversions. Narrowing float32 to
 * float16 (IEEE 754 binary16) and to bfloat16 (the top 16 bits of a
 * float32) rounds to nearest, ties to even, as IEEE 754-2008 §4.3.1
 * requires and as PyTorch's `tensor.to(torch.bfloat16)` and numpy's
 * `astype(np.float16)` do; NaN stays NaN (quiet), overflow becomes Inf.
 */
#include "trace_int.h"

#include <math.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    size_t size;
    int is_int;
} dtypes[] = {
    [TRACE_F32] = {"F32", 4, 0}, [TRACE_F16] = {"F16", 2, 0}, [TRACE_BF16] = {"BF16", 2, 0},
    [TRACE_I8] = {"I8", 1, 1},   [TRACE_U8] = {"U8", 1, 1},   [TRACE_I16] = {"I16", 2, 1},
    [TRACE_I32] = {"I32", 4, 1}, [TRACE_I64] = {"I64", 8, 1},
};
#define NDTYPES ((int)(sizeof dtypes / sizeof dtypes[0]))

size_t trace_dtype_size(trace_dtype dt)
{
    return (int)dt >= 0 && (int)dt < NDTYPES ? dtypes[dt].size : 0;
}

const char *trace_dtype_name(trace_dtype dt)
{
    return (int)dt >= 0 && (int)dt < NDTYPES ? dtypes[dt].name : "?";
}

int trace_dtype_is_int(trace_dtype dt)
{
    return (int)dt >= 0 && (int)dt < NDTYPES ? dtypes[dt].is_int : 0;
}

ax_result trace_dtype_parse(const char *name, trace_dtype *dt)
{
    for (int i = 0; i < NDTYPES; i++)
        if (name && strcasecmp(name, dtypes[i].name) == 0) {
            *dt = (trace_dtype)i;
            return AX_OK;
        }
    return AX_EPARAM;
}

size_t trace_numel(const trace_tensor *t)
{
    size_t n = 1;
    for (int i = 0; i < t->ndim; i++)
        n *= (size_t)t->shape[i];
    return n;
}

int trace_shape_bytes(trace_dtype dt, int ndim, const int64_t *shape, size_t *numel, size_t *nbytes)
{
    size_t n = 1, es = trace_dtype_size(dt);
    if (es == 0 || ndim < 0 || ndim > TRACE_MAX_DIMS)
        return -1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0 || (uint64_t)shape[i] > SIZE_MAX || ax_mul_size(n, (size_t)shape[i], &n))
            return -1;
    }
    size_t b;
    if (ax_mul_size(n, es, &b) || b > (size_t)INT64_MAX)
        return -1;
    if (numel)
        *numel = n;
    if (nbytes)
        *nbytes = b;
    return 0;
}

static uint32_t f2u(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float u2f(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

float trace_bf16_to_f32(uint16_t h)
{
    return u2f((uint32_t)h << 16);
}

uint16_t trace_f32_to_bf16(float f)
{
    uint32_t x = f2u(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) /* NaN: keep sign, force quiet */
        return (uint16_t)((x >> 16) | 0x40);
    x += 0x7fffu + ((x >> 16) & 1u);
    return (uint16_t)(x >> 16);
}

float trace_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, e = (h >> 10) & 0x1f, m = h & 0x3ff;
    if (e == 0x1f)
        return u2f(sign | 0x7f800000u | (m << 13));
    if (e == 0) {
        if (m == 0)
            return u2f(sign);
        float v = ldexpf((float)m, -24); /* subnormal: m * 2^-24, exact in f32 */
        return sign ? -v : v;
    }
    return u2f(sign | ((e + 112) << 23) | (m << 13));
}

uint16_t trace_f32_to_f16(float f)
{
    uint32_t x = f2u(f);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
    int exp = (int)((x >> 23) & 0xff);
    uint32_t mant = x & 0x7fffff;
    if (exp == 0xff)
        return (uint16_t)(sign | 0x7c00 | (mant ? 0x200 | (mant >> 13) : 0));
    int e = exp - 112; /* rebias 127 -> 15 */
    if (e >= 31)
        return sign | 0x7c00;
    if (e <= 0) { /* half subnormal (or zero): mantissa = m >> (14 - e) */
        int shift = 14 - e;
        if (shift > 24)
            return sign;
        uint32_t m = mant | 0x800000, r = m >> shift, rem = m & ((1u << shift) - 1),
                 half = 1u << (shift - 1);
        if (rem > half || (rem == half && (r & 1)))
            r++;
        return (uint16_t)(sign | r);
    }
    uint32_t r = ((uint32_t)e << 10) | (mant >> 13), rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (r & 1)))
        r++; /* a carry into the exponent is right, up to Inf */
    return (uint16_t)(sign | r);
}

/* Where flat index k of t is, in the words every command uses, and the hint. */
static void where(const trace_tensor *t, size_t k, char *buf, size_t n, const char **hint)
{
    const char *nm = t->name ? t->name : "";
    size_t l = strlen(nm);
    int weight = l >= 7 && !strcmp(nm + l - 7, ".weight");
    if (t->ndim == 2 && t->shape[1] > 0) {
        size_t c = (size_t)t->shape[1];
        if (weight)
            snprintf(buf, n, "weight[%zu][%zu]", k / c, k % c);
        else
            snprintf(buf, n, "activation of token %zu, channel %zu", k / c, k % c);
    } else {
        size_t idx[TRACE_MAX_DIMS], o = 0;
        for (int d = t->ndim - 1; d >= 0; d--) {
            size_t s = t->shape[d] > 0 ? (size_t)t->shape[d] : 1;
            idx[d] = k % s;
            k /= s;
        }
        o += (size_t)snprintf(buf, n, "element [");
        for (int d = 0; d < t->ndim && o < n; d++)
            o += (size_t)snprintf(buf + o, n - o, d ? ", %zu" : "%zu", idx[d]);
        if (o < n)
            snprintf(buf + o, n - o, "]");
    }
    *hint = weight ? "the checkpoint is damaged"
                   : "the trace is damaged or the model overflowed; re-record it";
}


/* ---- to float32, vectorized -------------------------------------------
 * bf16 -> f32 is a shift, f16 -> f32 is exact (F16C's vcvtph2ps on x86-64
 * when the CPU has it, else the bit manipulation above); both paths give
 * the same floats for every non-NaN input (a NaN is an error either way). */

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define DT_X86 1

__attribute__((target("avx2"))) static void bf16_avx2(const uint8_t *p, float *dst, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m128i h = _mm_loadu_si128((const __m128i *)(p + 2 * i));
        _mm256_storeu_si256((__m256i *)(dst + i), _mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    }
    for (; i < n; i++) {
        uint16_t h;
        memcpy(&h, p + 2 * i, 2);
        dst[i] = trace_bf16_to_f32(h);
    }
}

__attribute__((target("avx2,f16c"))) static void f16_f16c(const uint8_t *p, float *dst, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p + 2 * i))));
    for (; i < n; i++) {
        uint16_t h;
        memcpy(&h, p + 2 * i, 2);
        dst[i] = trace_f16_to_f32(h);
    }
}

/* Index of the first non-finite value in v[0..n), or n. */
__attribute__((target("avx2"))) static size_t first_nonfinite_avx2(const float *v, size_t n)
{
    size_t i = 0;
    const __m256i exp = _mm256_set1_epi32(0x7f800000);
    for (; i + 32 <= n; i += 32) {
        __m256i m = _mm256_setzero_si256();
        for (int k = 0; k < 4; k++) {
            __m256i x = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(v + i + 8 * k)), exp);
            m = _mm256_or_si256(m, _mm256_cmpeq_epi32(x, exp));
        }
        if (!_mm256_testz_si256(m, m))
            break;
    }
    for (; i < n; i++)
        if (!isfinite(v[i]))
            return i;
    return n;
}
#endif

static size_t first_nonfinite(const float *v, size_t n)
{
#ifdef DT_X86
    if (ax_simd_best() >= AX_SIMD_AVX2)
        return first_nonfinite_avx2(v, n);
#endif
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return i;
    return n;
}

ax_result trace_to_f32_range(const trace_tensor *t, size_t first, size_t n, float *dst, char **err)
{
    size_t total = trace_numel(t);
    if (first > total || n > total - first)
        return ax_fail(err, AX_EPARAM, "tensor '%s': elements [%zu, %zu) of %zu",
                       t->name ? t->name : "", first, first + n, total);
    const uint8_t *p = (const uint8_t *)t->data + first * trace_dtype_size(t->dtype);
#ifdef DT_X86
    int avx2 = ax_simd_best() >= AX_SIMD_AVX2;
#endif
    switch (t->dtype) { /* one loop per dtype: this runs over whole weight matrices */
    case TRACE_F32:
        if (n)
            memcpy(dst, p, 4 * n);
        break;
    case TRACE_F16:
#ifdef DT_X86
        if (avx2 && __builtin_cpu_supports("f16c")) {
            f16_f16c(p, dst, n);
            break;
        }
#endif
        for (size_t i = 0; i < n; i++) {
            uint16_t h;
            memcpy(&h, p + 2 * i, 2);
            dst[i] = trace_f16_to_f32(h);
        }
        break;
    case TRACE_BF16:
#ifdef DT_X86
        if (avx2) {
            bf16_avx2(p, dst, n);
            break;
        }
#endif
        for (size_t i = 0; i < n; i++) {
            uint16_t h;
            memcpy(&h, p + 2 * i, 2);
            dst[i] = trace_bf16_to_f32(h);
        }
        break;
    case TRACE_I8:
        for (size_t i = 0; i < n; i++)
            dst[i] = (float)(int8_t)p[i];
        return AX_OK;
    case TRACE_U8:
        for (size_t i = 0; i < n; i++)
            dst[i] = (float)p[i];
        return AX_OK;
    case TRACE_I16:
        for (size_t i = 0; i < n; i++) {
            int16_t v;
            memcpy(&v, p + 2 * i, 2);
            dst[i] = (float)v;
        }
        return AX_OK;
    case TRACE_I32:
        for (size_t i = 0; i < n; i++) {
            int32_t v;
            memcpy(&v, p + 4 * i, 4);
            dst[i] = (float)v;
        }
        return AX_OK;
    case TRACE_I64:
        for (size_t i = 0; i < n; i++) {
            int64_t v;
            memcpy(&v, p + 8 * i, 8);
            dst[i] = (float)v;
        }
        return AX_OK;
    default:
        return ax_fail(err, AX_EPARAM, "tensor '%s': unknown dtype %d", t->name ? t->name : "",
                       (int)t->dtype);
    }
    size_t i = first_nonfinite(dst, n);
    if (i < n) {
        char w[160];
        const char *hint;
        where(t, first + i, w, sizeof w, &hint);
        return ax_fail(err, AX_ERANGE, "tensor '%s': %s is %s (hint: %s)", t->name ? t->name : "",
                       w, isnan(dst[i]) ? "NaN" : (dst[i] > 0 ? "+Inf" : "-Inf"), hint);
    }
    return AX_OK;
}

ax_result trace_to_f32(const trace_tensor *t, float *dst, char **err)
{
    return trace_to_f32_range(t, 0, trace_numel(t), dst, err);
}

ax_result trace_to_i32(const trace_tensor *t, int32_t *dst, char **err)
{
    if (!trace_dtype_is_int(t->dtype))
        return ax_fail(err, AX_EPARAM,
                       "tensor '%s' has float dtype %s; expected integer counts (hint: use "
                       "trace_to_f32)",
                       t->name ? t->name : "", trace_dtype_name(t->dtype));
    size_t n = trace_numel(t);
    const uint8_t *p = t->data;
    for (size_t i = 0; i < n; i++) {
        switch (t->dtype) {
        case TRACE_I8: dst[i] = (int8_t)p[i]; break;
        case TRACE_U8: dst[i] = p[i]; break;
        case TRACE_I16: {
            int16_t s;
            memcpy(&s, p + 2 * i, 2);
            dst[i] = s;
            break;
        }
        case TRACE_I64: {
            int64_t v;
            memcpy(&v, p + 8 * i, 8);
            if (v < INT32_MIN || v > INT32_MAX) {
                char w[160];
                const char *hint;
                where(t, i, w, sizeof w, &hint);
                return ax_fail(err, AX_ERANGE,
                               "tensor '%s': %s is %lld, outside int32 (hint: "
                               "int64 counts are accepted within int32; store int32)",
                               t->name ? t->name : "", w, (long long)v);
            }
            dst[i] = (int32_t)v;
            break;
        }
        default: memcpy(&dst[i], p + 4 * i, 4); break;
        }
    }
    return AX_OK;
}
