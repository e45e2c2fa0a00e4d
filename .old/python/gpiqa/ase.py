"""An ASE calculator on gpiqa's potentials.

    from gpiqa.ase import GPIQACalculator
    atoms.calc = GPIQACalculator(models="models/water", mean="file")   # a GP-IQA model set
    atoms.calc = GPIQACalculator(reference="CCO")                      # MMFF94 (molfile or SMILES)

Properties, in ASE's units: energy and free_energy (eV; the same number, there is no electronic entropy),
forces (eV/Angstrom), energies (atomic energies, eV, summing to the energy), and for model sets
posterior_variance: the normalised GP posterior variance per atom (0 on the training data, 1 where only the
prior mean speaks), in calc.results after every calculation and through
calc.get_property('posterior_variance', atoms).

Atoms must be in the potential's atom order (checked on every calculation) and not periodic.
"""

import numpy as np
from ase import Atoms
from ase.calculators.calculator import Calculator, all_changes

from . import InputError, Potential

__all__ = ["GPIQACalculator"]


class GPIQACalculator(Calculator):
    """ASE calculator for a gpiqa potential.

    models: a GP-IQA model-set directory (NAME_iqa_ATOM.model files), with
    mean: its prior-mean spec, as `gpiqa predict --mean` takes it (default 'file': the files' own mean); or
    reference: the MMFF94 reference of a .mol/.sdf file or a SMILES string (instead of models).
    variance: compute the posterior variance on every calculation (model sets; default True). When False it
        is computed only when asked for (get_property('posterior_variance')).
    potential: an already loaded gpiqa.Potential, instead of models/mean/reference.
    Other keyword arguments (atoms, label, directory) go to ase's Calculator.
    """

    implemented_properties = ["energy", "free_energy", "forces", "energies", "posterior_variance"]

    def __init__(self, models=None, mean=None, reference=None, variance=True, potential=None, **kwargs):
        if potential is None:
            potential = Potential(models=models, mean=mean, reference=reference)
        elif models is not None or mean is not None or reference is not None:
            raise InputError("give either potential= or models=/mean=/reference=, not both")
        self.potential = potential
        self.variance = bool(variance)
        if not potential.has_variance:
            self.implemented_properties = [p for p in type(self).implemented_properties if p != "posterior_variance"]
        super().__init__(**kwargs)
        # what ase records of the calculator (trajectories, databases)
        if potential.kind == "gp":
            self.parameters.update(models=potential.models, mean=potential.mean)
        else:
            self.parameters.update(reference=potential.reference)

    def set(self, **kwargs):
        fixed = sorted({"models", "mean", "reference"} & set(kwargs))
        if fixed and self.parameters is not None and any(
                kwargs[k] != self.parameters.get(k) for k in fixed):
            raise InputError(f"{', '.join(fixed)}: the potential is fixed when the calculator is made; "
                             "make a new GPIQACalculator for another one")
        return super().set(**kwargs)

    def reference_atoms(self):
        """The reference molecule (reference= calculators) as ase Atoms with its own coordinates and this
        calculator attached."""
        positions = self.potential.reference_positions_angstrom
        if positions is None:
            raise InputError("reference_atoms: a model-set calculator has no reference molecule")
        atoms = Atoms(symbols=self.potential.elements, positions=positions)
        atoms.calc = self
        return atoms

    def get_posterior_variance(self, atoms=None):
        """Normalised GP posterior variance per atom (model sets only)."""
        return self.get_property("posterior_variance", atoms)

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        if self.atoms.pbc.any():
            raise InputError("atoms: periodic boundary conditions are not supported (gpiqa's potentials are for "
                             "isolated molecules); set atoms.pbc = False")
        variance = self.potential.has_variance and (self.variance or "posterior_variance" in properties)
        r = self.potential.evaluate(self.atoms.get_positions(), elements=self.atoms.get_chemical_symbols(),
                                    variance=variance)
        self.results = {
            "energy": r["energy_ev"],
            "free_energy": r["energy_ev"],
            "forces": r["forces_ev_per_angstrom"],
            "energies": r["atomic_energies_ev"],
        }
        if variance:
            self.results["posterior_variance"] = np.asarray(r["posterior_variance"])
