"""Compatibility name of gpiqa.analysis, the statistics of the gpiqa package (python/gpiqa/analysis):
`import gpiqa_analysis` and `from gpiqa_analysis.paired import cox_table` keep working. New code imports gpiqa:

    import gpiqa
    run = gpiqa.results.open("results/study.h5")   # or, as before: gpiqa.analysis.load(path)
"""
import importlib
import importlib.abc
import importlib.util
import os
import sys

try:
    import gpiqa.analysis  # noqa: F401
except ImportError:  # not installed: the package's source in python/ of this repository
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                    "python"))
from gpiqa.analysis import *  # noqa: E402,F401,F403
from gpiqa.analysis import __all__  # noqa: E402,F401

# Old submodule names -> where they live now.
MOVED = {name: f"gpiqa.analysis.{name}" for name in ("agreement", "paired", "plots", "restoring", "starts", "survival")}
MOVED.update(results="gpiqa.analysis.results_file", report="gpiqa.report.command")


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports gpiqa_analysis.NAME as the module it moved to (the same module object, not a copy)."""

    def find_spec(self, fullname, path=None, target=None):
        prefix, _, name = fullname.partition(".")
        if prefix == __name__ and name in MOVED:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return importlib.import_module(MOVED[spec.name.partition(".")[2]])

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, _Alias())
