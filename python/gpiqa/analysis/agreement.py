"""Agreement between two runs of one campaign: two builds (native and portable), two machines, two compilers.

Chaotic trajectories diverge with any change of floating-point order, so which seeds survive differs between
builds; a statistic is a finding only when both runs support it. For every pooled row (paired.pooled_table: per
molecule, and over all molecules, x model against the same baseline, pairs of every temperature and start) each
test gets a verdict in each run and the two verdicts are compared:

  McNemar   "model better" (Holm-adjusted p < alpha and b > c: more pairs where only the baseline failed),
            "model worse" (adjusted p < alpha and c > b), or "no difference" (adjusted p >= alpha, or no pairs)
  Cox       the same with the hazard ratio's Holm-adjusted Wald p and its direction (HR < 1: better; no
            difference where the ratio is not estimable)
  agreement "agree: <verdict>" when both runs give the same verdict, else "disagree"

Holm's adjustment is over the models compared with the baseline within each molecule (paired.pooled_table), so a
campaign of many means is not a fishing trip; the table keeps the raw p values beside the adjusted ones.

Only rows that agree may be reported as results; a verdict of "no difference" that agrees says the campaign found
no effect in either run, not that there is none (the intervals say how large an effect could hide).
"""
from __future__ import annotations

import math

import pandas as pd

from .paired import choose_baseline, pooled_table
from .results_file import GpiqaFileError

AGREEMENT_COLUMNS = ["molecule", "model", "baseline", "pairs_a", "pairs_b", "b_a", "c_a", "mcnemar_p_a",
                     "mcnemar_p_holm_a", "b_b", "c_b", "mcnemar_p_b", "mcnemar_p_holm_b", "mcnemar_agreement", "hr_a",
                     "ci_low_a", "ci_high_a", "p_holm_a", "hr_b", "ci_low_b", "ci_high_b", "p_holm_b", "cox_agreement"]


def mcnemar_verdict(b: int, c: int, p: float, alpha: float) -> str:
    if math.isnan(p) or p >= alpha or b == c:
        return "no difference"
    return "model better" if b > c else "model worse"


def cox_verdict(hazard_ratio: float, p: float, alpha: float) -> str:
    if math.isnan(hazard_ratio) or math.isnan(p) or p >= alpha or hazard_ratio == 1.0:
        return "no difference"
    return "model better" if hazard_ratio < 1.0 else "model worse"


def _agreement(va: str, vb: str) -> str:
    return f"agree: {va}" if va == vb else "disagree"


def agreement_table(df_a: pd.DataFrame, df_b: pd.DataFrame, baseline: str | None = None,
                    alpha: float = 0.05) -> pd.DataFrame:
    """One row per pooled (molecule, model) row of both runs: each run's McNemar counts and p, hazard ratio and
    interval (suffix _a, _b), and whether the two runs agree (module docstring). GpiqaFileError when the runs are
    not of one campaign (other name, molecules or models) or the baseline is missing from either."""
    name_a, name_b = df_a.attrs.get("campaign_name", ""), df_b.attrs.get("campaign_name", "")
    if name_a != name_b:
        raise GpiqaFileError(f"the results are of different campaigns ('{name_a}' and '{name_b}')")
    for key in ("molecule", "model"):
        if list(dict.fromkeys(df_a[key])) != list(dict.fromkeys(df_b[key])):
            raise GpiqaFileError(f"the results have different {key}s: {sorted(set(df_a[key]))} and "
                                 f"{sorted(set(df_b[key]))}")
    baseline = choose_baseline(df_a, baseline)
    choose_baseline(df_b, baseline)
    a, b = pooled_table(df_a, baseline), pooled_table(df_b, baseline)
    rows = []
    if a.empty:
        return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    merged = a.merge(b, on=["molecule", "model", "baseline"], suffixes=("_a", "_b"))
    for _, r in merged.iterrows():
        ma = mcnemar_verdict(r["b_only_baseline_failed_a"], r["c_only_model_failed_a"], r["mcnemar_p_holm_a"], alpha)
        mb = mcnemar_verdict(r["b_only_baseline_failed_b"], r["c_only_model_failed_b"], r["mcnemar_p_holm_b"], alpha)
        rows.append({"molecule": r["molecule"], "model": r["model"], "baseline": r["baseline"],
                     "pairs_a": r["pairs_a"], "pairs_b": r["pairs_b"],
                     "b_a": r["b_only_baseline_failed_a"], "c_a": r["c_only_model_failed_a"],
                     "mcnemar_p_a": r["mcnemar_p_value_a"], "mcnemar_p_holm_a": r["mcnemar_p_holm_a"],
                     "b_b": r["b_only_baseline_failed_b"], "c_b": r["c_only_model_failed_b"],
                     "mcnemar_p_b": r["mcnemar_p_value_b"], "mcnemar_p_holm_b": r["mcnemar_p_holm_b"],
                     "mcnemar_agreement": _agreement(ma, mb),
                     "hr_a": r["hazard_ratio_a"], "ci_low_a": r["ci_low_a"], "ci_high_a": r["ci_high_a"],
                     "p_holm_a": r["p_value_holm_a"],
                     "hr_b": r["hazard_ratio_b"], "ci_low_b": r["ci_low_b"], "ci_high_b": r["ci_high_b"],
                     "p_holm_b": r["p_value_holm_b"],
                     "cox_agreement": _agreement(cox_verdict(r["hazard_ratio_a"], r["p_value_holm_a"], alpha),
                                                 cox_verdict(r["hazard_ratio_b"], r["p_value_holm_b"], alpha))})
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
