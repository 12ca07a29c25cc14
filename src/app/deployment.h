// Everything a running deployment needs: the store, the region tree (shipped codes plus the
// deployment's villages) and the classification policy, loaded from the data directory.
#pragma once

#include <memory>
#include <string>

#include "app/care_service.h"
#include "app/findings_service.h"
#include "app/import_profile.h"
#include "care/service_catalogue.h"
#include "core/classification.h"
#include "core/region.h"
#include "linkage/linkage.h"
#include "stats/figures.h"
#include "store/store.h"

namespace tongan {

struct Deployment {
  std::unique_ptr<Store> store;
  RegionTree regions;
  ClassificationConfig config;
  std::vector<ImportProfile> import_profiles;  // data/import_profiles/*.json
  linkage::LinkageConfig linkage;              // data/linkage.json
  std::vector<NeedRule> need_rules;            // data/findings.json
  CarePolicy care;  // data/warning_rules.json, care.json, assessment.json
  care::ServiceCatalogue catalogue;  // data/service_catalogue.json
  stats::SupervisionConfig supervision;  // data/supervision.json
  bool demo_mode = false;  // `tongan demo`: the demo accounts and their published password work
};

// Reads data_dir/regions/*.csv, classification.json, import_profiles/, linkage.json and
// findings.json, opens (and migrates) the SQLite
// database at db_path and adds its villages to the tree. Throws std::runtime_error with a Chinese
// message naming the file when something is missing or invalid.
Deployment OpenDeployment(const std::string& db_path, const std::string& data_dir);

// Reads a whole file; throws std::runtime_error naming it when it cannot.
std::string ReadFileText(const std::string& path);

}  // namespace tongan
