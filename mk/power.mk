# power/: compiles the technology tables of power/tech/ into libaxon.a
# (power_tech_base_csv, and power_tech_synth_csv when `make synth` has
# written power/tech/area_osu018.csv). The generator runs every time but
# rewrites the C file only when a table changed.
POWER_GEN_C := $(BUILD)/power/power_tech_gen.c
POWER_GEN_O := $(BUILD)/power/power_tech_gen.o

.PHONY: power-gen-force
$(POWER_GEN_C): power/tech/base_45nm.csv mk/power_embed.sh power-gen-force
	@mkdir -p $(dir $@)
	@bash mk/power_embed.sh $@ power/tech/base_45nm.csv power/tech/area_osu018.csv power/tech/cal_osu018.csv

$(POWER_GEN_O): $(POWER_GEN_C)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIBAXON): $(POWER_GEN_O)
