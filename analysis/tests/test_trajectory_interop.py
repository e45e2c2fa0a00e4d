"""gpiqa's trajectories in the tools chemists use: Debian's MDAnalysis opens a `gpiqa md --out` file and a campaign
task's frames (exported with `gpiqa export --format h5md`) with the molecule's xyz as topology and reads back the
positions (Angstrom), times (ps), velocities and forces gpiqa wrote, and the frame interval as trajectory.dt with no
warning; ASE reads `gpiqa export`'s extended XYZ with positions, forces, energies and velocities in ASE units, and
gpiqa's own temperature per frame, which differs from ASE's get_temperature() by exactly 3N / N_f. Runs on the
MMFF94 reference (no ../shared needed)."""
import os
import subprocess
import warnings

import h5py
import numpy as np
import pytest
from conftest import GPIQA, REPO

from gpiqa_analysis import load_frames

WATER_MOL = os.path.join(REPO, "molecules", "water.mol")
WATER_XYZ = os.path.join(REPO, "molecules", "water.xyz")
# CODATA 2018, as gpiqa converts (ASE 3.22's own constants are CODATA 2014: equal to ~1e-8)
EV_PER_HARTREE = 27.211386245988
KJ_MOL_PER_EV = 96.48533212331
FS_PER_ASE_TIME = 10.180505710759414
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


def gpiqa(*args):
    r = subprocess.run([GPIQA, *map(str, args)], capture_output=True, text=True, env=ENV)
    assert r.returncode == 0, r.stderr
    return r


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    if not os.access(GPIQA, os.X_OK):
        pytest.skip(f"SKIPPED: gpiqa binary not built at {GPIQA}")
    d = tmp_path_factory.mktemp("interop")
    trajectory = d / "md.h5"
    gpiqa("md", "--reference", WATER_MOL, "--temperature", 400, "--duration-ps", 0.1, "--seed", 3,
          "--displace", 0.05, "--frames-every", 20, "--out", trajectory)
    (d / "c.yaml").write_text(f"""name: interop
molecules:
  water: {{geometry: {WATER_XYZ}, reference: {WATER_MOL}}}
models: {{mmff: {{kind: reference}}}}
temperatures_K: [300, 600]
seeds: 1
md: {{timestep_fs: 0.5, duration_ps: 0.05}}
start: {{displace_angstrom: 0.05}}
output: {{file: r.h5, frames_every: 10}}
""")
    gpiqa("run", d / "c.yaml")
    return {"dir": d, "trajectory": str(trajectory), "results": str(d / "r.h5")}


def frames_of(path, group="/"):
    """What gpiqa wrote, read with h5py: the reference values for every comparison."""
    with h5py.File(path, "r") as f:
        g = f[group]
        p = g["particles/all"]
        return {
            "step": p["position/step"][()], "time": p["position/time"][()],
            "position": p["position/value"][()], "velocity": p["velocity/value"][()],
            "force": p["force/value"][()],
            "potential": g["observables/potential_energy/value"][()],
            "kinetic": g["observables/kinetic_energy/value"][()],
            "conserved": g["observables/conserved_energy/value"][()],
            "temperature": g["observables/temperature/value"][()],
            "elements": p.attrs["elements"].split(","),
        }


def mdanalysis_universe(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        mda = pytest.importorskip("MDAnalysis", reason="SKIPPED: python3-mdanalysis not installed")
    return mda.Universe(WATER_XYZ, path, format="H5MD")


def expect_mdanalysis_reproduces(path, expected):
    u = mdanalysis_universe(path)
    assert u.trajectory.units == {"time": "ps", "length": "Angstrom", "velocity": "Angstrom/ps",
                                  "force": "kJ/(mol*Angstrom)"}
    assert list(u.atoms.elements) == expected["elements"]
    assert u.trajectory.n_frames == len(expected["step"]) > 2
    for i, ts in enumerate(u.trajectory):
        assert ts.dimensions is None, "gas phase: no periodic box"
        assert ts.time == pytest.approx(expected["time"][i], abs=1e-12)
        assert ts.data["step"] == expected["step"][i]
        # MDAnalysis holds coordinates as float32
        np.testing.assert_allclose(u.atoms.positions, expected["position"][i], rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(u.atoms.velocities, expected["velocity"][i], rtol=1e-6, atol=1e-5)
        np.testing.assert_allclose(u.atoms.forces, expected["force"][i], rtol=1e-6, atol=1e-4)
        assert ts.data["temperature"] == pytest.approx(expected["temperature"][i])
    assert np.all(np.isfinite(expected["force"])) and np.abs(expected["force"]).max() > 1.0


def expect_mdanalysis_frame_interval(path, dt_ps):
    """trajectory.dt is the real interval between frames, read from the file: MDAnalysis does not warn "Reader has
    no dt information, set to 1.0 ps" (a warning becomes an error here)."""
    u = mdanalysis_universe(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        assert u.trajectory.dt == pytest.approx(dt_ps, rel=1e-12)
        assert u.trajectory.totaltime == pytest.approx((u.trajectory.n_frames - 1) * dt_ps, rel=1e-12)
        for ts in u.trajectory:
            assert ts.dt == pytest.approx(dt_ps, rel=1e-12)
    with h5py.File(path, "r") as f:
        dt = f["observables/dt"]
        assert dt["value"].attrs["unit"] == "ps"
        assert len(dt["value"]) == u.trajectory.n_frames
        np.testing.assert_array_equal(dt["time"][()], f["particles/all/position/time"][()])


def test_mdanalysis_reads_the_frame_interval_of_an_md_trajectory(made):
    expect_mdanalysis_frame_interval(made["trajectory"], 0.01)  # frames every 20 steps of 0.5 fs


def test_mdanalysis_reads_the_frame_interval_of_an_exported_campaign_task(made):
    out = made["dir"] / "task1-dt.h5"
    gpiqa("export", made["results"], "--task", 1, "--format", "h5md", "--out", out)
    expect_mdanalysis_frame_interval(str(out), 0.005)  # frames every 10 steps of 0.5 fs


def test_mdanalysis_opens_a_gpiqa_md_trajectory(made):
    expected = frames_of(made["trajectory"])
    assert list(expected["step"]) == list(range(0, 201, 20))
    assert expected["time"][1] == pytest.approx(0.01)  # 20 steps of 0.5 fs in ps
    expect_mdanalysis_reproduces(made["trajectory"], expected)


def test_campaign_task_frames_are_h5md_and_mdanalysis_opens_their_export(made):
    task = 1
    with h5py.File(made["results"], "r") as f:
        g = f[f"trajectories/{task}"]
        assert list(g["h5md"].attrs["version"]) == [1, 1]
        assert g["h5md/creator"].attrs["name"] == b"gpiqa"
        assert g["particles/all/box"].attrs["dimension"] == 3
        assert list(g["particles/all/box"].attrs["boundary"]) == [b"none"] * 3
        assert list(g["particles/all/species"][()]) == [8, 1, 1]
    expected = frames_of(made["results"], f"trajectories/{task}")
    out = made["dir"] / f"task{task}.h5"
    gpiqa("export", made["results"], "--task", task, "--format", "h5md", "--out", out)
    expect_mdanalysis_reproduces(str(out), expected)
    # the analysis package's reader of the same frames still works
    frames = load_frames(made["results"], task)
    np.testing.assert_array_equal(frames["potential_hartree"], expected["potential"])
    np.testing.assert_array_equal(frames["time_ps"], expected["time"])


def expect_ase_reads(path, expected):
    pytest.importorskip("ase", reason="SKIPPED: python3-ase not installed")
    import ase.io
    from ase import units
    atoms = ase.io.read(path, ":")
    assert len(atoms) == len(expected["step"]) > 2
    for i, a in enumerate(atoms):
        assert a.get_chemical_symbols() == expected["elements"]
        assert not a.pbc.any()
        np.testing.assert_allclose(a.get_positions(), expected["position"][i], atol=1e-9)
        np.testing.assert_allclose(a.get_forces(), expected["force"][i] / KJ_MOL_PER_EV, rtol=1e-8, atol=1e-9)
        assert a.get_potential_energy() == pytest.approx(expected["potential"][i] * EV_PER_HARTREE, rel=1e-12)
        # ASE's energy unit is its own eV; its Hartree (CODATA 2014) agrees to 1e-8
        assert a.get_potential_energy() == pytest.approx(expected["potential"][i] * units.Hartree, rel=1e-7)
        assert a.info["kinetic_energy"] == pytest.approx(expected["kinetic"][i] * EV_PER_HARTREE, rel=1e-12)
        assert a.info["total_energy"] == pytest.approx(
            (expected["potential"][i] + expected["kinetic"][i]) * EV_PER_HARTREE, rel=1e-12)
        assert a.info["conserved_energy"] == pytest.approx(expected["conserved"][i] * EV_PER_HARTREE, rel=1e-12)
        assert a.info["time"] == pytest.approx(expected["time"][i], rel=1e-15)
        assert a.info["step"] == expected["step"][i]
        # velocities: ASE's unit from momenta / masses; in Angstrom/fs through ase.units.fs
        v_angstrom_per_fs = expected["velocity"][i] / 1000.0
        np.testing.assert_allclose(a.get_velocities() * units.fs, v_angstrom_per_fs, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(a.get_velocities(), v_angstrom_per_fs * FS_PER_ASE_TIME, atol=1e-9)
        np.testing.assert_allclose(a.arrays["velo"], v_angstrom_per_fs, atol=1e-10)
        # the kinetic energy ASE computes from them is the one gpiqa recorded
        assert a.get_kinetic_energy() == pytest.approx(expected["kinetic"][i] * EV_PER_HARTREE, rel=1e-5)
        assert "units" in a.info and "forces:eV/Angstrom" in a.info["units"]


def test_ase_temperature_differs_from_gpiqas_by_exactly_3n_over_nf(made):
    """ASE's get_temperature() divides 2 K by 3N k_B; gpiqa by N_f k_B, with N_f = 3N - 6 for a non-linear
    molecule under nhc (rigid motion removed and kept removed). The export carries gpiqa's own value per frame in
    atoms.info["temperature"], and the two differ by exactly 3N / N_f (water: 9 / 3)."""
    pytest.importorskip("ase", reason="SKIPPED: python3-ase not installed")
    import ase.io
    out = made["dir"] / "md-temperature.extxyz"
    gpiqa("export", made["trajectory"], "--out", out)
    expected = frames_of(made["trajectory"])
    n = len(expected["elements"])
    n_f = 3 * n - 6
    frames = ase.io.read(str(out), ":")
    hot = 0
    for i, a in enumerate(frames):
        assert a.info["temperature"] == pytest.approx(expected["temperature"][i], rel=1e-12)
        if expected["temperature"][i] > 1.0:
            hot += 1
            # momenta are written with 10 decimals: the kinetic energy ASE recomputes agrees to about 1e-6
            assert a.get_temperature() * 3 * n / n_f == pytest.approx(a.info["temperature"], rel=1e-5)
            assert a.get_temperature() == pytest.approx(a.info["temperature"] / 3, rel=1e-5)
    assert hot > 2


def test_ase_reads_the_extxyz_export_of_an_md_trajectory(made):
    out = made["dir"] / "md.extxyz"
    gpiqa("export", made["trajectory"], "--out", out)
    expect_ase_reads(str(out), frames_of(made["trajectory"]))


def test_ase_reads_the_extxyz_export_of_a_campaign_task(made):
    out = made["dir"] / "task0.extxyz"
    gpiqa("export", made["results"], "--task", 0, "--out", out)
    expect_ase_reads(str(out), frames_of(made["results"], "trajectories/0"))
