#include "support/test_deployment.h"

#include <random>

#include "app/auth.h"

namespace tongan::testing {

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() / ("tongan-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string MakeId(const std::string& county6, const std::string& birth_yyyymmdd, int sequence3) {
  char seq[8];
  std::snprintf(seq, sizeof seq, "%03d", sequence3 % 1000);
  const std::string first17 = county6 + birth_yyyymmdd + seq;
  return first17 + ResidentIdCheckChar(first17);
}

Child MakeChild(const std::string& name, const std::string& village, int sequence) {
  Child c;
  c.name = name;
  c.birth_date = Date{std::chrono::year(2016), std::chrono::month(3), std::chrono::day(1 + sequence % 28)};
  const std::string birth = FormatIsoDate(c.birth_date);
  const int seq = 100 + (sequence * 2 + 1) % 800;  // odd sequence digit: male
  c.id_number = MakeId("410422", birth.substr(0, 4) + birth.substr(5, 2) + birth.substr(8, 2), seq);
  c.sex = ((seq % 10) % 2 == 1) ? Sex::kMale : Sex::kFemale;
  c.region_code = village;
  c.address = "测试路" + std::to_string(sequence) + "号";
  c.residence_since = Date{std::chrono::year(2022), std::chrono::month(9), std::chrono::day(1)};
  c.hukou_region_code = "410422";
  c.living_with = LivingWith::kBothParents;
  c.father = {"张大山", MakeId("410422", "19860512", 131), "13812345678", ParentStatus::kAtHome};
  c.mother = {"李小芳", MakeId("410422", "19880720", 242), "13987654321", ParentStatus::kAtHome};
  return c;
}

TestDeployment::TestDeployment()
    : d(OpenDeployment(db.location(), std::string(TONGAN_SOURCE_DIR) + "/data")) {
  for (const auto& [code, name] : {std::pair<std::string, std::string>{kVillageA, "测试甲村"},
                                   {kVillageB, "测试乙村"},
                                   {kOtherCountyVillage, "测试丙社区"}}) {
    d.store->UpsertVillage(code, name);
    d.regions.Add(code, name);
  }
}

int64_t TestDeployment::AddUser(const std::string& username, Role role, const std::string& region,
                                const std::string& department) {
  User user;
  user.department = department;
  user.username = username;
  user.display_name = username;
  user.role = role;
  user.region_code = region;
  user.password_hash = HashPassword(kPassword);
  return d.store->CreateUser(user);
}

int64_t TestDeployment::AddChild(Child child) {
  d.store->InsertChild(child, ClassBasisOf(child, d.config), {0, "test"});
  return child.id;
}

}  // namespace tongan::testing
