/*
 * axon db — maintenance of results databases: merge sweep shards into one
 * database (no duplicates: runs are matched by config hash and axon
 * version, sweeps by spec hash), check integrity, migrate an older schema,
 * print the schema version.
 */
#include "../db/db.h"
#include "cmd.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("usage: axon db merge OUT.db SHARD.db...   merge shards (OUT is created if missing)\n"
           "       axon db check FILE                 PRAGMA integrity_check + schema version\n"
           "       axon db migrate FILE               bring an older database to schema v%d\n"
           "       axon db version [FILE]             schema version (of this axon, or FILE's)\n"
           "Each shard is merged in its own transaction; merging a shard twice adds nothing.\n",
           DB_SCHEMA_VERSION);
}

static int merge(int argc, char **argv)
{
    if (argc < 3)
        return cmd_usage("db", "merge needs OUT.db and at least one SHARD.db");
    char *err = NULL;
    db *d;
    if (db_open(argv[1], 0, &d, &err))
        return cmd_fail("db", err);
    size_t added = 0, skipped = 0;
    for (int i = 2; i < argc; i++) {
        db_merge_stats st;
        if (db_merge(d, argv[i], &st, &err)) {
            db_free(d);
            fprintf(stderr, "axon db: %zu runs merged before the failure (those are kept)\n",
                    added);
            return cmd_fail("db", err);
        }
        printf("%s: %zu runs added, %zu already present, %zu sweep links added\n", argv[i],
               st.runs_added, st.runs_skipped, st.links_added);
        added += st.runs_added;
        skipped += st.runs_skipped;
    }
    printf("%s: %zu runs added, %zu duplicates skipped\n", argv[1], added, skipped);
    db_free(d);
    return CMD_OK;
}

int cmd_db(int argc, char **argv)
{
    if (argc < 2)
        return cmd_usage("db", "give an action: merge, check, migrate, version");
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
    return cmd_usage("db", "unknown action '%s' (merge, check, migrate, version)", a);
}
