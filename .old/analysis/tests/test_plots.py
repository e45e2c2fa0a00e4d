"""The report's figures: Kaplan-Meier bands, identical curves kept apart and named, the heat map's read-out time,
survival against start energy."""
import os
import subprocess
import sys

import numpy as np
from conftest import ANALYSIS
from matplotlib.collections import PolyCollection

from gpiqa_analysis import km_table, load
from gpiqa_analysis.paired import survival_by_start
from gpiqa_analysis.plots import IDENTICAL_OFFSET, km_figure, survival_heatmap_figure, survival_vs_start_figure
from gpiqa_analysis.survival import km_curve, survival_data

REPORT = os.path.join(ANALYSIS, "gpiqa-report")


def outcomes(model, times, survivors, temperature=300.0, mean="file"):
    rows = [{"model": model, "mean": mean, "temperature_K": temperature, "seed": i + 1, "status": "collapsed",
             "time_to_failure_ps": t, "simulated_ps": t} for i, t in enumerate(times)]
    return rows + [{"model": model, "mean": mean, "temperature_K": temperature, "seed": len(times) + i + 1,
                    "status": "stable"} for i in range(survivors)]


def test_km_figure_has_confidence_bands_from_greenwood(tmp_results):
    rows = outcomes("A", [1.0, 2.0, 5.0], 5) + outcomes("B", [0.5, 3.0, 4.0, 6.0, 8.0], 3)
    df = load(tmp_results(rows))
    fig = km_figure(df, "m")
    ax = fig.axes[0]
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 2, "one 95% band per curve"
    # A's band is the step function of km_curve's log(-log) bounds, from its first failure to the end (10 ps)
    t, s, low, high = km_curve(*survival_data(df[df["model"] == "A"]))
    vertices = bands[0].get_paths()[0].vertices
    assert set(np.round(vertices[:, 1], 12)) == set(np.round(np.r_[low, high], 12))
    assert (vertices[:, 0].min(), vertices[:, 0].max()) == (t[0], 10.0)
    assert np.all((low < s) & (s < high))
    legend = [x.get_text() for x in ax.get_legend().get_texts()]
    assert legend == ["A (n=8)", "B (n=8)"]
    assert "95%" in ax.get_legend().get_title().get_text()


def test_identical_curves_stay_visible_and_are_named(tmp_results):
    rows = (outcomes("as-trained", [1.0, 2.0], 6) + outcomes("MEAN", [1.0, 2.0], 6, mean="mean")
            + outcomes("MIN", [0.5], 7, mean="min") + outcomes("mmff", [], 8, mean="reference")
            + outcomes("quadratic+", [], 8, mean="quadratic+"))
    fig = km_figure(load(tmp_results(rows)), "m")
    ax = fig.axes[0]
    legend = [x.get_text() for x in ax.get_legend().get_texts()]
    assert legend == ["as-trained (n=8)", "MEAN (n=8), identical to as-trained", "MIN (n=8)", "mmff (n=8)",
                      "quadratic+ (n=8), identical to mmff"]
    assert "identical curves drawn" in ax.get_legend().get_title().get_text()
    lines = {line.get_label(): line for line in ax.get_lines()}
    first, repeat = lines["as-trained (n=8)"], lines["MEAN (n=8), identical to as-trained"]
    assert np.allclose(repeat.get_ydata(), first.get_ydata() - IDENTICAL_OFFSET), "offset, not on top"
    assert first.get_linestyle() != repeat.get_linestyle()
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 2, "bands of distinct curves only"
    # nothing identical, nothing said
    fig = km_figure(load(tmp_results(outcomes("a", [1.0], 3) + outcomes("b", [2.0], 3))), "m")
    assert "identical" not in fig.axes[0].get_legend().get_title().get_text()


def test_heatmap_colour_bar_names_the_read_out_time(tmp_results):
    df = load(tmp_results(outcomes("A", [1.0], 3), duration_ps=25.0))
    fig = survival_heatmap_figure(km_table(df), 25.0)
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert any("survival at 25 ps" in label for label in labels)


def test_survival_against_start_energy(tmp_results, tmp_path):
    rows = []
    for energy, failures in ((5.0, 1), (10.0, 3), (20.0, 6)):
        for model, extra in (("gp", failures), ("mmff", failures // 2)):
            for r in outcomes(model, [2.0] * extra, 8 - extra, mean="reference" if model == "mmff" else "file"):
                rows.append(dict(r, start_energy_above_minimum_kcal_mol=energy * 1.004))
    path = tmp_results(rows, attrs={"campaign_yaml": "start: {energy_above_minimum_kcal_mol: [5, 10, 20]}"})
    by_start = survival_by_start(load(path))
    fig = survival_vs_start_figure(by_start, "m")
    ax = fig.axes[0]
    assert len(ax.containers) == 2, "one errorbar line per model"
    x, y = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()
    assert np.allclose(y, [7 / 8, 5 / 8, 2 / 8]) and np.all(np.diff(x) > 0)
    out = tmp_path / "report"
    r = subprocess.run([sys.executable, REPORT, path, "--out", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (out / "survival_by_start.csv").exists()
    data = (out / "survival_vs_start_m.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
