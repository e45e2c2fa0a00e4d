#pragma once
// Shared by the libFuzzer targets of this folder and their replay driver (replay_main.cpp): each target's
// LLVMFuzzerTestOneInput hands the input to one gpiqa reader through `expect_clean`, which accepts what a
// user may see (the reader succeeds, or throws gpiqa's own one-line InputError/GeometryError) and lets
// everything else escape: any other exception terminates the process, which libFuzzer and the replay test
// both report as a crash, like the sanitizers' reports. GPIQA_FUZZ_VERBOSE=1 prints the errors accepted.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include "gpiqa/util/error.hpp"

namespace gpiqa::fuzz {

inline std::string as_text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

inline void accepted(const std::exception& e) {
  static const bool verbose = std::getenv("GPIQA_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::cerr << "clean error: " << e.what() << "\n";
}

template <class Read>
void expect_clean(Read&& read) {
  try {
    read();
  } catch (const InputError& e) {
    accepted(e);
  } catch (const GeometryError& e) {
    accepted(e);
  }
}

}  // namespace gpiqa::fuzz
