"""Post-hoc analysis of gpiqa campaign results files: survival statistics, paired statistics, tables and plots.

    from gpiqa_analysis import load
    df = load("results/study.h5")      # one row per task, campaign metadata in df.attrs
"""
from .paired import cox_table, mcnemar_table, pooled_table, survival_by_start
from .restoring import restoring_table
from .results_file import GpiqaFileError, load, load_frames
from .starts import start_strata
from .survival import km_table, logrank_table, paired_table

__all__ = ["GpiqaFileError", "load", "load_frames", "km_table", "logrank_table", "paired_table", "mcnemar_table",
           "cox_table", "pooled_table", "restoring_table", "survival_by_start", "start_strata"]
