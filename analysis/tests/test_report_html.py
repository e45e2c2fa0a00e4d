"""The report's page, index.html, read as a file: self-contained, every part the chemist looks at, the task table's
data and the commands it offers (which must run), a running campaign's provisional state, and the baseline
message of the command."""
import base64
import json
import os
import re
import shlex
import shutil
import subprocess

import h5py
import numpy as np
import pandas as pd
import pytest
from conftest import GPIQA, MPI_ENV, REPO, run_report, write_results

from gpiqa.report.replay import replay_yaml
from gpiqa.report.task_table import MD_NOT_A_REPLAY, reason_text

TASKS_JSON = re.compile(r'<script type="application/json" id="gpiqa-tasks">(.*?)</script>', re.S)
MANIFEST_JSON = re.compile(r'<script type="application/json" id="gpiqa-manifest">(.*?)</script>', re.S)


def page_json(text, pattern):
    return json.loads(pattern.search(text).group(1).replace("<\\/", "</"))


def test_page_is_self_contained(report_dir):
    text = (report_dir / "index.html").read_text()
    assert text.startswith("<!DOCTYPE html>")
    # nothing fetched: no external script, style, image or link the browser would load
    assert not re.search(r'<(script|img|link|iframe)[^>]+(src|href)="(?!data:)', text)
    assert "http://" not in text and "https://" not in text
    images = re.findall(r'<img alt="[^"]*" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    manifest = page_json(text, MANIFEST_JSON)
    assert len(images) == len(manifest["figures"]) == len(re.findall(r'<figure class="gpiqa-figure"', text))
    for data in images:  # each the PNG written beside it
        assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"
    pngs = {p.read_bytes() for p in report_dir.glob("*.png")}
    assert {base64.b64decode(d) for d in images} == pngs


def test_page_shows_campaign_survival_paired_and_diagnostics(report_dir, report_campaign):
    text = (report_dir / "index.html").read_text()
    manifest = page_json(text, MANIFEST_JSON)
    for key in ("survival-heatmap", "failure-modes", "km-water", "km-ammonia", "start-heatmap-water",
                "start-heatmap-ammonia", "variance-water", "restoring-ammonia"):
        assert key in manifest["figures"], key
    # the hot ammonia starts break: its failure times are drawn, water's (no failure) are not
    assert ("ttf-ammonia" in manifest["figures"]) and ("ttf-water" not in manifest["figures"])
    for section in ("campaign", "outcomes", "reasons", "cost", "survival", "molecule-water", "molecule-ammonia",
                    "paired", "diagnostics", "tasks"):
        assert f'id="{section}"' in text, section
    assert '<b id="baseline-name">reference</b>' in text and "kind: reference variant, the MMFF94 reference" in text
    assert "McNemar p (Holm)" in text and "hazard ratio [95% CI]" in text and "p (Wald, Holm)" in text
    assert "campaign_yaml" not in text and "name: report-test" in text  # the YAML itself, escaped
    assert 'id="progress"' not in text  # finished: nothing provisional


def test_task_table_holds_every_task(report_dir, report_campaign):
    data = page_json((report_dir / "index.html").read_text(), TASKS_JSON)
    with h5py.File(report_campaign, "r") as f:
        t = f["tasks"]
        assert data["n"] == len(t["task_id"])
        assert data["data"]["task_id"] == t["task_id"][()].tolist()
        for key in ("molecule", "model", "status"):
            decoded = [data["values"][key][c] for c in data["data"][key]]
            assert decoded == [v.decode() for v in t[key][()]], key
        reasons = [reason_text(data["values"]["reason"][c], numbers)
                   for c, numbers in zip(data["data"]["reason"], data["data"]["reason_numbers"])]
        assert reasons == [v.decode() for v in t["reason"][()]]
        # the reasons that differ only in a measured number share their text: "bond N1-H3 stretched to # A (...)"
        assert len(data["values"]["reason"]) < len(set(reasons))
        assert data["data"]["seed"] == t["seed"][()].tolist()
        assert data["data"]["temperature_K"] == t["temperature_K"][()].tolist()
        ttf = t["time_to_failure_ps"][()]
        got = np.array([np.nan if v is None else v for v in data["data"]["time_to_failure_ps"]])
        assert np.array_equal(np.isnan(got), np.isnan(ttf))
        assert np.allclose(got[~np.isnan(got)], ttf[~np.isnan(ttf)], atol=5e-5)
    assert data["frames"] == 0  # every task recorded frames: each can be exported
    assert data["replay"]["possible"] and data["md_note"] == MD_NOT_A_REPLAY
    assert data["replay_example"]["yaml"] == replay_yaml(data["replay"], data, 0)


def test_reasons_rebuild_from_kind_and_numbers():
    from gpiqa.report.task_table import _reasons
    reasons = pd.Series(["bond O1-H2 stretched to 1.534 A (reference 0.958 A, limit +0.5 A)",
                         "bond O1-H2 stretched to 1.601 A (reference 0.958 A, limit +0.5 A)",
                         "reached the end of the run", "", "odd # reason 3"])
    kinds, codes, numbers = _reasons(reasons)
    assert len(kinds) == 4 and codes[0] == codes[1]
    assert [reason_text(kinds[c], n) for c, n in zip(codes, numbers)] == list(reasons)


def test_export_command_of_a_row_runs(report_dir, report_campaign, tmp_path):
    data = page_json((report_dir / "index.html").read_text(), TASKS_JSON)
    statuses = [data["values"]["status"][c] for c in data["data"]["status"]]
    row = statuses.index("exploded")
    task = data["data"]["task_id"][row]
    words = shlex.split(data["export"].replace("{id}", str(task)))
    assert words[:2] == ["gpiqa", "export"]
    done = subprocess.run([GPIQA, *words[1:]], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    ase_io = pytest.importorskip("ase.io", reason="SKIPPED: python3-ase not installed")
    frames = ase_io.read(str(tmp_path / f"task{task}.extxyz"), ":")
    with h5py.File(report_campaign, "r") as f:
        positions = f[f"trajectories/{task}/particles/all/position/value"][()]
    assert len(frames) == len(positions)
    assert np.allclose(frames[-1].get_positions(), positions[-1], atol=1e-9)


# What a run records about itself rather than about the trajectory.
NOT_RESULTS = {"task_id", "label", "wall_seconds", "steps_per_second", "rank", "host"}


def test_replay_campaign_of_a_row_reproduces_the_task_bit_for_bit(report_dir, report_campaign, tmp_path):
    """The page's replay of a failed and of a survived task: every outcome column and every frame identical."""
    data = page_json((report_dir / "index.html").read_text(), TASKS_JSON)
    statuses = [data["values"]["status"][c] for c in data["data"]["status"]]
    for row in (statuses.index("exploded"), statuses.index("stable")):
        task = data["data"]["task_id"][row]
        text = replay_yaml(data["replay"], data, row)
        (tmp_path / f"replay-task{task}.yaml").write_text(text)
        for command in (data["replay"]["run"], data["replay"]["export"]):
            words = shlex.split(command.replace("{id}", str(task)))
            done = subprocess.run([GPIQA, *words[1:]], cwd=tmp_path, capture_output=True, text=True, env=MPI_ENV)
            assert done.returncode == 0, text + done.stderr
        with h5py.File(report_campaign, "r") as a, h5py.File(tmp_path / f"replay-task{task}.h5", "r") as b:
            assert len(b["tasks/task_id"]) == 1
            for name in a["tasks"]:
                if name not in NOT_RESULTS:
                    x, y = a["tasks"][name][task], b["tasks"][name][0]
                    assert x == y or (np.isnan(x) and np.isnan(y)), (task, name, x, y)
            for series in ("particles/all/position", "particles/all/velocity", "observables/potential_energy"):
                original = a[f"trajectories/{task}/{series}/value"][()]
                assert np.array_equal(b[f"trajectories/0/{series}/value"][()], original), (task, series)
        assert (tmp_path / f"task{task}.extxyz").exists()


def replays_bit_for_bit(results, data, row, folder):
    """Runs row `row`'s replay campaign (data: the page's task table) in `folder`; the outcome columns that differ
    from the original task's."""
    task = data["data"]["task_id"][row]
    (folder / f"replay-task{task}.yaml").write_text(replay_yaml(data["replay"], data, row))
    done = subprocess.run([GPIQA, "run", f"replay-task{task}.yaml"], cwd=folder, capture_output=True, text=True,
                          env=MPI_ENV)
    assert done.returncode == 0, done.stderr
    with h5py.File(results, "r") as a, h5py.File(folder / f"replay-task{task}.h5", "r") as b:
        return [name for name in a["tasks"] if name not in NOT_RESULTS and not (
            a["tasks"][name][task] == b["tasks"][name][0]
            or (a["tasks"][name].dtype.kind == "f" and np.isnan(a["tasks"][name][task]) and np.isnan(b["tasks"][name][0])))]


def test_replay_of_a_start_energy_sweep_keeps_the_tasks_energy(tmp_path):
    """A sweep of start energies: the replay campaign has the task's own energy (one value, not the list), and its
    seed's direction scaled to it: the same task."""
    (tmp_path / "c.yaml").write_text("""name: sweep
molecules: {water: {builtin: water}}
models: {as-trained: {mean: file}, mmff: {kind: reference}}
temperatures_K: [500]
seeds: 2
md: {timestep_fs: 0.5, duration_ps: 0.2}
start: {energy_above_minimum_kcal_mol: [10, 40], displace_mode: sphere}
output: {file: r.h5}
""")
    done = subprocess.run([GPIQA, "run", "c.yaml"], cwd=tmp_path, capture_output=True, text=True, env=MPI_ENV)
    assert done.returncode == 0, done.stderr
    assert run_report(tmp_path / "r.h5", "--out", tmp_path / "out").returncode == 0
    data = page_json((tmp_path / "out" / "index.html").read_text(), TASKS_JSON)
    starts = [data["values"]["start"][c] for c in data["data"]["start"]]
    row = starts.index("40 kcal/mol")
    assert '"energy_above_minimum_kcal_mol": 40.0' in replay_yaml(data["replay"], data, row)
    (tmp_path / "replay").mkdir()
    assert replays_bit_for_bit(tmp_path / "r.h5", data, row, tmp_path / "replay") == []


def test_no_replay_offered_for_starts_from_frames(tmp_path):
    yaml_text = "name: x\nmolecules: {m: {builtin: water}}\nmodels: {a: {mean: file}}\ntemperatures_K: [300]\n" \
                "seeds: 2\nstart: {frames: starts.xyz}\n"
    path = write_results(str(tmp_path / "r.h5"), [{}], attrs={"campaign_yaml": yaml_text})
    assert run_report(path, "--out", tmp_path / "out").returncode == 0
    data = page_json((tmp_path / "out" / "index.html").read_text(), TASKS_JSON)
    assert not data["replay"]["possible"] and "start.frames" in data["replay"]["why"]
    assert "replay_example" not in data


def test_a_gpiqa_md_run_with_a_tasks_settings_is_not_that_task(report_campaign, tmp_path):
    """Why no row offers a gpiqa md replay: with the task's potential, temperature, seed, displacement and
    thermostat, gpiqa md starts from other random numbers (its stream lacks the campaign task's key)."""
    with h5py.File(report_campaign, "r") as f:
        t = f["tasks"]
        rows = pd.DataFrame({k: t[k][()] for k in ("model", "molecule", "temperature_K", "seed",
                                                     "start_temperature_K", "start_max_bond_deviation_angstrom")})
    row = rows[(rows["model"] == b"reference") & (rows["molecule"] == b"water")].iloc[0]
    done = subprocess.run([GPIQA, "md", "--reference", os.path.join(REPO, "molecules", "water.mol"),
                           "--xyz", os.path.join(REPO, "molecules", "water.xyz"),
                           "--temperature", str(row["temperature_K"]), "--duration-ps", "0.005", "--seed",
                           str(row["seed"]), "--displace", "0.15", "--thermostat", "nhc", "--tau-fs", "50",
                           "--bond-stretch-angstrom", "0.5", "--min-distance-angstrom", "0.5"],
                          capture_output=True, text=True, env=MPI_ENV)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout.strip().splitlines()[-1])
    # the same kind of start (a displaced water at that temperature), not the same start
    assert record["start_temperature_K"] != pytest.approx(row["start_temperature_K"], rel=1e-9)
    assert record["start_max_bond_deviation_angstrom"] != pytest.approx(row["start_max_bond_deviation_angstrom"],
                                                                       rel=1e-9)


def pending_copy(source, target, keep):
    """A copy of a results file as a running campaign leaves it: tasks after the first `keep` pending (their
    outcome columns at their initial values, no frames)."""
    shutil.copy(source, target)
    with h5py.File(target, "r+") as f:
        t = f["tasks"]
        n = len(t["task_id"])
        todo = np.arange(n) >= keep
        for name in t:
            values = t[name][()]
            if name == "status":
                values[todo] = b"pending"
            elif name in ("reason", "host"):
                values[todo] = b""
            elif name in ("simulated_ps", "steps", "wall_seconds", "steps_per_second", "max_force",
                          "max_bond_deviation_angstrom", "extrapolation_fraction"):
                values[todo] = 0
            elif name in ("rank", "failure_step"):
                values[todo] = -1
            elif values.dtype.kind == "f" and name not in ("temperature_K", "start_energy_target_kcal_mol"):
                values[todo] = np.nan
            else:
                continue
            t[name][...] = values
        for task in range(keep, n):
            if f"trajectories/{task}" in f:
                del f[f"trajectories/{task}"]
    return target


def test_running_campaign_says_how_far_and_what_is_provisional(report_campaign, tmp_path):
    partial = pending_copy(report_campaign, tmp_path / "partial.h5", keep=30)
    done = run_report(partial, "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "out" / "index.html").read_text()
    banner = re.search(r'<div class="banner provisional" id="progress">(.*?)</div>', text, re.S).group(1)
    assert "30 of 48 tasks finished (62.5%), 18 pending" in banner and "provisional" in banner
    data = page_json(text, TASKS_JSON)
    codes = data["frames"]
    assert [data["no_frames"][c] if c else None for c in codes[29:31]] == [None, "no frames yet: the task has not "
                                                                                  "run"]
    survival = pd.read_csv(tmp_path / "out" / "survival.csv")
    assert survival["pending"].sum() == 18 and survival["runs"].sum() == 30


def test_campaign_without_frames_says_so_in_every_row(tmp_path):
    path = write_results(str(tmp_path / "r.h5"), [{"status": "stable"}, {"status": "exploded",
                                                                        "time_to_failure_ps": 1.0}])
    assert run_report(path, "--out", tmp_path / "out").returncode == 0
    data = page_json((tmp_path / "out" / "index.html").read_text(), TASKS_JSON)
    assert data["no_frames"][data["frames"]] == "no frames: the campaign recorded none (output.frames_every: 0)"


def test_named_baseline_gets_paired_statistics_without_the_no_baseline_message(tmp_path):
    rows = [{"model": m, "seed": s, "status": "exploded" if (m == "MIN" and s < 4) else "stable",
             "time_to_failure_ps": 2.0 if (m == "MIN" and s < 4) else np.nan} for m in ("as-trained", "MIN")
            for s in range(1, 7)]
    path = write_results(str(tmp_path / "r.h5"), rows)
    named = run_report(path, "--out", tmp_path / "named", "--baseline", "as-trained")
    assert named.returncode == 0, named.stderr
    assert "no paired statistics" not in named.stdout
    mcnemar = pd.read_csv(tmp_path / "named" / "mcnemar.csv")
    assert list(mcnemar["model"]) == ["MIN"] and mcnemar["c_only_model_failed"].iloc[0] == 3
    assert '<b id="baseline-name">as-trained</b> (named with --baseline)' in (
        tmp_path / "named" / "index.html").read_text()
    plain = run_report(path, "--out", tmp_path / "plain")
    assert plain.returncode == 0 and "no paired statistics (give --baseline MODEL)" in plain.stdout
    assert not (tmp_path / "plain" / "mcnemar.csv").exists()
    assert "No paired statistics" in (tmp_path / "plain" / "index.html").read_text()


def test_compare_adds_the_agreement_table(report_campaign, tmp_path):
    done = run_report(report_campaign, "--out", tmp_path / "out", "--compare", report_campaign)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "out" / "index.html").read_text()
    section = re.search(r'<section id="agreement">(.*?)</section>', text, re.S).group(1)
    agreement = pd.read_csv(tmp_path / "out" / "agreement.csv")
    assert len(agreement) == 6  # (water, ammonia, all) x (as-trained, MIN) against the reference
    assert all(v.startswith("agree") for v in agreement["mcnemar_agreement"])  # a run agrees with itself
    assert section.count("<tr>") == len(agreement) + 1
