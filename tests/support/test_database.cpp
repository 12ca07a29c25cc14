#include "support/test_database.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace tongan::testing {
namespace {

// Every test's store seals its fields, as a deployment does, under one throw-away key; spawned
// `tongan` processes inherit it. A test that wants another key or none names it to OpenStore.
const bool kTestDataKeySet = [] {
  unsetenv("TONGAN_DATA_KEY_FILE");  // a developer's own key would win otherwise
  setenv("TONGAN_DATA_KEY", kTestDataKeyHex, /*overwrite=*/1);
  return true;
}();

// The URI with its database (the last path segment) replaced.
std::string WithDatabase(const std::string& uri, const std::string& database) {
  const size_t query = uri.find('?');
  const std::string base = uri.substr(0, query);
  const size_t slash = base.rfind('/');
  const bool has_path = slash != std::string::npos && slash > base.find("://") + 2;
  return (has_path ? base.substr(0, slash) : base) + "/" + database +
         (query == std::string::npos ? "" : uri.substr(query));
}

}  // namespace

TestDatabase::TestDatabase(const std::filesystem::path& dir, const std::string& name) {
  const char* server = std::getenv("TONGAN_TEST_POSTGRES");
  if (!server || !*server) {
    location_ = (dir / name).string();
    return;
  }
  static std::atomic<int> counter{0};
  server_ = server;
  database_ = "tongan_test_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
  sql::OpenPostgres(server_)->Exec("CREATE DATABASE " + database_);
  location_ = WithDatabase(server_, database_);
}

TestDatabase::~TestDatabase() {
  if (database_.empty()) return;
  try {
    sql::OpenPostgres(server_)->Exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
  } catch (...) {
    // A database left behind goes with the test server's data directory.
  }
}

std::unique_ptr<sql::Connection> TestDatabase::Connect() const {
  return postgres() ? sql::OpenPostgres(location_) : sql::OpenSqlite(location_);
}

}  // namespace tongan::testing
