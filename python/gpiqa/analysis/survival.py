"""Survival statistics of stability campaigns.

Runs that reach the end of the simulation are right-censored at the campaign duration; failures (collapsed,
exploded, failed) are events at their time_to_failure_ps; pending tasks and invalid starts (a start that a
geometry or temperature monitor rejected at step 0, the start's failure rather than the model's) are left out and
counted apart. Averaging failure times
with survivors counted as failing at the end (a common shortcut) understates stable models.

  Kaplan-Meier           S(t) = prod_{t_i <= t} (1 - d_i / n_i)                (statsmodels SurvfuncRight)
  Greenwood variance     Var S(t) = S(t)^2 sum_{t_i <= t} d_i / (n_i (n_i - d_i))
  95% CI, log(-log)      S(t)^exp(+-1.96 se_theta),  se_theta = sqrt(Var S) / |S log S|  (Kalbfleisch-Prentice)
  median                 first t with S(t) <= 0.5 (none if S stays above)
  RMST                   integral_0^tau S(t) dt, tau = campaign duration
  log-rank               between models, per (molecule, temperature), K groups:
                         U_k = sum_t (d_k(t) - n_k(t) d(t) / n(t)),
                         V_kl = sum_t d (n - d) / (n - 1) (n_k / n) (delta_kl - n_l / n)   (n > 1),
                         chi2 = U^T V^+ U with df = rank V (V^+ the Moore-Penrose inverse): the same as
                         statsmodels' survdiff when V is regular, and defined when it is not (every run of
                         the compared groups failing at one instant, as broken starting geometries do: then
                         U = 0, chi2 = 0 and, with rank 0, no test)
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import chi2 as chi2_distribution
from statsmodels.duration.survfunc import SurvfuncRight

from .results_file import FAILURE_KINDS, NOT_OBSERVED

Z95 = 1.959963984540054
TABLE_COLUMNS = ["molecule", "model", "temperature_K", "runs", "failures", "collapsed", "exploded", "failed",
                 "censored", "pending", "invalid_start", "km_survival", "km_ci_low", "km_ci_high", "median_ttf_ps", "rmst_ps"]


def survival_data(group: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(time, event) of the finished runs of a group: failures at their failure time, survivors censored."""
    done = group[~group["status"].isin(NOT_OBSERVED)]
    event = done["status"].isin(FAILURE_KINDS).to_numpy().astype(int)
    time = np.where(event == 1, done["time_to_failure_ps"].to_numpy(dtype=float),
                    done["simulated_ps"].to_numpy(dtype=float))
    return time, event


def km_curve(time: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The Kaplan-Meier step function at its failure times: (t, S(t), lower, upper), the 95% interval by the
    Greenwood variance on the log(-log) scale; NaN bounds where S is 0 or 1 (the transform is undefined there)."""
    if len(time) == 0 or event.sum() == 0:
        return (np.array([]),) * 4
    sf = SurvfuncRight(time, event)
    t, s, se = sf.surv_times, sf.surv_prob, sf.surv_prob_se
    low, high = np.full(len(s), np.nan), np.full(len(s), np.nan)
    inside = (s > 0) & (s < 1) & (se > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        se_theta = se[inside] / np.abs(s[inside] * np.log(s[inside]))
    low[inside] = s[inside] ** np.exp(Z95 * se_theta)
    high[inside] = s[inside] ** np.exp(-Z95 * se_theta)
    return t, s, low, high


def km_at(time: np.ndarray, event: np.ndarray, tau: float) -> dict:
    """Kaplan-Meier survival at tau with its log(-log) 95% CI, the median and the RMST up to tau."""
    out = {"km_survival": math.nan, "km_ci_low": math.nan, "km_ci_high": math.nan, "median_ttf_ps": math.nan,
           "rmst_ps": math.nan}
    if len(time) == 0:
        return out
    if event.sum() == 0:  # no failure: S = 1 throughout (the log(-log) interval is undefined at S = 1)
        out.update(km_survival=1.0, rmst_ps=tau)
        return out
    t, s, low, high = km_curve(time, event)
    idx = np.searchsorted(t, tau, side="right") - 1
    out["km_survival"] = 1.0 if idx < 0 else float(s[idx])
    if idx >= 0:
        out["km_ci_low"], out["km_ci_high"] = float(low[idx]), float(high[idx])
    below = np.nonzero(s <= 0.5)[0]
    if len(below) and t[below[0]] <= tau:
        out["median_ttf_ps"] = float(t[below[0]])
    # RMST: area under the step function from 0 to tau
    edges = np.concatenate([[0.0], t[t < tau], [tau]])
    levels = np.concatenate([[1.0], s[t < tau]])
    out["rmst_ps"] = float(np.sum(levels * np.diff(edges)))
    return out


def km_table(df: pd.DataFrame, tau: float | None = None) -> pd.DataFrame:
    """One row per (molecule, model, temperature) in campaign order, columns TABLE_COLUMNS; survival at tau
    (default: the campaign duration)."""
    tau = float(df.attrs.get("duration_ps", df["simulated_ps"].max())) if tau is None else float(tau)
    rows = []
    for (molecule, model, temperature), group in df.groupby(["molecule", "model", "temperature_K"], sort=False):
        status = group["status"]
        time, event = survival_data(group)
        row = {"molecule": molecule, "model": model, "temperature_K": temperature,
               "runs": int((~status.isin(NOT_OBSERVED)).sum()), "failures": int(event.sum()),
               "collapsed": int((status == "collapsed").sum()), "exploded": int((status == "exploded").sum()),
               "failed": int((status == "failed").sum()), "censored": int((status == "stable").sum()),
               "pending": int((status == "pending").sum()),
               "invalid_start": int((status == "invalid-start").sum())}
        row.update(km_at(time, event, tau))
        rows.append(row)
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def logrank(time: np.ndarray, event: np.ndarray, groups: np.ndarray) -> tuple[float, int, float]:
    """(chi2, df, p) of the log-rank test between the groups (see the module docstring); p is NaN when df is 0."""
    time, event = np.asarray(time, dtype=float), np.asarray(event, dtype=bool)
    codes, labels = pd.factorize(np.asarray(groups), sort=False)
    at = np.unique(time[event])  # the failure times t
    n_k = np.empty((len(at), len(labels)))  # at risk in group k at t (time >= t)
    d_k = np.empty((len(at), len(labels)))  # failing in group k at t
    for k in range(len(labels)):
        times = np.sort(time[codes == k])
        failures = np.sort(time[(codes == k) & event])
        n_k[:, k] = len(times) - np.searchsorted(times, at, side="left")
        d_k[:, k] = np.searchsorted(failures, at, side="right") - np.searchsorted(failures, at, side="left")
    n, d = n_k.sum(axis=1), d_k.sum(axis=1)
    u = (d_k - n_k * (d / n)[:, None]).sum(axis=0)
    several = n > 1
    w = np.where(several, d * (n - d) / np.where(several, n - 1, 1), 0.0)
    share = n_k / n[:, None]
    v = np.diag((w[:, None] * share).sum(axis=0)) - (w[:, None] * share).T @ share
    rank = int(np.linalg.matrix_rank(v, tol=1e-10 * max(1.0, np.abs(v).max())))
    if rank == 0:
        return 0.0, 0, math.nan
    chi2 = float(u @ np.linalg.pinv(v, rcond=1e-10) @ u)
    return chi2, rank, float(chi2_distribution.sf(chi2, rank))


def logrank_table(df: pd.DataFrame) -> pd.DataFrame:
    """Log-rank tests between the models of each (molecule, temperature): all models together, and every pair."""
    rows = []
    for (molecule, temperature), group in df.groupby(["molecule", "temperature_K"], sort=False):
        done = group[~group["status"].isin(NOT_OBSERVED)]
        models = list(dict.fromkeys(done["model"]))
        comparisons = [("all", models)] if len(models) > 2 else []
        comparisons += [(f"{a} vs {b}", [a, b]) for i, a in enumerate(models) for b in models[i + 1:]]
        for label, members in comparisons:
            sub = done[done["model"].isin(members)]
            time, event = survival_data(sub)
            row = {"molecule": molecule, "temperature_K": temperature, "comparison": label,
                   "models": len(members), "runs": len(sub), "failures": int(event.sum()),
                   "chi2": math.nan, "df": len(members) - 1, "p_value": math.nan}
            if event.sum() > 0 and len(set(sub["model"])) > 1:
                chi2, dof, p = logrank(time, event, sub["model"].to_numpy())
                row.update(chi2=chi2, df=dof, p_value=p)
            rows.append(row)
    return pd.DataFrame(rows, columns=["molecule", "temperature_K", "comparison", "models", "runs", "failures",
                                       "chi2", "df", "p_value"])


PAIRED_COLUMNS = ["molecule", "model", "temperature_K", "pairs", "reference_survived", "both_survived",
                  "surrogate_only_failures", "reference_only_failures", "both_failed",
                  "survival_given_reference"]


def paired_table(df: pd.DataFrame) -> pd.DataFrame:
    """Every model against the campaign's reference variant (rows with mean "reference"), seed by seed.

    All variants of a (molecule, temperature, seed) start from the same geometry and velocities, so the reference
    run is the control of each surrogate run: a start the reference survives but the surrogate does not is the
    surrogate's failure (`surrogate_only_failures`); a start that breaks the reference as well says nothing about
    the surrogate. `survival_given_reference` = both_survived / reference_survived. Pairs with a pending side, and
    invalid starts, are left out. Empty when the campaign has no reference variant.
    """
    done = df[~df["status"].isin(NOT_OBSERVED)]
    is_reference = done["mean"] == "reference"
    reference = done[is_reference].set_index(["molecule", "temperature_K", "seed"])["status"]
    reference = reference[~reference.index.duplicated()]
    rows = []
    if reference.empty:
        return pd.DataFrame(rows, columns=PAIRED_COLUMNS)
    for (molecule, model, temperature), group in done[~is_reference].groupby(["molecule", "model", "temperature_K"], sort=False):
        keys = list(zip(group["molecule"], group["temperature_K"], group["seed"]))
        present = [k in reference.index for k in keys]
        mine = group["status"].to_numpy()[present] == "stable"
        theirs = np.array([reference[k] == "stable" for k, p in zip(keys, present) if p], dtype=bool)
        both = int((mine & theirs).sum())
        ref_ok = int(theirs.sum())
        rows.append({"molecule": molecule, "model": model, "temperature_K": temperature, "pairs": int(len(mine)),
                     "reference_survived": ref_ok, "both_survived": both,
                     "surrogate_only_failures": int((~mine & theirs).sum()),
                     "reference_only_failures": int((mine & ~theirs).sum()),
                     "both_failed": int((~mine & ~theirs).sum()),
                     "survival_given_reference": both / ref_ok if ref_ok else math.nan})
    return pd.DataFrame(rows, columns=PAIRED_COLUMNS)
