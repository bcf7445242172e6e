/* Unit tests of traces/ safetensors I/O: round trip of every dtype with
 * metadata and alignment, the streaming writer, each malformed header with
 * its error code and message, and the atomic writer's failure paths (no
 * directory, a non-regular target, a full device, a failing producer: the
 * old file survives and no temporary file is left). */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/resource.h>

#include "trace_test_util.h"

/* A raw safetensors file: header JSON (as given) then n data bytes. */
static void st_raw(const char *path, const char *json, size_t n)
{
    size_t hl = strlen(json);
    uint8_t *b = calloc(1, 8 + hl + n + 1);
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)((uint64_t)hl >> (8 * i));
    memcpy(b + 8, json, hl);
    for (size_t i = 0; i < n; i++)
        b[8 + hl + i] = (uint8_t)i;
    tt_write(path, b, 8 + hl + n);
    free(b);
}

Test(trace_safetensors, round_trip_every_dtype_with_metadata)
{
    char *dir = tt_dir(), *p = tt_path(dir, "m.safetensors");
    trace_dtype all[] = {TRACE_I8,   TRACE_F16, TRACE_U8, TRACE_F32,
                         TRACE_BF16, TRACE_I16, TRACE_I32};
    enum { N = sizeof all / sizeof all[0] };
    uint8_t data[N][3 * 5 * 4];
    int64_t shape[2] = {3, 5};
    trace_writer *w;
    char *err = NULL, name[64];
    cr_assert_eq(trace_writer_new(&w, &err), AX_OK);
    for (int d = 0; d < N; d++) {
        for (size_t i = 0; i < sizeof data[d]; i++)
            data[d][i] = (uint8_t)(i * 13 + (size_t)d * 7 + 1);
        if (all[d] == TRACE_F32 || all[d] == TRACE_F16 || all[d] == TRACE_BF16)
            for (size_t i = 1; i < sizeof data[d]; i += 2)
                data[d][i] &= 0x3f; /* finite halves/floats */
        snprintf(name, sizeof name, "model.layers.%d.mlp.up_proj.%s", d, trace_dtype_name(all[d]));
        /* odd shapes (3x5 of a 1-byte dtype) would misalign what follows without the layout rule */
        cr_assert_eq(trace_writer_add(w, name, all[d], 2, shape, data[d], &err), AX_OK, "%s", err);
    }
    cr_assert_eq(trace_writer_meta(w, "generator", "axon \"test\"\n", &err), AX_OK);
    cr_assert_eq(trace_writer_meta(w, "seed", "7", &err), AX_OK);
    cr_assert_eq(trace_writer_save(w, p, &err), AX_OK, "%s", err);
    trace_writer_free(w);
    trace_file *f;
    cr_assert_eq(trace_open(p, &f, &err), AX_OK, "%s", err);
    cr_assert_eq(trace_count(f), N);
    cr_assert_str_eq(trace_meta(f, "generator"), "axon \"test\"\n");
    cr_assert_str_eq(trace_meta(f, "seed"), "7");
    cr_assert_null(trace_meta(f, "nope"));
    for (int d = 0; d < N; d++) {
        const trace_tensor *t = trace_at(f, (size_t)d);
        snprintf(name, sizeof name, "model.layers.%d.mlp.up_proj.%s", d, trace_dtype_name(all[d]));
        cr_assert_str_eq(t->name, name, "header order is insertion order");
        cr_assert_eq(trace_find(f, name), t);
        cr_assert_eq(t->dtype, all[d]);
        cr_assert_eq(t->ndim, 2);
        cr_assert(t->shape[0] == 3 && t->shape[1] == 5);
        cr_assert_eq(t->nbytes, 15 * trace_dtype_size(all[d]));
        cr_assert_eq(memcmp(t->data, data[d], t->nbytes), 0, "%s", name);
        cr_assert_eq((uintptr_t)t->data % trace_dtype_size(all[d]), 0);
        cr_assert(f->copies == NULL || f->copies[d] == NULL, "our files need no aligned copy");
    }
    cr_assert_null(trace_find(f, "model.layers.0"));
    trace_close(f);
    free(p);
    tt_rmdir(dir);
}

static ax_result fill_rows(void *ctx, size_t row0, size_t nrows, void *buf, char **err)
{
    (void)err;
    size_t cols = *(size_t *)ctx;
    float *o = buf;
    for (size_t r = 0; r < nrows; r++)
        for (size_t c = 0; c < cols; c++)
            o[r * cols + c] = (float)((row0 + r) * 1000 + c);
    return AX_OK;
}

static ax_result fill_fails(void *ctx, size_t row0, size_t nrows, void *buf, char **err)
{
    (void)ctx, (void)nrows, (void)buf;
    return row0 > 0 ? ax_fail(err, AX_ERANGE, "producer failed at row %zu", row0) : AX_OK;
}

Test(trace_safetensors, streaming_writer_chunks_rows)
{
    char *dir = tt_dir(), *p = tt_path(dir, "s.safetensors");
    size_t cols = 70000; /* 280 KB rows: 14 rows per 4 MiB chunk, 3 chunks */
    int64_t shape[2] = {40, (int64_t)cols};
    trace_writer *w;
    char *err = NULL;
    cr_assert_eq(trace_writer_new(&w, &err), AX_OK);
    cr_assert_eq(trace_writer_add_fill(w, "a.input", TRACE_F32, 2, shape, fill_rows, &cols, &err),
                 AX_OK);
    cr_assert_eq(trace_writer_save(w, p, &err), AX_OK, "%s", err);
    trace_writer_free(w);
    trace_file *f;
    cr_assert_eq(trace_open(p, &f, &err), AX_OK, "%s", err);
    const float *v = trace_find(f, "a.input")->data;
    for (size_t r = 0; r < 40; r++)
        for (size_t c = 0; c < cols; c += 997)
            cr_assert_float_eq(v[r * cols + c], (float)(r * 1000 + c), 0);
    trace_close(f);
    free(p);
    tt_rmdir(dir);
}

static void expect(const char *p, const char *json, size_t n, ax_result code, const char *what)
{
    st_raw(p, json, n);
    tt_expect_fail(p, -1, code, what);
}

#define T1 "\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":"
Test(trace_safetensors, malformed_headers_fail_clearly)
{
    char *dir = tt_dir(), *p = tt_path(dir, "bad.safetensors");
    st_raw(p, "{" T1 "[0,8]}}", 8);
    trace_file *f;
    char *err = NULL;
    cr_assert_eq(trace_open(p, &f, &err), AX_OK, "the control case parses: %s", err);
    trace_close(f);
    expect(p, "{" T1 "[0,8]}", 8, AX_EFORMAT, "not valid JSON");
    expect(p, "[1,2]", 0, AX_EFORMAT, "not a JSON object");
    expect(p, "{" T1 "[0,8]}}  x", 8, AX_EFORMAT, "bytes after the JSON");
    expect(p, "{\"t\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8,
           AX_EUNSUPPORTED, "'F64'");
    expect(p, "{\"t\":{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8,
           AX_EUNSUPPORTED, "'f32'");
    expect(p, "{" T1 "[0,16]}}", 8, AX_EFORMAT, "outside the");
    expect(p, "{" T1 "[0,12]}}", 12, AX_EFORMAT, "need 8");
    expect(p, "{" T1 "[8,0]}}", 8, AX_EFORMAT, "data_offsets [8, 0] are reversed");
    expect(p, "{" T1 "[0,8]}}", 12, AX_EFORMAT, "after the last tensor");
    expect(p, "{" T1 "[4,12]}}", 12, AX_EFORMAT, "a hole precedes it");
    expect(p, "{" T1 "[0,8]},\"u\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12,
           AX_EFORMAT, "overlaps");
    expect(p, "{" T1 "[0,8]},\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16,
           AX_EFORMAT, "appears twice");
    expect(p, "{\"t\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, AX_EFORMAT,
           "non-negative integer");
    expect(p, "{\"t\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8, AX_EFORMAT,
           "non-negative integer");
    expect(p, "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8, AX_EFORMAT,
           "two non-negative");
    expect(p, "{\"t\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8, AX_EFORMAT, "missing or mistyped");
    expect(p, "{\"t\":[]}", 0, AX_EFORMAT, "not an object");
    expect(p, "{\"__metadata__\":{\"k\":1}}", 0, AX_EFORMAT, "is not a string");
    expect(p, "{\"__metadata__\":[]}", 0, AX_EFORMAT, "__metadata__ is not an object");
    expect(p, "{\"t\":{\"dtype\":\"I8\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,1]}}", 1,
           AX_EFORMAT, "more than 8");
    expect(p,
           "{\"t\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4],\"data_offsets\":[0,8]}}",
           8, AX_EFORMAT, "overflows");
    /* header length field itself */
    st_raw(p, "{" T1 "[0,8]}}", 8);
    size_t n;
    uint8_t *b = tt_read(p, &n);
    b[0] = 0xff;
    b[3] = 0x01;
    tt_write(p, b, n);
    tt_expect_fail(p, -1, AX_EFORMAT, "past the end of the file");
    b[0] = 0;
    b[3] = 0;
    tt_write(p, b, n);
    tt_expect_fail(p, -1, AX_EFORMAT, "too small");
    b[7] = 0x10;
    tt_write(p, b, n);
    tt_expect_fail(p, -1, AX_EFORMAT, "100 MB");
    tt_write(p, b, 5);
    tt_expect_fail(p, -1, AX_EFORMAT, "too short");
    free(b);
    /* a truncated copy of a good file */
    st_raw(p, "{" T1 "[0,8]}}", 8);
    b = tt_read(p, &n);
    tt_write(p, b, n - 3);
    tt_expect_fail(p, -1, AX_EFORMAT, "outside the");
    free(b);
    tt_expect_fail(dir, -1, AX_EIO, "not a regular file");
    char *fifo = tt_path(dir, "fifo.safetensors");
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    tt_expect_fail(fifo, -1, AX_EIO, "not a regular file"); /* and does not block */
    free(fifo);
    free(p);
    tt_rmdir(dir);
}

Test(trace_safetensors, references_pick_tensors)
{
    char *dir = tt_dir(), *p = tt_path(dir, "r.safetensors");
    st_raw(p, "{" T1 "[0,8]},\"u:v\":{\"dtype\":\"I8\",\"shape\":[],\"data_offsets\":[8,9]}}", 9);
    char ref[512], *err = NULL;
    trace_file *f;
    const trace_tensor *t;
    snprintf(ref, sizeof ref, "%s:u:v", p);
    cr_assert_eq(trace_open_ref(ref, &f, &t, &err), AX_OK, "%s", err);
    cr_assert_str_eq(t->name, "u:v");
    cr_assert_eq(t->ndim, 0);
    cr_assert_eq(*(const int8_t *)t->data, 8);
    trace_close(f);
    cr_assert_eq(trace_open_ref(p, &f, &t, &err), AX_EPARAM, "two tensors need a name");
    cr_assert(strstr(err, "holds 2 tensors"), "%s", err);
    free(err);
    err = NULL;
    snprintf(ref, sizeof ref, "%s:nope", p);
    cr_assert_eq(trace_open_ref(ref, &f, &t, &err), AX_ENOTFOUND);
    cr_assert(strstr(err, "'nope'") && strstr(err, p), "%s", err);
    free(err);
    err = NULL;
    snprintf(ref, sizeof ref, "%s@bf16:t", p);
    cr_assert_eq(trace_open_ref(ref, &f, &t, &err), AX_EPARAM, "declared dtype on safetensors");
    free(err);
    free(p);
    tt_rmdir(dir);
}

Test(trace_safetensors, failed_writes_leave_the_old_file)
{
    char *dir = tt_dir(), *p = tt_path(dir, "w.safetensors");
    float v[2] = {1, 2};
    int64_t sh[1] = {2};
    trace_writer *w;
    char *err = NULL;
    cr_assert_eq(trace_writer_new(&w, &err), AX_OK);
    cr_assert_eq(trace_writer_add(w, "t", TRACE_F32, 1, sh, v, &err), AX_OK);
    cr_assert_eq(trace_writer_add(w, "t", TRACE_F32, 1, sh, v, &err), AX_EPARAM, "duplicate name");
    free(err);
    err = NULL;
    cr_assert_eq(trace_writer_add(w, "__metadata__", TRACE_F32, 1, sh, v, &err), AX_EPARAM);
    free(err);
    err = NULL;
    cr_assert_eq(trace_writer_save(w, p, &err), AX_OK, "%s", err);
    size_t n0;
    uint8_t *before = tt_read(p, &n0);
    /* a producer that fails mid-file: old file intact, no temporary left */
    int64_t big[2] = {4, 2000000};
    cr_assert_eq(trace_writer_add_fill(w, "u", TRACE_F32, 2, big, fill_fails, NULL, &err), AX_OK);
    cr_assert_eq(trace_writer_save(w, p, &err), AX_ERANGE);
    cr_assert(strstr(err, p) && strstr(err, "'u'"), "%s", err);
    free(err);
    err = NULL;
    size_t n1;
    uint8_t *after = tt_read(p, &n1);
    cr_assert(n0 == n1 && memcmp(before, after, n0) == 0, "old file changed");
    cr_assert_eq(tt_count(dir), 1, "a temporary file was left behind");
    /* missing directory */
    char *q = tt_path(dir, "no/such/dir/x.safetensors");
    cr_assert_eq(trace_writer_save(w, q, &err), AX_EIO);
    cr_assert(strstr(err, q) && strstr(err, "hint"), "%s", err);
    free(err);
    err = NULL;
    /* a non-regular target is never replaced */
    cr_assert_eq(trace_npy_save("/dev/null", TRACE_F32, 1, sh, v, &err), AX_EIO);
    cr_assert(strstr(err, "/dev/null") && strstr(err, "is a device; refusing"), "%s", err);
    free(err);
    err = NULL;
    /* a full device: the checked write reports ENOSPC with the offset */
    int fd = open("/dev/full", O_WRONLY);
    if (fd >= 0) {
        trace_sink s;
        trace_sink_fd(&s, fd, "full.safetensors");
        cr_assert_eq(trace_sink_write(&s, before, n0, &err), AX_EIO);
        cr_assert(strstr(err, "full.safetensors") && strstr(err, "offset 0"), "%s", err);
        free(err);
        err = NULL;
        close(fd);
        free(s.path);
    }
    trace_writer_free(w);
    free(before);
    free(after);
    free(q);
    free(p);
    tt_rmdir(dir);
}

Test(trace_safetensors, offsets_beyond_4_gib_in_a_sparse_file)
{
    char *dir = tt_dir(), *p = tt_path(dir, "big.safetensors");
    /* 5 GiB + 4 bytes of F32, then a 4-byte I8 tensor at an offset above
     * 2^32; the header is padded to 8 bytes so nothing needs an aligned copy */
    char json[256];
    snprintf(json, sizeof json, "%-160s",
             "{\"big\":{\"dtype\":\"F32\",\"shape\":[1342177281],\"data_offsets\":[0,5368709124]},"
             "\"small\":{\"dtype\":\"I8\",\"shape\":[4],\"data_offsets\":[5368709124,5368709128]}"
             "}");
    st_raw(p, json, 4);
    size_t hl = strlen(json);
    cr_assert_eq(hl % 8, 0);
    cr_assert_eq(truncate(p, (off_t)(8 + hl + 5368709128ULL)), 0, "sparse file");
    trace_file *f;
    char *err = NULL;
    cr_assert_eq(trace_open(p, &f, &err), AX_OK, "%s", err);
    const trace_tensor *t = trace_find(f, "big");
    cr_assert_eq(t->nbytes, 5368709124ULL);
    cr_assert(f->copies == NULL, "an aligned tensor must not be copied");
    cr_assert_eq((const uint8_t *)trace_find(f, "small")->data - (const uint8_t *)t->data,
                 5368709124LL);
    float last;
    memcpy(&last, (const uint8_t *)t->data + t->nbytes - 4, 4); /* touches one page of the hole */
    cr_assert_float_eq(last, 0.0f, 0);
    trace_close(f);
    cr_assert_eq(truncate(p, (off_t)(8 + hl + 5368709127ULL)), 0);
    tt_expect_fail(p, -1, AX_EFORMAT, "outside the");
    free(p);
    tt_rmdir(dir);
}

/* A disk that fills up mid-file, on a real path: RLIMIT_FSIZE makes write(2)
 * fail with EFBIG past 4 KiB, as ENOSPC would on a full disk. */
Test(trace_safetensors, disk_full_mid_file_keeps_the_old_file)
{
    char *dir = tt_dir(), *p = tt_path(dir, "full.safetensors");
    static float big[16384];
    float small[2] = {3, 4};
    int64_t s1[1] = {2}, s2[1] = {16384};
    char *err = NULL;
    trace_writer *w;
    cr_assert_eq(trace_writer_new(&w, &err), AX_OK);
    cr_assert_eq(trace_writer_add(w, "t", TRACE_F32, 1, s1, small, &err), AX_OK);
    cr_assert_eq(trace_writer_save(w, p, &err), AX_OK, "%s", err);
    trace_writer_free(w);
    size_t n0;
    uint8_t *before = tt_read(p, &n0);
    struct rlimit old, lim = {4096, 4096};
    cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim.rlim_max = old.rlim_max;
    signal(SIGXFSZ, SIG_IGN);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    cr_assert_eq(trace_writer_new(&w, &err), AX_OK);
    cr_assert_eq(trace_writer_add(w, "t", TRACE_F32, 1, s2, big, &err), AX_OK);
    ax_result r = trace_writer_save(w, p, &err);
    ax_result r2 = trace_npy_save(p, TRACE_F32, 1, s2, big, NULL);
    setrlimit(RLIMIT_FSIZE, &old);
    trace_writer_free(w);
    cr_assert_eq(r, AX_EIO);
    cr_assert_eq(r2, AX_EIO);
    cr_assert(strstr(err, p) && strstr(err, "write failed at offset 4096") &&
                  strstr(err, "old file is untouched"),
              "%s", err);
    free(err);
    size_t n1;
    uint8_t *after = tt_read(p, &n1);
    cr_assert(n0 == n1 && memcmp(before, after, n0) == 0, "old file changed");
    cr_assert_eq(tt_count(dir), 1, "a temporary file was left behind");
    free(before);
    free(after);
    free(p);
    tt_rmdir(dir);
}
