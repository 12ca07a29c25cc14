// Where a test's store lives: a SQLite file in a directory, or, when the environment variable
// TONGAN_TEST_POSTGRES holds a server's URI (make test-postgres sets it), a fresh database on that
// server, dropped when the test ends. The same tests thereby run against both backends.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "store/sql_db.h"

namespace tongan::testing {

// The data key every test process runs under (TONGAN_DATA_KEY, set before main).
inline constexpr const char* kTestDataKeyHex =
    "5f1c0d9e2a7b4c3d8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f";

class TestDatabase {
 public:
  explicit TestDatabase(const std::filesystem::path& dir, const std::string& name = "tongan.db");
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // What `OpenStore` and `tongan serve --db` take.
  const std::string& location() const { return location_; }
  bool postgres() const { return !database_.empty(); }
  // A direct connection, for tests that look under the store.
  std::unique_ptr<sql::Connection> Connect() const;

 private:
  std::string server_;    // the server's URI; empty for SQLite
  std::string database_;  // the database created for this test
  std::string location_;
};

}  // namespace tongan::testing
