// Resident ID numbers and mobile phone numbers for synthetic people.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/sex.h"
#include "demo/synthetic_random.h"

namespace tongan::synthetic {

// Issues resident IDs (GB 11643) that are unique over one generation run, as the registry's
// uniqueness constraint requires: county code as issued + birth date + a random three-digit
// sequence whose last digit is odd for men and even for women + the MOD 11-2 check character.
class IdIssuer {
 public:
  explicit IdIssuer(size_t expected_people = 0);

  // An 18-character ID; empty when every sequence number of that county, day and sex is taken.
  std::string Issue(std::string_view county6, Date birth, Sex sex, Rng& rng);
  // A legacy 15-digit number (two-digit year, no check digit), as still found on old records of
  // people born in the 1900s; unique in its 18-digit form. Empty when none is left.
  std::string IssueLegacy15(std::string_view county6, Date birth, Sex sex, Rng& rng);

 private:
  // Sequence (0..999) not yet used for this county, day and sex, or -1.
  int FreeSequence(std::string_view county6, Date birth, Sex sex, Rng& rng);
  // Inserts a key; false when it was there. An open-addressing set: std::unordered_set spent
  // a fifth of the generator's time here.
  bool Insert(uint64_t key);
  void Grow();
  std::vector<uint64_t> slots_;  // county * 10^11 + yyyymmdd * 10^3 + sequence; 0 = empty
  size_t size_ = 0;
};

// An 11-digit mainland mobile number with a real carrier prefix (13x 15x 18x 19x …), weighted by
// how common the prefix is.
std::string MakeMobilePhone(Rng& rng);

}  // namespace tongan::synthetic
