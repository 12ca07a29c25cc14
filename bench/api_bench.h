// `tongan bench-api`: child lookup and search throughput and latency over HTTP on loopback,
// against a store of synthetic children (SQLite or PostgreSQL; built on first use).
#pragma once

#include <cstdint>
#include <string>

namespace tongan {

struct ApiBenchOptions {
  std::string db_path;
  std::string data_dir = "data";
  std::string area = "41";  // province, city or county the children live in (河南省)
  int64_t children = 1000000;
  int client_threads = 4;
  int server_threads = 8;
  int64_t requests_per_kind = 20000;
};

int RunApiBench(const ApiBenchOptions& options);

}  // namespace tongan
