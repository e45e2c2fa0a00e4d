"""Agreement of two runs of one campaign (agreement.py): each run's verdicts are its own pooled statistics, the
agreement column compares them, runs of different campaigns are refused, and gpiqa-report --compare writes the
table."""
import math
import os
import subprocess
import sys

import pandas as pd
import pytest
from conftest import ANALYSIS, write_results
from test_paired import random_campaign

from gpiqa_analysis import GpiqaFileError, load
from gpiqa_analysis.agreement import agreement_table, cox_verdict, mcnemar_verdict
from gpiqa_analysis.paired import pooled_table

REPORT = os.path.join(ANALYSIS, "gpiqa-report")


def test_verdicts():
    assert mcnemar_verdict(12, 1, 0.003, 0.05) == "model better"
    assert mcnemar_verdict(1, 12, 0.003, 0.05) == "model worse"
    assert mcnemar_verdict(5, 2, 0.45, 0.05) == "no difference"
    assert mcnemar_verdict(0, 0, math.nan, 0.05) == "no difference"
    assert cox_verdict(0.4, 0.01, 0.05) == "model better" and cox_verdict(2.5, 0.001, 0.05) == "model worse"
    assert cox_verdict(0.5, 0.2, 0.05) == "no difference" and cox_verdict(math.nan, math.nan, 0.05) == "no difference"


def test_agreement_compares_each_runs_own_pooled_statistics(tmp_path):
    # two "builds": the same design, other random outcomes (as chaos gives)
    a = load(write_results(str(tmp_path / "a.h5"), random_campaign(seed=7, seeds=60)))
    b = load(write_results(str(tmp_path / "b.h5"), random_campaign(seed=11, seeds=60)))
    table = agreement_table(a, b)
    pa, pb = pooled_table(a), pooled_table(b)
    assert list(table["model"]) == list(pa["model"]) == ["as-trained", "MIN"]
    for (_, r), (_, ra), (_, rb) in zip(table.iterrows(), pa.iterrows(), pb.iterrows()):
        assert (r["b_a"], r["c_a"], r["mcnemar_p_a"], r["mcnemar_p_holm_a"]) == (
            ra["b_only_baseline_failed"], ra["c_only_model_failed"], ra["mcnemar_p_value"], ra["mcnemar_p_holm"])
        assert (r["hr_b"], r["ci_low_b"], r["ci_high_b"], r["p_holm_b"]) == (rb["hazard_ratio"], rb["ci_low"],
                                                                               rb["ci_high"], rb["p_value_holm"])
        # the verdicts use the Holm-adjusted p values
        va = mcnemar_verdict(ra["b_only_baseline_failed"], ra["c_only_model_failed"], ra["mcnemar_p_holm"], 0.05)
        vb = mcnemar_verdict(rb["b_only_baseline_failed"], rb["c_only_model_failed"], rb["mcnemar_p_holm"], 0.05)
        assert r["mcnemar_agreement"] == (f"agree: {va}" if va == vb else "disagree")
        ca = cox_verdict(ra["hazard_ratio"], ra["p_value_holm"], 0.05)
        cb = cox_verdict(rb["hazard_ratio"], rb["p_value_holm"], 0.05)
        assert r["cox_agreement"] == (f"agree: {ca}" if ca == cb else "disagree")
    # MIN's hazard is 3.2x the reference's in the construction: both runs see it (60 seeds, after Holm)
    assert table.set_index("model").loc["MIN", "cox_agreement"] == "agree: model worse"
    # a run against itself agrees everywhere
    assert all(v.startswith("agree") for v in agreement_table(a, a)["mcnemar_agreement"])


def test_runs_of_different_campaigns_are_refused(tmp_path):
    rows = random_campaign(seeds=8)
    a = load(write_results(str(tmp_path / "a.h5"), rows))
    other = load(write_results(str(tmp_path / "b.h5"), rows, attrs={"campaign_name": "another"}))
    with pytest.raises(GpiqaFileError, match="different campaigns"):
        agreement_table(a, other)
    fewer = load(write_results(str(tmp_path / "c.h5"), [r for r in rows if r["model"] != "MIN"]))
    with pytest.raises(GpiqaFileError, match="different models"):
        agreement_table(a, fewer)


def test_report_compare_writes_the_agreement(tmp_path):
    a = write_results(str(tmp_path / "a.h5"), random_campaign(seed=7))
    b = write_results(str(tmp_path / "b.h5"), random_campaign(seed=11))
    r = subprocess.run([sys.executable, REPORT, a, "--out", str(tmp_path / "out"), "--compare", b],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    table = pd.read_csv(tmp_path / "out" / "agreement.csv")
    assert list(table["model"]) == ["as-trained", "MIN"]
    assert "what both runs support" in (tmp_path / "out" / "agreement.md").read_text()
    missing = subprocess.run([sys.executable, REPORT, a, "--out", str(tmp_path / "x"), "--compare",
                              str(tmp_path / "nope.h5")], capture_output=True, text=True)
    assert missing.returncode != 0 and missing.stderr.count("\n") == 1, missing.stderr
