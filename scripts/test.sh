#!/usr/bin/env bash
# The test command: installs what is missing (as root), builds, then runs every test: the GoogleTest suite
# through ctest (including MPI runs and a real one-node SLURM), then the pytest suites of the analysis and
# report (analysis/tests, the report page also in headless Chromium) and of the Python package (python/tests, on
# build/python; one test pip-installs it into a fresh venv, building into BUILD-pip), and prints one closing line
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
/usr/bin/python3 "$root/scripts/junit_counts.py" ctest "$reports/ctest.xml" "$ctest_status" \
  pytest "$reports/pytest.xml" "$pytest_status" pytest "$reports/pytest-python.xml" "$pytest_python_status"
[ "$ctest_status" -eq 0 ] && [ "$pytest_status" -eq 0 ] && [ "$pytest_python_status" -eq 0 ]
