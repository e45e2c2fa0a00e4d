#include "gpiqa/train/sampler.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

#include <fmt/format.h>

#include "gpiqa/io/xyz.hpp"
#include "gpiqa/md/random_stream.hpp"
#include "gpiqa/run/trajectory.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/units.hpp"

namespace gpiqa::train {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kDisplacementKey = 0x6770697161445350ull;  // "gpiqaDSP"
constexpr std::uint64_t kValidationKey = 0x6770697161564c44ull;    // "gpiqaVLD"

double uniform_from_normal(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

Eigen::VectorXd inverse_distances(const model::Positions& p) {
  const Eigen::Index n = p.cols();
  Eigen::VectorXd d(n * (n - 1) / 2);
  Eigen::Index k = 0;
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = i + 1; j < n; ++j) d[k++] = 1.0 / (p.col(i) - p.col(j)).norm();
  return d;
}

}  // namespace

std::vector<int> farthest_point_subset(const Eigen::MatrixXd& x, int count, int first) {
  const Eigen::Index n = x.rows();
  count = static_cast<int>(std::min<Eigen::Index>(count, n));
  std::vector<int> chosen;
  if (count <= 0) return chosen;
  Eigen::VectorXd nearest = Eigen::VectorXd::Constant(n, std::numeric_limits<double>::infinity());
  int next = first;
  for (int c = 0; c < count; ++c) {
    chosen.push_back(next);
    nearest = nearest.cwiseMin((x.rowwise() - x.row(next)).rowwise().squaredNorm());
    Eigen::Index far = 0;
    nearest.maxCoeff(&far);  // first index of the maximum: deterministic
    next = static_cast<int>(far);
  }
  return chosen;
}

SampledGeometries sample_geometries(model::Potential& reference, const model::Positions& minimum,
                                    const SampleOptions& o,
                                    const std::function<void(const std::string&)>& progress) {
  if (o.temperatures_K.empty() && o.displaced <= 0)
    throw InputError("--temperatures", "nothing to sample from");
  if (o.training_points < 1 || o.validation_points < 0)
    throw InputError("--points", "need at least one training point");
  if (!(o.record_every_fs >= o.timestep_fs))
    throw InputError("--record-every-fs", "must be at least the time step");
  auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  std::vector<model::Positions> candidates{minimum};
  std::vector<std::string> origin{"minimum"};

  const long long stride = std::max(1LL, std::llround(o.record_every_fs / o.timestep_fs));
  for (double temperature : o.temperatures_K) {
    run::TrajectorySpec spec;
    spec.integrator.type = "langevin";
    spec.integrator.temperature_K = temperature;
    spec.integrator.timestep_fs = o.timestep_fs;
    spec.integrator.friction_per_ps = o.friction_per_ps;
    spec.duration_ps = o.duration_ps;
    spec.seed = o.seed;
    spec.task_key = std::bit_cast<std::uint64_t>(temperature);
    run::Trajectory t(reference, minimum, spec);
    const std::size_t before = candidates.size();
    const stability::Outcome out = t.run([&](const run::Trajectory& tr) {
      if (tr.state().step % stride == 0) {
        candidates.push_back(tr.state().positions);
        origin.push_back(fmt::format("md {:g}K t={:.3f}ps", temperature, tr.time_ps()));
      }
      return true;
    });
    if (out.status != stability::Status::kStable) {
      // Keep what came well before the failure: drop the last 100 fs of frames.
      const std::size_t drop =
          std::min(candidates.size() - before, static_cast<std::size_t>(100.0 / o.record_every_fs) + 1);
      candidates.resize(candidates.size() - drop);
      origin.resize(candidates.size());
      say(fmt::format("reference MD at {:g} K ended early ({}): {}", temperature,
                      stability::to_string(out.status), out.reason));
    }
    say(fmt::format("reference MD at {:g} K: {} frames", temperature, candidates.size() - before));
  }

  const md::RandomStream rng(o.seed, kDisplacementKey);
  const Eigen::Index coords = 3 * minimum.cols();
  std::vector<double> z(static_cast<std::size_t>(coords + 1));
  for (int g = 0; g < o.displaced; ++g) {
    rng.normals(static_cast<std::uint64_t>(g), md::RandomPurpose::kSampling, z);
    const double sigma_angstrom = o.displace_angstrom * uniform_from_normal(z.back());
    model::Positions p = minimum;
    for (Eigen::Index c = 0; c < coords; ++c)
      p(c % 3, c / 3) += sigma_angstrom * units::kBohrPerAngstrom * z[static_cast<std::size_t>(c)];
    candidates.push_back(std::move(p));
    origin.push_back(fmt::format("displaced sigma={:.4f}A", sigma_angstrom));
  }
  if (o.displaced > 0) say(fmt::format("random displacements: {}", o.displaced));

  // Energy cap.
  const double t_max =
      o.temperatures_K.empty() ? 300.0 : *std::max_element(o.temperatures_K.begin(), o.temperatures_K.end());
  const double cap_kcal =
      o.max_energy_kcal > 0
          ? o.max_energy_kcal
          : 30.0 + 3.0 * 0.5 * model::alf_feature_count(static_cast<int>(minimum.cols())) *
                       units::kBoltzmannHartreePerKelvin * t_max * units::kKcalPerMolPerHartree;
  const double e_min = reference.compute(minimum, nullptr, nullptr, nullptr);
  int rejected = 0;
  {
    std::vector<model::Positions> kept;
    std::vector<std::string> kept_origin;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const double e = (reference.compute(candidates[i], nullptr, nullptr, nullptr) - e_min) *
                       units::kKcalPerMolPerHartree;
      if (std::isfinite(e) && e <= cap_kcal) {
        kept.push_back(std::move(candidates[i]));
        kept_origin.push_back(std::move(origin[i]));
      } else {
        ++rejected;
      }
    }
    candidates = std::move(kept);
    origin = std::move(kept_origin);
  }
  say(fmt::format("energy cap {:.1f} kcal/mol above the minimum: kept {}, dropped {}", cap_kcal,
                  candidates.size(), rejected));

  const int n = static_cast<int>(candidates.size());
  if (o.training_points + o.validation_points > n)
    throw InputError("--points",
                     fmt::format("{} training + {} validation points requested but only {} candidates; "
                                 "sample longer or add displacements",
                                 o.training_points, o.validation_points, n));
  Eigen::MatrixXd descriptors(n, minimum.cols() * (minimum.cols() - 1) / 2);
  for (int i = 0; i < n; ++i)
    descriptors.row(i) = inverse_distances(candidates[static_cast<std::size_t>(i)]).transpose();
  const std::vector<int> train = farthest_point_subset(descriptors, o.training_points, 0);

  std::vector<char> used(static_cast<std::size_t>(n), 0);
  for (int i : train) used[static_cast<std::size_t>(i)] = 1;
  const md::RandomStream pick(o.seed, kValidationKey);
  std::vector<double> keys(static_cast<std::size_t>(n));
  pick.normals(0, md::RandomPurpose::kSampling, keys);
  std::vector<int> rest;
  for (int i = 0; i < n; ++i)
    if (!used[static_cast<std::size_t>(i)]) rest.push_back(i);
  std::stable_sort(rest.begin(), rest.end(), [&](int a, int b) {
    return keys[static_cast<std::size_t>(a)] < keys[static_cast<std::size_t>(b)];
  });
  rest.resize(static_cast<std::size_t>(o.validation_points));
  std::sort(rest.begin(), rest.end());

  SampledGeometries s;
  s.candidates = n;
  s.rejected = rejected;
  s.max_energy_kcal = cap_kcal;
  for (int i : train)
    s.training.push_back(candidates[static_cast<std::size_t>(i)]),
        s.training_origin.push_back(origin[static_cast<std::size_t>(i)]);
  for (int i : rest)
    s.validation.push_back(candidates[static_cast<std::size_t>(i)]),
        s.validation_origin.push_back(origin[static_cast<std::size_t>(i)]);
  say(fmt::format("chose {} training (farthest-point) and {} validation (random) geometries of {} candidates",
                  s.training.size(), s.validation.size(), n));
  return s;
}

std::vector<std::string> atom_labels(const std::vector<std::string>& elements) {
  std::vector<std::string> labels;
  for (std::size_t a = 0; a < elements.size(); ++a) labels.push_back(elements[a] + std::to_string(a + 1));
  return labels;
}

void write_training_sets(const std::string& directory, const std::string& system, model::Potential& reference,
                         const std::vector<model::Alf>& frames, const SampledGeometries& sample) {
  fs::create_directories(directory);
  const int atoms = reference.atom_count();
  const int nf = model::alf_feature_count(atoms);
  const std::vector<std::string> labels = atom_labels(reference.elements());
  {
    std::ofstream alf(fs::path(directory) / (system + "_ALF.txt"));
    alf << "# atom  central x-axis xy-plane (1-based), ICHOR's rule\n";
    for (int a = 0; a < atoms; ++a)
      alf << fmt::format("{} {} {} {}\n", labels[a], frames[a].central + 1, frames[a].x_axis + 1,
                         frames[a].xy_plane + 1);
  }
  auto write_kind = [&](const std::vector<model::Positions>& geoms, const std::vector<std::string>& origins,
                        const std::string& kind) {
    std::vector<std::ofstream> csv;
    for (int a = 0; a < atoms; ++a) {
      csv.emplace_back(fs::path(directory) / fmt::format("{}_{}_{}_SET.csv", system, labels[a], kind));
      std::string header;
      for (int h = 1; h <= nf; ++h) header += fmt::format(",f{}", h);
      csv.back() << header << ",iqa\n";
    }
    const std::string xyz = (fs::path(directory) / fmt::format("{}_{}.xyz", system, kind)).string();
    fs::remove(xyz);
    Eigen::VectorXd features(nf), atomic;
    for (std::size_t g = 0; g < geoms.size(); ++g) {
      const double energy = reference.compute(geoms[g], nullptr, &atomic, nullptr);
      for (int a = 0; a < atoms; ++a) {
        model::alf_features(geoms[g], frames[static_cast<std::size_t>(a)], features, nullptr);
        std::string row = std::to_string(g);
        for (int h = 0; h < nf; ++h) row += fmt::format(",{:.17g}", features[h]);
        csv[static_cast<std::size_t>(a)] << row << fmt::format(",{:.17g}\n", atomic[a]);
      }
      io::XyzFrame f;
      f.elements = reference.elements();
      f.positions_angstrom = geoms[g] / units::kBohrPerAngstrom;
      f.comment = fmt::format("energy_hartree={:.17g} origin=\"{}\"", energy, origins[g]);
      io::write_xyz_frame(xyz, f, true);
    }
    for (auto& c : csv)
      if (!c.flush()) throw InputError(directory, "cannot write the training CSVs");
  };
  write_kind(sample.training, sample.training_origin, "TRAINING");
  write_kind(sample.validation, sample.validation_origin, "VALIDATION");
}

}  // namespace gpiqa::train
