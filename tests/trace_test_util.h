/* Helpers shared by the trace unit tests: a scratch directory per test and
 * raw file writing, so malformed files can be crafted byte by byte. */
#ifndef AX_TRACE_TEST_UTIL_H
#define AX_TRACE_TEST_UTIL_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../traces/trace.h"
#include "../traces/trace_int.h"

static inline char *tt_dir(void)
{
    char tmpl[] = "/tmp/axon-trace-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    cr_assert_not_null(d);
    return strdup(d);
}

static inline char *tt_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static inline void tt_write(const char *path, const void *buf, size_t n)
{
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    cr_assert_eq(fwrite(buf, 1, n, fp), n);
    cr_assert_eq(fclose(fp), 0);
}

static inline void *tt_read(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "%s", path);
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    void *b = malloc((size_t)len + 1);
    cr_assert_eq(fread(b, 1, (size_t)len, fp), (size_t)len);
    fclose(fp);
    *n = (size_t)len;
    return b;
}

/* Number of entries in dir (to prove no temporary file is left over). */
static inline int tt_count(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static inline void tt_rmdir(char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            char *p = tt_path(dir, e->d_name);
            unlink(p);
            free(p);
        }
    if (d)
        closedir(d);
    rmdir(dir);
    free(dir);
}

/* Opens path expecting failure `code`; asserts the message names the file
 * and contains `what`. */
static inline void tt_expect_fail(const char *path, int declared, ax_result code, const char *what)
{
    trace_file *f = NULL;
    char *err = NULL;
    ax_result r = declared >= 0 ? trace_open_as(path, (trace_dtype)declared, &f, &err)
                                : trace_open(path, &f, &err);
    cr_assert_eq(r, code, "%s: expected %s, got %s (%s)", what, ax_result_str(code),
                 ax_result_str(r), err ? err : "");
    cr_assert_null(f);
    cr_assert_not_null(err);
    cr_assert(strstr(err, path), "message does not name the file: %s", err);
    cr_assert(strstr(err, what), "message lacks '%s': %s", what, err);
    cr_assert(strstr(err, "hint"), "message has no hint: %s", err);
    free(err);
}

#endif
