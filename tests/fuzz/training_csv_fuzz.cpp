// Fuzz target: a FEREBUS training-set CSV (`gpiqa train --csv`), read and split into training and validation
// points as `gpiqa train` does.
#include "fuzz_input.hpp"
#include "gpiqa/train/training_set.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gpiqa;
  fuzz::expect_clean([&] {
    const train::TrainingSet all = train::parse_training_csv(fuzz::as_text(data, size), "fuzz.csv");
    train::TrainingSet training, validation;
    train::split_every(all, 5, training, validation);
  });
  return 0;
}
