// Fuzzes JSON request bodies: the server's nesting gate and parse, then the body readers (field
// checks, child record, assessment answers, saved warning rules and service catalogue). ApiError,
// nlohmann::json::exception and the documented std::invalid_argument are what the server turns
// into a 400; any other exception (a 500), a crash, a sanitizer report or a FUZZ_CHECK is a failure.
#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "app/api_error.h"
#include "app/request_body.h"
#include "care/assessment.h"
#include "care/service_catalogue.h"
#include "care/warning_rules.h"
#include "core/child_json.h"
#include "fuzz_support.h"
#include "ingest/text_encoding.h"

namespace tongan::fuzz {
namespace {

using nlohmann::json;

const Date kToday{std::chrono::year(2026), std::chrono::month(11), std::chrono::day(22)};

struct ShippedPolicy {
  care::RuleSet rules;
  care::ServiceCatalogue catalogue;
  care::AssessmentForm assessment;
};

const ShippedPolicy& Shipped() {
  static const ShippedPolicy* policy = [] {
    auto* p = new ShippedPolicy;
    p->rules = care::RuleSet::FromJson(json::parse(ReadDataFile("warning_rules.json")));
    p->catalogue = care::ServiceCatalogue::FromJson(json::parse(ReadDataFile("service_catalogue.json")));
    p->assessment = care::AssessmentForm::FromJson(json::parse(ReadDataFile("assessment.json")));
    return p;
  }();
  return *policy;
}

// A child's facts as the care service builds them, for evaluating fuzzed rules and catalogues.
const json& SampleFacts() {
  static const json facts = {
      {"age", 9}, {"sex", "F"}, {"classes", {"left_behind", "in_difficulty"}},
      {"living_with", "other_guardian"}, {"father_status", "working_away"},
      {"mother_status", "deceased"}, {"guardian_capable", false}, {"family_economy", "dibao"},
      {"disability", "none"}, {"schooling_status", "在读"}, {"has_health_record", true},
      {"days_since_visit", 120}, {"visit_overdue_days", 30}, {"open_cases", 1},
      {"unmet_needs", {"enrolment"}}, {"needs", {"homework"}}, {"flow_type", "cross_city"}};
  return facts;
}

// Generic field readers as the routes use them.
void ReadFields(const json& body) {
  try {
    BodyText(body, "name", 100, false);
    BodyText(body, "notes", 4000, false);
    BodyText(body, "visit_date", 10, true);
  } catch (const ApiError&) {
  }
  try {
    RejectUnknownFields(body, {"name", "notes", "visit_date", "version", "action", "answers"});
  } catch (const ApiError&) {
  }
}

// POST/PUT /api/children: strict reading, and what is read writes back and re-reads unchanged.
void ReadChild(const json& body) {
  Child child;
  InputError error;
  if (!ChildFromJson(body, &child, &error, {"version"})) {
    FUZZ_CHECK(!error.code.empty() && ingest::IsValidUtf8(error.message_zh));
    return;
  }
  const json written = ChildToJson(child);
  Child reread;
  InputError reread_error;
  FUZZ_CHECK(ChildFromJson(written, &reread, &reread_error));
  FUZZ_CHECK(DiffChildren(child, reread).empty());
  DiffChildren(Child{}, child);
  written.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A case's assessment action, read as the case service reads it.
void ReadAssessment(const json& body) {
  if (!body.contains("answers") || !body["answers"].is_object()) return;
  std::map<std::string, int> answers;
  for (const auto& [item, value] : body["answers"].items()) {
    if (!value.is_number_integer()) return;
    answers[item] = value.get<int>();
  }
  try {
    const care::AssessmentResult result = care::Score(Shipped().assessment, answers);
    FUZZ_CHECK(!result.level.empty());
  } catch (const std::invalid_argument&) {
  }
}

// PUT /api/care/rules: a rule set that validates is saved as ToJson() and must load again.
void ReadRules(const json& body) {
  care::RuleSet rules;
  try {
    rules = care::RuleSet::FromJson(body);
  } catch (const std::invalid_argument&) {
    return;
  }
  const care::RuleSet saved = care::RuleSet::FromJson(rules.ToJson());
  FUZZ_CHECK(saved.rules.size() == rules.rules.size() && saved.colours == rules.colours);
  const care::Evaluation evaluation = care::Evaluate(rules, SampleFacts());
  FUZZ_CHECK(rules.Severity(evaluation.colour) >= 0);
}

// PUT /api/services/catalogue: the same for the service catalogue.
void ReadCatalogue(const json& body) {
  care::ServiceCatalogue catalogue;
  try {
    catalogue = care::ServiceCatalogue::FromJson(body);
  } catch (const std::invalid_argument&) {
    return;
  }
  const care::ServiceCatalogue saved = care::ServiceCatalogue::FromJson(catalogue.ToJson());
  FUZZ_CHECK(saved.items.size() == catalogue.items.size());
  care::EntitlementsOf(catalogue, SampleFacts(), {{catalogue.items.front().id, kToday}}, kToday);
}

// Evaluating the shipped rules on facts of any shape only ever finds facts missing.
void EvaluateOnBody(const json& body) {
  if (!body.is_object()) return;
  care::Evaluate(Shipped().rules, body);
  care::EntitlementsOf(Shipped().catalogue, body, {}, kToday);
}

}  // namespace
}  // namespace tongan::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tongan::fuzz::Shipped();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tongan::fuzz;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!tongan::JsonNestingWithin(text)) return 0;  // the server's gate before parsing
  const json body = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return 0;
  for (void (*reader)(const json&) :
       {ReadFields, ReadChild, ReadAssessment, ReadRules, ReadCatalogue, EvaluateOnBody}) {
    try {
      reader(body);
    } catch (const tongan::ApiError&) {
    } catch (const json::exception&) {
    }
  }
  return 0;
}
