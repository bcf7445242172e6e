/*
 * run_arch — architecture files: a core, chip, timing and technology
 * described with the parameter table's names (docs/params.md), so a design
 * point is a file that can be shipped, diffed and stored with a run.
 *
 * Two spellings of the same content:
 *   JSON   {"core": {"tile": "128x128", "lanes": 16}, "timing": {"clock_mhz": 500}}
 *          (or flat {"tile": "128x128", ...}); numbers and booleans bare;
 *   text   key = value  or  key: value, one per line, '#' comments,
 *          [section] headers (optional, checked against the key's section).
 * A key may be the table's key or flag. A section that does not own the key
 * is an error (a typo must not silently land elsewhere). Relative `tech`
 * paths are taken relative to the architecture file's folder.
 */
#include "run.h"

#include "../traces/trace.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Text values live as long as the process: run_job holds borrowed strings. */
static const char *intern(const char *s)
{
    static struct node {
        struct node *next;
        char s[];
    } * head;
    for (struct node *n = head; n; n = n->next)
        if (!strcmp(n->s, s))
            return n->s;
    size_t len = strlen(s);
    struct node *n = malloc(sizeof *n + len + 1);
    if (!n)
        return NULL;
    memcpy(n->s, s, len + 1);
    n->next = head;
    head = n;
    return n->s;
}

ax_result run_kv_read(const char *path, const char *what, char **buf, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ax_fail(err, AX_EIO, "%s: %s (hint: %s)", path, strerror(errno), what);
    char *b = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            if (cap > (1u << 24)) {
                fclose(f);
                free(b);
                return ax_fail(err, AX_EFORMAT, "%s: larger than 16 MiB (hint: %s)", path, what);
            }
            char *nb = realloc(b, cap);
            if (!nb) {
                fclose(f);
                free(b);
                return ax_fail(err, AX_ENOMEM, "out of memory reading %s", path);
            }
            b = nb;
        }
        size_t got = fread(b + n, 1, 4096, f);
        n += got;
        if (got < 4096)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(b);
        return ax_fail(err, AX_EIO, "%s: read error", path);
    }
    b[n] = 0;
    *buf = b;
    return AX_OK;
}

/* value of a relative tech path, taken from the folder of path */
static const char *rel_to(const char *path, const char *v)
{
    const char *slash = strrchr(path, '/');
    if (v[0] == '/' || !slash || !strcmp(v, POWER_TECH_BASE) || !strcmp(v, POWER_TECH_CAL))
        return intern(v); /* absolute, beside the file, or a built-in table's name */
    size_t dl = (size_t)(slash - path) + 1, vl = strlen(v);
    char *t = malloc(dl + vl + 1);
    if (!t)
        return NULL;
    memcpy(t, path, dl);
    memcpy(t + dl, v, vl + 1);
    const char *s = intern(t);
    free(t);
    return s;
}

static ax_result apply(run_job *j, const char *path, const char *where, int section,
                       const char *key, const char *value, char **err)
{
    const run_param *p = run_param_find(key);
    ax_result r;
    if (!p) {
        r = run_param_set_name(j, key, value, err);
        ax_err_prefix(err, "%s: %s", path, where);
        return r;
    }
    if (section && p->section != section)
        return ax_fail(err, AX_EPARAM, "%s: %s: '%s' belongs to [%s], not [%s] (hint: move it)",
                       path, where, key, run_param_section_name(p->section),
                       run_param_section_name(section));
    const char *v = p->type == RUN_PT_TEXT
                        ? (p->section == RUN_SEC_ENERGY ? rel_to(path, value) : intern(value))
                        : value;
    if (!v)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    if ((r = run_param_set(j, p, v, err)))
        ax_err_prefix(err, "%s: %s", path, where);
    return r;
}

static int section_of(const char *name)
{
    for (int s = 1; s <= RUN_SEC_ENERGY; s <<= 1)
        if (!strcmp(name, run_param_section_name(s)))
            return s;
    return 0;
}

static ax_result json_value(const cJSON *it, char *out, size_t n)
{
    if (cJSON_IsString(it))
        snprintf(out, n, "%s", it->valuestring);
    else if (cJSON_IsBool(it))
        snprintf(out, n, "%s", cJSON_IsTrue(it) ? "on" : "off");
    else if (cJSON_IsNumber(it)) {
        double d = it->valuedouble;
        if (d == floor(d) && fabs(d) < 9e15)
            snprintf(out, n, "%.0f", d);
        else
            snprintf(out, n, "%.17g", d);
    } else
        return AX_EFORMAT;
    return AX_OK;
}

static ax_result load_json(run_job *j, const char *path, const char *text, char **err)
{
    cJSON *root = cJSON_Parse(text);
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        size_t off = at && at >= text ? (size_t)(at - text) : 0;
        return ax_fail(err, AX_EFORMAT,
                       "%s: offset %zu: not valid JSON (hint: an object of "
                       "parameter: value)",
                       path, off);
    }
    ax_result r = AX_OK;
    if (!cJSON_IsObject(root))
        r = ax_fail(err, AX_EFORMAT, "%s: the top level must be a JSON object", path);
    for (cJSON *it = root->child; it && !r; it = it->next) {
        char val[4096], where[256];
        if (cJSON_IsObject(it)) {
            int sec = section_of(it->string);
            if (!sec) {
                r = ax_fail(err, AX_EFORMAT,
                            "%s: unknown section '%s' (hint: input, core, "
                            "timing, chip, dram, spikes, energy)",
                            path, it->string);
                break;
            }
            for (cJSON *kv = it->child; kv && !r; kv = kv->next) {
                snprintf(where, sizeof where, "%s.%s", it->string, kv->string);
                if (json_value(kv, val, sizeof val))
                    r = ax_fail(err, AX_EFORMAT, "%s: %s: expected a string, number or boolean",
                                path, where);
                else
                    r = apply(j, path, where, sec, kv->string, val, err);
            }
            continue;
        }
        snprintf(where, sizeof where, "%s", it->string);
        if (json_value(it, val, sizeof val))
            r = ax_fail(err, AX_EFORMAT, "%s: %s: expected a string, number or boolean", path,
                        where);
        else
            r = apply(j, path, where, 0, it->string, val, err);
    }
    cJSON_Delete(root);
    return r;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = 0;
    return s;
}

ax_result run_kv_parse(const char *path, char *text, run_kv_fn fn, void *ctx, char **err)
{
    char section[128] = "";
    size_t line = 0;
    for (char *p = text; p && *p;) {
        char *ln = p, *nl = strchr(p, '\n');
        if (nl)
            *nl = 0;
        p = nl ? nl + 1 : NULL;
        line++;
        char *hash = strchr(ln, '#');
        if (hash)
            *hash = 0;
        char *s = trim(ln);
        if (!*s)
            continue;
        if (*s == '[') {
            char *e = strchr(s, ']');
            if (!e || e[1])
                return ax_fail(err, AX_EFORMAT, "%s: line %zu: expected [section]", path, line);
            *e = 0;
            snprintf(section, sizeof section, "%s", trim(s + 1));
            ax_result r = fn(ctx, section, NULL, NULL, line, err);
            if (r)
                return r;
            continue;
        }
        char *eq = strpbrk(s, "=:");
        if (!eq)
            return ax_fail(err, AX_EFORMAT, "%s: line %zu: expected key = value", path, line);
        *eq = 0;
        char *k = trim(s), *v = trim(eq + 1);
        size_t vl = strlen(v);
        if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
            v[vl - 1] = 0;
            v++;
        }
        ax_result r = fn(ctx, section, k, v, line, err);
        if (r)
            return r;
    }
    return AX_OK;
}

typedef struct {
    run_job *j;
    const char *path;
    int section;
} arch_text;

static ax_result arch_kv(void *ctx, const char *section, const char *key, const char *value,
                         size_t line, char **err)
{
    arch_text *a = ctx;
    char where[64];
    snprintf(where, sizeof where, "line %zu", line);
    if (!key) {
        if (!(a->section = section_of(section)))
            return ax_fail(err, AX_EFORMAT,
                           "%s: %s: unknown section '%s' (hint: input, core, "
                           "timing, chip, dram, spikes, energy)",
                           a->path, where, section);
        return AX_OK;
    }
    return apply(a->j, a->path, where, a->section, key, value, err);
}

static ax_result load_text(run_job *j, const char *path, char *text, char **err)
{
    arch_text a = {j, path, 0};
    return run_kv_parse(path, text, arch_kv, &a, err);
}

ax_result run_arch_load(run_job *j, const char *path, char **err)
{
    char *text = NULL;
    ax_result r = run_kv_read(path, "--arch names an architecture file, e.g. arch/default.json",
                              &text, err);
    if (r)
        return r;
    const char *s = text;
    while (isspace((unsigned char)*s))
        s++;
    r = *s == '{' ? load_json(j, path, text, err) : load_text(j, path, text, err);
    free(text);
    if (!r && !(j->arch = intern(path)))
        r = ax_fail(err, AX_ENOMEM, "out of memory");
    return r;
}

cJSON *run_param_json(const run_job *j, const run_param *p)
{
    char v[1024];
    run_param_get(j, p, v, sizeof v);
    if (p->type == RUN_PT_TEXT && !*v)
        return NULL; /* unset: the built-in default */
    if (p->type == RUN_PT_BOOL)
        return cJSON_CreateBool(!strcmp(v, "on"));
    if (((p->type == RUN_PT_INT || p->type == RUN_PT_CHOICE) && isdigit((unsigned char)v[0])) ||
        p->type == RUN_PT_REAL)
        return cJSON_CreateNumber(strtod(v, NULL));
    return cJSON_CreateString(v);
}

cJSON *run_arch_json(const run_job *j)
{
    cJSON *o = cJSON_CreateObject();
    size_t n;
    const run_param *t = run_param_table(&n);
    for (int sec = RUN_SEC_CORE; o && sec <= RUN_SEC_ENERGY; sec <<= 1) {
        cJSON *s = cJSON_AddObjectToObject(o, run_param_section_name(sec));
        for (size_t i = 0; s && i < n; i++) {
            if (t[i].section != sec)
                continue;
            cJSON *v = run_param_json(j, &t[i]);
            if (v)
                cJSON_AddItemToObject(s, t[i].key, v);
        }
    }
    return o;
}
