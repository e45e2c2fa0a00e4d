"""Everything the report says, computed once from the /tasks table: the statistics of gpiqa.analysis and the
campaign's own counts (status, reason, cost). The folder's CSV and Markdown files and the HTML page are both
written from one ReportTables."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..analysis.agreement import agreement_table
from ..analysis.paired import (choose_baseline, cox_table, mcnemar_table, pooled_table, survival_by_start,
                               sweeps_start_energy)
from ..analysis.restoring import restoring_table
from ..analysis.results_file import STATUSES
from ..analysis.starts import start_strata
from ..analysis.survival import km_table, logrank_table, paired_table
from ..analysis.variance import variance_table

DECIMAL = re.compile(r"(?<![A-Za-z0-9_.])[-+]?\d+(\.\d+)?(e[-+]?\d+)?(?![A-Za-z0-9_])")


def reason_kind(reason: str) -> str:
    """A reason with its measured numbers replaced by '#' (atom names such as H2 stay), so that runs that ended
    the same way count together: "bond O1-H2 stretched to # A (reference # A, limit +# A)"."""
    return DECIMAL.sub("#", reason) if reason else "(none)"


@dataclass
class ReportTables:
    tau_ps: float
    survival: pd.DataFrame
    logrank: pd.DataFrame
    by_reference: pd.DataFrame  # paired_table: every model against the reference variant, seed by seed
    by_start: pd.DataFrame
    sweeps_start: bool
    restoring: pd.DataFrame
    variance: pd.DataFrame
    status_counts: pd.DataFrame
    reason_counts: pd.DataFrame
    cost: pd.DataFrame
    starts: pd.Series  # the start label of every task (starts.start_strata), in task order
    baseline: str | None = None
    baseline_named: bool = False  # True: --baseline MODEL; False: the campaign's reference variant
    mcnemar: pd.DataFrame | None = None
    cox: pd.DataFrame | None = None
    pooled: pd.DataFrame | None = None
    agreement: pd.DataFrame | None = None
    compare_path: str | None = None


def status_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Tasks per molecule x model by status (every status a column, campaign order), and the total."""
    counts = (df.groupby(["molecule", "model"], sort=False)["status"].value_counts().unstack(fill_value=0)
              .reindex(columns=list(STATUSES), fill_value=0))
    counts["tasks"] = counts.sum(axis=1)
    return counts.reset_index()


def reason_counts(df: pd.DataFrame) -> pd.DataFrame:
    """How the finished runs ended: (status, reason kind) with counts per model, most frequent first."""
    done = df[df["status"] != "pending"]
    if done.empty:
        return pd.DataFrame(columns=["status", "reason", "runs", "models"])
    kinds = done.assign(reason_kind=done["reason"].map(reason_kind))
    rows = []
    for (status, kind), g in kinds.groupby(["status", "reason_kind"], sort=False):
        per_model = g["model"].value_counts()
        rows.append({"status": status, "reason": kind, "runs": len(g),
                     "models": ", ".join(f"{m} {n}" for m, n in per_model.items())})
    table = pd.DataFrame(rows)
    return table.sort_values("runs", ascending=False, kind="stable").reset_index(drop=True)


def cost_table(df: pd.DataFrame) -> pd.DataFrame:
    """Wall-clock cost per molecule x model: finished runs, core-hours (one core per run), simulated ps and steps,
    median steps per second; pending runs and an estimate of their core-hours (at the median of that model's
    finished runs)."""
    rows = []
    for (molecule, model), g in df.groupby(["molecule", "model"], sort=False):
        done = g[g["status"] != "pending"]
        seconds = done["wall_seconds"].to_numpy(dtype=float) if "wall_seconds" in g else np.array([])
        pending = int((g["status"] == "pending").sum())
        median_s = float(np.median(seconds)) if len(seconds) else np.nan
        rows.append({"molecule": molecule, "model": model, "finished": len(done),
                     "core_hours": float(seconds.sum()) / 3600.0,
                     "simulated_ps": float(done["simulated_ps"].sum()), "steps": int(done["steps"].sum()),
                     "median_steps_per_second": (float(np.median(done["steps_per_second"]))
                                                 if "steps_per_second" in done and len(done) else np.nan),
                     "pending": pending,
                     "pending_core_hours_estimate": pending * median_s / 3600.0 if pending else 0.0})
    return pd.DataFrame(rows)


def compute(df: pd.DataFrame, baseline: str | None = None, compare: pd.DataFrame | None = None,
            compare_path: str | None = None) -> ReportTables:
    """The report's tables of the results table `df` (results_file.load), paired against `baseline` (a model
    name; default the campaign's reference variant) and, with `compare` (another run of the campaign), the
    agreement of the two. UnknownModelError / GpiqaFileError as choose_baseline and agreement_table raise."""
    tau = float(df.attrs["duration_ps"])
    chosen = choose_baseline(df, baseline)
    by_start = survival_by_start(df)
    t = ReportTables(tau_ps=tau, survival=km_table(df, tau), logrank=logrank_table(df), by_reference=paired_table(df),
                     by_start=by_start, sweeps_start=sweeps_start_energy(by_start), restoring=restoring_table(df),
                     variance=variance_table(df), status_counts=status_counts(df), reason_counts=reason_counts(df),
                     cost=cost_table(df), starts=start_strata(df)["start"], baseline=chosen,
                     baseline_named=baseline is not None, compare_path=compare_path)
    if chosen is not None:
        t.mcnemar, t.cox, t.pooled = mcnemar_table(df, chosen), cox_table(df, chosen), pooled_table(df, chosen)
    if compare is not None:
        t.agreement = agreement_table(df, compare, chosen)
    return t

