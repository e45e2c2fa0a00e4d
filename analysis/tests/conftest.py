import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

ANALYSIS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(ANALYSIS)
# gpiqa_analysis (the compatibility name) from analysis/, the gpiqa package from its source in python/
sys.path[:0] = [ANALYSIS, os.path.join(REPO, "python")]
SHARED = os.path.join(os.path.dirname(REPO), "shared", "data")
GPIQA = os.environ.get("GPIQA_BINARY", os.path.join(REPO, "build", "bin", "gpiqa"))

STRING_COLUMNS = ("label", "molecule", "model", "mean", "status", "reason", "host")


def write_results(path, rows, duration_ps=10.0, fmt="gpiqa-results", version=1, drop=(), attrs=None):
    """A results file in gpiqa's layout from a list of dicts (missing fields get defaults; other numeric fields,
    e.g. start_energy_above_minimum_kcal_mol, become columns, NaN where a row lacks them) and root `attrs`."""
    defaults = {"label": "", "molecule": "m", "model": "a", "mean": "file", "temperature_K": 300.0, "seed": 1,
                "status": "stable", "reason": "", "time_to_failure_ps": np.nan, "failure_step": -1,
                "simulated_ps": duration_ps, "steps": 100, "mean_temperature_K": 300.0, "std_temperature_K": 10.0,
                "conserved_drift": 0.0, "max_bond_deviation_angstrom": 0.1, "min_distance_angstrom": 0.9,
                "max_force": 0.05, "extrapolation_fraction": 0.0, "wall_seconds": 1.0, "steps_per_second": 100.0,
                "rank": 0, "host": "h"}
    extra = list(dict.fromkeys(k for r in rows for k in r if k not in defaults))
    full = [dict(defaults, task_id=i, **dict({k: np.nan for k in extra}, **r)) for i, r in enumerate(rows)]
    with h5py.File(path, "w") as f:
        f.attrs["format"] = fmt
        f.attrs["format_version"] = version
        f.attrs["campaign_name"] = "hand-made"
        f.attrs["duration_ps"] = duration_ps
        for key, value in (attrs or {}).items():
            f.attrs[key] = value
        g = f.create_group("tasks")
        for name in ["task_id"] + list(defaults) + extra:
            if name in drop:
                continue
            values = [r[name] for r in full]
            if name in STRING_COLUMNS:
                g.create_dataset(name, data=np.array([v.encode() for v in values], dtype="S64"))
            else:
                g.create_dataset(name, data=np.array(values))
    return path


@pytest.fixture
def tmp_results(tmp_path):
    return lambda rows, **kw: write_results(str(tmp_path / "r.h5"), rows, **kw)


# A small campaign on gpiqa's built-in models (no ../shared needed) for the report's tests: two molecules, two GP
# variants and the MMFF94 reference, a cool and a hot temperature (the hot displaced starts break some runs),
# frames recorded. About 15 s on two cores; made once per test session.
REPORT_CAMPAIGN = """name: report-test
molecules:
  water:   {builtin: water}
  ammonia: {builtin: ammonia}
models:
  as-trained: {mean: file}
  MIN:        {mean: min}
  reference:  {kind: reference}
temperatures_K: [300, 1500]
seeds: 4
md: {timestep_fs: 0.5, duration_ps: 2, thermostat: {type: nhc, tau_fs: 50}}
start: {displace_angstrom: 0.15}
stability: {bond_stretch_angstrom: 0.5, min_distance_angstrom: 0.5}
output: {file: report-test.h5, frames_every: 40}
"""
MPI_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


@pytest.fixture(scope="session")
def report_campaign(tmp_path_factory):
    """The results file of REPORT_CAMPAIGN."""
    if not os.access(GPIQA, os.X_OK):
        pytest.skip(f"SKIPPED: gpiqa binary not built at {GPIQA}")
    d = tmp_path_factory.mktemp("report-campaign")
    (d / "c.yaml").write_text(REPORT_CAMPAIGN)
    done = subprocess.run([GPIQA, "run", str(d / "c.yaml")], env=MPI_ENV, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return str(d / "report-test.h5")


def run_report(*args, cwd=None):
    """analysis/gpiqa-report ARGS with Debian's interpreter."""
    return subprocess.run([sys.executable, os.path.join(ANALYSIS, "gpiqa-report"), *map(str, args)],
                          capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="session")
def report_dir(report_campaign, tmp_path_factory):
    """The report folder of the report campaign, written by the command."""
    out = tmp_path_factory.mktemp("report") / "report"
    done = run_report(report_campaign, "--out", out)
    assert done.returncode == 0, done.stderr
    return out
