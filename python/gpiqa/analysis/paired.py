"""Paired statistics: every model against a baseline model, run by run on the same starts.

Every model variant of a (molecule, temperature, seed) starts from the same geometry and velocities with the same
thermostat noise (campaign/task.hpp), so a model's run and the baseline's run of one (molecule, temperature, start,
seed) form a pair (the start stratum: starts.py). A pair is analysed when both runs finished with an observed
outcome: survived (status stable) or failed (collapsed, exploded, failed). Pairs with an invalid start (the
start's fault, the same for every model) or a pending run are left out and counted, as are runs without a partner.

  McNemar, exact     per (molecule, temperature, start): the 2 x 2 table of pairs, rows the model (survived,
                     failed), columns the baseline (survived, failed):  [[a, b], [c, d]]
                       b = model survived, baseline failed;  c = model failed, baseline survived.
                     Two-sided exact p = min(1, 2 P(X <= min(b, c))), X ~ Binomial(b + c, 1/2)
                     (McNemar 1947; statsmodels.stats.contingency_tables.mcnemar(exact=True)).
  Cox, stratified    per (molecule, temperature): h_s(t | x) = h_0s(t) exp(beta x), x = 1 for the model's runs and
                     0 for the baseline's, one stratum s per start (the pair's shared start, so each stratum has
                     its own baseline hazard; Holt & Prentice 1974 for matched pairs), Breslow ties
                     (statsmodels PHReg with strata=). Hazard ratio exp(beta), 95% CI exp(beta +- 1.96 se), Wald p;
                     and the score test at beta = 0, U(0)^2 / I(0) ~ chi2(1) (the stratified log-rank test, with
                     Breslow's variance for tied failures), which stays defined when beta is not.
  Matched pairs      with one stratum per pair (both runs of a pair share their start) the Breslow partial
                     likelihood has a closed form: a pair whose first event is the model's failure (the baseline
                     still at risk) contributes e^b / (1 + e^b), one whose first event is the baseline's
                     1 / (1 + e^b), a pair failing together e^b / (1 + e^b)^2, any other pair nothing. With a, b, c
                     such pairs: l(beta) = (a + c) beta - (a + b + 2c) log(1 + e^beta), so
                       beta = log((a + c) / (b + c)),  I(beta) = (a + b + 2c) p (1 - p), p = (a + c) / (a + b + 2c),
                       score statistic at 0: (a - b)^2 / (a + b + 2c)
                     (paired_cox_fit; cox_fit is the general fit with statsmodels, the same numbers).
  Not estimable      the partial likelihood has no finite maximum exactly when, at every failure time whose risk
                     set (in its stratum) holds both arms, all failing runs belong to one arm: to the model
                     (beta -> +inf: "no failures in baseline", or the model fails first in every pair) or to the
                     baseline (beta -> -inf); and it is flat when no failure time has both arms at risk (no
                     failures at all). Those rows give no hazard ratio but say why.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy.stats import chi2 as chi2_distribution
from scipy.stats import norm
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from .results_file import FAILURE_KINDS, GpiqaFileError
from .starts import start_strata
from .survival import Z95

PAIR_KEY = ["molecule", "temperature_K", "start", "seed"]
MCNEMAR_COLUMNS = ["molecule", "temperature_K", "start", "start_energy_kcal_mol", "model", "baseline", "pairs",
                   "both_survived", "b_only_baseline_failed", "c_only_model_failed", "both_failed", "p_value",
                   "excluded_invalid_start", "excluded_pending", "unpaired", "note"]
COX_COLUMNS = ["molecule", "temperature_K", "start", "model", "baseline", "pairs", "model_failures",
               "baseline_failures", "hazard_ratio", "ci_low", "ci_high", "p_value", "score_p_value", "note"]
POOLED_COLUMNS = ["molecule", "model", "baseline", "cells", "pairs", "both_survived", "b_only_baseline_failed",
                  "c_only_model_failed", "both_failed", "mcnemar_p_value", "mcnemar_p_holm", "model_failures",
                  "baseline_failures", "hazard_ratio", "ci_low", "ci_high", "p_value", "p_value_holm",
                  "score_p_value", "note"]
START_SURVIVAL_COLUMNS = ["molecule", "model", "temperature_K", "start", "start_energy_kcal_mol", "runs", "survived",
                          "fraction_surviving", "wilson_low", "wilson_high", "invalid_start", "pending"]


class UnknownModelError(GpiqaFileError):
    """--baseline names a model the campaign does not have."""


def choose_baseline(df: pd.DataFrame, baseline: str | None = None) -> str | None:
    """`baseline` if the campaign has that model (UnknownModelError otherwise); by default the campaign's MMFF94
    reference variant (mean "reference"), or None when it has none."""
    models = list(dict.fromkeys(df["model"]))
    if baseline is not None:
        if baseline not in models:
            raise UnknownModelError(f"--baseline {baseline}: {df.attrs.get('path', 'the results file')} has no model "
                                    f"'{baseline}' (models: {', '.join(models)})")
        return baseline
    references = list(dict.fromkeys(df.loc[df["mean"] == "reference", "model"]))
    return references[0] if references else None


def _outcome(rows: pd.DataFrame) -> pd.DataFrame:
    """status, time and event (1 = failed) of runs, indexed by PAIR_KEY (the first row of a duplicated key)."""
    event = rows["status"].isin(FAILURE_KINDS)
    out = pd.DataFrame({"status": rows["status"].to_numpy(), "event": event.to_numpy().astype(int),
                        "time": np.where(event, rows["time_to_failure_ps"].to_numpy(dtype=float),
                                         rows["simulated_ps"].to_numpy(dtype=float))},
                       index=pd.MultiIndex.from_frame(rows[PAIR_KEY]))
    return out[~out.index.duplicated()]


def paired_runs(df: pd.DataFrame, model: str, baseline: str) -> pd.DataFrame:
    """One row per (molecule, temperature, start, seed) where the model or the baseline has a run, in campaign
    order: the two statuses (NaN where a run is missing), times and events, `start_energy_kcal_mol`, and `use`:
    'pair' (both outcomes observed), or else 'invalid-start' (a run is an invalid start), 'pending' (a run is
    pending: a pending run of a start-energy sweep has no recorded start yet, so its partner is not known either)
    or 'unpaired' (a run has no partner). `df` must carry the start columns (starts.start_strata)."""
    both = df[df["model"].isin([model, baseline])]
    keys = pd.MultiIndex.from_frame(both[PAIR_KEY].drop_duplicates())
    mine = _outcome(df[df["model"] == model]).reindex(keys).add_suffix("_model")
    theirs = _outcome(df[df["model"] == baseline]).reindex(keys).add_suffix("_baseline")
    joined = pd.concat([mine, theirs], axis=1).reset_index()
    statuses = joined[["status_model", "status_baseline"]]
    use = np.full(len(joined), "pair", dtype=object)
    use[statuses.isna().any(axis=1).to_numpy()] = "unpaired"
    use[(statuses == "pending").any(axis=1).to_numpy()] = "pending"
    use[(statuses == "invalid-start").any(axis=1).to_numpy()] = "invalid-start"
    joined["use"] = use
    energies = both.drop_duplicates(PAIR_KEY[:3]).set_index(PAIR_KEY[:3])["start_energy_kcal_mol"]
    joined["start_energy_kcal_mol"] = energies.reindex(pd.MultiIndex.from_frame(joined[PAIR_KEY[:3]])).to_numpy()
    return joined


def _campaign_order(rows: list[dict], df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The rows as a table sorted as the campaign lists them: by molecule, then model (stable within)."""
    table = pd.DataFrame(rows, columns=columns)
    if table.empty:
        return table
    rank = {key: {v: i for i, v in enumerate(dict.fromkeys(df[key]))} for key in ("molecule", "model")}
    order = np.lexsort((table["model"].map(rank["model"]).to_numpy(),
                        table["molecule"].map(rank["molecule"]).to_numpy()))  # stable: last key first
    return table.iloc[order].reset_index(drop=True)


def _models_against(df: pd.DataFrame, baseline: str):
    """(model, its paired runs with the baseline) for every other model of the campaign, in campaign order."""
    for model in dict.fromkeys(df["model"]):
        if model != baseline:
            yield model, paired_runs(df, model, baseline)


def _pair_table(pairs: pd.DataFrame) -> np.ndarray:
    """The 2 x 2 table of pairs, rows the model (survived, failed), columns the baseline: [[a, b], [c, d]]."""
    survived_m = pairs["event_model"].to_numpy() == 0
    survived_b = pairs["event_baseline"].to_numpy() == 0
    return np.array([[np.sum(survived_m & survived_b), np.sum(survived_m & ~survived_b)],
                     [np.sum(~survived_m & survived_b), np.sum(~survived_m & ~survived_b)]])


def mcnemar_table(df: pd.DataFrame, baseline: str | None = None) -> pd.DataFrame:
    """McNemar's exact test of every model against the baseline per (molecule, temperature, start): see the module
    docstring. Empty when there is no baseline."""
    df = start_strata(df)
    baseline = choose_baseline(df, baseline)
    rows = []
    if baseline is None:
        return pd.DataFrame(rows, columns=MCNEMAR_COLUMNS)
    for model, runs in _models_against(df, baseline):
        for (molecule, temperature, start), group in runs.groupby(PAIR_KEY[:3], sort=False):
            pairs = group[group["use"] == "pair"]
            table = _pair_table(pairs)
            row = {"molecule": molecule, "temperature_K": temperature, "start": start,
                   "start_energy_kcal_mol": group["start_energy_kcal_mol"].iloc[0], "model": model,
                   "baseline": baseline, "pairs": len(pairs), "both_survived": int(table[0, 0]),
                   "b_only_baseline_failed": int(table[0, 1]), "c_only_model_failed": int(table[1, 0]),
                   "both_failed": int(table[1, 1]), "p_value": math.nan,
                   "excluded_invalid_start": int((group["use"] == "invalid-start").sum()),
                   "excluded_pending": int((group["use"] == "pending").sum()),
                   "unpaired": int((group["use"] == "unpaired").sum()), "note": ""}
            if len(pairs) == 0:
                row["note"] = "no pairs"
            else:
                row["p_value"] = float(mcnemar(table, exact=True).pvalue)
                if table[0, 1] + table[1, 0] == 0:
                    row["note"] = "no discordant pairs"
            rows.append(row)
    return _campaign_order(rows, df, MCNEMAR_COLUMNS)


def _likelihood_shape(time, event, x, strata) -> int | None:
    """+1 / -1 when the stratified partial likelihood in beta rises / falls without bound, 0 when it is flat (no
    failure time with both arms at risk in its stratum), None when it has a finite maximum (module docstring)."""
    up = down = True
    informative = False
    for s in np.unique(strata):
        here = strata == s
        for t in np.unique(time[here & (event == 1)]):
            at_risk = here & (time >= t)
            if x[at_risk].min() == x[at_risk].max():
                continue
            informative = True
            failing = x[at_risk & (time == t) & (event == 1)]
            up &= bool(np.all(failing == x[at_risk].max()))
            down &= bool(np.all(failing == x[at_risk].min()))
    if not informative:
        return 0
    return 1 if up else -1 if down else None


def cox_fit(time, event, x, strata) -> dict:
    """Stratified Cox fit of one binary covariate (1 = model, 0 = baseline): hazard_ratio, ci_low, ci_high,
    p_value (Wald), score_p_value (score test at beta = 0) and a note; NaN where not estimable."""
    time, event = np.asarray(time, dtype=float), np.asarray(event, dtype=int)
    x, strata = np.asarray(x, dtype=float), np.asarray(strata)
    out = {"hazard_ratio": math.nan, "ci_low": math.nan, "ci_high": math.nan, "p_value": math.nan,
           "score_p_value": math.nan, "note": ""}
    model_failures, baseline_failures = int(event[x == 1].sum()), int(event[x == 0].sum())
    shape = _likelihood_shape(time, event, x, strata)
    if shape == 0:
        out["note"] = ("not estimable: no failures in either arm" if model_failures + baseline_failures == 0
                       else "not estimable: no failure with both arms at risk")
        return out
    model = PHReg(time, x[:, None], status=event, strata=strata, ties="breslow")
    score, information = float(model.score(np.zeros(1))[0]), float(-model.hessian(np.zeros(1))[0, 0])
    if information > 0:
        out["score_p_value"] = float(chi2_distribution.sf(score**2 / information, 1))
    if shape == 1:
        out["note"] = ("HR not estimable (infinite): no failures in baseline" if baseline_failures == 0
                       else "HR not estimable (infinite): the model fails first in every pair with a failure")
        return out
    if shape == -1:
        out["note"] = ("HR not estimable (zero): no failures in the model" if model_failures == 0
                       else "HR not estimable (zero): the baseline fails first in every pair with a failure")
        return out
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        result = model.fit()
    if any(issubclass(w.category, ConvergenceWarning) for w in caught) or not np.isfinite(result.bse[0]):
        out["note"] = "not estimable: the fit did not converge"
        return out
    low, high = np.exp(result.conf_int()[0])
    out.update(hazard_ratio=float(np.exp(result.params[0])), ci_low=float(low), ci_high=float(high),
               p_value=float(result.pvalues[0]))
    return out


def paired_cox_fit(time_model, event_model, time_baseline, event_baseline) -> dict:
    """cox_fit of matched pairs (pair i: the model's run and the baseline's on one start, its own stratum) in the
    closed form of the module docstring: the same hazard ratio, interval, Wald and score p values and notes, without
    an iterative fit (a large campaign has thousands of pairs per cell)."""
    tm, tb = np.asarray(time_model, dtype=float), np.asarray(time_baseline, dtype=float)
    em, eb = np.asarray(event_model, dtype=int) == 1, np.asarray(event_baseline, dtype=int) == 1
    model_first = int((em & ((tm < tb) | ((tm == tb) & ~eb))).sum())
    baseline_first = int((eb & ((tb < tm) | ((tm == tb) & ~em))).sum())
    together = int((em & eb & (tm == tb)).sum())
    out = {"hazard_ratio": math.nan, "ci_low": math.nan, "ci_high": math.nan, "p_value": math.nan,
           "score_p_value": math.nan, "note": ""}
    weight = model_first + baseline_first + 2 * together
    if weight == 0:
        out["note"] = ("not estimable: no failures in either arm" if not (em.any() or eb.any())
                       else "not estimable: no failure with both arms at risk")
        return out
    out["score_p_value"] = float(chi2_distribution.sf((model_first - baseline_first) ** 2 / weight, 1))
    if baseline_first + together == 0:
        out["note"] = ("HR not estimable (infinite): no failures in baseline" if not eb.any()
                       else "HR not estimable (infinite): the model fails first in every pair with a failure")
        return out
    if model_first + together == 0:
        out["note"] = ("HR not estimable (zero): no failures in the model" if not em.any()
                       else "HR not estimable (zero): the baseline fails first in every pair with a failure")
        return out
    beta = math.log((model_first + together) / (baseline_first + together))
    share = (model_first + together) / weight
    se = 1.0 / math.sqrt(weight * share * (1.0 - share))
    out.update(hazard_ratio=math.exp(beta), ci_low=math.exp(beta - Z95 * se), ci_high=math.exp(beta + Z95 * se),
               p_value=float(2.0 * norm.sf(abs(beta) / se)))
    return out


def _pairs_fit(pairs: pd.DataFrame) -> dict:
    return paired_cox_fit(pairs["time_model"], pairs["event_model"], pairs["time_baseline"], pairs["event_baseline"])


def cox_table(df: pd.DataFrame, baseline: str | None = None) -> pd.DataFrame:
    """Stratified Cox hazard ratio of every model against the baseline per (molecule, temperature), one stratum
    per start (start, seed); with several start energies also one row per start. Empty without a baseline."""
    df = start_strata(df)
    baseline = choose_baseline(df, baseline)
    rows = []
    if baseline is None:
        return pd.DataFrame(rows, columns=COX_COLUMNS)
    for model, runs in _models_against(df, baseline):
        for (molecule, temperature), group in runs.groupby(PAIR_KEY[:2], sort=False):
            starts = list(dict.fromkeys(group.loc[group["use"] == "pair", "start"])) or list(
                dict.fromkeys(group["start"]))
            subsets = [(starts[0] if len(starts) == 1 else f"all {len(starts)} starts", group)]
            if len(starts) > 1:
                subsets += [(s, group[group["start"] == s]) for s in starts]
            for start, subset in subsets:
                pairs = subset[subset["use"] == "pair"]
                n = len(pairs)
                row = {"molecule": molecule, "temperature_K": temperature, "start": start, "model": model,
                       "baseline": baseline, "pairs": n, "model_failures": int(pairs["event_model"].sum()),
                       "baseline_failures": int(pairs["event_baseline"].sum())}
                if n == 0:
                    row.update(hazard_ratio=math.nan, ci_low=math.nan, ci_high=math.nan, p_value=math.nan,
                               score_p_value=math.nan, note="no pairs")
                else:
                    row.update(_pairs_fit(pairs))
                rows.append(row)
    return _campaign_order(rows, df, COX_COLUMNS)


def pooled_table(df: pd.DataFrame, baseline: str | None = None) -> pd.DataFrame:
    """Every model against the baseline pooled over temperatures and starts, per molecule and (with several
    molecules) over all: McNemar's exact test on the pooled 2 x 2 table of pairs and the Cox model with one stratum
    per pair. Every pair is its own matched stratum, so pooling pairs across cells is the stratified
    (Mantel-Haenszel) McNemar test and the stratified Cox model of the module docstring: more pairs, the same
    pairing, no assumption that cells share a hazard. `mcnemar_p_holm` and `p_value_holm` (Cox, Wald) are Holm's
    step-down adjustment (Holm 1979; statsmodels multipletests) over the models compared with the baseline within
    each molecule row group: a family of m comparisons keeps its chance of any false positive below alpha. Rows
    without a p value are left out of the family and get NaN. Empty without a baseline."""
    df = start_strata(df)
    baseline = choose_baseline(df, baseline)
    rows = []
    if baseline is None:
        return pd.DataFrame(rows, columns=POOLED_COLUMNS)
    for model, runs in _models_against(df, baseline):
        groups = list(runs.groupby("molecule", sort=False))
        if len(groups) > 1:
            groups.append(("all", runs))
        for molecule, group in groups:
            pairs = group[group["use"] == "pair"]
            n = len(pairs)
            table = _pair_table(pairs)
            row = {"molecule": molecule, "model": model, "baseline": baseline,
                   "cells": int(group.groupby(PAIR_KEY[:3], sort=False).ngroups), "pairs": n,
                   "both_survived": int(table[0, 0]), "b_only_baseline_failed": int(table[0, 1]),
                   "c_only_model_failed": int(table[1, 0]), "both_failed": int(table[1, 1]),
                   "mcnemar_p_value": math.nan, "model_failures": int(pairs["event_model"].sum()),
                   "baseline_failures": int(pairs["event_baseline"].sum())}
            if n == 0:
                row.update(hazard_ratio=math.nan, ci_low=math.nan, ci_high=math.nan, p_value=math.nan,
                           score_p_value=math.nan, note="no pairs")
            else:
                row["mcnemar_p_value"] = float(mcnemar(table, exact=True).pvalue)
                row.update(_pairs_fit(pairs))
            rows.append(row)
    table = pd.DataFrame(rows, columns=POOLED_COLUMNS)
    if table.empty:
        return table
    for raw, adjusted in (("mcnemar_p_value", "mcnemar_p_holm"), ("p_value", "p_value_holm")):
        table[adjusted] = math.nan
        for _, group in table.groupby("molecule", sort=False):
            known = group[raw].notna()
            if known.any():
                table.loc[group.index[known], adjusted] = multipletests(group.loc[known, raw], method="holm")[1]
    rank = {v: i for i, v in enumerate(dict.fromkeys(df["model"]))}
    molecules = {v: i for i, v in enumerate(dict.fromkeys(df["molecule"]))}
    order = np.lexsort((table["model"].map(rank).to_numpy(),
                        table["molecule"].map(lambda m: molecules.get(m, len(molecules))).to_numpy()))
    return table.iloc[order].reset_index(drop=True)


def survival_by_start(df: pd.DataFrame) -> pd.DataFrame:
    """Fraction of runs that survived per (molecule, model, temperature, start) with its Wilson 95% interval
    (every run lasts the campaign's duration, so this is the Kaplan-Meier survival at the end); invalid starts and
    pending runs are left out and counted."""
    df = start_strata(df)
    rows = []
    for (molecule, model, temperature, start), group in df.groupby(
            ["molecule", "model", "temperature_K", "start"], sort=False):
        status = group["status"]
        observed = status.isin(("stable",) + FAILURE_KINDS)
        runs, survived = int(observed.sum()), int((status == "stable").sum())
        low, high = proportion_confint(survived, runs, alpha=0.05, method="wilson") if runs else (math.nan, math.nan)
        rows.append({"molecule": molecule, "model": model, "temperature_K": temperature, "start": start,
                     "start_energy_kcal_mol": group["start_energy_kcal_mol"].iloc[0], "runs": runs,
                     "survived": survived, "fraction_surviving": survived / runs if runs else math.nan,
                     "wilson_low": float(low), "wilson_high": float(high),
                     "invalid_start": int((status == "invalid-start").sum()),
                     "pending": int((status == "pending").sum())})
    return pd.DataFrame(rows, columns=START_SURVIVAL_COLUMNS)


def sweeps_start_energy(table: pd.DataFrame) -> bool:
    """True when the runs of some molecule have more than one controlled start energy (survival_by_start table)."""
    energies = table.dropna(subset=["start_energy_kcal_mol"])
    return bool(len(energies) and energies.groupby("molecule")["start_energy_kcal_mol"].nunique().max() > 1)
