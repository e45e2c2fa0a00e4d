#!/usr/bin/env bash
# The sanitizer job: builds the debug preset (AddressSanitizer + LeakSanitizer + UBSan, every UBSan report
# fatal) into build-debug and runs the whole ctest suite under it, then prints one closing line
# "sanitizers: N passed, M failed, K skipped (ctest), built in B s, tested in T s" from ctest's JUnit report.
# Long statistical tests simulate 1/10 of their trajectories there (tests/support/test_data.hpp). Leaks inside
# the MPI library are suppressed for the tests that start MPI, and only those (tests/sanitizers/lsan-mpi.supp).
# Extra arguments go to ctest. Exit status: non-zero when the build or any test fails.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/ensure-deps.sh" test || exit 1
build="$root/build-debug"
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
t0=$(date +%s)
(cd "$root" && cmake --preset debug "${launcher[@]}" >/dev/null) || exit 1
cmake --build "$build" -j "$(nproc)" || exit 1
t1=$(date +%s)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# verify_asan_link_order=0: the crash storm preloads its kill-at-write shim (tests/cli/crash_storm_test.cpp)
# ahead of the ASan runtime; the shim only forwards write calls, which ASan still intercepts.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1:verify_asan_link_order=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --output-junit "$reports/ctest.xml" "$@"
status=$?
t2=$(date +%s)
echo
echo "sanitizers: $(/usr/bin/python3 "$root/scripts/junit_counts.py" ctest "$reports/ctest.xml" "$status")" \
  "(ctest, ASan+UBSan), built in $((t1 - t0)) s, tested in $((t2 - t1)) s"
exit "$status"
