// Fuzz target: an xyz geometry file (`--xyz`, campaign `geometry:` and `start.frames`), every frame parsed
// and checked against the first frame's atoms as a campaign checks its start frames.
#include "fuzz_input.hpp"
#include "gpiqa/io/xyz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gpiqa;
  fuzz::expect_clean([&] {
    const std::vector<io::XyzFrame> frames = io::parse_xyz(fuzz::as_text(data, size), "fuzz.xyz");
    for (const io::XyzFrame& frame : frames)
      io::check_elements(frame.elements, "fuzz.xyz", frames.front().elements, "its first frame");
  });
  return 0;
}
