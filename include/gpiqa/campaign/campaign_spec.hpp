#pragma once
// A campaign: molecules x model variants x temperatures x seeds, each an independent trajectory, from a YAML
// file (paths relative to it). The keys of this example are the contract; md, start, stability and output have
// defaults (below). Validation is strict: unknown keys, wrong types, missing files, model sets that do not match
// their geometry and empty axes are errors naming the YAML line, before anything runs.
//
//   name: mean-function-study
//   molecules:
//     water:   {geometry: molecules/water.xyz,   models: models/water}
//   models:                       # variants applied to every molecule's model set
//     as-trained: {mean: file}
//     MIN:        {mean: min}
//   temperatures_K: [300, 500]
//   seeds: 8                      # 8 seeds (1..8), or an explicit list [3, 7, 11]
//   md: {timestep_fs: 0.5, duration_ps: 10, thermostat: {type: nhc, tau_fs: 50}}
//   start: {displace_angstrom: 0.0}
//   stability: {bond_stretch_angstrom: 0.5, min_distance_angstrom: 0.5}
//   output: {file: results/mean-function-study.h5, frames_every: 0, checkpoint_every_s: 300}
#include <cstdint>
#include <string>
#include <vector>

#include "gpiqa/md/integrator.hpp"
#include "gpiqa/stability/monitor.hpp"

namespace gpiqa::campaign {

struct MoleculeEntry {
  std::string name;
  std::string geometry;  // absolute path
  std::string models;    // absolute path of the model set directory
  double cost_per_step = 1.0;  // sum over atoms of training points x features (measured while validating)
};

struct ModelVariant {
  std::string name;
  std::string mean = "file";  // prior-mean spec
};

struct CampaignSpec {
  std::string source;  // path of the YAML file
  std::string text;    // the YAML text, stored in the results file
  std::string name;
  std::vector<MoleculeEntry> molecules;
  std::vector<ModelVariant> models;
  std::vector<double> temperatures_K;
  std::vector<std::uint64_t> seeds;
  md::IntegratorConfig integrator;  // temperature_K set per task
  double duration_ps = 10.0;
  double displace_angstrom = 0.0;
  stability::MonitorConfig monitors;
  std::string output_file;  // absolute
  long long frames_every = 0;
  double checkpoint_every_s = 300.0;
};

/// Parses and validates (including that every model set loads and matches its geometry). Throws InputError
/// "FILE:LINE: problem".
CampaignSpec load_campaign(const std::string& path);
CampaignSpec parse_campaign(const std::string& yaml_text, const std::string& source);

}  // namespace gpiqa::campaign
