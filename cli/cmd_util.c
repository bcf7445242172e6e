/*
 * Shared helpers of the subcommands: error and usage printing, strict
 * number parsing, progress of long work on stderr, "wrote FILE" lines, and
 * --json output.
 *
 * Progress: nothing for work done within about a second; then on a
 * terminal a bar redrawn at most ten times a second (erased when the task
 * ends or before anything goes to stdout), otherwise one line every few
 * seconds ($AXON_PROGRESS_SECONDS, default 5; a value under 1 also
 * shortens the silent first second, for tests) and a closing line. Only
 * stderr is written, stdout is flushed first, so a bar never runs into
 * the report. --quiet (any subcommand, cli/main.c) silences progress and
 * the "wrote" lines; errors and warnings always print.
 */
#include "cmd.h"
#include "../ax/ax_json.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <unistd.h>

int cmd_fail(const char *cmd, char *err)
{
    cmd_progress_clear();
    fprintf(stderr, "axon %s: %s\n", cmd, err ? err : "failed");
    free(err);
    return CMD_FAIL;
}

int cmd_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cmd_progress_clear();
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

int cmd_quiet;

static struct {
    char what[32];
    char label[128];
    size_t done, total; /* the last update, for cmd_progress_tick */
    double t0, last;    /* start, last line or redraw */
    int tty, shown;     /* stderr is a terminal; something was printed for this task */
    int active;
} prog = {.tty = -1};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double line_interval(void)
{
    const char *e = getenv("AXON_PROGRESS_SECONDS");
    double v = e ? atof(e) : 5.0;
    return v > 0 ? v : 5.0;
}

void cmd_progress_clear(void)
{
    if (prog.tty > 0 && prog.shown && prog.active) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        prog.shown = 0;
        prog.last = 0; /* redraw at the next update */
    }
}

void cmd_progress_label(const char *what, const char *label, size_t done, size_t total)
{
    if (cmd_quiet || total == 0)
        return;
    if (prog.tty < 0)
        prog.tty = isatty(STDERR_FILENO);
    double t = now_s();
    if (!prog.active || strncmp(prog.what, what, sizeof prog.what - 1)) {
        snprintf(prog.what, sizeof prog.what, "%s", what);
        prog.t0 = t;
        prog.last = 0;
        prog.shown = 0;
        prog.active = 1;
    }
    int end = done >= total;
    double el = t - prog.t0;
    prog.done = done;
    prog.total = total;
    if (label != prog.label)
        snprintf(prog.label, sizeof prog.label, "%s", label ? label : "");
    if (end) {
        if (prog.tty > 0)
            cmd_progress_clear();
        else if (prog.shown)
            fprintf(stderr, "axon %s: done in %.0f s\n", what, el);
        prog.active = 0;
        prog.shown = 0;
        return;
    }
    double iv = line_interval();
    if (el < (iv < 1.0 ? iv : 1.0))
        return;     /* short work stays silent */
    fflush(stdout); /* what the command printed goes first */
    if (prog.tty > 0) {
        if (prog.shown && t - prog.last < 0.1)
            return;
        int width = 30, fill = (int)((double)done / (double)total * width);
        fprintf(stderr, "\r\033[K%-6s [", what);
        for (int i = 0; i < width; i++)
            fputc(i < fill ? '#' : '.', stderr);
        fprintf(stderr, "] %zu/%zu %.0f s", done, total, el);
        if (label)
            fprintf(stderr, " %.60s", label);
    } else {
        if (prog.shown && t - prog.last < iv)
            return;
        fprintf(stderr, "axon %s: %zu/%zu (%.0f%%) after %.0f s%s%s\n", what, done, total,
                100.0 * (double)done / (double)total, el, label ? ", " : "", label ? label : "");
    }
    fflush(stderr);
    prog.shown = 1;
    prog.last = t;
}

void cmd_progress_tick(void)
{
    if (prog.active)
        cmd_progress_label(prog.what, prog.label[0] ? prog.label : NULL, prog.done, prog.total);
}

void cmd_reuse_large_buffers(void)
{
#ifdef __GLIBC__
    /* a layer's weights (up to hundreds of MB) are allocated and freed per
     * layer: keep them in the heap so the next layer reuses the pages
     * instead of mapping and zeroing them again (the peak stays the same) */
    mallopt(M_MMAP_THRESHOLD, 512 << 20);
    mallopt(M_TRIM_THRESHOLD, 1024 << 20);
#endif
}

void cmd_progress(const char *what, size_t done, size_t total)
{
    cmd_progress_label(what, NULL, done, total);
}

void cmd_csv_cell(const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

void cmd_wrote(const char *cmd, const char *path)
{
    if (cmd_quiet)
        return;
    cmd_progress_clear();
    fprintf(stderr, "axon %s: wrote %s\n", cmd, path);
}

void cmd_print_json(cJSON *root)
{
    char *s = ax_json_print(root, 1);
    if (s)
        printf("%s\n", s);
    else
        fprintf(stderr, "axon: out of memory printing JSON\n");
    free(s);
    cJSON_Delete(root);
}
