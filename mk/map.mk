# Mapper fuzz target (tests/fuzz/fuzz_image.c), built like the trace targets of mk/fuzz.mk:
#   make / make test   $(BUILD)/fuzz_image_replay (the standalone driver tests/fuzz/fuzz_main.c),
#                      replayed over tests/fuzz/corpus/image by tests/e2e/test_map_fuzz.sh
#   make fuzz          also build-fuzz/fuzz_image (libFuzzer, ASan, UBSan)
#   make fuzz-run      also runs it for FUZZ_SECONDS on a copy of the corpus
# Both fuzz builds compile the image reader with FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
# (checksums not compared, so mutations reach the field checks); the product never does.
MAP_FUZZ_SRC := ax/ax_err.c $(filter-out mapper/map_report.c mapper/map_load.c,$(wildcard mapper/*.c))
TEST_EXTRA   += $(BUILD)/fuzz_image_replay

$(BUILD)/tests/fuzz/map_image_read_fuzz.o: mapper/map_image_read.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -c $< -o $@

$(BUILD)/fuzz_image_replay: $(BUILD)/tests/fuzz/fuzz_image.o $(BUILD)/tests/fuzz/map_image_read_fuzz.o \
                            $(BUILD)/tests/fuzz/fuzz_main.o $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: fuzz-run-image
fuzz: $(FUZZ_BUILD)/fuzz_image
fuzz-run: fuzz-run-image

$(FUZZ_BUILD)/fuzz_image: tests/fuzz/fuzz_image.c $(MAP_FUZZ_SRC) mapper/map.h mapper/map_int.h
	@mkdir -p $(FUZZ_BUILD)
	$(FUZZ_CC) $(FUZZ_FLAGS) -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -o $@ $< $(MAP_FUZZ_SRC) -lm

fuzz-run-image: $(FUZZ_BUILD)/fuzz_image
	mkdir -p $(FUZZ_BUILD)/corpus-image && cp -n tests/fuzz/corpus/image/* $(FUZZ_BUILD)/corpus-image/
	./$(FUZZ_BUILD)/fuzz_image -max_total_time=$(FUZZ_SECONDS) -max_len=65536 $(FUZZ_BUILD)/corpus-image

-include $(BUILD)/tests/fuzz/fuzz_image.d $(BUILD)/tests/fuzz/map_image_read_fuzz.d
