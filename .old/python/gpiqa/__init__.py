"""gpiqa from Python: its potentials (GP-IQA model sets with a prior mean, the MMFF94 reference), compiled
from the same sources as the gpiqa binary, and an ASE calculator (gpiqa.ase.GPIQACalculator).

    import gpiqa
    water = gpiqa.Potential(models="models/water", mean="file")
    result = water.evaluate(positions_angstrom, elements=["O", "H", "H"])
    result["energy_hartree"], result["forces_ev_per_angstrom"], result["posterior_variance"]

Units: positions in Angstrom; every result's name says its unit (Hartree, Hartree/Bohr, eV, eV/Angstrom),
converted with HARTREE_IN_EV and BOHR_IN_ANGSTROM (CODATA 2018, as everywhere in gpiqa).
"""

try:
    from ._gpiqa import (BOHR_IN_ANGSTROM, HARTREE_IN_EV, GeometryError, InputError, Potential, __version__,
                         atomic_mass)
except ImportError as error:  # the pure-Python files without the compiled extension beside them
    raise ImportError(
        "gpiqa's compiled extension (_gpiqa) is missing: build it with scripts/build.sh (it needs Debian's "
        "pybind11-dev and python3-dev) and put build/python on PYTHONPATH, e.g. "
        "PYTHONPATH=build/python /usr/bin/python3 ...") from error

__all__ = ["Potential", "InputError", "GeometryError", "HARTREE_IN_EV", "BOHR_IN_ANGSTROM", "atomic_mass",
           "__version__"]
