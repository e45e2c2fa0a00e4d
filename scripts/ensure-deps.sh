#!/usr/bin/env bash
# Makes sure the system packages gpiqa needs are present.
#   Debian/Ubuntu as root: installs what is missing with apt-get.
#   Debian/Ubuntu as a user: names exactly what is missing and exits 1.
#   Elsewhere (a cluster with environment modules): does nothing; CMake names what it cannot find.
# Usage: scripts/ensure-deps.sh [build|test|analysis|slurm|format|fuzz]...   (default: build)
set -euo pipefail

build_pkgs=(cmake g++ make pkg-config libopenmpi-dev openmpi-bin libhdf5-dev libeigen3-dev libyaml-cpp-dev
            libcli11-dev libfmt-dev nlohmann-json3-dev librandom123-dev liblbfgspp-dev
            librdkit-dev libboost-dev)
# the Python module (pybind11, built by the test command) and its ASE calculator's tests; pip installing the
# package into a venv (venv, pip, setuptools, wheel); the report page's test in a real browser (chromium)
test_pkgs=(libgtest-dev libgmock-dev libbenchmark-dev hdf5-tools pybind11-dev python3-pybind11 python3-dev
           python3-ase python3-venv python3-pip python3-setuptools python3-wheel chromium)
analysis_pkgs=(python3 python3-numpy python3-h5py python3-pandas python3-matplotlib python3-scipy
               python3-statsmodels python3-pytest python3-mdanalysis python3-ase python3-yaml)
slurm_pkgs=(slurm-wlm)
format_pkgs=(clang-format)
fuzz_pkgs=(clang-14 libclang-rt-14-dev)  # libFuzzer and the sanitizer runtimes (scripts/fuzz.sh)

wanted=()
for part in "${@:-build}"; do
  case "$part" in
    build) wanted+=("${build_pkgs[@]}") ;;
    test) wanted+=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
    analysis) wanted+=("${analysis_pkgs[@]}") ;;
    slurm) wanted+=("${slurm_pkgs[@]}") ;;
    format) wanted+=("${format_pkgs[@]}") ;;
    fuzz) wanted+=("${fuzz_pkgs[@]}") ;;
    *) echo "ensure-deps: unknown part '$part' (build, test, analysis, slurm, format, fuzz)" >&2; exit 2 ;;
  esac
done

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "ensure-deps: not a Debian system; assuming modules provide: ${wanted[*]}" >&2
  exit 0
fi

missing=()
for p in $(printf '%s\n' "${wanted[@]}" | sort -u); do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "ensure-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
  echo "ensure-deps: missing Debian packages: ${missing[*]}" >&2
  echo "ensure-deps: install them with: sudo apt-get install ${missing[*]}  (or load the equivalent modules)" >&2
  exit 1
fi
