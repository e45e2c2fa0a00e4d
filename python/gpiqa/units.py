"""Unit conversions of gpiqa's files, CODATA 2018: the values of include/gpiqa/util/units.hpp (the compiled
extension's HARTREE_IN_EV and BOHR_IN_ANGSTROM are the same numbers), here so that reading results needs no
compiled code.

Trajectory frames (H5MD, /trajectories/<task_id>/ of a results file) hold positions in Angstrom, velocities in
Angstrom/ps, forces in kJ/(mol Angstrom), energies in Hartree and time in ps; ASE wants eV, eV/Angstrom and
its own time unit, Angstrom sqrt(amu/eV) (FS_PER_ASE_TIME fs, as `gpiqa export` writes extended XYZ).
"""
ANGSTROM_PER_BOHR = 0.529177210903
EV_PER_HARTREE = 27.211386245988
KJ_PER_MOL_PER_HARTREE = 2625.4996394799
KCAL_PER_MOL_PER_HARTREE = 627.5094740631
EV_PER_KJ_PER_MOL = EV_PER_HARTREE / KJ_PER_MOL_PER_HARTREE
# ASE's time unit in fs: 1e15 * 1e-10 m * sqrt(amu / eV), amu 1.66053906660e-27 kg, eV 1.602176634e-19 J
FS_PER_ASE_TIME = 10.180505710759414
