#!/usr/bin/env bash
# Builds gpiqa's libFuzzer targets (clang, every library instrumented with ASan + UBSan, in build-fuzz/) and
# runs each in turn for SECONDS_PER_TARGET (default 60), then prints per target the executions, the coverage
# (libFuzzer's cov: edges and ft: features) and the speed. Exits 1 when a target found a crash, a hang
# (-timeout), a leak, an out-of-memory or a sanitizer report; its reproducer is kept in build-fuzz/artifacts/
# and belongs, with the fix, in tests/fuzz/regressions/TARGET/ (replayed by ctest in the ordinary build).
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      targets: model_file campaign xyz training_csv checkpoint
# Seeds: the regression corpus, small files of the repository (models/, molecules/, campaigns/,
# tests/fuzz/seeds/), ../shared/data when present (read in place, never copied), and checkpoints written by
# checkpoint_seeds. New inputs the fuzzers find accumulate in build-fuzz/corpus/TARGET between local runs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-60}
shift $(($# > 0 ? 1 : 0))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(model_file campaign xyz training_csv checkpoint)
case "$seconds" in '' | *[!0-9]*) echo "fuzz.sh: SECONDS_PER_TARGET must be a whole number, not '$seconds'" >&2; exit 2 ;; esac

"$root/scripts/ensure-deps.sh" build fuzz
build=${GPIQA_FUZZ_BUILD_DIR:-$root/build-fuzz}
shared=${GPIQA_SHARED_DATA:-$root/../shared/data}
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
# -O1 -g without NDEBUG: Eigen's and gpiqa's assertions stay on, as in the sanitizer preset.
cmake -S "$root" -B "$build" -DGPIQA_FUZZ=ON -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g" "-DCMAKE_C_FLAGS_DEBUG=-O1 -g" \
  -DGPIQA_BUILD_TESTS=OFF -DGPIQA_BUILD_BENCHMARKS=OFF "${launcher[@]}" >/dev/null
build_targets=()
for t in "${targets[@]}"; do build_targets+=(--target "fuzz_$t"); done
start=$SECONDS
cmake --build "$build" -j "$(nproc)" "${build_targets[@]}" --target checkpoint_seeds
echo "fuzz.sh: built ${#targets[@]} targets in $((SECONDS - start)) s"
"$build/bin/checkpoint_seeds" "$build/checkpoint-seeds"

# Seed directories of a target (only those that exist: ../shared/data is absent in a user's clone).
seeds() {
  local dirs=("$root/tests/fuzz/regressions/$1")
  case "$1" in
    model_file) dirs+=("$root/tests/fuzz/seeds/model_file" "$root/models/water" "$root/models/ammonia" "$shared/models") ;;
    campaign) dirs+=("$root/campaigns" "$root/tests/fuzz/seeds/campaign") ;;
    xyz) dirs+=("$root/molecules" "$shared/geometries") ;;
    training_csv) dirs+=("$root/tests/fuzz/seeds/training_csv" "$shared/training") ;;
    checkpoint) dirs+=("$build/checkpoint-seeds" "$root/tests/fuzz/seeds/checkpoint") ;;
  esac
  local d
  for d in "${dirs[@]}"; do [ -d "$d" ] && echo "$d"; done
  return 0
}

# LeakSanitizer ignores only leaks inside HDF5 (tests/fuzz/lsan.supp says which and why).
export LSAN_OPTIONS="suppressions=$root/tests/fuzz/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=print_stacktrace=1
summary=()
failed=()
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t" artifacts="$build/artifacts/$t/" log="$build/logs/$t.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  mapfile -t seed_dirs < <(seeds "$t")
  options=()
  [ -f "$root/tests/fuzz/dictionaries/$t.dict" ] && options+=("-dict=$root/tests/fuzz/dictionaries/$t.dict")
  asan=detect_leaks=1
  if [ "$t" = checkpoint ]; then
    # HDF5 checks its mallocs: a size read from a corrupt file gets NULL and an error, as without ASan. Its
    # global state (freed by H5close after each corrupt file) defeats libFuzzer's per-input leak check.
    asan=allocator_may_return_null=1:detect_leaks=1
    options+=(-detect_leaks=0)
  fi
  echo "fuzz.sh: $t for ${seconds} s (seeds: ${seed_dirs[*]#$root/})"
  status=0
  # -timeout: an input that takes longer is a hang; -rss_limit_mb also bounds any single allocation.
  ASAN_OPTIONS=$asan "$build/bin/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts" "${options[@]}" "$corpus" "${seed_dirs[@]}" >"$log" 2>&1 ||
    status=$?
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -n 1)
  speed=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+).*/\1/p' "$log" | tail -n 1)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$last")
  verdict=ok
  if [ "$status" -ne 0 ]; then
    verdict="FOUND (exit $status)"
    failed+=("$t")
    echo "fuzz.sh: $t found a problem; the end of $log:" >&2
    grep -E 'ERROR|SUMMARY|Test unit written|terminate|runtime error|==[0-9]+==' "$log" | head -n 20 >&2 || true
  fi
  summary+=("$(printf '%-13s %12s %8s %8s %8s %8s  %s' "$t" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" \
    "${corp:-?}" "$verdict")")
done

echo
printf '%-13s %12s %8s %8s %8s %8s  %s\n' target executions exec/s cov ft corpus result
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: ${failed[*]}: reproducers in $build/artifacts/ (rerun one with build-fuzz/bin/fuzz_TARGET FILE);" \
    "fix the bug and add the input to tests/fuzz/regressions/TARGET/" >&2
  exit 1
fi
