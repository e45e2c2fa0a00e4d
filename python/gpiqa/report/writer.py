"""gpiqa.report.write: the report folder of a results file (tables as CSV and Markdown, figures as PNG) and its
one-page summary, index.html (html_page)."""
from __future__ import annotations

import io
import os
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ..analysis import diagnostic_plots, plots  # noqa: E402
from ..analysis.paired import choose_baseline  # noqa: E402
from ..analysis.results_file import GpiqaFileError, load  # noqa: E402
from . import html_page, markdown  # noqa: E402
from .html_format import slug  # noqa: E402
from .tables import ReportTables, compute  # noqa: E402

DPI = 110


@dataclass
class Figure:
    """One figure of the report: `key` (its id in the page), the PNG file it is saved as, its bytes, the section
    it belongs to (a molecule's name, or "" for the campaign's), its title and caption."""
    key: str
    file: str
    png: bytes
    section: str
    title: str
    caption: str
    html: str = ""  # the figure's markup in the page (html_page)


@dataclass
class Written:
    """What write() wrote into `out`: table files, figures, the page (index.html) and the tables behind them."""
    out: str
    tables: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    html: str = ""
    report: ReportTables | None = None
    pending: int = 0
    tasks: int = 0


def _as_table(results):
    """A results path, or a gpiqa.results.Results: its /tasks table as results_file.load gives it."""
    table = getattr(results, "table", None)
    return table if table is not None else load(os.fspath(results))


def _figures(df, t: ReportTables, trace_ids, window_ps):
    """(key, file, figure, section, title, caption) of every figure, in page order; figures that have nothing
    to show are left out."""
    tau = t.tau_ps
    yield ("survival-heatmap", "survival_heatmap.png", plots.survival_heatmap_figure(t.survival, tau), "",
           "Survival at the end, every molecule and temperature",
           f"Kaplan-Meier survival at {tau:g} ps per molecule (rows) and temperature (columns), a panel per model.")
    yield ("failure-modes", "failure_modes.png", plots.failure_modes_figure(df), "", "Outcomes",
           "Runs by outcome per model and temperature.")
    for molecule in dict.fromkeys(df["molecule"]):
        m = slug(molecule)
        yield (f"km-{m}", f"km_{molecule}.png", plots.km_figure(df, molecule), molecule, "Kaplan-Meier survival",
               "Fraction of runs surviving against time, a panel per temperature, with 95% bands (Greenwood, "
               "log(-log)); pending runs and invalid starts are left out.")
        yield (f"start-heatmap-{m}", f"survival_by_start_{molecule}.png",
               diagnostic_plots.start_temperature_heatmap_figure(t.by_start, molecule), molecule,
               "Survival by start and temperature",
               "Fraction of runs surviving to the end per start (rows; by start energy where the campaign controls "
               "it) and temperature (columns), a panel per model; each cell says survived/runs.")
        if t.sweeps_start:
            mol = t.by_start[(t.by_start["molecule"] == molecule) & (t.by_start["runs"] > 0)]
            if mol["start_energy_kcal_mol"].dropna().nunique() > 1:  # finished runs at several energies
                yield (f"survival-vs-start-{m}", f"survival_vs_start_{molecule}.png",
                       plots.survival_vs_start_figure(t.by_start, molecule), molecule,
                       "Survival against start energy", "Fraction surviving with Wilson 95% intervals.")
        ttf = diagnostic_plots.ttf_figure(df, molecule)
        if ttf is not None:
            yield (f"ttf-{m}", f"ttf_{molecule}.png", ttf, molecule, "Time to failure",
                   "Distribution of the failure times of the runs that failed, a panel per temperature.")
        restoring = diagnostic_plots.restoring_figure(t.restoring, molecule) if not t.restoring.empty else None
        if restoring is not None:
            yield (f"restoring-{m}", f"restoring_{molecule}.png", restoring, molecule, "Restoring-force probe",
                   "Fraction surviving per model and start against the share of displaced bonds whose force at "
                   "the start points back toward equilibrium (filled: the model; open: its prior mean alone).")
        variance = diagnostic_plots.variance_figure(df, molecule)
        if variance is not None:
            yield (f"variance-{m}", f"variance_{molecule}.png", variance, molecule, "Posterior variance",
                   "Largest normalised posterior variance of every GP run by outcome (left); for failures that "
                   "crossed the extrapolation threshold, when they crossed it against when they failed (right).")
    for task_id in trace_ids:
        fig = plots.trace_figure(df, task_id, window_ps)
        if fig is not None:
            yield (f"trace-{task_id}", f"trace_task{task_id}.png", fig, "traces", f"Task {task_id}",
                   "Temperature and energies of a recorded run (red: the failure).")


def _png(fig, path: str) -> bytes:
    """The figure as a palette PNG (256 colours, no dithering: a third of matplotlib's RGBA file, the same to
    the eye), written to `path`; its bytes."""
    from PIL import Image  # matplotlib's own dependency

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    image = Image.open(buffer).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                                         dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="png", optimize=True)
    data = buffer.getvalue()
    with open(path, "wb") as f:
        f.write(data)
    return data


def _csv(table, out, name, written):
    table.to_csv(os.path.join(out, name), index=False)
    written.tables.append(name)


def _text(out, name, text, written):
    with open(os.path.join(out, name), "w") as f:
        f.write(text)
    written.tables.append(name)


def _write_tables(df, t: ReportTables, out: str, results_path: str, written: Written):
    name = df.attrs.get("campaign_name", "")
    _csv(t.survival, out, "survival.csv", written)
    _text(out, "survival.md", f"# {name}: survival at {t.tau_ps:g} ps\n\n" + markdown.markdown_table(t.survival, t.tau_ps),
          written)
    _csv(t.logrank, out, "logrank.csv", written)
    if not t.by_reference.empty:
        _csv(t.by_reference, out, "paired.csv", written)
        _text(out, "paired.md", f"# {name}: each model against the reference, seed by seed\n\n"
              + markdown.paired_markdown(t.by_reference), written)
    if t.baseline is not None:
        _csv(t.mcnemar, out, "mcnemar.csv", written)
        _csv(t.cox, out, "cox.csv", written)
        _csv(t.pooled, out, "pooled.csv", written)
        _text(out, "paired_statistics.md", markdown.paired_statistics_markdown(name, t), written)
    if not t.restoring.empty:
        _csv(t.restoring, out, "restoring.csv", written)
    if not t.variance.empty:
        _csv(t.variance, out, "variance.csv", written)
    if t.agreement is not None:
        _csv(t.agreement, out, "agreement.csv", written)
        _text(out, "agreement.md",
              f"# {name}: what both runs support\n\nRun a: {results_path}; run b: {t.compare_path}. Pooled over "
              f"temperatures and starts, every model against {t.baseline}; a verdict is reported only where both "
              f"runs agree.\n\n" + markdown.agreement_markdown(t.agreement), written)
    if t.sweeps_start:
        _csv(t.by_start, out, "survival_by_start.csv", written)


def write(results, out: str, *, baseline: str | None = None, compare=None, tasks=(), failing_traces: int = 6,
          window_ps: float | None = None, html: bool = True) -> Written:
    """Writes the report of `results` (a results file's path, or a gpiqa.results.Results) into the folder `out`
    (created if missing): survival.csv/.md (Kaplan-Meier per molecule x model x temperature), logrank.csv,
    paired.csv/.md (against the reference variant, seed by seed), mcnemar.csv, cox.csv, pooled.csv and
    paired_statistics.md (every model against `baseline`, default the campaign's kind: reference variant; none
    without either), restoring.csv, variance.csv, survival_by_start.csv (start-energy sweeps), agreement.csv/.md
    (with `compare`, another run of the same campaign), PNG figures, the traces of `tasks` and of up to
    `failing_traces` failed runs (the last `window_ps` ps before the failure, when recorded) and, with `html`,
    index.html: all of it on one self-contained page with a per-task table. Every input is checked before
    anything is written (GpiqaFileError, with a one-line message)."""
    df = _as_table(results)
    compare_df = _as_table(compare) if compare is not None else None
    compare_path = compare_df.attrs["path"] if compare_df is not None else None
    if compare_df is not None and choose_baseline(df, baseline) is None:
        raise GpiqaFileError(f"{df.attrs['path']}: --compare needs a baseline (a kind: reference variant or "
                             f"--baseline MODEL)")
    t = compute(df, baseline, compare_df, compare_path)
    os.makedirs(out, exist_ok=True)
    results_path = df.attrs["path"]
    written = Written(out=out, report=t, tasks=len(df), pending=int((df["status"] == "pending").sum()))
    _write_tables(df, t, out, results_path, written)
    trace_ids = list(tasks)
    if df.attrs.get("has_trajectories"):
        failing = df[df["status"].isin(["collapsed", "exploded", "failed"])]["task_id"].tolist()[:failing_traces]
        trace_ids += [i for i in failing if i not in trace_ids]
    for key, file, fig, section, title, caption in _figures(df, t, trace_ids, window_ps):
        written.figures.append(Figure(key, file, _png(fig, os.path.join(out, file)), section, title, caption))
    if html:
        written.html = os.path.join(out, "index.html")
        html_page.write(written.html, df, t, written.figures)
    return written
