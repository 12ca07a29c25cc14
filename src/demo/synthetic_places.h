// Place names and addresses for synthetic villages and households: communities (社区) of urban
// streets, villages (村) of towns, street and village addresses, and the variants in which clerks
// write the same address.
#pragma once

#include <string>
#include <string_view>

#include "demo/synthetic_random.h"

namespace tongan::synthetic {

// 1..999 in Chinese numerals: 三, 十二, 二十一, 一百零五.
std::string ChineseNumber(int n);

// A township whose subdivisions are communities (街道, 办事处) rather than villages (镇, 乡).
bool IsUrbanTownship(std::string_view township_name);

struct CommunityName {
  std::string name;  // "建设路社区", "光明社区"
  std::string road;  // the road its households live on: "建设路"
};
CommunityName MakeCommunityName(Rng& rng);

// A village's name without the trailing 村: "李庄", "前王营", "十里铺".
std::string MakeVillageStem(Rng& rng);

// A household address in a community: "建设路12号院3号楼2单元401", "阳光花园5号楼1单元302".
std::string MakeUrbanAddress(Rng& rng, std::string_view road);
// A household address in a village: "李庄村3组15号".
std::string MakeRuralAddress(Rng& rng, std::string_view village_name);

// The same address as another clerk writes it: "建设路12号" / "建设路12号院", "3组" / "三组",
// "3号楼2单元401" / "3栋2单元401", or with the township in front. Returns the input when no
// variant applies.
std::string VaryAddress(Rng& rng, const std::string& address, std::string_view township_name);

}  // namespace tongan::synthetic
