// The demo deployment: a real county (平顶山市新华区) with its real townships, generated villages
// and children, and one user for each role.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/deployment.h"

namespace tongan {

inline constexpr const char* kDemoCounty = "410402";
inline constexpr const char* kNeighbourCounty = "410403";  // 卫东区: receives a transfer in the demo
inline constexpr const char* kDemoPassword = "Tongan@2026";

struct DemoUser {
  std::string username;
  std::string role_name;
  std::string region_name;
};

// Fills an empty store with the synthetic county (children) and creates the demo users that are
// missing; an existing demo database is left as it is. Returns the demo users.
std::vector<DemoUser> LoadDemoCounty(Deployment& deployment, int64_t children, uint64_t seed, Date today);

}  // namespace tongan
