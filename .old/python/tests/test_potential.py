"""gpiqa.Potential against `gpiqa predict`, bad input, threads."""
import os
import threading

import numpy as np
import pytest
from conftest import MODELS, MOLECULES, perturbed, predict, read_xyz, shared, write_xyz

gpiqa = pytest.importorskip("gpiqa", reason="SKIPPED: the gpiqa Python module is not built (GPIQA_PYTHON=OFF?)")

TOL = 1e-12


def assert_close(actual, expected, what):
    """Relative agreement to TOL, relative to the largest magnitude of the expected values."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, what
    scale = max(np.max(np.abs(expected)), 1e-300)
    error = np.max(np.abs(actual - expected)) / scale
    assert error <= TOL, f"{what}: relative difference {error:.3g}"


def check_against_predict(potential, predict_args, elements, frames, tmp_path):
    xyz = write_xyz(str(tmp_path / "frames.xyz"), elements, frames)
    expected = predict(predict_args, xyz)
    assert len(expected) == len(frames)
    for positions, want in zip(frames, expected):
        got = potential.evaluate(positions, elements=elements)
        frame = f"{predict_args} frame {want['frame']}"
        assert_close(got["energy_hartree"], want["energy_hartree"], frame + " energy")
        assert_close(got["forces_hartree_per_bohr"], want["forces_hartree_per_bohr"], frame + " forces")
        assert_close(got["atomic_energies_hartree"], want["atomic_energies_hartree"], frame + " atomic energies")
        if "posterior_variance" in want:
            assert_close(got["posterior_variance"], want["posterior_variance"], frame + " variance")
        else:
            assert got["posterior_variance"] is None
        # the eV values are the Hartree ones converted with the stated constants
        assert got["energy_ev"] == pytest.approx(want["energy_hartree"] * gpiqa.HARTREE_IN_EV, rel=TOL)
        assert_close(got["forces_ev_per_angstrom"],
                     np.array(want["forces_hartree_per_bohr"]) * gpiqa.HARTREE_IN_EV / gpiqa.BOHR_IN_ANGSTROM,
                     frame + " forces in eV/Angstrom")
        assert potential.energy_hartree(positions) == pytest.approx(want["energy_hartree"], rel=TOL)


@pytest.mark.parametrize("name", ["water", "ammonia"])
@pytest.mark.parametrize("mean", ["file", "min", "quadratic"])
def test_model_set_agrees_with_predict(name, mean, tmp_path):
    potential = gpiqa.Potential(models=MODELS[name], mean=mean)
    elements, positions = read_xyz(os.path.join(MOLECULES, f"{name}.xyz"))
    assert potential.elements == elements and potential.kind == "gp" and potential.mean == mean
    check_against_predict(potential, ["--models", MODELS[name], "--mean", mean], elements,
                          perturbed(positions, 4, seed=len(name)), tmp_path)


@pytest.mark.parametrize("model_set,geometry", [("models/water-dlfflux", "geometries/water.xyz"),
                                                ("models/ammonia-ichor", "geometries/ammonia.xyz")])
def test_fflux_model_set_agrees_with_predict(model_set, geometry, tmp_path):
    models, xyz = shared(model_set), shared(geometry)
    elements, positions = read_xyz(xyz)
    potential = gpiqa.Potential(models=models)
    check_against_predict(potential, ["--models", models], elements, perturbed(positions, 3, scale=0.02),
                          tmp_path)


@pytest.mark.parametrize("reference", ["O", "CCO", os.path.join(MOLECULES, "glycine.mol")])
def test_reference_agrees_with_predict(reference, tmp_path):
    potential = gpiqa.Potential(reference=reference)
    assert potential.kind == "reference" and not potential.has_variance and potential.mean is None
    positions = potential.reference_positions_angstrom
    assert positions.shape == (len(potential), 3)
    check_against_predict(potential, ["--reference", reference], potential.elements,
                          perturbed(positions, 3, scale=0.03), tmp_path)


def test_atomic_energies_sum_to_the_energy():
    for potential in (gpiqa.Potential(models=MODELS["ammonia"]), gpiqa.Potential(reference="N")):
        positions = perturbed(potential.reference_positions_angstrom
                              if potential.kind == "reference" else read_xyz(os.path.join(MOLECULES, "ammonia.xyz"))[1],
                              1)[1]
        r = potential.evaluate(positions)
        assert np.sum(r["atomic_energies_hartree"]) == pytest.approx(r["energy_hartree"], rel=1e-12)


def test_variance_is_small_on_the_data_and_grows_away_from_it():
    potential = gpiqa.Potential(models=MODELS["water"])
    _, positions = read_xyz(os.path.join(MOLECULES, "water.xyz"))
    near = potential.posterior_variance(positions)
    far = potential.posterior_variance(positions * 1.5)
    assert near.shape == (3,) and np.all((near >= 0) & (near <= 1)) and np.all((far >= 0) & (far <= 1))
    assert far.max() > near.max()
    assert gpiqa.Potential(reference="O").posterior_variance(positions) is None


def test_path_objects_and_identity():
    import pathlib
    potential = gpiqa.Potential(models=pathlib.Path(MODELS["water"]), mean="max")
    assert potential.identity["system"] == "WATER" and potential.identity["mean"] == "max"
    assert os.path.isabs(potential.identity["models"])
    assert "models=" in repr(potential)
    assert gpiqa.atomic_mass("O") == pytest.approx(15.999, abs=1e-3)


# ---- bad input: clear Python exceptions, never a crash ----

@pytest.mark.parametrize("kwargs,message", [
    (dict(models="/nonexistent/model/set"), "does not exist"),
    (dict(models=MODELS["water"], mean="bogus"), "bogus"),
    (dict(models=MODELS["water"], mean="O1=abc"), "bad per-atom mean"),
    (dict(), "exactly one of"),
    (dict(models=MODELS["water"], reference="O"), "exactly one of"),
    (dict(reference="O", mean="min"), "mean"),
    (dict(models=""), "empty"),
    (dict(reference="C1CC"), ""),
    (dict(reference="/nonexistent/molecule.mol"), ""),
    (dict(models=MOLECULES), "no iqa"),
])
def test_bad_sources_raise_input_error(kwargs, message):
    with pytest.raises(gpiqa.InputError, match=message):
        gpiqa.Potential(**kwargs)


def test_input_error_is_a_value_error():
    assert issubclass(gpiqa.InputError, ValueError) and issubclass(gpiqa.GeometryError, ValueError)


def test_wrong_types_raise_type_error():
    with pytest.raises(TypeError):
        gpiqa.Potential(models=42)
    with pytest.raises(TypeError):
        gpiqa.Potential(models=MODELS["water"], mean=3)
    with pytest.raises(TypeError):
        gpiqa.Potential(MODELS["water"])  # keyword-only, so that models and reference cannot be confused


def test_bad_geometries_raise():
    potential = gpiqa.Potential(models=MODELS["water"])
    elements, positions = read_xyz(os.path.join(MOLECULES, "water.xyz"))
    with pytest.raises(gpiqa.InputError, match="atom 1 is H"):
        potential.evaluate(positions, elements=["H", "O", "H"])
    with pytest.raises(gpiqa.InputError, match="4 atoms"):
        potential.evaluate(np.vstack([positions, positions[:1]]))
    with pytest.raises(gpiqa.InputError, match="4 atoms"):
        potential.evaluate(positions, elements=["O", "H", "H", "H"])
    with pytest.raises(gpiqa.InputError, match=r"\(N, 3\)"):
        potential.evaluate(positions.ravel())
    with pytest.raises(gpiqa.InputError, match="NaN"):
        potential.evaluate(np.full((3, 3), np.nan))
    with pytest.raises(gpiqa.InputError):
        potential.check_elements(["O", "H"])
    with pytest.raises((TypeError, ValueError)):
        potential.evaluate("not positions")
    with pytest.raises(gpiqa.GeometryError):
        potential.evaluate(np.zeros((3, 3)))  # every atom on one point: no local frame
    # still usable after the errors
    assert np.isfinite(potential.evaluate(positions)["energy_hartree"])


# ---- threads ----

def test_threads_agree_with_serial_evaluation():
    """Several instances (each on its own thread) and one instance shared by threads give the serial
    results exactly."""
    _, positions = read_xyz(os.path.join(MOLECULES, "ammonia.xyz"))
    frames = perturbed(positions, 40, scale=0.03, seed=5)
    serial = gpiqa.Potential(models=MODELS["ammonia"], mean="quadratic")
    expected = [serial.evaluate(f) for f in frames]
    shared_instance = gpiqa.Potential(models=MODELS["ammonia"], mean="quadratic")
    failures = []

    def work(potential):
        try:
            for _ in range(5):
                for f, want in zip(frames, expected):
                    got = potential.evaluate(f)
                    assert got["energy_hartree"] == want["energy_hartree"]
                    assert np.array_equal(got["forces_hartree_per_bohr"], want["forces_hartree_per_bohr"])
                    assert np.array_equal(got["posterior_variance"], want["posterior_variance"])
        except Exception as error:  # reported by the main thread
            failures.append(error)

    own = [gpiqa.Potential(models=MODELS["ammonia"], mean="quadratic") for _ in range(3)]
    threads = [threading.Thread(target=work, args=(p,)) for p in own + [shared_instance] * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures[0]
