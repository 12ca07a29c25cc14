// A deployment in a temporary directory with two villages of one township, one village of a
// neighbouring county, and one user per role; for store and API tests.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "app/deployment.h"
#include "core/resident_id.h"
#include "support/test_database.h"

namespace tongan::testing {

inline constexpr const char* kVillageA = "410402100001";
inline constexpr const char* kVillageB = "410402100002";
inline constexpr const char* kOtherCountyVillage = "410403001001";
inline constexpr const char* kPassword = "Test@2026pass";

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// An 18-digit ID with a correct check character.
std::string MakeId(const std::string& county6, const std::string& birth_yyyymmdd, int sequence3);

// A valid child living in `village`, with a unique ID derived from `sequence`.
Child MakeChild(const std::string& name, const std::string& village, int sequence);

struct TestDeployment {
  TempDir dir;
  TestDatabase db{dir.path()};
  Deployment d;
  TestDeployment();
  // Creates a user with kPassword; returns its id.
  int64_t AddUser(const std::string& username, Role role, const std::string& region,
                  const std::string& department = "");
  // Inserts through the store (no API), with its class basis.
  int64_t AddChild(Child child);
};

}  // namespace tongan::testing
