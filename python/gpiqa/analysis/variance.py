"""What the GP posterior variance said during the runs, beside what happened in them.

Every GP run probes the normalised posterior variance of its atoms every stability.extrapolation_every_fs
(0 on the training data, 1 where only the prior mean speaks) and records the largest value seen
(`max_posterior_variance`) and the time of the first probe above stability.extrapolation_variance
(`time_to_extrapolation_ps`, NaN if none); the reference has no training data (NaN throughout). Per molecule x
model (pooled over temperatures, starts and seeds; invalid starts and pending runs left out):

  runs, failures                         what happened
  max_variance_survived, _failed         median of max_posterior_variance over the runs that survived, failed
  extrapolated                           fraction of runs that crossed the threshold at some probe
  failures_extrapolated_first            fraction of failed runs that crossed it before (or at) their failure
  median_lead_ps                         median of time_to_failure_ps - time_to_extrapolation_ps over those

A model that fails after leaving its training data (failures extrapolated first, a lead of some ps) fails where
the prior mean takes over; one that fails inside it (low variance) fails on its own fit. The probe interval
bounds the lead's resolution.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .results_file import FAILURE_KINDS, NOT_OBSERVED

VARIANCE_COLUMNS = ["molecule", "model", "runs", "failures", "max_variance_survived", "max_variance_failed",
                    "extrapolated", "failures_extrapolated_first", "median_lead_ps"]


def _median(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    return float(np.median(values)) if len(values) else np.nan


def variance_table(df: pd.DataFrame) -> pd.DataFrame:
    """The table of the module docstring for the models with a posterior variance; empty when no run recorded
    one (a reference-only campaign, or a file from before the variance was recorded)."""
    if "max_posterior_variance" not in df.columns:
        return pd.DataFrame([], columns=VARIANCE_COLUMNS)
    done = df[~df["status"].isin(NOT_OBSERVED)]
    rows = []
    for (molecule, model), g in done.groupby(["molecule", "model"], sort=False):
        variance = g["max_posterior_variance"].to_numpy(dtype=float)
        if not np.isfinite(variance).any():
            continue
        failed = g["status"].isin(FAILURE_KINDS).to_numpy()
        tte = (g["time_to_extrapolation_ps"].to_numpy(dtype=float) if "time_to_extrapolation_ps" in g.columns
               else np.full(len(g), np.nan))
        ttf = g["time_to_failure_ps"].to_numpy(dtype=float)
        first = failed & np.isfinite(tte) & (tte <= ttf)
        rows.append({"molecule": molecule, "model": model, "runs": len(g), "failures": int(failed.sum()),
                     "max_variance_survived": _median(variance[~failed]),
                     "max_variance_failed": _median(variance[failed]),
                     "extrapolated": float(np.isfinite(tte).mean()),
                     "failures_extrapolated_first": float(first.sum() / failed.sum()) if failed.any() else np.nan,
                     "median_lead_ps": _median((ttf - tte)[first])})
    return pd.DataFrame(rows, columns=VARIANCE_COLUMNS)
