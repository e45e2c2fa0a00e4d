#!/usr/bin/env bash
# The test command: installs what is missing (as root), builds, then runs every test: the GoogleTest suite
# through ctest (including MPI runs and a real one-node SLURM), then the analysis package's pytest suite, and
# prints one closing line "N passed, M failed". Tests that need ../shared/data skip with a message when it is absent.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/ensure-deps.sh" test analysis slurm || exit 1
"$root/scripts/build.sh" || exit 1
build=${GPIQA_BUILD_DIR:-$root/build}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
log=$(mktemp)
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" "$@" 2>&1 | tee "$log"
ctest_status=${PIPESTATUS[0]}
total=$(grep -oE 'tests failed out of [0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
failed=$(grep -oE '[0-9]+ tests failed out of' "$log" | grep -oE '^[0-9]+' || echo 0)
skipped=$(grep -c '\*\*\*Skipped\|Not Run' "$log" || true)
passed=$((total - failed - skipped))
(cd "$root/analysis" && GPIQA_BINARY="$build/bin/gpiqa" /usr/bin/python3 -m pytest -q tests) 2>&1 | tee "$log"
pytest_status=${PIPESTATUS[0]}
py_passed=$(grep -oE '[0-9]+ passed' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
py_failed=$(grep -oE '[0-9]+ failed' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
py_skipped=$(grep -oE '[0-9]+ skipped' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
rm -f "$log"
echo
echo "$((passed + py_passed)) passed, $((failed + py_failed)) failed, $((skipped + py_skipped)) skipped"
[ "$ctest_status" -eq 0 ] && [ "$pytest_status" -eq 0 ]
