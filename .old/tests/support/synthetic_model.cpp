#include "support/synthetic_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "gpiqa/util/units.hpp"

namespace gpiqa::test {

model::Positions synthetic_geometry(int atoms, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  model::Positions pos(3, atoms);
  // Random walk with ~1.4 Angstrom steps, rejecting atoms closer than 1.1 Angstrom to any other.
  pos.col(0).setZero();
  for (int a = 1; a < atoms; ++a) {
    for (int attempt = 0;; ++attempt) {
      Eigen::Vector3d step(normal(rng), normal(rng), normal(rng));
      const int anchor = std::uniform_int_distribution<int>(std::max(0, a - 3), a - 1)(rng);
      Eigen::Vector3d p = pos.col(anchor) + step.normalized() * 1.4 * units::kBohrPerAngstrom;
      bool ok = true;
      for (int b = 0; b < a; ++b) ok = ok && (p - pos.col(b)).norm() > 1.1 * units::kBohrPerAngstrom;
      if (ok || attempt > 1000) {
        pos.col(a) = p;
        break;
      }
    }
  }
  return pos;
}

namespace {

model::Alf nearest_frame(const model::Positions& pos, int a) {
  std::vector<int> order;
  for (int b = 0; b < pos.cols(); ++b)
    if (b != a) order.push_back(b);
  std::sort(order.begin(), order.end(), [&](int i, int j) {
    return (pos.col(i) - pos.col(a)).norm() < (pos.col(j) - pos.col(a)).norm();
  });
  return {a, order[0], order[1]};
}

}  // namespace

model::MoleculeModel synthetic_molecule(const SyntheticSpec& spec) {
  std::mt19937_64 rng(spec.seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const model::Positions base = synthetic_geometry(spec.atoms, spec.seed);
  const int n = spec.training_points;
  const int nf = model::alf_feature_count(spec.atoms);
  std::vector<model::Positions> geometries;
  for (int i = 0; i < n; ++i) {
    model::Positions p = base;
    for (Eigen::Index k = 0; k < p.size(); ++k)
      p.data()[k] += normal(rng) * spec.displacement_angstrom * units::kBohrPerAngstrom;
    geometries.push_back(p);
  }
  std::vector<model::ModelFile> files;
  const char* elements[] = {"C", "H", "O", "N"};
  for (int a = 0; a < spec.atoms; ++a) {
    model::ModelFile f;
    f.source = "synthetic";
    f.metadata = {{"program", "gpiqa-synthetic"}, {"nugget", fmt::format("{}", spec.noise)}};
    f.system_name = "SYNTH";
    f.atom_label = std::string(elements[a % 4]) + std::to_string(a + 1);
    f.property = "iqa";
    f.alf = nearest_frame(base, a);
    f.number_of_atoms = spec.atoms;
    f.number_of_features = nf;
    f.x.resize(n, nf);
    f.y.resize(n);
    for (int i = 0; i < n; ++i) {
      Eigen::VectorXd x(nf);
      model::alf_features(geometries[static_cast<std::size_t>(i)], f.alf, x, nullptr);
      f.x.row(i) = x.transpose();
      // smooth made-up atomic energy: bond stretch and angle terms plus a cosine in every phi
      double e = -1.0 - 0.3 * a + 0.05 * std::pow(x(0) - 2.6, 2) + 0.04 * std::pow(x(1) - 2.7, 2) +
                 0.02 * std::cos(x(2));
      for (int h = 5; h < nf; h += 3) e += 0.003 * std::cos(x(h)) + 0.002 / x(h - 2);
      f.y(i) = e;
    }
    model::KernelFactor k;
    k.name = "k1";
    if (spec.kernel == "rbf+periodic" && nf > 3) {
      k.type = "rbf";
      for (int h = 0; h < nf - 1; ++h) k.active_dimensions.push_back(h);
      model::KernelFactor p;
      p.name = "k2";
      p.type = "periodic";
      p.active_dimensions = {nf - 1};
      p.theta = {0.2 + 0.5 * uniform(rng)};
      f.composition = "(k1*k2)";
      for (int h = 0; h < nf - 1; ++h) k.theta.push_back(0.05 + 0.9 * uniform(rng));
      f.kernels = {k, p};
    } else {
      k.type = spec.kernel;
      for (int h = 0; h < nf; ++h)
        k.active_dimensions.push_back(h), k.theta.push_back(0.05 + 0.9 * uniform(rng));
      f.composition = "(k1)";
      f.kernels = {k};
    }
    if (spec.standardise)
      f.training_data_keys = {{"scaling.x", "standardise"}, {"scaling.y", "standardise"}};
    else
      f.training_data_keys = {{"scaling.x", "none"}, {"scaling.y", "none"}};
    Eigen::Index i_min = 0;
    const double y_min = f.y.minCoeff(&i_min);
    if (spec.mean == "constant") {
      f.mean = model::MeanFunction::make_constant(f.y.mean());
    } else {
      Eigen::VectorXd beta(nf);
      for (int h = 0; h < nf; ++h) beta(h) = 0.01 * (uniform(rng) - 0.2);
      f.mean = spec.mean == "linear"
                   ? model::MeanFunction::make_linear(beta, f.x.row(i_min).transpose(), y_min)
                   : model::MeanFunction::make_quadratic(beta, f.x.row(i_min).transpose(), y_min);
    }
    if (spec.standardise && f.mean.kind == model::MeanKind::kConstant) f.mean.constant = 0.0;
    f.weights = Eigen::VectorXd::Zero(n);
    for (int i = 0; i < n; ++i) f.weights(i) = 1e-3 * normal(rng);
    if (spec.solve_weights) {
      const model::AtomModel m = model::make_atom_model(f).with_mean(f.mean);
      f.weights = m.weights();
    }
    files.push_back(std::move(f));
  }
  return model::MoleculeModel::from_files(std::move(files), "synthetic");
}

}  // namespace gpiqa::test
