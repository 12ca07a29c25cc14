// `tongan bench-api`: child lookup and search throughput and latency over HTTP on loopback,
// against a SQLite store of synthetic children (built on first use).
#pragma once

#include <cstdint>
#include <string>

namespace tongan {

struct ApiBenchOptions {
  std::string db_path;
  std::string data_dir = "data";
  int64_t children = 1000000;
  int client_threads = 4;
  int server_threads = 8;
  int64_t requests_per_kind = 20000;
};

int RunApiBench(const ApiBenchOptions& options);

}  // namespace tongan
