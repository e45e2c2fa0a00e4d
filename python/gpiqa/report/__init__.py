"""The report of a results file: what `analysis/gpiqa-report RESULTS.h5 --out DIR` writes.

    import gpiqa
    written = gpiqa.report.write("results/quickstart.h5", "report")   # or a gpiqa.results.Results
    written.html                                                       # report/index.html

DIR holds the tables (CSV and Markdown), the figures (PNG) and index.html, one self-contained page (figures and
script inline, nothing fetched) that opens from disk: the campaign, survival per molecule, the paired tables
against the baseline, the diagnostics and a per-task table that sorts and filters, with the command that
exports each task's frames.
"""
from .command import main
from .writer import Figure, Written, write

__all__ = ["write", "main", "Written", "Figure"]
