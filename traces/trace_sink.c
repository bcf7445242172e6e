/*
 * The checked sink under every writer of traces/: an atomic output of
 * ax/ax_out.c (a unique temporary beside the target, every write checked
 * and retried, fsync + rename on commit, the temporary removed on failure
 * and on SIGINT/SIGTERM/SIGHUP), or, for tests, an already open
 * descriptor. Any failure (ENOSPC on a full disk, EFBIG past a file-size
 * limit, EIO) is AX_EIO naming the file and the byte offset; the old
 * target is never touched. A target that is not a regular file is refused.
 */
#include "trace_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ax_result trace_sink_open(trace_sink *s, const char *path, char **err)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    return ax_out_open(path, 0, &s->o, err);
}

void trace_sink_attach(trace_sink *s, ax_out *o)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->o = o;
    s->borrowed = 1;
}

void trace_sink_fd(trace_sink *s, int fd, const char *path)
{
    memset(s, 0, sizeof *s);
    s->fd = fd;
    s->path = strdup(path);
}

ax_result trace_sink_write(trace_sink *s, const void *buf, size_t n, char **err)
{
    if (s->o) {
        ax_result r = ax_out_write(s->o, buf, n, err);
        s->written = ax_out_bytes(s->o);
        return r;
    }
    const uint8_t *p = buf;
    while (n > 0) {
        ssize_t k = write(s->fd, p, n > (1u << 30) ? (1u << 30) : n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return ax_fail(err, AX_EIO,
                           "%s: write failed at offset %llu: %s (hint: is the disk full? "
                           "the old file is untouched)",
                           s->path ? s->path : "?", (unsigned long long)s->written,
                           k < 0 ? strerror(errno) : "wrote 0 bytes");
        p += k;
        n -= (size_t)k;
        s->written += (uint64_t)k;
    }
    return AX_OK;
}

void trace_sink_abort(trace_sink *s)
{
    if (!s->borrowed)
        ax_out_abort(s->o);
    free(s->path);
    memset(s, 0, sizeof *s);
    s->fd = -1;
}

ax_result trace_sink_commit(trace_sink *s, char **err)
{
    ax_result r = AX_OK;
    if (s->o && !s->borrowed) {
        r = ax_out_commit(s->o, err);
        s->o = NULL;
    }
    free(s->path);
    memset(s, 0, sizeof *s);
    s->fd = -1;
    return r;
}
