// gpiqa check-model [--json] [--mean SPEC] FILE...
// Parses each model file and reports its atom, program, kernels, training-set size, and the largest
// |prediction - y| over its own training points. A stored mean that does not match the weights shows up here
// as a large residual. Exit 0 when every file parses, 2 otherwise (the others are still reported).
#include <cmath>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "gpiqa/model/mean_variant.hpp"
#include "gpiqa/model/model_file.hpp"
#include "gpiqa/util/error.hpp"

namespace gpiqa::cli {
namespace {

nlohmann::ordered_json check_one(const std::string& path, const model::MeanSpec& spec) {
  const model::ModelFile file = model::read_model_file(path);
  const model::AtomModel as_read = model::make_atom_model(file);
  const model::AtomModel m = model::apply_mean(spec, as_read, file.element());
  const Eigen::VectorXd residual = m.predict_training() - m.training_y();
  nlohmann::ordered_json j;
  j["file"] = path;
  j["system"] = file.system_name;
  j["atom"] = file.atom_label;
  j["property"] = file.property;
  j["program"] = file.program();
  j["alf"] = {file.alf.central + 1, file.alf.x_axis + 1, file.alf.xy_plane + 1};
  j["features"] = m.feature_count();
  j["training_points"] = m.training_size();
  j["noise"] = m.noise();
  j["composition"] = file.composition;
  nlohmann::ordered_json kernels = nlohmann::ordered_json::array();
  for (const model::KernelFactor& k : file.kernels) {
    std::vector<int> dims;
    for (int h : k.active_dimensions) dims.push_back(h + 1);
    kernels.push_back({{"name", k.name}, {"type", k.type}, {"active_dimensions", dims}, {"theta", k.theta}});
  }
  j["kernels"] = std::move(kernels);
  j["periodic_convention"] =
      file.periodic_convention() == model::PeriodicConvention::kGpytorch ? "gpytorch" : "ferebus";
  j["standardised"] = file.standardise_x() || file.standardise_y();
  j["mean_spec"] = spec.text;
  j["mean"] = m.mean().describe();
  j["max_abs_residual_hartree"] = residual.cwiseAbs().maxCoeff();
  j["rms_residual_hartree"] = std::sqrt(residual.squaredNorm() / static_cast<double>(residual.size()));
  return j;
}

}  // namespace

void add_check_model(CLI::App& app) {
  struct Options {
    std::vector<std::string> files;
    bool json = false;
    std::string mean = "file";
  };
  auto opt = std::make_shared<Options>();
  CLI::App* sub =
      app.add_subcommand("check-model", "Parse model files and check they reproduce their training data");
  sub->add_option("files", opt->files, "Model files")->required();
  sub->add_flag("--json", opt->json, "One JSON object per file (JSON Lines)");
  sub->add_option("--mean", opt->mean, "Prior mean to re-solve with before checking (default: as written)")
      ->capture_default_str();
  sub->callback([opt] {
    const model::MeanSpec spec = model::MeanSpec::parse(opt->mean);
    int failures = 0;
    for (const std::string& path : opt->files) {
      try {
        const nlohmann::ordered_json j = check_one(path, spec);
        if (opt->json) {
          std::cout << j.dump() << '\n';
        } else {
          std::string kernels;
          for (const auto& k : j["kernels"])
            kernels += fmt::format("{}{}:{}", kernels.empty() ? "" : " ", k["name"].get<std::string>(),
                                   k["type"].get<std::string>());
          std::cout << fmt::format(
              "{}: {} atom {} ({}), program {}, {} features, {} training points, kernel {} [{}], mean {}, "
              "max |residual| {:.3e} Ha\n",
              path, j["system"].get<std::string>(), j["atom"].get<std::string>(),
              j["property"].get<std::string>(), j["program"].get<std::string>(), j["features"].get<int>(),
              j["training_points"].get<int>(), j["composition"].get<std::string>(), kernels,
              j["mean"].get<std::string>(), j["max_abs_residual_hartree"].get<double>());
        }
      } catch (const std::exception& e) {
        ++failures;
        std::cerr << "gpiqa: error: " << e.what() << "\n";
      }
    }
    std::cout.flush();
    if (failures) std::exit(2);
  });
}

}  // namespace gpiqa::cli
