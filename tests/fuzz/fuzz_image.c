/*
 * Fuzz target of the core image reader (mapper/map_image_read.c): any byte
 * string must either open as an image or fail with AX_EFORMAT and a message
 * naming the offset; an opened image either verifies (map_image_verify),
 * and then every layer loads back (in both channel orders) and every
 * core's rows can be read, or fails verification the same way, and then
 * every layer and core read fails or succeeds without a crash. Never a crash,
 * a leak or an out-of-bounds read (run under ASan/UBSan).
 * Built with libFuzzer (`make fuzz`, build-fuzz/fuzz_image) or with the
 * standalone replay driver tests/fuzz/fuzz_main.c (mk/map.mk,
 * tests/e2e/test_map_fuzz.sh) over the seed corpus tests/fuzz/corpus/image.
 * Both builds define FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION for the
 * reader, which then skips checksum comparison so mutations reach the
 * field checks behind it.
 */
#include "../../mapper/map.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs accepted so far (the replay driver reports it). */
unsigned long fuzz_accepted;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    map_image *img = NULL;
    char *err = NULL;
    ax_result r = map_image_open_mem("fuzz.axi", data, size, &img, &err);
    if (r) {
        if (r != AX_EFORMAT && r != AX_ENOMEM)
            abort(); /* a damaged image is a format error, nothing else */
        if (r == AX_EFORMAT && (!err || !strstr(err, "offset")))
            abort(); /* and the message names the offset */
        free(err);
        return 0;
    }
    int verified = map_image_verify(img, &err) == AX_OK;
    if (!verified) {
        if (!err || !strstr(err, "offset"))
            abort();
        free(err);
        err = NULL;
    } else {
        fuzz_accepted++;
    }
    int R, C;
    map_image_tile(img, &R, &C, NULL, NULL);
    int8_t *rows = malloc((size_t)R * (size_t)C);
    for (size_t c = 0; rows && c < map_image_ncores(img); c++) {
        map_image_core info;
        if (map_image_core_rows(img, c, rows, &info, NULL) && verified)
            abort();
    }
    free(rows);
    for (size_t i = 0; i < map_image_nlayers(img); i++)
        for (int original = 0; original < 2; original++) {
            map_qweight qw;
            uint32_t *perm = NULL;
            r = map_image_load_layer(img, i, original, &qw, &perm, &err);
            if (r == AX_OK)
                map_qweight_free(&qw);
            else if (verified && r != AX_EMISMATCH && r != AX_ENOMEM)
                abort(); /* the only way a validated image can fail to load */
            else if (!verified && r != AX_EFORMAT && r != AX_EMISMATCH && r != AX_ENOMEM)
                abort();
            free(err);
            err = NULL;
            free(perm);
        }
    map_image_free(img);
    return 0;
}
