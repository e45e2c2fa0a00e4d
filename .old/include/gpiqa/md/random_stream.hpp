#pragma once
// Counter-based random numbers (Salmon et al., SC'11: Philox4x64-10 from Random123). A stream is keyed by
// (seed, task key); every draw is addressed by (step, purpose, index), so a trajectory's noise does not
// depend on which rank runs it, in what order, or whether it was restarted in between: there is no generator
// state.
#include <cstdint>
#include <span>

namespace gpiqa::md {

enum class RandomPurpose : std::uint64_t {
  kInitialVelocities = 1,
  kInitialDisplacement = 2,
  kThermostat = 3,
  kSampling = 4,  // training-data sampling (train/sampler)
};

class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::uint64_t task_key) : seed_(seed), task_key_(task_key) {}
  /// Fills `out` with independent standard normal deviates for (step, purpose) (Box-Muller on Philox output).
  void normals(std::uint64_t step, RandomPurpose purpose, std::span<double> out) const;
  std::uint64_t seed() const { return seed_; }
  std::uint64_t task_key() const { return task_key_; }

 private:
  std::uint64_t seed_, task_key_;
};

}  // namespace gpiqa::md
