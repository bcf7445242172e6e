# api — the library as a product (docs/api.md): include/axon.h, libaxon.so,
# axon.pc and `make install`.
#   make                      also builds $(BUILD)/libaxon.so from PIC objects in $(BUILD)/pic/
#   make install              bin/axon, lib/libaxon.so (+ .so.0, .a), include/axon.h,
#                             lib/pkgconfig/axon.pc, share/axon/plot/*.gp (gnuplot templates)
#                             and share/axon/claims/*.claim (axon claim presets) under PREFIX
#                             (default /usr/local);
#                             DESTDIR=/stage is prepended to every path (packaging)
#   make uninstall            removes what install put there
# Every library object is compiled with -fvisibility=hidden: libaxon.so exports
# only the functions marked AX_API in include/axon.h (all defined in api/,
# plus ax_result_str). Static linking (libaxon.a, the CLI, the tests) ignores
# visibility. The shared library holds the CPU build of gpu/ (the CUDA stub).

AX_VERSION_TXT := $(shell sed -n 's/^\#define AX_VERSION "\(.*\)"/\1/p' include/axon.h)
AX_SONAME      := libaxon.so.$(firstword $(subst ., ,$(AX_VERSION_TXT)))
PIC_DIR        := $(BUILD)/pic
PIC_OBJ        := $(LIB_SRC:%.c=$(PIC_DIR)/%.o) $(PIC_DIR)/power/power_tech_gen.o
LIBAXON_SO     := $(BUILD)/libaxon.so
ALL_EXTRA      += $(LIBAXON_SO)

# (mk/power.mk is read after this file: its generated table is named here by path)
AX_TECH_GEN_C := $(BUILD)/power/power_tech_gen.c
$(LIB_OBJ) $(BUILD)/power/power_tech_gen.o: CFLAGS += -fvisibility=hidden

$(PIC_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(PIC_DIR)/power/power_tech_gen.o: $(AX_TECH_GEN_C)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

# as mk/sim.mk does for the static object
$(PIC_DIR)/sim/sim_core.o: CFLAGS += -O3

$(LIBAXON_SO): $(PIC_OBJ)
	$(CC) $(LDFLAGS) -shared -Wl,-soname,$(AX_SONAME) -Wl,--no-undefined -o $@ $^ $(LDLIBS)
	@ln -sf libaxon.so $(BUILD)/$(AX_SONAME)

PREFIX     ?= /usr/local
DESTDIR    ?=
AX_BINDIR  := $(DESTDIR)$(PREFIX)/bin
AX_LIBDIR  := $(DESTDIR)$(PREFIX)/lib
AX_INCDIR  := $(DESTDIR)$(PREFIX)/include
AX_PCDIR   := $(AX_LIBDIR)/pkgconfig

.PHONY: install uninstall
install: $(AXON) $(LIBAXON) $(LIBAXON_SO)
	install -d $(AX_BINDIR) $(AX_LIBDIR) $(AX_INCDIR) $(AX_PCDIR)
	install -m 755 $(AXON) $(AX_BINDIR)/axon
	install -m 644 $(LIBAXON) $(AX_LIBDIR)/libaxon.a
	install -m 755 $(LIBAXON_SO) $(AX_LIBDIR)/libaxon.so.$(AX_VERSION_TXT)
	ln -sf libaxon.so.$(AX_VERSION_TXT) $(AX_LIBDIR)/$(AX_SONAME)
	ln -sf $(AX_SONAME) $(AX_LIBDIR)/libaxon.so
	install -m 644 include/axon.h $(AX_INCDIR)/axon.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(AX_VERSION_TXT)|' mk/axon.pc.in > $(AX_PCDIR)/axon.pc
	chmod 644 $(AX_PCDIR)/axon.pc
	install -d $(DESTDIR)$(PREFIX)/share/axon/plot $(DESTDIR)$(PREFIX)/share/axon/claims
	install -m 644 plot/*.gp $(DESTDIR)$(PREFIX)/share/axon/plot/
	install -m 644 claims/*.claim $(DESTDIR)$(PREFIX)/share/axon/claims/

uninstall:
	rm -f $(AX_BINDIR)/axon $(AX_LIBDIR)/libaxon.a $(AX_LIBDIR)/libaxon.so \
	  $(AX_LIBDIR)/$(AX_SONAME) $(AX_LIBDIR)/libaxon.so.$(AX_VERSION_TXT) $(AX_INCDIR)/axon.h \
	  $(AX_PCDIR)/axon.pc
	rm -rf $(DESTDIR)$(PREFIX)/share/axon

-include $(PIC_OBJ:.o=.d)
