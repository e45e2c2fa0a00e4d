#include "gpiqa/train/retrain.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpiqa/model/mean_variant.hpp"
#include "gpiqa/reference/builtin.hpp"
#include "gpiqa/train/recipe.hpp"
#include "gpiqa/train/set_trainer.hpp"
#include "gpiqa/train/training_set.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/hash.hpp"
#include "gpiqa/util/text.hpp"
#include "gpiqa/version.hpp"

namespace gpiqa::train {
namespace {

namespace fs = std::filesystem;

// An exclusive advisory lock on a file, held for the object's lifetime (flock: released when the process
// dies, so a killed builder never blocks the next one).
class FileLock {
 public:
  explicit FileLock(const std::string& path) : fd_(::open(path.c_str(), O_RDWR | O_CREAT, 0644)) {
    if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0) throw InputError(path, "cannot lock the model cache");
  }
  ~FileLock() {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

std::string_view bytes(const Eigen::MatrixXd& m) {
  return {reinterpret_cast<const char*>(m.data()), static_cast<std::size_t>(m.size()) * sizeof(double)};
}
std::string_view bytes(const Eigen::VectorXd& v) {
  return {reinterpret_cast<const char*>(v.data()), static_cast<std::size_t>(v.size()) * sizeof(double)};
}

// A mean spec as a directory-name part: "quadratic+" stays, "O=-75.4,H=-0.6" becomes "O_-75.4_H_-0.6".
std::string slug(const std::string& text) {
  std::string out;
  for (char c : text)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.' ? c : '_';
  return out.substr(0, 40);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The base set's atoms as training jobs: inputs and energies from the .model files, validation from the
// base set's training/ directory when `gpiqa models build` left one there.
std::vector<AtomJob> jobs_from(const model::MoleculeModel& base, const std::string& base_directory) {
  std::vector<AtomJob> jobs;
  for (const model::ModelFile& f : base.files()) {
    AtomJob job;
    job.identity = {f.system_name, f.atom_label, f.alf, f.number_of_atoms};
    job.training.source = f.source;
    job.training.x = f.x;
    job.training.y = f.y;
    const fs::path validation =
        fs::path(base_directory) / "training" / (f.system_name + "_" + f.atom_label + "_VALIDATION_SET.csv");
    std::error_code ec;
    if (fs::is_regular_file(validation, ec)) {
      job.validation = read_training_csv(validation.string());
      if (job.validation.x.cols() != f.x.cols())
        throw InputError(validation.string(), "feature count differs from the model file's");
    }
    jobs.push_back(std::move(job));
  }
  return jobs;
}

}  // namespace

bool RetrainRequest::is_built() const {
  std::error_code ec;
  return fs::exists(fs::path(directory) / "BUILD.json", ec);
}

RetrainRequest plan_retrain(const model::MoleculeModel& base, const std::string& base_directory,
                            const std::string& mean, const run::MeanMolecule& molecule) {
  RetrainRequest r;
  r.base = fs::absolute(base_directory).lexically_normal().string();
  r.mean = util::trim(mean);
  if (model::MeanSpec::parse(r.mean, "mean").is_file())
    throw InputError(
        "retrain: true trains the GP again for its prior mean, and mean 'file' has none to fit "
        "(it keeps the model files' own): give the mean to train for, e.g. quadratic+");
  for (const model::ModelFile& f : base.files())
    if (f.x.rows() == 0 || f.x.rows() != f.y.size())
      throw InputError(f.source, "has no training data to train the set again from");
  r.options = default_recipe(base.system_name(), base.atom_count()).training;
  r.options.mean = r.mean;
  std::uint64_t h = util::fnv1a64("gpiqa retrained set\n" + describe(r.options) + "\n");
  for (const model::ModelFile& f : base.files()) {
    h = util::fnv1a64(fmt::format("{} {} {} {} {} {} {}x{}\n", f.system_name, f.atom_label, f.alf.central,
                                  f.alf.x_axis, f.alf.xy_plane, f.number_of_atoms, f.x.rows(), f.x.cols()),
                      h);
    h = util::fnv1a64(bytes(f.x), h);
    h = util::fnv1a64(bytes(f.y), h);
  }
  const model::MeanSpec spec = model::MeanSpec::parse(r.mean, "mean");
  if (spec.needs_context()) {
    // the molecule the mean is fitted with: its files' bytes (the argument, the caller's, the set's
    // BUILD.json)
    r.molecule = molecule;
    const bool from_build_json =
        spec.argument.empty() && molecule.reference.empty() && molecule.geometry.empty();
    for (const std::string& part :
         {spec.argument, molecule.reference, molecule.geometry,
          from_build_json ? (fs::path(base_directory) / "BUILD.json").string() : std::string()}) {
      std::error_code ec;
      std::string content = part;
      if (!part.empty() && fs::is_regular_file(part, ec)) {
        std::ifstream in(part, std::ios::binary);
        content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
      h = util::fnv1a64("molecule " + content + "\n", h);
    }
  }
  r.key = util::hex64(h);
  r.directory = (fs::path(reference::models_cache_dir()) / "retrained" /
                 (lower(base.system_name()) + "-" + slug(r.mean) + "-" + r.key))
                    .string();
  return r;
}

bool build_retrained_set(const RetrainRequest& r, int threads,
                         const std::function<void(const std::string&)>& progress) {
  if (r.is_built()) return false;
  auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  fs::create_directories(fs::path(r.directory).parent_path());
  const FileLock lock(r.directory + ".lock");
  if (r.is_built()) return false;  // another process built it while this one waited
  const auto t0 = std::chrono::steady_clock::now();
  const model::MoleculeModel base = model::MoleculeModel::load(r.base);
  if (plan_retrain(base, r.base, r.mean, r.molecule).key != r.key)
    throw InputError(r.base, "the model set changed after the campaign was read; run it again");
  const std::vector<AtomJob> jobs = jobs_from(base, r.base);
  say(fmt::format("training {} atom models of {} again for mean {} ({} threads) into {}", jobs.size(), r.base,
                  r.mean, threads, r.directory));

  // Build beside the destination, then move into place: an interrupted build leaves no half set behind.
  const fs::path partial = r.directory + fmt::format(".partial-{}", ::getpid());
  fs::remove_all(partial);
  int done = 0;
  const std::vector<AtomReport> reports = train_set(
      jobs, r.options, partial.string(), threads,
      [&](const AtomReport& a) {
        say(fmt::format("atom {}/{} {}: {} kernel {}, log likelihood {:.1f}, {:.1f} s{}", ++done, jobs.size(),
                        a.atom, r.mean, a.kernel, a.log_likelihood, a.seconds,
                        a.validation_points > 0
                            ? fmt::format(", validation RMSE {:.3f} mHa", 1e3 * a.validation_rmse_hartree)
                            : std::string()));
      },
      MeanSource{r.base, r.molecule});

  nlohmann::ordered_json j;
  j["kind"] = "retrained";
  j["base"] = r.base;
  j["mean"] = r.mean;
  j["key"] = r.key;
  j["gpiqa_version"] = kVersion;
  j["training"] = {{"options", describe(r.options)}};
  nlohmann::ordered_json atoms = nlohmann::ordered_json::array();
  for (const AtomReport& a : reports) {
    nlohmann::ordered_json candidates = nlohmann::ordered_json::object();
    for (const auto& [kernel, value] : a.candidates) candidates[kernel] = value;
    atoms.push_back({{"atom", a.atom},
                     {"training_points", a.training_points},
                     {"features", a.features},
                     {"kernel", a.kernel},
                     {"log_likelihood", a.log_likelihood},
                     {"kernel_likelihoods", candidates},
                     {"noise", a.noise},
                     {"mean_length_scale", a.mean_length_scale},
                     {"seconds", a.seconds},
                     {"validation_points", a.validation_points},
                     {"validation_rmse_hartree", a.validation_rmse_hartree},
                     {"validation_max_error_hartree", a.validation_max_error_hartree}});
  }
  j["atoms"] = atoms;
  j["seconds"] = {{"training", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()},
                  {"threads", threads}};
  {
    std::ofstream f(partial / "BUILD.json");
    f << j.dump(2) << '\n';
    if (!f.flush()) throw InputError((partial / "BUILD.json").string(), "cannot write");
  }
  std::error_code ec;
  fs::remove_all(r.directory, ec);  // a set left without BUILD.json by an older, interrupted gpiqa
  fs::rename(partial, r.directory);
  say("built " + r.directory);
  return true;
}

}  // namespace gpiqa::train
