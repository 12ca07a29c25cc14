// JSON views of department data for the API, with identifiers masked unless the role sees them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/import_profile.h"
#include "store/department_store.h"

namespace tongan {

class ProfileCatalog {
 public:
  explicit ProfileCatalog(std::vector<ImportProfile> profiles) : profiles_(std::move(profiles)) {}
  const ImportProfile* Find(const std::string& id) const;
  const std::vector<ImportProfile>& all() const { return profiles_; }

 private:
  std::vector<ImportProfile> profiles_;
};

nlohmann::json BatchJson(const ImportBatch& batch, const ProfileCatalog& profiles);
nlohmann::json RecordJson(const SourceRecord& record, const ProfileCatalog& profiles,
                          bool see_identifiers);
nlohmann::json LinkJson(const RecordLink& link);
nlohmann::json LinkedRecordJson(const LinkedRecord& item, const ProfileCatalog& profiles,
                                bool see_identifiers);

}  // namespace tongan
