// Schema migrations, embedded from migrations/<backend>/NNNN_title.sql at build time.
#pragma once

#include <string>
#include <vector>

namespace tongan {

struct Migration {
  std::string name;  // "0001_registry": the number orders them
  std::string sql;
};

const std::vector<Migration>& sqlite_migrations();
const std::vector<Migration>& postgres_migrations();

// SHA-256 of the migration text, hex; recorded when applied and checked on every start.
std::string MigrationChecksum(const std::string& sql);

}  // namespace tongan
