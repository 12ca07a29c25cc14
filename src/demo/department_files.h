// Department files for the demo county, as 教育, 卫健, 残联 and 公安 would send them: built from the
// registry so most rows are children already registered (with the faults of real data: missing
// or mistyped IDs, homophones, traditional characters, swapped dates) and some are children the
// registry lacks, plus a few rows that must be rejected.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/deployment.h"
#include "core/child.h"

namespace tongan {

struct DepartmentFile {
  std::string profile_id;
  std::string file_name;
  std::string bytes;
};

std::vector<DepartmentFile> MakeDemoDepartmentFiles(const std::vector<Child>& registry,
                                                    uint64_t seed, Date today);

// Writes the demo files into `dir` (created if missing); returns 0, or 1 when it cannot.
int WriteDemoDepartmentFiles(Deployment& deployment, const std::string& dir, uint64_t seed, Date today);

// Imports the demo files into an empty demo county as its civil-affairs user (once).
void LoadDemoDepartmentData(Deployment& deployment, uint64_t seed, Date today);

}  // namespace tongan
