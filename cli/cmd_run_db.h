/*
 * `axon run --db [FILE]` (private to cli/): records each layer's run in the
 * results database, one transaction per run (db_record_run).
 */
#ifndef AX_CMD_RUN_DB_H
#define AX_CMD_RUN_DB_H

#include "../run/run.h"

/* Parses the optional FILE of --db: getopt's optarg for --db=FILE, else
 * the next argument when it does not start with '-' (consumed: *optind
 * advances), else results.db. */
const char *cmd_run_db_path(const char *optarg_, int argc, char **argv, int *optind_);
/* Before any run: the database can be written (an existing file and its
 * directory writable, or a new one's directory). */
ax_result cmd_run_db_check(const char *path, char **err);
/* Records one run; prints "recorded run N in FILE" (or "already stored as
 * run N") on stderr so stdout stays the report. */
ax_result cmd_run_db_record(const char *path, const run_job *j, const run_result *r, char **err);

#endif
