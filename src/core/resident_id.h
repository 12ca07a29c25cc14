// The 18-digit resident identity number (GB 11643-1999): validation, normalisation, masking.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/sex.h"

namespace tongan {

class RegionTree;

// One finding about an ID number: a machine code and a Chinese message for the UI.
struct IdProblem {
  std::string code;        // e.g. "id_check_digit"
  std::string message_zh;  // e.g. "校验码错误：第18位应为X，实为5"
};

struct ResidentIdCheck {
  bool valid = false;             // false when any hard check failed (see `errors`)
  std::string normalized;         // 18 characters, upper-case 'X'; empty when not derivable
  bool converted_from_15 = false; // the input was a legacy 15-digit number
  std::optional<Date> birth_date;
  std::optional<Sex> sex;
  std::string county_code;        // first six digits as issued (may no longer exist)
  std::vector<IdProblem> errors;    // hard failures: length, characters, province, date, check digit
  std::vector<IdProblem> warnings;  // soft findings: county code not in today's list
};

// Checks a resident ID as typed by a user or found in a department file. Tolerates surrounding
// spaces, full-width digits and a lower-case 'x'. A 15-digit legacy number is converted to 18
// digits (century 19, computed check digit). Hard checks: length, digits, a known province prefix,
// a real birth date not after `today` and not before 1900, the ISO 7064 MOD 11-2 check digit.
// A county code unknown to `regions` is only a warning: counties are renamed and recoded but
// issued numbers keep their old code. `regions` may be null (then only the province list built
// into the standard is used).
ResidentIdCheck CheckResidentId(std::string_view raw, const RegionTree* regions, Date today);

// ISO 7064 MOD 11-2 check character for the first 17 digits ('0'-'9' or 'X').
// Precondition: `first17` holds exactly 17 ASCII digits.
char ResidentIdCheckChar(std::string_view first17);

// "410402201503021234" -> "410402********1234". Short or odd input is masked all the same.
std::string MaskIdNumber(std::string_view id_number);

// "13812345678" -> "138****5678"; landlines keep their last four digits.
std::string MaskPhone(std::string_view phone);

}  // namespace tongan
