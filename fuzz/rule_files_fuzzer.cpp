// Fuzzes the policy files loaded from data/: classification, region CSVs, import profiles, linkage,
// findings, warning rules, care.json, assessment, service catalogue, supervision. The documented
// std::invalid_argument and nlohmann::json::exception (start-up stops naming the file) are fine;
// any other exception, a crash, a sanitizer report or a FUZZ_CHECK is a failure.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "app/findings_service.h"
#include "app/import_profile.h"
#include "care/assessment.h"
#include "care/case_flow.h"
#include "care/service_catalogue.h"
#include "care/visit_schedule.h"
#include "care/warning_rules.h"
#include "core/classification.h"
#include "core/region.h"
#include "fuzz_support.h"
#include "ingest/text_encoding.h"
#include "linkage/linkage.h"
#include "stats/figures.h"

namespace tongan::fuzz {
namespace {

using nlohmann::json;

const Date kToday{std::chrono::year(2026), std::chrono::month(11), std::chrono::day(22)};

const RegionTree& ShippedRegions() {
  static const RegionTree* regions = [] {
    auto* tree = new RegionTree;
    tree->LoadProvincesCsv(ReadDataFile("regions/provinces.csv"));
    tree->LoadCitiesCsv(ReadDataFile("regions/cities.csv"));
    tree->LoadCountiesCsv(ReadDataFile("regions/areas.csv"));
    return tree;
  }();
  return *regions;
}

const json& SampleFacts() {
  static const json facts = {
      {"age", 15}, {"sex", "M"}, {"classes", {"migrant"}}, {"living_with", "alone"},
      {"father_status", "imprisoned"}, {"mother_status", "missing"}, {"guardian_capable", true},
      {"family_economy", "low_income"}, {"disability", "level2"}, {"serious_illness", true},
      {"schooling_status", "辍学"}, {"in_ledger", true}, {"days_since_visit", 400},
      {"last_visit_guardianship", "poor"}, {"department_records", {"residence"}},
      {"benefits", {"低保"}}, {"residence_months", 3}};
  return facts;
}

// The four region files, read into one fresh tree so a fuzzed file can supply its own parents.
void LoadRegions(std::string_view text) {
  RegionTree tree;
  tree.LoadProvincesCsv(text);
  tree.LoadCitiesCsv(text);
  tree.LoadCountiesCsv(text);
  tree.LoadTownshipsCsv(text);
  for (std::string_view code : {"41", "4104", "410402", "410402001"}) {
    tree.PathTo(code);
    tree.ChildrenOf(code);
    tree.FullName(code);
  }
}

void LoadClassification(std::string_view text) {
  ClassificationConfig config;
  std::string error;
  if (!ClassificationConfig::FromJson(text, &config, &error)) FUZZ_CHECK(!error.empty());
}

// An import profile, then a small table mapped with it: header row of each field's first heading.
void LoadImportProfile(const json& file) {
  const ImportProfile profile = ImportProfile::FromJson(file);
  ingest::Table table{"csv", "UTF-8", "", {}};
  ingest::TableRow header{1, {}}, row{2, {}};
  for (const auto& [field, headings] : profile.columns) {
    header.cells.push_back(headings.empty() ? field : headings.front());
    row.cells.push_back(field == "id_number" ? "410402201503021234" : field.ends_with("date") ? "2015-03-02" : "张三");
  }
  table.rows = {header, row};
  MapTable(table, profile, ShippedRegions(), kToday);
}

void LoadRules(const json& file) {
  const care::RuleSet rules = care::RuleSet::FromJson(file);
  // Saved rules are re-read at every start: what validated once must validate again.
  const care::RuleSet reloaded = care::RuleSet::FromJson(rules.ToJson());
  FUZZ_CHECK(reloaded.rules.size() == rules.rules.size() && reloaded.colours == rules.colours);
  const care::Evaluation evaluation = care::Evaluate(rules, SampleFacts());
  FUZZ_CHECK(rules.Severity(evaluation.colour) >= 0);
  for (const care::Warning& warning : evaluation.warnings) FUZZ_CHECK(ingest::IsValidUtf8(warning.reason_zh));
}

void LoadCatalogue(const json& file) {
  const care::ServiceCatalogue catalogue = care::ServiceCatalogue::FromJson(file);
  const care::ServiceCatalogue reloaded = care::ServiceCatalogue::FromJson(catalogue.ToJson());
  FUZZ_CHECK(reloaded.items.size() == catalogue.items.size());
  care::EntitlementsOf(catalogue, SampleFacts(), {{catalogue.items.front().id, kToday}}, kToday);
}

void LoadCare(const json& file) {
  care::CaseFlowConfig::FromJson(file.at("case_flow"));
  care::VisitPolicy::FromJson(file.at("visits"));
}

void LoadAssessment(const json& file) {
  const care::AssessmentForm form = care::AssessmentForm::FromJson(file);
  std::map<std::string, int> first_options;
  for (const care::AssessmentItem& item : form.items) first_options[item.id] = 0;
  try {
    care::Score(form, first_options);
  } catch (const std::invalid_argument&) {  // an item without options cannot be answered
  }
}

void LoadLinkage(const json& file) { linkage::LinkageConfig::FromJson(file); }
void LoadFindings(const json& file) { NeedRulesFromJson(file); }
void LoadSupervision(const json& file) { stats::SupervisionConfig::FromJson(file); }

}  // namespace
}  // namespace tongan::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tongan::fuzz::ShippedRegions();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tongan::fuzz;
  using nlohmann::json;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  LoadRegions(text);
  LoadClassification(text);
  // As OpenDeployment reads them: parse without exceptions, refuse what is not JSON.
  const json file = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (file.is_discarded()) return 0;
  for (void (*load)(const json&) : {LoadImportProfile, LoadRules, LoadCatalogue, LoadCare, LoadAssessment,
                                    LoadLinkage, LoadFindings, LoadSupervision}) {
    try {
      load(file);
    } catch (const std::invalid_argument&) {
    } catch (const json::exception&) {
    }
  }
  return 0;
}
