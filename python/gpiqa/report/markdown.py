"""The report's tables as Markdown (survival.md, paired.md, paired_statistics.md, agreement.md)."""
from __future__ import annotations

import math


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


def paired_statistics_markdown(name: str, t) -> str:
    """paired_statistics.md: McNemar per cell, Cox per cell and the pooled tables of a ReportTables."""
    return (f"# {name}: every model against {t.baseline}, run by run on the same starts\n\n"
            f"## Survived or failed: McNemar's exact test\n\n"
            f"Survived: status stable; failed: collapsed, exploded or failed. Pairs with an invalid start or a "
            f"pending run are left out and counted.\n\n" + mcnemar_markdown(t.mcnemar)
            + f"\n## Time to failure: Cox model stratified by start\n\nHazard ratio of each model against "
            f"{t.baseline}, one stratum per shared start; p (score) is the score test at HR = 1, defined also when "
            f"the hazard ratio is not.\n\n" + cox_markdown(t.cox)
            + "\n## Pooled over temperatures and starts\n\nEvery pair is its own matched stratum, so the pairs of "
            "all cells pool into one McNemar table (the stratified McNemar test) and one Cox model with a stratum "
            "per pair: the most power the campaign has, per molecule and over all.\n\n" + pooled_markdown(t.pooled))
