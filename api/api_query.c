/*
 * api_query — ax_query / ax_query_opts: the results database read through
 * db/'s read-only query API (a DB_RDONLY connection, so no query can
 * change it), rows returned as one JSON array of objects, the same text as
 * `axon query --json`. A query is a named query of db_named.c when its
 * name is one, otherwise one SQL statement.
 */
#include "api_int.h"
#include "../ax/ax_json.h"

#include "../db/db.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "list": the named queries as [{"name", "help"}] from db_named_list's lines. */
static char *list_json(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    db_named_list(f);
    fclose(f);
    cJSON *arr = cJSON_CreateArray();
    for (char *line = text, *next; arr && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        while (*line == ' ')
            line++;
        char *sp = strchr(line, ' ');
        if (!sp)
            continue;
        *sp++ = 0;
        while (*sp == ' ')
            sp++;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", line);
        cJSON_AddStringToObject(o, "help", sp);
        cJSON_AddItemToArray(arr, o);
    }
    free(text);
    char *s = arr ? ax_json_print(arr, 1) : NULL;
    cJSON_Delete(arr);
    return s;
}

static ax_result parse_opt(db_named_args *a, const char *k, const char *v, char **err)
{
    char *end;
    if (!k || !v)
        return ax_fail(err, AX_EPARAM, "query option without a name or value");
    if (!strcmp(k, "sweep") || !strcmp(k, "limit")) {
        errno = 0;
        long long x = strtoll(v, &end, 10);
        if (errno || end == v || *end || x < 1)
            return ax_fail(err, AX_EPARAM, "query option %s '%s': expected a positive integer", k,
                           v);
        if (!strcmp(k, "sweep"))
            a->sweep_id = x;
        else
            a->limit = (long)x;
    } else if (!strcmp(k, "where"))
        a->where = v;
    else if (!strcmp(k, "x"))
        a->x = v;
    else if (!strcmp(k, "y"))
        a->y = v;
    else if (!strcmp(k, "metric"))
        a->metric = v;
    else if (!strcmp(k, "max_x") || !strcmp(k, "max_y")) {
        int on = !strcmp(v, "on") || !strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes");
        int off = !strcmp(v, "off") || !strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no");
        if (!on && !off)
            return ax_fail(err, AX_EPARAM, "query option %s '%s': expected on or off", k, v);
        *(k[4] == 'x' ? &a->max_x : &a->max_y) = on;
    } else
        return ax_fail(err, AX_EPARAM,
                       "unknown query option '%s' (hint: sweep, where, x, y, "
                       "max_x, max_y, metric, limit)",
                       k);
    return AX_OK;
}

ax_result ax_query_opts(const char *db_path, const char *query, size_t nopts,
                        const char *const *opt_names, const char *const *opt_values,
                        char **json_rows, char **err)
{
    if (!db_path || !query || !json_rows || (nopts && (!opt_names || !opt_values)))
        return ax_fail(err, AX_EPARAM, "ax_query: db_path, query and json_rows are required");
    int named = db_named_exists(query);
    if (!named && !strpbrk(query, " \t\n"))
        return ax_fail(err, AX_ENOTFOUND,
                       "no named query '%s' (hint: ax_query(db, \"list\") "
                       "lists them; SQL is one statement such as SELECT * FROM v_runs)",
                       query);
    if (!named && nopts)
        return ax_fail(err, AX_EPARAM,
                       "query options apply to named queries only (hint: write "
                       "the condition into the SQL)");
    db_named_args a = {0};
    for (size_t i = 0; i < nopts; i++) {
        ax_result r = parse_opt(&a, opt_names[i], opt_values[i], err);
        if (r)
            return r;
    }
    if (!strcmp(query, "list")) {
        if (!(*json_rows = list_json()))
            return ax_fail(err, AX_ENOMEM, "out of memory");
        return AX_OK;
    }
    db *d = NULL;
    ax_result r = db_open(db_path, DB_RDONLY, &d, err);
    if (r)
        return r;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        r = ax_fail(err, AX_ENOMEM, "out of memory");
    else {
        r = named ? db_named_run(d, query, &a, DB_FMT_JSON, f, err)
                  : db_query_print(d, query, NULL, 0, DB_FMT_JSON, f, err);
        fclose(f);
    }
    db_free(d);
    if (r == AX_OK) {
        while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
            text[--len] = 0;
        if (len == 0) { /* a statement that returns no rows */
            free(text);
            text = strdup("[]");
            if (!text)
                r = ax_fail(err, AX_ENOMEM, "out of memory");
        }
    }
    if (r) {
        free(text);
        return r;
    }
    *json_rows = text;
    return AX_OK;
}

ax_result ax_query(const char *db_path, const char *query, char **json_rows, char **err)
{
    return ax_query_opts(db_path, query, 0, NULL, NULL, json_rows, err);
}
