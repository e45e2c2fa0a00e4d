#!/usr/bin/env bash
# Campaign-layer figures, measured side by side in one run (this machine is noisy: compare ratios):
#   1. parallel efficiency at np=2: T(np=1) / (2 T(np=2)) on many short trajectories;
#   2. coordinator overhead per task with np=32 oversubscribed, on near-empty tasks (10 steps each);
#   3. share of wall time spent writing the results file (printed by rank 0).
# Usage: bench/campaign_bench.sh [build/bin/gpiqa]   (needs ../shared/data)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
gpiqa=${1:-$root/build/bin/gpiqa}
shared=$root/../shared/data
[ -d "$shared/models" ] || { echo "needs ../shared/data"; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d /tmp/gpiqa-bench.XXXXXX)
campaign() {  # name duration_ps seeds
  cat > "$work/$1.yaml" <<YAML
name: $1
molecules:
  water:   {geometry: $shared/geometries/water.xyz,   models: $shared/models/water-dlfflux}
  ammonia: {geometry: $shared/geometries/ammonia.xyz, models: $shared/models/ammonia-ichor}
models: {file: {mean: file}, MIN: {mean: min}, quadratic: {mean: quadratic+}}
temperatures_K: [300, 600]
seeds: $3
md: {timestep_fs: 0.5, duration_ps: $2, thermostat: {type: nhc}}
output: {file: $1.h5}
YAML
}
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" > "$work/last.log" 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }

campaign short 8 20        # 240 tasks x 16000 steps
t1=$(seconds mpirun -n 1 "$gpiqa" run "$work/short.yaml" --output "$work/np1.h5")
t2=$(seconds mpirun -n 2 "$gpiqa" run "$work/short.yaml" --output "$work/np2.h5")
write_share=$(grep -o 'writing the results file .*' "$work/last.log")
# the machine's own ceiling: the same work as two independent single-rank shards running side by side
t0=$(date +%s.%N)
mpirun --bind-to none -n 1 "$gpiqa" run "$work/short.yaml" --output "$work/pair.h5" --shard 0/2 >/dev/null 2>&1 &
mpirun --bind-to none -n 1 "$gpiqa" run "$work/short.yaml" --output "$work/pair.h5" --shard 1/2 >/dev/null 2>&1
wait
tpair=$(echo "$(date +%s.%N) - $t0" | bc -l)
printf 'short trajectories (240 tasks x 16000 steps): np=1 %.2f s, np=2 %.2f s -> parallel efficiency %.2f\n' \
  "$t1" "$t2" "$(echo "$t1 / (2 * $t2)" | bc -l)"
printf 'ceiling on this machine (two independent processes side by side): %.2f s -> efficiency %.2f\n' \
  "$tpair" "$(echo "$t1 / (2 * $tpair)" | bc -l)"
echo "np=2 $write_share"

campaign empty 0.005 200   # 2400 tasks x 10 steps
t32=$(seconds mpirun --oversubscribe -n 32 "$gpiqa" run "$work/empty.yaml" --output "$work/np32.h5")
echo "np=32 $(grep -o 'writing the results file .*' "$work/last.log")"
printf 'near-empty tasks (2400 x 10 steps) with np=32 on %d cores: %.2f s, %.2f ms per task (coordinator, messages, file)\n' \
  "$(nproc)" "$t32" "$(echo "1000 * $t32 / 2400" | bc -l)"
rm -rf "$work"
