/*
 * axon arch — the parameter table and architecture files (docs/params.md):
 *   --list            every parameter: key, flag, type, unit, range, default, help
 *   --dump            the effective architecture (--arch FILE, then flags) as JSON
 *   --check FILE      load an architecture file and report the first problem
 * --list --markdown writes the table that docs/params.md holds (a test keeps
 * the two equal).
 */
#include "cmd.h"

#include "../run/run.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("usage: axon arch --list [--json|--csv|--markdown]\n"
           "       axon arch --dump [--arch FILE] [parameters]\n"
           "       axon arch --check FILE\n\n"
           "The run parameters (one table for every subcommand, sweep axes, architecture files,\n"
           "JSON, the database and Python) and architecture files.\n"
           "  --list       list the parameters (human table; --json, --csv, --markdown)\n"
           "  --dump       print the effective architecture as JSON: the defaults, then\n"
           "               --arch FILE, then the parameter flags given here\n"
           "  --check FILE load an architecture file; exit 1 naming the first problem\n"
           "Shipped architecture files: arch/*.json, arch/*.arch (docs/params.md).\n");
}

static const char *type_name(run_param_type t)
{
    static const char *n[] = {"int", "real", "on|off", "choice", "pair", "clamp", "text"};
    return n[t];
}

static void range_text(const run_param *p, char *out, size_t n)
{
    switch (p->type) {
    case RUN_PT_INT:
    case RUN_PT_PAIR:
        snprintf(out, n, "%.0f..%.0f%s%s", p->lo, p->hi, p->words ? " | " : "",
                 p->words ? p->words : "");
        break;
    case RUN_PT_REAL: snprintf(out, n, "%g..%g", p->lo, p->hi); break;
    case RUN_PT_CHOICE: snprintf(out, n, "%s", p->words); break;
    case RUN_PT_BOOL: snprintf(out, n, "on | off"); break;
    case RUN_PT_CLAMP: snprintf(out, n, "on | off | MIN:MAX"); break;
    default: snprintf(out, n, "text");
    }
}

static int list(int fmt)
{
    size_t n;
    const run_param *t = run_param_table(&n);
    run_job d;
    run_job_default(&d);
    cJSON *arr = fmt == 'j' ? cJSON_CreateArray() : NULL;
    if (fmt == 'm')
        printf("| key | flag | section | type | unit | range | default | meaning |\n"
               "|---|---|---|---|---|---|---|---|\n");
    else if (fmt == 'c')
        printf("key,flag,section,type,unit,range,default,help\n");
    else if (fmt == 't')
        printf("%-22s %-16s %-7s %-8s %-12s %-26s %s\n", "key", "flag", "section", "type", "unit",
               "range", "default");
    for (size_t i = 0; i < n; i++) {
        const run_param *p = &t[i];
        char dv[256], rg[128], flag[64];
        run_param_get(&d, p, dv, sizeof dv);
        range_text(p, rg, sizeof rg);
        snprintf(flag, sizeof flag, "--%s", p->flag);
        const char *sec = run_param_section_name(p->section), *ty = type_name(p->type);
        if (fmt == 'm') {
            const char *f[] = {p->key, flag, sec, ty, p->unit, rg, *dv ? dv : "(none)", p->help};
            for (size_t k = 0; k < 8; k++) {
                fputs(k < 2 ? "| `" : "| ", stdout);
                for (const char *c = f[k]; *c; c++)
                    fputs(*c == '|' ? "\\|" : (char[]){*c, 0}, stdout);
                fputs(k < 2 ? "` " : " ", stdout);
            }
            puts("|");
        } else if (fmt == 'c') {
            const char *f[] = {p->key, flag, sec, ty, p->unit, rg, dv, p->help};
            for (size_t k = 0; k < 8; k++) {
                if (k)
                    putchar(',');
                cmd_csv_cell(f[k]);
            }
            putchar('\n');
        } else if (fmt == 'j') {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "key", p->key);
            cJSON_AddStringToObject(o, "flag", flag);
            cJSON_AddStringToObject(o, "section", sec);
            cJSON_AddStringToObject(o, "type", ty);
            cJSON_AddStringToObject(o, "unit", p->unit);
            cJSON_AddStringToObject(o, "range", rg);
            cJSON_AddStringToObject(o, "default", dv);
            cJSON_AddStringToObject(o, "help", p->help);
            cJSON_AddItemToArray(arr, o);
        } else {
            printf("%-22s %-16s %-7s %-8s %-12s %-26s %s\n", p->key, flag, sec, ty,
                   *p->unit ? p->unit : "-", rg, *dv ? dv : "(none)");
        }
    }
    if (arr)
        cmd_print_json(arr);
    return CMD_OK;
}

int cmd_arch(int argc, char **argv)
{
    enum { O_LIST = 256, O_DUMP, O_CHECK, O_JSON, O_CSV, O_MD, O_HELP };
    static const struct option own[] = {{"list", no_argument, 0, O_LIST},
                                        {"dump", no_argument, 0, O_DUMP},
                                        {"check", required_argument, 0, O_CHECK},
                                        {"json", no_argument, 0, O_JSON},
                                        {"csv", no_argument, 0, O_CSV},
                                        {"markdown", no_argument, 0, O_MD},
                                        {"help", no_argument, 0, O_HELP},
                                        {0, 0, 0, 0}};
    run_job j;
    run_job_default(&j);
    int c, rc = -1, mode = 0, fmt = 't', nfmt = 0;
    const char *check = NULL;
    if ((c = cmd_param_arch("arch", argc, argv, &j)))
        return c;
    struct option *opts = cmd_param_options(own, RUN_SEC_ALL, 0);
    if (!opts)
        return cmd_fail("arch", strdup("out of memory"));
    optind = 1;
    opterr = 0;
    while (rc < 0 && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int pr = cmd_param_opt("arch", c, optarg, &j);
        if (pr != 1) {
            rc = pr ? pr : -1;
            continue;
        }
        switch (c) {
        case O_LIST: mode = mode && mode != 'l' ? '!' : 'l'; break;
        case O_DUMP: mode = mode && mode != 'd' ? '!' : 'd'; break;
        case O_CHECK:
            mode = mode && mode != 'c' ? '!' : 'c';
            check = optarg;
            break;
        case O_JSON: fmt = 'j', nfmt++; break;
        case O_CSV: fmt = 'c', nfmt++; break;
        case O_MD: fmt = 'm', nfmt++; break;
        case O_HELP:
            help();
            rc = CMD_OK;
            break;
        default: rc = cmd_usage("arch", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    cmd_param_options_free(opts);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return cmd_usage("arch", "unexpected argument '%s'", argv[optind]);
    if (mode == '!' || !mode)
        return cmd_usage("arch", "give one of --list, --dump or --check FILE");
    if (nfmt > 1)
        return cmd_usage("arch", "--json, --csv and --markdown exclude each other");
    if (nfmt && mode != 'l')
        return cmd_usage("arch", "--json/--csv/--markdown apply to --list (--dump prints JSON)");
    if (mode == 'l')
        return list(fmt);
    if (mode == 'c') {
        run_job k;
        run_job_default(&k);
        char *err = NULL;
        if (run_arch_load(&k, check, &err))
            return cmd_fail("arch", err);
        if (sim_config_check(&k.cfg, &err))
            return cmd_fail("arch", err);
        printf("%s: ok\n", check);
        return CMD_OK;
    }
    char *err = NULL;
    if (sim_config_check(&j.cfg, &err))
        return cmd_fail("arch", err);
    cJSON *o = run_arch_json(&j);
    if (!o)
        return cmd_fail("arch", strdup("out of memory"));
    cmd_print_json(o);
    return CMD_OK;
}
