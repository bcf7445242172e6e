/*
 * Shared helpers of the subcommands: error and usage printing, strict
 * number parsing, a progress bar shown only on a terminal, and --json output.
 */
#include "cmd.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

int cmd_fail(const char *cmd, char *err)
{
    fprintf(stderr, "axon %s: %s\n", cmd, err ? err : "failed");
    free(err);
    return CMD_FAIL;
}

int cmd_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "axon %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'axon %s --help'.\n", cmd);
    return CMD_USAGE;
}

int cmd_usage_err(const char *cmd, char *err)
{
    int rc = cmd_usage(cmd, "%s", err);
    free(err);
    return rc;
}

int cmd_parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        cmd_usage(cmd, "%s '%s' is not an integer in [%ld, %ld]", opt, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cmd_parse_double(const char *cmd, const char *opt, const char *s, double lo, double hi,
                     double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi) {
        cmd_usage(cmd, "%s '%s' is not a number in [%g, %g]", opt, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

void cmd_progress(const char *what, size_t done, size_t total)
{
    static int tty = -1;
    if (tty < 0)
        tty = isatty(STDERR_FILENO);
    if (!tty || total == 0)
        return;
    int width = 40, fill = (int)((double)done / (double)total * width);
    fprintf(stderr, "\r%-12s [", what);
    for (int i = 0; i < width; i++)
        fputc(i < fill ? '#' : '.', stderr);
    fprintf(stderr, "] %zu/%zu", done, total);
    if (done >= total)
        fputc('\n', stderr);
    fflush(stderr);
}

void cmd_print_json(cJSON *root)
{
    char *s = cJSON_Print(root);
    if (s)
        printf("%s\n", s);
    else
        fprintf(stderr, "axon: out of memory printing JSON\n");
    free(s);
    cJSON_Delete(root);
}
