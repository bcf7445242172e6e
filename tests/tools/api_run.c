/*
 * api_run — a small program over the public C interface only (axon.h,
 * linked with `pkg-config --cflags --libs axon`), used by
 * tests/e2e/test_install.sh against an installed copy:
 *   api_run WEIGHTS TRACE LAYER OUT.safetensors [name=value ...]
 * prints the layer's report (ax_run_result_json) and writes acc and y, as
 * `axon run --out` names them, with ax_write_tensors.
 */
#include <axon.h>

#include <stdio.h>
#include <string.h>

static int fail(const char *what, ax_result r, char *err)
{
    fprintf(stderr, "api_run: %s: %s: %s\n", what, ax_result_str(r), err ? err : "");
    ax_free(err);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: api_run WEIGHTS TRACE LAYER OUT.safetensors [name=value ...]\n");
        return 2;
    }
    if (strcmp(ax_version(), AX_VERSION))
        fprintf(stderr, "api_run: header %s, library %s\n", AX_VERSION, ax_version());
    char *err = NULL;
    ax_job *job = NULL;
    ax_result r = ax_job_new(&job, &err);
    if (r)
        return fail("ax_job_new", r, err);
    if ((r = ax_job_set_files(job, argv[1], argv[2], NULL, NULL, &err)) ||
        (r = ax_job_set(job, "layer", argv[3], &err))) {
        ax_job_free(job);
        return fail("job", r, err);
    }
    for (int i = 5; i < argc; i++) {
        char name[128];
        const char *eq = strchr(argv[i], '=');
        if (!eq || (size_t)(eq - argv[i]) >= sizeof name) {
            ax_job_free(job);
            fprintf(stderr, "api_run: '%s': expected name=value\n", argv[i]);
            return 2;
        }
        memcpy(name, argv[i], (size_t)(eq - argv[i]));
        name[eq - argv[i]] = 0;
        if ((r = ax_job_set(job, name, eq + 1, &err))) {
            ax_job_free(job);
            return fail("ax_job_set", r, err);
        }
    }
    ax_run_result *res = NULL;
    r = ax_run(job, &res, &err);
    ax_job_free(job); /* the result does not need the job */
    if (r)
        return fail("ax_run", r, err);
    char *json = ax_run_result_json(res);
    puts(json ? json : "null");
    ax_free(json);
    int nda, ndy;
    int64_t sa[3], sy[2];
    const int32_t *acc = ax_run_result_acc(res, &nda, sa);
    const float *y = ax_run_result_y(res, &ndy, sy);
    char an[1100], yn[1100]; /* the names `axon run --out` writes */
    snprintf(an, sizeof an, "%s.acc", argv[3]);
    snprintf(yn, sizeof yn, "%s.y", argv[3]);
    const char *names[] = {an, yn}, *dtypes[] = {"I32", "F32"};
    const int ndims[] = {nda, ndy};
    const int64_t *shapes[] = {sa, sy};
    const void *data[] = {acc, y};
    r = ax_write_tensors(argv[4], 2, names, dtypes, ndims, shapes, data, &err);
    ax_run_result_free(res);
    return r ? fail("ax_write_tensors", r, err) : 0;
}
