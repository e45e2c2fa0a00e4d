// Where default model sets live: the committed water and ammonia sets in the source tree, the others in the
// cache under a key of their recipe (sampling, training options, trainer revision) and molfile, so that a
// set built under other defaults is never picked up silently.
#include "gpiqa/train/recipe.hpp"

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "gpiqa/util/error.hpp"
#include "support/test_data.hpp"

namespace gpiqa::train {
namespace {

TEST(Recipe, CachedDefaultSetsAreKeyedByRecipeAndMolecule) {
  const std::string cache = test::temp_dir("recipe-cache");
  setenv("GPIQA_MODELS_CACHE", cache.c_str(), 1);
  const std::string key = recipe_key("methanol");
  EXPECT_EQ(key.size(), 16u);
  EXPECT_EQ(recipe_key("methanol"), key);
  EXPECT_EQ(default_set_path("methanol"), cache + "/methanol-" + key);
  EXPECT_NE(recipe_key("glycine"), key);
  EXPECT_EQ(default_set_path("water"), std::string(GPIQA_SOURCE_DIR) + "/models/water") << "committed";
  try {
    default_set("methanol", "campaign.yaml");
    unsetenv("GPIQA_MODELS_CACHE");
    FAIL() << "an unbuilt set was accepted";
  } catch (const InputError& e) {
    unsetenv("GPIQA_MODELS_CACHE");
    EXPECT_NE(std::string(e.what()).find("gpiqa models build methanol"), std::string::npos) << e.what();
  }
  // every training option and the trainer's revision are part of what the key hashes
  BuildRecipe r = default_recipe("methanol");
  const std::string text = describe(r);
  EXPECT_NE(text.find("trainer_revision=" + std::to_string(kTrainerRevision)), std::string::npos) << text;
  r.training.kernel = "rbf-cyclic";
  EXPECT_NE(describe(r), text);
  r = default_recipe("methanol");
  r.sample.training_points += 1;
  EXPECT_NE(describe(r), text);
}

}  // namespace
}  // namespace gpiqa::train
