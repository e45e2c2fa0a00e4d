#!/usr/bin/env bash
# The main job: installs what is missing (as root), builds, runs campaigns/quickstart.yaml on both cores with
# mpirun and prints its summary. Running it again resumes (or, when finished, just prints the summary).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/build.sh"
if [ ! -d "$root/../shared/data/models" ]; then
  echo "quickstart: the quickstart campaign uses the public FFLUX models in ../shared/data, which is not here;" >&2
  echo "quickstart: gpiqa's own default models (built by 'gpiqa models build') will replace them." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
ranks=${GPIQA_RANKS:-2}
cd "$root"
mpirun --oversubscribe -n "$ranks" build/bin/gpiqa run campaigns/quickstart.yaml
build/bin/gpiqa summary results/quickstart.h5
