// `tongan bench-stats`: dashboard figures for a province of ten million children, over HTTP on
// loopback. The province's totals are built through the store's bulk path from every synthetic
// child's figures (the same ChildFigures the recomputation uses), without storing the children
// themselves, which the dashboard never reads.
#pragma once

#include <cstdint>
#include <string>

namespace tongan {

struct StatsBenchOptions {
  std::string db_path;
  std::string data_dir = "data";
  std::string province = "41";  // 河南省
  int64_t children = 10000000;
  int villages_per_township = 5;
  int client_threads = 4;
  int server_threads = 4;
  int64_t requests_per_kind = 2000;
};

int RunStatsBench(const StatsBenchOptions& options);

}  // namespace tongan
