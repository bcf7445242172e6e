#!/usr/bin/env bash
# run.sh — build RTL mutants and run the co-simulation / oracle suite on each
# (docs/rtl.md "Mutation testing"). A mutant is killed when any check fails.
#   run.sh all BUILD            build and check every mutant, print the table;
#                               exit 1 if one survived or did not build
#   run.sh build-sample BUILD   build the sample (make mutants-sample)
#   run.sh check-sample BUILD   check the built sample (tests/e2e/test_rtl_mutants.sh)
#   run.sh check NAME BASE BUILD  check one built mutant: exit 0 killed, 1 survived
# The suite: `axon cosim --random` on seeds 101..106 (quiet/small/wide shifts,
# one core and chip runs, overflow flag compared) and the Python oracle
# (tests/e2e/rtl_oracle.py) on seeds 11..13, against the mutant's build; for a
# chip mutant, axon-chip-cosim on seeds 1..6 with each argument set of its
# build (chip_args: per channel, weight groups, partly filled cores, hot sums).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mode=${1:?usage: run.sh all|build-sample|check-sample|check ...}
py=${AXON_PY:-python3}
mlist() { "$py" "$root/rtl/mutants/mutants.py" list "$@"; }

chip_args() { # BASE -> the axon-chip-cosim argument sets of test_cosim_chip.sh, one a line
  case $1 in
    chip22) printf '%s\n' "" "--group 8" "--in 12 --group 6" "--hot" ;;
    chip42) printf '%s\n' "" "--group 6" "--hot" ;;
    chipocr) printf '%s\n' "--tokens 4" "--group 128 --tokens 4" "--in 200 --group 64 --tokens 4" "--hot --tokens 3" ;;
  esac
}

build_one() { # NAME BUILD -> builds $BUILD/rtl/mut-NAME
  local name=$1 build=$2 base
  base=$("$py" "$root/rtl/mutants/mutants.py" apply "$name" "$root/rtl" "$build/rtl/mutants/$name") || return 1
  make -s -C "$root" BUILD="$build" MUT="$name" MUT_BASE="$base" "rtl-mut-$name" > "$build/rtl/mutants/$name.log" 2>&1
}

check_one() { # NAME BASE BUILD -> 0 killed, 1 survived, 2 not built
  local name=$1 base=$2 build=$3 dir flag= ntok=12 seed
  dir=$build/rtl/mut-$name
  case $base in chip*)
    [ -x "$dir/axon-chip-cosim" ] || return 2
    local args
    while read -r args; do
      for seed in 1 2 3 4 5 6; do
        # shellcheck disable=SC2086
        timeout 120 "$dir/axon-chip-cosim" --seed "$seed" $args > /dev/null 2>&1 || return 0
      done
    done < <(chip_args "$base")
    return 1 ;;
  esac
  [ -x "$dir/axon-cosim" ] && [ -x "$dir/axon-rtl-run" ] || return 2
  case $base in async*) flag=--async ;; esac
  [ "$base" = t5 ] && ntok=40
  export AXON_RTL_PLUSARGS=+verilator+rand+reset+2
  for seed in 101 102 103 104 105 106; do
    timeout 120 "$build/axon" cosim --rtl "$dir" $flag --random $ntok --seed "$seed" > /dev/null 2>&1 || return 0
  done
  for seed in 11 12 13; do
    timeout 120 "$py" "$root/tests/e2e/rtl_oracle.py" "$dir/axon-rtl-run" "$seed" 16 > /dev/null 2>&1 || return 0
  done
  return 1
}

case $mode in
  build-sample)
    build=${2:?BUILD}
    mlist --sample | while read -r name base; do
      build_one "$name" "$build" || { echo "mutant $name did not build: $build/rtl/mutants/$name.log"; exit 1; }
    done ;;
  check) check_one "$2" "$3" "$4" ;;
  check-sample|all)
    build=${2:?BUILD}
    killed=0 survived=0 broken=0
    [ "$mode" = all ] && sel= || sel=--sample
    while read -r name base; do
      if [ "$mode" = all ] && ! build_one "$name" "$build"; then
        echo "BUILD FAILED $name ($base): $build/rtl/mutants/$name.log"; broken=$((broken + 1)); continue
      fi
      check_one "$name" "$base" "$build"
      case $? in
        0) killed=$((killed + 1)); echo "killed   $name ($base)" ;;
        1) survived=$((survived + 1)); echo "SURVIVED $name ($base)" ;;
        *) broken=$((broken + 1)); echo "NOT BUILT $name ($base) (make mutants-sample)" ;;
      esac
      [ "$mode" = all ] && rm -rf "$build/rtl/mut-$name/obj"  # keep the disk small
    done < <(mlist $sel)
    echo "mutants: $killed killed, $survived survived, $broken not built"
    [ $survived -eq 0 ] && [ $broken -eq 0 ] ;;
  *) echo "usage: run.sh all|build-sample|check-sample|check ..." >&2; exit 2 ;;
esac
