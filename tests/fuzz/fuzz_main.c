/*
 * Standalone replay driver for the trace fuzz targets (plain C, no
 * libFuzzer), linked with one target's LLVMFuzzerTestOneInput:
 *   fuzz_replay CORPUS_DIR [MUTATIONS [SEED]]
 * Runs every corpus file (each must be accepted: the corpus is valid by
 * construction), every truncation of it, then MUTATIONS (default 4000)
 * deterministic random mutations (splitmix64 from SEED): bit flips,
 * interesting bytes and tokens, truncations, chunk insertions/deletions
 * and rewritten length fields. Each input is placed so that it ends right
 * before a PROT_NONE guard page, so a read past the end crashes even
 * without AddressSanitizer. A crash fails the test run; rejections are
 * expected and counted.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern unsigned long fuzz_accepted;

#define FUZZ_MAX_INPUT (64u << 10)

static uint64_t rs;
static uint64_t next(void)
{
    uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static size_t below(size_t n)
{
    return n ? (size_t)(next() % n) : 0;
}

/* Runs one input at the end of a guarded mapping; returns 1 if accepted. */
static int run(const uint8_t *buf, size_t n)
{
    static uint8_t *region;
    static size_t page;
    if (!region) {
        page = (size_t)sysconf(_SC_PAGESIZE);
        size_t len = (FUZZ_MAX_INPUT + page - 1) / page * page;
        region = mmap(NULL, len + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (region == MAP_FAILED || mprotect(region + len, page, PROT_NONE)) {
            perror("fuzz_replay: guard page");
            exit(2);
        }
        region += len; /* the guard starts here */
    }
    unsigned long before = fuzz_accepted;
    memcpy(region - n, buf, n);
    LLVMFuzzerTestOneInput(region - n, n);
    return fuzz_accepted != before;
}

static const char *tokens[] = {"99999999999999999999",
                               "4294967296",
                               "18446744073709551615",
                               "-1",
                               "1e9",
                               "0.5",
                               "\"",
                               "'",
                               "[",
                               "]",
                               "{",
                               "}",
                               "(",
                               ")",
                               ",",
                               ":",
                               "null",
                               "True",
                               "False",
                               "<f8",
                               ">f4",
                               "<u2",
                               "|b1",
                               "F64",
                               "BF16",
                               "__metadata__",
                               "\\u0000",
                               "\xff\xfe"};

static size_t mutate(uint8_t *b, size_t n, int npy)
{
    int k = 1 + (int)below(3);
    while (k--) {
        switch (below(8)) {
        case 0:
            if (n)
                b[below(n)] ^= (uint8_t)(1u << below(8));
            break;
        case 1: {
            static const uint8_t v[] = {0, 0xff, 0x7f, 0x80, '0', '9', ' ', '\n'};
            if (n)
                b[below(n)] = v[below(sizeof v)];
            break;
        }
        case 2: n = below(n + 1); break;
        case 3: {
            size_t at = below(n + 1), len = below(n - at + 1) % 64, src = below(n + 1);
            if (src + len > n)
                len = n - src;
            if (n + len <= FUZZ_MAX_INPUT && len) {
                uint8_t chunk[64];
                memcpy(chunk, b + src, len);
                memmove(b + at + len, b + at, n - at);
                memcpy(b + at, chunk, len);
                n += len;
            }
            break;
        }
        case 4: {
            size_t at = below(n + 1), len = below(n - at + 1) % 64;
            memmove(b + at, b + at + len, n - at - len);
            n -= len;
            break;
        }
        case 5: {
            const char *t = tokens[below(sizeof tokens / sizeof tokens[0])];
            size_t tl = strlen(t), at = below(n + 1);
            if (at + tl <= n)
                memcpy(b + at, t, tl);
            break;
        }
        case 6: /* the header length field */
            if (npy && n >= 12) {
                uint32_t v = below(4) ? (uint32_t)(b[8] | b[9] << 8) + (uint32_t)below(9) - 4u
                                      : (uint32_t)next();
                b[8] = (uint8_t)v;
                b[9] = (uint8_t)(v >> 8);
                if (b[6] > 1) {
                    b[10] = (uint8_t)(v >> 16);
                    b[11] = (uint8_t)(v >> 24);
                }
            } else if (!npy && n >= 8) {
                uint64_t v = 0;
                for (int i = 0; i < 8; i++)
                    v |= (uint64_t)b[i] << (8 * i);
                v = below(4) ? v + below(17) - 8 : next() >> below(64);
                for (int i = 0; i < 8; i++)
                    b[i] = (uint8_t)(v >> (8 * i));
            }
            break;
        default:
            if (npy && n > 6)
                b[6] = (uint8_t)below(5); /* NPY version */
            else if (n)
                b[below(n)] = (uint8_t)next();
            break;
        }
    }
    return n;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR [MUTATIONS [SEED]]\n", argv[0]);
        return 2;
    }
    long muts = argc > 2 ? atol(argv[2]) : 4000;
    rs = argc > 3 ? strtoull(argv[3], NULL, 0) : 1;
    DIR *d = opendir(argv[1]);
    if (!d) {
        perror(argv[1]);
        return 2;
    }
    char *names[256];
    size_t nf = 0;
    struct dirent *e;
    while ((e = readdir(d)) && nf < 256)
        if (e->d_name[0] != '.')
            names[nf++] = strdup(e->d_name);
    closedir(d);
    qsort(names, nf, sizeof *names, cmp);
    uint8_t *files[256], *buf = malloc(FUZZ_MAX_INPUT);
    size_t sizes[256];
    int npy = 0, bad = 0;
    unsigned long truncs = 0, acc = 0;
    for (size_t i = 0; i < nf; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[1], names[i]);
        FILE *fp = fopen(path, "rb");
        files[i] = malloc(FUZZ_MAX_INPUT);
        sizes[i] = fp ? fread(files[i], 1, FUZZ_MAX_INPUT, fp) : 0;
        if (fp)
            fclose(fp);
        npy |= sizes[i] >= 6 && memcmp(files[i], "\x93NUMPY", 6) == 0;
        if (!run(files[i], sizes[i])) {
            fprintf(stderr, "fuzz_replay: corpus file %s was rejected\n", path);
            bad = 1;
        }
        for (size_t n = 0; n < sizes[i]; n++, truncs++)
            run(files[i], n);
    }
    if (!nf) {
        fprintf(stderr, "fuzz_replay: %s holds no corpus file\n", argv[1]);
        return 2;
    }
    for (long m = 0; m < muts; m++) {
        size_t i = below(nf), n = sizes[i];
        memcpy(buf, files[i], n);
        n = mutate(buf, n, npy);
        acc += (unsigned long)run(buf, n);
    }
    printf("fuzz_replay %s: %zu corpus files (%s), %lu truncations, %ld mutations (%lu accepted, "
           "%lu rejected), "
           "no crash\n",
           argv[1], nf, bad ? "SOME REJECTED" : "all accepted", truncs, muts, acc,
           (unsigned long)muts - acc);
    for (size_t i = 0; i < nf; i++) {
        free(files[i]);
        free(names[i]);
    }
    free(buf);
    return bad;
}
