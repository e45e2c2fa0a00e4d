// Replays fuzz inputs through a target's LLVMFuzzerTestOneInput without libFuzzer, so that the ordinary
// (gcc) build and the sanitizer build run the committed regression corpus as tests:
//   replay_TARGET [--optional DIRECTORY] FILE_OR_DIRECTORY...
// Every file (directories: every file below them, in sorted order) goes through the target once; a crash or
// an escaping exception fails the test, and the name of the input being replayed is printed first. A
// directory after --optional may be missing (a target without regressions yet); every other path must exist.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const bool optional = std::string(argv[i]) == "--optional" && i + 1 < argc;
    const fs::path p(argv[optional ? ++i : i]);
    if (optional && !fs::exists(p)) continue;
    if (fs::is_directory(p)) {
      for (const auto& entry : fs::recursive_directory_iterator(p))
        if (entry.is_regular_file()) inputs.push_back(entry.path());
    } else if (fs::is_regular_file(p)) {
      inputs.push_back(p);
    } else {
      std::cerr << "replay: " << p.string() << " is neither a file nor a directory\n";
      return 2;
    }
  }
  std::sort(inputs.begin(), inputs.end());
  if (inputs.empty()) {
    std::cerr << "replay: no inputs\n";
    return 2;
  }
  for (const fs::path& p : inputs) {
    std::cout << "replay " << p.string() << std::endl;  // flushed: names the input if the next call crashes
    std::ifstream in(p, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::cout << inputs.size() << " inputs replayed without a crash\n";
  return 0;
}
