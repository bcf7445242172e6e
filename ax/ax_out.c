/*
 * Atomic outputs: every file axon writes goes through here. ax_out_open
 * creates a unique temporary ".NAME.XXXXXX" in the target's directory
 * (mkstemp: O_CREAT | O_EXCL, so it never follows or reuses an existing
 * path, and two runs to one target never share a temporary); writes are
 * checked and retried; ax_out_commit is fsync + close + rename over the
 * target + fsync of the directory, ax_out_abort removes the temporary.
 * A target that exists and is not a regular file (FIFO, device,
 * directory) is refused; a symbolic link is followed, so the file it
 * names is replaced and the link stays.
 *
 * Signals: every temporary (and every scratch path registered with
 * ax_tmp_register) sits in a fixed table that the handler of SIGINT,
 * SIGTERM and SIGHUP walks with unlink/rmdir only (async-signal-safe)
 * before it restores the previous disposition and re-raises the signal,
 * so Ctrl-C or a kill leaves nothing behind. SIGXFSZ (a file-size limit)
 * is caught and returns: the write that crossed the limit then fails with
 * EFBIG, which the writer reports naming the file and offset, and aborts.
 * A signal already ignored (nohup) stays ignored. Entries remember the
 * process that made them, so a forked worker's signal never removes its
 * parent's files.
 *
 * Several outputs committed together (ax_out_commit_n, e.g. `axon gen`'s
 * weights and trace) are all written and synced first, then renamed one
 * after the other: no file is ever partial, but a kill in the
 * microseconds between two renames leaves the first target new and the
 * later ones old.
 */
#define _GNU_SOURCE /* fallocate(2): reserve without glibc's block-by-block emulation */
#include "ax.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* ---- the table the signal handler walks ---- */

#define AX_TMP_SLOTS 64

typedef struct {
    _Atomic(char *) path; /* NULL = free slot */
    int is_dir;
    pid_t pid;
} tmp_slot;

static tmp_slot slots[AX_TMP_SLOTS];
static atomic_int handlers_installed;
static struct sigaction old_act[4];
static const int caught[4] = {SIGINT, SIGTERM, SIGHUP, SIGXFSZ};

static void remove_registered(void)
{
    pid_t me = getpid();
    for (int pass = 0; pass < 2; pass++) /* files first, then directories */
        for (int i = 0; i < AX_TMP_SLOTS; i++) {
            char *p = atomic_load(&slots[i].path);
            if (!p || slots[i].pid != me || slots[i].is_dir != pass)
                continue;
            if (pass)
                rmdir(p);
            else
                unlink(p);
        }
}

static void on_signal(int sig)
{
    if (sig == SIGXFSZ)
        return; /* the write fails with EFBIG and its writer cleans up */
    int saved = errno;
    remove_registered();
    for (int i = 0; i < 4; i++)
        if (caught[i] == sig)
            sigaction(sig, &old_act[i], NULL); /* the default, or a handler installed before */
    raise(sig); /* delivered to that disposition once this handler returns */
    errno = saved;
}

static void install_handlers(void)
{
    int expect = 0;
    if (!atomic_compare_exchange_strong(&handlers_installed, &expect, 1))
        return;
    for (int i = 0; i < 4; i++) {
        struct sigaction sa;
        if (sigaction(caught[i], NULL, &old_act[i]) != 0 || old_act[i].sa_handler == SIG_IGN)
            continue; /* nohup and friends: stay ignored */
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        for (int k = 0; k < 4; k++)
            sigaddset(&sa.sa_mask, caught[k]);
        sa.sa_flags = SA_RESTART;
        sigaction(caught[i], &sa, NULL);
    }
}

void ax_out_init(void)
{
    install_handlers();
}

int ax_tmp_register(const char *path, int is_dir)
{
    install_handlers();
    char *p = strdup(path);
    if (!p)
        return -1;
    for (int i = 0; i < AX_TMP_SLOTS; i++) {
        char *expect = NULL;
        if (atomic_load(&slots[i].path))
            continue;
        slots[i].is_dir = is_dir != 0;
        slots[i].pid = getpid();
        if (atomic_compare_exchange_strong(&slots[i].path, &expect, p))
            return i;
    }
    free(p);
    return -1;
}

void ax_tmp_unregister(int slot)
{
    if (slot < 0 || slot >= AX_TMP_SLOTS)
        return;
    char *p = atomic_exchange(&slots[slot].path, NULL);
    free(p);
}

/* ---- one output ---- */

#define AX_OUT_COMPANIONS 3

struct ax_out {
    char *path; /* the target (a symbolic link resolved) */
    char *tmp;  /* the temporary beside it */
    int fd;     /* -1 for AX_OUT_EXTERNAL */
    unsigned flags;
    FILE *stream; /* ax_out_stream: on a dup of fd */
    uint64_t bytes;
    int slot, cslot[AX_OUT_COMPANIONS];
};

static const char *const companion_suffix[AX_OUT_COMPANIONS] = {"-wal", "-shm", "-journal"};

/* dirname / basename without modifying path: dir is "." for a bare name. */
static void split_path(const char *path, char *dir, size_t ndir, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, ndir, ".");
        *base = path;
    } else if (slash == path) {
        snprintf(dir, ndir, "/");
        *base = slash + 1;
    } else {
        snprintf(dir, ndir, "%.*s", (int)(slash - path), path);
        *base = slash + 1;
    }
}

/* The target to write: path itself, or what a symbolic link at path names. */
static ax_result resolve_target(const char *path, char **out, char **err)
{
    struct stat st;
    *out = NULL;
    if (!path || !*path)
        return ax_fail(err, AX_EPARAM, "output path is empty (hint: name a file)");
    size_t n = strlen(path);
    if (path[n - 1] == '/')
        return ax_fail(err, AX_EPARAM, "%s: names a directory, not a file (hint: add a file name)",
                       path);
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        char *r = realpath(path, NULL);
        if (!r)
            return ax_fail(err, AX_EIO,
                           "%s: is a symbolic link to a missing file: %s (hint: remove "
                           "the link or write elsewhere)",
                           path, strerror(errno));
        *out = r;
        path = r;
    }
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        const char *kind = S_ISDIR(st.st_mode)                          ? "a directory"
                           : S_ISFIFO(st.st_mode)                       ? "a FIFO"
                           : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                           : S_ISSOCK(st.st_mode)                       ? "a socket"
                                                                        : "not a regular file";
        ax_result r = ax_fail(err, AX_EIO,
                              "%s: exists and is %s; refusing to replace it (hint: "
                              "write to a regular file path)",
                              path, kind);
        free(*out);
        *out = NULL;
        return r;
    }
    if (!*out && !(*out = strdup(path)))
        return ax_fail(err, AX_ENOMEM, "out of memory");
    return AX_OK;
}

ax_result ax_out_check(const char *path, char **err)
{
    char *target, dir[PATH_MAX];
    const char *base;
    ax_result r = resolve_target(path, &target, err);
    if (r)
        return r;
    split_path(target, dir, sizeof dir, &base);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        r = ax_fail(err, AX_EIO,
                    "%s: the directory '%s' does not exist (hint: create it first, "
                    "or choose another path)",
                    path, dir);
    else if (access(dir, W_OK | X_OK) != 0)
        r = ax_fail(err, AX_EIO,
                    "%s: the directory '%s' is not writable: %s (hint: choose a "
                    "directory you can write to)",
                    path, dir, strerror(errno));
    else if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
        r = ax_fail(err, AX_EPARAM, "%s: names a directory, not a file (hint: add a file name)",
                    path);
    free(target);
    return r;
}

ax_result ax_out_canonical(const char *path, char **out, char **err)
{
    char *target, dir[PATH_MAX], *rdir;
    const char *base;
    *out = NULL;
    ax_result r = resolve_target(path, &target, err);
    if (r)
        return r;
    split_path(target, dir, sizeof dir, &base);
    if (!(rdir = realpath(dir, NULL))) {
        r = ax_fail(err, AX_EIO,
                    "%s: the directory '%s' does not exist (hint: create it first, "
                    "or choose another path)",
                    path, dir);
        free(target);
        return r;
    }
    size_t n = strlen(rdir) + strlen(base) + 2;
    if ((*out = malloc(n)))
        snprintf(*out, n, "%s/%s", strcmp(rdir, "/") ? rdir : "", base);
    else
        r = ax_fail(err, AX_ENOMEM, "out of memory");
    free(rdir);
    free(target);
    return r;
}

ax_result ax_out_free_space(const char *path, uint64_t *bytes, char **err)
{
    char dir[PATH_MAX];
    const char *base;
    split_path(path, dir, sizeof dir, &base);
    struct statvfs sv;
    if (statvfs(dir, &sv) != 0)
        return ax_fail(err, AX_EIO,
                       "%s: cannot read the free space of '%s': %s (hint: does the "
                       "directory exist?)",
                       path, dir, strerror(errno));
    *bytes = (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;
    return AX_OK;
}

ax_result ax_out_same_fs(const char *a, const char *b, int *same, char **err)
{
    char da[PATH_MAX], db[PATH_MAX];
    const char *base;
    struct stat sa, sb;
    split_path(a, da, sizeof da, &base);
    split_path(b, db, sizeof db, &base);
    if (stat(da, &sa) != 0 || stat(db, &sb) != 0)
        return ax_fail(err, AX_EIO, "%s, %s: cannot stat their directories: %s", a, b,
                       strerror(errno));
    *same = sa.st_dev == sb.st_dev;
    return AX_OK;
}

void ax_out_abort(ax_out *o)
{
    if (!o)
        return;
    if (o->stream)
        fclose(o->stream);
    if (o->fd >= 0)
        close(o->fd);
    if (o->tmp) {
        unlink(o->tmp);
        for (int i = 0; i < AX_OUT_COMPANIONS; i++)
            if (o->cslot[i] >= 0) {
                char p[PATH_MAX + 16];
                snprintf(p, sizeof p, "%s%s", o->tmp, companion_suffix[i]);
                unlink(p);
            }
    }
    ax_tmp_unregister(o->slot);
    for (int i = 0; i < AX_OUT_COMPANIONS; i++)
        ax_tmp_unregister(o->cslot[i]);
    free(o->path);
    free(o->tmp);
    free(o);
}

ax_result ax_out_open(const char *path, unsigned flags, ax_out **out, char **err)
{
    *out = NULL;
    ax_out *o = calloc(1, sizeof *o);
    if (!o)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    o->fd = -1;
    o->flags = flags;
    o->slot = -1;
    for (int i = 0; i < AX_OUT_COMPANIONS; i++)
        o->cslot[i] = -1;
    ax_result r = resolve_target(path, &o->path, err);
    if (r) {
        ax_out_abort(o);
        return r;
    }
    char dir[PATH_MAX];
    const char *base;
    split_path(o->path, dir, sizeof dir, &base);
    size_t n = strlen(dir) + strlen(base) + 16;
    if (!(o->tmp = malloc(n))) {
        ax_out_abort(o);
        return ax_fail(err, AX_ENOMEM, "out of memory");
    }
    /* a base name near NAME_MAX is shortened so the temporary's name fits */
    snprintf(o->tmp, n, "%s/.%.200s.XXXXXX", dir, base);
    /* block the caught signals while the temporary exists but is not yet
     * registered, so a signal in between cannot leave it behind */
    sigset_t block, prev;
    sigemptyset(&block);
    for (int i = 0; i < 4; i++)
        sigaddset(&block, caught[i]);
    install_handlers();
    sigprocmask(SIG_BLOCK, &block, &prev);
    o->fd = mkstemp(o->tmp);
    int e = errno;
    if (o->fd >= 0)
        o->slot = ax_tmp_register(o->tmp, 0);
    sigprocmask(SIG_SETMASK, &prev, NULL);
    if (o->fd < 0) {
        free(o->tmp);
        o->tmp = NULL;
        r = ax_fail(err, AX_EIO,
                    "%s: cannot create a temporary file in '%s': %s (hint: does the "
                    "directory exist and is it writable?)",
                    path, dir, strerror(e));
        ax_out_abort(o);
        return r;
    }
    if (o->slot < 0) {
        ax_out_abort(o);
        return ax_fail(err, AX_ENOMEM, "%s: more than %d outputs open at once", path, AX_TMP_SLOTS);
    }
    if (flags & AX_OUT_SQLITE)
        for (int i = 0; i < AX_OUT_COMPANIONS; i++) {
            char p[PATH_MAX + 16];
            snprintf(p, sizeof p, "%s%s", o->tmp, companion_suffix[i]);
            o->cslot[i] = ax_tmp_register(p, 0);
        }
    /* mkstemp makes 0600: a replaced file keeps its mode, a new one gets 0666 & ~umask */
    struct stat st;
    mode_t mode;
    if (stat(o->path, &st) == 0)
        mode = st.st_mode & 07777;
    else {
        mode_t mask = umask(022);
        umask(mask);
        mode = 0666 & ~mask;
    }
    (void)fchmod(o->fd, mode);
    if (flags & AX_OUT_EXTERNAL) {
        /* another writer (gnuplot, SQLite) opens the temporary by name;
         * closing our descriptor now keeps SQLite's POSIX locks intact */
        close(o->fd);
        o->fd = -1;
    }
    *out = o;
    return AX_OK;
}

int ax_out_fd(const ax_out *o)
{
    return o->fd;
}
const char *ax_out_path(const ax_out *o)
{
    return o->path;
}
const char *ax_out_tmp(const ax_out *o)
{
    return o->tmp;
}
uint64_t ax_out_bytes(const ax_out *o)
{
    return o->bytes;
}

ax_result ax_out_write(ax_out *o, const void *buf, size_t n, char **err)
{
    const uint8_t *p = buf;
    while (n > 0) {
        ssize_t k = write(o->fd, p, n > (1u << 30) ? (1u << 30) : n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            int e = k < 0 ? errno : ENOSPC;
            return ax_fail(err, AX_EIO,
                           "%s: write failed at offset %llu: %s (hint: %s; the old "
                           "file is untouched)",
                           o->path, (unsigned long long)o->bytes, strerror(e),
                           e == EFBIG ? "a file-size limit (ulimit -f) is set"
                                      : "is the disk full?");
        }
        p += k;
        n -= (size_t)k;
        o->bytes += (uint64_t)k;
    }
    return AX_OK;
}

ax_result ax_out_pwrite(ax_out *o, const void *buf, size_t n, uint64_t off, char **err)
{
    const uint8_t *p = buf;
    while (n > 0) {
        ssize_t k = pwrite(o->fd, p, n, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return ax_fail(err, AX_EIO,
                           "%s: write failed at offset %llu: %s (hint: is the disk "
                           "full? the old file is untouched)",
                           o->path, (unsigned long long)off,
                           k < 0 ? strerror(errno) : "wrote 0 bytes");
        p += k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return AX_OK;
}

ax_result ax_out_reserve(ax_out *o, uint64_t bytes, char **err)
{
    if (o->fd < 0 || bytes == 0)
        return AX_OK;
    int e = fallocate(o->fd, 0, 0, (off_t)bytes) == 0 ? 0 : errno;
    if (e == ENOSPC || e == EFBIG)
        return ax_fail(err, AX_EIO,
                       "%s: cannot reserve %llu bytes: %s (hint: free some space or "
                       "write elsewhere; the old file is untouched)",
                       o->path, (unsigned long long)bytes, strerror(e));
    return AX_OK; /* EINVAL / EOPNOTSUPP: the file system cannot reserve; writes still checked */
}

FILE *ax_out_stream(ax_out *o, char **err)
{
    if (o->stream)
        return o->stream;
    int fd = o->fd >= 0 ? dup(o->fd) : -1;
    if (fd < 0 || !(o->stream = fdopen(fd, "w"))) {
        if (fd >= 0)
            close(fd);
        ax_fail(err, AX_EIO, "%s: cannot open a stream on the temporary file: %s", o->path,
                strerror(errno));
        return NULL;
    }
    return o->stream;
}

/* Everything but the rename: stream flushed, data synced, descriptor closed. */
static ax_result finish(ax_out *o, char **err)
{
    if (o->stream) {
        int bad = fflush(o->stream) != 0 || ferror(o->stream);
        int e = errno;
        bad |= fclose(o->stream) != 0;
        o->stream = NULL;
        if (bad)
            return ax_fail(err, AX_EIO,
                           "%s: write failed: %s (hint: %s; the old file is "
                           "untouched)",
                           o->path, strerror(e ? e : EIO),
                           e == EFBIG ? "a file-size limit (ulimit -f) is set"
                                      : "is the disk full?");
    }
    int fd = o->fd;
    if (fd < 0) /* an external writer: sync by name */
        fd = open(o->tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ax_fail(err, AX_EIO, "%s: the temporary file %s is gone: %s", o->path, o->tmp,
                       strerror(errno));
    ax_result r = AX_OK;
    if (fsync(fd) != 0)
        r = ax_fail(err, AX_EIO,
                    "%s: fsync failed: %s (hint: is the disk full? the old file is "
                    "untouched)",
                    o->path, strerror(errno));
    if (close(fd) != 0 && !r)
        r = ax_fail(err, AX_EIO,
                    "%s: close failed: %s (hint: is the disk full? the old file is "
                    "untouched)",
                    o->path, strerror(errno));
    o->fd = -1;
    return r;
}

static void sync_dir(const char *path)
{
    char dir[PATH_MAX];
    const char *base;
    split_path(path, dir, sizeof dir, &base);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd); /* best effort: makes the rename durable */
        close(dfd);
    }
}

ax_result ax_out_commit_n(ax_out **o, size_t n, char **err)
{
    ax_result r = AX_OK;
    for (size_t i = 0; i < n && !r; i++)
        if (o[i])
            r = finish(o[i], err);
    size_t done = 0;
    for (size_t i = 0; i < n && !r; i++) {
        if (!o[i])
            continue;
        if (rename(o[i]->tmp, o[i]->path) != 0) {
            r = ax_fail(err, AX_EIO, "%s: rename from the temporary file failed: %s%s", o[i]->path,
                        strerror(errno), done ? " (the files before it were replaced)" : "");
            break;
        }
        free(o[i]->tmp); /* renamed: nothing left to remove */
        o[i]->tmp = NULL;
        done++;
    }
    for (size_t i = 0; i < n; i++) {
        if (!o[i])
            continue;
        if (!r)
            sync_dir(o[i]->path);
        ax_out_abort(o[i]); /* removes what was not renamed, frees */
        o[i] = NULL;
    }
    return r;
}

ax_result ax_out_commit(ax_out *o, char **err)
{
    return ax_out_commit_n(&o, 1, err);
}
