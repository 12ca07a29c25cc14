// Shared by the fuzz harnesses: a check that stops the run with a message (libFuzzer then saves
// the input), and the path of the shipped data/ folder.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

// A broken invariant is a finding like a crash: abort so libFuzzer writes the crashing input.
#define FUZZ_CHECK(condition)                                                               \
  do {                                                                                      \
    if (!(condition)) {                                                                     \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                         \
    }                                                                                       \
  } while (false)

namespace tongan::fuzz {

// A file of the shipped data/ folder, read whole; a missing file stops the run at start-up.
inline std::string ReadDataFile(const std::string& relative) {
  const std::string path = std::string(TONGAN_SOURCE_DIR) + "/data/" + relative;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::abort();
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace tongan::fuzz
