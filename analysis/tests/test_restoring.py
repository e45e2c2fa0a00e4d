"""The restoring-probe table (restoring.py) on constructed runs: means, fully restored starts, survival split by
the probe, invalid starts and pending runs left out, and files without the probe's columns."""
import math

import pytest
from conftest import write_results

from gpiqa_analysis import load
from gpiqa_analysis.restoring import restoring_table


def test_restoring_table_by_hand(tmp_path):
    rows = []
    # model gp: 6 valid starts, restoring fractions and outcomes chosen; seed 7 invalid, seed 8 pending
    for seed, (fraction, prior, status) in enumerate([(1.0, 0.0, "stable"), (1.0, 0.0, "stable"),
                                                      (1.0, 0.0, "collapsed"), (0.5, 0.0, "exploded"),
                                                      (0.75, 0.0, "collapsed"), (0.5, 0.0, "stable")], start=1):
        row = {"model": "gp", "mean": "min", "seed": seed, "status": status, "start_restoring_fraction": fraction,
               "start_restoring_fraction_prior": prior}
        if status != "stable":
            row.update(time_to_failure_ps=2.0, simulated_ps=2.0)
        rows.append(row)
    rows.append({"model": "gp", "mean": "min", "seed": 7, "status": "invalid-start", "simulated_ps": 0.0,
                 "start_restoring_fraction": 0.0, "start_restoring_fraction_prior": 0.0})
    rows.append({"model": "gp", "mean": "min", "seed": 8, "status": "pending", "simulated_ps": 0.0,
                 "start_restoring_fraction": 0.0, "start_restoring_fraction_prior": 0.0})
    for seed in range(1, 7):
        rows.append({"model": "ref", "mean": "reference", "seed": seed, "status": "stable",
                     "start_restoring_fraction": 1.0, "start_restoring_fraction_prior": math.nan})
    table = restoring_table(load(write_results(str(tmp_path / "r.h5"), rows)))
    gp = table[table["model"] == "gp"].iloc[0]
    assert (gp["runs"], gp["survived"]) == (6, 3)
    assert gp["fraction_surviving"] == pytest.approx(0.5)
    assert gp["restoring_mean"] == pytest.approx((3 * 1.0 + 0.5 + 0.75 + 0.5) / 6)
    assert gp["restoring_all"] == pytest.approx(0.5)
    assert gp["restoring_prior_mean"] == 0.0
    assert gp["survival_if_restoring"] == pytest.approx(2 / 3) and gp["survival_if_not"] == pytest.approx(1 / 3)
    ref = table[table["model"] == "ref"].iloc[0]
    assert math.isnan(ref["restoring_prior_mean"]) and math.isnan(ref["survival_if_not"])
    assert ref["survival_if_restoring"] == 1.0


def test_files_without_the_probe_give_no_table(tmp_path):
    rows = [{"model": "gp", "seed": 1, "status": "stable"}]
    assert restoring_table(load(write_results(str(tmp_path / "r.h5"), rows))).empty
