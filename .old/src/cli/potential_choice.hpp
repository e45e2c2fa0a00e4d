#pragma once
// The potential a command is pointed at on the command line: a GP-IQA model set (--models DIR, with an
// optional --mean SPEC) or the MMFF94 reference (--reference FILE.mol or SMILES), exactly one of them. Shared
// by predict and md; the loading itself is run::load_potential.
#include <string>

#include <CLI/CLI.hpp>

#include "gpiqa/run/potential_source.hpp"

namespace gpiqa::cli {

struct PotentialChoice {
  std::string models, reference, mean = "file";
  bool mean_given = false;  // --mean said on the command line (an error with --reference)

  /// Adds --models, --reference and --mean to `command`.
  void add_options(CLI::App* command);
  /// In the command's callback: records whether --mean was said.
  void note_given() { mean_given = mean_option_ && mean_option_->count() > 0; }

 private:
  CLI::Option* mean_option_ = nullptr;
};

/// The source the flags name. InputError for none or both, or --mean with --reference.
run::PotentialSource potential_source(const PotentialChoice& choice);
/// potential_source, loaded (file notes on stderr).
run::LoadedPotential load_potential(const PotentialChoice& choice);

}  // namespace gpiqa::cli
