#!/usr/bin/env bash
# The parameter table end to end: an architecture file gives the same run
# (same config_hash, same cycles) as the same parameters given as flags, in
# either spelling (JSON or key = value); flags override the file whatever
# their order; every shipped arch/ file loads; docs/params.md holds exactly
# the table `axon arch --list --markdown` prints; bad files and bad values
# exit 2 naming the file, line or parameter; a parameter that would be
# ignored, or given twice, is refused; a sweep accepts any parameter as an
# axis and refuses an empty list item.
set -euo pipefail
: "${AXON:?}" "${AXON_ROOT:?}" "${AXON_PY:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$AXON_PY" "$AXON_ROOT/tests/py/run_oracle.py" gen "$work"
W=$work/w.safetensors T=$work/t.safetensors
jget() { "$AXON_PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
expect() { # expect CODE PATTERN cmd...: exit code and a stderr line
  local code=$1 pat=$2; shift 2
  set +e; "$@" >"$work/out" 2>"$work/err"; local rc=$?; set -e
  [ "$rc" = "$code" ] || { echo "expected exit $code, got $rc: $*"; cat "$work/err"; exit 1; }
  grep -q -- "$pat" "$work/err" || { echo "stderr lacks '$pat': $*"; cat "$work/err"; exit 1; }
}

# 1. flags vs JSON file vs text file: one config_hash, one result
"$AXON" run --weights "$W" --trace "$T" --layer q --tile 16x8 --lanes 3 --async --handshake 2 \
  --t-sram-ps 650 --json >"$work/flags.json"
cat >"$work/a.json" <<'J'
{"core": {"tile": "16x8", "lanes": 3}, "timing": {"timing": "async", "handshake_phases": 2, "t_sram_ps": 650}}
J
cat >"$work/a.arch" <<'A'
# the same point, text form
[core]
tile = 16x8
lanes: 3
[timing]
timing = async
handshake = 2
t-sram-ps = 650
A
for a in a.json a.arch; do
  "$AXON" run --weights "$W" --trace "$T" --layer q --arch "$work/$a" --json >"$work/$a.out"
  for k in config_hash; do
    [ "$(jget "$work/flags.json" "d['layers'][0]['$k']")" = "$(jget "$work/$a.out" "d['layers'][0]['$k']")" ]
  done
  [ "$(jget "$work/flags.json" "d['layers'][0]['counters']")" = "$(jget "$work/$a.out" "d['layers'][0]['counters']")" ]
done
# a different point must hash differently (the hash is not constant)
"$AXON" run --weights "$W" --trace "$T" --layer q --arch "$work/a.json" --lanes 4 --json >"$work/l4.json"
[ "$(jget "$work/flags.json" "d['layers'][0]['config_hash']")" != "$(jget "$work/l4.json" "d['layers'][0]['config_hash']")" ]

# 2. flags override the file, before or after --arch
for order in before after; do
  if [ $order = before ]; then args=(--lanes 5 --arch "$work/a.json"); else args=(--arch "$work/a.json" --lanes 5); fi
  "$AXON" arch --dump "${args[@]}" >"$work/d.json"
  [ "$(jget "$work/d.json" "d['core']['lanes']")" = 5 ]
  [ "$(jget "$work/d.json" "d['core']['tile']")" = 16x8 ]
done

# 3. shipped architecture files load and round-trip through --dump
for f in "$AXON_ROOT"/arch/*; do
  "$AXON" arch --check "$f" >/dev/null
  "$AXON" arch --dump --arch "$f" >"$work/rt.json"
  "$AXON" arch --dump --arch "$work/rt.json" >"$work/rt2.json"
  cmp "$work/rt.json" "$work/rt2.json"
done
"$AXON" arch --dump >"$work/def.json"
cmp "$work/def.json" "$AXON_ROOT/arch/default.json"

# 4. docs/params.md holds the generated table
"$AXON" arch --list --markdown >"$work/table.md"
sed -n '/<!-- params:begin -->/,/<!-- params:end -->/p' "$AXON_ROOT/docs/params.md" | sed '1d;$d' >"$work/doc.md"
diff -u "$work/table.md" "$work/doc.md"
"$AXON" arch --list --json >"$work/list.json"
[ "$(jget "$work/list.json" "len(d) == $(grep -c '^| `' "$work/table.md")")" = True ]

# 5. errors: file, line, parameter; ignored and repeated parameters
printf '[core]\nlanes = 8\nclock = 250\n' >"$work/bad.arch"
expect 2 "bad.arch: line 3" "$AXON" run --weights "$W" --trace "$T" --arch "$work/bad.arch"
expect 1 "bad.arch: line 3" "$AXON" arch --check "$work/bad.arch"
expect 2 "did you mean lanes" "$AXON" arch --dump --arch <(echo 'lanse = 8')
expect 2 "applies to the asynchronous core only" "$AXON" run --weights "$W" --trace "$T" --handshake 2
expect 2 "applies to the clocked core only" "$AXON" run --weights "$W" --trace "$T" --async --clock 250
expect 2 "applies to DRAM streaming only" "$AXON" run --weights "$W" --trace "$T" --burst 128
expect 2 "given twice" "$AXON" run --weights "$W" --trace "$T" --layer q --layer lin
expect 2 "in \[1, 4096\]" "$AXON" run --weights "$W" --trace "$T" --tile 100000x1
expect 2 "in \[1, 4096\]" "$AXON" map --weights "$W" --tile 8192x8
expect 2 "tile" "$AXON" run --weights "$W" --trace "$T" --tile 0x0

# 6. sweep: any parameter is an axis; empty items and repeats are refused
"$AXON" sweep --weights "$W" --trace "$T" --layer q --tile 16x8 --lanes 2,3 --fifo 2,8 \
  --acc-bits 24,32 --dry-run --db "$work/r.db" >"$work/plan.txt"
grep -q '8 points' "$work/plan.txt"
grep -q 'lanes=2 fifo_depth=2 acc_bits=24' "$work/plan.txt"
"$AXON" sweep --weights "$W" --trace "$T" --layer q --tile 16x8 --steps 9,100 --coding binary \
  --dry-run --db "$work/r.db" | grep -q '2 points'
"$AXON" sweep --weights "$W" --trace "$T" --layer q --tile 16x8 --node 28,45 --vdd 0.9 --dry-run --json \
  --db "$work/r.db" >"$work/plan.json"
[ "$(jget "$work/plan.json" "[p['point'] for p in d['plan']]")" = "['node_nm=28', 'node_nm=45']" ]
"$AXON" sweep --weights "$W" --trace "$T" --layer q --tile 16x8 --node 28,45 --json --db "$work/r.db" >"$work/sum.json"
[ "$(jget "$work/sum.json" "(d['points'], d['ran'], d['failed'])")" = "(2, 2, 0)" ]
expect 2 "empty item" "$AXON" sweep --weights "$W" --trace "$T" --layer q --clock 250,,500 --dry-run
expect 2 "given twice" "$AXON" sweep --weights "$W" --trace "$T" --layer q --clock 250 --clock 500 --dry-run
expect 2 "only applies to --emit-slurm" "$AXON" sweep --weights "$W" --trace "$T" --layer q --shards 3 --dry-run
"$AXON" sweep --weights "$W" --trace "$T" --layer q --tile 16x8 --arch "$work/a.json" --lanes 2,3 \
  --db "$work/r.db" >/dev/null
"$AXON" sweep --weights "$W" --trace "$T" --layer q --arch "$work/a.json" --lanes 3 --dry-run \
  --db "$work/r.db" | grep -q '  yes  '
# 7. the database stores every parameter in its column (NULL where it does not apply)
"$AXON" run --weights "$W" --trace "$T" --layer q --arch "$work/a.json" --dram --burst 128 \
  --db "$work/p.db" >/dev/null
row=$("$AXON" query --db "$work/p.db" --csv "SELECT tile_rows, lanes, timing, handshake_phases, t_sram_ps, clock_mhz, dram, dram_burst_bytes, dram_bytes_per_cycle FROM runs" | tail -n 1)
[ "$row" = "16,3,async,2,650,,1,128," ] || { echo "runs row: $row"; exit 1; }
echo "arch e2e ok"
