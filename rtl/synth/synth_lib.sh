# Shared by the cached per-parameter-set synthesis scripts (base_synth.sh:
# the baseline tiles; core_synth.sh: the row-reuse core), sourced, not run.
# Each adds a module's rows to the area table power/ reads
# (module,parameters,cells,area_um2): yosys against the OSU018 liberty with
# the hierarchy kept, the whole module and its parts from `stat -liberty`.

# synth_yosys WORK TAG TOP CHPARAM READ: writes WORK/TAG.ys (READ: the
# read_verilog lines) and runs it; the report is WORK/TAG.stat.
synth_yosys() {
  local work=$1 tag=$2 top=$3 chp=$4 read=$5
  cat > "$work/$tag.ys" <<YS
$read
chparam $chp$top
synth -top $top
dfflibmap -liberty $lib
abc -liberty $lib
opt_clean
tee -o $work/$tag.stat stat -liberty $lib
YS
  yosys -q -l "$work/$tag.log" -s "$work/$tag.ys" > /dev/null 2>&1
}

# synth_rows STAT TOP MOD PARAMS PARTS TOPPART [COPIED]: the table rows of a
# synthesized module from its yosys report. MOD,PARAMS is the whole module;
# PARTS maps submodules to part names ("axon_mul8:mul axon_lane_add:add"),
# each part all instances of its submodule; MOD.TOPPART is the top's own
# cells. COPIED ("module,cells,area" lines) are black boxes whose rows come
# from the table: added to the total and listed as parts.
synth_rows() {
  awk -v top="$2" -v mod="$3" -v p="$4" -v parts="$5" -v toppart="$6" -v copied="${7:-}" '
  function base(n) { if (match(n, /axon_[a-z0-9_]+/)) return substr(n, RSTART, RLENGTH); return n }
  /^=== / { name = base($2) }
  /design hierarchy/ { inh = 1; name = ""; next }
  inh && /Number of wires/ { inh = 2 }
  !inh && name != "" && /Number of cells:/ { cells[name] = $4 }
  !inh && name != "" && /^ +[^ ]+ +[0-9]+$/ && $1 ~ /axon_/ { subcells[name] += $2 }
  !inh && /Chip area for module/ { area[name] = $NF }
  inh == 1 && /^ +[^ ]+ +[0-9]+$/ && $1 ~ /axon_/ { inst[base($1)] = $2 }
  inh == 2 && /Number of cells:/ && !tcells { tcells = $4 }
  /Chip area for top module/ { total = $NF }
  END {
    if (total <= 0) { print "synth: no area in the yosys report" > "/dev/stderr"; exit 1 }
    nc = split(copied, cl, "\n")
    for (i = 1; i <= nc; i++) { # black boxes: their cells and area from the table
      split(cl[i], f, ","); inst[f[1]] = 1; cells[f[1]] = f[2]; area[f[1]] = f[3]
      tcells += f[2] - 1; total += f[3]
    }
    printf "%s,%s,%d,%.1f\n", mod, p, tcells, total
    n = split(parts, m, " ")
    for (i = 1; i <= n; i++) {
      split(m[i], kv, ":")
      if (kv[1] in inst) printf "%s.%s,%s,%d,%.1f\n", mod, kv[2], p, inst[kv[1]] * cells[kv[1]], inst[kv[1]] * area[kv[1]]
    }
    printf "%s.%s,%s,%d,%.1f\n", mod, toppart, p, cells[top] - subcells[top], area[top]
  }' "$1"
}

# synth_table_put OUT MOD PARAMS ROWS: replaces MOD's rows of PARAMS in OUT
# (an older copy, FORCE) by ROWS, through a temporary and a rename; prints them.
synth_table_put() {
  local out=$1 mod=$2 canon=$3 rows=$4
  grep -v -e "^$mod,$canon," -e "^$mod\.[a-z]*,$canon," "$out" > "$out.tmp" || true
  printf '%s\n' "$rows" >> "$out.tmp"
  mv "$out.tmp" "$out"
  printf '%s\n' "$rows"
}
