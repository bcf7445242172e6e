# axon — plain Make. `make demo` and `make test` install what is missing
# (make deps), build, and run. See README.md.
#   make                 build build/axon and the unit-test binary
#   make test            deps + build + every test (ends with "N passed, N failed")
#   make demo            deps + build + the main job on the shipped trace
#   make demo-numbers    the demo + every number README.md and docs/power.md quote from it
#   make SANITIZER=address test   (or undefined): sanitizer build in build-address/
#   make deps            install missing Debian packages (idempotent)
#   make install         bin/axon, libaxon.so/.a, include/axon.h, axon.pc under PREFIX (mk/api.mk)

CC        ?= cc
SANITIZER ?=
BUILD     := build$(if $(SANITIZER),-$(SANITIZER))
OPT       ?= -O2
SANFLAGS  := $(if $(SANITIZER),-fsanitize=$(SANITIZER) -fno-omit-frame-pointer -fno-sanitize-recover=all)
CPPFLAGS  += -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -MMD -MP
CFLAGS    := -std=c11 -Wall -Wextra -Werror $(OPT) -g $(SANFLAGS) $(EXTRA_CFLAGS)
LDFLAGS   += $(SANFLAGS)
LDLIBS    := -lcjson -lsqlite3 -lm -lpthread

# Layers of the product (folder = layer, file = module).
LAYERS    := ax traces spike mapper sim power gpu run db api
LIB_SRC   := $(foreach d,$(LAYERS),$(wildcard $(d)/*.c))
# The command line (cli/) is a front end over the library, not part of it.
# cli/cmd_cosim_rtl.c is the main of the RTL helper axon-cosim (mk/rtl.mk).
CLI_SRC   := $(filter-out cli/main.c cli/cmd_cosim_rtl.c,$(wildcard cli/*.c))
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC  := $(wildcard tests/test_*.c)
TEST_OBJ  := $(TEST_SRC:%.c=$(BUILD)/%.o)

AXON      := $(BUILD)/axon
LIBAXON   := $(BUILD)/libaxon.a
LIBCLI    := $(BUILD)/libaxon-cli.a
TEST_BIN  := $(BUILD)/test_unit

# Targets that fragments in mk/*.mk add to `make` and to `make test`.
ALL_EXTRA  :=
TEST_EXTRA :=

.PHONY: all deps test demo demo-numbers clean check-e2e
all: $(AXON) $(TEST_BIN) all-extra

deps:
	@if [ "$${AXON_SKIP_DEPS:-0}" != 1 ]; then bash mk/deps.sh; fi

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIBAXON): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LIBCLI): $(CLI_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(AXON): $(BUILD)/cli/main.o $(LIBCLI) $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(TEST_BIN): $(TEST_OBJ) $(LIBAXON)
	$(CC) $(LDFLAGS) -o $@ $^ -lcriterion $(LDLIBS)

# The fragments of mk/, in dependency order (not a wildcard, whose order
# depends on make's version and the locale): first those that define what
# others use (fuzz.mk: FUZZ_* for map.mk; rtl.mk: RTL_OUT, rtl_variant,
# rtl_vlt_objs for rtl_gate.mk; bench.mk: the `bench` target that spike.mk
# and traces.mk add to), then api.mk (libaxon.so; read before power.mk, as
# it says), the layers in the order of LAYERS, then the tools. A fragment
# missing from the list stops make.
MK_FRAGMENTS := mk/fuzz.mk mk/rtl.mk mk/bench.mk mk/api.mk \
                mk/traces.mk mk/spike.mk mk/map.mk mk/sim.mk mk/power.mk mk/gpu.mk \
                mk/real.mk mk/rtl_gate.mk mk/sanitize.mk mk/format.mk
$(if $(filter-out $(MK_FRAGMENTS),$(wildcard mk/*.mk)),\
  $(error mk/: $(filter-out $(MK_FRAGMENTS),$(wildcard mk/*.mk)) not in MK_FRAGMENTS of the Makefile))
include $(MK_FRAGMENTS)

.PHONY: all-extra
all-extra: $(ALL_EXTRA)

# The builds of `make test` and `make demo` use every core (JOBS=1 for a
# serial build); CI calls plain `make test`.
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
test: deps
	$(MAKE) -j$(JOBS) all
	$(if $(strip $(TEST_EXTRA)),$(MAKE) -j$(JOBS) $(TEST_EXTRA))
	AXON_SANITIZER=$(SANITIZER) bash tests/run.sh $(BUILD)

demo: deps
	$(MAKE) -j$(JOBS) all
	bash mk/demo.sh $(BUILD)

# the demo plus every number README.md and docs/power.md quote from it
demo-numbers: deps
	$(MAKE) -j$(JOBS) all
	bash mk/demo_numbers.sh $(BUILD)

clean:
	rm -rf build build-*

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(BUILD)/cli/main.d
