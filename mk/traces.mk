# traces: the test helper the trace e2e tests drive (prints tensors as text,
# re-saves them as NPY). Not part of the product, so not in libaxon.
TRACE_DUMP := $(BUILD)/trace_dump
TEST_EXTRA += $(TRACE_DUMP)

$(TRACE_DUMP): $(BUILD)/tests/tools/trace_dump.o $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

-include $(BUILD)/tests/tools/trace_dump.d
