# Fuzzing the trace readers.
#   make fuzz              libFuzzer binaries (clang, -fsanitize=fuzzer,address,undefined) in build-fuzz/
#   make fuzz-run          runs each for FUZZ_SECONDS (default 60) on a copy of the seed corpus
# `make` / `make test` build the plain replay drivers (tests/fuzz/fuzz_main.c)
# that tests/e2e/test_trace_fuzz.sh runs over the corpus plus mutations.
FUZZ_CC      ?= clang-14
FUZZ_BUILD   := build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_LIBSRC  := $(wildcard ax/*.c) $(wildcard traces/*.c)
FUZZ_FLAGS   := -std=c11 -g -O1 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_REPLAY  := $(BUILD)/fuzz_npy_replay $(BUILD)/fuzz_safetensors_replay
TEST_EXTRA   += $(FUZZ_REPLAY)

$(BUILD)/fuzz_%_replay: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/fuzz_main.o $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: fuzz fuzz-run
fuzz: $(FUZZ_BUILD)/fuzz_npy $(FUZZ_BUILD)/fuzz_safetensors

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_LIBSRC) traces/trace.h traces/trace_int.h
	@mkdir -p $(FUZZ_BUILD)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_LIBSRC) -lcjson -lm

fuzz-run: fuzz
	@for t in npy safetensors; do \
	  mkdir -p $(FUZZ_BUILD)/corpus-$$t && cp -n tests/fuzz/corpus/$$t/* $(FUZZ_BUILD)/corpus-$$t/; \
	  ./$(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 $(FUZZ_BUILD)/corpus-$$t || exit 1; \
	done

-include $(BUILD)/tests/fuzz/fuzz_npy.d $(BUILD)/tests/fuzz/fuzz_safetensors.d $(BUILD)/tests/fuzz/fuzz_main.d
