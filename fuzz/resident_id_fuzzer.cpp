// Fuzzes the resident-ID check and masks (and the date parsers ID checks and file cells use);
// a failure is a crash, a sanitizer report, an exception or a broken invariant (FUZZ_CHECK).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/date.h"
#include "core/region.h"
#include "core/resident_id.h"
#include "fuzz_support.h"
#include "ingest/text_encoding.h"

namespace tongan::fuzz {
namespace {

const Date kToday{std::chrono::year(2026), std::chrono::month(11), std::chrono::day(22)};

// Provinces, cities and counties of the shipped data: enough for the county warning path.
const RegionTree& Regions() {
  static const RegionTree* regions = [] {
    auto* tree = new RegionTree;
    tree->LoadProvincesCsv(ReadDataFile("regions/provinces.csv"));
    tree->LoadCitiesCsv(ReadDataFile("regions/cities.csv"));
    tree->LoadCountiesCsv(ReadDataFile("regions/areas.csv"));
    return tree;
  }();
  return *regions;
}

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

void CheckIdInvariants(std::string_view raw, const RegionTree* regions) {
  const ResidentIdCheck check = CheckResidentId(raw, regions, kToday);
  FUZZ_CHECK(check.valid == check.errors.empty());
  // Messages go into JSON responses and audit lines: they must stay valid UTF-8 whatever came in.
  for (const auto* problems : {&check.errors, &check.warnings})
    for (const IdProblem& problem : *problems) FUZZ_CHECK(ingest::IsValidUtf8(problem.message_zh));
  if (!check.normalized.empty()) {
    FUZZ_CHECK(check.normalized.size() == 18);
    FUZZ_CHECK(check.county_code == check.normalized.substr(0, 6));
    for (size_t i = 0; i < 17; ++i) FUZZ_CHECK(IsAsciiDigit(check.normalized[i]));
  }
  if (!check.valid) return;
  FUZZ_CHECK(check.birth_date.has_value() && check.birth_date->ok() && *check.birth_date <= kToday);
  FUZZ_CHECK(check.sex.has_value());
  FUZZ_CHECK(ResidentIdCheckChar(std::string_view(check.normalized).substr(0, 17)) == check.normalized[17]);
  // Normalising is idempotent: the stored form checks valid to itself.
  const ResidentIdCheck again = CheckResidentId(check.normalized, regions, kToday);
  FUZZ_CHECK(again.valid && again.normalized == check.normalized && !again.converted_from_15);
  FUZZ_CHECK(again.birth_date == check.birth_date && again.sex == check.sex);
}

void CheckDateParsers(std::string_view text) {
  for (const auto& parsed : {ParseIsoDate(text), ParseLooseDate(text)}) {
    if (!parsed) continue;
    FUZZ_CHECK(parsed->ok());
    // What the API writes back must read back as the same day.
    FUZZ_CHECK(ParseIsoDate(FormatIsoDate(*parsed)) == parsed);
  }
}

}  // namespace
}  // namespace tongan::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tongan::fuzz::Regions();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tongan;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz::CheckIdInvariants(input, nullptr);
  fuzz::CheckIdInvariants(input, &fuzz::Regions());
  fuzz::CheckDateParsers(input);

  const bool utf8 = ingest::IsValidUtf8(input);
  const std::string masked_id = MaskIdNumber(input);
  const std::string masked_phone = MaskPhone(input);
  // Masks count characters, not bytes, so valid text never becomes broken UTF-8.
  if (utf8) FUZZ_CHECK(ingest::IsValidUtf8(masked_id) && ingest::IsValidUtf8(masked_phone));
  return 0;
}
