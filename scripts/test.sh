#!/usr/bin/env bash
# The test command: installs what is missing (as root), builds, then runs every test (GoogleTest via ctest,
# then the analysis package's pytest suite). Tests that need ../shared/data skip with a message when it is absent.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/ensure-deps.sh" test analysis slurm
"$root/scripts/build.sh"
build=${GPIQA_BUILD_DIR:-$root/build}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" "$@"
if [ -d "$root/analysis/tests" ]; then
  (cd "$root/analysis" && /usr/bin/python3 -m pytest -q tests)
fi
