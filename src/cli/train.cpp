// gpiqa train --csv FILE|DIR --out FILE.model|DIR [--system NAME --atom LABEL --alf "i j k"]
//             [--kernel auto|rbf|rbf-cyclic|rbf-periodic] [--mean SPEC] [--noise X] [--fixed-noise] [--starts
//             N]
//             [--validate-every K]
// Fits one GP per atom on FEREBUS-layout CSVs (a directory trains every *_TRAINING_SET.csv in it into a model
// set, atoms in parallel, with local frames from SYSTEM_ALF.txt and validation from *_VALIDATION_SET.csv when
// present) and prints one JSON line per atom: points, features, log likelihood, noise, seconds and the
// validation RMSE and largest error (validation CSV, or with --validate-every K every K-th training point
// held out).
#include <filesystem>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "gpiqa/model/atom_model.hpp"
#include "gpiqa/train/set_trainer.hpp"
#include "gpiqa/train/trainer.hpp"
#include "gpiqa/util/error.hpp"
#include "gpiqa/util/text.hpp"

namespace gpiqa::cli {
namespace {

namespace fs = std::filesystem;

}  // namespace

void add_train(CLI::App& app) {
  struct Options {
    std::string csv, out, system, atom, alf, kernel = "auto", mean = "mean";
    double noise = 1e-10;
    bool fixed_noise = false;
    int starts = 4, validate_every = 0;
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("train", "Fit GP-IQA models to FEREBUS-layout training CSVs");
  sub->add_option("--csv", o->csv, "Training CSV, or a directory of NAME_ATOM_TRAINING_SET.csv files")
      ->required();
  sub->add_option("--out", o->out, "Model file (or directory for a set)")->required();
  sub->add_option("--system", o->system, "System name (default: from the file name)");
  sub->add_option("--atom", o->atom, "Atom label, e.g. O1 (default: from the file name)");
  sub->add_option("--alf", o->alf,
                  "Local frame, 1-based \"i j k\" (default: the atom and the two lowest-numbered others)");
  sub->add_option("--kernel", o->kernel,
                  "auto (rbf, rbf-cyclic and rbf-periodic; the highest marginal likelihood kept), rbf, "
                  "rbf-cyclic, or rbf-periodic (rbf x periodic on the phi features)")
      ->capture_default_str();
  sub->add_option("--mean", o->mean,
                  "Prior mean spec, fitted to the training data before the hyperparameters (bonded+ and "
                  "mmff-bonded: a directory only; the set gets a PRIOR_MEAN.json)")
      ->capture_default_str();
  sub->add_option("--noise", o->noise, "Nugget (fixed with --fixed-noise, else the optimiser's start)")
      ->capture_default_str();
  sub->add_flag("--fixed-noise", o->fixed_noise, "Do not optimise the noise");
  sub->add_option("--starts", o->starts, "Optimiser starts")->capture_default_str();
  sub->add_option("--validate-every", o->validate_every,
                  "Hold out every K-th point and report validation errors")
      ->capture_default_str();
  sub->add_option("--threads", o->threads, "Atoms trained at once (directory form)")->capture_default_str();
  sub->callback([o] {
    if (o->validate_every == 1 || o->validate_every < 0)
      throw InputError("--validate-every", "must be 0 or at least 2");
    train::TrainOptions opt;
    opt.kernel = o->kernel;
    opt.mean = o->mean;
    opt.noise = o->noise;
    opt.optimise_noise = !o->fixed_noise;
    opt.starts = o->starts;
    train::check_options(opt);
    // read and check everything before writing anything
    std::vector<train::AtomJob> jobs;
    const bool set = fs::is_directory(o->csv);
    if (set) {
      if (!o->atom.empty() || !o->alf.empty())
        throw InputError("--atom", "--atom and --alf apply to a single CSV, not a directory");
      jobs = train::read_training_directory(o->csv, o->system);
    } else {
      train::AtomJob job;
      job.training = train::read_training_csv(o->csv);
      auto [system, atom] = train::identity_from_file_name(o->csv);
      train::AtomIdentity& id = job.identity;
      id.system = o->system.empty() ? (system.empty() ? "MOLECULE" : system) : o->system;
      id.atom = o->atom.empty() ? atom : o->atom;
      if (id.atom.empty())
        throw InputError(o->csv, "cannot tell the atom from the file name; give --atom LABEL");
      id.number_of_atoms = static_cast<int>((job.training.x.cols() + 6) / 3);
      if (3 * id.number_of_atoms - 6 != job.training.x.cols())
        throw InputError(
            o->csv, fmt::format("{} features is not 3N-6 for any number of atoms N", job.training.x.cols()));
      id.alf = o->alf.empty() ? train::default_alf(id.atom, id.number_of_atoms, "--alf")
                              : train::parse_alf(o->alf, id.number_of_atoms, "--alf");
      jobs.push_back(std::move(job));
    }
    if (o->validate_every > 0)
      for (train::AtomJob& job : jobs) {
        train::TrainingSet all = job.training;
        train::split_every(all, o->validate_every, job.training, job.validation);
      }
    auto report = [](const train::AtomReport& r) {
      nlohmann::ordered_json j{
          {"atom", r.atom},         {"model", r.model_path}, {"training_points", r.training_points},
          {"features", r.features}, {"kernel", r.kernel},    {"log_likelihood", r.log_likelihood},
          {"noise", r.noise},       {"seconds", r.seconds},  {"evaluations", r.evaluations}};
      if (!r.candidates.empty()) {
        nlohmann::ordered_json c;
        for (const auto& [kernel, value] : r.candidates) c[kernel] = value;
        j["kernel_likelihoods"] = c;
      }
      if (r.validation_points > 0) {
        j["validation_points"] = r.validation_points;
        j["validation_rmse_hartree"] = r.validation_rmse_hartree;
        j["validation_max_error_hartree"] = r.validation_max_error_hartree;
      }
      std::cout << j.dump() << std::endl;
    };
    if (set) {
      // bonded+ / mmff-bonded without a molecule of their own take it from the directory's BUILD.json
      train::train_set(jobs, opt, o->out, o->threads, report, train::MeanSource{o->csv, {}});
      return;
    }
    // single file: the model goes exactly to --out
    const train::TrainResult r = train::train_atom_model(jobs[0].training, jobs[0].identity, opt);
    model::write_model_file(o->out, r.file);
    report(train::report_fit(jobs[0], r, o->out));
  });
}

}  // namespace gpiqa::cli
