/*
 * db — private parts shared by the files of db/: the handle and small
 * SQLite helpers (error text naming the database file, prepared-statement
 * binding of optional values).
 */
#ifndef AX_DB_INT_H
#define AX_DB_INT_H

#include "db.h"

#include <sqlite3.h>

struct db {
    sqlite3 *h;
    char *path;
    int rdonly;
};

/* Busy timeout for concurrent writers (sweep workers, shards on NFS). */
#define DB_BUSY_MS 30000

/* AX_EDB "PATH: what: sqlite message (hint)". */
ax_result db_fail(db *d, char **err, const char *what);
/* exec with error text. */
ax_result db_exec_ctx(db *d, const char *sql, const char *what, char **err);
/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
ax_result db_begin(db *d, char **err);
ax_result db_commit(db *d, char **err);
void db_rollback(db *d);
/* Current UTC time as 2026-01-31T12:00:00Z. */
void db_now_utc(char out[32]);
/* Column names of a table or view (malloc'd array of malloc'd strings). */
ax_result db_columns(db *d, const char *schema, const char *table, char ***cols, int *n,
                     char **err);
void db_columns_free(char **cols, int n);

/* Migrations (db_schema.c). */
extern const char *const db_migrations[DB_SCHEMA_VERSION];

#endif
