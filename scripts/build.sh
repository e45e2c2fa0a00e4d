#!/usr/bin/env bash
# Installs missing Debian packages (as root; names them otherwise), configures and builds gpiqa into ./build (binary: build/bin/gpiqa). Extra arguments go to cmake.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GPIQA_BUILD_DIR:-$root/build}
"$root/scripts/ensure-deps.sh" build
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
