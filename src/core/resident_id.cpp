#include "core/resident_id.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "core/region.h"

namespace tongan {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

// Province prefixes of GB/T 2260 (including 71 Taiwan, 81 Hong Kong, 82 Macao, whose residents'
// permits use the same number format).
constexpr std::array<std::string_view, 34> kProvinceCodes = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
    "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
    "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"};

const Date kEarliestBirth{year(1900), month(1), day(1)};

// Splits UTF-8 text into characters. A byte that does not start a well-formed sequence becomes a
// character of its own, so that it can be reported rather than swallowed.
std::vector<std::string_view> SplitUtf8(std::string_view text) {
  std::vector<std::string_view> chars;
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length = 1;
    // Allowed range of the second byte: overlong forms, surrogates and values past U+10FFFF are
    // not characters, and echoing them would put broken UTF-8 into messages.
    unsigned char second_low = 0x80, second_high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) second_low = 0xA0;
      if (lead == 0xED) second_high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) second_low = 0x90;
      if (lead == 0xF4) second_high = 0x8F;
    }
    bool well_formed = i + length <= text.size();
    if (well_formed && length > 1) {
      const unsigned char second = static_cast<unsigned char>(text[i + 1]);
      well_formed = second >= second_low && second <= second_high;
    }
    for (size_t k = 2; well_formed && k < length; ++k)
      well_formed = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (!well_formed) length = 1;
    chars.push_back(text.substr(i, length));
    i += length;
  }
  return chars;
}

bool IsSpace(std::string_view ch) {
  return ch == " " || ch == "\t" || ch == "\r" || ch == "\n" || ch == "\v" || ch == "\f" ||
         ch == "\u3000";
}

// Full-width digits and X as typed with a Chinese input method, and lower-case x, to ASCII.
std::string_view ToAscii(std::string_view ch) {
  static constexpr std::array<std::string_view, 10> kFullWidthDigits = {
      "０", "１", "２", "３", "４", "５", "６", "７", "８", "９"};
  static constexpr std::array<std::string_view, 10> kAsciiDigits = {"0", "1", "2", "3", "4",
                                                                     "5", "6", "7", "8", "9"};
  for (size_t d = 0; d < kFullWidthDigits.size(); ++d)
    if (ch == kFullWidthDigits[d]) return kAsciiDigits[d];
  if (ch == "x" || ch == "Ｘ" || ch == "ｘ") return "X";
  return ch;
}

bool IsDigit(std::string_view ch) { return ch.size() == 1 && ch[0] >= '0' && ch[0] <= '9'; }

// How a character is shown inside a message: itself when printable, else a code that keeps the
// message valid UTF-8 (JSON encoders reject stray bytes).
std::string Printable(std::string_view ch) {
  const unsigned char first = static_cast<unsigned char>(ch[0]);
  char buffer[16];
  if (ch.size() == 1 && first >= 0x80) {
    std::snprintf(buffer, sizeof buffer, "\\x%02X", first);
    return buffer;
  }
  if (ch.size() == 1 && (first < 0x20 || first == 0x7F)) {
    std::snprintf(buffer, sizeof buffer, "U+%04X", first);
    return buffer;
  }
  return std::string(ch);
}

int DigitsToInt(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

bool IsKnownProvince(std::string_view two_digits, const RegionTree* regions) {
  if (std::find(kProvinceCodes.begin(), kProvinceCodes.end(), two_digits) != kProvinceCodes.end())
    return true;
  return regions != nullptr && regions->HasProvince(two_digits);
}

void AddProblem(std::vector<IdProblem>& problems, std::string code, std::string message_zh) {
  problems.push_back(IdProblem{std::move(code), std::move(message_zh)});
}

}  // namespace

char ResidentIdCheckChar(std::string_view first17) {
  // Weight of position i is 2^(17-i) mod 11.
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheckChars[] = "10X98765432";
  int sum = 0;
  for (size_t i = 0; i < 17 && i < first17.size(); ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheckChars[sum % 11];
}

ResidentIdCheck CheckResidentId(std::string_view raw, const RegionTree* regions, Date today) {
  ResidentIdCheck check;

  std::vector<std::string_view> chars = SplitUtf8(raw);
  const auto first_kept = std::find_if_not(chars.begin(), chars.end(), IsSpace);
  const auto last_kept = std::find_if_not(chars.rbegin(), chars.rend(), IsSpace).base();
  chars = first_kept < last_kept ? std::vector<std::string_view>(first_kept, last_kept)
                                 : std::vector<std::string_view>{};
  for (std::string_view& ch : chars) ch = ToAscii(ch);

  if (chars.empty()) {
    AddProblem(check.errors, "id_empty", "身份证号为空");
    return check;
  }
  const size_t length = chars.size();
  if (length != 18 && length != 15) {
    AddProblem(check.errors, "id_length",
               "身份证号应为18位（或15位旧号码），实为" + std::to_string(length) + "位");
    return check;
  }
  for (size_t i = 0; i < length; ++i) {
    const bool allowed = IsDigit(chars[i]) || (chars[i] == "X" && length == 18 && i == 17);
    if (!allowed)
      AddProblem(check.errors, "id_character",
                 "第" + std::to_string(i + 1) + "位含非法字符“" + Printable(chars[i]) + "”");
  }
  // A date or check digit read from a garbled number would only add noise.
  if (!check.errors.empty()) return check;

  std::string typed;
  for (std::string_view ch : chars) typed += ch;
  if (length == 15) {
    // Legacy numbers: YYMMDD of the 20th century, no check digit.
    const std::string first17 = typed.substr(0, 6) + "19" + typed.substr(6);
    check.normalized = first17 + ResidentIdCheckChar(first17);
    check.converted_from_15 = true;
  } else {
    check.normalized = typed;
  }
  const std::string& id = check.normalized;
  check.county_code = id.substr(0, 6);
  check.sex = (id[16] - '0') % 2 == 1 ? Sex::kMale : Sex::kFemale;

  const std::string province = id.substr(0, 2);
  const bool province_known = IsKnownProvince(province, regions);
  if (!province_known) AddProblem(check.errors, "id_province", "前两位省份代码" + province + "不存在");

  const std::string date_digits = id.substr(6, 8);
  const Date birth{year(DigitsToInt(date_digits.substr(0, 4))),
                   month(DigitsToInt(date_digits.substr(4, 2))),
                   day(DigitsToInt(date_digits.substr(6, 2)))};
  if (!birth.ok()) {
    AddProblem(check.errors, "id_birth_date", "出生日期" + date_digits + "不是有效日期");
  } else {
    check.birth_date = birth;
    if (birth > today) AddProblem(check.errors, "id_birth_future", "出生日期晚于今天");
    if (birth < kEarliestBirth)
      AddProblem(check.errors, "id_birth_too_early", "出生日期早于1900年1月1日");
  }

  if (!check.converted_from_15) {
    const char expected = ResidentIdCheckChar(id);
    if (id[17] != expected)
      AddProblem(check.errors, "id_check_digit",
                 std::string("校验码错误：第18位应为") + expected + "，实为" + id[17]);
  }

  // Counties are merged and recoded, but numbers already issued keep the old code.
  if (regions != nullptr && province_known && !regions->Contains(check.county_code))
    AddProblem(check.warnings, "id_county_unknown",
               "县级代码" + check.county_code + "不在现行区划中（可能为撤并前旧代码），请核实");

  check.valid = check.errors.empty();
  return check;
}

std::string MaskIdNumber(std::string_view id_number) {
  // Count characters, not bytes, so that odd input never turns into broken UTF-8.
  const std::vector<std::string_view> chars = SplitUtf8(id_number);
  const size_t n = chars.size();
  const size_t keep_front = n >= 10 ? 6 : 0;
  const size_t keep_back = n >= 10 ? 4 : std::min<size_t>(2, n);
  std::string masked;
  for (size_t i = 0; i < n; ++i) {
    const bool shown = i < keep_front || i >= n - keep_back;
    masked += shown ? std::string(chars[i]) : std::string("*");
  }
  return masked;
}

std::string MaskPhone(std::string_view phone) {
  const std::vector<std::string_view> chars = SplitUtf8(phone);
  const size_t n = chars.size();
  const bool mobile =
      n == 11 && chars[0] == "1" && std::all_of(chars.begin(), chars.end(), IsDigit);
  if (mobile) return std::string(phone.substr(0, 3)) + "****" + std::string(phone.substr(7));
  const size_t keep_back = n >= 5 ? 4 : 0;
  std::string masked;
  for (size_t i = 0; i < n; ++i) masked += i >= n - keep_back ? std::string(chars[i]) : "*";
  return masked;
}

}  // namespace tongan
