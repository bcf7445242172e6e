#!/usr/bin/env bash
# axon sweep --shard / axon db merge / --emit-slurm: three shards run as
# parallel processes into their own databases merge into exactly the points
# of the unsharded sweep (same config hashes, no duplicates, merging twice
# adds nothing); the emitted Slurm script passes `bash -n`, its plan splits
# the points evenly, and running its array tasks by hand (SLURM_ARRAY_TASK_ID
# set, as sbatch would) followed by merge.sh gives the same database.
set -euo pipefail
: "${AXON:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
printf 'weights' > w.st
printf 'trace' > t.st
args=(--weights w.st --trace t.st --clock 250,500,1000 --tile 64x64,128x128
      --coding ternary,bitwise-2c --k 2,3,4 --async both --eval fake)
q() { "$AXON" query --db "$1" --csv "$2" | tail -n +2; }

for i in 0 1 2; do "$AXON" sweep "${args[@]}" --shard "$i/3" --db "s$i.db" > "s$i.out" & done
wait
for i in 0 1 2; do
  [ "$(q "s$i.db" "SELECT count(*) FROM runs")" = 16 ] || { echo "shard $i: wrong size"; exit 1; }
  [ "$(q "s$i.db" "SELECT shard FROM sweeps")" = "$i/3" ]
done
"$AXON" db merge all.db s0.db s1.db s2.db | tee merge.out
grep -q "all.db: 48 runs added, 0 duplicates skipped" merge.out
out=$("$AXON" db merge all.db s1.db); grep -q "0 runs added, 16 already present" <<< "$out"
[ "$(q all.db "SELECT count(*) FROM runs")" = 48 ]
[ "$(q all.db "SELECT count(*) FROM sweeps")" = 1 ]
[ "$(q all.db "SELECT status FROM sweeps")" = done ]
[ "$(q all.db "SELECT count(*) FROM sweep_points")" = 48 ]

"$AXON" sweep "${args[@]}" --db whole.db > /dev/null
q whole.db "SELECT config_hash FROM runs ORDER BY 1" > whole.txt
q all.db "SELECT config_hash FROM runs ORDER BY 1" > merged.txt
cmp whole.txt merged.txt
# same sweep id semantics: the spec hash of the shards equals the unsharded one
[ "$(q whole.db "SELECT spec_hash FROM sweeps")" = "$(q all.db "SELECT spec_hash FROM sweeps")" ]

"$AXON" sweep "${args[@]}" --emit-slurm slurm --shards 3 --jobs 2 --db merged-by-slurm.db
bash -n slurm/sweep.sbatch
[ -d slurm/logs ]   # slurmstepd opens --output before the script runs
bash -n slurm/merge.sh
grep -q '^#SBATCH --array=0-2$' slurm/sweep.sbatch
grep -q '^#SBATCH --cpus-per-task=2$' slurm/sweep.sbatch
[ "$(tail -n +2 slurm/plan.tsv | wc -l)" = 48 ]
for s in 0 1 2; do
  [ "$(awk -F'\t' -v s=$s 'NR > 1 && $2 == s' slurm/plan.tsv | wc -l)" = 16 ]
done
tail -n +2 slurm/plan.tsv | cut -f3 | sort > plan.txt
cmp plan.txt whole.txt
for t in 0 1 2; do SLURM_ARRAY_TASK_ID=$t AXON="$AXON" bash slurm/sweep.sbatch & done
wait
AXON="$AXON" bash slurm/merge.sh > /dev/null
q merged-by-slurm.db "SELECT config_hash FROM runs ORDER BY 1" > slurm.txt
cmp slurm.txt whole.txt
echo "shard/merge/slurm ok"
