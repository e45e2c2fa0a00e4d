#!/usr/bin/env bash
# The crash storm at benchmark size (tests/cli/crash_storm_test.cpp): a campaign SIGKILLed (its whole session)
# at random moments and inside its write window (between HDF5 calls, and inside HDF5's own writes, torn or
# not), resumed after every kill, checked after every kill (the file opens, no recorded task is lost, every
# recorded row equals the uninterrupted run's; frames hidden by a torn HDF5 write are counted until the next
# run repairs them) and at the end of every campaign (table and frames equal the uninterrupted run's). Prints
# the figures of each seed; evidence of a failure is kept and named. Needs no ../shared.
# Usage: bench/crash_storm.sh [KILLS per seed, default 200] [SEEDS, default 1]   (after building test_crash_storm)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kills=${1:-200}
seeds=${2:-1}
binary=$root/build/bin/test_crash_storm
[ -x "$binary" ] || { echo "build it first: cmake --build build --target test_crash_storm gpiqa"; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
status=0
for seed in $(seq 1 "$seeds"); do
  GPIQA_CRASH_STORM_KILLS=$kills GPIQA_CRASH_STORM_SEED=$((1000 + seed)) "$binary" --gtest_brief=1 \
    > "/tmp/gpiqa-crash-storm-$seed.log" 2>&1 || status=1
  grep -A2 '^crash storm' "/tmp/gpiqa-crash-storm-$seed.log" || true
  grep -E ': task [0-9]+ (is recorded wrongly|was recorded and is gone|has other frames)|does not open|^evidence' \
    "/tmp/gpiqa-crash-storm-$seed.log" | head -20 || true
done
exit $status
