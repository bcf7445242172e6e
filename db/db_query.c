/*
 * db_query — running one SQL statement and printing its rows for people
 * (aligned table, numbers right-aligned, NULL as an empty cell) or for
 * machines (CSV after RFC 4180, reals in the shortest text that reads back
 * exactly; JSON: an array of objects with integers, reals, strings and
 * null kept as such).
 *
 * A table needs its column widths before the first line, so rows are kept
 * in memory as text; CSV and JSON stream.
 */
#include "db_int.h"
#include "../ax/ax_json.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static ax_result prepare(db *d, const char *sql, const char *const *args, int nargs,
                         sqlite3_stmt **st, char **err)
{
    const char *tail = NULL;
    if (sqlite3_prepare_v2(d->h, sql, -1, st, &tail) != SQLITE_OK)
        return db_fail(d, err, "SQL");
    if (!*st)
        return ax_fail(err, AX_EPARAM, "the SQL text holds no statement");
    while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';'))
        tail++;
    if (tail && *tail) {
        sqlite3_finalize(*st);
        return ax_fail(err, AX_EPARAM, "one SQL statement at a time (extra text: '%.40s')", tail);
    }
    for (int i = 0; i < nargs; i++)
        sqlite3_bind_text(*st, i + 1, args[i], -1, SQLITE_TRANSIENT);
    return AX_OK;
}

/* The shortest text (at most 17 significant digits) that reads back as v:
 * what CSV and the row callback give for a real, so 0.1 stays 0.1 and no
 * digit is lost. Precision p round-trips when p - 1 does, so bisect; like
 * Python's repr, no exponent for 1e-4 <= |v| < 1e16 (200, not 2e+02). */
static void real_text(double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "%g", v);
        return;
    }
    int lo = 1, hi = 17; /* 17 always round-trips */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        snprintf(buf, n, "%.*e", mid - 1, v);
        if (strtod(buf, NULL) == v)
            hi = mid;
        else
            lo = mid + 1;
    }
    snprintf(buf, n, "%.*e", lo - 1, v);
    const char *e = strchr(buf, 'e');
    int x = e ? atoi(e + 1) : 0; /* decimal exponent */
    snprintf(buf, n, "%.*g", x >= lo && x < 16 ? x + 1 : lo, v);
}

/* Text of a value the way people read it: reals with up to 6 significant
 * digits (and no exponent for ordinary magnitudes). */
static void cell_text(sqlite3_stmt *st, int c, char *buf, size_t n, const char **out)
{
    switch (sqlite3_column_type(st, c)) {
    case SQLITE_NULL: *out = NULL; return;
    case SQLITE_FLOAT: {
        double v = sqlite3_column_double(st, c);
        double a = fabs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e9))
            snprintf(buf, n, "%.4e", v);
        else
            snprintf(buf, n, "%.6g", v);
        *out = buf;
        return;
    }
    default: *out = (const char *)sqlite3_column_text(st, c); return;
    }
}

ax_result db_query_each(db *d, const char *sql, const char *const *args, int nargs, db_row_fn fn,
                        void *user, char **err)
{
    sqlite3_stmt *st;
    ax_result r = prepare(d, sql, args, nargs, &st, err);
    if (r)
        return r;
    int nc = sqlite3_column_count(st);
    const char **names = calloc((size_t)nc + 1, sizeof *names);
    const char **vals = calloc((size_t)nc + 1, sizeof *vals);
    char(*bufs)[48] = calloc((size_t)nc + 1, sizeof *bufs);
    if (!names || !vals || !bufs) {
        free(names), free(vals), free(bufs);
        sqlite3_finalize(st);
        return ax_fail(err, AX_ENOMEM, "out of memory");
    }
    for (int c = 0; c < nc; c++)
        names[c] = sqlite3_column_name(st, c);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < nc; c++) {
            if (sqlite3_column_type(st, c) == SQLITE_FLOAT) {
                real_text(sqlite3_column_double(st, c), bufs[c], sizeof bufs[c]);
                vals[c] = bufs[c];
            } else {
                vals[c] = (const char *)sqlite3_column_text(st, c);
            }
        }
        if (fn(user, nc, names, vals))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        r = db_fail(d, err, "query");
    free(names), free(vals), free(bufs);
    sqlite3_finalize(st);
    return r;
}

static void csv_cell(FILE *out, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static int is_numeric_col(sqlite3_stmt *st, int c)
{
    int t = sqlite3_column_type(st, c);
    return t == SQLITE_INTEGER || t == SQLITE_FLOAT;
}

typedef struct {
    char **cells; /* [rows * nc], NULL = SQL NULL */
    unsigned char *num;
    size_t rows, cap;
} table_buf;

static ax_result print_table(db *d, sqlite3_stmt *st, FILE *out, char **err)
{
    int nc = sqlite3_column_count(st);
    table_buf t = {0};
    int rc;
    ax_result r = AX_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (t.rows == t.cap) {
            t.cap = t.cap ? t.cap * 2 : 64;
            char **c = realloc(t.cells, t.cap * (size_t)nc * sizeof *c);
            unsigned char *n = realloc(t.num, t.cap * (size_t)nc);
            if (c)
                t.cells = c;
            if (n)
                t.num = n;
            if (!c || !n) {
                r = ax_fail(err, AX_ENOMEM, "out of memory holding the table");
                break;
            }
        }
        for (int c = 0; c < nc; c++) {
            char buf[64];
            const char *s;
            cell_text(st, c, buf, sizeof buf, &s);
            t.cells[t.rows * (size_t)nc + (size_t)c] = s ? strdup(s) : NULL;
            t.num[t.rows * (size_t)nc + (size_t)c] = (unsigned char)is_numeric_col(st, c);
        }
        t.rows++;
    }
    if (r == AX_OK && rc != SQLITE_DONE)
        r = db_fail(d, err, "query");
    if (r == AX_OK) {
        size_t *w = calloc((size_t)nc + 1, sizeof *w);
        for (int c = 0; c < nc && w; c++) {
            w[c] = strlen(sqlite3_column_name(st, c));
            for (size_t i = 0; i < t.rows; i++) {
                const char *s = t.cells[i * (size_t)nc + (size_t)c];
                if (s && strlen(s) > w[c])
                    w[c] = strlen(s);
            }
        }
        for (int c = 0; c < nc && w; c++)
            fprintf(out, "%s%-*s", c ? "  " : "", (int)w[c], sqlite3_column_name(st, c));
        fputc('\n', out);
        for (int c = 0; c < nc && w; c++) {
            fputs(c ? "  " : "", out);
            for (size_t k = 0; k < w[c]; k++)
                fputc('-', out);
        }
        fputc('\n', out);
        for (size_t i = 0; i < t.rows && w; i++) {
            for (int c = 0; c < nc; c++) {
                const char *s = t.cells[i * (size_t)nc + (size_t)c];
                int num = t.num[i * (size_t)nc + (size_t)c];
                fprintf(out, num ? "%s%*s" : "%s%-*s", c ? "  " : "", (int)w[c], s ? s : "");
            }
            fputc('\n', out);
        }
        fprintf(out, "(%zu row%s)\n", t.rows, t.rows == 1 ? "" : "s");
        free(w);
    }
    for (size_t i = 0; i < t.rows * (size_t)nc; i++)
        free(t.cells[i]);
    free(t.cells);
    free(t.num);
    return r;
}

static ax_result print_csv(db *d, sqlite3_stmt *st, FILE *out, char **err)
{
    int nc = sqlite3_column_count(st);
    for (int c = 0; c < nc; c++) {
        if (c)
            fputc(',', out);
        csv_cell(out, sqlite3_column_name(st, c));
    }
    fputc('\n', out);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < nc; c++) {
            if (c)
                fputc(',', out);
            if (sqlite3_column_type(st, c) == SQLITE_FLOAT) {
                char buf[48];
                real_text(sqlite3_column_double(st, c), buf, sizeof buf);
                fputs(buf, out);
            } else
                csv_cell(out, (const char *)sqlite3_column_text(st, c));
        }
        fputc('\n', out);
    }
    return rc == SQLITE_DONE ? AX_OK : db_fail(d, err, "query");
}

static ax_result print_json(db *d, sqlite3_stmt *st, FILE *out, char **err)
{
    int nc = sqlite3_column_count(st);
    cJSON *arr = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject();
        for (int c = 0; c < nc; c++) {
            const char *n = sqlite3_column_name(st, c);
            switch (sqlite3_column_type(st, c)) {
            case SQLITE_NULL: cJSON_AddNullToObject(o, n); break;
            case SQLITE_INTEGER:
                cJSON_AddNumberToObject(o, n, (double)sqlite3_column_int64(st, c));
                break;
            case SQLITE_FLOAT: cJSON_AddNumberToObject(o, n, sqlite3_column_double(st, c)); break;
            default: cJSON_AddStringToObject(o, n, (const char *)sqlite3_column_text(st, c)); break;
            }
        }
        cJSON_AddItemToArray(arr, o);
    }
    ax_result r = rc == SQLITE_DONE ? AX_OK : db_fail(d, err, "query");
    if (r == AX_OK) {
        char *s = ax_json_print(arr, 1);
        if (!s)
            r = ax_fail(err, AX_ENOMEM, "out of memory printing JSON");
        else
            fprintf(out, "%s\n", s);
        free(s);
    }
    cJSON_Delete(arr);
    return r;
}

ax_result db_query_print(db *d, const char *sql, const char *const *args, int nargs, db_format f,
                         FILE *out, char **err)
{
    sqlite3_stmt *st;
    ax_result r = prepare(d, sql, args, nargs, &st, err);
    if (r)
        return r;
    if (sqlite3_column_count(st) == 0) { /* a statement that returns no rows */
        int rc = sqlite3_step(st);
        r = rc == SQLITE_DONE ? AX_OK : db_fail(d, err, "statement");
        if (r == AX_OK && f == DB_FMT_TABLE)
            fprintf(out, "(%d row%s changed)\n", sqlite3_changes(d->h),
                    sqlite3_changes(d->h) == 1 ? "" : "s");
    } else if (f == DB_FMT_CSV)
        r = print_csv(d, st, out, err);
    else if (f == DB_FMT_JSON)
        r = print_json(d, st, out, err);
    else
        r = print_table(d, st, out, err);
    sqlite3_finalize(st);
    return r;
}

ax_result db_column_check(db *d, const char *col, char **err)
{
    char **cols;
    int n;
    ax_result r = db_columns(d, "main", "v_runs", &cols, &n, err);
    if (r)
        return r;
    for (int i = 0; i < n; i++)
        if (!strcmp(cols[i], col)) {
            db_columns_free(cols, n);
            return AX_OK;
        }
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += strlen(cols[i]) + 2;
    char *list = malloc(len + 1);
    if (list) {
        list[0] = 0;
        for (int i = 0; i < n; i++) {
            strcat(list, cols[i]);
            if (i + 1 < n)
                strcat(list, ", ");
        }
    }
    ax_fail(err, AX_ENOTFOUND, "'%s' is not a column of v_runs (hint: one of %s)", col,
            list ? list : "see 'axon query columns'");
    free(list);
    db_columns_free(cols, n);
    return AX_ENOTFOUND;
}
