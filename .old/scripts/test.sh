#!/usr/bin/env bash
# The test command: installs what is missing (as root), builds, then runs every test: the GoogleTest suite
# through ctest (including MPI runs and a real one-node SLURM), then the pytest suites of the analysis package
# and of the Python module (python/tests, on build/python), and prints one closing line
# "N passed, M failed, K skipped", counted from the runners' JUnit XML reports.
# Tests that need ../shared/data skip with a message when it is absent. Extra arguments go to ctest.
# GPIQA_PYTHON=OFF builds without the Python module (its tests then skip).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/ensure-deps.sh" test analysis slurm || exit 1
# Everything it tests, also in a build directory the quickstart configured without tests and benchmarks.
"$root/scripts/build.sh" -DGPIQA_BUILD_TESTS=ON -DGPIQA_BUILD_BENCHMARKS=ON -DGPIQA_PYTHON="${GPIQA_PYTHON:-ON}" || exit 1
build=${GPIQA_BUILD_DIR:-$root/build}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --output-junit "$reports/ctest.xml" "$@"
ctest_status=$?
(cd "$root/analysis" && GPIQA_BINARY="$build/bin/gpiqa" /usr/bin/python3 -m pytest -q tests --junitxml "$reports/pytest.xml")
pytest_status=$?
# from the root, not python/: there the source package python/gpiqa (without its compiled part) would shadow
# the built one in build/python/gpiqa
(cd "$root" && PYTHONPATH="$build/python" GPIQA_BINARY="$build/bin/gpiqa" GPIQA_BUILD_DIR="$build" \
   /usr/bin/python3 -m pytest -q python/tests --junitxml "$reports/pytest-python.xml")
pytest_python_status=$?
echo
# ctest: status "run" passed, "fail" failed; "notrun" is skipped when a test asked for it (SKIP_RETURN_CODE,
# or GTEST_SKIP through the SKIP_REGULAR_EXPRESSION of gtest_discover_tests) and failed otherwise (a missing
# executable or fixture, as ctest itself counts it); "disabled" is skipped. pytest: a <failure> or <error>
# failed, <skipped> skipped. A runner that failed without writing its report counts as one failure.
/usr/bin/python3 - "$reports/ctest.xml" "$ctest_status" "$reports/pytest.xml" "$pytest_status" \
  "$reports/pytest-python.xml" "$pytest_python_status" <<'PY'
import sys
import xml.etree.ElementTree as ET

def ctest_outcome(case):
    status = case.get("status")
    if status == "run":
        return "passed"
    if status == "disabled":
        return "skipped"
    skipped = case.find("skipped")
    if status == "notrun" and skipped is not None and skipped.get("message", "").startswith("SKIP_"):
        return "skipped"
    return "failed"

def pytest_outcome(case):
    if case.find("failure") is not None or case.find("error") is not None:
        return "failed"
    if case.find("skipped") is not None:
        return "skipped"
    return "passed"

counts = {"passed": 0, "failed": 0, "skipped": 0}
reports = [(sys.argv[1], sys.argv[2], ctest_outcome)]
reports += [(sys.argv[i], sys.argv[i + 1], pytest_outcome) for i in range(3, len(sys.argv), 2)]
for path, status, outcome in reports:
    try:
        cases = ET.parse(path).getroot().iter("testcase")
    except (OSError, ET.ParseError):
        if status != "0":
            counts["failed"] += 1
        continue
    for case in cases:
        counts[outcome(case)] += 1
print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
PY
[ "$ctest_status" -eq 0 ] && [ "$pytest_status" -eq 0 ] && [ "$pytest_python_status" -eq 0 ]
