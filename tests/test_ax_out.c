/* Unit tests of ax/ax_out.c, the atomic output under every writer: commit
 * replaces the target, abort and failures leave the old file and no
 * temporary, non-regular targets are refused, a symlink is written
 * through, two outputs to one path never share a temporary, several
 * outputs commit together, SIGINT/SIGTERM/SIGHUP remove every temporary
 * (and only the signalled process's), and a file-size limit is an error
 * naming the file and offset, not a crash. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../ax/ax.h"

static char *mkdir_tmp(void)
{
    char tmpl[] = "/tmp/axon-out-test-XXXXXX";
    cr_assert_not_null(mkdtemp(tmpl));
    return strdup(tmpl);
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Entries of dir other than . and .. */
static int count(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static void put(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(s, f);
    fclose(f);
}

static char *get(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void rm_rf(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(ax_out, commit_replaces_abort_keeps)
{
    char *d = mkdir_tmp(), *p = join(d, "f.bin"), *err = NULL;
    put(p, "old");
    chmod(p, 0640);
    ax_out *o;
    cr_assert_eq(ax_out_open(p, 0, &o, &err), AX_OK, "%s", err);
    cr_assert_eq(count(d), 2, "the temporary sits beside the target");
    cr_assert(strstr(ax_out_tmp(o), "/.f.bin."), "%s", ax_out_tmp(o));
    cr_assert_eq(ax_out_write(o, "new!", 4, &err), AX_OK);
    cr_assert_str_eq(get(p), "old", "nothing visible before commit");
    cr_assert_eq(ax_out_commit(o, &err), AX_OK, "%s", err);
    cr_assert_str_eq(get(p), "new!");
    struct stat st;
    cr_assert_eq(stat(p, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0640, "a replaced file keeps its mode");
    cr_assert_eq(count(d), 1);
    cr_assert_eq(ax_out_open(p, 0, &o, &err), AX_OK);
    cr_assert_eq(ax_out_write(o, "xx", 2, &err), AX_OK);
    ax_out_abort(o);
    cr_assert_str_eq(get(p), "new!");
    cr_assert_eq(count(d), 1, "abort removes the temporary");
    ax_out_abort(NULL);
    free(p);
    rm_rf(d);
    free(d);
}

Test(ax_out, refuses_non_regular_targets)
{
    char *d = mkdir_tmp(), *fifo = join(d, "fifo"), *sub = join(d, "sub"), *err = NULL;
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    cr_assert_eq(mkdir(sub, 0700), 0);
    ax_out *o;
    struct {
        const char *path, *want;
    } c[] = {{fifo, "is a FIFO"}, {sub, "is a directory"}, {"/dev/null", "is a device"}};
    for (size_t i = 0; i < 3; i++) {
        cr_assert_eq(ax_out_open(c[i].path, 0, &o, &err), AX_EIO, "%s", c[i].path);
        cr_assert(strstr(err, c[i].path) && strstr(err, c[i].want) && strstr(err, "hint"), "%s",
                  err);
        cr_assert_eq(ax_out_check(c[i].path, &err), AX_EIO);
    }
    struct stat st;
    cr_assert_eq(stat(fifo, &st), 0);
    cr_assert(S_ISFIFO(st.st_mode), "the FIFO is untouched");
    cr_assert_eq(count(d), 2, "no temporary left");
    free(err);
    free(fifo);
    free(sub);
    rm_rf(d);
    free(d);
}

Test(ax_out, check_names_a_missing_directory)
{
    char *err = NULL;
    cr_assert_eq(ax_out_check("/nonexistent-dir-axon/x.png", &err), AX_EIO);
    cr_assert(strstr(err, "'/nonexistent-dir-axon' does not exist") && strstr(err, "hint"), "%s",
              err);
    cr_assert_eq(ax_out_check("somedir/", &err), AX_EPARAM);
    cr_assert_eq(ax_out_check("plain-name-in-cwd.bin", &err), AX_OK, "%s", err);
    free(err);
}

Test(ax_out, symlink_is_written_through)
{
    char *d = mkdir_tmp(), *real = join(d, "real"), *link = join(d, "link"),
         *dang = join(d, "dang");
    char *err = NULL;
    put(real, "old");
    cr_assert_eq(symlink(real, link), 0);
    cr_assert_eq(symlink("/nonexistent-axon-target", dang), 0);
    ax_out *o;
    cr_assert_eq(ax_out_open(link, 0, &o, &err), AX_OK, "%s", err);
    cr_assert_str_eq(ax_out_path(o), real);
    cr_assert_eq(ax_out_write(o, "via", 3, &err), AX_OK);
    cr_assert_eq(ax_out_commit(o, &err), AX_OK);
    struct stat st;
    cr_assert_eq(lstat(link, &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "the link stays a link");
    cr_assert_str_eq(get(real), "via");
    cr_assert_eq(ax_out_open(dang, 0, &o, &err), AX_EIO);
    cr_assert(strstr(err, "symbolic link to a missing file"), "%s", err);
    free(err);
    free(real);
    free(link);
    free(dang);
    rm_rf(d);
    free(d);
}

Test(ax_out, two_outputs_to_one_path_and_commit_n)
{
    char *d = mkdir_tmp(), *p = join(d, "same"), *q = join(d, "other"), *err = NULL;
    ax_out *a, *b;
    cr_assert_eq(ax_out_open(p, 0, &a, &err), AX_OK);
    cr_assert_eq(ax_out_open(p, 0, &b, &err), AX_OK);
    cr_assert_str_neq(ax_out_tmp(a), ax_out_tmp(b), "unique temporaries");
    cr_assert_eq(ax_out_write(a, "aaaa", 4, &err), AX_OK);
    cr_assert_eq(ax_out_write(b, "bb", 2, &err), AX_OK);
    cr_assert_eq(ax_out_commit(b, &err), AX_OK);
    cr_assert_eq(ax_out_commit(a, &err), AX_OK);
    cr_assert_str_eq(get(p), "aaaa", "the last commit wins, whole");
    ax_out *o[3] = {NULL, NULL, NULL};
    cr_assert_eq(ax_out_open(p, 0, &o[0], &err), AX_OK);
    cr_assert_eq(ax_out_open(q, 0, &o[2], &err), AX_OK);
    FILE *f = ax_out_stream(o[2], &err);
    cr_assert_not_null(f);
    fprintf(f, "streamed %d", 7);
    cr_assert_eq(ax_out_write(o[0], "one", 3, &err), AX_OK);
    cr_assert_eq(ax_out_commit_n(o, 3, &err), AX_OK, "%s", err);
    cr_assert_str_eq(get(p), "one");
    cr_assert_str_eq(get(q), "streamed 7");
    cr_assert_eq(count(d), 2);
    free(err);
    free(p);
    free(q);
    rm_rf(d);
    free(d);
}

/* A child opens outputs (and a scratch directory), then is signalled. */
static void signal_child(const char *d, int sig, int child_signals_itself)
{
    char *p = join(d, "t.out"), *scratch = join(d, "scratch");
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        ax_out *o, *o2;
        /* the signal's default disposition, whatever the runner left: a
         * test started under nohup, or in the background of a shell without
         * job control, inherits SIGHUP or SIGINT ignored, and ax_out rightly
         * leaves an ignored signal alone (the child would never die) */
        signal(sig, SIG_DFL);
        if (ax_out_open(p, 0, &o, NULL) || ax_out_open(p, AX_OUT_EXTERNAL, &o2, NULL))
            _exit(3);
        if (ax_out_write(o, "partial", 7, NULL))
            _exit(4);
        mkdir(scratch, 0700);
        ax_tmp_register(scratch, 1);
        if (child_signals_itself)
            raise(sig);
        for (;;)
            pause();
    }
    if (!child_signals_itself) {
        for (int i = 0; i < 200 && count(d) < 3; i++)
            usleep(10000);
        kill(pid, sig);
    }
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == sig, "killed by signal %d (status %x)", sig, st);
    cr_assert_eq(count(d), 0, "signal %d left %d entries behind", sig, count(d));
    free(p);
    free(scratch);
}

Test(ax_out, signals_remove_temporaries)
{
    char *d = mkdir_tmp();
    signal_child(d, SIGTERM, 0);
    signal_child(d, SIGINT, 1);
    signal_child(d, SIGHUP, 0);
    rm_rf(d);
    free(d);
}

Test(ax_out, forked_child_leaves_the_parents_files)
{
    char *d = mkdir_tmp(), *p = join(d, "parent"), *err = NULL;
    ax_out *o;
    cr_assert_eq(ax_out_open(p, 0, &o, &err), AX_OK);
    pid_t pid = fork();
    if (pid == 0) {
        raise(SIGTERM);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    cr_assert(WIFSIGNALED(st));
    cr_assert_eq(access(ax_out_tmp(o), F_OK), 0, "the parent's temporary survives");
    ax_out_abort(o);
    cr_assert_eq(count(d), 0);
    free(p);
    rm_rf(d);
    free(d);
}

Test(ax_out, file_size_limit_is_an_error_not_a_crash)
{
    char *d = mkdir_tmp(), *p = join(d, "big");
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit lim = {4096, RLIM_INFINITY};
        getrlimit(RLIMIT_FSIZE, &lim);
        lim.rlim_cur = 4096;
        if (setrlimit(RLIMIT_FSIZE, &lim))
            _exit(5);
        static char buf[10000];
        char *err = NULL;
        ax_out *o;
        if (ax_out_open(p, 0, &o, &err))
            _exit(6);
        ax_result r = ax_out_write(o, buf, sizeof buf, &err);
        int ok = r == AX_EIO && strstr(err, "offset 4096") && strstr(err, "ulimit -f");
        ax_out_abort(o);
        _exit(ok ? 0 : 7);
    }
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %x", st);
    cr_assert_eq(count(d), 0);
    free(p);
    rm_rf(d);
    free(d);
}
