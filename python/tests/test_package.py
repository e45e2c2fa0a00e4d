"""The one gpiqa package: the compiled extension loaded only when a potential is used, its constants the same as
gpiqa.units, the Python guide's examples running as written, and `pip install` into a fresh virtual environment
building the extension through CMake and installing a package whose calculator agrees with `gpiqa predict`."""
import os
import re
import subprocess
import sys
import time

import pytest
from conftest import BUILD, MODELS, MOLECULES, REPO, predict, read_xyz, write_xyz

gpiqa = pytest.importorskip("gpiqa", reason="SKIPPED: the gpiqa Python module is not built (GPIQA_PYTHON=OFF?)")


def python(code, cwd, env=None, interpreter=sys.executable):
    """Runs `code`; by default with the gpiqa package these tests import (build/python)."""
    if env is None:
        env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(gpiqa.__file__))))
    done = subprocess.run([interpreter, "-c", code], capture_output=True, text=True, cwd=cwd, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_extension_loads_only_when_a_potential_is_used(small_results, tmp_path):
    out = python(f"""
import sys, gpiqa
run = gpiqa.results.open({small_results!r})
gpiqa.report.write(run, {str(tmp_path / 'report')!r})
print("gpiqa._gpiqa" in sys.modules)
gpiqa.Potential
print("gpiqa._gpiqa" in sys.modules)
""", tmp_path)
    assert out.split() == ["False", "True"]


def test_units_are_the_extensions():
    assert gpiqa.units.EV_PER_HARTREE == gpiqa.HARTREE_IN_EV
    assert gpiqa.units.ANGSTROM_PER_BOHR == gpiqa.BOHR_IN_ANGSTROM


def guide_code():
    with open(os.path.join(REPO, "docs", "guide", "python.md")) as f:
        return re.findall(r"```python\n(.*?)```", f.read(), re.S)


def test_python_guide_runs_as_written(small_results, tmp_path):
    """The guide's python blocks in order, in a folder laid out as the repository (results/quickstart.h5 is
    the small campaign's file, which has frames)."""
    blocks = guide_code()
    assert len(blocks) >= 6
    (tmp_path / "results").mkdir()
    os.symlink(small_results, tmp_path / "results" / "quickstart.h5")
    for name in ("models", "molecules"):
        os.symlink(os.path.join(REPO, name), tmp_path / name)
    out = python("\n".join(blocks), tmp_path)
    assert "baseline: reference" in out and "figures" in out and " eV" in out
    assert (tmp_path / "quickstart-report" / "index.html").exists()


def test_pip_install_into_a_fresh_venv(small_results, tmp_path, capsys):
    """pip install --no-build-isolation ./python with Debian's setuptools and no package index: the extension
    is built by the project's CMake (a build directory beside the test build, through ccache), and the installed
    package works from outside the repository: import, results, report, and the calculator's energy equal to
    gpiqa predict's for the committed water model set."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["GPIQA_BUILD_DIR"] = f"{BUILD}-pip"
    start = time.monotonic()
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-build-isolation", "--no-index",
                           os.path.join(REPO, "python")], capture_output=True, text=True, env=env)
    took = time.monotonic() - start
    with capsys.disabled():
        print(f"\n  pip install --no-build-isolation ./python into a fresh venv: {took:.0f} s "
              f"(CMake build directory {BUILD}-pip)")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    elements, positions = read_xyz(os.path.join(MOLECULES, "water.xyz"))
    want = predict(["--models", MODELS["water"]], write_xyz(str(tmp_path / "w.xyz"), elements, [positions]))[0]
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    out = python(f"""
import gpiqa
from ase import Atoms
from gpiqa.ase import GPIQACalculator
print(gpiqa.__file__)
run = gpiqa.results.open({small_results!r})
written = gpiqa.report.write(run, "report")
atoms = Atoms(symbols={elements!r}, positions={positions.tolist()!r})
atoms.calc = GPIQACalculator(models={MODELS['water']!r})
print(repr(atoms.get_potential_energy() / gpiqa.HARTREE_IN_EV), len(run.tasks), written.html)
""", outside, env, interpreter=str(venv / "bin" / "python"))
    location, line = out.splitlines()[0], out.splitlines()[1].split()
    assert location.startswith(str(venv)) and "site-packages" in location
    assert float(line[0]) == pytest.approx(want["energy_hartree"], rel=1e-12, abs=0)
    assert line[1] == "24" and (outside / "report" / "index.html").exists()
    report = subprocess.run([str(venv / "bin" / "gpiqa-report"), small_results, "--out", str(outside / "r2")],
                            capture_output=True, text=True, env=env)
    assert report.returncode == 0, report.stderr
