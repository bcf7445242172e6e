/* libFuzzer target: the safetensors reader (JSON header via libcjson). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)fuzz_one(data, size, 2, -1);
    return 0;
}
