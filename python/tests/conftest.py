"""Shared helpers of the Python module's tests. scripts/test.sh runs them with PYTHONPATH=build/python and
GPIQA_BINARY=build/bin/gpiqa; run by hand from the repository root:
    PYTHONPATH=build/python /usr/bin/python3 -m pytest -q python/tests
"""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

TESTS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(TESTS))
BUILD = os.environ.get("GPIQA_BUILD_DIR", os.path.join(REPO, "build"))
GPIQA = os.environ.get("GPIQA_BINARY", os.path.join(BUILD, "bin", "gpiqa"))
SHARED = os.path.join(os.path.dirname(REPO), "shared", "data")
MODELS = {"water": os.path.join(REPO, "models", "water"), "ammonia": os.path.join(REPO, "models", "ammonia")}
MOLECULES = os.path.join(REPO, "molecules")

# Without PYTHONPATH the package is taken from where the build puts it.
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, os.path.join(BUILD, "python"))


def read_xyz(path):
    """(elements, positions in Angstrom) of the first frame."""
    with open(path) as f:
        lines = f.read().splitlines()
    n = int(lines[0])
    rows = [line.split() for line in lines[2:2 + n]]
    return [r[0] for r in rows], np.array([[float(x) for x in r[1:4]] for r in rows])


def write_xyz(path, elements, frames):
    """Frames (each (N, 3), Angstrom) with every digit, so that gpiqa reads exactly these doubles."""
    with open(path, "w") as f:
        for i, positions in enumerate(frames):
            f.write(f"{len(elements)}\nframe {i}\n")
            for element, row in zip(elements, positions):
                f.write(f"{element} " + " ".join(repr(float(x)) for x in row) + "\n")
    return path


def perturbed(positions, count, scale=0.05, seed=1):
    """The geometry and `count` randomly displaced copies (Angstrom)."""
    rng = np.random.default_rng(seed)
    return [np.array(positions)] + [positions + rng.normal(scale=scale, size=positions.shape) for _ in range(count)]


def predict(args, xyz):
    """`gpiqa predict ARGS --xyz FILE`, one dict per frame."""
    if not os.access(GPIQA, os.X_OK):
        pytest.fail(f"gpiqa binary not found at {GPIQA} (build it, or set GPIQA_BINARY)")
    done = subprocess.run([GPIQA, "predict", *args, "--xyz", xyz], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def shared(relative):
    """A path under ../shared/data, or a visible skip when the data is absent."""
    path = os.path.join(SHARED, relative)
    if not os.path.exists(path):
        pytest.skip(f"SKIPPED: ../shared/data (public FFLUX data) not found at {path}")
    return path


# A small results file with frames, from gpiqa's built-in models (no ../shared needed): water and ammonia, a GP
# variant and the MMFF94 reference, a cool and a hot temperature. A few seconds; made once per test session.
SMALL_CAMPAIGN = """name: python-test
molecules:
  water:   {builtin: water}
  ammonia: {builtin: ammonia}
models:
  as-trained: {mean: file}
  reference:  {kind: reference}
temperatures_K: [300, 1500]
seeds: 3
md: {timestep_fs: 0.5, duration_ps: 0.5, thermostat: {type: nhc, tau_fs: 50}}
start: {displace_angstrom: 0.15}
output: {file: python-test.h5, frames_every: 50}
"""


@pytest.fixture(scope="session")
def small_results(tmp_path_factory):
    """The results file of SMALL_CAMPAIGN."""
    if not os.access(GPIQA, os.X_OK):
        pytest.fail(f"gpiqa binary not found at {GPIQA} (build it, or set GPIQA_BINARY)")
    d = tmp_path_factory.mktemp("small-campaign")
    (d / "c.yaml").write_text(SMALL_CAMPAIGN)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    done = subprocess.run([GPIQA, "run", str(d / "c.yaml")], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return str(d / "python-test.h5")
