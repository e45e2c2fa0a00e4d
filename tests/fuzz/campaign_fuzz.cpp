// Fuzz target: a campaign YAML parsed and validated as `gpiqa plan` and `gpiqa run` do before anything runs
// (model sets loaded, geometries and references matched), without running it. The text stands for
// campaigns/fuzz.yaml of the source tree, so relative paths reach the committed molecules/ and models/.
#include "fuzz_input.hpp"
#include "gpiqa/campaign/campaign_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gpiqa;
  fuzz::expect_clean(
      [&] { campaign::parse_campaign(fuzz::as_text(data, size), GPIQA_SOURCE_DIR "/campaigns/fuzz.yaml"); });
  return 0;
}
