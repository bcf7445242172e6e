/*
 * cmd_plot_gp — runs gnuplot for `axon plot`. Variables reach the
 * template through `-e "name='value'; ..."` (single-quoted gnuplot strings,
 * a quote doubled), and gnuplot is started with posix_spawnp, so no shell
 * ever parses user text. Units in axis labels come from the column-name
 * suffixes the database uses (docs/db.md). gnuplot writes to a temporary
 * file beside the output (ax_out), renamed over it only when gnuplot
 * exited 0 and wrote something: no 0-byte plots, an old plot survives a
 * failure, Ctrl-C leaves nothing.
 */
#include "cmd_plot_gp.h"
#include "cmd.h"

#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

const char *cmd_plot_term(const char *out)
{
    size_t n = strlen(out);
    if (n > 4 && !strcmp(out + n - 4, ".png"))
        return "png";
    if (n > 4 && !strcmp(out + n - 4, ".svg"))
        return "svg";
    return NULL;
}

void cmd_plot_label(const char *col, char *buf, size_t n)
{
    static const char *const units[][2] = {{"_pj_per_token", "pJ/token"},
                                           {"_ns_per_token", "ns/token"},
                                           {"_pj_per_synop", "pJ/synop"},
                                           {"_mhz", "MHz"},
                                           {"_pj", "pJ"},
                                           {"_mw", "mW"},
                                           {"_um2", "µm²"},
                                           {"_mm2", "mm²"},
                                           {"_ns", "ns"},
                                           {"_ps", "ps"},
                                           {"_pct", "%"},
                                           {"_db", "dB"},
                                           {"_bits", "bits"},
                                           {"_cycles", "cycles"},
                                           {"_per_s", "1/s"},
                                           {"_bytes", "bytes"}};
    size_t len = strlen(col);
    const char *unit = NULL;
    size_t base = len;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t sl = strlen(units[i][0]);
        if (len > sl && !strcmp(col + len - sl, units[i][0])) {
            unit = units[i][1];
            base = len - sl;
            break;
        }
    }
    if (!unit && !strcmp(col, "cycles"))
        unit = "cycles";
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(base < sizeof name ? base : sizeof name - 1), col);
    for (char *c = name; *c; c++)
        if (*c == '_')
            *c = ' ';
    if (unit)
        snprintf(buf, n, "%s (%s)", name, unit);
    else
        snprintf(buf, n, "%s", name);
}

char *cmd_plot_fmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = ax_vstrf(fmt, ap);
    va_end(ap);
    return s;
}

/* Directory holding the templates, or NULL. */
static int find_template(const char *tmpl, char *out, size_t n)
{
    char exe[PATH_MAX];
    const char *env = getenv("AXON_PLOT_DIR");
    if (env) {
        snprintf(out, n, "%s/%s", env, tmpl);
        if (access(out, R_OK) == 0)
            return 0;
    }
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = 0;
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = 0;
        const char *rel[] = {"../plot", "../share/axon/plot", "plot"};
        for (size_t i = 0; i < 3; i++) {
            snprintf(out, n, "%s/%s/%s", exe, rel[i], tmpl);
            if (access(out, R_OK) == 0)
                return 0;
        }
    }
    return -1;
}

ax_result cmd_plot_scratch(char *dir, size_t n, int *slot, char **err)
{
    const char *base = getenv("TMPDIR");
    snprintf(dir, n, "%s/axon-plot-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(dir))
        return ax_fail(err, AX_EIO,
                       "%s: cannot create a scratch directory: %s (hint: check "
                       "TMPDIR)",
                       dir, strerror(errno));
    *slot = ax_tmp_register(dir, 1);
    return AX_OK;
}

void cmd_plot_scratch_done(const char *dir, const char *file, int slot, int fslot)
{
    if (file && *file)
        unlink(file);
    rmdir(dir);
    ax_tmp_unregister(fslot);
    ax_tmp_unregister(slot);
}

ax_result cmd_plot_gnuplot(const char *tmpl, const cmd_plot_var *v, size_t nv, const char *out,
                           char **err)
{
    char path[PATH_MAX + 64];
    if (find_template(tmpl, path, sizeof path))
        return ax_fail(err, AX_ENOTFOUND,
                       "plot template %s not found (hint: set AXON_PLOT_DIR to the plot/ folder "
                       "of the axon sources)",
                       tmpl);
    ax_out *o;
    ax_result ro = ax_out_open(out, AX_OUT_EXTERNAL, &o, err);
    if (ro)
        return ro;
    size_t cap = 64 + 2 * strlen(ax_out_tmp(o));
    for (size_t i = 0; i < nv; i++)
        cap += strlen(v[i].name) + 2 * strlen(v[i].value) + 8;
    char *e = malloc(cap), *w = e;
    if (!e) {
        ax_out_abort(o);
        return ax_fail(err, AX_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < nv; i++) {
        w += sprintf(w, "%s=", v[i].name);
        const char *val = strcmp(v[i].name, "outfile") ? v[i].value : ax_out_tmp(o);
        if (v[i].is_string) {
            *w++ = '\'';
            for (const char *c = val; *c; c++) {
                if (*c == '\'')
                    *w++ = '\'';
                *w++ = *c;
            }
            *w++ = '\'';
        } else {
            w += sprintf(w, "%s", val);
        }
        *w++ = ';';
    }
    *w = 0;
    char *args[] = {"gnuplot", "-e", e, path, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "gnuplot", NULL, NULL, args, environ);
    free(e);
    if (rc != 0) {
        ax_out_abort(o);
        return ax_fail(err, AX_ENOTFOUND,
                       "cannot start gnuplot: %s (hint: apt-get install gnuplot-nox, or make deps)",
                       strerror(rc));
    }
    int st;
    pid_t got;
    while ((got = waitpid(pid, &st, WNOHANG)) == 0 || (got < 0 && errno == EINTR)) {
        cmd_progress_tick(); /* a long render keeps its progress line moving */
        usleep(100000);
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        ax_out_abort(o);
        return ax_fail(err, AX_EIO,
                       "gnuplot failed on %s (its message is above); %s was not "
                       "written",
                       path, out);
    }
    struct stat sb;
    if (stat(ax_out_tmp(o), &sb) != 0 || sb.st_size == 0) {
        ax_out_abort(o);
        return ax_fail(err, AX_EIO, "%s: gnuplot wrote nothing (hint: its message is above)", out);
    }
    return ax_out_commit(o, err);
}
