#pragma once
// How gpiqa builds its default model set for a molecule: reference sampling sizes and training options.
// One recipe per built-in molecule; `gpiqa models build NAME` follows it, deterministically (fixed seeds).
// Sizes grow with the feature count (3N-6): enough points that validation errors are well below the
// thermal energy per atom at 300 K (~1 mHa), and a full build stays within minutes on 2 cores.
//
// Where a default set lives: the committed <data>/models/NAME when it exists (water, ammonia), else
// <cache>/NAME-KEY (reference/builtin.hpp for <data> and <cache>), KEY the content hash of the recipe, the
// molecule's molfile and the trainer's revision: a set built under other defaults is never reused silently.
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
/// The recipe of the built-in molecule NAME (its atom count from molecules/NAME.xyz).
BuildRecipe default_recipe(const std::string& name);
/// One canonical text of everything in the recipe that decides the set (sampling, training options).
std::string describe(const BuildRecipe& recipe);
/// 16 hex digits: the hash of describe(recipe) and the bytes of the molecule's molfile.
std::string recipe_key(const std::string& name);

/// Where NAME's default set is or will be (see above).
std::string default_set_path(const std::string& name);
/// Like default_set_path, but InputError (naming `where`) when the set has not been built yet, with the
/// command that builds it.
std::string default_set(const std::string& name, const std::string& where = "");

}  // namespace gpiqa::train
