"""gpiqa-report RESULTS.h5 --out DIR [--baseline MODEL] [--compare OTHER.h5]: survival table (CSV, Markdown),
log-rank tests, every model paired with a baseline run by run (counts, McNemar's exact test, a Cox model
stratified by start), figures, and DIR/index.html, one self-contained page of all of it with a per-task table."""
from __future__ import annotations

import argparse
import sys

from ..analysis.results_file import GpiqaFileError
from .writer import write


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
                        help="another run of the same campaign (another build or machine): agreement.csv/.md and "
                             "the page say which pooled paired statistics both runs support")
    parser.add_argument("--no-html", action="store_true", help="leave out index.html")
    args = parser.parse_args(argv)
    try:
        written = write(args.results, args.out, baseline=args.baseline, compare=args.compare, tasks=args.task,
                        failing_traces=args.failing_traces, window_ps=args.window_ps, html=not args.no_html)
    except GpiqaFileError as e:
        print(f"gpiqa-report: error: {e}", file=sys.stderr)
        return 2
    if written.report.baseline is None:
        print(f"{args.results}: no kind: reference variant, so no paired statistics (give --baseline MODEL)")
    page = f", {written.html}" if written.html else ""
    print(f"{args.results}: {written.tasks} tasks ({written.pending} pending) -> {args.out}/"
          f"{', '.join(written.tables)}, {len(written.figures)} figures{page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
