"""gpiqa-report RESULTS.h5 --out DIR [--baseline MODEL]: survival table (CSV, Markdown), log-rank tests, every model
paired with a baseline run by run (counts, McNemar's exact test, a Cox model stratified by start) and figures."""
from __future__ import annotations

import argparse
import math
import os
import sys

from . import plots
from .agreement import agreement_table
from .paired import (choose_baseline, cox_table, mcnemar_table, pooled_table, survival_by_start,
                     sweeps_start_energy)
from .restoring import restoring_table
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


def _p(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.3g}"


def mcnemar_markdown(table) -> str:
    header = ("| molecule | T (K) | start | model | pairs | both survived | b: only baseline failed | "
              "c: only model failed | both failed | exact p | invalid starts | pending | unpaired |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    lines = [f"| {r['molecule']} | {r['temperature_K']:g} | {r['start']} | {r['model']} | {r['pairs']} | "
             f"{r['both_survived']} | {r['b_only_baseline_failed']} | {r['c_only_model_failed']} | "
             f"{r['both_failed']} | "
             f"{_p(r['p_value'])} | {r['excluded_invalid_start']} | {r['excluded_pending']} | {r['unpaired']} |"
             for _, r in table.iterrows()]
    return header + "\n".join(lines) + "\n"


def _hazard_ratio(value: float, low: float, high: float) -> str:
    return "-" if math.isnan(value) else f"{value:.3g} [{low:.3g}, {high:.3g}]"


def cox_markdown(table) -> str:
    header = ("| molecule | T (K) | start | model | pairs | failures (model/baseline) | hazard ratio [95% CI] | "
              "p (Wald) | p (score) | note |\n|---|---|---|---|---|---|---|---|---|---|\n")
    lines = []
    for _, r in table.iterrows():
        hr = _hazard_ratio(r["hazard_ratio"], r["ci_low"], r["ci_high"])
        lines.append(f"| {r['molecule']} | {r['temperature_K']:g} | {r['start']} | {r['model']} | {r['pairs']} | "
                     f"{r['model_failures']}/{r['baseline_failures']} | {hr} | {_p(r['p_value'])} | "
                     f"{_p(r['score_p_value'])} | {r['note']} |")
    return header + "\n".join(lines) + "\n"


def pooled_markdown(table) -> str:
    header = ("| molecule | model | cells | pairs | b: only baseline failed | c: only model failed | McNemar p | "
              "McNemar p (Holm) | failures (model/baseline) | hazard ratio [95% CI] | p (Wald) | p (Wald, Holm) | "
              "p (score) | note |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    lines = []
    for _, r in table.iterrows():
        hr = _hazard_ratio(r["hazard_ratio"], r["ci_low"], r["ci_high"])
        lines.append(f"| {r['molecule']} | {r['model']} | {r['cells']} | {r['pairs']} | {r['b_only_baseline_failed']} "
                     f"| {r['c_only_model_failed']} | {_p(r['mcnemar_p_value'])} | {_p(r['mcnemar_p_holm'])} | "
                     f"{r['model_failures']}/{r['baseline_failures']} | {hr} | {_p(r['p_value'])} | "
                     f"{_p(r['p_value_holm'])} | {_p(r['score_p_value'])} | {r['note']} |")
    return header + "\n".join(lines) + "\n"


def agreement_markdown(table) -> str:
    header = ("| molecule | model | pairs (a/b) | b/c (a) | McNemar p, Holm (a) | b/c (b) | McNemar p, Holm (b) | "
              "McNemar | HR [95% CI], Holm p (a) | HR [95% CI], Holm p (b) | Cox |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|\n")

    def hr(r, s):
        text = _hazard_ratio(r[f"hr_{s}"], r[f"ci_low_{s}"], r[f"ci_high_{s}"])
        return text if text == "-" else f"{text}, {_p(r[f'p_holm_{s}'])}"
    lines = [f"| {r['molecule']} | {r['model']} | {r['pairs_a']}/{r['pairs_b']} | {r['b_a']}/{r['c_a']} | "
             f"{_p(r['mcnemar_p_a'])}, {_p(r['mcnemar_p_holm_a'])} | {r['b_b']}/{r['c_b']} | "
             f"{_p(r['mcnemar_p_b'])}, {_p(r['mcnemar_p_holm_b'])} | {r['mcnemar_agreement']} | "
             f"{hr(r, 'a')} | {hr(r, 'b')} | {r['cox_agreement']} |" for _, r in table.iterrows()]
    return header + "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="gpiqa-report", description=__doc__)
    parser.add_argument("results", help="gpiqa results file (HDF5)")
    parser.add_argument("--out", required=True, help="output folder (created if missing)")
    parser.add_argument("--task", type=int, action="append", default=[], help="also plot traces of this task id")
    parser.add_argument("--failing-traces", type=int, default=6, help="traces of up to this many failed runs")
    parser.add_argument("--window-ps", type=float, default=None, help="trace window before a failure (default: all)")
    parser.add_argument("--baseline", metavar="MODEL", default=None,
                        help="model the paired statistics compare every other model with (default: the campaign's "
                             "kind: reference variant)")
    parser.add_argument("--compare", metavar="OTHER.h5", default=None,
                        help="another run of the same campaign (another build or machine): agreement.csv/.md say "
                             "which pooled paired statistics both runs support")
    args = parser.parse_args(argv)
    try:
        df = load(args.results)
        baseline = choose_baseline(df, args.baseline)
        agreement = None
        if args.compare is not None:
            if baseline is None:
                raise GpiqaFileError(f"{args.results}: --compare needs a baseline (a kind: reference variant or "
                                     f"--baseline MODEL)")
            agreement = agreement_table(df, load(args.compare), baseline)
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
    if baseline is not None:
        mcnemar, cox = mcnemar_table(df, baseline), cox_table(df, baseline)
        pooled = pooled_table(df, baseline)
        mcnemar.to_csv(os.path.join(args.out, "mcnemar.csv"), index=False)
        cox.to_csv(os.path.join(args.out, "cox.csv"), index=False)
        pooled.to_csv(os.path.join(args.out, "pooled.csv"), index=False)
        with open(os.path.join(args.out, "paired_statistics.md"), "w") as f:
            f.write(f"# {df.attrs.get('campaign_name', '')}: every model against {baseline}, run by run on the same "
                    f"starts\n\n## Survived or failed: McNemar's exact test\n\n"
                    f"Survived: status stable; failed: collapsed, exploded or failed. Pairs with an invalid start or "
                    f"a pending run are left out and counted.\n\n")
            f.write(mcnemar_markdown(mcnemar))
            f.write(f"\n## Time to failure: Cox model stratified by start\n\nHazard ratio of each model against "
                    f"{baseline}, one stratum per shared start; p (score) is the score test at HR = 1, defined also "
                    f"when the hazard ratio is not.\n\n")
            f.write(cox_markdown(cox))
            f.write(f"\n## Pooled over temperatures and starts\n\nEvery pair is its own matched stratum, so the "
                    f"pairs of all cells pool into one McNemar table (the stratified McNemar test) and one Cox model "
                    f"with a stratum per pair: the most power the campaign has, per molecule and over all.\n\n")
            f.write(pooled_markdown(pooled))
        tables += ", mcnemar.csv, cox.csv, pooled.csv, paired_statistics.md"
    restoring = restoring_table(df)
    if not restoring.empty:
        restoring.to_csv(os.path.join(args.out, "restoring.csv"), index=False)
        tables += ", restoring.csv"
    if agreement is not None:
        agreement.to_csv(os.path.join(args.out, "agreement.csv"), index=False)
        with open(os.path.join(args.out, "agreement.md"), "w") as f:
            f.write(f"# {df.attrs.get('campaign_name', '')}: what both runs support\n\n"
                    f"Run a: {args.results}; run b: {args.compare}. Pooled over temperatures and starts, every model "
                    f"against {baseline}; a verdict is reported only where both runs agree.\n\n")
            f.write(agreement_markdown(agreement))
        tables += ", agreement.csv, agreement.md"
    else:
        print(f"{args.results}: no kind: reference variant, so no paired statistics (give --baseline MODEL)")
    written = plots.km_curves(df, args.out)
    written.append(plots.survival_heatmap(table, args.out, tau))
    by_start = survival_by_start(df)
    if sweeps_start_energy(by_start):
        by_start.to_csv(os.path.join(args.out, "survival_by_start.csv"), index=False)
        tables += ", survival_by_start.csv"
        written += plots.survival_vs_start(by_start, args.out)
    written.append(plots.failure_modes(df, args.out))
    if df.attrs.get("has_trajectories"):
        failing = df[df["status"].isin(["collapsed", "exploded", "failed"])]["task_id"].tolist()[: args.failing_traces]
        written += plots.traces(df, list(args.task) + failing, args.out, args.window_ps)
    pending = int((df["status"] == "pending").sum())
    print(f"{args.results}: {len(df)} tasks ({pending} pending) -> {args.out}/{tables}, {len(written)} figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
