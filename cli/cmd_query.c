/*
 * axon query — the results database from the command line: a named query
 * for the usual questions (axon query list) or any SQL statement, printed
 * as an aligned table (default), CSV or JSON (one of them: --json --csv
 * is a usage error). Raw SQL runs on a read-only connection unless --write
 * is given. --sweep names a sweep that must exist (an error otherwise, as
 * in axon plot), never an empty table.
 */
#include "../db/db.h"
#include "cmd.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("usage: axon query [--db FILE] [--csv|--json] NAME [options]\n"
           "       axon query [--db FILE] [--csv|--json] [--write] \"SQL\"\n\n"
           "Queries the results database (default %s). Named queries:\n",
           DB_DEFAULT_FILE);
    db_named_list(stdout);
    printf("\noptions:\n"
           "  --db FILE        results database (default %s)\n"
           "  --csv, --json    machine-readable output (default: aligned table)\n"
           "  --sweep ID       only the points of sweep ID\n"
           "  --where SQL      extra condition on v_runs, e.g. \"coding = 'ternary'\"\n"
           "  --x COL --y COL  pareto axes (columns of v_runs; minimised)\n"
           "  --max-x, --max-y maximise that pareto axis instead\n"
           "  --metric COL     what `best` minimises (default energy_pj_per_token)\n"
           "  --limit N        rows of `runs` (default 50)\n"
           "  --write          allow raw SQL to modify the database\n"
           "examples:\n"
           "  axon query pareto --x energy_pj_per_token --y rel_error\n"
           "  axon query --csv \"SELECT clock_mhz, power_mw FROM v_runs ORDER BY 1\"\n",
           DB_DEFAULT_FILE);
}

int cmd_query(int argc, char **argv)
{
    static const struct option opts[] =
        {{"db", required_argument, 0, 'd'},    {"csv", no_argument, 0, 'c'},
         {"json", no_argument, 0, 'j'},        {"sweep", required_argument, 0, 's'},
         {"where", required_argument, 0, 'w'}, {"x", required_argument, 0, 'x'},
         {"y", required_argument, 0, 'y'},     {"max-x", no_argument, 0, 'X'},
         {"max-y", no_argument, 0, 'Y'},       {"metric", required_argument, 0, 'm'},
         {"limit", required_argument, 0, 'l'}, {"write", no_argument, 0, 'W'},
         {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    const char *path = DB_DEFAULT_FILE;
    db_format fmt = DB_FMT_TABLE;
    db_named_args a = {0};
    int write = 0, c;
    long v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': path = optarg; break;
        case 'c':
        case 'j':
            if (fmt != DB_FMT_TABLE && fmt != (c == 'c' ? DB_FMT_CSV : DB_FMT_JSON))
                return cmd_usage("query", "--json and --csv exclude each other (hint: give one)");
            fmt = c == 'c' ? DB_FMT_CSV : DB_FMT_JSON;
            break;
        case 's':
            if (cmd_parse_long("query", "--sweep", optarg, 1, LONG_MAX, &v))
                return CMD_USAGE;
            a.sweep_id = v;
            break;
        case 'w': a.where = optarg; break;
        case 'x': a.x = optarg; break;
        case 'y': a.y = optarg; break;
        case 'X': a.max_x = 1; break;
        case 'Y': a.max_y = 1; break;
        case 'm': a.metric = optarg; break;
        case 'l':
            if (cmd_parse_long("query", "--limit", optarg, 1, 100000000, &a.limit))
                return CMD_USAGE;
            break;
        case 'W': write = 1; break;
        case 'h': help(); return CMD_OK;
        default: return cmd_usage("query", "unknown option");
        }
    }
    if (optind != argc - 1)
        return cmd_usage("query", "give one named query or one SQL statement (axon query list)");
    const char *q = argv[optind];
    if (!strcmp(q, "list")) {
        db_named_list(stdout);
        return CMD_OK;
    }
    int named = db_named_exists(q);
    if (!named && !strchr(q, ' '))
        return cmd_usage("query", "no named query '%s' (axon query list shows them)", q);
    char *err = NULL;
    db *d;
    if (db_open(path, write && !named ? 0 : DB_RDONLY, &d, &err))
        return cmd_fail("query", err);
    ax_result r = named ? db_named_run(d, q, &a, fmt, stdout, &err)
                        : db_query_print(d, q, NULL, 0, fmt, stdout, &err);
    db_free(d);
    return r == AX_OK ? CMD_OK : cmd_fail("query", err);
}
