#pragma once
// How gpiqa builds its default model set for a molecule: reference sampling sizes and training options.
// One recipe per built-in molecule; `gpiqa models build NAME` follows it, deterministically (fixed seeds).
// Sizes grow with the feature count (3N-6): enough points that validation errors are well below the
// thermal energy per atom at 300 K (~1 mHa), and a full build stays within minutes on 2 cores.
#include <string>

#include "gpiqa/train/sampler.hpp"
#include "gpiqa/train/trainer.hpp"

namespace gpiqa::train {

struct BuildRecipe {
  SampleOptions sample;
  TrainOptions training;
};

/// The recipe for a built-in molecule of `atoms` atoms.
BuildRecipe default_recipe(const std::string& name, int atoms);

}  // namespace gpiqa::train
