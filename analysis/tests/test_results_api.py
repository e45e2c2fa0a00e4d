"""gpiqa.results: the task table with categoricals and units in its column names, one task's frames as ASE Atoms
(equal to what `gpiqa export` writes for ASE) and as an MDAnalysis Universe (equal to the file), the report's
tables; and the package's promise that analysis needs no compiled code."""
import os
import subprocess
import sys
import warnings

import h5py
import numpy as np
import pandas as pd
import pytest
from conftest import ANALYSIS, GPIQA, REPO, write_results

import gpiqa
from gpiqa.analysis import km_table, load, pooled_table
from gpiqa.results import GpiqaFileError, column_name


@pytest.mark.parametrize("name,unit,expected", [
    ("time_to_failure_ps", "ps", "time_to_failure_ps"),
    ("temperature_K", "K", "temperature_K"),
    ("start_energy_above_minimum_kcal_mol", "kcal/mol", "start_energy_above_minimum_kcal_mol"),
    ("wall_seconds", "s", "wall_seconds"),
    ("steps_per_second", "1/s", "steps_per_second"),
    ("energy_floor_hartree_absolute", "hartree", "energy_floor_hartree_absolute"),
    ("max_force", "hartree/bohr", "max_force_hartree_per_bohr"),
    ("conserved_drift", "hartree/ps/atom", "conserved_drift_hartree_per_ps_per_atom"),
    ("barrier", "kcal/mol", "barrier_kcal_mol"),
    ("seed", "", "seed"),
])
def test_column_names_say_their_unit(name, unit, expected):
    assert column_name(name, unit) == expected


def test_tasks_table_of_a_real_campaign(report_campaign):
    run = gpiqa.results.open(report_campaign)
    tasks = run.tasks
    with h5py.File(report_campaign, "r") as f:
        t = f["tasks"]
        assert len(tasks) == len(t["task_id"])
        for column in ("molecule", "model", "status"):
            assert isinstance(tasks[column].dtype, pd.CategoricalDtype), column
            assert list(tasks[column].astype(str)) == [v.decode() for v in t[column][()]]
        assert list(tasks["molecule"].cat.categories) == ["water", "ammonia"]
        assert list(tasks["model"].cat.categories) == ["as-trained", "MIN", "reference"]
        assert list(tasks["status"].cat.categories)[:3] == ["pending", "stable", "collapsed"]
        # renamed where the unit attribute says what the name does not, the values untouched
        assert run.renamed == {"max_force": "max_force_hartree_per_bohr",
                               "conserved_drift": "conserved_drift_hartree_per_ps_per_atom"}
        assert np.array_equal(tasks["max_force_hartree_per_bohr"], t["max_force"][()])
        assert run.units["max_force_hartree_per_bohr"] == "hartree/bohr" and run.units["temperature_K"] == "K"
        for name, unit in run.units.items():  # every column with a unit now says it
            assert column_name(name, unit) == name
    assert run.pending == 0 and run.duration_ps == 2.0 and "name: report-test" in run.campaign_yaml
    assert "report-test" in repr(run)


def test_statistics_are_the_reports(report_campaign):
    run = gpiqa.results.open(report_campaign)
    df = load(report_campaign)
    pd.testing.assert_frame_equal(run.survival(), km_table(df))
    paired = run.paired()
    assert paired.baseline == "reference"
    pd.testing.assert_frame_equal(paired.pooled, pooled_table(df, "reference"))
    assert set(paired.mcnemar["model"]) == {"as-trained", "MIN"}
    assert run.paired(baseline="MIN").baseline == "MIN"
    with pytest.raises(GpiqaFileError, match="has no model 'nope'"):
        run.paired(baseline="nope")


def test_paired_without_a_reference_names_the_models(tmp_path):
    run = gpiqa.results.open(write_results(str(tmp_path / "r.h5"), [{"model": "a"}, {"model": "b"}]))
    with pytest.raises(GpiqaFileError, match=r"paired\(baseline=...\) \(models: a, b\)"):
        run.paired()


@pytest.fixture(scope="module")
def failed_task(report_campaign):
    tasks = gpiqa.results.open(report_campaign).tasks
    return int(tasks.loc[tasks["status"] == "exploded", "task_id"].iloc[0])


def test_frames_as_ase_equal_gpiqa_export(report_campaign, failed_task, tmp_path):
    ase_io = pytest.importorskip("ase.io", reason="SKIPPED: python3-ase not installed")
    run = gpiqa.results.open(report_campaign)
    frames = run.frames(failed_task)
    out = tmp_path / "t.extxyz"
    done = subprocess.run([GPIQA, "export", report_campaign, "--task", str(failed_task), "--out", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    exported = ase_io.read(str(out), ":")
    assert len(frames) == len(exported) > 1
    for mine, theirs in zip(frames, exported):
        assert mine.get_chemical_symbols() == theirs.get_chemical_symbols()
        assert np.allclose(mine.get_positions(), theirs.get_positions(), atol=1e-9)  # 10 decimals in the file
        assert np.allclose(mine.get_forces(), theirs.get_forces(), atol=1e-9)
        assert mine.get_potential_energy() == pytest.approx(theirs.get_potential_energy(), rel=1e-14)
        assert np.allclose(mine.get_velocities(), theirs.get_velocities(), rtol=1e-6, atol=1e-9)
        assert mine.info["time_ps"] == pytest.approx(theirs.info["time"]) and mine.info["step"] == theirs.info["step"]
    row = run.tasks.set_index("task_id").loc[failed_task]
    assert frames[-1].info["time_ps"] <= row["time_to_failure_ps"] + 1e-12


def test_frames_as_mdanalysis_are_the_files(report_campaign, failed_task):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        pytest.importorskip("MDAnalysis", reason="SKIPPED: python3-mdanalysis not installed")
    universe = gpiqa.results.open(report_campaign).frames(failed_task, as_="mdanalysis")
    with h5py.File(report_campaign, "r") as f:
        p = f[f"trajectories/{failed_task}/particles/all"]
        positions, times = p["position/value"][()], p["position/time"][()]
        forces, elements = p["force/value"][()], p.attrs["elements"].split(",")
    assert list(universe.atoms.elements) == elements and len(universe.trajectory) == len(positions)
    for ts, want, t, force in zip(universe.trajectory, positions, times, forces):
        assert np.allclose(ts.positions, want, rtol=1e-6, atol=1e-5)  # float32, Angstrom
        assert ts.time == pytest.approx(t, abs=1e-9)
        assert np.allclose(ts.forces, force, rtol=1e-6, atol=1e-4)  # kJ/(mol Angstrom), MDAnalysis's unit


def test_task_without_frames_gives_one_clear_error(tmp_path):
    run = gpiqa.results.open(write_results(str(tmp_path / "r.h5"), [{"status": "pending"}, {}]))
    with pytest.raises(GpiqaFileError, match="task 0 .* has no frames: it has not run yet"):
        run.frames(0)
    with pytest.raises(GpiqaFileError, match="output.frames_every > 0"):
        run.frames(1)
    with pytest.raises(GpiqaFileError, match="has no task 7"):
        run.frames(7)
    with pytest.raises(ValueError, match="as_='vmd'"):
        run.frames(1, as_="vmd")


def run_python(code, cwd, path=None):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if path:
        env["PYTHONPATH"] = path
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env)


def test_analysis_imports_without_the_compiled_extension(report_campaign, tmp_path):
    """The source package has no _gpiqa beside it: results, analysis and report work, the potentials say how to get
    the extension."""
    code = f"""
import sys, gpiqa
run = gpiqa.results.open({report_campaign!r})
gpiqa.report.write(run, {str(tmp_path / 'out')!r})
assert "gpiqa._gpiqa" not in sys.modules
try:
    gpiqa.Potential
except ImportError as e:
    print(e)
"""
    done = run_python(code, tmp_path, os.path.join(REPO, "python"))
    assert done.returncode == 0, done.stderr
    assert "gpiqa's compiled extension (_gpiqa) is missing: install the package with pip" in done.stdout
    assert (tmp_path / "out" / "index.html").exists()


def test_old_name_gpiqa_analysis_keeps_working(report_campaign):
    code = f"""
import gpiqa_analysis
from gpiqa_analysis.paired import cox_table
from gpiqa_analysis.plots import km_figure
import gpiqa_analysis.survival, gpiqa.analysis.paired
df = gpiqa_analysis.load({report_campaign!r})
assert cox_table is gpiqa.analysis.paired.cox_table
assert gpiqa_analysis.survival.km_table is gpiqa_analysis.km_table
print(len(df))
"""
    done = run_python(code, ANALYSIS)  # as before: analysis/ as the working directory, no PYTHONPATH
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "48"
