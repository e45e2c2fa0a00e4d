#include "gpiqa/train/set_trainer.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "gpiqa/model/alf.hpp"
#include "gpiqa/model/atom_model.hpp"
#include "gpiqa/model/mean_variant.hpp"
#include "gpiqa/run/mean_context.hpp"
#include "gpiqa/run/prior_mean_record.hpp"
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
  rep.candidates = r.candidates;
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

namespace {

// Calls fn(i) for every job, up to `threads` at once, largest jobs first (keeps the threads busy to the
// end); the first exception (in job order) is rethrown after all have finished.
void for_each_job(const std::vector<AtomJob>& jobs, int threads, const std::function<void(std::size_t)>& fn) {
  std::vector<std::exception_ptr> errors(jobs.size());
  std::vector<std::size_t> order(jobs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return jobs[a].training.x.size() > jobs[b].training.x.size();
  });
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t k = next++; k < order.size(); k = next++) {
      try {
        fn(order[k]);
      } catch (...) {
        errors[order[k]] = std::current_exception();
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
}

// A mean that needs the molecule, fitted for every atom before the hyperparameters (FEREBUS's order):
// stage 1 trains the set with a constant mean at the average training energy (same options), which gives
// bonded+ its anchor, the atom's energy at the equilibrium geometry; the mean is then fitted exactly as
// model::fit_mean fits it at run time (bonded+ with that anchor in the context; mmff-bonded as its
// Cartesian share at the rebuilt training geometries plus the least-squares constant).
struct ContextPriors {
  std::vector<FixedPrior> priors;  // by job
  model::MeanContext context;      // with bonded+'s anchors
  std::string molecule;            // what mean_context took (PRIOR_MEAN.json's reference)
  // mmff-bonded: the Cartesian share at the validation points, by job (for the report)
  std::vector<Eigen::VectorXd> validation_share;
};

ContextPriors fit_context_priors(const std::vector<AtomJob>& jobs, const TrainOptions& options,
                                 const model::MeanSpec& spec, const MeanSource& source, int threads,
                                 const std::string& out_directory) {
  TrainOptions first = options;
  first.mean = "mean";
  std::vector<model::ModelFile> files(jobs.size());
  for_each_job(jobs, threads, [&](std::size_t i) {
    files[i] = train_atom_model(jobs[i].training, jobs[i].identity, first).file;
  });
  const model::MoleculeModel stage1 =
      model::MoleculeModel::from_files(files, out_directory + " (stage 1: mean 'mean')");
  ContextPriors out;
  out.context = run::mean_context(spec, stage1, source.directory, source.molecule, &out.molecule);
  const bool bonded = spec.kind == model::MeanSpec::Kind::kBondedNonNegative;
  std::map<std::string, std::size_t> atom_of;
  for (std::size_t a = 0; a < stage1.atoms().size(); ++a) atom_of[stage1.atoms()[a].label()] = a;
  if (bonded)
    for (const model::AtomModel& atom : stage1.atoms())
      if (!out.context.bonded_anchor_hartree.count(atom.label())) {
        Eigen::VectorXd x_eq(atom.feature_count());
        model::alf_features(*out.context.equilibrium_bohr, atom.alf(), x_eq, nullptr);
        out.context.bonded_anchor_hartree[atom.label()] = atom.energy(x_eq);
      }
  out.priors.resize(jobs.size());
  out.validation_share.resize(jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const model::AtomModel& atom = stage1.atoms()[atom_of.at(jobs[i].identity.atom)];
    const std::string element = stage1.elements()[atom_of.at(jobs[i].identity.atom)];
    const model::MeanFunction mean = model::fit_mean(spec, atom, element, out.context);
    FixedPrior& p = out.priors[i];
    p.at_training = mean.values(atom.internal_x());
    if (bonded) {
      p.file_mean = model::MeanFunction::make_constant(out.context.bonded_anchor_hartree.at(atom.label()));
    } else {
      p.at_training += model::cartesian_prior_at_training(atom, *out.context.cartesian_prior);
      p.file_mean = mean;
      if (jobs[i].validation.x.rows() > 0)
        out.validation_share[i] =
            model::cartesian_prior_at(atom, *out.context.cartesian_prior, jobs[i].validation.x);
    }
  }
  return out;
}

}  // namespace

std::vector<AtomReport> train_set(const std::vector<AtomJob>& jobs, const TrainOptions& options,
                                  const std::string& out_directory, int threads,
                                  const std::function<void(const AtomReport&)>& progress,
                                  const MeanSource& source) {
  check_options(options);
  const model::MeanSpec spec = model::MeanSpec::parse(options.mean, "--mean");
  if (!spec.needs_context())
    for (const AtomJob& job : jobs) fit_training_mean(job.training, job.identity, options.mean);
  std::optional<ContextPriors> context;
  if (spec.needs_context()) context = fit_context_priors(jobs, options, spec, source, threads, out_directory);
  fs::create_directories(out_directory);
  std::vector<AtomReport> reports(jobs.size());
  std::mutex report_mutex;
  for_each_job(jobs, threads, [&](std::size_t i) {
    const AtomJob& job = jobs[i];
    const FixedPrior* prior = context ? &context->priors[i] : nullptr;
    const TrainResult r = train_atom_model(job.training, job.identity, options, prior);
    const std::string path =
        (fs::path(out_directory) / (job.identity.system + "_iqa_" + job.identity.atom + ".model")).string();
    model::write_model_file(path, r.file);
    AtomReport rep = report_fit(job, r, path);
    std::lock_guard lock(report_mutex);  // also serialises the Cartesian prior, which is not thread-safe
    if (context && job.validation.x.rows() > 0) {
      // validation with the prior the set runs with, not the constant its file holds
      const model::AtomModel run = model::apply_mean(
          spec, model::make_atom_model(r.file), model::element_of_label(job.identity.atom), context->context);
      double se = 0, worst = 0;
      for (Eigen::Index p = 0; p < job.validation.x.rows(); ++p) {
        double e = run.energy(job.validation.x.row(p).transpose()) - job.validation.y(p);
        if (context->validation_share[i].size() > 0) e += context->validation_share[i](p);
        se += e * e, worst = std::max(worst, std::abs(e));
      }
      rep.validation_rmse_hartree = std::sqrt(se / static_cast<double>(rep.validation_points));
      rep.validation_max_error_hartree = worst;
    }
    reports[i] = rep;
    if (progress) progress(rep);
  });
  if (context) run::write_prior_mean_record(out_directory, spec, context->context, context->molecule);
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
