/*
 * run_config — what identifies a run: input file checksums and the one
 * config hash (`axon run --json`, the database's runs.config_hash and the
 * sweep planner all use this one).
 *
 * The config hash identifies a point of the design space: FNV-1a 64
 * (ax_fnv1a) of a canonical JSON text holding the input files (base name,
 * size and checksum, so a moved file keeps its hash and an edited one does
 * not) and every parameter of the parameter table (run/run_param.c) that
 * applies to the run, under its key (clock only in sync mode, the handshake
 * delays only in async mode, DRAM parameters only with DRAM streaming), and
 * the technology table's version and content hash (tech_fnv1a64: a table
 * refitted under the same version is a different point). A parameter added to the table enters the
 * hash without an edit here. The VCD path and the thread count are not
 * parameters and are left out. Units follow the keys (MHz, ps, cycles).
 */
#include "run.h"

#include "../power/power.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void run_hash_hex(uint64_t h, char out[17])
{
    snprintf(out, 17, "%016" PRIx64, h);
}

#define DB_SUM_SPAN (1u << 20) /* bytes hashed at each end of a file */

static ax_result hash_range(int fd, const char *path, uint64_t off, uint64_t len, uint64_t *h,
                            char **err)
{
    static __thread unsigned char buf[65536];
    while (len > 0) {
        size_t want = len < sizeof buf ? (size_t)len : sizeof buf;
        ssize_t got = pread(fd, buf, want, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return ax_fail(err, AX_EIO, "%s: offset %" PRIu64 ": read failed while checksumming",
                           path, off);
        *h = ax_fnv1a(buf, (size_t)got, *h);
        off += (uint64_t)got;
        len -= (uint64_t)got;
    }
    return AX_OK;
}

ax_result run_file_checksum(const char *path, uint64_t *sum, uint64_t *bytes, char **err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ax_fail(err, AX_EIO, "%s: cannot open for checksum: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return ax_fail(err, AX_EIO, "%s: stat failed: %s", path, strerror(errno));
    }
    uint64_t size = (uint64_t)sb.st_size, h = AX_FNV_SEED;
    unsigned char le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (unsigned char)(size >> (8 * i));
    h = ax_fnv1a(le, 8, h);
    ax_result r;
    if (size <= 2ull * DB_SUM_SPAN)
        r = hash_range(fd, path, 0, size, &h, err);
    else {
        r = hash_range(fd, path, 0, DB_SUM_SPAN, &h, err);
        if (r == AX_OK)
            r = hash_range(fd, path, size - DB_SUM_SPAN, DB_SUM_SPAN, &h, err);
    }
    close(fd);
    if (r == AX_OK) {
        *sum = h;
        *bytes = size;
    }
    return r;
}

ax_result run_files_of(const run_job *j, run_files *f, char **err)
{
    memset(f, 0, sizeof *f);
    ax_result r = AX_OK;
    if (j->weights)
        r = run_file_checksum(j->weights, &f->weights_sum, &f->weights_bytes, err);
    if (!r && j->trace)
        r = run_file_checksum(j->trace, &f->trace_sum, &f->trace_bytes, err);
    if (!r && j->image)
        r = run_file_checksum(j->image, &f->image_sum, &f->image_bytes, err);
    if (!r && j->ref)
        r = run_file_checksum(j->ref, &f->ref_sum, &f->ref_bytes, err);
    return r;
}

static const char *base_name(const char *p)
{
    const char *s = p ? strrchr(p, '/') : NULL;
    return s ? s + 1 : p;
}

static void add_file(cJSON *o, const char *key, const char *path, uint64_t sum, uint64_t bytes)
{
    cJSON *f = cJSON_AddObjectToObject(o, key);
    char hex[17];
    run_hash_hex(sum, hex);
    cJSON_AddStringToObject(f, "name", path ? base_name(path) : "");
    cJSON_AddNumberToObject(f, "bytes", (double)bytes);
    cJSON_AddStringToObject(f, "fnv1a64", hex);
}

ax_result run_config(const run_job *j, const run_files *files, const char *tech_version,
                     char **text, uint64_t *hash, char **err)
{
    run_files own;
    if (!files) {
        ax_result r = run_files_of(j, &own, err);
        if (r != AX_OK)
            return r;
        files = &own;
    }
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    add_file(o, "weights", j->weights, files->weights_sum, files->weights_bytes);
    add_file(o, "trace", j->trace, files->trace_sum, files->trace_bytes);
    if (j->image)
        add_file(o, "image", j->image, files->image_sum, files->image_bytes);
    if (j->ref)
        add_file(o, "ref", j->ref, files->ref_sum, files->ref_bytes);
    /* every parameter of the table that applies to this run, by its key;
     * the technology table by its version (its content), not its path */
    size_t np;
    const run_param *t = run_param_table(&np);
    for (size_t i = 0; i < np; i++) {
        if (!strcmp(t[i].key, "tech") || run_param_applies(j, &t[i], NULL))
            continue;
        cJSON *v = run_param_json(j, &t[i]);
        cJSON_AddItemToObject(o, t[i].key, v ? v : cJSON_CreateString(""));
    }
    cJSON_AddStringToObject(o, "tech_version", tech_version ? tech_version : "builtin-45nm");
    /* and by its content: a refitted table that kept its version is another point */
    uint64_t th;
    ax_result rc = power_table_fnv(j->tech, &th, err);
    if (rc != AX_OK) {
        cJSON_Delete(o);
        return rc;
    }
    char thex[17];
    run_hash_hex(th, thex);
    cJSON_AddStringToObject(o, "tech_fnv1a64", thex);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!s)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    *hash = ax_fnv1a(s, strlen(s), AX_FNV_SEED);
    *text = s;
    return AX_OK;
}


ax_result run_tech_version(const run_job *j, char *out, size_t n, char **err)
{
    power_table *t;
    ax_result r = power_table_open(j->tech, j->node_nm, j->vdd_v, &t, err);
    if (r)
        return r;
    snprintf(out, n, "%s", power_table_version(t));
    power_table_free(t);
    return AX_OK;
}
