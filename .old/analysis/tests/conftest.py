import os
import sys

import h5py
import numpy as np
import pytest

ANALYSIS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ANALYSIS)
REPO = os.path.dirname(ANALYSIS)
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
