"""A campaign's results file as Python objects: the task table, one task's frames, the report's statistics.

    import gpiqa
    run = gpiqa.results.open("results/quickstart.h5")
    run.tasks                        # pandas DataFrame, one row per task (columns below)
    run.survival()                   # Kaplan-Meier table per molecule x model x temperature
    run.paired()                     # McNemar, Cox and pooled (Holm) tables against the baseline
    run.recorded                     # the task ids with frames (output.frames_every > 0)
    run.frames(12)                   # task 12's recorded frames as ASE Atoms (as_="mdanalysis": a Universe)

`tasks` holds every /tasks dataset as a column, in task_id order, with
  - molecule, model and status as pandas categoricals (molecule and model in the campaign's order, status in
    the order pending, stable, collapsed, exploded, failed, invalid-start);
  - the unit in every column's name: a column whose HDF5 `unit` attribute its name does not already say (as its
    last words, e.g. time_to_failure_ps, or inside it, e.g. energy_floor_hartree_absolute) is renamed with the
    unit appended, '/' read as 'per': max_force -> max_force_hartree_per_bohr, conserved_drift ->
    conserved_drift_hartree_per_ps_per_atom. `renamed` lists what was renamed, `units` every column's unit.
Columns without a unit attribute are counts, labels or dimensionless fractions (seed, steps,
start_restoring_fraction, max_posterior_variance).

Works on the file of a running or interrupted campaign: unfinished tasks have status pending (`pending` counts
them) and the statistics leave them out.
"""
from __future__ import annotations

from collections import namedtuple

import h5py
import numpy as np
import pandas as pd

from . import units as _units
from .analysis.results_file import STATUSES, GpiqaFileError, frames_recorded, load

__all__ = ["open", "Results", "Paired", "GpiqaFileError", "column_name"]

CATEGORICAL = ("molecule", "model", "status")

Paired = namedtuple("Paired", ["baseline", "mcnemar", "cox", "pooled"])
Paired.__doc__ = """The report's paired tables: every model against `baseline`, run by run on the same starts.
mcnemar: McNemar's exact test per (molecule, temperature, start); cox: stratified Cox hazard ratio per
(molecule, temperature); pooled: both pooled over temperatures and starts per molecule, with Holm-adjusted p
values (gpiqa.analysis.paired explains each)."""


def _unit_words(unit: str, per: str) -> str:
    return unit.replace("/", per).replace("1" + per, "per_")


def column_name(name: str, unit: str) -> str:
    """`name` with its unit appended unless the name already says it (see the module docstring)."""
    if not unit:
        return name
    for said in {_unit_words(unit, "_"), _unit_words(unit, "_per_")}:
        if name.endswith("_" + said) or f"_{said}_" in name or (said == "s" and name.endswith("_seconds")):
            return name
    if unit == "1/s" and name.endswith(("_per_second", "_per_s")):
        return name
    suffix = "kcal_mol" if unit == "kcal/mol" else _unit_words(unit, "_per_")
    return f"{name}_{suffix}"


def open(path) -> "Results":  # noqa: A001 (the module's reader, as gzip.open)
    """Reads a gpiqa results file (format "gpiqa-results", version 1); GpiqaFileError naming the file when it
    is not one."""
    return Results(load(str(path)))


class Results:
    """One results file: `tasks` (the table of the module docstring), `attrs` (the campaign's metadata:
    campaign_name, campaign_yaml, duration_ps, software_version, created, ...), `units` (column -> unit) and
    `renamed` (file column -> tasks column). `table` is the same rows with the file's column names and plain
    strings, as the functions of gpiqa.analysis take them."""

    def __init__(self, table: pd.DataFrame):
        self.table = table
        self.path = table.attrs["path"]
        self.attrs = {k: v for k, v in table.attrs.items() if k not in ("path", "units", "has_trajectories")}
        file_units = table.attrs.get("units", {})
        self.renamed = {c: column_name(c, file_units[c]) for c in table.columns
                        if c in file_units and column_name(c, file_units[c]) != c}
        self.units = {self.renamed.get(c, c): u for c, u in file_units.items()}
        tasks = table.rename(columns=self.renamed)
        for column in CATEGORICAL:
            order = STATUSES if column == "status" else list(dict.fromkeys(table[column]))
            tasks[column] = pd.Categorical(table[column], categories=order)
        tasks.attrs = {}
        self.tasks = tasks

    def __repr__(self):
        return (f"<gpiqa.results.Results {self.path!r}: campaign {self.attrs.get('campaign_name', '?')!r}, "
                f"{len(self.tasks)} tasks, {self.pending} pending>")

    @property
    def duration_ps(self) -> float:
        """Simulated time of every run, ps (md.duration_ps)."""
        return float(self.table.attrs["duration_ps"])

    @property
    def campaign_yaml(self) -> str:
        """The campaign's YAML text as the run read it."""
        return str(self.attrs.get("campaign_yaml", ""))

    @property
    def pending(self) -> int:
        """Tasks not finished yet (a running or interrupted campaign)."""
        return int((self.table["status"] == "pending").sum())

    @property
    def recorded(self) -> list[int]:
        """The task ids whose frames the file holds (none unless the campaign's output.frames_every > 0)."""
        return sorted(frames_recorded(self.path))

    # ---- the report's statistics ----
    def survival(self, tau_ps: float | None = None) -> pd.DataFrame:
        """Kaplan-Meier survival at tau_ps (default: the campaign's duration) per molecule x model x temperature,
        with its 95% interval, median time to failure and restricted mean survival time (ps)
        (gpiqa.analysis.survival)."""
        from .analysis.survival import km_table
        return km_table(self.table, tau_ps)

    def logrank(self) -> pd.DataFrame:
        """Log-rank tests between the models of each molecule and temperature."""
        from .analysis.survival import logrank_table
        return logrank_table(self.table)

    def survival_by_start(self) -> pd.DataFrame:
        """Fraction surviving per molecule x model x temperature x start with Wilson 95% intervals."""
        from .analysis.paired import survival_by_start
        return survival_by_start(self.table)

    def baseline(self, baseline: str | None = None) -> str | None:
        """The model paired statistics compare with: `baseline` (checked), else the campaign's reference
        variant, else None."""
        from .analysis.paired import choose_baseline
        return choose_baseline(self.table, baseline)

    def paired(self, baseline: str | None = None) -> Paired:
        """Every model against `baseline` (default: the campaign's reference variant; GpiqaFileError when it has
        none and none is named), as the report's McNemar, Cox and pooled tables."""
        from .analysis.paired import cox_table, mcnemar_table, pooled_table
        chosen = self.baseline(baseline)
        if chosen is None:
            raise GpiqaFileError(f"{self.path}: no reference variant to pair with; name a model: "
                                 f"paired(baseline=...) (models: {', '.join(self.tasks['model'].cat.categories)})")
        return Paired(chosen, mcnemar_table(self.table, chosen), cox_table(self.table, chosen),
                      pooled_table(self.table, chosen))

    def restoring(self) -> pd.DataFrame:
        """The restoring-force probe at the starts beside the outcomes (gpiqa.analysis.restoring)."""
        from .analysis.restoring import restoring_table
        return restoring_table(self.table)

    def agreement(self, other: "Results", baseline: str | None = None) -> pd.DataFrame:
        """Which pooled paired findings this run and `other` (the same campaign, another build or machine) both
        support (gpiqa.analysis.agreement)."""
        from .analysis.agreement import agreement_table
        return agreement_table(self.table, other.table, baseline)

    def report(self, out: str, **options):
        """gpiqa.report.write(self, out, **options): the report folder with index.html."""
        from .report import write
        return write(self, out, **options)

    # ---- one task's frames ----
    def _frames_group(self, f: h5py.File, task) -> h5py.Group:
        task_id = int(task["task_id"] if isinstance(task, (pd.Series, dict)) else task)
        rows = self.table.index[self.table["task_id"] == task_id]
        if len(rows) == 0:
            raise GpiqaFileError(f"{self.path}: has no task {task_id} (task ids {self.table['task_id'].min()} to "
                                 f"{self.table['task_id'].max()})")
        group = f.get(f"trajectories/{task_id}")
        if group is None or "particles/all/position/value" not in group:
            row = self.table.loc[rows[0]]
            why = ("it has not run yet" if row["status"] == "pending" else
                   "the campaign records frames only with output.frames_every > 0")
            raise GpiqaFileError(f"{self.path}: task {task_id} ({row['label']}) has no frames: {why}")
        return group

    def frames(self, task, as_: str = "ase"):
        """The recorded frames of `task` (a task_id, or a row of `tasks`).

        as_="ase": a list of ase.Atoms, one per frame, in ASE's units: positions (Angstrom), velocities
        (Angstrom per ASE time unit), and a SinglePointCalculator with the potential energy (eV) and forces
        (eV/Angstrom); atoms.info holds step, time_ps, temperature_K, kinetic_energy_ev and conserved_energy_ev.
        The same numbers as `gpiqa export FILE --task ID` (extended XYZ) read with ase.io.read.
        as_="mdanalysis": an MDAnalysis Universe with the frames in memory, in MDAnalysis's units (Angstrom, ps,
        Angstrom/ps, kJ/(mol Angstrom)), elements as names and types.
        GpiqaFileError when the task has no frames (pending, or a campaign without output.frames_every)."""
        if as_ not in ("ase", "mdanalysis"):
            raise ValueError(f"as_={as_!r}: use 'ase' or 'mdanalysis'")
        with h5py.File(self.path, "r") as f:
            g = self._frames_group(f, task)
            p = g["particles/all"]
            raw = {"elements": _text(p.attrs["elements"]).split(","), "step": p["position/step"][()],
                   "time_ps": p["position/time"][()], "positions_angstrom": p["position/value"][()],
                   "velocities_angstrom_per_ps": p["velocity/value"][()],
                   "forces_kj_per_mol_angstrom": p["force/value"][()]}
            for name in ("potential_energy", "kinetic_energy", "conserved_energy", "temperature"):
                raw[name] = g[f"observables/{name}/value"][()]
        return _ase_frames(raw) if as_ == "ase" else _mdanalysis_universe(raw)


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _ase_frames(raw: dict) -> list:
    from ase import Atoms
    from ase.calculators.singlepoint import SinglePointCalculator

    frames = []
    ase_per_ps = 1000.0 / _units.FS_PER_ASE_TIME  # ASE time units in a ps
    for i in range(len(raw["step"])):
        atoms = Atoms(symbols=raw["elements"], positions=raw["positions_angstrom"][i])
        atoms.set_velocities(raw["velocities_angstrom_per_ps"][i] / ase_per_ps)
        atoms.calc = SinglePointCalculator(atoms, energy=float(raw["potential_energy"][i]) * _units.EV_PER_HARTREE,
                                           forces=raw["forces_kj_per_mol_angstrom"][i] * _units.EV_PER_KJ_PER_MOL)
        atoms.info.update(step=int(raw["step"][i]), time_ps=float(raw["time_ps"][i]),
                          temperature_K=float(raw["temperature"][i]),
                          kinetic_energy_ev=float(raw["kinetic_energy"][i]) * _units.EV_PER_HARTREE,
                          conserved_energy_ev=float(raw["conserved_energy"][i]) * _units.EV_PER_HARTREE)
        frames.append(atoms)
    return frames


def _mdanalysis_universe(raw: dict):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # MDAnalysis 2.4 imports xdrlib
        import MDAnalysis
        from MDAnalysis.coordinates.memory import MemoryReader
        from MDAnalysis.topology.guessers import guess_masses

    elements = raw["elements"]
    universe = MDAnalysis.Universe.empty(len(elements), trajectory=False)
    for attribute in ("names", "types", "elements"):
        universe.add_TopologyAttr(attribute, elements)
    universe.add_TopologyAttr("masses", guess_masses(elements))
    times = np.asarray(raw["time_ps"], dtype=float)
    dt = float(times[1] - times[0]) if len(times) > 1 else 1.0
    universe.load_new(np.asarray(raw["positions_angstrom"], dtype=np.float32), format=MemoryReader, order="fac",
                      dt=dt, velocities=np.asarray(raw["velocities_angstrom_per_ps"], dtype=np.float32),
                      forces=np.asarray(raw["forces_kj_per_mol_angstrom"], dtype=np.float32))
    universe.trajectory.time_offset = float(times[0]) if len(times) else 0.0
    return universe

