"""Loading real and bad files, and the report command end to end."""
import os
import subprocess
import sys

import h5py
import pytest
from conftest import ANALYSIS, GPIQA, SHARED, write_results

from gpiqa_analysis import GpiqaFileError, load

REPORT = os.path.join(ANALYSIS, "gpiqa-report")


def run_report(*args):
    return subprocess.run([sys.executable, REPORT, *args], capture_output=True, text=True)


@pytest.mark.parametrize("kind,message", [
    ("text", "not a readable HDF5 file"),
    ("other", "not a gpiqa results file"),
    ("version", "format_version 99 is not supported"),
    ("columns", "missing columns: status"),
])
def test_bad_files_give_one_clear_error(tmp_path, kind, message):
    path = str(tmp_path / "bad.h5")
    if kind == "text":
        open(path, "w").write("not hdf5")
    elif kind == "other":
        with h5py.File(path, "w") as f:
            f.attrs["format"] = "something-else"
    elif kind == "version":
        write_results(path, [{}], version=99)
    else:
        write_results(path, [{}], drop=("status",))
    with pytest.raises(GpiqaFileError, match=message) as e:
        load(path)
    assert path in str(e.value)
    r = run_report(path, "--out", str(tmp_path / "out"))
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and message in r.stderr
    assert not os.path.exists(tmp_path / "out" / "survival.csv")


@pytest.fixture(scope="module")
def campaign_file(tmp_path_factory):
    if not os.path.isdir(os.path.join(SHARED, "models")):
        pytest.skip("SKIPPED: ../shared/data not found")
    if not os.access(GPIQA, os.X_OK):
        pytest.skip(f"SKIPPED: gpiqa binary not built at {GPIQA}")
    d = tmp_path_factory.mktemp("campaign")
    (d / "c.yaml").write_text(f"""name: small
molecules:
  water: {{geometry: {SHARED}/geometries/water.xyz, models: {SHARED}/models/water-dlfflux}}
  ammonia: {{geometry: {SHARED}/geometries/ammonia.xyz, models: {SHARED}/models/ammonia-ichor}}
models: {{as-trained: {{mean: file}}, MIN: {{mean: min}}}}
temperatures_K: [300, 1500]
seeds: 3
md: {{timestep_fs: 0.5, duration_ps: 2, thermostat: {{type: nhc, tau_fs: 50}}}}
start: {{displace_angstrom: 0.15}}
output: {{file: r.h5, frames_every: 20}}
""")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    subprocess.run([GPIQA, "run", str(d / "c.yaml")], check=True, env=env, capture_output=True)
    return str(d / "r.h5")


def test_real_campaign_loads_with_metadata(campaign_file):
    df = load(campaign_file)
    assert len(df) == 24
    assert set(df["status"]) <= {"stable", "collapsed", "exploded", "failed"}
    assert df.attrs["campaign_name"] == "small"
    assert df.attrs["duration_ps"] == 2.0
    assert df.attrs["units"]["time_to_failure_ps"] == "ps"
    assert df.attrs["has_trajectories"]


def test_report_writes_tables_and_plots(campaign_file, tmp_path):
    out = tmp_path / "report"
    r = run_report(campaign_file, "--out", str(out), "--task", "0", "--window-ps", "1")
    assert r.returncode == 0, r.stderr
    import pandas as pd
    table = pd.read_csv(out / "survival.csv")
    assert list(table.columns) == ["molecule", "model", "temperature_K", "runs", "failures", "collapsed", "exploded",
                                   "failed", "censored", "pending", "invalid_start", "km_survival", "km_ci_low",
                                   "km_ci_high",
                                   "median_ttf_ps", "rmst_ps"]
    assert len(table) == 8 and table["runs"].sum() == 24
    assert (out / "logrank.csv").exists() and (out / "survival.md").exists()
    assert not (out / "paired.csv").exists(), "no reference variant, no paired table"
    for png in ("km_water.png", "km_ammonia.png", "survival_heatmap.png", "failure_modes.png", "trace_task0.png"):
        data = (out / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, png


def test_partial_file_reports_pending(tmp_path):
    path = write_results(str(tmp_path / "partial.h5"),
                         [{"status": "stable"}, {"status": "pending", "simulated_ps": 0.0},
                          {"status": "exploded", "time_to_failure_ps": 1.0, "simulated_ps": 1.0}])
    r = run_report(path, "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    import pandas as pd
    row = pd.read_csv(tmp_path / "out" / "survival.csv").iloc[0]
    assert (row["runs"], row["pending"], row["censored"], row["failures"]) == (2, 1, 1, 1)
