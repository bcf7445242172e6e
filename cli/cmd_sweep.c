/*
 * axon sweep — the cartesian product of parameter lists, each point one
 * run of the layer (run_job_exec), recorded in the results database by
 * parallel worker processes. Rerunning the same command resumes: points
 * already stored are skipped. --shard i/N runs one slice (into its own
 * database); --emit-slurm DIR writes a Slurm job array for the shards.
 * Points that differ only in timing, tile, power or technology share the
 * loaded weights, counts, events and the reference check: the parent
 * computes each distinct one once before forking (run_job_prepare) and the
 * workers inherit that run_cache (--no-cache computes everything for every
 * point; the database rows are the same either way).
 */
#include "../db/db.h"
#include "cmd.h"
#include "cmd_sweep_slurm.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("usage: axon sweep --weights W --trace T --layer NAME [parameters] [options] [--db "
           "FILE]\n\n"
           "Runs every combination of the parameter lists and records each point in the database.\n"
           "Every run parameter takes a comma-separated list: one value fixes it, several make it\n"
           "an axis (e.g. --clock 250,500,1000 --tile 64x64,128x128 --coding "
           "ternary,bitwise-signed);\n"
           "on/off parameters take on, off or both (--async on|off|both = --timing).\n"
           "options:\n"
           "  --db FILE            results database (default %s)\n"
           "  --jobs N             worker processes (default 1)\n"
           "  --shard i/N          run only points with index %% N == i (0 <= i < N)\n"
           "  --emit-slurm DIR     write DIR/sweep.sbatch (job array), DIR/plan.tsv and\n"
           "                       DIR/merge.sh instead of running; --shards N (default 4)\n"
           "  --dry-run            print the plan (and what is already stored) and exit\n"
           "  --json               the plan (--dry-run) or the summary as JSON on stdout\n"
           "  --eval sim|fake      evaluator (default sim; fake is a closed-form test stand-in,\n"
           "                       its runs are stored with evaluator = 'fake')\n"
           "  --no-cache           recompute weights, counts, events and the reference for every\n"
           "                       point (by default each worker computes each once; same "
           "results)\n"
           "Rerunning the same command resumes: stored points are skipped. A killed sweep\n"
           "loses only the points in flight.\n\n"
           "parameters (docs/params.md):\n",
           DB_DEFAULT_FILE);
    cmd_param_help(RUN_SEC_ALL);
}

/* Splits a comma list into a NULL-terminated array (pointers into s);
 * *empty is set when an item is empty ("250,,500", ",250", "250,"). */
static const char **split(char *s, size_t *n, int *empty)
{
    size_t cap = 1;
    for (char *p = s; *p; p++)
        cap += *p == ',';
    const char **v = calloc(cap + 1, sizeof *v);
    *n = 0;
    *empty = 0;
    for (char *p = s; v;) {
        char *e = strchr(p, ',');
        if (e)
            *e = 0;
        if (!*p)
            *empty = 1;
        v[(*n)++] = p;
        if (!e)
            break;
        p = e + 1;
    }
    return v;
}

static void progress(size_t done, size_t total)
{
    cmd_progress("sweep", done, total);
}

int cmd_sweep(int argc, char **argv)
{
    static const struct option own[] = {{"weights", required_argument, 0, 'w'},
                                        {"trace", required_argument, 0, 't'},
                                        {"db", required_argument, 0, 'd'},
                                        {"jobs", required_argument, 0, 'j'},
                                        {"shard", required_argument, 0, 's'},
                                        {"emit-slurm", required_argument, 0, 'E'},
                                        {"shards", required_argument, 0, 'N'},
                                        {"dry-run", no_argument, 0, 'n'},
                                        {"eval", required_argument, 0, 'e'},
                                        {"help", no_argument, 0, 'h'},
                                        {"json", no_argument, 0, 'J'},
                                        {"no-cache", no_argument, 0, 'C'},
                                        {0, 0, 0, 0}};
    db_sim_user su = {0};
    size_t ntab;
    const run_param *tab = run_param_table(&ntab);
    char *given[CMD_SWEEP_PARAMS] = {0}; /* list text per table parameter (strdup'd) */
    const char **lists[CMD_SWEEP_PARAMS] = {0};
    cmd_sweep_args sa = {0};
    const char *path = DB_DEFAULT_FILE, *emit = NULL, *evname = "sim";
    long jobs = 1, nshards = 4;
    int dry = 0, c, shards_given = 0, rc = -1, json = 0;
    db_sweep_spec s;
    memset(&s, 0, sizeof s);
    run_job_default(&s.base);
    char *err = NULL;
    if ((c = cmd_param_arch("sweep", argc, argv, &s.base)))
        return c;
    sa.arch = s.base.arch;
    struct option *opts = cmd_param_options(own, RUN_SEC_ALL, 1);
    if (!opts || ntab > CMD_SWEEP_PARAMS)
        return cmd_fail("sweep", strdup("out of memory"));
    optind = 1;
    opterr = 0;
    while (rc < 0 && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        const char *pv;
        const run_param *p = cmd_param_of(c, &pv, optarg);
        if (p) {
            size_t i = (size_t)(p - tab);
            if (given[i]) {
                rc = cmd_usage("sweep", "--%s given twice (hint: one comma-separated list)",
                               p->flag);
                break;
            }
            if (c == CMD_PARAM_ASYNC) /* --async on|off|both: the timing parameter */
                pv = !strcmp(pv, "both")  ? "sync,async"
                     : !strcmp(pv, "on")  ? "async"
                     : !strcmp(pv, "off") ? "sync"
                                          : pv;
            else if (p->type == RUN_PT_BOOL && !strcmp(pv, "both"))
                pv = "off,on";
            given[i] = strdup(pv);
            continue;
        }
        if (c == CMD_PARAM_ARCH)
            continue;
        switch (c) {
        case 'w': s.base.weights = sa.weights = optarg; break;
        case 't': s.base.trace = sa.trace = optarg; break;
        case 'd': path = optarg; break;
        case 'j':
            if (cmd_parse_long("sweep", "--jobs", optarg, 1, 1024, &jobs))
                rc = CMD_USAGE;
            break;
        case 's': {
            int i, n, used = 0;
            if (sscanf(optarg, "%d/%d%n", &i, &n, &used) != 2 || optarg[used] || n < 1 || i < 0 ||
                i >= n)
                rc = cmd_usage("sweep",
                               "--shard '%s': expected i/N with 0 <= i < N (shards are numbered 0 "
                               "to N-1)",
                               optarg);
            s.shard_i = i;
            s.shard_n = n;
            break;
        }
        case 'E': emit = optarg; break;
        case 'N':
            shards_given = 1;
            if (cmd_parse_long("sweep", "--shards", optarg, 1, 100000, &nshards))
                rc = CMD_USAGE;
            break;
        case 'n': dry = 1; break;
        case 'J': json = 1; break;
        case 'C': su.off = 1; break;
        case 'e':
            if (strcmp(optarg, "sim") && strcmp(optarg, "fake"))
                rc = cmd_usage("sweep", "--eval '%s': sim or fake", optarg);
            evname = sa.eval = optarg;
            break;
        case 'h':
            help();
            rc = CMD_OK;
            break;
        default: rc = cmd_usage("sweep", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    cmd_param_options_free(opts);
    if (rc < 0 && optind != argc)
        rc = cmd_usage("sweep", "unexpected argument '%s'", argv[optind]);
    if (rc < 0 && (!s.base.weights || !s.base.trace))
        rc = cmd_usage("sweep", "--weights and --trace are required");
    if (rc < 0 && emit && s.shard_n)
        rc = cmd_usage("sweep", "--emit-slurm writes the shards itself; drop --shard");
    if (rc < 0 && shards_given && !emit)
        rc = cmd_usage("sweep", "--shards only applies to --emit-slurm (hint: --shard i/N runs "
                                "one shard)");
    /* one value: a fixed parameter; several: an axis, in the table's order */
    for (size_t i = 0; rc < 0 && i < ntab; i++) {
        if (!given[i])
            continue;
        sa.pname[sa.np] = tab[i].key;
        sa.pval[sa.np++] = given[i];
        char *copy = strdup(given[i]);
        size_t n = 0;
        int empty = 0;
        lists[i] = copy ? split(copy, &n, &empty) : NULL;
        if (!lists[i]) {
            free(copy);
            rc = cmd_fail("sweep", strdup("out of memory"));
            break;
        }
        if (empty) {
            rc = cmd_usage("sweep", "--%s '%s': an empty item in the list", tab[i].flag, given[i]);
            break;
        }
        for (size_t k = 0; rc < 0 && k < n; k++) {
            run_job probe = s.base;
            if (run_param_set(&probe, &tab[i], lists[i][k], &err))
                rc = cmd_usage_err("sweep", err);
        }
        if (rc >= 0)
            break;
        if (n == 1) {
            run_param_set(&s.base, &tab[i], lists[i][0], NULL);
            continue;
        }
        if (s.naxes >= DB_SWEEP_MAX_AXES) {
            rc = cmd_usage("sweep", "at most %d parameters can vary at once", DB_SWEEP_MAX_AXES);
            break;
        }
        db_sweep_axis *ax = &s.axes[s.naxes++];
        ax->name = tab[i].key;
        ax->values = lists[i];
        ax->n = n;
    }
    char tv[128];
    if (rc < 0 && run_tech_version(&s.base, tv, sizeof tv, &err))
        rc = cmd_fail("sweep", err);
    s.tech_version = tv;
    int fake = !strcmp(evname, "fake");
    db_sweep_eval ev = {fake ? db_fake_eval : db_sim_eval, fake ? NULL : db_sim_release,
                        fake ? NULL : &su, evname, fake ? NULL : db_sim_prepare};
    if (rc < 0 && !fake && !s.base.layer && !given[(size_t)(run_param_find("layer") - tab)])
        rc = cmd_usage("sweep", "--layer NAME is required (a list sweeps several layers)");
    if (rc >= 0) {
    } else if (emit) {
        rc = CMD_OK;
        if (cmd_sweep_emit_slurm(emit, &s, &sa, (int)nshards, (int)jobs, path, &err))
            rc = cmd_fail("sweep", err);
    } else if (dry) {
        rc = CMD_OK;
        db_sweep_point *p;
        size_t n, total;
        if (db_sweep_plan(&s, &p, &n, &total, &err))
            rc = cmd_fail("sweep", err);
        else {
            db *d = NULL;
            char *e2 = NULL;
            db_open(path, DB_RDONLY, &d, &e2);
            free(e2);
            cJSON *jo = json ? cJSON_CreateObject() : NULL, *ja = NULL;
            if (jo) {
                cJSON_AddNumberToObject(jo, "points", (double)n);
                cJSON_AddNumberToObject(jo, "points_in_plan", (double)total);
                ja = cJSON_AddArrayToObject(jo, "plan");
            } else
                printf("index  stored  config_hash       point\n");
            for (size_t i = 0; i < n; i++) {
                char hex[17];
                run_hash_hex(p[i].hash, hex);
                int stored = d && db_has_config(d, p[i].hash) == 1;
                if (ja) {
                    cJSON *pt = cJSON_CreateObject();
                    cJSON_AddNumberToObject(pt, "index", (double)i);
                    cJSON_AddBoolToObject(pt, "stored", stored);
                    cJSON_AddStringToObject(pt, "config_hash", hex);
                    cJSON_AddStringToObject(pt, "point", p[i].label);
                    cJSON_AddItemToArray(ja, pt);
                } else
                    printf("%5zu  %-6s  %s  %s\n", i, stored ? "yes" : "no", hex, p[i].label);
            }
            if (jo)
                cmd_print_json(jo);
            else
                printf("%zu points (%zu in the whole plan)\n", n, total);
            db_free(d);
            db_sweep_points_free(p, n);
        }
    } else {
        rc = CMD_OK;
        db_sweep_stats st;
        cmd_reuse_large_buffers(); /* the workers inherit it */
        ax_result r = db_sweep_run(path, &s, &ev, (int)jobs, progress, &st, &err);
        if (st.sweep_id > 0 && json) {
            cJSON *jo = cJSON_CreateObject();
            cJSON_AddNumberToObject(jo, "sweep_id", (double)st.sweep_id);
            cJSON_AddNumberToObject(jo, "points", (double)st.planned);
            cJSON_AddNumberToObject(jo, "skipped", (double)st.skipped);
            cJSON_AddNumberToObject(jo, "ran", (double)st.ran);
            cJSON_AddNumberToObject(jo, "failed", (double)st.failed);
            cJSON_AddStringToObject(jo, "db", path);
            cmd_print_json(jo);
        } else if (st.sweep_id > 0)
            printf("sweep %lld: %zu points: %zu already stored, %zu run now, %zu failed -> %s\n",
                   (long long)st.sweep_id, st.planned, st.skipped, st.ran, st.failed, path);
        if (r != AX_OK)
            rc = cmd_fail("sweep", err);
        else if (st.failed) {
            fprintf(stderr,
                    "axon sweep: %zu point(s) failed (axon query --db %s errors); "
                    "rerun to retry them\n",
                    st.failed, path);
            rc = CMD_FAIL;
        }
    }
    for (size_t i = 0; i < ntab; i++) {
        if (lists[i])
            free((void *)lists[i][0]); /* the strdup'd copy the items point into */
        free(lists[i]);
        free(given[i]);
    }
    run_cache_free(su.c);
    return rc;
}
