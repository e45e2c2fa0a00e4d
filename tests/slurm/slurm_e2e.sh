#!/usr/bin/env bash
# End to end on a real SLURM: a one-node cluster on localhost (slurmctld + slurmd, auth/none) runs the script
# `gpiqa slurm` prints; the merged results must equal a single mpirun run task for task, also after the
# script is submitted a second time onto the merged file.
# Usage: slurm_e2e.sh GPIQA_BINARY SHARED_DATA_DIR. Exit 77 (skipped) without slurm-wlm, root or the shared data.
set -euo pipefail
gpiqa=$1
shared=$2
command -v slurmctld >/dev/null || { echo "SKIPPED: slurm-wlm is not installed (apt-get install slurm-wlm)"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIPPED: starting slurmctld/slurmd needs root"; exit 77; }
[ -d "$shared/models" ] || { echo "SKIPPED: ../shared/data not found at $shared"; exit 77; }

work=$(mktemp -d /tmp/gpiqa-slurm.XXXXXX)
export SLURM_CONF=$work/slurm.conf
cleanup() {
  [ -f "$work/slurmd.pid" ] && kill "$(cat "$work/slurmd.pid")" 2>/dev/null || true
  [ -f "$work/slurmctld.pid" ] && kill "$(cat "$work/slurmctld.pid")" 2>/dev/null || true
  sleep 1
}
trap cleanup EXIT
mkdir -p "$work/state" "$work/spool"
cpus=$(nproc)
cat > "$SLURM_CONF" <<CONF
ClusterName=gpiqa-e2e
SlurmctldHost=localhost
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/none
CredType=cred/none
ProctrackType=proctrack/linuxproc
SchedulerParameters=bf_interval=1,sched_interval=1
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ReturnToService=2
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
TaskPlugin=task/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=localhost CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
slurmctld -i
slurmd -N localhost
for _ in $(seq 60); do
  sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mixed' && break
  sleep 1
done
sinfo -h -o %T | grep -qE 'idle|mixed' || { echo "slurm did not come up"; tail -20 "$work"/*.log; exit 1; }

cat > "$work/campaign.yaml" <<YAML
name: slurm-e2e
molecules:
  water:   {geometry: $shared/geometries/water.xyz,   models: $shared/models/water-dlfflux}
  ammonia: {geometry: $shared/geometries/ammonia.xyz, models: $shared/models/ammonia-ichor}
models: {file: {mean: file}, MIN: {mean: min}}
temperatures_K: [300, 900]
seeds: 2
md: {timestep_fs: 0.5, duration_ps: 2, thermostat: {type: csvr, tau_fs: 50}}
start: {displace_angstrom: 0.05}
output: {file: out/results.h5, frames_every: 500}
YAML
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
"$gpiqa" slurm "$work/campaign.yaml" --array 3 --time 00:05:00 --ranks-per-task 2 > "$work/submit.sh"
(cd "$work" && bash submit.sh)
for _ in $(seq 240); do
  [ -z "$(squeue -h 2>/dev/null)" ] && break
  sleep 1
done
[ -z "$(squeue -h)" ] || { echo "jobs still queued:"; squeue; exit 1; }
[ -f "$work/out/results.h5" ] || { echo "no merged file"; cat "$work"/out/*.log; tail -30 "$work/slurmctld.log"; exit 1; }
cat "$work/out/results.merge.log"
# Submitted again once the merged file exists (a resubmission, or a second look): every shard finds nothing
# left to do and the merge job merges into the existing file (merge --update) instead of failing on it.
cp "$work/out/results.h5" "$work/first-merge.h5"
(cd "$work" && bash submit.sh)
for _ in $(seq 240); do
  [ -z "$(squeue -h 2>/dev/null)" ] && break
  sleep 1
done
[ -z "$(squeue -h)" ] || { echo "jobs still queued after the resubmission:"; squeue; exit 1; }
grep -q "^merged 3 shards" "$work/out/results.merge.log" ||
  { echo "the resubmission's merge job failed:"; cat "$work/out/results.merge.log"; exit 1; }
mpirun --oversubscribe -n 2 "$gpiqa" run "$work/campaign.yaml" --output "$work/single.h5" 2>/dev/null
/usr/bin/python3 - "$work/out/results.h5" "$work/single.h5" <<'PY'
import sys
import h5py
import numpy as np
a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
skip = {"wall_seconds", "steps_per_second", "rank", "host"}
bad = []
for name in a["tasks"]:
    if name in skip:
        continue
    x, y = a["tasks"][name][()], b["tasks"][name][()]
    same = np.array_equal(x, y, equal_nan=True) if x.dtype.kind == "f" else np.array_equal(x, y)
    if not same:
        bad.append(name)
status = [s.decode() for s in a["tasks"]["status"][()]]
assert "pending" not in status, "pending tasks in the merged file"
assert sorted(a["trajectories"].keys()) == sorted(b["trajectories"].keys()), "trajectories differ"
if bad:
    sys.exit("columns differ between SLURM array + merge and a single run: " + ", ".join(bad))
print(f"slurm end-to-end: {len(status)} tasks identical to a single run")
PY
echo "1 passed, 0 failed"
