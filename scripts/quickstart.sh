#!/usr/bin/env bash
# The main job: installs what is missing (as root), builds the gpiqa binary, runs campaigns/quickstart.yaml on
# both cores with mpirun, prints its summary, writes the report (report/index.html: open it in a browser) when
# Debian's Python analysis packages are installed, and says how to get them otherwise. It needs nothing but this repository: the water and ammonia models it runs are gpiqa's own,
# committed in models/ (trained on the MMFF94 reference by `gpiqa models build`).
# Running it again resumes (or, when finished, just prints the summary).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GPIQA_BUILD_DIR:-$root/build}
# Only the gpiqa target: the tests, benchmarks and Python module are not needed here. A build directory
# configured for the first time leaves them out altogether, so that GoogleTest, Google Benchmark and pybind11
# need not be installed; one configured before (by scripts/test.sh, say) keeps its settings.
configure=()
[ -f "$build/CMakeCache.txt" ] || configure=(-DGPIQA_BUILD_TESTS=OFF -DGPIQA_BUILD_BENCHMARKS=OFF -DGPIQA_PYTHON=OFF)
"$root/scripts/build.sh" --target gpiqa "${configure[@]}"
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
ranks=${GPIQA_RANKS:-2}
results=$root/results/quickstart.h5  # output.file of campaigns/quickstart.yaml
# Paths as typed from the repository root (where README runs this script), else absolute.
here=
[ "$PWD" = "$root" ] || here=$root/
cd "$root"
mpirun --oversubscribe -n "$ranks" "$build/bin/gpiqa" run campaigns/quickstart.yaml
"$build/bin/gpiqa" summary "$results"
report_command="${here}analysis/gpiqa-report ${here}results/quickstart.h5 --out ${here}report"
if /usr/bin/python3 -c 'import h5py, numpy, pandas, scipy, statsmodels, matplotlib' 2>/dev/null; then
  analysis/gpiqa-report results/quickstart.h5 --out report
  echo "results: ${here}results/quickstart.h5; report: ${here}report/index.html (open it in a browser)"
else
  echo "results: ${here}results/quickstart.h5. The report needs Debian's python3-h5py, python3-pandas," \
       "python3-scipy, python3-statsmodels and python3-matplotlib (scripts/ensure-deps.sh analysis installs" \
       "them as root); then: $report_command  (writes ${here}report/index.html)"
fi
