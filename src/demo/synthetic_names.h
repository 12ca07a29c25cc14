// Chinese personal names for synthetic people: surnames by real frequency, given names by sex and
// birth generation.
#pragma once

#include <string_view>

#include "core/sex.h"
#include "demo/synthetic_random.h"

namespace tongan::synthetic {

// A surname drawn by its approximate share of China's registered population.
std::string_view PickSurname(Rng& rng);
// One of the most common surnames, for place names such as 李庄 or 王营.
std::string_view PickPlaceSurname(Rng& rng);
// Number of distinct surnames the generator knows.
size_t SurnameCount();

// A given name of one or two characters, from the names popular for `sex` in the years around
// `birth_year` (建军 and 秀英 for 1960s, 子涵 and 梓萱 for 2010s).
std::string_view PickGivenName(Rng& rng, Sex sex, int birth_year);

}  // namespace tongan::synthetic
