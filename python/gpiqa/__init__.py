"""gpiqa from Python: a campaign's results, their analysis and report, and gpiqa's potentials.

    import gpiqa
    run = gpiqa.results.open("results/quickstart.h5")    # pure Python: h5py, pandas, statsmodels
    run.tasks                                            # one row per task (pandas DataFrame)
    run.survival(), run.paired()                         # the report's tables
    gpiqa.report.write("results/quickstart.h5", "report")   # what `analysis/gpiqa-report` writes

    water = gpiqa.Potential(models="models/water", mean="file")   # the compiled extension
    result = water.evaluate(positions_angstrom, elements=["O", "H", "H"])
    result["energy_hartree"], result["forces_ev_per_angstrom"], result["posterior_variance"]

    from gpiqa.ase import GPIQACalculator                # an ASE calculator on the same potentials

The potentials (Potential, InputError, GeometryError, HARTREE_IN_EV, BOHR_IN_ANGSTROM, atomic_mass) come from
the compiled extension gpiqa._gpiqa, compiled from the same sources as the gpiqa binary; it is imported only
when one of them is first used, so that results, analysis and report work where only h5py, pandas, matplotlib
and statsmodels are installed. Subpackages: gpiqa.results, gpiqa.report, gpiqa.analysis (the statistics),
gpiqa.ase, gpiqa.units.

Units: positions in Angstrom; every result's name says its unit (Hartree, Hartree/Bohr, eV, eV/Angstrom),
converted with HARTREE_IN_EV and BOHR_IN_ANGSTROM (CODATA 2018, as everywhere in gpiqa).
"""
import importlib

_NATIVE = ("Potential", "InputError", "GeometryError", "HARTREE_IN_EV", "BOHR_IN_ANGSTROM", "atomic_mass")
_SUBPACKAGES = ("analysis", "ase", "report", "results", "units")

__all__ = list(_NATIVE) + list(_SUBPACKAGES) + ["__version__"]


def _native():
    """The compiled extension, imported on first use."""
    try:
        return importlib.import_module("._gpiqa", __name__)
    except ImportError as error:  # the pure-Python files without the compiled extension beside them
        raise ImportError(
            "gpiqa's compiled extension (_gpiqa) is missing: install the package with pip (pip install "
            "--no-build-isolation ./python, which builds it with CMake; it needs Debian's pybind11-dev and "
            "python3-dev), or build it with scripts/build.sh and put build/python on PYTHONPATH, e.g. "
            "PYTHONPATH=build/python /usr/bin/python3 ...") from error


def _version() -> str:
    try:
        return _native().__version__
    except ImportError:
        from importlib import metadata
        try:
            return metadata.version("gpiqa")
        except metadata.PackageNotFoundError:
            return "unknown"


def __getattr__(name):
    if name in _NATIVE:
        value = getattr(_native(), name)
    elif name in _SUBPACKAGES:
        value = importlib.import_module(f".{name}", __name__)
    elif name == "__version__":
        value = _version()
    else:
        raise AttributeError(f"module 'gpiqa' has no attribute '{name}'")
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
