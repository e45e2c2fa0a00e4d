#pragma once
// Time integration of a gas-phase molecule (no box) under a Potential, optionally coupled to a heat bath.
// All schemes are velocity-Verlet based (Swope et al. 1982) with the thermostat split around it:
//   nve       velocity Verlet
//   nhc       Nose-Hoover chains, Martyna-Tuckerman-Klein (Mol. Phys. 87, 1117 (1996)), Suzuki-Yoshida
//             order-3 sub-steps; Q_1 = N_f k T tau^2, Q_j = k T tau^2
//   csvr      Bussi-Donadio-Parrinello stochastic velocity rescaling (J. Chem. Phys. 126, 014101 (2007)),
//             applied for dt/2 before and after the Verlet step
//   langevin  BAOAB (Leimkuhler & Matthews, AMRX 2013, 34): B A O A B with O: v <- c v + sqrt((1-c^2) kT/m)
//   xi,
//             c = exp(-gamma dt)
// Degrees of freedom: the deterministic and rescaling schemes keep centre-of-mass translation and rotation
// removed (N_f = 3N-6, 3N-5 if linear); Langevin noise excites them, so N_f = 3N there.
// Conserved quantities: nve K+U; nhc K+U+sum Q_j v_j^2/2 + N_f kT eta_1 + kT sum_{j>1} eta_j;
// csvr and langevin K+U+(heat removed by the bath).
#include <memory>
#include <string>

#include "gpiqa/md/random_stream.hpp"
#include "gpiqa/md/state.hpp"
#include "gpiqa/model/potential.hpp"

namespace gpiqa::md {

/// The time steps gpiqa accepts, fs: below an attosecond nothing moves in any run one could afford; above
/// 10 fs no bond vibration of a molecule is resolved.
inline constexpr double kMinTimestepFs = 1e-3;
inline constexpr double kMaxTimestepFs = 10.0;
/// Nose-Hoover chains longer than this add nothing (MTK use 3-5); a typo would size the chain's arrays.
inline constexpr int kMaxChainLength = 20;

struct IntegratorConfig {
  std::string type = "nhc";  // nve | nhc | csvr | langevin
  double timestep_fs = 0.5;
  double temperature_K = 300.0;
  double tau_fs = 100.0;          // nhc, csvr: thermostat time constant
  int chain_length = 3;           // nhc
  int nhc_substeps = 1;           // nhc: multiple time steps per Suzuki-Yoshida weight
  double friction_per_ps = 10.0;  // langevin: gamma
};

/// Throws InputError("--thermostat", ...) / ("timestep", ...) for invalid settings (a time step outside
/// kMinTimestepFs..kMaxTimestepFs among them).
void validate(const IntegratorConfig& config);

class Integrator {
 public:
  virtual ~Integrator() = default;
  /// Makes the integrator for `config` and `dof` degrees of freedom of the molecule.
  static std::unique_ptr<Integrator> create(const IntegratorConfig& config, int internal_dof, int atoms);

  /// Sizes and zeroes the thermostat variables of a fresh state.
  virtual void initialise(MdState& state) const = 0;
  /// Advances one time step: before_forces, the forces at the new positions (compute_forces), after_forces.
  /// Forces in `state` must be those at its positions.
  void step(MdState& state, model::Potential& potential, const RandomStream& rng,
            model::Diagnostics* diagnostics) const;
  /// The part of a step before the forces at the new positions are needed (thermostat, kicks, drift). A
  /// driver that evaluates several trajectories' forces in one batch calls the two halves itself.
  virtual void before_forces(MdState& state, const RandomStream& rng) const = 0;
  /// The rest of the step, once state.forces and state.potential_hartree are those at the new positions.
  virtual void after_forces(MdState& state, const RandomStream& rng) const = 0;
  /// The scheme's conserved quantity, Hartree.
  virtual double conserved_energy(const MdState& state) const = 0;
  /// Degrees of freedom the kinetic temperature is measured over.
  int degrees_of_freedom() const { return dof_; }
  /// Whether centre-of-mass translation and rotation stay removed.
  bool removes_rigid_motion() const { return remove_rigid_; }
  const IntegratorConfig& config() const { return config_; }
  double timestep_atomic() const;
  double kT_hartree() const;

 protected:
  Integrator(IntegratorConfig config, int dof, bool remove_rigid)
      : config_(std::move(config)), dof_(dof), remove_rigid_(remove_rigid) {}
  // velocity-Verlet pieces
  static void kick(MdState& s, double dt);
  static void drift(MdState& s, double dt);
  void finish_step(MdState& s) const;

  IntegratorConfig config_;
  int dof_;
  bool remove_rigid_;
};

/// Evaluates forces and potential energy at the state's positions.
void compute_forces(MdState& state, model::Potential& potential, model::Diagnostics* diagnostics);

}  // namespace gpiqa::md
