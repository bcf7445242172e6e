/* libFuzzer target: the NPY reader, plain and with a declared bf16 dtype. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)fuzz_one(data, size, 1, -1);
    (void)fuzz_one(data, size, 1, TRACE_BF16);
    return 0;
}
