#include "gpiqa/train/set_trainer.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "gpiqa/model/atom_model.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/text.hpp"

namespace gpiqa::train {

namespace fs = std::filesystem;

namespace {

constexpr const char* kTrainingSuffix = "_TRAINING_SET.csv";
constexpr const char* kValidationSuffix = "_VALIDATION_SET.csv";

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::map<std::string, model::Alf> read_alf_file(const std::string& path, int atoms) {
  std::map<std::string, model::Alf> out;
  const std::vector<std::string> lines = util::split_lines(util::read_text_file(path));
  for (std::size_t l = 0; l < lines.size(); ++l) {
    const std::string line = util::trim(lines[l]);
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> t = util::split_whitespace(line);
    if (t.size() != 4)
      throw InputError(path, static_cast<int>(l + 1), "expected 'LABEL i j k' (1-based atom indices)");
    out[t[0]] = parse_alf(t[1] + " " + t[2] + " " + t[3], atoms, path, static_cast<int>(l + 1));
  }
  return out;
}

}  // namespace

std::vector<AtomJob> read_training_directory(const std::string& directory,
                                             const std::string& system_override) {
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) throw InputError(directory, "not a directory");
  std::vector<std::string> csvs;
  std::string alf_file;
  for (const auto& e : fs::directory_iterator(directory)) {
    const std::string name = e.path().filename().string();
    if (ends_with(name, kTrainingSuffix)) csvs.push_back(e.path().string());
    if (ends_with(name, "_ALF.txt")) alf_file = e.path().string();
  }
  if (csvs.empty()) {  // FEREBUS users' directories may name files freely: take every CSV but validation ones
    for (const auto& e : fs::directory_iterator(directory))
      if (e.path().extension() == ".csv" && !ends_with(e.path().filename().string(), kValidationSuffix))
        csvs.push_back(e.path().string());
  }
  std::sort(csvs.begin(), csvs.end());
  if (csvs.empty()) throw InputError(directory, "no training CSVs (*_TRAINING_SET.csv) in the directory");

  std::vector<AtomJob> jobs;
  std::map<std::string, model::Alf> alfs;
  for (const std::string& path : csvs) {
    AtomJob job;
    job.training = read_training_csv(path);
    auto [system, atom] = identity_from_file_name(path);
    job.identity.system = !system_override.empty() ? system_override : (system.empty() ? "MOLECULE" : system);
    job.identity.atom = atom;
    if (atom.empty())
      throw InputError(path,
                       "cannot tell the atom from the file name (expected SYSTEM_ATOM_TRAINING_SET.csv)");
    const Eigen::Index nf = job.training.x.cols();
    job.identity.number_of_atoms = static_cast<int>((nf + 6) / 3);
    if (3 * job.identity.number_of_atoms - 6 != nf)
      throw InputError(path, fmt::format("{} features is not 3N-6 for any number of atoms N", nf));
    if (!alf_file.empty() && alfs.empty()) alfs = read_alf_file(alf_file, job.identity.number_of_atoms);
    if (!alf_file.empty()) {
      const auto it = alfs.find(atom);
      if (it == alfs.end()) throw InputError(alf_file, "no local frame for atom " + atom);
      job.identity.alf = it->second;
    } else {
      job.identity.alf = default_alf(atom, job.identity.number_of_atoms, path);
    }
    std::string validation =
        path.substr(0, path.size() - std::string(kTrainingSuffix).size()) + kValidationSuffix;
    if (ends_with(path, kTrainingSuffix) && fs::exists(validation, ec)) {
      job.validation = read_training_csv(validation);
      if (job.validation.x.cols() != nf)
        throw InputError(validation, "feature count differs from the training set");
    }
    jobs.push_back(std::move(job));
  }
  return jobs;
}

AtomReport report_fit(const AtomJob& job, const TrainResult& r, const std::string& model_path) {
  AtomReport rep;
  rep.atom = job.identity.atom;
  rep.model_path = model_path;
  rep.training_points = job.training.x.rows();
  rep.features = static_cast<int>(job.training.x.cols());
  rep.log_likelihood = r.log_likelihood;
  rep.noise = r.file.noise();
  rep.seconds = r.seconds;
  rep.evaluations = r.evaluations;
  double log_sum = 0;
  int count = 0;
  for (const model::KernelFactor& factor : r.file.kernels) {
    rep.kernel += (rep.kernel.empty() ? "" : "*") + factor.type;
    for (double theta : factor.theta) log_sum += std::log(1.0 / std::sqrt(2.0 * theta)), ++count;
  }
  rep.mean_length_scale = count == 0 ? 0 : std::exp(log_sum / count);
  if (job.validation.x.rows() > 0) {
    const model::AtomModel m = model::make_atom_model(r.file);
    double se = 0, worst = 0;
    for (Eigen::Index p = 0; p < job.validation.x.rows(); ++p) {
      const double e = m.energy(job.validation.x.row(p).transpose()) - job.validation.y(p);
      se += e * e, worst = std::max(worst, std::abs(e));
    }
    rep.validation_points = job.validation.x.rows();
    rep.validation_rmse_hartree = std::sqrt(se / static_cast<double>(rep.validation_points));
    rep.validation_max_error_hartree = worst;
  }
  return rep;
}

std::vector<AtomReport> train_set(const std::vector<AtomJob>& jobs, const TrainOptions& options,
                                  const std::string& out_directory, int threads,
                                  const std::function<void(const AtomReport&)>& progress) {
  fs::create_directories(out_directory);
  std::vector<AtomReport> reports(jobs.size());
  std::vector<std::exception_ptr> errors(jobs.size());
  // Largest jobs first keeps the threads busy to the end.
  std::vector<std::size_t> order(jobs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return jobs[a].training.x.size() > jobs[b].training.x.size();
  });
  std::atomic<std::size_t> next{0};
  std::mutex report_mutex;
  auto worker = [&] {
    for (std::size_t k = next++; k < order.size(); k = next++) {
      const std::size_t i = order[k];
      try {
        const AtomJob& job = jobs[i];
        const TrainResult r = train_atom_model(job.training, job.identity, options);
        const std::string path =
            (fs::path(out_directory) / (job.identity.system + "_iqa_" + job.identity.atom + ".model"))
                .string();
        model::write_model_file(path, r.file);
        const AtomReport rep = report_fit(job, r, path);
        std::lock_guard lock(report_mutex);
        reports[i] = rep;
        if (progress) progress(rep);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  const int n = std::max(1, std::min<int>(threads, static_cast<int>(jobs.size())));
  std::vector<std::thread> pool;
  for (int t = 1; t < n; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  return reports;
}

SetErrors set_errors(model::Potential& model, model::Potential& reference,
                     const std::vector<model::Positions>& geometries) {
  SetErrors s;
  model::Positions fm, fr;
  double se = 0, ae = 0, fse = 0;
  long long components = 0;
  for (const model::Positions& g : geometries) {
    const double em = model.compute(g, &fm, nullptr, nullptr);
    const double er = reference.compute(g, &fr, nullptr, nullptr);
    const double e = em - er;
    se += e * e, ae += std::abs(e);
    s.energy_max_error_hartree = std::max(s.energy_max_error_hartree, std::abs(e));
    fse += (fm - fr).squaredNorm();
    components += fm.size();
    s.force_max_error_hartree_per_bohr =
        std::max(s.force_max_error_hartree_per_bohr, (fm - fr).cwiseAbs().maxCoeff());
  }
  s.geometries = static_cast<long long>(geometries.size());
  if (s.geometries > 0) {
    s.energy_rmse_hartree = std::sqrt(se / static_cast<double>(s.geometries));
    s.energy_mae_hartree = ae / static_cast<double>(s.geometries);
    s.force_rmse_hartree_per_bohr = std::sqrt(fse / static_cast<double>(components));
  }
  return s;
}

}  // namespace gpiqa::train
