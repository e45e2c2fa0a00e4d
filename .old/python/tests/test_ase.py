"""gpiqa.ase.GPIQACalculator: agreement with `gpiqa predict` in ASE's units, ASE's finite-difference force
check, NVE dynamics against `gpiqa md --thermostat nve`, bad input."""
import json
import os
import subprocess

import numpy as np
import pytest
from conftest import GPIQA, MODELS, MOLECULES, perturbed, predict, read_xyz, shared, write_xyz

gpiqa = pytest.importorskip("gpiqa", reason="SKIPPED: the gpiqa Python module is not built (GPIQA_PYTHON=OFF?)")
ase = pytest.importorskip("ase", reason="SKIPPED: ASE is not installed (Debian: python3-ase)")
from ase import Atoms, units  # noqa: E402
from ase.md.verlet import VelocityVerlet  # noqa: E402

from gpiqa.ase import GPIQACalculator  # noqa: E402

EV_PER_ANGSTROM = gpiqa.HARTREE_IN_EV / gpiqa.BOHR_IN_ANGSTROM  # per Hartree/Bohr


def molecule(name):
    elements, positions = read_xyz(os.path.join(MOLECULES, f"{name}.xyz"))
    return Atoms(symbols=elements, positions=positions)


def test_properties_in_ase_units_agree_with_predict(tmp_path):
    for calc_args, predict_args, name in [
        (dict(models=MODELS["water"]), ["--models", MODELS["water"]], "water"),
        (dict(models=MODELS["ammonia"], mean="linear"), ["--models", MODELS["ammonia"], "--mean", "linear"],
         "ammonia"),
    ]:
        atoms = molecule(name)
        frames = perturbed(atoms.positions, 2, seed=3)
        expected = predict(predict_args, write_xyz(str(tmp_path / "f.xyz"), atoms.get_chemical_symbols(), frames))
        atoms.calc = GPIQACalculator(**calc_args)
        for positions, want in zip(frames, expected):
            atoms.positions = positions
            energy = want["energy_hartree"] * gpiqa.HARTREE_IN_EV
            assert atoms.get_potential_energy() == pytest.approx(energy, rel=1e-12)
            assert atoms.get_potential_energy(force_consistent=True) == pytest.approx(energy, rel=1e-12)
            forces = np.array(want["forces_hartree_per_bohr"]) * EV_PER_ANGSTROM
            assert np.max(np.abs(atoms.get_forces() - forces)) <= 1e-12 * np.max(np.abs(forces))
            energies = np.array(want["atomic_energies_hartree"]) * gpiqa.HARTREE_IN_EV
            assert np.max(np.abs(atoms.get_potential_energies() - energies)) <= 1e-12 * np.max(np.abs(energies))
            assert np.array_equal(atoms.calc.results["posterior_variance"], want["posterior_variance"])
            assert np.array_equal(atoms.calc.get_posterior_variance(atoms), want["posterior_variance"])


def test_reference_calculator_and_its_molecule(tmp_path):
    calc = GPIQACalculator(reference="CCO")
    atoms = calc.reference_atoms()
    assert atoms.get_chemical_symbols()[:3] == ["C", "C", "O"] and atoms.calc is calc
    want = predict(["--reference", "CCO"], write_xyz(str(tmp_path / "e.xyz"), atoms.get_chemical_symbols(),
                                                     [atoms.positions]))[0]
    assert atoms.get_potential_energy() == pytest.approx(want["energy_hartree"] * gpiqa.HARTREE_IN_EV, rel=1e-12)
    assert "posterior_variance" not in calc.results
    assert "posterior_variance" not in calc.implemented_properties
    with pytest.raises(ase.calculators.calculator.PropertyNotImplementedError):
        calc.get_property("posterior_variance", atoms)
    assert calc.todict() == {"reference": "CCO"}


def test_variance_on_demand_only():
    atoms = molecule("water")
    atoms.calc = GPIQACalculator(models=MODELS["water"], variance=False)
    atoms.get_potential_energy()
    assert "posterior_variance" not in atoms.calc.results
    assert atoms.calc.get_property("posterior_variance", atoms).shape == (3,)


@pytest.mark.parametrize("name,args", [
    ("water", dict(models=MODELS["water"])),
    ("ammonia", dict(models=MODELS["ammonia"])),
    ("ammonia", dict(models=MODELS["ammonia"], mean="quadratic")),
    ("glycine", dict(reference=os.path.join(MOLECULES, "glycine.mol"))),
])
def test_forces_pass_ase_finite_difference_check(name, args):
    """ASE's own central differences of the energy (Calculator.calculate_numerical_forces) against the
    analytic forces, away from the minimum so that the forces are not small (O(1) eV/A).

    A central difference errs by d^2/6 |E'''| (truncation) plus ~eps |E_terms| / d (rounding). The committed
    water set's weights reach 1e5 (nugget 1e-12), so its energy carries ~1e-8 eV of rounding noise and steps
    below 1e-3 A measure that noise; at d = 1e-3 A truncation dominates for every potential here (1e-5 to
    4e-5 eV/A). So: agreement to 1e-4 eV/A at d = 1e-3 A, and the error must shrink about 100-fold from
    d = 1e-2 A, as truncation does; a wrong analytic force would leave an error that does not shrink with d.
    """
    atoms = molecule(name)
    atoms.positions = perturbed(atoms.positions, 1, scale=0.04, seed=11)[1]
    atoms.calc = GPIQACalculator(**args)
    analytic = atoms.get_forces()
    assert np.max(np.abs(analytic)) > 0.5
    error = {d: np.max(np.abs(atoms.calc.calculate_numerical_forces(atoms, d=d) - analytic)) for d in (1e-2, 1e-3)}
    assert error[1e-3] < 1e-4, error
    assert error[1e-2] / error[1e-3] > 50, error


def test_bad_atoms_raise_clear_errors():
    calc = GPIQACalculator(models=MODELS["water"])
    wrong_order = Atoms("HOH", positions=molecule("water").positions, calculator=calc)
    with pytest.raises(gpiqa.InputError, match="atom 1 is H"):
        wrong_order.get_potential_energy()
    too_many = Atoms("OHHH", positions=np.vstack([molecule("water").positions, [[3.0, 0, 0]]]), calculator=calc)
    with pytest.raises(gpiqa.InputError, match="4 atoms"):
        too_many.get_forces()
    periodic = molecule("water")
    periodic.cell, periodic.pbc = [10, 10, 10], True
    periodic.calc = calc
    with pytest.raises(gpiqa.InputError, match="periodic"):
        periodic.get_potential_energy()
    with pytest.raises(gpiqa.InputError, match="does not exist"):
        GPIQACalculator(models="/nonexistent/model/set")
    with pytest.raises(gpiqa.InputError, match="unknown mean spec"):
        GPIQACalculator(models=MODELS["water"], mean="median")
    with pytest.raises(gpiqa.InputError, match="exactly one of"):
        GPIQACalculator()
    with pytest.raises(gpiqa.InputError, match="fixed"):
        calc.set(mean="max")
    with pytest.raises(gpiqa.InputError, match="model-set calculator"):
        calc.reference_atoms()
    ok = molecule("water")
    ok.calc = calc
    assert np.isfinite(ok.get_potential_energy())  # still usable after the errors


# ---- NVE: ASE's VelocityVerlet on gpiqa's forces conserves energy as gpiqa md --thermostat nve does ----

def read_series(trajectory):
    """Frame 0 (positions Angstrom, velocities Angstrom/ps), times (ps) and the conserved energy (Hartree)
    of a `gpiqa md --out` file."""
    import h5py
    with h5py.File(trajectory, "r") as f:
        position, velocity = f["particles/all/position"], f["particles/all/velocity"]
        units_seen = (position["value"].attrs["unit"], velocity["value"].attrs["unit"])
        units_seen = tuple(u.decode() if isinstance(u, bytes) else u for u in units_seen)
        assert units_seen == ("angstrom", "angstrom/ps"), units_seen
        conserved = f["observables/conserved_energy"]
        return (position["value"][0], velocity["value"][0], conserved["time"][:], conserved["value"][:])


def drift_and_spread(times_ps, energies_hartree, atoms):
    """Least-squares slope (Hartree/ps/atom, as gpiqa's conserved_drift) and the standard deviation of the
    residual fluctuation (Hartree)."""
    slope, intercept = np.polyfit(times_ps, energies_hartree, 1)
    return slope / atoms, np.std(energies_hartree - (slope * times_ps + intercept))


def test_velocity_verlet_nve_conserves_energy_like_gpiqa_md(tmp_path):
    """gpiqa md --thermostat nve on the shared DL_FFLUX water model for 2 ps, then ASE's VelocityVerlet on
    GPIQACalculator from gpiqa's own first frame (positions, velocities, gpiqa's masses), the same time step.
    Both are velocity Verlet on the same forces: the conserved energy fluctuates by the integrator's O(dt^2)
    error and drifts by what is left of it, the same for both. What gpiqa achieves sets the bounds: ASE's
    drift and fluctuation within 10% of gpiqa's (plus 1e-10 Hartree/ps/atom, below the drift gpiqa itself
    records), and ASE's energy series on gpiqa's to 1% of the fluctuation (the two differ only by ASE's
    CODATA 2014 units, 1e-8 relative, and the slow divergence of two chaotic trajectories)."""
    models, xyz = shared("models/water-dlfflux"), shared("geometries/water.xyz")
    timestep_fs, duration_ps = 0.5, 2.0
    trajectory = str(tmp_path / "nve.h5")
    done = subprocess.run([GPIQA, "md", "--models", models, "--xyz", xyz, "--thermostat", "nve",
                           "--temperature", "300", "--duration-ps", str(duration_ps), "--timestep-fs",
                           str(timestep_fs), "--seed", "3", "--frames-every", "1", "--out", trajectory],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout.strip().splitlines()[-1])
    assert record["status"] == "stable", record
    positions, velocities, times, gpiqa_energy = read_series(trajectory)

    elements, _ = read_xyz(xyz)
    atoms = Atoms(symbols=elements, positions=positions, masses=[gpiqa.atomic_mass(e) for e in elements])
    atoms.set_velocities(velocities / (1000 * units.fs))  # Angstrom/ps -> Angstrom per ASE time unit
    atoms.calc = GPIQACalculator(models=models, variance=False)
    dyn = VelocityVerlet(atoms, timestep=timestep_fs * units.fs)
    ase_energy = []  # observers run at the start and after every step
    dyn.attach(lambda: ase_energy.append(atoms.get_total_energy() / gpiqa.HARTREE_IN_EV), interval=1)
    dyn.run(round(duration_ps * 1000 / timestep_fs))
    ase_energy = np.array(ase_energy)
    assert len(ase_energy) == len(gpiqa_energy) == len(times)

    n = len(atoms)
    gpiqa_drift, gpiqa_spread = drift_and_spread(times, gpiqa_energy, n)
    ase_drift, ase_spread = drift_and_spread(times, ase_energy, n)
    difference = np.max(np.abs(ase_energy - gpiqa_energy))
    print(f"\nNVE water (DL_FFLUX), {duration_ps} ps at {timestep_fs} fs, 300 K start: conserved-energy drift "
          f"(Hartree/ps/atom) gpiqa md {gpiqa_drift:.3e} (its record: {record['conserved_drift']:.3e}), ASE "
          f"VelocityVerlet {ase_drift:.3e}; fluctuation (Hartree) gpiqa {gpiqa_spread:.3e}, ASE {ase_spread:.3e}; "
          f"largest |E_ase - E_gpiqa| {difference:.3e} Hartree")
    # the frames give the slope gpiqa md records (the same least squares over every step, which the record
    # sums up as it goes, to a few digits)
    assert record["conserved_drift"] == pytest.approx(gpiqa_drift, rel=1e-3)
    assert abs(ase_drift) <= 1.1 * abs(gpiqa_drift) + 1e-10
    assert ase_spread <= 1.1 * gpiqa_spread
    assert difference <= 0.01 * gpiqa_spread
    # conserved in absolute terms too: far below the kinetic energy at 300 K (3/2 k T x 3 atoms ~ 4e-3 Hartree)
    assert np.ptp(ase_energy) < 1e-4
