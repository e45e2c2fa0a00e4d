"""What the restoring-force probe said at the starts, beside what happened after them.

Every task records at its start (gpiqa probe, stability/restoring.hpp) the fraction of displaced bonds whose
generalised force points back toward equilibrium, for the full model (`start_restoring_fraction`) and for its
prior mean alone (`start_restoring_fraction_prior`; a constant mean has no forces and restores nothing: 0; the
reference has no prior: NaN). Per molecule x model x start (pooled over temperatures and seeds; invalid starts
and pending runs left out):

  runs, survived, fraction_surviving     what happened
  restoring_mean, restoring_all          mean of start_restoring_fraction, and the fraction of starts where every
                                         displaced bond was restored (fraction == 1)
  restoring_prior_mean                   mean of start_restoring_fraction_prior (NaN without a prior)
  survival_if_restoring, survival_if_not the fraction surviving among starts that the full model restored fully,
                                         and among the others (NaN when there are none): whether the probe
                                         predicts survival

The probe judges the direction of the forces at one geometry: it cannot see where the model's minimum lies nor
what happens a step later.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .starts import start_strata

RESTORING_COLUMNS = ["molecule", "model", "start", "start_energy_kcal_mol", "runs", "survived", "fraction_surviving",
                     "restoring_mean", "restoring_all", "restoring_prior_mean", "survival_if_restoring",
                     "survival_if_not"]


def restoring_table(df: pd.DataFrame) -> pd.DataFrame:
    """The table of the module docstring; empty when the file has no start_restoring_fraction column (older
    files)."""
    if "start_restoring_fraction" not in df.columns:
        return pd.DataFrame([], columns=RESTORING_COLUMNS)
    df = start_strata(df)
    done = df[~df["status"].isin(["invalid-start", "pending"])]
    rows = []
    for (molecule, model, start), g in done.groupby(["molecule", "model", "start"], sort=False):
        survived = (g["status"] == "stable").to_numpy()
        fraction = g["start_restoring_fraction"].to_numpy(dtype=float)
        prior = (g["start_restoring_fraction_prior"].to_numpy(dtype=float)
                 if "start_restoring_fraction_prior" in g.columns else np.full(len(g), np.nan))
        full = fraction == 1.0
        rows.append({"molecule": molecule, "model": model, "start": start,
                     "start_energy_kcal_mol": g["start_energy_kcal_mol"].iloc[0], "runs": len(g),
                     "survived": int(survived.sum()), "fraction_surviving": float(survived.mean()),
                     "restoring_mean": float(np.nanmean(fraction)) if np.isfinite(fraction).any() else np.nan,
                     "restoring_all": float(full.mean()),
                     "restoring_prior_mean": float(np.nanmean(prior)) if np.isfinite(prior).any() else np.nan,
                     "survival_if_restoring": float(survived[full].mean()) if full.any() else np.nan,
                     "survival_if_not": float(survived[~full].mean()) if (~full).any() else np.nan})
    return pd.DataFrame(rows, columns=RESTORING_COLUMNS)
