/*
 * The checked, atomic file sink under every writer of traces/: data goes to
 * a temporary file ".NAME.XXXXXX" in the target's directory (so the final
 * rename(2) stays within one file system, where POSIX makes it atomic);
 * every write(2) is checked and partial writes are retried; commit is
 * fsync + close (both checked) + rename + a best-effort fsync of the
 * directory. Any failure (ENOSPC on a full disk, EIO) is AX_EIO naming the
 * file and the byte offset; abort removes the temporary file, so the old
 * target is never touched. A target that is not a regular file is refused.
 */
#include "trace_int.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

ax_result trace_sink_open(trace_sink *s, const char *path, char **err)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return ax_fail(err, AX_EIO, "%s: exists and is not a regular file; refusing to replace it "
                       "(hint: write to a file path)", path);
    char *d = strdup(path), *b = strdup(path);
    s->path = strdup(path);
    if (!d || !b || !s->path) {
        free(d);
        free(b);
        free(s->path);
        return ax_fail(err, AX_ENOMEM, "%s: out of memory", path);
    }
    const char *dir = dirname(d), *base = basename(b);
    size_t n = strlen(dir) + strlen(base) + 16;
    s->tmp = malloc(n);
    if (s->tmp) {
        snprintf(s->tmp, n, "%s/.%s.XXXXXX", dir, base);
        s->fd = mkstemp(s->tmp);
    }
    int e = errno;
    free(d);
    free(b);
    if (s->fd < 0) {
        ax_result r = ax_fail(err, AX_EIO, "%s: cannot create a temporary file next to it: %s "
                              "(hint: does the directory exist and is it writable?)", path,
                              s->tmp ? strerror(e) : "out of memory");
        free(s->tmp);
        free(s->path);
        s->tmp = s->path = NULL;
        return r;
    }
    (void)fchmod(s->fd, 0644);
    return AX_OK;
}

void trace_sink_fd(trace_sink *s, int fd, const char *path)
{
    memset(s, 0, sizeof *s);
    s->fd = fd;
    s->path = strdup(path);
}

ax_result trace_sink_write(trace_sink *s, const void *buf, size_t n, char **err)
{
    const uint8_t *p = buf;
    while (n > 0) {
        ssize_t k = write(s->fd, p, n > (1u << 30) ? (1u << 30) : n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return ax_fail(err, AX_EIO, "%s: write failed at offset %llu: %s (hint: is the disk full? "
                           "the old file is untouched)", s->path ? s->path : "?",
                           (unsigned long long)s->written, k < 0 ? strerror(errno) : "wrote 0 bytes");
        p += k;
        n -= (size_t)k;
        s->written += (uint64_t)k;
    }
    return AX_OK;
}

void trace_sink_abort(trace_sink *s)
{
    if (s->fd >= 0 && s->tmp)
        close(s->fd);
    if (s->tmp)
        unlink(s->tmp);
    free(s->tmp);
    free(s->path);
    memset(s, 0, sizeof *s);
    s->fd = -1;
}

ax_result trace_sink_commit(trace_sink *s, char **err)
{
    ax_result r = AX_OK;
    if (fsync(s->fd) != 0 && s->tmp)
        r = ax_fail(err, AX_EIO, "%s: fsync failed: %s (hint: is the disk full? the old file is untouched)",
                    s->path, strerror(errno));
    if (s->tmp) {
        int c = close(s->fd);
        s->fd = -1;
        if (!r && c != 0)
            r = ax_fail(err, AX_EIO, "%s: close failed: %s (hint: is the disk full? the old file is untouched)",
                        s->path, strerror(errno));
        if (!r && rename(s->tmp, s->path) != 0)
            r = ax_fail(err, AX_EIO, "%s: rename from the temporary file failed: %s", s->path, strerror(errno));
        if (!r) {
            char *d = strdup(s->path);
            int dfd = d ? open(dirname(d), O_RDONLY | O_DIRECTORY) : -1;
            if (dfd >= 0) {
                (void)fsync(dfd); /* best effort: makes the rename durable */
                close(dfd);
            }
            free(d);
            free(s->tmp);
            s->tmp = NULL;
        }
    }
    if (r)
        trace_sink_abort(s);
    else {
        free(s->path);
        memset(s, 0, sizeof *s);
        s->fd = -1;
    }
    return r;
}
