// Resident ID numbers: the golden cases of golden/resident_ids.tsv against the real region tree,
// then exact messages, field extraction and masking.
#include "core/resident_id.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "core/region.h"

namespace tongan {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

// The golden file's expectations (future dates, "today" as a birth date) assume this day.
const Date kToday{year(2025), month(6), day(15)};

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const RegionTree& RealRegions() {
  static const RegionTree* const tree = [] {
    auto* regions = new RegionTree;
    const std::string dir = std::string(TONGAN_SOURCE_DIR) + "/data/regions/";
    regions->LoadProvincesCsv(ReadText(dir + "provinces.csv"));
    regions->LoadCitiesCsv(ReadText(dir + "cities.csv"));
    regions->LoadCountiesCsv(ReadText(dir + "areas.csv"));
    regions->LoadTownshipsCsv(ReadText(dir + "streets.csv"));
    return regions;
  }();
  return *tree;
}

struct GoldenCase {
  int line = 0;
  std::string input;
  bool valid = false;
  std::string normalized;  // "" when the file says "-"
  std::string code;        // first error, else first warning; "" for none
  std::string note;
};

std::vector<GoldenCase> ReadGoldenCases() {
  std::vector<GoldenCase> cases;
  std::istringstream lines(ReadText(std::string(TONGAN_SOURCE_DIR) +
                                    "/tests/core/golden/resident_ids.tsv"));
  std::string line;
  int line_number = 0;
  bool header_seen = false;
  while (std::getline(lines, line)) {
    ++line_number;
    if (line.starts_with("#")) continue;
    if (!header_seen) {  // "input\tvalid\t..."
      header_seen = true;
      continue;
    }
    std::vector<std::string> columns;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
      columns.push_back(line.substr(start, tab - start));
    columns.push_back(line.substr(start));
    EXPECT_EQ(columns.size(), 5u) << "line " << line_number;
    if (columns.size() != 5) continue;
    EXPECT_TRUE(columns[1] == "yes" || columns[1] == "no") << "line " << line_number;
    cases.push_back({line_number, columns[0], columns[1] == "yes",
                     columns[2] == "-" ? "" : columns[2], columns[3] == "-" ? "" : columns[3],
                     columns[4]});
  }
  return cases;
}

// The golden file's legacy numbers are all typed as plain ASCII.
bool IsFifteenAsciiDigits(std::string_view text) {
  return text.size() == 15 && text.find_first_not_of("0123456789") == std::string_view::npos;
}

TEST(ResidentIdGolden, EveryCaseMatches) {
  const std::vector<GoldenCase> cases = ReadGoldenCases();
  ASSERT_GE(cases.size(), 25u);
  for (const GoldenCase& c : cases) {
    SCOPED_TRACE("line " + std::to_string(c.line) + " [" + c.input + "] " + c.note);
    const ResidentIdCheck check = CheckResidentId(c.input, &RealRegions(), kToday);
    EXPECT_EQ(check.valid, c.valid);
    EXPECT_EQ(check.valid, check.errors.empty());
    EXPECT_EQ(check.normalized, c.normalized);
    const std::string first_code = !check.errors.empty()     ? check.errors.front().code
                                   : !check.warnings.empty() ? check.warnings.front().code
                                                             : "";
    EXPECT_EQ(first_code, c.code);
    for (const IdProblem& problem : check.errors) EXPECT_FALSE(problem.message_zh.empty());
    for (const IdProblem& problem : check.warnings) EXPECT_FALSE(problem.message_zh.empty());
    if (!c.normalized.empty()) {
      EXPECT_EQ(check.county_code, c.normalized.substr(0, 6));
      EXPECT_EQ(check.converted_from_15, IsFifteenAsciiDigits(c.input));
    }
  }
}

TEST(ResidentIdGolden, CoversEveryProblemCode) {
  std::set<std::string> codes;
  for (const GoldenCase& c : ReadGoldenCases()) codes.insert(c.code);
  for (const char* code : {"id_empty", "id_length", "id_character", "id_province", "id_birth_date",
                           "id_birth_future", "id_birth_too_early", "id_check_digit",
                           "id_county_unknown"})
    EXPECT_TRUE(codes.contains(code)) << code;
}

TEST(ResidentId, CheckCharOfTheStandardsExamples) {
  EXPECT_EQ(ResidentIdCheckChar("11010519491231002"), 'X');
  EXPECT_EQ(ResidentIdCheckChar("44052418800101001"), '4');
  EXPECT_EQ(ResidentIdCheckChar("41040220150302118"), '0');
  EXPECT_EQ(ResidentIdCheckChar("41040220150302123"), '6');
}

TEST(ResidentId, ExtractsBirthDateSexAndCounty) {
  const ResidentIdCheck male = CheckResidentId("410402201503021236", &RealRegions(), kToday);
  ASSERT_TRUE(male.valid);
  EXPECT_EQ(male.birth_date, (Date{year(2015), month(3), day(2)}));
  EXPECT_EQ(male.sex, Sex::kMale);
  EXPECT_EQ(male.county_code, "410402");
  EXPECT_FALSE(male.converted_from_15);
  EXPECT_TRUE(male.warnings.empty());

  const ResidentIdCheck female = CheckResidentId("410402201503021244", &RealRegions(), kToday);
  ASSERT_TRUE(female.valid);
  EXPECT_EQ(female.sex, Sex::kFemale);
}

TEST(ResidentId, ConvertsLegacyFifteenDigitNumbers) {
  const ResidentIdCheck check = CheckResidentId("410402850302124", nullptr, kToday);
  ASSERT_TRUE(check.valid);
  EXPECT_TRUE(check.converted_from_15);
  EXPECT_EQ(check.normalized.substr(0, 17), "41040219850302124");
  EXPECT_EQ(check.normalized.size(), 18u);
  EXPECT_EQ(check.birth_date, (Date{year(1985), month(3), day(2)}));
  EXPECT_EQ(check.sex, Sex::kFemale);  // legacy numbers carry sex in their last digit
}

TEST(ResidentId, MessagesAreSpecific) {
  const auto first_message = [](std::string_view raw) {
    const ResidentIdCheck check = CheckResidentId(raw, &RealRegions(), kToday);
    return check.errors.empty() ? std::string() : check.errors.front().message_zh;
  };
  EXPECT_EQ(first_message(""), "身份证号为空");
  EXPECT_EQ(first_message("41040220150302123"), "身份证号应为18位（或15位旧号码），实为17位");
  EXPECT_EQ(first_message("4104022015030A1234"), "第14位含非法字符“A”");
  EXPECT_EQ(first_message("41040220150302１2三4"), "第17位含非法字符“三”");
  EXPECT_EQ(first_message("990402201503021239"), "前两位省份代码99不存在");
  EXPECT_EQ(first_message("41040220151302123X"), "出生日期20151302不是有效日期");
  EXPECT_EQ(first_message("410402202506161239"), "出生日期晚于今天");
  EXPECT_EQ(first_message("410402201503021235"), "校验码错误：第18位应为6，实为5");
  EXPECT_EQ(first_message("41040220150302123X"), "校验码错误：第18位应为6，实为X");

  const ResidentIdCheck old_county = CheckResidentId("410499201503021235", &RealRegions(), kToday);
  ASSERT_EQ(old_county.warnings.size(), 1u);
  EXPECT_EQ(old_county.warnings[0].code, "id_county_unknown");
  EXPECT_EQ(old_county.warnings[0].message_zh,
            "县级代码410499不在现行区划中（可能为撤并前旧代码），请核实");
}

TEST(ResidentId, StopsAtLengthOrCharacterProblems) {
  // 17 digits whose "date" would be month 13: only the length is reported.
  const ResidentIdCheck short_one = CheckResidentId("41040220151302123", &RealRegions(), kToday);
  ASSERT_EQ(short_one.errors.size(), 1u);
  EXPECT_EQ(short_one.errors[0].code, "id_length");
  EXPECT_FALSE(short_one.birth_date);
  EXPECT_FALSE(short_one.sex);
  EXPECT_TRUE(short_one.county_code.empty());

  // One finding per illegal character, and nothing about date or check digit.
  const ResidentIdCheck garbled = CheckResidentId("41A40220151302B23X", &RealRegions(), kToday);
  ASSERT_EQ(garbled.errors.size(), 2u);
  EXPECT_EQ(garbled.errors[0].message_zh, "第3位含非法字符“A”");
  EXPECT_EQ(garbled.errors[1].message_zh, "第15位含非法字符“B”");
  EXPECT_TRUE(garbled.normalized.empty());
}

TEST(ResidentId, ReportsProvinceDateAndCheckDigitTogether) {
  const ResidentIdCheck check = CheckResidentId("990402201513021235", &RealRegions(), kToday);
  ASSERT_EQ(check.errors.size(), 3u);
  EXPECT_EQ(check.errors[0].code, "id_province");
  EXPECT_EQ(check.errors[1].code, "id_birth_date");
  EXPECT_EQ(check.errors[2].code, "id_check_digit");
  EXPECT_EQ(check.errors[2].message_zh, "校验码错误：第18位应为2，实为5");
  EXPECT_TRUE(check.warnings.empty());  // no county warning for a province that does not exist
}

TEST(ResidentId, WithoutRegionTreeThereIsNoCountyWarning) {
  const ResidentIdCheck check = CheckResidentId("410499201503021235", nullptr, kToday);
  EXPECT_TRUE(check.valid);
  EXPECT_TRUE(check.warnings.empty());
  EXPECT_FALSE(CheckResidentId("990402201503021239", nullptr, kToday).valid);
  EXPECT_TRUE(CheckResidentId("710000201503021232", nullptr, kToday).valid);  // Taiwan prefix
}

TEST(ResidentId, InvalidUtf8IsReportedReadably) {
  const ResidentIdCheck check = CheckResidentId("41040220150302123\xFF", nullptr, kToday);
  ASSERT_EQ(check.errors.size(), 1u);
  EXPECT_EQ(check.errors[0].message_zh, "第18位含非法字符“\\xFF”");
}

// Found by fuzz/resident_id_fuzzer: an encoded surrogate (or overlong form) counted as one
// character and was echoed into the message as is, which is not valid UTF-8.
TEST(ResidentId, EncodedSurrogateIsThreeUnreadableBytes) {
  const ResidentIdCheck check = CheckResidentId("\xED\xBD\x98" "410402201503021", nullptr, kToday);
  ASSERT_EQ(check.errors.size(), 3u);
  EXPECT_EQ(check.errors[0].message_zh, "第1位含非法字符“\\xED”");
  EXPECT_EQ(check.errors[2].message_zh, "第3位含非法字符“\\x98”");
  const ResidentIdCheck overlong = CheckResidentId("\xE0\x80\xB1" "41040220150302123", nullptr, kToday);
  ASSERT_EQ(overlong.errors.size(), 1u);
  EXPECT_EQ(overlong.errors[0].code, "id_length");  // 3 bytes + 17 digits: 20 characters
}

TEST(ResidentId, MasksIdNumbers) {
  EXPECT_EQ(MaskIdNumber("410402201503021234"), "410402********1234");
  EXPECT_EQ(MaskIdNumber("41040220150302105X"), "410402********105X");
  EXPECT_EQ(MaskIdNumber("410402850302123"), "410402*****2123");
  EXPECT_EQ(MaskIdNumber("4104022015"), "4104022015");  // 10 characters: 6 + 4, nothing hidden
  EXPECT_EQ(MaskIdNumber("410402201"), "*******01");
  EXPECT_EQ(MaskIdNumber("123"), "*23");
  EXPECT_EQ(MaskIdNumber(""), "");
  // Characters, not bytes, so the result stays valid UTF-8.
  EXPECT_EQ(MaskIdNumber("４１０４０２２０１５０３０２１２３６"), "４１０４０２********１２３６");
}

TEST(ResidentId, MasksPhones) {
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskPhone("0375-2345678"), "********5678");
  EXPECT_EQ(MaskPhone("03752345678"), "*******5678");  // 11 digits but not a mobile number
  EXPECT_EQ(MaskPhone("12345"), "*2345");
  EXPECT_EQ(MaskPhone("1234"), "****");
  EXPECT_EQ(MaskPhone(""), "");
}

}  // namespace
}  // namespace tongan
