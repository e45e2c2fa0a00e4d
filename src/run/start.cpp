#include "gpiqa/run/start.hpp"

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::run {

DisplaceMode parse_displace_mode(const std::string& text, const std::string& where) {
  if (text == "gaussian") return DisplaceMode::kGaussian;
  if (text == "sphere") return DisplaceMode::kSphere;
  throw InputError(where, "unknown displacement mode '" + text + "' (gaussian, sphere)");
}

std::string to_string(DisplaceMode mode) {
  return mode == DisplaceMode::kSphere ? "sphere" : "gaussian";
}

model::Positions displacement_direction(int n, DisplaceMode mode, const md::RandomStream& rng) {
  std::vector<double> xi(static_cast<std::size_t>(3 * n));
  rng.normals(0, md::RandomPurpose::kInitialDisplacement, xi);
  model::Positions d(3, n);
  for (int a = 0; a < n; ++a) {
    Eigen::Vector3d step(xi[static_cast<std::size_t>(3 * a)], xi[static_cast<std::size_t>(3 * a + 1)],
                         xi[static_cast<std::size_t>(3 * a + 2)]);
    // an isotropic Gaussian vector, normalised, is a uniformly random direction
    if (mode == DisplaceMode::kSphere) step = step.norm() > 0 ? step.normalized() : Eigen::Vector3d::UnitX();
    d.col(a) = step;
  }
  return d;
}

model::Positions displaced(const model::Positions& base, double displace_angstrom, DisplaceMode mode,
                           const md::RandomStream& rng) {
  if (!(displace_angstrom > 0)) return base;
  return base + (displace_angstrom * units::kBohrPerAngstrom) *
                    displacement_direction(static_cast<int>(base.cols()), mode, rng);
}

ControlledStart controlled_start(model::Potential& reference, const model::Positions& x0, double minimum,
                                 const model::Positions& d, double target_kcal, const std::string& where) {
  if (!(target_kcal > 0) || !std::isfinite(target_kcal))
    throw InputError(
        where, fmt::format("the start energy must be a positive number of kcal/mol, got {}", target_kcal));
  ControlledStart c;
  // excess(s): the reference's energy at x0 + s d above its minimum, minus the target (kcal/mol); a geometry
  // it cannot evaluate counts as far above.
  auto excess = [&](double s_angstrom) {
    ++c.evaluations;
    const model::Positions x = x0 + (s_angstrom * units::kBohrPerAngstrom) * d;
    try {
      const double e =
          (reference.compute(x, nullptr, nullptr, nullptr) - minimum) * units::kKcalPerMolPerHartree;
      return std::isfinite(e) ? e - target_kcal : 1e300;
    } catch (const GeometryError&) {
      return 1e300;
    }
  };
  const double tolerance = 0.01 * target_kcal, max_scale = 2.0;
  double lo = 0.0, f_lo = excess(0.0);
  if (f_lo > 0)
    throw UnreachableStart(
        where, fmt::format("the start geometry already lies {:.4g} kcal/mol above the reference's "
                           "minimum, more than the {} asked for",
                           f_lo + target_kcal, target_kcal));
  double hi = 0.05, f_hi = excess(hi);
  while (f_hi < 0 && hi < max_scale)
    lo = hi, f_lo = f_hi, hi = std::min(2 * hi, max_scale), f_hi = excess(hi);
  if (f_hi < 0) {
    // The doubling steps over a crossing when the energy along the line is not monotonic (an atom passing
    // through a neighbour between two doublings, say). Only then, scan the line in fine steps for its first
    // crossing; starts the doubling finds are unchanged by this.
    const double step = 0.02;
    lo = 0.0;
    for (int i = 1; i * step <= max_scale + 1e-12; ++i) {
      const double s = i * step, f = excess(s);
      if (f >= 0) {
        hi = s, f_hi = f;
        break;
      }
      lo = s;
    }
  }
  if (f_hi < 0)
    throw UnreachableStart(
        where, fmt::format("no displacement up to {} A along the seed's direction raises the reference's "
                           "energy to {} kcal/mol above its minimum (reached {:.4g})",
                           max_scale, target_kcal, f_hi + target_kcal));
  // bisection on the bracket [lo, hi], excess(lo) < 0 < excess(hi), to 1% of the target
  double s = hi, f = f_hi;
  for (int i = 0; i < 200 && std::abs(f) > tolerance; ++i) {
    s = 0.5 * (lo + hi);
    f = excess(s);
    if (f < 0)
      lo = s;
    else
      hi = s;
  }
  if (std::abs(f) > tolerance)
    throw UnreachableStart(
        where, fmt::format("the reference's energy jumps across {} kcal/mol along the seed's direction "
                           "(no scale lands within 1%)",
                           target_kcal));
  c.scale_angstrom = s;
  c.energy_above_minimum_kcal_mol = f + target_kcal;
  c.start_bohr = x0 + (s * units::kBohrPerAngstrom) * d;
  return c;
}

}  // namespace gpiqa::run
