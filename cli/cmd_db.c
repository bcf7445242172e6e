/*
 * axon db — maintenance of results databases: merge sweep shards into one
 * database (no duplicates: runs are matched by config hash and axon
 * version, sweeps by spec hash), check integrity, migrate an older schema,
 * print the schema version.
 *
 * merge checks every shard (exists, is an axon database of a readable
 * schema, is not OUT) before OUT is touched. A new OUT is built in a
 * temporary file beside it (ax_out) and renamed only when every shard is
 * in, so a failure or Ctrl-C leaves no OUT; an existing OUT takes each
 * shard in its own transaction (a failure keeps the shards before it and
 * says how many runs they added, after the error).
 */
#include "../db/db.h"
#include "cmd.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void help(void)
{
    printf("usage: axon db merge OUT.db SHARD.db...   merge shards (OUT is created if missing)\n"
           "       axon db check FILE                 PRAGMA integrity_check + schema version\n"
           "       axon db migrate FILE               bring an older database to schema v%d\n"
           "       axon db version [FILE]             schema version (of this axon, or FILE's)\n"
           "Each shard is merged in its own transaction; merging a shard twice adds nothing.\n",
           DB_SCHEMA_VERSION);
}

/* Every shard before OUT is touched: it exists, is not OUT and opens as an
 * axon database of a schema this axon reads. */
static ax_result check_shards(const char *out, int n, char **shards, char **err)
{
    char *co = NULL;
    ax_result r = ax_out_canonical(out, &co, err);
    for (int i = 0; i < n && !r; i++) {
        char *cs = NULL;
        if (access(shards[i], F_OK) != 0) {
            r = ax_fail(err, AX_ENOTFOUND,
                        "%s: no such shard database (hint: check the path; "
                        "nothing was merged)",
                        shards[i]);
            break;
        }
        if ((r = ax_out_canonical(shards[i], &cs, err)))
            break;
        int same = !strcmp(cs, co);
        free(cs);
        if (same) {
            r = ax_fail(err, AX_EPARAM,
                        "%s: is OUT itself (hint: a database cannot be merged "
                        "into itself)",
                        shards[i]);
            break;
        }
        db *s;
        if ((r = db_open(shards[i], DB_RDONLY, &s, err))) {
            ax_err_prefix(err, "shard %s (nothing was merged)", shards[i]);
            break;
        }
        db_free(s);
    }
    free(co);
    return r;
}

static int merge(int argc, char **argv)
{
    if (argc < 3)
        return cmd_usage("db", "merge needs OUT.db and at least one SHARD.db");
    char *err = NULL;
    const char *out = argv[1];
    if (check_shards(out, argc - 2, argv + 2, &err))
        return cmd_fail("db", err);
    int fresh = access(out, F_OK) != 0;
    ax_out *o = NULL;
    if (fresh && ax_out_open(out, AX_OUT_EXTERNAL | AX_OUT_SQLITE, &o, &err))
        return cmd_fail("db", err);
    db *d;
    if (db_open(fresh ? ax_out_tmp(o) : out, 0, &d, &err)) {
        ax_out_abort(o);
        return cmd_fail("db", err);
    }
    size_t added = 0, skipped = 0;
    for (int i = 2; i < argc; i++) {
        db_merge_stats st;
        if (db_merge(d, argv[i], &st, &err)) {
            db_free(d);
            ax_out_abort(o);
            int rc = cmd_fail("db", err);
            if (fresh)
                fprintf(stderr, "axon db: %s was not created\n", out);
            else if (added)
                fprintf(stderr, "axon db: the %zu runs of the shards before %s stay in %s\n", added,
                        argv[i], out);
            return rc;
        }
        printf("%s: %zu runs added, %zu already present, %zu sweep links added\n", argv[i],
               st.runs_added, st.runs_skipped, st.links_added);
        added += st.runs_added;
        skipped += st.runs_skipped;
    }
    db_free(d); /* closes the last connection: the WAL is checkpointed into the file */
    if (o && ax_out_commit(o, &err))
        return cmd_fail("db", err);
    printf("%s: %zu runs added, %zu duplicates skipped\n", out, added, skipped);
    return CMD_OK;
}

int cmd_db(int argc, char **argv)
{
    if (argc < 2)
        return cmd_usage("db", "give a subcommand: merge, check, migrate, version");
    const char *a = argv[1];
    if (!strcmp(a, "--help") || !strcmp(a, "-h") || !strcmp(a, "help")) {
        help();
        return CMD_OK;
    }
    if (!strcmp(a, "merge"))
        return merge(argc - 1, argv + 1);
    char *err = NULL;
    db *d;
    if (!strcmp(a, "version")) {
        if (argc == 2) {
            printf("schema version %d (axon %s)\n", DB_SCHEMA_VERSION, AX_VERSION);
            return CMD_OK;
        }
        if (db_open(argv[2], DB_NOMIGRATE, &d, &err))
            return cmd_fail("db", err);
        printf("%s: schema version %d (this axon: %d)\n", argv[2], db_user_version(d),
               DB_SCHEMA_VERSION);
        db_free(d);
        return CMD_OK;
    }
    if (strcmp(a, "check") && strcmp(a, "migrate"))
        return cmd_usage("db", "unknown subcommand '%s' (merge, check, migrate, version)", a);
    if (argc != 3)
        return cmd_usage("db", "%s needs exactly one FILE", a);
    if (!strcmp(a, "check")) {
        if (db_open(argv[2], DB_RDONLY, &d, &err))
            return cmd_fail("db", err);
        ax_result r = db_check(d, &err);
        if (r == AX_OK)
            printf("%s: ok, schema version %d\n", argv[2], db_user_version(d));
        db_free(d);
        return r == AX_OK ? CMD_OK : cmd_fail("db", err);
    }
    if (!strcmp(a, "migrate")) {
        if (db_open(argv[2], DB_NOMIGRATE, &d, &err))
            return cmd_fail("db", err);
        int from = db_user_version(d);
        ax_result r = db_migrate_to(d, DB_SCHEMA_VERSION, &err);
        if (r == AX_OK)
            printf("%s: schema version %d -> %d\n", argv[2], from, db_user_version(d));
        db_free(d);
        return r == AX_OK ? CMD_OK : cmd_fail("db", err);
    }
    return CMD_USAGE; /* not reached: the actions are checked above */
}
