// gpiqa train --csv FILE|DIR --out FILE.model|DIR [--system NAME --atom LABEL --alf "i j k"]
//             [--kernel rbf|rbf-cyclic] [--mean SPEC] [--noise X] [--fixed-noise] [--starts N] [--validate-every K]
// Fits one GP per atom on FEREBUS-layout CSVs (a directory trains every *_TRAINING_SET.csv in it into a model set)
// and prints one JSON line per atom: points, features, log likelihood, noise, seconds and, with --validate-every K
// (every K-th point held out), the validation RMSE and largest error.
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "gpiqa/model/atom_model.hpp"
#include "gpiqa/train/trainer.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/text.hpp"

namespace gpiqa::cli {
namespace {

namespace fs = std::filesystem;

int label_number(const std::string& label) {  // "H3" -> 3
  std::size_t i = 0;
  while (i < label.size() && std::isalpha(static_cast<unsigned char>(label[i]))) ++i;
  long long v = 0;
  return util::parse_integer(label.substr(i), v) ? static_cast<int>(v) : 0;
}

model::Alf parse_alf(const std::string& text, int atom_number, int atoms) {
  if (text.empty()) {  // default: the atom and the two lowest-numbered other atoms
    std::vector<int> others;
    for (int a = 1; a <= atoms && others.size() < 2; ++a)
      if (a != atom_number) others.push_back(a);
    if (others.size() < 2 || atom_number < 1) throw InputError("--alf", "cannot choose a local frame; give --alf \"i j k\"");
    return {atom_number - 1, others[0] - 1, others[1] - 1};
  }
  const std::vector<std::string> t = util::split_whitespace(text);
  long long i = 0, j = 0, k = 0;
  if (t.size() != 3 || !util::parse_integer(t[0], i) || !util::parse_integer(t[1], j) || !util::parse_integer(t[2], k))
    throw InputError("--alf", "expected three 1-based atom indices, e.g. \"1 2 3\", got '" + text + "'");
  for (long long v : {i, j, k})
    if (v < 1 || v > atoms) throw InputError("--alf", fmt::format("atom index {} out of range 1..{}", v, atoms));
  if (i == j || i == k || j == k) throw InputError("--alf", "the three atoms must differ");
  return {static_cast<int>(i - 1), static_cast<int>(j - 1), static_cast<int>(k - 1)};
}

}  // namespace

void add_train(CLI::App& app) {
  struct Options {
    std::string csv, out, system, atom, alf, kernel = "rbf-cyclic", mean = "mean";
    double noise = 1e-10;
    bool fixed_noise = false;
    int starts = 4, validate_every = 0;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("train", "Fit GP-IQA models to FEREBUS-layout training CSVs");
  sub->add_option("--csv", o->csv, "Training CSV, or a directory of NAME_ATOM_TRAINING_SET.csv files")->required();
  sub->add_option("--out", o->out, "Model file (or directory for a set)")->required();
  sub->add_option("--system", o->system, "System name (default: from the file name)");
  sub->add_option("--atom", o->atom, "Atom label, e.g. O1 (default: from the file name)");
  sub->add_option("--alf", o->alf, "Local frame, 1-based \"i j k\" (default: the atom and the two lowest-numbered others)");
  sub->add_option("--kernel", o->kernel, "rbf or rbf-cyclic")->capture_default_str();
  sub->add_option("--mean", o->mean, "Prior mean spec fitted to the training data")->capture_default_str();
  sub->add_option("--noise", o->noise, "Nugget (fixed with --fixed-noise, else the optimiser's start)")->capture_default_str();
  sub->add_flag("--fixed-noise", o->fixed_noise, "Do not optimise the noise");
  sub->add_option("--starts", o->starts, "Optimiser starts")->capture_default_str();
  sub->add_option("--validate-every", o->validate_every, "Hold out every K-th point and report validation errors")
      ->capture_default_str();
  sub->callback([o] {
    std::vector<std::string> csvs;
    const bool set = fs::is_directory(o->csv);
    if (set) {
      for (const auto& e : fs::directory_iterator(o->csv))
        if (e.path().extension() == ".csv") csvs.push_back(e.path().string());
      std::sort(csvs.begin(), csvs.end());
      if (csvs.empty()) throw InputError(o->csv, "no .csv files in the directory");
      if (!o->atom.empty() || !o->alf.empty())
        throw InputError("--atom", "--atom and --alf apply to a single CSV, not a directory");
    } else {
      csvs.push_back(o->csv);
    }
    if (o->validate_every == 1 || o->validate_every < 0) throw InputError("--validate-every", "must be 0 or at least 2");
    train::TrainOptions opt;
    opt.kernel = o->kernel;
    opt.mean = o->mean;
    opt.noise = o->noise;
    opt.optimise_noise = !o->fixed_noise;
    opt.starts = o->starts;
    // read and check everything before writing anything
    std::vector<std::pair<train::TrainingSet, train::AtomIdentity>> jobs;
    for (const std::string& path : csvs) {
      train::TrainingSet data = train::read_training_csv(path);
      auto [system, atom] = train::identity_from_file_name(path);
      train::AtomIdentity id;
      id.system = o->system.empty() ? (system.empty() ? "MOLECULE" : system) : o->system;
      id.atom = o->atom.empty() ? atom : o->atom;
      if (id.atom.empty()) throw InputError(path, "cannot tell the atom from the file name; give --atom LABEL");
      id.number_of_atoms = static_cast<int>((data.x.cols() + 6) / 3);
      if (3 * id.number_of_atoms - 6 != data.x.cols())
        throw InputError(path, fmt::format("{} features is not 3N-6 for any number of atoms N", data.x.cols()));
      id.alf = parse_alf(o->alf, label_number(id.atom), id.number_of_atoms);
      jobs.emplace_back(std::move(data), id);
    }
    if (set) fs::create_directories(o->out);
    for (auto& [data, id] : jobs) {
      train::TrainingSet fit = data, held;
      if (o->validate_every > 0) train::split_every(data, o->validate_every, fit, held);
      const train::TrainResult r = train::train_atom_model(fit, id, opt);
      const std::string out = set ? (fs::path(o->out) / (id.system + "_iqa_" + id.atom + ".model")).string() : o->out;
      model::write_model_file(out, r.file);
      nlohmann::ordered_json j{{"atom", id.atom}, {"model", out}, {"training_points", fit.x.rows()},
                               {"features", fit.x.cols()}, {"log_likelihood", r.log_likelihood},
                               {"noise", std::stod(*r.file.metadata_value("nugget"))}, {"seconds", r.seconds},
                               {"evaluations", r.evaluations}};
      if (held.x.rows() > 0) {
        const model::AtomModel m = model::make_atom_model(r.file);
        double se = 0, worst = 0;
        for (Eigen::Index i = 0; i < held.x.rows(); ++i) {
          const double e = m.energy(held.x.row(i).transpose()) - held.y(i);
          se += e * e, worst = std::max(worst, std::abs(e));
        }
        j["validation_points"] = held.x.rows();
        j["validation_rmse_hartree"] = std::sqrt(se / static_cast<double>(held.x.rows()));
        j["validation_max_error_hartree"] = worst;
      }
      std::cout << j.dump() << std::endl;
    }
  });
}

}  // namespace gpiqa::cli
