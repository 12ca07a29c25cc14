// `tongan bench-linkage`: links a synthetic department file to a synthetic registry with the
// configured model and reports accuracy against the ground truth, time per phase and memory.
#pragma once

#include <cstdint>
#include <string>

namespace tongan {

struct LinkageBenchOptions {
  std::string data_dir = "data";
  std::string config_path = "data/linkage.json";
  int64_t registry = 1000000;
  int64_t records = 1000000;
  double id_missing = 0.30;
  uint64_t seed = 20261122;
  int threads = 2;
  int show_errors = 0;  // print the explanations of this many errors of each kind
};

int RunLinkageBench(const LinkageBenchOptions& options);

}  // namespace tongan
