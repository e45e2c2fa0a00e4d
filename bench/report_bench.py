#!/usr/bin/python3
"""How the report scales: writes a synthetic results file of a large campaign (default 28,800 tasks: 2 molecules
x 8 models x 4 temperatures x 3 start energies x 150 seeds, the seed-horizon design with more seeds) and times
`analysis/gpiqa-report` on it, then the page's self-test in headless Chromium when it is installed. Prints the
figures: tasks, file size, report wall time, index.html size (and its task table's share), figures, browser time.

    bench/report_bench.py [--tasks-per-cell 150] [--pending 0.0] [--template REAL.h5] [--keep DIR]

The file has the real /tasks schema: every dataset of a real results file (--template, else one made here by a
tiny campaign of gpiqa's built-in molecules with build/bin/gpiqa or $GPIQA_BINARY) with its dtype and its `unit`
and `description` attributes, and the real root attributes; only the rows are made up: failure times drawn from
an exponential hazard that grows with temperature and start energy and differs by model, censored at 1000 ps, so
that every table and figure of the report has something to show. --pending leaves that fraction of the tasks
(the last in task order) pending, as a running campaign's file.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MOLECULES = ["water", "ammonia"]
MODELS = [("as-trained", "file"), ("MIN", "range:0"), ("MF1", "range:1"), ("MF5", "range:5"),
          ("quadratic", "quadratic"), ("bonded+", "bonded+"), ("mmff-bonded", "mmff-bonded"), ("reference", "reference")]
HAZARD_PER_PS = {"as-trained": 2e-4, "MIN": 2e-3, "MF1": 8e-4, "MF5": 1e-4, "quadratic": 3e-4, "bonded+": 1.5e-4,
                 "mmff-bonded": 1e-4, "reference": 2e-5}
TEMPERATURES = [300.0, 500.0, 750.0, 1000.0]
ENERGIES = [20.0, 60.0, 100.0]
DURATION_PS = 1000.0
TEMPLATE_CAMPAIGN = """name: report-bench-template
molecules:
  water:   {builtin: water}
  ammonia: {builtin: ammonia}
models:
  as-trained: {mean: file}
  reference:  {kind: reference}
temperatures_K: [300]
seeds: 1
md: {timestep_fs: 0.5, duration_ps: 0.01}
start: {displace_mode: sphere, energy_above_minimum_kcal_mol: [20, 60]}
output: {file: template.h5, frames_every: 0}
"""


def campaign_yaml(seeds: int) -> str:
    models = "\n".join(f"  {name}: {{kind: reference}}" if mean == "reference" else f'  {name}: {{mean: "{mean}"}}'
                       for name, mean in MODELS)
    return ("name: report-bench\nmolecules:\n" + "".join(f"  {m}: {{builtin: {m}}}\n" for m in MOLECULES)
            + f"models:\n{models}\ntemperatures_K: [{', '.join(f'{t:g}' for t in TEMPERATURES)}]\nseeds: {seeds}\n"
            f"md: {{timestep_fs: 0.5, duration_ps: {DURATION_PS:g}, thermostat: {{type: nhc, tau_fs: 50}}}}\n"
            f"start: {{displace_mode: sphere, energy_above_minimum_kcal_mol: [{', '.join(f'{e:g}' for e in ENERGIES)}]}}\n"
            f"stability: {{bond_stretch_angstrom: 0.5, min_distance_angstrom: 0.5}}\n"
            f"output: {{file: report-bench.h5, frames_every: 0}}\n")


def make_template(scratch: str) -> str:
    gpiqa = os.environ.get("GPIQA_BINARY", os.path.join(ROOT, "build", "bin", "gpiqa"))
    with open(os.path.join(scratch, "template.yaml"), "w") as f:
        f.write(TEMPLATE_CAMPAIGN)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    subprocess.run([gpiqa, "run", os.path.join(scratch, "template.yaml")], check=True, env=env, capture_output=True)
    return os.path.join(scratch, "template.h5")


def rows(seeds: int, rng) -> dict:
    """The synthetic rows: identity columns in the campaign's task order and drawn outcomes."""
    grid = np.array(np.meshgrid(np.arange(len(MOLECULES)), np.arange(len(MODELS)), np.arange(len(TEMPERATURES)),
                                np.arange(len(ENERGIES)), np.arange(1, seeds + 1), indexing="ij")).reshape(5, -1)
    mol, model, temp, energy, seed = grid
    n = len(seed)
    names = np.array([m for m, _ in MODELS])[model]
    temperature = np.array(TEMPERATURES)[temp]
    target = np.array(ENERGIES)[energy]
    rate = (np.array([HAZARD_PER_PS[m] for m in names]) * (temperature / 300.0) ** 2 * (1 + target / 40.0)
            * np.where(mol == 1, 1.5, 1.0))
    ttf = rng.exponential(1.0 / rate)
    failed = ttf < DURATION_PS
    invalid = (target == 100.0) & (rng.random(n) < 0.01)
    status = np.where(invalid, "invalid-start", np.where(failed, np.where(rng.random(n) < 0.6, "collapsed",
                                                                           "exploded"), "stable"))
    done_ps = np.where(status == "stable", DURATION_PS, np.where(invalid, 0.0, np.round(ttf, 4)))
    atoms = np.where(mol == 0, "O1-H2", "N1-H2")
    reason = np.where(status == "stable", "reached the end of the run", np.where(
        status == "collapsed", np.char.add(np.char.add("atoms H2 and H3 are ", np.char.mod("%.3f", rng.uniform(0.3, 0.5, n))),
                                           " A apart (< 0.5 A)"),
        np.where(status == "exploded", np.char.add(np.char.add(np.char.add("bond ", atoms), " stretched to "),
                                                   np.char.add(np.char.mod("%.3f", rng.uniform(1.5, 2.5, n)),
                                                               " A (reference 1.012 A, limit +0.5 A)")),
                 "kinetic temperature (50 fs average) 9000 K exceeds target")))
    gp = names != "reference"
    variance = np.where(gp, np.clip(rng.beta(2, 5, n) + 0.3 * failed, 0, 1), np.nan)
    tte = np.where(gp & (variance > 0.5), done_ps * rng.uniform(0.3, 1.0, n), np.nan)
    return {
        "task_id": np.arange(n), "molecule": np.array(MOLECULES)[mol], "model": names,
        "mean": np.array([m for _, m in MODELS])[model], "temperature_K": temperature, "seed": seed,
        "start_energy_target_kcal_mol": target, "status": status, "reason": reason,
        "time_to_failure_ps": np.where(failed & ~invalid, np.round(ttf, 4), np.nan),
        "failure_step": np.where(failed & ~invalid, np.round(ttf * 2000).astype(np.int64), -1),
        "steps": np.round(done_ps * 2000).astype(np.int64), "simulated_ps": done_ps,
        "start_temperature_K": temperature * rng.uniform(0.7, 1.3, n),
        "start_energy_above_minimum_kcal_mol": target * rng.uniform(0.99, 1.01, n),
        "start_model_energy_above_minimum_kcal_mol": target * rng.uniform(0.5, 1.5, n),
        "start_restoring_fraction": rng.choice([0.5, 0.75, 1.0], n), "start_restoring_fraction_prior":
            np.where(gp, rng.choice([0.0, 0.5, 1.0], n), np.nan),
        "max_posterior_variance": variance, "time_to_extrapolation_ps": tte,
        "extrapolation_fraction": np.where(gp, rng.uniform(0, 0.2, n), 0.0),
        "mean_temperature_K": temperature * rng.uniform(0.95, 1.05, n), "std_temperature_K": temperature * 0.3,
        "wall_seconds": done_ps * 2000 / 20000.0, "steps_per_second": np.full(n, 20000.0),
        "rank": rng.integers(0, 64, n), "host": np.full(n, "node"),
        "label": np.array([f"{MOLECULES[a]}/{b}/{t:g}K/{e:g}kcal/seed{s}" for a, b, t, e, s in
                           zip(mol, names, temperature, target, seed)]),
    }


def write_synthetic(template: str, path: str, seeds: int, pending: float, rng) -> int:
    values = rows(seeds, rng)
    n = len(values["task_id"])
    todo = np.arange(n) >= int(round(n * (1.0 - pending)))
    with h5py.File(template, "r") as src, h5py.File(path, "w") as dst:
        for key, value in src.attrs.items():
            dst.attrs[key] = value
        dst.attrs["campaign_name"] = "report-bench"
        dst.attrs["campaign_yaml"] = campaign_yaml(seeds)
        dst.attrs["duration_ps"] = DURATION_PS
        group = dst.create_group("tasks")
        for name, dataset in src["tasks"].items():
            kind = dataset.dtype
            if name in values:
                column = values[name]
            else:  # a column this bench does not model: the template's first value for every row
                column = np.repeat(dataset[()][:1], n)
            if kind.kind == "S":
                column = np.array([str(v).encode() for v in column])
                kind = np.dtype(f"S{max(kind.itemsize, column.dtype.itemsize)}")
            column = np.asarray(column).astype(kind)
            if todo.any() and name not in ("task_id", "label", "molecule", "model", "mean", "temperature_K", "seed",
                                           "start_energy_target_kcal_mol"):
                column = column.copy()
                blank = {"S": b"pending" if name == "status" else b"", "f": np.nan, "i": -1 if name in (
                    "rank", "failure_step") else 0}[kind.kind]
                column[todo] = blank
            created = group.create_dataset(name, data=column)
            for key, value in dataset.attrs.items():
                created.attrs[key] = value
    return n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks-per-cell", type=int, default=150, help="seeds per cell (150: 28,800 tasks)")
    parser.add_argument("--pending", type=float, default=0.0, help="fraction of tasks left pending")
    parser.add_argument("--template", help="a real results file whose schema and attributes to copy")
    parser.add_argument("--keep", help="write the file and report here (default: a scratch folder, removed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="report-bench-") as scratch:
        folder = args.keep or scratch
        os.makedirs(folder, exist_ok=True)
        template = args.template or make_template(scratch)
        results = os.path.join(folder, "report-bench.h5")
        t0 = time.monotonic()
        n = write_synthetic(template, results, args.tasks_per_cell, args.pending, np.random.default_rng(2024))
        made = time.monotonic() - t0
        out = os.path.join(folder, "report")
        t0 = time.monotonic()
        subprocess.run([sys.executable, os.path.join(ROOT, "analysis", "gpiqa-report"), results, "--out", out],
                       check=True, capture_output=True)
        took = time.monotonic() - t0
        page = os.path.join(out, "index.html")
        text = open(page, encoding="utf-8").read()
        start = text.index('id="gpiqa-tasks">')
        table_bytes = text.index("</script>", start) - start
        figures = text.count('<figure class="gpiqa-figure"')
        print(f"report_bench: {n} tasks ({int(round(n * args.pending))} pending), results file "
              f"{os.path.getsize(results) / 1e6:.1f} MB (written in {made:.1f} s)")
        print(f"report_bench: gpiqa-report {took:.1f} s wall; index.html {os.path.getsize(page) / 1e6:.2f} MB "
              f"(task table {table_bytes / 1e6:.2f} MB, {figures} figures {sum(1 for _ in os.scandir(out)) - 1} "
              f"files beside it)")
        sys.path.insert(0, os.path.join(ROOT, "python"))
        from gpiqa.report import browser
        try:
            t0 = time.monotonic()
            verdict = browser.check(page)
            print(f"report_bench: browser self-test {time.monotonic() - t0:.1f} s: {verdict}")
        except browser.BrowserMissing as e:
            print(f"report_bench: browser self-test skipped ({e})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
