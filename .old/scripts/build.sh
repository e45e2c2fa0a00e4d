#!/usr/bin/env bash
# Installs missing Debian packages (as root; names them otherwise), configures and builds gpiqa into ./build
# (binary: build/bin/gpiqa).
#   scripts/build.sh [--target NAME]... [CMAKE_ARG]...
# --target builds only that target (repeatable; default: everything the build directory is configured for);
# every other argument goes to cmake's configure step (e.g. -DGPIQA_BUILD_TESTS=OFF).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GPIQA_BUILD_DIR:-$root/build}
targets=()
configure=()
while [ $# -gt 0 ]; do
  case "$1" in
    --target)
      [ $# -ge 2 ] || { echo "build.sh: --target needs a target name" >&2; exit 2; }
      targets+=("$2")
      shift 2
      ;;
    --target=*) targets+=("${1#--target=}"); shift ;;
    *) configure+=("$1"); shift ;;
  esac
done
"$root/scripts/ensure-deps.sh" build
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "${configure[@]}" >/dev/null
cmake --build "$build" -j "$(nproc)" ${targets[@]+--target "${targets[@]}"}
