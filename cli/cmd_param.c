/*
 * cmd_param — the subcommands' options generated from the parameter table
 * (run/run_param.h): every parameter a subcommand takes is spelled, parsed,
 * range-checked and documented the same way everywhere.
 *
 * Spellings per parameter: --FLAG VALUE, --KEY-WITH-DASHES VALUE (when it
 * differs), and for on/off parameters --FLAG alone (= on) and --no-FLAG.
 * --async is --timing async. --arch FILE applies an architecture file
 * before any flag (flags override it, whatever their order). In list mode
 * (axon sweep) each value is a comma-separated list.
 */
#include "cmd.h"

#include "../run/run.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define VAR_MAIN 0
#define VAR_KEY 1
#define VAR_NO 2
#define PARAM_VAL(i, var) (CMD_PARAM_BASE + (int)(i)*4 + (var))

static char *dashed(const char *key)
{
    char *s = strdup(key);
    for (char *p = s; p && *p; p++)
        if (*p == '_')
            *p = '-';
    return s;
}

/* 1 when key is one of the space-separated names in only */
static int listed(const char *only, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = only; (p = strstr(p, key)); p += n)
        if ((p == only || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
            return 1;
    return 0;
}

static struct option *build(const struct option *own, int mask, const char *only, int list);

struct option *cmd_param_options(const struct option *own, int mask, int list)
{
    return build(own, mask, NULL, list);
}

struct option *cmd_param_options_only(const struct option *own, const char *keys, int list)
{
    return build(own, 0, keys, list);
}

static struct option *build(const struct option *own, int mask, const char *only, int list)
{
    size_t n, nown = 0;
    const run_param *t = run_param_table(&n);
    while (own[nown].name)
        nown++;
    struct option *o = calloc(nown + 3 * n + 3, sizeof *o);
    if (!o)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < nown; i++)
        o[k++] = own[i];
    for (size_t i = 0; i < n; i++) {
        const run_param *p = &t[i];
        if (only ? !listed(only, p->key) : !(p->section & mask))
            continue;
        int bool_ = p->type == RUN_PT_BOOL && !list;
        int has = bool_ ? optional_argument : required_argument;
        o[k++] = (struct option){p->flag, has, NULL, PARAM_VAL(i, VAR_MAIN)};
        char *d = dashed(p->key);
        if (d && strcmp(d, p->flag))
            o[k++] = (struct option){d, has, NULL, PARAM_VAL(i, VAR_KEY)};
        else
            free(d);
        if (p->type == RUN_PT_BOOL || p->type == RUN_PT_CLAMP) {
            size_t len = strlen(p->flag) + 4;
            char *no = malloc(len);
            if (no) {
                snprintf(no, len, "no-%s", p->flag);
                o[k++] = (struct option){no, no_argument, NULL, PARAM_VAL(i, VAR_NO)};
            }
        }
    }
    if ((mask & RUN_SEC_TIMING) || (only && listed(only, "timing")))
        o[k++] = (struct option){"async", list ? required_argument : no_argument, NULL,
                                 CMD_PARAM_ASYNC};
    o[k++] = (struct option){"arch", required_argument, NULL, CMD_PARAM_ARCH};
    return o;
}

void cmd_param_options_free(struct option *o)
{
    if (!o)
        return;
    for (struct option *p = o; p->name; p++)
        if (p->val >= CMD_PARAM_BASE && (p->val - CMD_PARAM_BASE) % 4 != VAR_MAIN)
            free((char *)p->name);
    free(o);
}

const run_param *cmd_param_of(int c, const char **value, const char *arg)
{
    size_t n;
    const run_param *t = run_param_table(&n);
    if (c == CMD_PARAM_ASYNC) {
        *value = arg ? arg : "async";
        return run_param_find("timing");
    }
    if (c < CMD_PARAM_BASE || (size_t)(c - CMD_PARAM_BASE) / 4 >= n)
        return NULL;
    const run_param *p = &t[(c - CMD_PARAM_BASE) / 4];
    int var = (c - CMD_PARAM_BASE) % 4;
    if (var == VAR_NO)
        *value = "off";
    else
        *value = arg ? arg : "on";
    return p;
}

int cmd_param_opt(const char *cmd, int c, const char *arg, run_job *j)
{
    if (c == CMD_PARAM_ARCH)
        return 0; /* applied by cmd_param_arch before the flags */
    const char *v;
    const run_param *p = cmd_param_of(c, &v, arg);
    if (!p)
        return 1;
    char *err = NULL;
    if (run_param_set(j, p, v, &err))
        return cmd_usage_err(cmd, err);
    return 0;
}

int cmd_param_arch(const char *cmd, int argc, char **argv, run_job *j)
{
    for (int i = 1; i < argc; i++) {
        const char *path = NULL;
        if (!strcmp(argv[i], "--"))
            break;
        if (!strcmp(argv[i], "--arch")) {
            if (i + 1 >= argc)
                return cmd_usage(cmd, "--arch needs a FILE");
            path = argv[++i];
        } else if (!strncmp(argv[i], "--arch=", 7))
            path = argv[i] + 7;
        if (!path)
            continue;
        char *err = NULL;
        ax_result r = run_arch_load(j, path, &err);
        if (r)
            return r == AX_EPARAM || r == AX_EFORMAT ? cmd_usage_err(cmd, err) : cmd_fail(cmd, err);
    }
    return 0;
}

void cmd_param_help_only(const char *keys)
{
    size_t n;
    const run_param *t = run_param_table(&n);
    run_job d;
    run_job_default(&d);
    for (size_t i = 0; i < n; i++)
        if (listed(keys, t[i].key))
            run_param_help_line(stdout, &d, &t[i]);
}

void cmd_param_help(int mask)
{
    run_param_help(stdout, mask);
    printf("  --arch FILE  architecture file (JSON or key = value lines with the names above;\n"
           "               flags override it; `axon arch --dump` prints the effective one)\n");
    if (mask & RUN_SEC_TIMING)
        printf("  --async      = --timing async;  on/off parameters: --X, --X on|off, --no-X\n");
}
