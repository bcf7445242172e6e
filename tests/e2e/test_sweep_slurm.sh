#!/usr/bin/env bash
# axon sweep --emit-slurm on a real Slurm: the test starts a private
# single-node cluster (Debian's slurm-wlm: slurmctld + slurmd, and munged for
# authentication) entirely inside its temporary directory — its own
# slurm.conf found through SLURM_CONF, its own munge key and socket, state,
# spool, pid and log files there, ports picked free at random — submits the
# emitted sweep.sbatch with sbatch (a 3-task job array on the shipped
# PP-OCRv4 trace), waits for the array (bounded), runs the emitted merge.sh,
# and checks that the merged database holds exactly the points of the
# unsharded sweep: the same config hashes, no duplicates, the same cycles and
# energies, one sweep `done`, integrity_check ok. The daemons are killed by
# the exit trap whatever happens; nothing outside the temporary directory is
# written (no /etc/slurm, no /etc/munge, no system service).
# Skipped (77) only when slurm-wlm/munge are not installed (bash mk/deps.sh)
# or the test does not run as root (its daemons run as root: SlurmUser=root,
# SlurmdUser=root; running them as another user was not tried).
set -euo pipefail
: "${AXON:?}" "${AXON_ROOT:?}"
T="$AXON_ROOT/traces/ppocr"
W="$T/ppocr-rec.weights.safetensors"
TR="$T/ppocr-rec.trace.safetensors"
[ -f "$W" ] && [ -f "$TR" ] || { echo "traces/ppocr not present"; exit 77; }
for c in munged munge slurmctld slurmd sbatch squeue sinfo scontrol scancel; do
  command -v "$c" >/dev/null || { echo "$c not installed (slurm-wlm, munge: bash mk/deps.sh)"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "not root: this test runs slurmctld/slurmd as root (SlurmUser=root)"; exit 77; }

work=$(mktemp -d)
# munged refuses a socket in a directory that is not searchable by all
chmod 755 "$work"
pids=()
jobid=
cleanup() {
  set +e
  if [ -n "$jobid" ]; then timeout 10 scancel "$jobid" >/dev/null 2>&1; fi
  # slurmd, slurmctld, munged (reverse start order): TERM, then KILL after 10 s
  local i p
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    p=${pids[i]}
    kill -TERM "$p" 2>/dev/null || continue
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$work"
logs() { for f in "$work"/log/*; do echo "== $f"; grep -v pmix "$f" | tail -n 15; done; }
die() { echo "FAIL: $*"; logs; exit 1; }

# a free TCP port on 127.0.0.1 (connect refused), with the next one free too
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$((p + 1))") 2>/dev/null && continue
    echo "$p"; return 0
  done
  return 1
}

# --- munge: own key and socket -------------------------------------------
mkdir -m 700 munge
mkdir -m 755 run
mkdir log state spool
head -c 1024 /dev/urandom > munge/munge.key
chmod 400 munge/munge.key
sock="$work/run/munge.sock"
munged -F --socket="$sock" --key-file="$work/munge/munge.key" --pid-file="$work/run/munged.pid" \
  --log-file="$work/log/munged.log" --seed-file="$work/munge/seed" > log/munged.out 2>&1 &
pids+=($!)
ok=0
for _ in $(seq 100); do
  if [ -S "$sock" ] && munge -S "$sock" -n 2>/dev/null | unmunge -S "$sock" >/dev/null 2>&1; then ok=1; break; fi
  kill -0 "${pids[0]}" 2>/dev/null || break
  sleep 0.1
done
[ $ok = 1 ] || die "munged did not answer on its socket"

# --- slurm.conf: one node, one partition, no cgroups ---------------------
port=$(free_port) || die "no free TCP port found"
export SLURM_CONF="$work/slurm.conf"
cat > "$SLURM_CONF" <<EOF
ClusterName=axontest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MessageTimeout=5
MinJobAge=600
SlurmdParameters=config_overrides
NodeName=axon0 NodeHostname=$(hostname) NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=axon Nodes=axon0 Default=YES MaxTime=10 State=UP
EOF
unset SLURM_JOB_ID SLURM_JOBID SLURM_ARRAY_TASK_ID SLURM_ARRAY_JOB_ID
slurmctld -D -i > log/slurmctld.out 2>&1 &
pids+=($!)
slurmd -D -N axon0 > log/slurmd.out 2>&1 &
pids+=($!)
state=
for _ in $(seq 60); do
  state=$(timeout 10 sinfo -h -n axon0 -o %t 2>/dev/null || true)
  [ "$state" = idle ] && break
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || die "a daemon exited (pid $p)"; done
  sleep 0.5
done
[ "$state" = idle ] || die "node axon0 not idle after 30 s (state '$state')"

# --- the sweep: emitted, submitted, merged ---------------------------------
args=(--weights "$W" --trace "$TR" --layer model.layers.0.mlp.fc1 --clock 250,1000
      --tile 64x64,128x128 --coding ternary,bitwise-2c --k 2)
"$AXON" sweep "${args[@]}" --emit-slurm em --shards 3 --jobs 1 --db merged.db > emit.out
grep -q '(3 array tasks)' emit.out
[ "$(tail -n +2 em/plan.tsv | wc -l)" = 8 ]
export AXON
jobid=$(timeout 30 sbatch --parsable em/sweep.sbatch) || die "sbatch refused the emitted script"
jobid=${jobid%%;*}
left=x
for _ in $(seq 240); do
  left=$(timeout 10 squeue -h -j "$jobid" -o %i 2>/dev/null) || left=x
  [ -z "$left" ] && break
  sleep 0.5
done
[ -z "$left" ] || die "job array $jobid not finished after 120 s: $left"
timeout 10 scontrol show job "$jobid" > job.txt
[ "$(grep -c 'ArrayTaskId=' job.txt)" = 3 ] || die "expected 3 array tasks: $(cat job.txt)"
[ "$(grep -c 'JobState=COMPLETED' job.txt)" = 3 ] || die "not all tasks completed: $(grep -E 'ArrayTaskId|JobState|ExitCode' job.txt)"
[ "$(grep -c 'ExitCode=0:0' job.txt)" = 3 ] || die "a task exited non-zero: $(grep -E 'ArrayTaskId|ExitCode' job.txt)"
jobid=

q() { "$AXON" query --db "$1" --csv "$2" | tail -n +2; }
for s in 0 1 2; do
  n=$(awk -F'\t' -v s=$s 'NR > 1 && $2 == s' em/plan.tsv | wc -l)
  grep -q "$n points: 0 already stored, $n run now, 0 failed" "em/logs/shard-$s.out" \
    || die "shard $s log: $(cat "em/logs/shard-$s.out")"
  [ "$(q "em/shard-$s.db" "SELECT count(*) FROM runs")" = "$n" ]
  [ "$(q "em/shard-$s.db" "SELECT shard FROM sweeps")" = "$s/3" ]
done
bash em/merge.sh > merge.out
grep -q "merged.db: 8 runs added, 0 duplicates skipped" merge.out
[ "$(q merged.db "PRAGMA integrity_check")" = ok ]
[ "$(q merged.db "SELECT count(*) FROM runs")" = 8 ]
[ "$(q merged.db "SELECT count(DISTINCT config_hash) FROM runs")" = 8 ]
[ "$(q merged.db "SELECT count(*) || ' ' || status FROM sweeps")" = "1 done" ]
[ "$(q merged.db "SELECT count(*) FROM sweep_points")" = 8 ]
[ "$(q merged.db "SELECT count(*) FROM v_runs WHERE evaluator = 'sim' AND exact = 1")" = 8 ]

# the same sweep unsharded, here, without Slurm: the same points and numbers
"$AXON" sweep "${args[@]}" --jobs 1 --db whole.db > /dev/null
cols="config_hash, cycles, energy_pj_per_token, rel_error"
q whole.db "SELECT $cols FROM v_runs ORDER BY 1" > whole.txt
q merged.db "SELECT $cols FROM v_runs ORDER BY 1" > merged.txt
[ "$(wc -l < whole.txt)" = 8 ]
cmp whole.txt merged.txt
tail -n +2 em/plan.tsv | cut -f3 | sort > plan.txt
cut -d, -f1 whole.txt | cmp - plan.txt
[ "$(q whole.db "SELECT spec_hash FROM sweeps")" = "$(q merged.db "SELECT spec_hash FROM sweeps")" ]
echo "slurm job array (3 tasks) + merge ok"
