"""The sections of the HTML page, each a function of the results table, the report's tables and its figures
that returns markup."""
from __future__ import annotations

import pandas as pd

from ..analysis.results_file import STATUSES
from .html_format import details, esc, fraction_ci, hazard_ratio, number, p_value, table


def campaign_settings(yaml_text: str) -> dict:
    """The campaign YAML as a mapping (PyYAML when installed; {} otherwise or when it does not parse)."""
    try:
        import yaml
        settings = yaml.safe_load(yaml_text)
    except Exception:  # no PyYAML, or text it cannot read: the page shows the YAML itself
        return {}
    return settings if isinstance(settings, dict) else {}


def _inline(mapping) -> str:
    if not isinstance(mapping, dict):
        return esc(mapping)
    return ", ".join(f"{esc(k)}: {_inline(v)}" for k, v in mapping.items())


def progress_banner(df: pd.DataFrame, t) -> str:
    pending = int((df["status"] == "pending").sum())
    if pending == 0:
        return ""
    done = len(df) - pending
    left = float(t.cost["pending_core_hours_estimate"].sum())
    estimate = f" (about {number(left, 2)} core-hours left at the median cost of finished runs)" if left > 0 else ""
    return (f'<div class="banner provisional" id="progress"><b>Campaign in progress: {done} of {len(df)} tasks '
            f'finished ({100.0 * done / len(df):.1f}%), {pending} pending{estimate}.</b> Everything below is '
            f'provisional: survival curves, heat maps and tests use the finished runs only; a pending run counts '
            f'neither as a survivor nor as a failure, and pairs with a pending side are left out (the tables\' '
            f'pending columns count them). A run that fails ends early and one that survives runs to the end, '
            f'so the runs finished so far can hold more than their share of failures: survival can read low until '
            f'the campaign is done.</div>')


def design_table(df: pd.DataFrame, t) -> str:
    settings = campaign_settings(str(df.attrs.get("campaign_yaml", "")))
    models = df.drop_duplicates("model")[["model", "mean"]]
    seeds = sorted(set(df["seed"]))
    rows = [("campaign", esc(df.attrs.get("campaign_name", ""))),
            ("molecules", esc(", ".join(dict.fromkeys(df["molecule"])))),
            ("models (prior mean)", esc(", ".join(f"{m} ({mean})" for m, mean in models.itertuples(index=False)))),
            ("temperatures (K)", esc(", ".join(f"{x:g}" for x in sorted(set(df["temperature_K"]))))),
            ("seeds", esc(f"{len(seeds)} ({seeds[0]} to {seeds[-1]})" if seeds else "none")),
            ("starts", esc(", ".join(dict.fromkeys(t.starts)))),
            ("duration per run", esc(f"{t.tau_ps:g} ps")),
            ("tasks", esc(f"{len(df)} = molecules x models x temperatures x starts x seeds"))]
    for key in ("md", "stability", "output"):
        if key in settings:
            rows.append((key, _inline(settings[key])))
    for key in ("software_version", "created", "campaign_fingerprint"):
        if key in df.attrs:
            rows.append((key.replace("_", " "), esc(df.attrs[key])))
    body = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in rows)
    yaml_text = esc(df.attrs.get("campaign_yaml", "(not recorded)"))
    return (f'<table class="design">{body}</table>'
            + details("The campaign's YAML, as the run read it", f"<pre>{yaml_text}</pre>"))


def campaign_section(df: pd.DataFrame, t, figures: dict) -> str:
    statuses = [s for s in STATUSES if s in t.status_counts.columns and t.status_counts[s].any()]
    counts = table(t.status_counts, [("molecule", "molecule", ""), ("model", "model", "")]
                   + [(s, s, "num") for s in statuses] + [("tasks", "tasks", "num")], css="counts")
    reasons = t.reason_counts.head(40)
    more = len(t.reason_counts) - len(reasons)
    reason_table = table(reasons, [("status", "status", ""), ("how the run ended (numbers as #)", "reason", "wrap"),
                                   ("runs", "runs", "num"), ("runs per model", "models", "wrap")], css="reasons")
    if more > 0:
        reason_table += f"<p>... and {more} more kinds (the task table lists every run's reason).</p>"
    cost = t.cost
    total = (f"<p>In all: {number(cost['core_hours'].sum(), 3)} core-hours for {int(cost['finished'].sum())} "
             f"finished runs, {int(cost['steps'].sum())} steps ({number(cost['simulated_ps'].sum(), 4)} ps "
             f"simulated).</p>")
    cost_table = table(cost, [("molecule", "molecule", ""), ("model", "model", ""), ("finished", "finished", "num"),
                              ("core-hours", "core_hours", "num"), ("steps", "steps", "num"),
                              ("median steps/s", "median_steps_per_second", "num"), ("pending", "pending", "num"),
                              ("pending core-hours (estimate)", "pending_core_hours_estimate", "num")])
    return (f'<section id="campaign"><h2>Campaign</h2><div class="grid2"><div>{design_table(df, t)}</div>'
            f'<div><h3 id="outcomes">Outcomes by status</h3>{counts}</div>'
            f'<div><h3 id="reasons">How the runs ended</h3>{reason_table}</div>'
            f'<div><h3 id="cost">Cost</h3>{total}{cost_table}</div></div></section>')


def survival_section(t, figures: dict) -> str:
    rows = table(t.survival, [("molecule", "molecule", ""), ("model", "model", ""), ("T (K)", "temperature_K", "num"),
                              ("runs", "runs", "num"), ("failures", "failures", "num"),
                              ("collapsed", "collapsed", "num"), ("exploded", "exploded", "num"),
                              ("failed", "failed", "num"), ("censored", "censored", "num"),
                              ("pending", "pending", "num"), ("invalid starts", "invalid_start", "num"),
                              (f"S({t.tau_ps:g} ps) [95% CI]", fraction_ci, "num"),
                              ("median ttf (ps)", "median_ttf_ps", "num"), ("RMST (ps)", "rmst_ps", "num")])
    logrank = table(t.logrank, [("molecule", "molecule", ""), ("T (K)", "temperature_K", "num"),
                                ("comparison", "comparison", ""), ("runs", "runs", "num"),
                                ("failures", "failures", "num"), ("chi2", "chi2", "num"), ("df", "df", "num"),
                                ("p", lambda r: p_value(r["p_value"]), "num")])
    return (f'<section id="survival"><h2>Survival</h2><div class="figure-grid">{figures.get("survival-heatmap", "")}'
            f'{figures.get("failure-modes", "")}</div>'
            f'<p>Kaplan-Meier survival: runs that reach the end are censored at {t.tau_ps:g} ps; pending runs and '
            f'invalid starts are left out and counted. Median ttf: none (-) while survival stays above 0.5; RMST: '
            f'restricted mean survival time up to {t.tau_ps:g} ps.</p>{rows}'
            + details("Log-rank tests between the models of each molecule and temperature", logrank) + "</section>")


def molecule_section(molecule: str, key: str, figures: list) -> str:
    body = "".join(f.html for f in figures)
    return f'<section id="molecule-{esc(key)}" class="molecule"><h2>{esc(molecule)}</h2>{body}</section>'


def paired_section(t) -> str:
    if t.baseline is None:
        return ('<section id="paired"><h2>Paired statistics</h2><p class="none">No paired statistics: the campaign '
                'has no <code>kind: reference</code> variant. Name a baseline model with <code>gpiqa-report ... '
                '--baseline MODEL</code>.</p></section>')
    how = ("named with --baseline" if t.baseline_named else "the campaign's kind: reference variant, the MMFF94 "
           "reference the models were trained on")
    pooled = table(t.pooled, [("molecule", "molecule", ""), ("model", "model", ""), ("cells", "cells", "num"),
                              ("pairs", "pairs", "num"), ("b: only baseline failed", "b_only_baseline_failed", "num"),
                              ("c: only model failed", "c_only_model_failed", "num"),
                              ("McNemar p", lambda r: p_value(r["mcnemar_p_value"]), "num"),
                              ("McNemar p (Holm)", lambda r: p_value(r["mcnemar_p_holm"]), "num"),
                              ("failures (model/baseline)", lambda r: f"{r['model_failures']}/{r['baseline_failures']}",
                               "num"),
                              ("hazard ratio [95% CI]", hazard_ratio, "num"),
                              ("p (Wald)", lambda r: p_value(r["p_value"]), "num"),
                              ("p (Wald, Holm)", lambda r: p_value(r["p_value_holm"]), "num"),
                              ("p (score)", lambda r: p_value(r["score_p_value"]), "num"), ("note", "note", "wrap")],
                   css="pooled")
    mcnemar = table(t.mcnemar, [("molecule", "molecule", ""), ("T (K)", "temperature_K", "num"),
                                ("start", "start", ""), ("model", "model", ""), ("pairs", "pairs", "num"),
                                ("both survived", "both_survived", "num"),
                                ("b: only baseline failed", "b_only_baseline_failed", "num"),
                                ("c: only model failed", "c_only_model_failed", "num"),
                                ("both failed", "both_failed", "num"), ("exact p", lambda r: p_value(r["p_value"]), "num"),
                                ("invalid starts", "excluded_invalid_start", "num"),
                                ("pending", "excluded_pending", "num"), ("unpaired", "unpaired", "num"),
                                ("note", "note", "wrap")])
    cox = table(t.cox, [("molecule", "molecule", ""), ("T (K)", "temperature_K", "num"), ("start", "start", ""),
                        ("model", "model", ""), ("pairs", "pairs", "num"),
                        ("failures (model/baseline)", lambda r: f"{r['model_failures']}/{r['baseline_failures']}", "num"),
                        ("hazard ratio [95% CI]", hazard_ratio, "num"), ("p (Wald)", lambda r: p_value(r["p_value"]), "num"),
                        ("p (score)", lambda r: p_value(r["score_p_value"]), "num"), ("note", "note", "wrap")])
    by_reference = ""
    if not t.by_reference.empty:
        by_reference = details("Seed by seed against the reference variant (paired.csv)", table(
            t.by_reference, [("molecule", "molecule", ""), ("model", "model", ""), ("T (K)", "temperature_K", "num"),
                             ("pairs", "pairs", "num"), ("reference survived", "reference_survived", "num"),
                             ("both survived", "both_survived", "num"),
                             ("surrogate-only failures", "surrogate_only_failures", "num"),
                             ("reference-only failures", "reference_only_failures", "num"),
                             ("both failed", "both_failed", "num"),
                             ("survival given reference", "survival_given_reference", "num")]))
    return (f'<section id="paired"><h2>Paired statistics against {esc(t.baseline)}</h2>'
            f'<p class="baseline">Baseline: <b id="baseline-name">{esc(t.baseline)}</b> ({esc(how)}). Every other '
            f'model is compared with it run by run: the two runs of a (molecule, temperature, start, seed) share '
            f'their start and random numbers. b counts pairs where only the baseline failed, c pairs where only '
            f'the model failed; a hazard ratio below 1 says the model fails later or less often than the baseline.'
            f'</p><h3>Pooled over temperatures and starts (Holm-adjusted within each molecule)</h3>{pooled}'
            f'<h3>Survived or failed, per cell: McNemar\'s exact test</h3>{mcnemar}'
            f'<h3>Time to failure, per cell: Cox model stratified by start</h3>{cox}{by_reference}</section>')


def agreement_section(t, results_path: str) -> str:
    if t.agreement is None:
        return ""
    rows = table(t.agreement, [("molecule", "molecule", ""), ("model", "model", ""),
                               ("pairs (a/b)", lambda r: f"{r['pairs_a']}/{r['pairs_b']}", "num"),
                               ("b/c (a)", lambda r: f"{r['b_a']}/{r['c_a']}", "num"),
                               ("McNemar p, Holm (a)", lambda r: p_value(r["mcnemar_p_holm_a"]), "num"),
                               ("b/c (b)", lambda r: f"{r['b_b']}/{r['c_b']}", "num"),
                               ("McNemar p, Holm (b)", lambda r: p_value(r["mcnemar_p_holm_b"]), "num"),
                               ("McNemar", "mcnemar_agreement", ""),
                               ("HR (a)", lambda r: hazard_ratio(r, "hr_a", "ci_low_a", "ci_high_a"), "num"),
                               ("HR (b)", lambda r: hazard_ratio(r, "hr_b", "ci_low_b", "ci_high_b"), "num"),
                               ("Cox", "cox_agreement", "")], css="agreement")
    return (f'<section id="agreement"><h2>Agreement of two runs</h2><p>Run a: <code>{esc(results_path)}</code>; '
            f'run b: <code>{esc(t.compare_path)}</code>. Pooled over temperatures and starts, every model against '
            f'{esc(t.baseline)}; a finding is one only where both runs agree.</p>{rows}</section>')


def diagnostics_section(t, figures: list) -> str:
    parts = ['<section id="diagnostics"><h2>Diagnostics: restoring forces and posterior variance</h2>']
    if t.restoring.empty:
        parts.append("<p>No restoring-force probe recorded (a file from before it was).</p>")
    else:
        parts.append("<h3>Restoring-force probe at the starts</h3><p>Share of displaced bonds whose generalised "
                     "force at the start points back toward equilibrium, for the model and for its prior mean "
                     "alone, beside the fraction of those runs that survived.</p>")
        parts.append(table(t.restoring, [("molecule", "molecule", ""), ("model", "model", ""), ("start", "start", ""),
                                         ("runs", "runs", "num"), ("survived", "survived", "num"),
                                         ("fraction surviving", "fraction_surviving", "num"),
                                         ("restoring (mean)", "restoring_mean", "num"),
                                         ("all restored", "restoring_all", "num"),
                                         ("prior restoring (mean)", "restoring_prior_mean", "num"),
                                         ("survival if restoring", "survival_if_restoring", "num"),
                                         ("survival if not", "survival_if_not", "num")]))
    if t.variance.empty:
        parts.append("<p>No posterior variance recorded (no GP variant, or a file from before it was).</p>")
    else:
        parts.append("<h3>Posterior variance</h3><p>Largest normalised GP posterior variance per run (0 on the "
                     "training data, 1 where only the prior mean speaks), medians over the runs that survived and "
                     "failed; how many runs crossed the extrapolation threshold, and of the failures how many crossed "
                     "it first, with the median lead.</p>")
        parts.append(table(t.variance, [("molecule", "molecule", ""), ("model", "model", ""), ("runs", "runs", "num"),
                                        ("failures", "failures", "num"),
                                        ("max variance, survived (median)", "max_variance_survived", "num"),
                                        ("max variance, failed (median)", "max_variance_failed", "num"),
                                        ("extrapolated", "extrapolated", "num"),
                                        ("failures extrapolated first", "failures_extrapolated_first", "num"),
                                        ("median lead (ps)", "median_lead_ps", "num")]))
    parts += [f.html for f in figures]
    parts.append("</section>")
    return "".join(parts)


def tasks_section(results_path: str, frames_note: str) -> str:
    return (f'<section id="tasks"><h2>Tasks</h2><p>Every task of the campaign. Click a header to sort, type or '
            f'choose in the row below it to filter (numbers: <code>300</code>, <code>&gt;2.5</code>, '
            f'<code>1-10</code>; text: part of it), open a row for its commands: they name the results file as '
            f'gpiqa-report was given it (<code>{esc(results_path)}</code>), so run them from where it ran. '
            f'{frames_note}</p>'
            f'<div id="task-controls"><span id="tasks-count" data-matching="0" data-total="0"></span> '
            f'<button type="button" id="tasks-prev">previous</button> <span id="tasks-page"></span> '
            f'<button type="button" id="tasks-next">next</button> '
            f'<button type="button" id="tasks-clear">clear filters</button></div>'
            f'<div class="table-wrap"><table id="task-table" class="stats tasks"><thead></thead><tbody></tbody>'
            f'</table></div><noscript>The task table needs JavaScript; tasks are listed in the results file '
            f'{esc(results_path)} (/tasks).</noscript></section>')
