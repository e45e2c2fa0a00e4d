#include "gpiqa/campaign/retrained_sets.hpp"

#include <chrono>

#include <fmt/format.h>

namespace gpiqa::campaign {

int build_retrained_sets(const CampaignSpec& spec, std::ostream* progress, int threads) {
  int built = 0;
  for (const MoleculeEntry& m : spec.molecules)
    for (const auto& entry : m.retrained) {
      // named, not a structured binding: clang 14 (the fuzz build) cannot capture those in a lambda
      const auto& variant = entry.first;
      const auto& request = entry.second;
      if (request.is_built()) continue;
      const auto t0 = std::chrono::steady_clock::now();
      auto say = [&](const std::string& line) {
        if (!progress) return;
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        *progress << fmt::format("gpiqa retrain [{:6.1f} s] {}/{}: {}", s, m.name, variant, line)
                  << std::endl;
      };
      if (train::build_retrained_set(request, threads, say)) ++built;
    }
  return built;
}

}  // namespace gpiqa::campaign
