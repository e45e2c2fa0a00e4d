"""gpiqa-report RESULTS.h5 --out DIR: survival table (CSV, Markdown), log-rank tests, the surrogates paired with
the reference control (when the campaign has one) and figures."""
from __future__ import annotations

import argparse
import math
import os
import sys

from . import plots
from .results import GpiqaFileError, load
from .survival import km_table, logrank_table, paired_table


def markdown_table(table, tau: float) -> str:
    header = ("| molecule | model | T (K) | runs | failures (c/e/f) | censored | pending | invalid starts | "
              "S(end) [95% CI] | median ttf (ps) | RMST (ps) |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
    lines = []
    for _, r in table.iterrows():
        if r["runs"] == 0:
            surv = "-"
        elif math.isnan(r["km_ci_low"]):
            surv = f"{r['km_survival']:.2f}"
        else:
            surv = f"{r['km_survival']:.2f} [{r['km_ci_low']:.2f}, {r['km_ci_high']:.2f}]"
        median = "-" if r["runs"] == 0 else (f"> {tau:g}" if math.isnan(r["median_ttf_ps"]) else f"{r['median_ttf_ps']:.3g}")
        rmst = "-" if math.isnan(r["rmst_ps"]) else f"{r['rmst_ps']:.3g}"
        lines.append(f"| {r['molecule']} | {r['model']} | {r['temperature_K']:g} | {r['runs']} | {r['failures']} "
                     f"({r['collapsed']}/{r['exploded']}/{r['failed']}) | {r['censored']} | {r['pending']} | "
                     f"{r['invalid_start']} | {surv} | "
                     f"{median} | {rmst} |")
    return header + "\n".join(lines) + "\n"


def paired_markdown(paired) -> str:
    header = ("| molecule | model | T (K) | pairs | reference survived | both survived | surrogate-only failures | "
              "reference-only failures | both failed | survival given reference |\n|---|---|---|---|---|---|---|---|---|---|\n")
    lines = []
    for _, r in paired.iterrows():
        given = "-" if math.isnan(r["survival_given_reference"]) else f"{r['survival_given_reference']:.2f}"
        lines.append(f"| {r['molecule']} | {r['model']} | {r['temperature_K']:g} | {r['pairs']} | {r['reference_survived']} | "
                     f"{r['both_survived']} | {r['surrogate_only_failures']} | {r['reference_only_failures']} | "
                     f"{r['both_failed']} | {given} |")
    return header + "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="gpiqa-report", description=__doc__)
    parser.add_argument("results", help="gpiqa results file (HDF5)")
    parser.add_argument("--out", required=True, help="output folder (created if missing)")
    parser.add_argument("--task", type=int, action="append", default=[], help="also plot traces of this task id")
    parser.add_argument("--failing-traces", type=int, default=6, help="traces of up to this many failed runs")
    parser.add_argument("--window-ps", type=float, default=None, help="trace window before a failure (default: all)")
    args = parser.parse_args(argv)
    try:
        df = load(args.results)
    except GpiqaFileError as e:
        print(f"gpiqa-report: error: {e}", file=sys.stderr)
        return 2
    os.makedirs(args.out, exist_ok=True)
    tau = float(df.attrs["duration_ps"])
    table = km_table(df, tau)
    table.to_csv(os.path.join(args.out, "survival.csv"), index=False)
    with open(os.path.join(args.out, "survival.md"), "w") as f:
        f.write(f"# {df.attrs.get('campaign_name', '')}: survival at {tau:g} ps\n\n")
        f.write(markdown_table(table, tau))
    logrank_table(df).to_csv(os.path.join(args.out, "logrank.csv"), index=False)
    paired = paired_table(df)
    tables = "survival.csv, survival.md, logrank.csv"
    if not paired.empty:
        paired.to_csv(os.path.join(args.out, "paired.csv"), index=False)
        with open(os.path.join(args.out, "paired.md"), "w") as f:
            f.write(f"# {df.attrs.get('campaign_name', '')}: each model against the reference, seed by seed\n\n")
            f.write(paired_markdown(paired))
        tables += ", paired.csv, paired.md"
    written = plots.km_curves(df, args.out)
    written.append(plots.survival_heatmap(table, args.out))
    written.append(plots.failure_modes(df, args.out))
    if df.attrs.get("has_trajectories"):
        failing = df[df["status"].isin(["collapsed", "exploded", "failed"])]["task_id"].tolist()[: args.failing_traces]
        written += plots.traces(df, list(args.task) + failing, args.out, args.window_ps)
    pending = int((df["status"] == "pending").sum())
    print(f"{args.results}: {len(df)} tasks ({pending} pending) -> {args.out}/{tables}, {len(written)} figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
