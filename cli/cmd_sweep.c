/*
 * axon sweep — the cartesian product of parameter lists, each point one
 * run of the layer (run_job_exec), recorded in the results database by
 * parallel worker processes. Rerunning the same command resumes: points
 * already stored are skipped. --shard i/N runs one slice (into its own
 * database); --emit-slurm DIR writes a Slurm job array for the shards.
 */
#include "../db/db.h"
#include "cmd.h"
#include "cmd_sweep_slurm.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf(
        "usage: axon sweep --weights W --trace T --layer NAME [axes] [options] [--db FILE]\n\n"
        "Runs every combination of the axes and records each point in the database.\n"
        "axes (comma-separated lists):\n"
        "  --layer NAME,...     HF layer names (e.g. model.layers.0.mlp.up_proj)\n"
        "  --clock MHZ,...      sync clock in MHz (e.g. 250,500,1000)\n"
        "  --tile RxC,...       core tile rows x cols (e.g. 64x64,128x128)\n"
        "  --coding C,...       binary ternary bitwise bitwise-signed bitwise-2c\n"
        "  --k K,...            adaptive-threshold divisor\n"
        "  --async on|off|both  timing mode (async points do not depend on --clock)\n"
        "  --lanes L,...        adders per beat\n"
        "  --steps S,...        auto, token or a fixed T\n"
        "fixed parameters:\n"
        "  --group G            weight group size (0 = per output channel)\n"
        "  --tech CSV           technology table (default: built-in 45 nm)\n"
        "  --model M            realistic (default) or ideal\n"
        "options:\n"
        "  --db FILE            results database (default %s)\n"
        "  --jobs N             worker processes (default 1)\n"
        "  --shard i/N          run only points with index %% N == i (0 <= i < N)\n"
        "  --emit-slurm DIR     write DIR/sweep.sbatch (job array), DIR/plan.tsv and\n"
        "                       DIR/merge.sh instead of running; --shards N (default 4)\n"
        "  --dry-run            print the plan (and what is already stored) and exit\n"
        "  --eval sim|fake      evaluator (default sim; fake is a closed-form test stand-in,\n"
        "                       its runs are stored with evaluator = 'fake')\n"
        "Rerunning the same command resumes: stored points are skipped. A killed sweep\n"
        "loses only the points in flight.\n",
        DB_DEFAULT_FILE);
}

/* Splits a comma list into a NULL-terminated array (pointers into s). */
static const char **split(char *s, size_t *n)
{
    size_t cap = 1;
    for (char *p = s; *p; p++)
        cap += *p == ',';
    const char **v = calloc(cap + 1, sizeof *v);
    *n = 0;
    for (char *tok = strtok(s, ","); v && tok; tok = strtok(NULL, ","))
        v[(*n)++] = tok;
    return v;
}

static void progress(size_t done, size_t total)
{
    cmd_progress("sweep", done, total);
}

/* The real evaluator: one run of the layer (run/run_job.c). */
static ax_result sim_eval(void *user, const run_job *j, run_result *r, char **err)
{
    (void)user;
    return run_job_exec(j, r, err);
}

static void sim_release(void *user, run_result *r)
{
    (void)user;
    run_result_free(r);
}

int cmd_sweep(int argc, char **argv)
{
    static const struct option opts[] = {
        {"weights", required_argument, 0, 'w'}, {"trace", required_argument, 0, 't'},
        {"layer", required_argument, 0, 'L'},   {"clock", required_argument, 0, 'c'},
        {"tile", required_argument, 0, 'T'},    {"coding", required_argument, 0, 'C'},
        {"k", required_argument, 0, 'k'},       {"async", required_argument, 0, 'a'},
        {"lanes", required_argument, 0, 'l'},   {"steps", required_argument, 0, 'S'},
        {"group", required_argument, 0, 'g'},   {"tech", required_argument, 0, 'x'},
        {"model", required_argument, 0, 'm'},   {"db", required_argument, 0, 'd'},
        {"jobs", required_argument, 0, 'j'},    {"shard", required_argument, 0, 's'},
        {"emit-slurm", required_argument, 0, 'E'}, {"shards", required_argument, 0, 'N'},
        {"dry-run", no_argument, 0, 'n'},       {"eval", required_argument, 0, 'e'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    /* axis option -> axis name, in plan order */
    static const struct { int opt; const char *name; } axis_of[CMD_SWEEP_AXES] = {
        {'L', "layer"}, {'c', "clock"}, {'T', "tile"}, {'C', "coding"}, {'k', "k"},
        {'a', "async"}, {'l', "lanes"}, {'S', "steps"}};
    char *axis_arg[CMD_SWEEP_AXES] = {0};
    cmd_sweep_args sa = {0};
    const char *path = DB_DEFAULT_FILE, *emit = NULL, *evname = "sim";
    long jobs = 1, nshards = 4, v;
    int dry = 0, c;
    db_sweep_spec s;
    memset(&s, 0, sizeof s);
    run_job_default(&s.base);
    optind = 1;
    char *err = NULL;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int axis = -1;
        for (int i = 0; i < CMD_SWEEP_AXES; i++)
            if (axis_of[i].opt == c)
                axis = i;
        if (axis >= 0) {
            axis_arg[axis] = optarg;
            continue;
        }
        switch (c) {
        case 'w': s.base.weights = sa.weights = optarg; break;
        case 't': s.base.trace = sa.trace = optarg; break;
        case 'g':
            if (cmd_parse_long("sweep", "--group", optarg, 0, 1 << 30, &v))
                return CMD_USAGE;
            s.base.group = (size_t)v;
            sa.group = optarg;
            break;
        case 'x': s.base.tech = sa.tech = optarg; break;
        case 'm':
            if (!strcmp(optarg, "ideal"))
                s.base.model = POWER_IDEAL;
            else if (!strcmp(optarg, "realistic"))
                s.base.model = POWER_REALISTIC;
            else
                return cmd_usage("sweep", "--model '%s': realistic or ideal", optarg);
            sa.model = optarg;
            break;
        case 'd': path = optarg; break;
        case 'j':
            if (cmd_parse_long("sweep", "--jobs", optarg, 1, 1024, &jobs))
                return CMD_USAGE;
            break;
        case 's': {
            int i, n, used = 0;
            if (sscanf(optarg, "%d/%d%n", &i, &n, &used) != 2 || optarg[used] || n < 1 || i < 0 ||
                i >= n)
                return cmd_usage("sweep", "--shard '%s': expected i/N with 0 <= i < N", optarg);
            s.shard_i = i;
            s.shard_n = n;
            break;
        }
        case 'E': emit = optarg; break;
        case 'N':
            if (cmd_parse_long("sweep", "--shards", optarg, 1, 100000, &nshards))
                return CMD_USAGE;
            break;
        case 'n': dry = 1; break;
        case 'e':
            if (strcmp(optarg, "sim") && strcmp(optarg, "fake"))
                return cmd_usage("sweep", "--eval '%s': sim or fake", optarg);
            evname = sa.eval = optarg;
            break;
        case 'h': help(); return CMD_OK;
        default: return cmd_usage("sweep", "unknown option");
        }
    }
    if (optind != argc)
        return cmd_usage("sweep", "unexpected argument '%s'", argv[optind]);
    if (!s.base.weights || !s.base.trace)
        return cmd_usage("sweep", "--weights and --trace are required");
    if (emit && s.shard_n)
        return cmd_usage("sweep", "--emit-slurm writes the shards itself; drop --shard");
    const char **lists[CMD_SWEEP_AXES] = {0};
    static const char *both[] = {"off", "on"};
    for (int i = 0; i < CMD_SWEEP_AXES; i++) {
        if (!axis_arg[i])
            continue;
        sa.axes[i] = strdup(axis_arg[i]);
        sa.axis_names[i] = axis_of[i].name;
        db_sweep_axis *ax = &s.axes[s.naxes++];
        ax->name = axis_of[i].name;
        if (axis_of[i].opt == 'a' && !strcmp(axis_arg[i], "both")) {
            ax->values = both;
            ax->n = 2;
            continue;
        }
        lists[i] = split(axis_arg[i], &ax->n);
        ax->values = lists[i];
        if (!lists[i] || ax->n == 0)
            return cmd_usage("sweep", "--%s: empty list", axis_of[i].name);
        for (size_t k = 0; k < ax->n; k++) {
            run_job probe = s.base;
            if (db_sweep_apply(&probe, ax->name, ax->values[k], &err))
                return cmd_usage_err("sweep", err);
        }
    }
    char tv[128];
    if (run_tech_version(s.base.tech, tv, sizeof tv, &err))
        return cmd_fail("sweep", err);
    s.tech_version = tv;
    int rc = CMD_OK;
    int fake = !strcmp(evname, "fake");
    db_sweep_eval ev = {fake ? db_fake_eval : sim_eval, fake ? NULL : sim_release, NULL, evname};
    if (!fake && !s.base.layer && !axis_arg[0])
        return cmd_usage("sweep", "--layer NAME is required (a list sweeps several layers)");
    if (emit) {
        if (cmd_sweep_emit_slurm(emit, &s, &sa, (int)nshards, (int)jobs, path, &err))
            rc = cmd_fail("sweep", err);
    } else if (dry) {
        db_sweep_point *p;
        size_t n, total;
        if (db_sweep_plan(&s, &p, &n, &total, &err))
            rc = cmd_fail("sweep", err);
        else {
            db *d = NULL;
            char *e2 = NULL;
            db_open(path, DB_RDONLY, &d, &e2);
            free(e2);
            printf("index  stored  config_hash       point\n");
            for (size_t i = 0; i < n; i++) {
                char hex[17];
                run_hash_hex(p[i].hash, hex);
                printf("%5zu  %-6s  %s  %s\n", i, d && db_has_config(d, p[i].hash) == 1 ? "yes" : "no",
                       hex, p[i].label);
            }
            printf("%zu points (%zu in the whole plan)\n", n, total);
            db_free(d);
            db_sweep_points_free(p, n);
        }
    } else {
        db_sweep_stats st;
        ax_result r = db_sweep_run(path, &s, &ev, (int)jobs, progress, &st, &err);
        if (st.sweep_id > 0)
            printf("sweep %lld: %zu points: %zu already stored, %zu run now, %zu failed -> %s\n",
                   (long long)st.sweep_id, st.planned, st.skipped, st.ran, st.failed, path);
        if (r != AX_OK)
            rc = cmd_fail("sweep", err);
        else if (st.failed) {
            fprintf(stderr, "axon sweep: %zu point(s) failed (axon query --db %s errors); "
                            "rerun to retry them\n", st.failed, path);
            rc = CMD_FAIL;
        }
    }
    for (int i = 0; i < CMD_SWEEP_AXES; i++) {
        free(lists[i]);
        free(sa.axes[i]);
    }
    return rc;
}
