"""Reading a gpiqa results file (format "gpiqa-results", version 1) into pandas."""
from __future__ import annotations

import h5py
import numpy as np
import pandas as pd

SUPPORTED_VERSION = 1
REQUIRED_COLUMNS = (
    "task_id", "molecule", "model", "mean", "temperature_K", "seed", "status", "reason", "time_to_failure_ps",
    "simulated_ps", "steps",
)
FAILURE_KINDS = ("collapsed", "exploded", "failed")
# Not observations of the model: still to run, or a start that a geometry or temperature monitor rejected at step 0
# (the same for every model of that start).
NOT_OBSERVED = ("pending", "invalid-start")
STATUSES = ("pending", "stable") + FAILURE_KINDS + ("invalid-start",)


class GpiqaFileError(Exception):
    """A file that is not a readable gpiqa results file; str() is a one-line message naming the file."""


def _text(value) -> str:
    return value.decode() if isinstance(value, (bytes, np.bytes_)) else str(value)


def load(path: str) -> pd.DataFrame:
    """The /tasks table, one row per task in task_id order. Campaign metadata (name, YAML, duration_ps, ...) is in
    df.attrs. Works on a partial file of a running or interrupted campaign (unfinished tasks are 'pending')."""
    try:
        f = h5py.File(path, "r")
    except (OSError, ValueError) as e:
        raise GpiqaFileError(f"{path}: not a readable HDF5 file ({e})") from None
    with f:
        if _text(f.attrs.get("format", "")) != "gpiqa-results":
            raise GpiqaFileError(f"{path}: not a gpiqa results file (format attribute is not 'gpiqa-results')")
        version = int(f.attrs.get("format_version", -1))
        if version != SUPPORTED_VERSION:
            raise GpiqaFileError(f"{path}: results format_version {version} is not supported "
                                 f"(this analysis reads version {SUPPORTED_VERSION})")
        if "tasks" not in f:
            raise GpiqaFileError(f"{path}: has no /tasks group")
        tasks = f["tasks"]
        missing = [c for c in REQUIRED_COLUMNS if c not in tasks]
        if missing:
            raise GpiqaFileError(f"{path}: /tasks is missing columns: {', '.join(missing)}")
        data = {}
        for name in tasks:
            values = tasks[name][()]
            if values.dtype.kind in "SOU":
                values = np.array([_text(v) for v in values], dtype=object)
            data[name] = values
        lengths = {len(v) for v in data.values()}
        if len(lengths) != 1:
            raise GpiqaFileError(f"{path}: /tasks columns differ in length")
        df = pd.DataFrame(data)
        unknown = set(df["status"]) - set(STATUSES)
        if unknown:
            raise GpiqaFileError(f"{path}: unknown status values {sorted(unknown)}")
        df.attrs = {k: (_text(v) if isinstance(v, (bytes, str, np.bytes_)) else v.item() if hasattr(v, "item") else v)
                    for k, v in f.attrs.items()}
        df.attrs["path"] = path
        df.attrs["units"] = {n: _text(tasks[n].attrs["unit"]) for n in tasks if "unit" in tasks[n].attrs}
        if "duration_ps" not in df.attrs:
            df.attrs["duration_ps"] = float(df["simulated_ps"].max()) if len(df) else float("nan")
        df.attrs["has_trajectories"] = "trajectories" in f and len(f["trajectories"]) > 0
    return df


def load_frames(path: str, task_id: int) -> pd.DataFrame | None:
    """Frames of one task (time_ps, temperature_K, potential/kinetic/conserved energy in Hartree), or None."""
    with h5py.File(path, "r") as f:
        group = f.get(f"trajectories/{task_id}")
        if group is None:
            return None
        obs = group["observables"]
        return pd.DataFrame({
            "step": group["particles/all/position/step"][()],
            "time_ps": obs["temperature/time"][()],
            "temperature_K": obs["temperature/value"][()],
            "potential_hartree": obs["potential_energy/value"][()],
            "kinetic_hartree": obs["kinetic_energy/value"][()],
            "conserved_hartree": obs["conserved_energy/value"][()],
        })


def frames_recorded(path: str) -> set[int]:
    """The task ids that have frames under /trajectories."""
    with h5py.File(path, "r") as f:
        group = f.get("trajectories")
        if group is None:
            return set()
        return {int(name) for name in group if name.isdigit() and "particles" in group[name]}
