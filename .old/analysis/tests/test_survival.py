"""Kaplan-Meier, its Greenwood log(-log) interval, median, RMST and the log-rank statistic against values
computed here by hand; censored runs are not failures; pending tasks are left out."""
import math

import pytest
from scipy.stats import chi2 as chi2_dist

from gpiqa_analysis import km_table, load, logrank_table, paired_table

# 5 finished runs, duration 10 ps: failures at 2 (exploded), 4 and 4 (collapsed, failed), two survivors.
HAND = [
    {"status": "exploded", "time_to_failure_ps": 2.0, "simulated_ps": 2.0},
    {"status": "collapsed", "time_to_failure_ps": 4.0, "simulated_ps": 4.0},
    {"status": "failed", "time_to_failure_ps": 4.0, "simulated_ps": 4.0},
    {"status": "stable"},
    {"status": "stable"},
]


def test_kaplan_meier_greenwood_median_rmst_by_hand(tmp_results):
    table = km_table(load(tmp_results(HAND)))
    row = table.iloc[0]
    # S(2) = 4/5, S(4) = 4/5 * 2/4 = 0.4, flat to 10
    assert row["km_survival"] == pytest.approx(0.4, abs=1e-12)
    # Greenwood: Var = S^2 (1/(5*4) + 2/(4*2)); log(-log) interval
    var = 0.4**2 * (1 / 20 + 2 / 8)
    se_theta = math.sqrt(var) / abs(0.4 * math.log(0.4))
    assert row["km_ci_low"] == pytest.approx(0.4 ** math.exp(1.959964 * se_theta), rel=1e-6)
    assert row["km_ci_high"] == pytest.approx(0.4 ** math.exp(-1.959964 * se_theta), rel=1e-6)
    assert row["km_ci_low"] == pytest.approx(0.0520, abs=5e-4)
    assert row["km_ci_high"] == pytest.approx(0.7528, abs=5e-4)
    assert row["median_ttf_ps"] == 4.0
    assert row["rmst_ps"] == pytest.approx(1 * 2 + 0.8 * 2 + 0.4 * 6)


def test_censored_runs_are_not_failures(tmp_results):
    row = km_table(load(tmp_results(HAND))).iloc[0]
    assert (row["runs"], row["failures"], row["censored"]) == (5, 3, 2)
    assert (row["collapsed"], row["exploded"], row["failed"]) == (1, 1, 1)
    survivors = km_table(load(tmp_results([{"status": "stable"}] * 4))).iloc[0]
    assert survivors["failures"] == 0 and survivors["km_survival"] == 1.0
    assert math.isnan(survivors["median_ttf_ps"])
    assert survivors["rmst_ps"] == 10.0


def test_pending_tasks_are_excluded(tmp_results):
    rows = HAND + [{"status": "pending", "simulated_ps": 0.0}] * 3
    row = km_table(load(tmp_results(rows))).iloc[0]
    assert row["pending"] == 3 and row["runs"] == 5
    assert row["km_survival"] == pytest.approx(0.4)


def test_invalid_starts_are_counted_apart_not_as_failures(tmp_results):
    # a start that a geometry monitor rejected at step 0 says nothing about the model
    rows = HAND + [{"status": "invalid-start", "time_to_failure_ps": 0.0, "simulated_ps": 0.0}] * 2
    row = km_table(load(tmp_results(rows))).iloc[0]
    assert (row["invalid_start"], row["runs"], row["failures"]) == (2, 5, 3)
    assert row["km_survival"] == pytest.approx(0.4)
    paired = [dict(r, seed=i, model=m, mean=mean) for m, mean in (("gp", "file"), ("mmff", "reference"))
              for i, r in enumerate([{"status": "stable"}, {"status": "invalid-start", "simulated_ps": 0.0}])]
    table = paired_table(load(tmp_results(paired)))
    assert table.iloc[0]["pairs"] == 1 and table.iloc[0]["both_survived"] == 1


def test_median_empty_when_survival_stays_above_half(tmp_results):
    rows = [{"status": "exploded", "time_to_failure_ps": 3.0}] + [{"status": "stable"}] * 3
    row = km_table(load(tmp_results(rows))).iloc[0]
    assert row["km_survival"] == pytest.approx(0.75)
    assert math.isnan(row["median_ttf_ps"])


def hand_logrank(groups):
    """(O-E)^2/V for two groups given as lists of (time, event)."""
    a, b = groups
    times = sorted({t for t, e in a + b if e})
    o_minus_e, var = 0.0, 0.0
    for t in times:
        na = sum(1 for s, _ in a if s >= t)
        nb = sum(1 for s, _ in b if s >= t)
        da = sum(1 for s, e in a if s == t and e)
        d = da + sum(1 for s, e in b if s == t and e)
        n = na + nb
        o_minus_e += da - d * na / n
        if n > 1:
            var += d * (na / n) * (nb / n) * (n - d) / (n - 1)
    return o_minus_e**2 / var


def test_logrank_statistic_by_hand(tmp_results):
    a = [(1.0, 1), (3.0, 1), (10.0, 0), (6.0, 1)]
    b = [(2.0, 1), (10.0, 0), (10.0, 0), (8.0, 1)]
    rows = []
    for model, runs in (("A", a), ("B", b)):
        for t, e in runs:
            rows.append({"model": model, "status": "exploded" if e else "stable",
                         "time_to_failure_ps": t if e else math.nan, "simulated_ps": t})
    lr = logrank_table(load(tmp_results(rows)))
    assert list(lr["comparison"]) == ["A vs B"]
    expected = hand_logrank([a, b])
    assert lr.iloc[0]["chi2"] == pytest.approx(expected, rel=1e-9)
    assert lr.iloc[0]["p_value"] == pytest.approx(chi2_dist.sf(expected, 1), rel=1e-9)


def test_logrank_equals_statsmodels_for_three_groups():
    import numpy as np
    from statsmodels.duration.survfunc import survdiff
    from gpiqa_analysis.survival import logrank
    rng = np.random.default_rng(3)
    time = np.round(rng.exponential(5.0, 60), 1)
    event = time < 8.0
    time = np.where(event, time, 8.0)
    groups = np.repeat(["as-trained", "MIN", "quadratic+"], 20)
    chi2, dof, p = logrank(time, event, groups)
    expected_chi2, expected_p = survdiff(time, event.astype(int), groups)
    assert dof == 2
    assert chi2 == pytest.approx(expected_chi2, rel=1e-9)
    assert p == pytest.approx(expected_p, rel=1e-9)


def test_logrank_of_runs_that_all_fail_at_once(tmp_results):
    """Starting geometries that break every model at step 0: identical groups give chi2 = 0 (p = 1), and when no
    run survives there is no information (df 0, no p), not a crash."""
    rows = []
    for model in ("A", "B", "C"):
        rows += [{"model": model, "status": "exploded", "time_to_failure_ps": 0.0, "simulated_ps": 0.0}] * 3
        rows += [{"model": model, "status": "stable"}] * 2
    lr = logrank_table(load(tmp_results(rows)))
    assert list(lr["df"]) == [2, 1, 1, 1]
    assert (lr["chi2"].abs() < 1e-12).all()
    assert list(lr["p_value"]) == pytest.approx([1.0] * 4)
    none_survive = [r for r in rows if r["status"] != "stable"]
    lr = logrank_table(load(tmp_results(none_survive)))
    assert len(lr) == 4
    assert (lr["chi2"] == 0).all() and (lr["df"] == 0).all() and lr["p_value"].isna().all()


def test_paired_table_counts_each_seed_against_its_reference_run(tmp_results):
    def run(model, seed, ok, mean=None):
        row = {"model": model, "mean": mean or "file", "seed": seed, "status": "stable" if ok else "collapsed"}
        if not ok:
            row.update(time_to_failure_ps=1.0, simulated_ps=1.0)
        return row
    # seeds 1-4: reference survives 1, 2, 3; the GP survives 1, 4
    rows = [run("mmff", s, s != 4, "reference") for s in (1, 2, 3, 4)] + [run("gp", s, s in (1, 4)) for s in (1, 2, 3, 4)]
    rows.append({"model": "gp", "seed": 5, "status": "pending", "simulated_ps": 0.0})  # no partner, pending: left out
    t = paired_table(load(tmp_results(rows)))
    assert list(t["model"]) == ["gp"]
    r = t.iloc[0]
    assert (r["pairs"], r["reference_survived"], r["both_survived"]) == (4, 3, 1)
    assert (r["surrogate_only_failures"], r["reference_only_failures"], r["both_failed"]) == (2, 1, 0)
    assert r["survival_given_reference"] == pytest.approx(1 / 3)
    assert paired_table(load(tmp_results([run("gp", 1, True)]))).empty
