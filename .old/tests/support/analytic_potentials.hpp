#pragma once
// Analytic potentials for testing the dynamics without a GP: harmonic springs between atom pairs,
//   E = sum_bonds k/2 (|r_i - r_j| - r0)^2.
// A diatomic with one spring has the exact solution r(t) = r0 + A cos(omega t), omega = sqrt(k/mu).
#include <string>
#include <tuple>
#include <vector>

#include "gpiqa/model/potential.hpp"

namespace gpiqa::test {

class HarmonicSprings : public model::Potential {
 public:
  struct Spring {
    int i, j;
    double k;   // Hartree / Bohr^2
    double r0;  // Bohr
  };
  HarmonicSprings(std::vector<std::string> elements, std::vector<Spring> springs)
      : elements_(std::move(elements)), springs_(std::move(springs)) {}
  int atom_count() const override { return static_cast<int>(elements_.size()); }
  const std::vector<std::string>& elements() const override { return elements_; }
  double compute(const model::Positions& r, model::Positions* forces, Eigen::VectorXd* atomic,
                 model::Diagnostics* diagnostics) override {
    if (forces) forces->setZero(3, r.cols());
    if (atomic) atomic->setZero(r.cols());
    if (diagnostics) {
      diagnostics->max_kernel.clear();
      diagnostics->features_outside.clear();
    }
    double e = 0;
    for (const Spring& s : springs_) {
      const Eigen::Vector3d d = r.col(s.i) - r.col(s.j);
      const double len = d.norm();
      const double stretch = len - s.r0;
      e += 0.5 * s.k * stretch * stretch;
      if (atomic)
        (*atomic)(s.i) += 0.25 * s.k * stretch * stretch, (*atomic)(s.j) += 0.25 * s.k * stretch * stretch;
      if (forces) {
        const Eigen::Vector3d f = -s.k * stretch * d / len;
        forces->col(s.i) += f;
        forces->col(s.j) -= f;
      }
    }
    return e;
  }

 private:
  std::vector<std::string> elements_;
  std::vector<Spring> springs_;
};

}  // namespace gpiqa::test
